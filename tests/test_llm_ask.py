"""`/meta ask` with a language model: grounded answers shown, anything else falls back to the
extractive answer. The model is a loopback fake of the chat-completions API (tests/harness/llm.py)
reached through the real `openai` client."""

from __future__ import annotations

import datetime as dt
import itertools
import json
import logging
import os
import random
import subprocess
import sys
import time

import pytest

from bot.cli import main
from briefings.answers.grounding import AllowedNumbers, allowed_numbers, numbers_in
from commands import all_commands
from commands.services import Services
from config import load_settings
from tests.harness import DATA, ROOT
from tests.harness.chat import Chat
from tests.harness.llm import (
    FakeLLM,
    answer,
    echo_best_passage,
    malformed,
    refusal,
    server_error,
    slow,
)
from tests.test_eval import _in_language, ask_each

PLATFORMS = "Which Meta platforms is the Meta AI assistant built into?"
MONETIZATION = "The Indirect Monetization of LLaMA"
GROUNDED = (
    "LLaMA powers Meta AI, which is built into Facebook, WhatsApp, Messenger and Instagram "
    f"[{MONETIZATION}]."
)
UNAVAILABLE = "Model unavailable; extractive answer shown."
UNCHECKED = "The model's answer could not be checked against the articles; extractive answer shown."
_models = itertools.count(1)


@pytest.fixture
def llm(monkeypatch):
    """A fake model server, and the LLM_* settings pointing at it. Each test gets its own model
    name, so no answer cached by an earlier test can be reused."""
    with FakeLLM() as fake:
        monkeypatch.setenv("LLM_BASE_URL", fake.base_url)
        monkeypatch.setenv("LLM_MODEL", f"llama3.1-test{next(_models)}")
        monkeypatch.setenv("LLM_TIMEOUT", "2")
        yield fake


def model_chat() -> Chat:
    settings = load_settings()
    assert settings.llm.enabled
    clock = dt.datetime(2026, 11, 27, 14, 0, tzinfo=dt.UTC)
    return Chat(Services(settings, clock=lambda: clock, rng=random.Random(7)))


def test_a_grounded_answer_is_shown_with_its_sources(llm):
    llm.script(answer(GROUNDED))
    chat = model_chat()
    text = chat.say(f"/meta ask {PLATFORMS}")
    assert GROUNDED.split(" [")[0] in " ".join(text.split())
    assert f"section “{MONETIZATION}”" in " ".join(text.split())
    assert "Written by llama3.1-test" in text
    assert UNAVAILABLE not in text
    data = chat.last.data
    assert data["answered"] is True
    assert data["answer"] == GROUNDED
    assert data["sources"] == [
        {
            "article": "Meta: LLaMA's Role in Its Growth",
            "section": MONETIZATION,
            "url": None,
            "date": "2024-03-13",
        }
    ]
    # One request, through the client's path under the base URL, not streamed, with the rules.
    (request,) = llm.requests
    assert request.path == "/v1/chat/completions"
    assert request.body["model"].startswith("llama3.1-test")
    assert not request.body.get("stream")
    assert "Use only the passages" in request.system_prompt
    assert "NO_ANSWER" in request.system_prompt
    # The prompt holds the top passages, both languages, with their section names.
    prompt = request.user_prompt
    assert PLATFORMS in prompt
    assert f"Section (en): [{MONETIZATION}]" in prompt
    assert "Section (fr): [La Monétisation Indirecte de LLaMA]" in prompt
    assert "Facebook, WhatsApp, Messenger and Instagram" in prompt
    assert "Text (fr): " in prompt
    assert "Market figures: none stored." in prompt
    assert request.headers["Authorization"] == "Bearer not-needed"


def test_a_french_question_gets_a_french_answer_citing_the_french_section(llm):
    llm.responder = echo_best_passage
    chat = model_chat()
    text = chat.say("/meta ask Quels concurrents de LLaMA sont cités ?")
    data = chat.last.data
    assert data["lang"] == "fr"
    assert "(answer in French)" in llm.requests[0].user_prompt
    assert "ChatGPT" in data["answer"] and _in_language(data["answer"], "fr")
    assert data["sources"][0]["section"] == "LLaMA : Une Approche Open-Source de l’IA"
    assert "Rédigé par llama3.1-test" in text


