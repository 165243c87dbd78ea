"""Per-channel peers (`/meta peers`) and move alerts (`/meta alerts`): chat transcripts against
the fake Yahoo through the real yfinance, scheduled briefings, and `python -m bot alerts check`."""

from __future__ import annotations

import asyncio
import json
import re

import pytest
import requests

from bot.cli import main
from briefings.market.yahoo_source import YahooSource
from commands.services import Services
from config import load_settings
from tests.harness import DATA
from tests.harness.chat import Chat
from tests.harness.clock import FakeClock
from tests.harness.delivery import deliveries, posts_per_channel, subscribe, utc
from tests.harness.yahoo import FakeYahoo, yahoo_offline

KNOWN = ("META", "QQQ", "GOOGL", "MSFT", "NVDA", "AAPL")


@pytest.fixture
def yahoo(tmp_path):
    with yahoo_offline(tmp_path / "yf") as mock:
        fake = FakeYahoo(mock)
        for symbol in KNOWN:
            fake.set(symbol, "ok")
        fake.set("ZZZZ", "unknown")
        yield fake


def yahoo_chat(settings, channel: str = "c1", **context) -> Chat:  # type: ignore[no-untyped-def]
    clock = FakeClock(utc(2025, 11, 28, 14, 0))
    services = Services(
        settings, clock=clock, market_source=YahooSource(session=requests.Session())
    )
    return Chat(services, channel=channel, **context)


def flat(text: str) -> str:
    return " ".join(text.split())


def test_a_channel_sets_its_peers_and_benchmark(yahoo, settings):
    chat = yahoo_chat(settings)
    assert "Peers here: GOOGL, MSFT (the default); benchmark: QQQ (the default)." in chat.say(
        "/meta peers"
    )
    done = flat(chat.say("/meta peers GOOGL MSFT NVDA"))
    assert "compare META with GOOGL, MSFT, NVDA, benchmark QQQ" in done
    flat(chat.say("/meta peers benchmark AAPL"))
    stock = flat(chat.say("/meta stock 5d"))
    assert "NVDA -0.4% today" in stock and "vs AAPL" in stock and "QQQ" not in stock
    data = chat.last.data if chat.last else {}
    assert [p["symbol"] for p in data["peers"]] == ["GOOGL", "MSFT", "NVDA"]
    assert data["benchmark"]["symbol"] == "AAPL"
    brief = chat.send("/meta brief").data
    assert [p["symbol"] for p in brief["peers"]] == ["GOOGL", "MSFT", "NVDA"]
    # another channel keeps PEER_SYMBOLS and BENCHMARK_SYMBOL
    other = chat.send("/meta stock", channel="c2").data
    assert [p["symbol"] for p in other["peers"]] == ["GOOGL", "MSFT"]
    assert other["benchmark"]["symbol"] == "QQQ"
    assert "compare META with GOOGL, MSFT, benchmark QQQ" in flat(chat.say("/meta peers reset"))


def test_unknown_and_malformed_symbols_get_one_line_and_change_nothing(yahoo, settings):
    chat = yahoo_chat(settings)
    reply = chat.send("/meta peers NVDA ZZZZ")
    assert not reply.ok
    assert reply.message == "Unknown symbol(s) on Yahoo Finance: ZZZZ; nothing changed."
    bad = chat.send("/meta peers GOOGL $$$ --lang fr")
    assert bad.message == (
        "« $$$ » n’est pas un symbole boursier (comme GOOGL ou BRK-B) ; rien n’a changé."
    )
    assert chat.send("/meta peers benchmark").message.startswith("Give one benchmark symbol")
    assert "(the default)" in chat.say("/meta peers")  # still the defaults


def test_only_admins_change_peers_when_admins_are_set(yahoo, monkeypatch):
    monkeypatch.setenv("BRIEFING_ADMINS", "U_ADMIN")
    chat = yahoo_chat(load_settings(), user="U_OTHER")
    assert not chat.send("/meta peers NVDA").ok
    assert not chat.send("/meta alerts on").ok
    assert "(the default)" in chat.say("/meta peers")  # reading is for everyone


