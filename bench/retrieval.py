"""`ask` retrieval in-process: per-query latency of KnowledgeBase.search over the shipped
knowledge base, and over 50 articles (the shipped one plus 49 copies under other slugs and
titles, made in a temporary folder only for this measurement). Beside it, the whole `ask`
command (Router.handle: language, retrieval, claim check, reply). Questions: the shipped eval,
tests/data/eval_questions.jsonl, in their own language."""

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

ROUNDS = 60  # passes over the eval questions
COPIES = 49
EVAL = [
    json.loads(line)
    for line in (ROOT / "tests" / "data" / "eval_questions.jsonl").read_text().splitlines()
    if line.strip()
]


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
    for item in EVAL:  # warm up
        knowledge.search(item["q"], item["lang"])
    samples = []
    for _ in range(ROUNDS):
        for item in EVAL:
            started = time.perf_counter()
            knowledge.search(item["q"], item["lang"])
            samples.append(time.perf_counter() - started)
    return samples


def ask_latencies(services: Services) -> list[float]:
    router = Router(services)

    async def run() -> list[float]:
        for item in EVAL:
            await router.handle(Request("ask", item["q"], can_manage_channel=True))
        samples = []
        for _ in range(ROUNDS // 4):
            for item in EVAL:
                started = time.perf_counter()
                await router.handle(Request("ask", item["q"], can_manage_channel=True))
                samples.append(time.perf_counter() - started)
        return samples

    return asyncio.run(run())


def main() -> None:
    rows = []
    with tempfile.TemporaryDirectory(prefix="bench-retrieval-") as tmp:
        extra = Path(tmp) / "articles"
        extra.mkdir()
        copy_articles(extra, COPIES)
        for label, folder in (("shipped (1 article)", None), (f"{COPIES + 1} articles", extra)):
            started = time.perf_counter()
            knowledge = load_knowledge_base(folder)
            _ = knowledge.index
            build = time.perf_counter() - started
            search = search_latencies(knowledge)
            settings = load_settings(data_dir=Path(tmp) / "data", articles_dir=folder)
            services = Services(settings)
            services.__dict__["knowledge"] = knowledge  # the same index, already built
            ask = ask_latencies(services)
            p50, p99 = percentile(search, 50) * 1000, percentile(search, 99) * 1000
            rows.append(
                [
                    label,
                    len(knowledge.passages),
                    f"{build * 1000:.0f}",
                    f"{p50:.3f}",
                    f"{p99:.3f}",
                    "met" if p50 < 1 else "MISSED",
                    f"{percentile(ask, 50) * 1000:.2f}",
                    f"{percentile(ask, 99) * 1000:.2f}",
                ]
            )
    notes = (
        f"In-process, after a warm-up; `KnowledgeBase.search` on the {len(EVAL)} eval "
        f"questions × {ROUNDS} passes; the whole `ask` command (Router.handle) × "
        f"{ROUNDS // 4} passes. Goal: retrieval under 1 ms per query (median). The "
        f"{COPIES + 1}-article base repeats the shipped article under {COPIES} other "
        f"slugs and titles (generated for this run only)."
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
                "goal < 1 ms",
                "ask p50 ms",
                "ask p99 ms",
            ],
            rows,
            notes,
        )
    )


if __name__ == "__main__":
    main()