def test_an_answer_citing_a_section_it_was_not_given_is_rejected(llm, caplog):
    llm.script(answer("Meta AI is in every Meta app [Meta's Secret Roadmap]."))
    chat = model_chat()
    with caplog.at_level(logging.INFO):
        text = chat.say(f"/meta ask {PLATFORMS}")
    assert "Secret Roadmap" not in text
    assert "Facebook, WhatsApp, Messenger and Instagram" in " ".join(text.split())
    assert UNCHECKED in " ".join(text.split())
    assert "cites a section it was not given" in caplog.text


def test_an_answer_with_an_invented_number_is_rejected(llm, caplog):
    llm.script(
        answer(f"Meta AI reaches 3 billion people on Facebook and WhatsApp [{MONETIZATION}].")
    )
    chat = model_chat()
    with caplog.at_level(logging.INFO):
        text = chat.say(f"/meta ask {PLATFORMS}")
    assert "3 billion" not in text
    assert "Facebook, WhatsApp, Messenger and Instagram" in " ".join(text.split())
    assert "numbers not in the passages or figures: 3" in caplog.text
    assert chat.last.data["answer"].startswith("More importantly, LLaMA powers Meta AI")


def test_an_answer_that_cites_nothing_is_rejected(llm):
    llm.script(answer("Meta AI is built into Facebook, WhatsApp, Messenger and Instagram."))
    chat = model_chat()
    assert UNCHECKED in " ".join(chat.say(f"/meta ask {PLATFORMS}").split())


def test_numbers_written_any_way_are_the_passage_numbers(llm):
    question = "How much had Meta's stock risen in early 2024?"
    section = "LLaMA: A Catalyst for Value Creation, Present and Future"
    llm.script(
        answer(f"Meta's stock rose 68.0 % since the start of 2024, as of 13 March [{section}].")
    )
    chat = model_chat()
    text = chat.say(f"/meta ask {question}")
    assert chat.last.data["answer"].startswith("Meta's stock rose 68.0 %")
    assert "Written by" in text


@pytest.mark.slow
def test_a_timeout_shows_the_extractive_answer_with_a_note(llm, monkeypatch):
    monkeypatch.setenv("LLM_TIMEOUT", "0.5")
    llm.script(slow(3), slow(3))
    chat = model_chat()
    started = time.perf_counter()
    text = chat.say(f"/meta ask {PLATFORMS}")
    elapsed = time.perf_counter() - started
    assert "Facebook, WhatsApp, Messenger and Instagram" in " ".join(text.split())
    assert UNAVAILABLE in text
    assert "Traceback" not in text and "Timeout" not in text
    assert len(llm.requests) == 2  # two attempts in all
    assert elapsed < 4, elapsed


@pytest.mark.parametrize(
    "failure",
    [server_error(500), server_error(503), refusal(), malformed()],
    ids=["500", "503", "refusal", "malformed"],
)
def test_a_failing_model_shows_the_extractive_answer_with_a_note(llm, failure):
    llm.responder = lambda _request: failure
    chat = model_chat()
    text = chat.say(f"/meta ask {PLATFORMS}")
    assert chat.last.ok
    assert "Facebook, WhatsApp, Messenger and Instagram" in " ".join(text.split())
    assert "Source: Meta: LLaMA's Role in Its Growth" in text
    assert UNAVAILABLE in text
    assert "Sorry" not in text and "error" not in text.lower()
    assert len(llm.requests) == (2 if failure.status >= 500 else 1)  # the client retries 5xx once


def test_a_connection_error_shows_the_extractive_answer(monkeypatch):
    with FakeLLM() as fake:
        url = fake.base_url  # a port nobody listens on once the fake is gone
    monkeypatch.setenv("LLM_BASE_URL", url)
    monkeypatch.setenv("LLM_MODEL", f"llama3.1-test{next(_models)}")
    text = model_chat().say(f"/meta ask {PLATFORMS}")
    assert UNAVAILABLE in text
    assert "Facebook, WhatsApp, Messenger and Instagram" in " ".join(text.split())