def test_scheduled_briefings_use_each_channels_peers(settings):
    from tests.harness.delivery import make_services

    clock = FakeClock(utc(2024, 3, 13, 7, 31))
    services = make_services(settings, clock)
    for channel in ("c1", "c2"):
        subscribe(services, channel, "08:30", "Europe/Paris")
    Chat(services, channel="c1").send("/meta peers NVDA")  # with price files: no file, accepted
    runner = deliveries(services, settings)
    report = asyncio.run(runner.deliver_due(clock.now))
    assert report.briefings_built == 2  # one per (day, language, symbols)
    text = runner.ports["console"].stream.getvalue()
    posts = dict(re.findall(r"── post to #(c\d)(.*?)(?=── post to #|\Z)", text, re.S))
    assert set(posts) == {"c1", "c2"}  # in either order
    assert "NVDA" in posts["c1"] and "GOOGL" not in posts["c1"]
    assert "GOOGL" in posts["c2"] and "NVDA" not in posts["c2"]
    assert posts_per_channel(settings) == {"c1": 1, "c2": 1}


def test_alerts_on_off_and_shown_in_schedule(settings):
    chat = Chat(Services(settings), channel="c1")
    assert "Move alerts: off" in chat.say("/meta schedule")
    on = flat(chat.say("/meta alerts on 3%"))
    assert "when META moves by 3% or more during the session" in on
    assert "Move alerts: on, when META moves by 3% or more." in flat(chat.say("/meta schedule"))
    assert chat.last is not None and chat.last.data["alerts"] == "3%"
    fr = flat(chat.say("/meta alerts on --lang fr"))
    assert "au-delà de 2 écarts-types" in fr
    assert chat.send("/meta alerts on 80%").message.startswith("Say `alerts on`")
    assert chat.send("/meta alerts maybe").message.startswith("Say `alerts on`")
    assert "Move alerts off in this channel." in chat.say("/meta alerts off")
    assert "Move alerts: off" in chat.say("/meta schedule")


def price_file_to(tmp_path, last_day: str):  # type: ignore[no-untyped-def]
    """META's real bars up to `last_day`: the last one stands for the session in progress."""
    lines = (DATA / "META.csv").read_text().splitlines()
    kept = [lines[0], *(line for line in lines[1:] if line[:10] <= last_day)]
    path = tmp_path / "META-intraday.csv"
    path.write_text("\n".join(kept) + "\n")
    return path


def test_alerts_check_posts_once_per_channel_day_and_direction(capsys, tmp_path, monkeypatch):
    # 2 Feb 2024, the session after results: META +20.3%, far beyond 2 sigma and 3%
    monkeypatch.setenv("MARKET_DATA_FILE", str(price_file_to(tmp_path, "2024-02-02")))
    settings = load_settings()
    chat = Chat(Services(settings), platform="console")
    chat.send("/meta alerts on", channel="c1")
    chat.send("/meta alerts on 3% --lang fr", channel="c2")
    chat.send("/meta alerts on 25%", channel="c3")
    at = "2024-02-02T15:30:00Z"  # 10:30 in New York
    assert main(["alerts", "check", "--at", at, "--json"]) == 0
    captured = capsys.readouterr()
    report = json.loads(captured.out)
    assert report["market_open"] is True and report["change_pct"] == 20.32
    assert sorted(p["channel"] for p in report["posted"]) == ["c1", "c2"]
    assert {p["direction"] for p in report["posted"]} == {"up"}
    assert [s["channel"] for s in report["skipped"]] == ["c3"]
    posts = " ".join(captured.err.split())
    assert (
        "META is up 20.3% today (intraday, 10:30 New York), beyond 2 standard deviations" in posts
    )
    assert "META monte de 20,3 % aujourd’hui (en séance, 10:30 à New York), de 3 % ou plus" in posts
    # the same day again: nothing twice
    assert main(["alerts", "check", "--at", "2024-02-02T18:00:00Z", "--json"]) == 0
    again = json.loads(capsys.readouterr().out)
    assert again["posted"] == []
    assert {s["reason"] for s in again["skipped"] if s["channel"] != "c3"} == {
        "already alerted up today"
    }


