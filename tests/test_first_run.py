"""Figures on the very first run: with Yahoo refusing and nothing stored, the bundled sample,
said plainly; stored bars win over the sample, and live Yahoo data over both."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import requests

from bot.cli import main
from briefings.market.bundled import SAMPLE_DIR, sample_series
from briefings.market.yahoo_source import YahooSource
from commands.services import Services
from tests.harness import DATA
from tests.harness.chat import Chat
from tests.harness.clock import FakeClock
from tests.harness.delivery import utc
from tests.harness.yahoo import FakeYahoo, yahoo_offline

SYMBOLS = ("META", "QQQ", "GOOGL", "MSFT")
NOTICE_EN = "No live market data; showing the bundled sample to 30 Jul 2024"
NOTICE_FR = "Pas de cours en direct ; échantillon fourni affiché jusqu’au 30 juil. 2024"


def flat(text: str) -> str:
    return " ".join(text.split())


def test_the_sample_ships_in_the_package_with_its_end_date() -> None:
    series = sample_series("META")
    assert series is not None and series.source == "bundled sample"
    assert series.bars[0].date.isoformat() == "2019-01-02"
    assert series.last.date.isoformat() == "2024-07-30"
    assert (SAMPLE_DIR / "META.csv").read_bytes() == (DATA / "META.csv").read_bytes()
    assert sample_series("QQQ") is None


def test_chat_with_yahoo_refusing_and_nothing_stored_shows_the_sample(settings, tmp_path):
    clock = FakeClock(utc(2026, 11, 27, 14, 0))
    with yahoo_offline(tmp_path / "yf") as mock:
        yahoo = FakeYahoo(mock)
        for symbol in SYMBOLS:
            yahoo.set(symbol, "down")
        services = Services(
            settings, clock=clock, market_source=YahooSource(session=requests.Session())
        )
        chat = Chat(services)
        english = flat(chat.say("/meta brief"))
        french = flat(chat.say("/meta stock 1y --lang fr"))
        assert yahoo.chart_calls("META") >= 1  # it did try Yahoo first
    assert f"{NOTICE_EN} (Yahoo unreachable (ConnectionError))." in english
    assert "META close 463.19 (30 Jul 2024)" in english
    assert "Data: the bundled sample (META), prices to 30 Jul 2024" in english
    assert "QQQ unavailable (Yahoo unreachable (ConnectionError))" in english
    assert NOTICE_FR in french and "Clôture META 463,19 (30 juil. 2024)" in french
    assert chat.last is not None and chat.last.images  # a chart from the sample too


def test_stored_bars_win_over_the_sample_and_live_data_over_both(settings, tmp_path):
    clock = FakeClock(utc(2025, 11, 28, 14, 0))
    with yahoo_offline(tmp_path / "yf") as mock:
        yahoo = FakeYahoo(mock)
        for symbol in SYMBOLS:
            yahoo.set(symbol, "ok")
        live = Services(
            settings, clock=clock, market_source=YahooSource(session=requests.Session())
        )
        first = flat(Chat(live).say("/meta stock"))
        for symbol in SYMBOLS:
            yahoo.set(symbol, "down")
        clock.advance(days=1)
        later = Services(
            settings, clock=clock, market_source=YahooSource(session=requests.Session())
        )
        second = flat(Chat(later).say("/meta stock"))
    assert "Data: Yahoo Finance, as of 26 Nov 2025" in first and NOTICE_EN not in first
    assert "showing stored data as of 26 Nov 2025" in second
    assert "bundled sample" not in second


@pytest.mark.parametrize(("lang", "notice"), [("en", NOTICE_EN), ("fr", NOTICE_FR)])
def test_cli_brief_on_a_machine_without_network(capsys, tmp_path, lang, notice):
    """`python -m bot brief` as a new user runs it: Yahoo refuses, the database is empty."""
    with yahoo_offline(tmp_path / "yf") as mock:
        yahoo = FakeYahoo(mock)
        for symbol in SYMBOLS:
            yahoo.set(symbol, "down")
        assert main(["brief", "--lang", lang, "--chart", str(tmp_path / "c.png")]) == 0
        out = flat(capsys.readouterr().out)
        assert main(["brief", "--json"]) == 0
        data = json.loads(capsys.readouterr().out)
    assert notice in out
    assert (tmp_path / "c.png").read_bytes()[:4] == b"\x89PNG"
    assert data["data_source"] == "bundled sample" and data["as_of"] == "2024-07-30"
    assert data["stale_reason"] == "Yahoo unreachable (ConnectionError)"


def test_price_files_never_fall_back_to_the_sample(capsys, tmp_path):
    one_day = tmp_path / "one.csv"
    lines = (DATA / "META.csv").read_text().splitlines()
    one_day.write_text("\n".join(lines[:30]) + "\n")
    assert main(["stock", "--prices", str(one_day), "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["data_source"] == "file one.csv"
    assert Path(data["data_source"].removeprefix("file ")).name == "one.csv"