def test_the_model_saying_the_passages_do_not_answer_keeps_the_extractive_answer(llm):
    llm.script(answer("NO_ANSWER"))
    text = model_chat().say(f"/meta ask {PLATFORMS}")
    assert "The model found no answer in these passages; extractive answer shown." in " ".join(
        text.split()
    )


def test_a_repeated_question_calls_the_model_once(llm):
    llm.script(answer(GROUNDED))
    chat = model_chat()
    first = chat.say(f"/meta ask {PLATFORMS}")
    second = chat.say(f"/meta ask {PLATFORMS.upper()}  ")
    third = model_chat().say(f"/meta ask {PLATFORMS.rstrip('?')}")  # another Services, same model
    assert first == second.replace(PLATFORMS.upper(), PLATFORMS) == third
    assert len(llm.requests) == 1


def test_a_failure_is_not_cached(llm):
    llm.script(server_error(), server_error(), answer(GROUNDED))
    chat = model_chat()
    assert UNAVAILABLE in chat.say(f"/meta ask {PLATFORMS}")
    assert "Written by" in chat.say(f"/meta ask {PLATFORMS}")
    assert len(llm.requests) == 3


def test_no_passage_found_means_no_model_call(llm):
    chat = model_chat()
    text = chat.say("/meta ask What is the capital of Australia?")
    assert chat.last.data["answered"] is False
    assert "/meta topics" in text
    assert llm.requests == []


def test_the_api_key_is_sent_to_the_model_and_never_logged(llm, monkeypatch, capsys):
    key = "sk-test-secret-key-0123456789"
    monkeypatch.setenv("LLM_API_KEY", key)
    llm.script(server_error(), server_error())
    assert main(["ask", PLATFORMS]) == 0
    out = capsys.readouterr()
    assert llm.requests[0].headers["Authorization"] == f"Bearer {key}"
    log_file = (load_settings().storage.data_dir / "bot.log").read_text()
    assert "HTTP 500" in log_file  # the reason is logged...
    assert key not in log_file + out.out + out.err  # ...the key never


def test_the_stored_figures_go_into_the_prompt(llm, monkeypatch):
    monkeypatch.setenv("MARKET_DATA_FILE", str(DATA / "META.csv"))
    llm.responder = echo_best_passage
    model_chat().say("/meta ask How much had Meta's stock risen in early 2024?")
    prompt = llm.requests[0].user_prompt
    assert "Market figures (stored data, not live):" in prompt
    assert "META close on " in prompt and "change year to date: " in prompt


def test_the_json_keeps_its_keys_with_a_model(llm, capsys):
    llm.script(answer(GROUNDED))
    assert main(["ask", PLATFORMS, "--json"]) == 0
    reply = json.loads(capsys.readouterr().out)
    assert set(reply) == {"question", "lang", "answered", "answer", "sources"}
    assert reply["answer"] == GROUNDED
    assert reply["sources"] == [
        {
            "article": "Meta: LLaMA's Role in Its Growth",
            "section": MONETIZATION,
            "url": None,
            "date": "2024-03-13",
        }
    ]


# Measured 307/373 (82 %) on the test part; a floor a few questions below, like test_eval.py's.
FLOOR_WITH_A_MODEL = 0.8


