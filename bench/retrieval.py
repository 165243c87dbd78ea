"""`ask` retrieval in-process: per-query latency of KnowledgeBase.search over the shipped
knowledge base with the embedded model (hybrid) and lexical only, and lexical over 50 articles
(the shipped one plus 49 copies under other slugs and titles, made in a temporary folder only
for this measurement). Beside it, the whole `ask` command (Router.handle). Questions: the eval's
distinct questions (tests/data/eval_questions.jsonl), each asked once as written, in its own
language. Nothing on the path keeps a question's vector or answer, so each timed call embeds its
question. (A pass number appended to make repeats distinct is not what users type: it adds
tokens to embed, and "What is LLaMA? 0" is two sentences, so when unanswered it is read and
embedded twice.) Resident memory after the first answer is reported beside the idle figure."""

from __future__ import annotations

import asyncio
import json
import re
import tempfile
import time
from pathlib import Path

from bench.common import ROOT, percentile
from bench.report import publish, table
from briefings.knowledge import KnowledgeBase, load_knowledge_base
from briefings.knowledge.articles import SHIPPED_ARTICLES
from chat.request import Request
from commands.router import Router
from commands.services import Services
from config import load_settings

COPIES = 49
WARM_UP = "What is LLaMA?"  # asked first, to load the model and the vectors; not timed
_ALL = [
    json.loads(line)
    for line in (ROOT / "tests" / "data" / "eval_questions.jsonl").read_text().splitlines()
    if line.strip()
]
# Distinct questions, the warm-up's aside (`ask` would answer it from its reply cache).
EVAL = list({(i["q"], i["lang"]): i for i in _ALL if i["q"] != WARM_UP}.values())


def copy_articles(folder: Path, copies: int) -> None:
    """meta-llama-growth*.md again `copies` times, each under its own slug and title."""
    for n in range(1, copies + 1):
        for path in sorted(SHIPPED_ARTICLES.glob("meta-llama-growth*.md")):
            name = path.name.replace("meta-llama-growth", f"meta-llama-growth-copy{n:02d}")
            text = re.sub(
                r'^title: "(.*)"$',
                rf'title: "\1 (copy {n})"',
                path.read_text(encoding="utf-8"),
                count=1,
                flags=re.MULTILINE,
            )
            (folder / name).write_text(text, encoding="utf-8")


def search_latencies(knowledge: KnowledgeBase) -> list[float]:
    _ = knowledge.index
    knowledge.search(WARM_UP, "en")
    samples = []
    for item in EVAL:
        started = time.perf_counter()
        knowledge.search(item["q"], item["lang"])
        samples.append(time.perf_counter() - started)
    return samples


def ask_latencies(services: Services) -> list[float]:
    router = Router(services)

    async def run() -> list[float]:
        await router.handle(Request("ask", WARM_UP, can_manage_channel=True))
        samples = []
        for item in EVAL:
            started = time.perf_counter()
            await router.handle(Request("ask", item["q"], can_manage_channel=True))
            samples.append(time.perf_counter() - started)
        return samples

    return asyncio.run(run())


def _rss_mb() -> float:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


def main() -> None:
    from briefings.knowledge.embeddings import VectorCache, embedder_for

    rows = []
    idle = _rss_mb()
    first_answer = None
    with tempfile.TemporaryDirectory(prefix="bench-retrieval-") as tmp:
        extra = Path(tmp) / "articles"
        extra.mkdir()
        copy_articles(extra, COPIES)
        settings = load_settings(data_dir=Path(tmp) / "data")
        embedder, described = embedder_for(settings)
        cases = [("shipped (1 article), hybrid", None, embedder), ("shipped, lexical", None, None)]
        cases.append((f"{COPIES + 1} articles, lexical", extra, None))
        for label, folder, model in cases:
            started = time.perf_counter()
            cache = VectorCache(Path(tmp) / "data" / "embeddings")
            knowledge = load_knowledge_base(folder, model, cache)
            _ = knowledge.index
            knowledge.search(WARM_UP, "en")  # embeds the sentences (first run)
            if first_answer is None:
                first_answer = _rss_mb()
            build = time.perf_counter() - started
            search = search_latencies(knowledge)
            settings = load_settings(
                data_dir=Path(tmp) / "data",
                articles_dir=folder,
                embeddings_backend="auto" if model else "lexical",
            )
            services = Services(settings)
            services.live_knowledge.use(knowledge)  # the same index, already built
            ask = ask_latencies(services)
            p50, p99 = percentile(search, 50) * 1000, percentile(search, 99) * 1000
            rows.append(
                [
                    label,
                    len(knowledge.passages),
                    f"{build * 1000:.0f}",
                    f"{p50:.2f}",
                    f"{p99:.2f}",
                    "met" if p50 <= 30 else "MISSED",
                    f"{percentile(ask, 50) * 1000:.2f}",
                    f"{percentile(ask, 99) * 1000:.2f}",
                ]
            )
    notes = (
        f"In-process; `KnowledgeBase.search`, then the whole `ask` command (Router.handle), "
        f"each on the {len(EVAL)} distinct eval questions asked once as written (no question "
        f"vector or answer is kept between calls; before, a pass number was appended: more "
        f"tokens to embed, and two sentences, so an unanswered one was embedded twice). "
        f"Embeddings: {described}. Goal: retrieval p50 at most 30 ms with the embedded "
        f"model. Resident memory: {idle:.0f} MB before loading, {first_answer or 0:.0f} MB after "
        f"the first hybrid answer (model loaded, sentence vectors built)."
    )
    publish(
        table(
            "`ask` retrieval: per-query latency",
            [
                "knowledge base",
                "passages",
                "load + index ms",
                "search p50 ms",
                "search p99 ms",
                "goal <= 30 ms",
                "ask p50 ms",
                "ask p99 ms",
            ],
            rows,
            notes,
        )
    )


if __name__ == "__main__":
    main()
