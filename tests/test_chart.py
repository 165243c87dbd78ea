"""The price chart is a small, valid PNG of the expected size; the cache renders once per key."""

from __future__ import annotations

import csv
import datetime as dt
import struct
from functools import cache
from pathlib import Path

import pytest

from briefings.market.bars import Bar, MarketDataError, Series
from briefings.market.chart import ChartCache, chart_title, format_day, rebased, render_chart

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
    assert png_size(png) == (800, 400)
    assert 10_000 < len(png) < 150_000


def test_chart_without_benchmark_or_article() -> None:
    png = render_chart(meta(), None, dt.date(2024, 3, 31), "en")
    assert png_size(png) == (800, 400)
    assert 10_000 < len(png) < 150_000


def test_chart_with_article_outside_the_window_and_a_short_history() -> None:
    png = render_chart(meta(), benchmark(), dt.date(2019, 1, 10), "fr", dt.date(2018, 5, 1))
    assert png_size(png) == (800, 400)


def test_chart_before_the_data_raises() -> None:
    with pytest.raises(MarketDataError):
        render_chart(meta(), None, dt.date(2018, 1, 1), "en")


def test_titles_and_labels() -> None:
    assert chart_title("META", 63, "en") == "META, last 3 months"
    assert chart_title("META", 63, "fr") == "META, 3 derniers mois"
    assert chart_title("META", 21, "fr-FR") == "META, dernier mois"
    assert chart_title("META", 10, "en") == "META, last 10 sessions"
    assert format_day(dt.date(2024, 3, 13), "en") == "Mar 13"
    assert format_day(dt.date(2024, 2, 2), "fr") == "2 févr."


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
