"""Movements computed from META's real daily bars (tests/data/META.csv, a yfinance export)."""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import statistics
from functools import cache
from pathlib import Path

import pytest

from briefings.market.bars import Bar, MarketDataError, Series
from briefings.market.movements import Figures, compute_figures, relative_pct

META_CSV = Path(__file__).parent / "data" / "META.csv"

FIELDS = [
    "symbol",
    "as_of",
    "close",
    "change_1d_pct",
    "change_5d_pct",
    "change_1mo_pct",
    "change_ytd_pct",
    "change_52w_pct",
    "since_article_pct",
    "high_52w",
    "low_52w",
    "from_high_52w_pct",
    "from_low_52w_pct",
    "volume",
    "volume_avg_20d",
    "volume_vs_avg_20d_pct",
    "unusual_move",
    "daily_return_sd_60d_pct",
]


@cache
def meta() -> Series:
    """A tiny local reader: the real CSV reader is written elsewhere."""
    with META_CSV.open(newline="") as f:
        bars = tuple(
            Bar(
                date=dt.date.fromisoformat(row["Date"]),
                open=float(row["Open"]),
                high=float(row["High"]),
                low=float(row["Low"]),
                close=float(row["Close"]),
                volume=int(float(row["Volume"])),
            )
            for row in csv.DictReader(f)
        )
    return Series("META", bars, "csv", dt.datetime(2024, 8, 1, tzinfo=dt.UTC))


def closes_up_to(day: dt.date) -> list[float]:
    return [b.close for b in meta().bars if b.date <= day]


def test_field_names_are_the_json_keys() -> None:
    assert [f.name for f in dataclasses.fields(Figures)] == FIELDS
    with pytest.raises(dataclasses.FrozenInstanceError):
        compute_figures(meta()).close = 1.0  # type: ignore[misc]


def test_figures_on_2024_03_13() -> None:
    day = dt.date(2024, 3, 13)
    f = compute_figures(meta(), as_of=day, article_date=day)
    assert f.as_of == day
    assert f.close == 495.57
    assert f.change_ytd_pct == 40.01 == round((495.57 / 353.96 - 1) * 100, 2)
    assert f.since_article_pct == 0.0
    closes = closes_up_to(day)
    assert f.change_1d_pct == round((closes[-1] / closes[-2] - 1) * 100, 2)
    assert f.change_5d_pct == round((closes[-1] / closes[-6] - 1) * 100, 2)
    assert f.change_1mo_pct == round((closes[-1] / closes[-22] - 1) * 100, 2)
    assert f.change_52w_pct == round((closes[-1] / closes[-253] - 1) * 100, 2)
    bars = [b for b in meta().bars if b.date <= day]
    high = max(b.high for b in bars[-252:])
    low = min(b.low for b in bars[-252:])
    assert f.high_52w == round(high, 2)
    assert f.low_52w == round(low, 2)
    assert f.from_high_52w_pct == round((closes[-1] / high - 1) * 100, 2)
    assert f.from_low_52w_pct == round((closes[-1] / low - 1) * 100, 2)
    avg = statistics.fmean(b.volume for b in bars[-21:-1])
    assert f.volume == bars[-1].volume
    assert f.volume_avg_20d == round(avg)
    assert f.volume_vs_avg_20d_pct == round((bars[-1].volume / avg - 1) * 100, 2)
    returns = [b / a - 1 for a, b in zip(closes[-62:-2], closes[-61:-1], strict=True)]
    sd = statistics.stdev(returns)
    assert f.daily_return_sd_60d_pct == round(sd * 100, 2)
    assert f.unusual_move is (abs(closes[-1] / closes[-2] - 1) > 2 * sd)


def test_first_session_of_2024() -> None:
    f = compute_figures(meta(), as_of=dt.date(2024, 1, 2))
    assert f.close == 346.29
    assert f.change_1d_pct == round((346.29 / 353.96 - 1) * 100, 2)
    # YTD on the first session of the year is the same as the 1-day change
    assert f.change_ytd_pct == f.change_1d_pct


