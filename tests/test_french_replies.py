"""Asked in French, answered in French: errors, refusals and market-data notes included."""

from __future__ import annotations

import asyncio
import datetime as dt
import random

import pytest

from commands.services import Services
from tests.harness import DATA
from tests.harness.chat import Chat
from tests.harness.delivery import deliveries, subscribe, utc
from tests.test_cli import run_cli

META = DATA / "META.csv"
ENGLISH = ("is not", "isn't", "Usage", "unavailable", "Give a time", "I don't know", "no price")


def assert_french(text: str) -> None:
    assert not [word for word in ENGLISH if word in text], text


def test_a_bad_range_in_french_is_refused_in_french(chat):
    reply = chat.say("/meta stock 7y --lang fr")
    assert not chat.last.ok
    assert reply.startswith("« 7y » n’est pas une période ; utilisez l’une de 1d, 5d, 1mo")
    assert "Utilisation : `/meta stock [1d|5d|1mo|3mo|6mo|ytd|1y] [share]`" in reply
    assert_french(reply)


def test_the_same_bad_range_in_english_is_unchanged(chat):
    reply = chat.say("/meta stock 7y")
    assert reply.startswith("“7y” is not a range; use one of 1d, 5d, 1mo, 3mo, 6mo, ytd, 1y.")
    assert "Usage: `/meta stock" in reply


def test_a_french_locale_gets_the_refusal_in_french(chat):
    reply = chat.say("/meta stock 7y", platform="discord", locale="fr")
    assert reply.startswith("« 7y » n’est pas une période")
    assert_french(reply)


def test_brief_takes_only_share_and_says_so_in_french(chat):
    reply = chat.say("/meta brief demain --lang fr")
    assert reply.startswith("« demain » n’est pas une option ici ; seule `share` l’est.")
    assert "Utilisation : `/meta brief [en|fr] [share]`" in reply
    assert_french(reply)


def test_an_unknown_command_in_french(chat):
    assert chat.say("/meta danse --lang fr") == (
        "Je ne connais pas la commande « danse ». Essayez `/meta help`."
    )


def test_a_bad_language_flag_is_one_line_with_the_usage(chat):
    reply = chat.say("/meta stock --lang de")
    assert reply.startswith("Language must be `en` or `fr`.")
    assert "Usage: `/meta stock" in reply


def test_a_topic_named_in_french_gets_a_french_insight(chat):
    reply = chat.say("/meta insight publicité")
    assert reply.startswith("À retenir : Publicité")
    assert chat.last.data["lang"] == "fr" and chat.last.data["topic"] == "advertising"
    assert "Source : Meta : Rôle de LLaMA" in reply


def test_a_topic_named_in_english_or_by_a_shared_name_stays_english(chat):
    assert chat.say("/meta insight advertising").startswith("Insight: Advertising")
    assert chat.say("/meta insight reality labs").startswith("Insight: Reality Labs")


def test_an_unknown_topic_asked_in_french_is_refused_in_french(chat):
    reply = chat.say("/meta insight voitures électriques", platform="discord", locale="fr")
    assert not chat.last.ok
    assert reply.startswith("Je ne connais pas le sujet « voitures électriques ». Sujets :")
    assert "Publicité" in reply and "Utilisation : `/meta insight [topic:…]" in reply


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("/meta subscribe 25:00 Europe/Paris --lang fr", "« 25:00 » n’est pas une heure"),
        ("/meta subscribe 08:30 Paris --lang fr", "Vouliez-vous dire Europe/Paris ?"),
        ("/meta subscribe 08:30 Mars/Olympus --lang fr", "« Mars/Olympus » n’est pas un fuseau"),
        ("/meta subscribe 08:30 Europe/Paris fr parfois --lang fr", "« parfois » n’est pas une"),
        ("/meta subscribe 08:30 Europe/Paris fr daily encore --lang fr", "« encore » veut dire"),
        ("/meta subscribe --lang fr", "Donnez une heure et un fuseau horaire"),
    ],
)
def test_subscription_mistakes_in_french(chat, text, expected):
    reply = chat.say(text)
    assert not chat.last.ok and expected in reply
    assert "Utilisation : `/meta subscribe HH:MM ZONE" in reply
    assert_french(reply)
    assert chat.services.subscriptions.all() == []


def test_a_french_briefing_says_why_peers_are_missing_in_french(settings):
    services = Services(settings, rng=random.Random(3), price_files={"META": META})
    reply = Chat(services).say("/meta brief --lang fr")
    assert "QQQ                              indisponible (pas de fichier de cours)" in reply
    assert "(no price file)" not in reply


def test_a_french_briefing_without_any_market_data_says_so_in_french(settings):
    services = Services(settings, rng=random.Random(3), price_files={"AAPL": META})  # no META
    reply = Chat(services).send("/meta brief --lang fr").plain_text()
    assert (
        "Les cours sont indisponibles pour le moment (pas de fichier de cours) ; les chiffres "
        "reviendront avec eux." in reply
    )
    assert "À retenir aujourd’hui" in reply
    assert_french(reply)


def test_a_scheduled_french_briefing_says_so_in_french(settings):
    now = dt.datetime(2026, 11, 27, 14, 0, tzinfo=dt.UTC)
    services = Services(settings, clock=lambda: now, price_files={"AAPL": META})  # no META
    subscribe(services, "c", "08:30", "Europe/Paris", lang="fr")
    runner = deliveries(services, settings)
    report = asyncio.run(runner.deliver_due(utc(2026, 11, 30, 7, 31)))
    assert len(report.delivered) == 1
    text = runner.ports["console"].stream.getvalue()
    assert "Les cours sont indisponibles pour le moment (pas de fichier de cours)" in text
    assert "(no price file)" not in text


def test_the_cli_refuses_a_bad_range_in_french_on_one_line():
    result = run_cli("stock", "7y", "--lang", "fr")
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert lines == [
        "python -m bot: error: « 7y » n’est pas une période ; utilisez l’une de "
        "1d, 5d, 1mo, 3mo, 6mo, ytd, 1y."
    ]


def test_the_cli_refuses_a_bad_range_in_english_on_one_line():
    result = run_cli("stock", "7y")
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        "python -m bot: error: “7y” is not a range; use one of 1d, 5d, 1mo, 3mo, 6mo, ytd, 1y."
    ]


def test_a_french_question_that_fails_gets_the_apology_in_french(chat, monkeypatch, caplog):
    def broken(*_args, **_kwargs):
        raise RuntimeError("index exploded")

    monkeypatch.setattr(chat.services.knowledge, "find", broken)
    reply = chat.say("/meta ask Pourquoi Meta publie-t-il LLaMA en open source ?")
    assert reply == "Désolé, un problème est survenu de mon côté ; il a été consigné. Réessayez."
    assert "command failed: ask" in caplog.text
