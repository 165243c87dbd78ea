"""The briefing's "why it matters" from a language model: two checked sentences after the insight,
absent on any failure, one model call per (day, language, passage) however many channels."""

from __future__ import annotations

import asyncio
import datetime as dt
import io
import itertools
import json
import random
import re
from pathlib import Path

import pytest

from bot.adapters.console import ConsoleDelivery, render
from bot.cli import main
from briefings.compose import briefing, market_report
from chat.reply import Paragraph, Quote
from commands.services import Services
from config import load_settings
from scheduling.fanout import Deliveries
from tests.harness import DATA
from tests.harness.chat import Chat
from tests.harness.delivery import subscribe, utc
from tests.harness.llm import FakeLLM, Recorded, Scripted, answer, server_error, slow

META = DATA / "META.csv"
_models = itertools.count(1)
_ONE_DAY = re.compile(r"change over 1 day: ([+-][\d.]+)%")


def why_from_figures(request: Recorded) -> Scripted:
    """Two grounded sentences: the day's move (a figure from the prompt) and the insight."""
    move = _ONE_DAY.search(request.user_prompt).group(1)
    if "(write in French)" in request.user_prompt:
        return answer(
            f"L’action Meta a varié de {move} % sur la journée. Cette évolution se lit "
            "à la lumière du point clé du jour, tiré de l’article sur LLaMA."
        )
    return answer(
        f"Meta's stock moved {move}% on the day. That move is worth reading beside the "
        "insight of the day, which the article ties to LLaMA."
    )


@pytest.fixture
def llm(monkeypatch):
    with FakeLLM(responder=why_from_figures) as fake:
        monkeypatch.setenv("LLM_BASE_URL", fake.base_url)
        monkeypatch.setenv("LLM_MODEL", f"llama3.1-brief{next(_models)}")
        monkeypatch.setenv("LLM_TIMEOUT", "1")
        yield fake


def brief_chat() -> Chat:
    """`/meta brief` the morning after the article's day: figures as of the 13 Mar 2024 close."""
    clock = dt.datetime(2024, 3, 14, 2, 0, tzinfo=dt.UTC)  # 22:00 on the 13th in New York
    services = Services(
        load_settings(), clock=lambda: clock, rng=random.Random(7), price_files={"META": META}
    )
    return Chat(services)


def why_block(chat: Chat, lang: str = "en") -> Paragraph | None:
    """The paragraph right after the insight quote, if it is the "why it matters" line."""
    blocks = chat.send(f"/meta brief --lang {lang}").blocks
    quote = next(i for i, b in enumerate(blocks) if isinstance(b, Quote))
    after = blocks[quote + 1]
    if isinstance(after, Paragraph) and after.text.startswith(("Why it matters:", "Pourquoi")):
        return after
    assert not any(isinstance(b, Paragraph) and "Why it matters" in b.text for b in blocks)
    return None


def test_the_briefing_says_why_it_matters_after_the_insight(llm):
    chat = brief_chat()
    block = why_block(chat)
    assert block is not None
    assert block.text == (
        "Why it matters: Meta's stock moved -0.84% on the day. That move is worth "
        "reading beside the insight of the day, which the article ties to LLaMA."
    )
    assert chat.last.data["insight"]["why_it_matters"] == block.text.removeprefix(
        "Why it matters: "
    )
    (request,) = llm.requests
    insight = chat.last.data["insight"]
    assert insight["text"] in request.user_prompt
    assert f"Section (en): [{insight['section']}]" in request.user_prompt
    assert "META close on 2024-03-13: 495.57" in request.user_prompt
    assert "change year to date: +40.01%" in request.user_prompt
    assert "exactly two sentences in English" in request.system_prompt


def test_in_french(llm):
    chat = brief_chat()
    block = why_block(chat, "fr")
    assert block is not None
    assert block.text.startswith("Pourquoi c'est important : L’action Meta a varié de -0.84 %")
    assert "(write in French)" in llm.requests[0].user_prompt


@pytest.mark.parametrize(
    "reply",
    [
        server_error(500),
        pytest.param(slow(5), marks=pytest.mark.slow),
        answer("Meta's stock fell 7% on the day. Investors fear the LLaMA strategy."),  # invented
        answer("Meta's stock moved on the day. It matters. Investors watch LLaMA closely."),  # 3
        answer(
            "L’action a bougé aujourd’hui, et cela compte pour la stratégie de LLaMA. "
            "Les investisseurs suivent cela de près."
        ),  # French in an English briefing
    ],
    ids=["500", "timeout", "invented-number", "three-sentences", "wrong-language"],
)
def test_on_any_failure_the_line_is_simply_absent(llm, reply):
    llm.responder = lambda _request: reply
    chat = brief_chat()
    assert why_block(chat) is None
    assert chat.last.ok
    assert chat.last.data["insight"]["why_it_matters"] is None
    text = render(chat.last)
    assert "Insight of the day" in text and "Why it matters" not in text
    assert "model" not in text.lower() and "error" not in text.lower()


def test_a_failure_is_not_retried_for_every_channel(llm):
    llm.responder = lambda _request: server_error(500)
    services = brief_chat().services
    settings, knowledge = services.settings, services.knowledge
    report = asyncio.run(
        market_report(
            services.market,
            settings.market.company_symbol,
            settings.market.benchmark_symbol,
            settings.market.peers,
            services.clock(),
            article_date=knowledge.latest_article.date,
        )
    )
    passage = knowledge.insights()[0]
    for _ in range(3):  # the same (day, language, passage), as in a fan-out
        assert briefing("en", report, knowledge, passage, None, services.answerer).why is None
    assert len(llm.requests) == 2  # one call (two attempts); the failure is then remembered


def test_without_a_model_nothing_changes(capsys):
    assert main(["brief", "--prices", str(META), "--date", "2024-03-13"]) == 0
    assert "Why it matters" not in capsys.readouterr().out
    assert main(["brief", "--prices", str(META), "--date", "2024-03-13", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["insight"]["why_it_matters"] is None


def test_the_cli_briefing_with_a_model(llm, capsys):
    assert main(["brief", "--prices", str(META), "--date", "2024-03-13"]) == 0
    out = capsys.readouterr().out
    assert "Why it matters: Meta's stock moved -0.84% on the day." in " ".join(out.split())


def test_the_fan_out_makes_one_call_per_day_language_and_passage(llm):
    settings = load_settings()
    services = Services(
        settings, clock=lambda: utc(2026, 11, 30, 7, 30), price_files={"META": META}
    )
    for n in range(40):
        subscribe(services, f"c{n:02}", "08:30", "Europe/Paris", lang="fr" if n % 4 == 0 else "en")
    stream = io.StringIO()
    port = ConsoleDelivery(stream, Path(settings.storage.data_dir) / "console-posts.jsonl")

    async def no_wait(_seconds: float) -> None:
        return None

    deliveries = Deliveries(services, {"console": port}, sleep=no_wait)
    report = asyncio.run(deliveries.deliver_due(utc(2026, 11, 30, 7, 30)))
    assert len(report.delivered) == 40
    posts = stream.getvalue().split("── post to #")[1:]
    assert sum("Why it matters:" in p for p in posts) == 30
    assert sum("Pourquoi c'est important :" in p for p in posts) == 10
    insights = {
        (p.count("Why it matters:"), p.split("│")[1][:80]) for p in posts
    }  # (lang, passage)
    assert len(llm.requests) == len(insights) < 40