def test_since_article_a_week_later_and_from_a_weekend() -> None:
    close = closes_up_to(dt.date(2024, 3, 20))[-1]
    base = closes_up_to(dt.date(2024, 3, 13))[-1]
    f = compute_figures(meta(), as_of=dt.date(2024, 3, 20), article_date=dt.date(2024, 3, 13))
    assert f.since_article_pct == round((close / base - 1) * 100, 2)
    # An article on a Sunday is measured from the Friday close before it.
    friday = closes_up_to(dt.date(2024, 3, 15))[-1]
    g = compute_figures(meta(), as_of=dt.date(2024, 3, 20), article_date=dt.date(2024, 3, 17))
    assert g.since_article_pct == round((close / friday - 1) * 100, 2)


def test_since_article_is_none_when_unknown() -> None:
    data = meta()
    assert compute_figures(data, as_of=dt.date(2024, 3, 13)).since_article_pct is None
    early = compute_figures(data, as_of=dt.date(2019, 3, 1), article_date=dt.date(2018, 6, 1))
    assert early.since_article_pct is None
    later = compute_figures(data, as_of=dt.date(2024, 3, 13), article_date=dt.date(2024, 3, 20))
    assert later.since_article_pct is None


def test_short_history_gives_none_for_long_windows_only() -> None:
    f = compute_figures(meta(), as_of=dt.date(2019, 6, 3))  # about 105 sessions of data
    assert f.change_52w_pct is None
    assert f.high_52w is None and f.low_52w is None
    assert f.from_high_52w_pct is None and f.from_low_52w_pct is None
    assert f.change_ytd_pct is None  # no bar in 2018
    assert f.change_1d_pct is not None
    assert f.change_5d_pct is not None
    assert f.change_1mo_pct is not None
    assert f.volume_avg_20d is not None
    assert f.daily_return_sd_60d_pct is not None


def test_very_short_history() -> None:
    first = compute_figures(meta(), as_of=dt.date(2019, 1, 2))
    assert first.close == 135.68
    assert first.change_1d_pct is None
    assert first.volume_avg_20d is None and first.volume_vs_avg_20d_pct is None
    assert first.unusual_move is False and first.daily_return_sd_60d_pct is None
    second = compute_figures(meta(), as_of=dt.date(2019, 1, 3))
    assert second.change_1d_pct == round((131.74 / 135.68 - 1) * 100, 2)
    assert second.change_5d_pct is None


def test_52_weeks_needs_253_bars() -> None:
    bars = meta().bars
    assert compute_figures(meta(), as_of=bars[251].date).change_52w_pct is None
    assert compute_figures(meta(), as_of=bars[251].date).high_52w is not None
    f = compute_figures(meta(), as_of=bars[252].date)
    assert f.change_52w_pct == round((bars[252].close / bars[0].close - 1) * 100, 2)


def test_before_the_data_raises() -> None:
    with pytest.raises(MarketDataError) as excinfo:
        compute_figures(meta(), as_of=dt.date(2018, 12, 31))
    assert str(excinfo.value) == (
        "META: no prices on or before 2018-12-31; the data starts on 2019-01-02"
    )


@pytest.mark.parametrize("day", [dt.date(2024, 3, 29), dt.date(2024, 3, 31)])
def test_non_session_uses_the_previous_session(day: dt.date) -> None:
    f = compute_figures(meta(), as_of=day)
    assert f.as_of == dt.date(2024, 3, 28)
    assert f == compute_figures(meta(), as_of=dt.date(2024, 3, 28))


def test_default_is_the_last_bar() -> None:
    f = compute_figures(meta())
    assert f.as_of == dt.date(2024, 7, 30)
    assert f.close == 463.19


def test_unusual_move_flags_a_big_day() -> None:
    # 2024-02-02: META jumped about 20% after its Q4 2023 results.
    f = compute_figures(meta(), as_of=dt.date(2024, 2, 2))
    assert f.change_1d_pct is not None and f.change_1d_pct > 15
    assert f.unusual_move is True
    assert f.volume_vs_avg_20d_pct is not None and f.volume_vs_avg_20d_pct > 100


def test_relative_pct() -> None:
    assert relative_pct(40.01, 8.5) == 31.51
    assert relative_pct(-1.234, 0.5) == -1.73
    assert relative_pct(None, 1.0) is None
    assert relative_pct(1.0, None) is None