def test_no_alerts_outside_market_hours(capsys, tmp_path, monkeypatch):
    monkeypatch.setenv("MARKET_DATA_FILE", str(price_file_to(tmp_path, "2024-02-02")))
    Chat(Services(load_settings()), channel="c1").send("/meta alerts on")
    for at in ("2024-02-02T22:00:00Z", "2024-02-03T15:30:00Z"):  # after the close; Saturday
        assert main(["alerts", "check", "--at", at]) == 0
        assert "market closed: no move alerts" in capsys.readouterr().out


def test_a_day_with_no_bar_yet_posts_nothing(capsys, tmp_path, monkeypatch):
    monkeypatch.setenv("MARKET_DATA_FILE", str(price_file_to(tmp_path, "2024-02-01")))
    Chat(Services(load_settings()), channel="c1").send("/meta alerts on 0.1%")
    assert main(["alerts", "check", "--at", "2024-02-02T15:30:00Z", "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["posted"] == [] and report["skipped"][0]["reason"] == "no bar today yet"


def _alert_rows(settings):  # type: ignore[no-untyped-def]
    import sqlalchemy as sa

    from briefings.storage.tables import alert_posts

    engine = sa.create_engine(settings.storage.resolved_database_url)
    try:
        with engine.connect() as connection:
            return {r.channel: r.state for r in connection.execute(sa.select(alert_posts))}
    finally:
        engine.dispose()


def _died_at(settings, channel: str, state: str) -> None:  # type: ignore[no-untyped-def]
    """The alert's row as a pass that died an hour ago left it."""
    import datetime as dt

    import sqlalchemy as sa

    from briefings.storage.tables import alert_posts

    engine = sa.create_engine(settings.storage.resolved_database_url)
    an_hour_ago = dt.datetime(2024, 2, 2, 14, 30, tzinfo=dt.UTC)
    try:
        with engine.begin() as connection:
            connection.execute(
                alert_posts.update()
                .where(alert_posts.c.channel == channel)
                .values(state=state, claimed_at=an_hour_ago)
            )
    finally:
        engine.dispose()


def test_an_alert_left_by_a_pass_that_died_goes_out_exactly_once(capsys, tmp_path, monkeypatch):
    monkeypatch.setenv("MARKET_DATA_FILE", str(price_file_to(tmp_path, "2024-02-02")))
    settings = load_settings()
    chat = Chat(Services(settings), platform="console")
    for channel in ("posted", "unsent", "claimed"):
        chat.send("/meta alerts on", channel=channel)
    assert main(["alerts", "check", "--at", "2024-02-02T15:30:00Z", "--json"]) == 0
    assert len(json.loads(capsys.readouterr().out)["posted"]) == 3
    record = settings.storage.data_dir / "console-posts.jsonl"
    kept = [line for line in record.read_text().splitlines() if '"channel": "posted"' in line]
    assert len(kept) == 1
    record.write_text(kept[0] + "\n")  # only "posted" really went out before the pass died
    _died_at(settings, "posted", "sending")  # died after posting, before recording it
    _died_at(settings, "unsent", "sending")  # died while sending: the post never arrived
    _died_at(settings, "claimed", "claimed")  # died before sending
    assert main(["alerts", "check", "--at", "2024-02-02T15:35:00Z", "--json"]) == 0
    again = json.loads(capsys.readouterr().out)
    assert sorted(p["channel"] for p in again["posted"]) == ["claimed", "unsent"]
    lines = record.read_text().splitlines()
    assert sorted(json.loads(line)["channel"] for line in lines) == ["claimed", "posted", "unsent"]
    assert _alert_rows(settings) == {"posted": "posted", "unsent": "posted", "claimed": "posted"}
