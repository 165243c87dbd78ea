"""Earnings: the next date and the last EPS surprise in `stock` and `brief`, from a
get_earnings_dates() CSV (`--earnings`, EARNINGS_DATA_FILE) or from Yahoo's calendar page through
the real yfinance; the session after a report, the briefing leads with the reaction."""

from __future__ import annotations

import json

import requests

from bot.cli import main
from briefings.market.yahoo_source import YahooSource
from commands.services import Services
from tests.harness import DATA
from tests.harness.chat import Chat
from tests.harness.clock import FakeClock
from tests.harness.delivery import utc
from tests.harness.yahoo import FakeYahoo, yahoo_offline

META = str(DATA / "META.csv")
EARNINGS = str(DATA / "META_earnings.csv")
SYMBOLS = ("META", "QQQ", "GOOGL", "MSFT")


def run(capsys, *args: str) -> str:
    assert main(list(args)) == 0
    return " ".join(capsys.readouterr().out.split())


def brief_json(capsys, *args: str) -> dict:
    assert main(["brief", "--prices", META, *args, "--json"]) == 0
    return json.loads(capsys.readouterr().out)


def test_the_briefing_says_when_the_next_earnings_are(capsys):
    text = run(capsys, "brief", "--prices", META, "--date", "2024-03-13", "--earnings", EARNINGS)
    assert "Earnings on 24 Apr 2024 (in 42 days)" in text
    assert "last quarter (1 Feb 2024): EPS 5.33 vs 4.96 expected (+7.5% surprise)" in text
    data = brief_json(capsys, "--date", "2024-03-13", "--earnings", EARNINGS)
    assert data["earnings"] == {
        "next_date": "2024-04-24",
        "days_until": 42,
        "last_surprise_pct": 7.46,
    }


def test_in_french_and_on_stock(capsys):
    text = run(
        capsys,
        "stock",
        "--prices",
        META,
        "--date",
        "2024-03-13",
        "--earnings",
        EARNINGS,
        "--lang",
        "fr",
    )
    assert "Résultats le 24 avr. 2024 (dans 42 jours)" in text
    assert "BPA 5,33 pour 4,96 attendu (surprise de +7,5 %)" in text


def test_the_session_after_a_report_leads_with_the_reaction(capsys):
    assert main(["brief", "--prices", META, "--date", "2024-02-02", "--earnings", EARNINGS]) == 0
    lines = capsys.readouterr().out.splitlines()
    lead = " ".join(lines[2:4])  # right under the title
    assert lead.startswith("Earnings reaction: META +20.3% on 2 Feb 2024 after the 1 Feb 2024")
    assert "(EPS 5.33 vs 4.96 expected, +7.5% surprise)." in lead
    # the report day itself: no reaction yet, the report is "today"
    text = run(capsys, "brief", "--prices", META, "--date", "2024-02-01", "--earnings", EARNINGS)
    assert "Earnings reaction" not in text
    assert "Earnings on 1 Feb 2024 (today)" in text


def test_the_earnings_file_from_the_environment(capsys, monkeypatch):
    monkeypatch.setenv("EARNINGS_DATA_FILE", EARNINGS)
    data = brief_json(capsys, "--date", "2024-04-23")
    assert data["earnings"]["next_date"] == "2024-04-24"
    assert data["earnings"]["days_until"] == 1
    assert "Earnings on 24 Apr 2024 (tomorrow)" in run(
        capsys, "brief", "--prices", META, "--date", "2024-04-23"
    )


def test_unknown_earnings_are_null_and_say_nothing(capsys):
    data = brief_json(capsys, "--date", "2024-03-13")
    assert data["earnings"] == {"next_date": None, "days_until": None, "last_surprise_pct": None}
    assert "Earnings" not in run(capsys, "brief", "--prices", META, "--date", "2024-03-13")


def test_a_bad_earnings_file_is_one_line_exit_2(capsys, tmp_path):
    bad = tmp_path / "earnings.csv"
    bad.write_text("Date,EPS\n2024-04-24,4.3\n")
    assert main(["brief", "--prices", META, "--earnings", str(bad)]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1
    assert "earnings.csv: missing column(s) Earnings Date,EPS Estimate,Reported EPS" in err


def test_from_yahoo_through_yfinance_kept_like_prices(settings, tmp_path):
    clock = FakeClock(utc(2025, 11, 28, 14, 0))  # a Friday, 09:00 in New York
    with yahoo_offline(tmp_path / "yf") as mock:
        yahoo = FakeYahoo(mock)
        for symbol in SYMBOLS:
            yahoo.set(symbol, "ok")
        services = Services(
            settings, clock=clock, market_source=YahooSource(session=requests.Session())
        )
        chat = Chat(services)
        text = " ".join(chat.say("/meta brief").split())
        data = chat.last.data if chat.last else {}
        chat.send("/meta stock 1y")
        assert yahoo.earnings_calls("META") == 1  # the second reply used the kept dates
    assert "Earnings on 28 Jan 2026 (in 61 days)" in text
    assert "last quarter (29 Oct 2025): EPS 7.25 vs 6.69 expected (+8.4% surprise)" in text
    assert data["earnings"] == {
        "next_date": "2026-01-28",
        "days_until": 61,
        "last_surprise_pct": 8.37,
    }


def test_yahoo_refusing_earnings_the_briefing_goes_out_without_them(settings, tmp_path):
    with yahoo_offline(tmp_path / "yf") as mock:
        yahoo = FakeYahoo(mock)
        for symbol in SYMBOLS:
            yahoo.set(symbol, "429")
        services = Services(settings, market_source=YahooSource(session=requests.Session()))
        chat = Chat(services)
        text = chat.say("/meta brief")
    assert "Insight of the day" in text and "Earnings on" not in text
    assert chat.last is not None and chat.last.data["earnings"]["next_date"] is None


def test_stored_earnings_answer_when_yahoo_fails_later(settings, tmp_path):
    clock = FakeClock(utc(2025, 11, 28, 14, 0))
    with yahoo_offline(tmp_path / "yf") as mock:
        yahoo = FakeYahoo(mock)
        for symbol in SYMBOLS:
            yahoo.set(symbol, "ok")
        first = Services(
            settings, clock=clock, market_source=YahooSource(session=requests.Session())
        )
        Chat(first).send("/meta brief")
        for symbol in SYMBOLS:
            yahoo.set(symbol, "down")
        clock.advance(days=3)  # Monday 1 Dec, a new process
        again = Services(
            settings, clock=clock, market_source=YahooSource(session=requests.Session())
        )
        text = " ".join(Chat(again).say("/meta brief").split())
    assert "showing stored data as of 26 Nov 2025" in text
    assert "Earnings on 28 Jan 2026 (in 58 days)" in text
