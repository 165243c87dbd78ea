"""The price chart is a small, valid PNG of the expected size; the cache renders once per key."""

from __future__ import annotations

import csv
import datetime as dt
import math
import struct
from functools import cache
from pathlib import Path

import pytest

from briefings.market.bars import Bar, MarketDataError, Series
from briefings.market.chart import (
    ChartCache,
    axis_day,
    build_chart,
    chart_title,
    moving_average,
    rebased,
    render_chart,
)

META_CSV = Path(__file__).parent / "data" / "META.csv"
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


@cache
def meta() -> Series:
    """A tiny local reader: the real CSV reader is written elsewhere."""
    with META_CSV.open(newline="") as f:
        bars = tuple(
            Bar(
                dt.date.fromisoformat(row["Date"]),
                float(row["Open"]),
                float(row["High"]),
                float(row["Low"]),
                float(row["Close"]),
                int(float(row["Volume"])),
            )
            for row in csv.DictReader(f)
        )
    return Series("META", bars, "csv", dt.datetime(2024, 8, 1, tzinfo=dt.UTC))


def benchmark() -> Series:
    """A made-up benchmark moving half as much as META, on the same sessions."""
    bars = tuple(
        Bar(b.date, b.open, b.high, b.low, 400 + (b.close - 400) / 2, b.volume) for b in meta().bars
    )
    return Series("QQQ", bars, "test", dt.datetime(2024, 8, 1, tzinfo=dt.UTC))


def png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == PNG_SIGNATURE
    assert data[12:16] == b"IHDR"
    return struct.unpack(">II", data[16:24])


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_chart_is_a_small_png(lang: str) -> None:
    png = render_chart(
        meta(), benchmark(), dt.date(2024, 3, 28), lang, article_date=dt.date(2024, 3, 13)
    )
    assert png_size(png) == (800, 450)
    assert 10_000 < len(png) < 150_000


def test_chart_without_benchmark_or_article() -> None:
    png = render_chart(meta(), None, dt.date(2024, 3, 31), "en")
    assert png_size(png) == (800, 450)
    assert 10_000 < len(png) < 150_000


def test_chart_with_article_outside_the_window_and_a_short_history() -> None:
    png = render_chart(meta(), benchmark(), dt.date(2019, 1, 10), "fr", dt.date(2018, 5, 1))
    assert png_size(png) == (800, 450)


def test_chart_before_the_data_raises() -> None:
    with pytest.raises(MarketDataError):
        render_chart(meta(), None, dt.date(2018, 1, 1), "en")


def test_titles_say_the_range_and_dates_carry_the_year() -> None:
    day = dt.date(2024, 3, 13)
    assert chart_title("META", "ytd", day, "en") == "META, year to date (to 13 Mar 2024)"
    assert chart_title("META", "5d", day, "en") == "META, 5 days (to 13 Mar 2024)"
    assert chart_title("META", "3mo", day, "fr-FR") == "META, 3 mois (au 13 mars 2024)"
    assert axis_day(dt.date(2024, 2, 2), "fr") == "2 févr. 2024"
    assert axis_day(dt.date(2024, 2, 2), "en", with_day=False) == "Feb 2024"


def texts(fig) -> list[str]:  # type: ignore[no-untyped-def]
    """Every text the drawn figure shows (tick labels are only set when drawn)."""
    from matplotlib.text import Text

    fig.canvas.draw()
    return [t.get_text() for t in fig.findobj(Text) if t.get_visible() and t.get_text()]


def test_a_french_chart_speaks_french_with_babel() -> None:
    shown = texts(build_chart(meta(), None, dt.date(2024, 3, 13), "fr", None, 50, "ytd"))
    assert "495,57\xa0$US" in shown  # the last close, in the currency, French decimals
    assert "META, depuis le 1er janvier (au 13 mars 2024)" in shown
    assert "Cours (USD)" in shown
    assert any(label.endswith("janv. 2024") for label in shown)
    assert "Moyenne 50 jours" in shown and "Moyenne 200 jours" in shown
    assert not any("495.57" in label for label in shown)


def test_an_english_chart_has_the_currency_and_years() -> None:
    shown = texts(build_chart(meta(), None, dt.date(2024, 3, 13), "en", None, 252, "1y"))
    assert "$495.57" in shown and "Price (USD)" in shown
    assert "META, 1 year (to 13 Mar 2024)" in shown
    assert any(label.endswith(" 2023") for label in shown)


def test_trading_days_only_no_weekend_gaps() -> None:
    """Candles sit at consecutive positions: a Friday and the next Monday are one step apart."""
    fig = build_chart(meta(), None, dt.date(2024, 3, 13), "en", None, 5, "5d")
    price_axes = fig.axes[0]
    low, high = price_axes.get_xlim()
    assert low == -1 and high < 5 + 3  # five sessions (7 calendar days) take five slots
    shown = texts(fig)
    assert "7 Mar 2024" in shown or "8 Mar 2024" in shown or "11 Mar 2024" in shown
    assert not any(label in shown for label in ("9 Mar 2024", "10 Mar 2024"))  # a weekend


def test_moving_averages_reach_before_the_window() -> None:
    closes = [float(i) for i in range(1, 301)]
    assert moving_average(closes, 50, 3) == [273.5, 274.5, 275.5]
    assert all(math.isnan(v) for v in moving_average(closes[:10], 50, 3))


def test_benchmark_is_rebased_to_the_first_close() -> None:
    days, values = rebased(benchmark(), dt.date(2024, 3, 1), dt.date(2024, 3, 28), base=100.0)
    assert days[0] == dt.date(2024, 3, 1) and days[-1] == dt.date(2024, 3, 28)
    assert values[0] == pytest.approx(100.0)
    assert rebased(benchmark(), dt.date(2030, 1, 1), dt.date(2030, 2, 1), 100.0) == ([], [])


def test_cache_renders_once_per_key() -> None:
    cache_ = ChartCache(size=2)
    calls: list[str] = []

    def render(name: str) -> bytes:
        calls.append(name)
        return name.encode()

    key = (dt.date(2024, 3, 13), "en", "3mo")
    assert cache_.get(key, lambda: render("a")) == b"a"
    assert cache_.get(key, lambda: render("a")) == b"a"
    assert cache_.renders == 1
    cache_.get(("b",), lambda: render("b"))
    cache_.get(("c",), lambda: render("c"))  # evicts the oldest, `key`
    assert cache_.renders == 3
    cache_.get(key, lambda: render("a"))
    assert cache_.renders == 4
    assert calls == ["a", "b", "c", "a"]


def test_cache_with_real_charts() -> None:
    cache_ = ChartCache()
    key = (dt.date(2024, 3, 28), "en", "3mo")

    def draw() -> bytes:
        return render_chart(meta(), benchmark(), dt.date(2024, 3, 28), "en")

    first = cache_.get(key, draw)
    assert cache_.get(key, draw) is first
    assert cache_.renders == 1