@pytest.mark.slow
def test_the_eval_scores_with_a_grounded_model_on_the_new_retrievals_passages(llm):
    """The test part of tests/test_eval.py's questions, asked of one bot process as there, with
    a model that answers each with the best passage it was given, its section cited; like
    test_eval.py's test part, its misses are not printed."""
    llm.responder = echo_best_passage
    questions = [
        item
        for line in (DATA / "eval_questions.jsonl").read_text().splitlines()
        if (item := json.loads(line))["split"] == "test"
    ]
    results = []
    calls = len(llm.requests)
    for item, reply in zip(questions, ask_each(item["q"] for item in questions), strict=True):
        made, calls = len(llm.requests) - calls, len(llm.requests)  # the model calls it made
        if item["answerable"]:
            answer_text = reply["answer"]
            correct = (
                made == 1
                and reply["answered"]
                and any(e.lower() in answer_text.lower() for e in item["expect_any"])
                and len(answer_text) <= 900
                and reply["lang"] == item["lang"]
                and _in_language(answer_text, item["lang"])
                and "[" in answer_text  # the model's answer, not the fallback
            )
        else:
            correct = reply["answered"] is False and made == 0
        results.append((correct, item["q"]))
    score = sum(ok for ok, _ in results) / len(results)
    print(f"\neval with a model: {sum(ok for ok, _ in results)}/{len(results)} ({score:.0%})")
    assert score >= FLOOR_WITH_A_MODEL


def test_ask_is_slow_for_the_adapters_only_with_a_model(llm, monkeypatch):
    ask = all_commands()["ask"]
    assert ask.is_slow(load_settings())
    monkeypatch.delenv("LLM_BASE_URL")
    assert not ask.is_slow(load_settings())
    assert all_commands()["brief"].is_slow(load_settings())


@pytest.mark.process
def test_without_a_model_ask_does_not_import_openai():
    env = {k: v for k, v in os.environ.items() if not k.startswith("LLM_")}
    code = (
        "import sys; from bot.cli import main; main(['ask', 'What does LLaMA stand for?']); "
        "print('openai loaded' if 'openai' in sys.modules else 'openai not loaded')"
    )
    out = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
        timeout=60,
        check=True,
    ).stdout
    assert "Large Language Model Meta AI" in out
    assert out.strip().endswith("openai not loaded")


def test_numbers_are_normalised():
    assert numbers_in("+68 % and 68%, 68.0 or 68,0; 1,000 and 1\u202f000") == [
        68,
        68,
        68,
        68,
        1000,
        1000,
    ]
    allowed = AllowedNumbers(frozenset({68.0}), frozenset({39.97}))
    assert allowed.unsupported("up 68 %, 68.0%, +40% or 39.97% or 40.0 %") == []
    assert allowed.unsupported("up 41% or 68.5%") == ["41", "68.5"]
    assert allowed.unsupported("[Section 12] says 68") == []  # a citation is not a claim


def test_allowed_numbers_include_both_languages_and_the_figures():
    from briefings.knowledge import load_knowledge_base

    passage = next(p for p in load_knowledge_base().passages if "68" in p.text_in("en"))
    allowed = allowed_numbers([passage])
    assert allowed.unsupported("68% in 2024, 13 March") == []
    assert allowed.unsupported("70%") == ["70"]


async def test_on_discord_ask_with_a_model_thinks_first_then_edits_in_the_answer(llm, monkeypatch):
    """Discord wants an answer within 3 s: with a model, `ask` defers like `stock` and `brief`."""
    import discord

    from tests.harness.discord import GUILD_ID, DiscordUser, FakeDiscord
    from tests.test_discord_commands import (
        EPHEMERAL,
        callbacks,
        edits,
        followups,
        make_adapter,
        only_embed,
    )

    monkeypatch.setattr(discord.http.Route, "BASE", discord.http.Route.BASE)
    gateway = discord.gateway.DiscordWebSocket
    monkeypatch.setattr(gateway, "DEFAULT_GATEWAY", gateway.DEFAULT_GATEWAY)
    server = FakeDiscord()
    await server.start()
    bot = await make_adapter(server, discord_guild_id=GUILD_ID)
    try:
        llm.script(answer(GROUNDED))
        await DiscordUser(bot.client).command("ask", question=PLATFORMS)
        (defer,) = callbacks(server)
        assert defer.json == {"type": 5, "data": {"flags": EPHEMERAL}}
        assert not followups(server)
        (edit,) = edits(server)
        embed = only_embed(edit)
        assert "Facebook, WhatsApp, Messenger and Instagram" in embed["description"]
        assert len(llm.requests) == 1
    finally:
        await bot.client.close()
        await server.close()
