"""Charts through chat and the CLI: `1d` from Yahoo's 5-minute bars (through the real yfinance
against the fake), never the same picture as `5d`; the console saves charts in DATA_DIR/charts."""

from __future__ import annotations

import datetime as dt
import io

import requests

from bot.adapters.console import ConsoleAdapter
from bot.cli import main
from briefings.market.chart import build_chart
from briefings.market.yahoo_source import YahooSource
from commands.router import Router
from commands.services import Services
from tests.harness import DATA
from tests.harness.chat import Chat
from tests.harness.clock import FakeClock
from tests.harness.delivery import utc
from tests.harness.yahoo import FakeYahoo, yahoo_offline
from tests.test_chart import texts

SYMBOLS = ("META", "QQQ", "GOOGL", "MSFT")
DURING_THE_SESSION = utc(2025, 11, 26, 18, 0)  # 13:00 in New York


def test_intraday_bars_come_through_yfinance_as_yahoo_serves_them(tmp_path):
    with yahoo_offline(tmp_path / "yf") as mock:
        FakeYahoo(mock).set("META", "ok")
        source = YahooSource(session=requests.Session())
        intraday = source.fetch_intraday("META")
        daily = source.fetch("META")
    assert len(intraday.bars) == 78  # 09:30 to 15:55, every 5 minutes
    assert intraday.bars[0].time == dt.datetime(
        2025, 11, 26, 9, 30, tzinfo=intraday.bars[0].time.tzinfo
    )
    assert str(intraday.bars[0].time.tzinfo) == "America/New_York"
    assert intraday.day == daily.last.date
    fig = build_chart(daily, None, daily.last.date, "fr", intraday=intraday, range_key="1d")
    shown = texts(fig)
    assert "META, 1 jour (26 nov. 2025, barres de 5 minutes)" in shown
    assert "Barres en séance de Yahoo Finance, en différé ; heures de New York." in shown
    assert "633,61\xa0$US" in shown  # the last 5-minute close, French decimals
    assert any(label.count(":") == 1 and label[:2].isdigit() for label in shown)  # times


def test_one_day_and_five_days_are_different_charts_in_chat(settings, tmp_path):
    clock = FakeClock(DURING_THE_SESSION)
    with yahoo_offline(tmp_path / "yf") as mock:
        yahoo = FakeYahoo(mock)
        for symbol in SYMBOLS:
            yahoo.set(symbol, "ok")
        services = Services(
            settings, clock=clock, market_source=YahooSource(session=requests.Session())
        )
        chat = Chat(services)
        one_day = chat.send("/meta stock 1d")
        five_days = chat.send("/meta stock 5d")
        again = chat.send("/meta stock 1d")
        assert yahoo.intraday_calls("META") == 1  # kept like prices
        assert yahoo.intraday_calls("QQQ") == 0  # only the company's chart needs them
    assert one_day.images and five_days.images
    assert one_day.images[0].png != five_days.images[0].png
    assert again.images[0].png == one_day.images[0].png


def test_with_price_files_one_day_is_still_not_five_days(tmp_path, capsys):
    charts = {}
    for range_key in ("1d", "5d"):
        out = tmp_path / f"{range_key}.png"
        args = ["stock", range_key, "--prices", str(DATA / "META.csv"), "--date", "2024-03-13"]
        assert main([*args, "--chart", str(out)]) == 0
        charts[range_key] = out.read_bytes()
    assert charts["1d"] != charts["5d"]
    assert "META · 1 day: -0.8%" in capsys.readouterr().out


def test_a_past_one_day_chart_is_the_last_daily_candle_and_says_so():
    from briefings.market.csv_source import read_bars_csv

    series = read_bars_csv(DATA / "META.csv", "META")
    shown = texts(build_chart(series, None, dt.date(2024, 3, 13), "en", None, 1, "1d"))
    assert "META, 1 day (to 13 Mar 2024)" in shown
    assert "No intraday bars at hand: the last session's daily candle." in shown


def test_the_console_saves_charts_and_prints_their_path(settings):
    services = Services(settings, price_files={"META": DATA / "META.csv"})
    out = io.StringIO()
    console = ConsoleAdapter(Router(services), stdin=io.StringIO("stock 5d\nexit\n"), stdout=out)
    import asyncio

    asyncio.run(console.run())
    text = out.getvalue()
    charts = settings.storage.data_dir / "charts"
    saved = sorted(charts.glob("*.png"))
    assert len(saved) == 1 and saved[0].read_bytes()[:4] == b"\x89PNG"
    assert f"[chart: META closes, 5 days: {saved[0]}]" in text
    assert "[image:" not in text
