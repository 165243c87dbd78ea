"""`stock` and `brief`: the CLI contract and chat transcripts, on real META bars."""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import random
from pathlib import Path

import pytest

from bot.cli import main
from briefings.compose import briefing, market_report
from briefings.market.bars import MarketDataUnavailable, Series
from briefings.market.csv_source import read_bars_csv
from briefings.present import briefing_reply
from commands.services import Services
from config import load_settings
from tests.harness import DATA
from tests.harness.chat import Chat
from tests.harness.clock import FakeClock

META = str(DATA / "META.csv")


def cli_json(capsys, *args: str) -> dict:
    assert main([*args, "--json"]) == 0
    return json.loads(capsys.readouterr().out)


def test_brief_json_on_the_article_date(capsys):
    data = cli_json(capsys, "brief", "--prices", META, "--date", "2024-03-13")
    assert data["symbol"] == "META"
    assert data["as_of"] == "2024-03-13"
    assert data["close"] == 495.57
    assert data["change_ytd_pct"] == 40.01
    assert data["since_article_pct"] == 0.0
    assert data["change_1d_pct"] == -0.84
    assert data["unusual_move"] is False
    assert data["market_status"] == "open"
    assert data["data_source"] == "file META.csv"
    assert data["lang"] == "en"
    assert set(data["insight"]) >= {"text", "section", "topic"}
    assert data["benchmark"]["symbol"] == "QQQ"
    assert data["benchmark"]["change_1d_pct"] is None  # no file for QQQ: unavailable, still exit 0
    assert [p["symbol"] for p in data["peers"]] == ["GOOGL", "MSFT"]
    for name in ("change_5d_pct", "change_1mo_pct", "change_52w_pct"):
        assert isinstance(data[name], float)


def test_other_symbols_from_their_own_files(capsys):
    data = cli_json(
        capsys, "brief", "--prices", META, "--prices", f"QQQ={META}", "--date", "2024-03-13"
    )
    assert data["benchmark"]["change_ytd_pct"] == 40.01
    assert data["relative_to_benchmark"]["change_ytd_pts"] == 0.0


def test_a_holiday_shows_the_last_session(capsys):
    data = cli_json(capsys, "brief", "--prices", META, "--date", "2024-03-29")  # Good Friday
    assert data["market_status"] == "closed"
    assert data["as_of"] == "2024-03-28"
    assert main(["brief", "--prices", META, "--date", "2024-03-29"]) == 0
    assert "Market closed on 29 Mar 2024; figures as of the last session, 28 Mar 2024." in (
        capsys.readouterr().out
    )


def test_windows_before_the_first_bar_are_null(capsys):
    data = cli_json(capsys, "stock", "--prices", META, "--date", "2019-06-03")
    assert data["change_52w_pct"] is None
    assert data["change_ytd_pct"] is None
    assert data["change_1mo_pct"] is not None


