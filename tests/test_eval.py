"""The Q&A eval: every question through the same path as `python -m bot ask --json`."""

from __future__ import annotations

import json

from bot.cli import main
from tests.harness import DATA

FRENCH_MARKERS = (" le ", " la ", " les ", " des ", " est ", " de ")
ENGLISH_MARKERS = (" the ", " is ", " of ", " and ", " to ")


def _in_language(text: str, lang: str) -> bool:
    padded = f" {text.lower()} "
    fr = sum(padded.count(m) for m in FRENCH_MARKERS)
    en = sum(padded.count(m) for m in ENGLISH_MARKERS)
    return fr > en if lang == "fr" else en > fr


def _ask_json(question: str, capsys) -> dict:
    assert main(["ask", question, "--json"]) == 0
    return json.loads(capsys.readouterr().out)


def test_eval_questions_score_at_least_90_percent(capsys):
    questions = [
        json.loads(line) for line in (DATA / "eval_questions.jsonl").read_text().splitlines()
    ]
    results = []
    for item in questions:
        reply = _ask_json(item["q"], capsys)
        if item["answerable"]:
            answer = reply["answer"]
            correct = (
                reply["answered"]
                and any(e.lower() in answer.lower() for e in item["expect_any"])
                and len(answer) <= 900
                and reply["lang"] == item["lang"]
                and _in_language(answer, item["lang"])
            )
        else:
            correct = reply["answered"] is False
        results.append((correct, item["q"]))
    score = sum(ok for ok, _ in results) / len(results)
    print(f"\neval: {sum(ok for ok, _ in results)}/{len(results)} correct ({score:.0%})")
    for ok, question in results:
        if not ok:
            print(f"  missed: {question}")
    assert score >= 0.9


def test_json_shape(capsys):
    reply = _ask_json("Which Meta platforms is the Meta AI assistant built into?", capsys)
    assert set(reply) == {"question", "lang", "answered", "answer", "sources"}
    assert reply["answered"] is True
    assert reply["lang"] == "en"
    assert "WhatsApp" in reply["answer"]
    assert all(set(s) == {"article", "section"} for s in reply["sources"])
    assert reply["sources"][0]["article"] == "Meta: LLaMA's Role in Its Growth"