def test_date_before_the_data_is_one_line_exit_2(capsys):
    assert main(["brief", "--prices", META, "--date", "2018-05-01"]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1
    assert "2018-05-01 is before the first META price (2019-01-02)" in err


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        ("Date,Open,High,Low,Close\n2024-01-02,1,2,0.5,1.5\n", "Volume"),
        ("Date,Open,High,Low,Close,Volume\n", "no rows"),
        ("Date,Open,High,Low,Close,Volume\n2024-01-03,1,2,0.5,abc,10\n", "Close"),
        (
            "Date,Open,High,Low,Close,Volume\n2024-01-03,1,2,0.5,1,10\n2024-01-02,1,2,0.5,1,10\n",
            "ascending",
        ),
    ],
)
def test_bad_price_file_is_one_line_exit_2(capsys, isolated_env, content, problem):
    path = isolated_env / "bad.csv"
    path.write_text(content)
    assert main(["brief", "--prices", str(path)]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1
    assert "bad.csv" in err and problem in err


def test_french_briefing_text(capsys):
    assert main(["brief", "--prices", META, "--date", "2024-03-13", "--lang", "fr"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("Briefing META · mercredi 13 mars 2024")
    assert "Depuis le 1er janvier            +40,0\u00a0%" in out
    assert "Clôture META" in out and "495,57" in out
    assert "À retenir aujourd’hui" in out


def test_chart_is_written(isolated_env):
    out = isolated_env / "chart.png"
    assert main(["brief", "--prices", META, "--date", "2024-03-13", "--chart", str(out)]) == 0
    png = out.read_bytes()
    assert png.startswith(b"\x89PNG\r\n\x1a\n") and 10_000 < len(png) < 150_000


def test_stock_range_change(capsys):
    data = cli_json(capsys, "stock", "1y", "--prices", META, "--date", "2024-03-13")
    assert data["range"] == "1y"
    assert data["range_change_pct"] == data["change_52w_pct"]
    ytd = cli_json(capsys, "stock", "ytd", "--prices", META, "--date", "2024-03-13")
    assert ytd["range_change_pct"] == 40.01


def test_stock_in_chat_with_a_bad_range(settings):
    chat = Chat(Services(settings, price_files={"META": Path(META)}))
    reply = chat.say("/meta stock 2y")
    assert reply.startswith("“2y” is not a range; use one of 1d, 5d, 1mo, 3mo, 6mo, ytd, 1y.")
    assert "Usage: `/meta stock" in reply


def test_brief_in_chat_reads_like_a_briefing(settings):
    chat = Chat(Services(settings, price_files={"META": Path(META)}))
    reply = chat.say("/meta brief")
    assert reply.startswith("META briefing · ")
    assert "Market closed; figures as of the 30 Jul 2024 close." in reply
    assert "Insight of the day · " in reply
    assert "Data: META.csv, prices to 30 Jul 2024" in reply
    assert len(chat.last.images) == 1


class FlakySource:
    """A market source that answers from the real bars, then fails."""

    name = "yahoo"

    def __init__(self) -> None:
        self.bars = read_bars_csv(Path(META), "META").up_to(dt.date(2024, 3, 13))
        self.fail = False
        self.calls = 0

    def fetch(self, symbol: str) -> Series:
        self.calls += 1
        if self.fail or symbol != "META":
            raise MarketDataUnavailable(symbol, "Yahoo unreachable (ConnectionError)")
        return Series(
            symbol, self.bars.bars, "Yahoo Finance", dt.datetime(2024, 3, 13, 21, 5, tzinfo=dt.UTC)
        )


def test_yahoo_failure_answers_from_stored_bars_labelled_as_of(settings):
    clock = FakeClock(dt.datetime(2024, 3, 13, 21, 5, tzinfo=dt.UTC))
    source = FlakySource()
    services = Services(settings, clock=clock, rng=random.Random(1), market_source=source)
    chat = Chat(services)
    assert "Data: Yahoo Finance, as of 13 Mar 2024" in chat.say("/meta stock")
    source.fail = True
    clock.advance(hours=5)
    reply = chat.send("/meta stock").plain_text()
    assert (
        "Yahoo Finance is unavailable (Yahoo unreachable (ConnectionError)); showing stored data as of 13 Mar 2024"
        in reply
    )
    # a fresh process with the same database still has the stored bars
    again = Services(settings, clock=clock, market_source=source)
    assert "showing stored data as of 13 Mar 2024" in Chat(again).send("/meta stock").plain_text()


def test_nothing_stored_says_market_data_is_unavailable(monkeypatch):
    monkeypatch.setenv("COMPANY_SYMBOL", "AAPL")  # no bundled sample for it
    source = FlakySource()
    source.fail = True
    services = Services(load_settings(), market_source=source)
    reply = Chat(services).say("/meta brief")
    assert "Market data is unavailable right now (Yahoo unreachable (ConnectionError))" in reply
    assert "Insight of the day" in reply


def test_during_the_session_figures_are_intraday(settings):
    source = FlakySource()
    at = dt.datetime(2024, 3, 13, 15, 0, tzinfo=dt.UTC)  # 11:00 in New York
    services = Services(settings, clock=lambda: at, market_source=source)
    chat = Chat(services)
    reply = chat.say("/meta stock")
    assert "Market open: intraday figures." in reply
    assert "META (intraday)" in reply
    assert chat.last.data["intraday"] is True and chat.last.data["market_status"] == "open"


def test_claim_check_in_the_briefing(settings):
    services = Services(settings, price_files={"META": Path(META)})
    kb = services.knowledge
    claim_passage = next(p for p in kb.passages if "68 %" in p.text["fr"])

    async def build():
        report = await market_report(
            services.market,
            "META",
            "QQQ",
            [],
            services.clock(),
            dt.date(2024, 7, 1),
            article_date=kb.latest_article.date,
        )
        return briefing_reply(briefing("en", report, kb, claim_passage, None))

    reply = asyncio.run(build())
    text = reply.plain_text()
    assert (
        "Claim check: Article: +68.0% YTD at 13 Mar 2024; META.csv data: +40.0% "
        "(close 29 Dec 2023 to close 13 Mar 2024)"
    ) in text
    assert reply.data["claim_check"]["actual_pct"] == 40.01


def test_ask_shows_the_claim_check_from_stored_bars(monkeypatch):
    monkeypatch.setenv("MARKET_DATA_FILE", META)
    from config import load_settings

    chat = Chat(Services(load_settings()))
    reply = chat.say("/meta ask How much had Meta's stock risen in early 2024?")
    assert "The 68% rise since the start of 2024" in reply
    assert "Claim check: Article: +68.0% YTD at 13 Mar 2024; META.csv data: +40.0%" in reply


def test_ask_without_stored_bars_shows_the_claim_alone(chat):
    reply = chat.say("/meta ask How much had Meta's stock risen in early 2024?")
    assert "The 68% rise" in reply
    assert "no stored market data to check it yet" in reply
