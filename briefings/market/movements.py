"""Price movements computed from daily bars: pure functions, no I/O.

Windows count sessions (bars), not calendar days: 1 month is 21 sessions, 52 weeks 252.
A window reaching before the first bar gives None; the other figures still compute.
"""

from __future__ import annotations

import datetime as dt
import statistics
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import pairwise

from briefings.market.bars import Bar, MarketDataError, Series

SESSIONS_5D = 5
SESSIONS_1MO = 21
SESSIONS_52W = 252
VOLUME_WINDOW = 20
VOLATILITY_WINDOW = 60
UNUSUAL_SD = 2.0


@dataclass(frozen=True)
class Figures:
    """A symbol's figures as of one session; field names are the JSON keys."""

    symbol: str
    as_of: dt.date
    close: float
    change_1d_pct: float | None
    change_5d_pct: float | None
    change_1mo_pct: float | None
    change_ytd_pct: float | None
    change_52w_pct: float | None
    since_article_pct: float | None
    high_52w: float | None
    low_52w: float | None
    from_high_52w_pct: float | None
    from_low_52w_pct: float | None
    volume: int
    volume_avg_20d: int | None
    volume_vs_avg_20d_pct: float | None
    unusual_move: bool
    daily_return_sd_60d_pct: float | None


def pct_change(new: float, old: float | None) -> float | None:
    """(new / old - 1) in percent, rounded to 2 decimals; None without a positive base."""
    if old is None or old <= 0:
        return None
    return round((new / old - 1) * 100, 2)


def relative_pct(a: float | None, b: float | None) -> float | None:
    """a - b in percentage points (e.g. META relative to the benchmark), rounded; None if either is."""
    if a is None or b is None:
        return None
    return round(a - b, 2)


def close_sessions_back(bars: Sequence[Bar], sessions: int) -> float | None:
    """The close `sessions` bars before the last one, or None if the data is too short."""
    return bars[-1 - sessions].close if len(bars) > sessions else None


def ytd_base(bars: Sequence[Bar]) -> float | None:
    """The last close of the previous calendar year, or None if no bar falls in that year."""
    year = bars[-1].date.year - 1
    for bar in reversed(bars):
        if bar.date.year == year:
            return bar.close
        if bar.date.year < year:
            break
    return None


def close_on_or_before(bars: Sequence[Bar], day: dt.date) -> float | None:
    """The close on `day`, or on the last session before it; None if the data starts later."""
    for bar in reversed(bars):
        if bar.date <= day:
            return bar.close
    return None


def daily_returns(bars: Sequence[Bar]) -> list[float]:
    """Close-to-close returns (fractions), one per bar after the first."""
    return [b.close / a.close - 1 for a, b in pairwise(bars) if a.close > 0]


def range_52w(bars: Sequence[Bar]) -> tuple[float, float] | None:
    """Highest high and lowest low over the last 252 sessions, or None with fewer bars."""
    if len(bars) < SESSIONS_52W:
        return None
    window = bars[-SESSIONS_52W:]
    return max(b.high for b in window), min(b.low for b in window)


def volume_average(bars: Sequence[Bar]) -> float | None:
    """Mean volume of the 20 sessions before the last one, or None with too few bars."""
    if len(bars) < VOLUME_WINDOW + 1:
        return None
    return statistics.fmean(b.volume for b in bars[-VOLUME_WINDOW - 1 : -1])


def return_sd(bars: Sequence[Bar]) -> float | None:
    """Sample standard deviation of the 60 daily returns before the last one, or None."""
    if len(bars) < VOLATILITY_WINDOW + 2:
        return None
    returns = daily_returns(bars[-VOLATILITY_WINDOW - 2 : -1])
    return statistics.stdev(returns) if len(returns) == VOLATILITY_WINDOW else None


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 2)


def compute_figures(
    series: Series, as_of: dt.date | None = None, article_date: dt.date | None = None
) -> Figures:
    """The figures of `series` using its bars on or before `as_of` (default: all bars).

    Raises MarketDataError when no bar falls on or before `as_of`. `since_article_pct` is
    None without `article_date`, when the data starts after it, or when it is after `as_of`.
    """
    bars = series.up_to(as_of).bars if as_of is not None else series.bars
    if not bars:
        if not series.bars:
            raise MarketDataError(f"{series.symbol}: no prices in the data")
        first = series.bars[0].date
        raise MarketDataError(
            f"{series.symbol}: no prices on or before {as_of}; the data starts on {first}"
        )
    last = bars[-1]
    close = last.close

    since_article = None
    if article_date is not None and article_date <= (as_of or last.date):
        since_article = pct_change(close, close_on_or_before(bars, article_date))

    high_low = range_52w(bars)
    high, low = high_low if high_low else (None, None)

    avg_volume = volume_average(bars)
    volume_vs_avg = pct_change(last.volume, avg_volume) if avg_volume else None

    change_1d = pct_change(close, close_sessions_back(bars, 1))
    sd = return_sd(bars)
    unusual = False
    if sd is not None and change_1d is not None:
        unusual = abs(close / bars[-2].close - 1) > UNUSUAL_SD * sd

    return Figures(
        symbol=series.symbol,
        as_of=last.date,
        close=round(close, 2),
        change_1d_pct=change_1d,
        change_5d_pct=pct_change(close, close_sessions_back(bars, SESSIONS_5D)),
        change_1mo_pct=pct_change(close, close_sessions_back(bars, SESSIONS_1MO)),
        change_ytd_pct=pct_change(close, ytd_base(bars)),
        change_52w_pct=pct_change(close, close_sessions_back(bars, SESSIONS_52W)),
        since_article_pct=since_article,
        high_52w=_round(high),
        low_52w=_round(low),
        from_high_52w_pct=pct_change(close, high),
        from_low_52w_pct=pct_change(close, low),
        volume=last.volume,
        volume_avg_20d=round(avg_volume) if avg_volume is not None else None,
        volume_vs_avg_20d_pct=volume_vs_avg,
        unusual_move=unusual,
        daily_return_sd_60d_pct=_round(sd * 100) if sd is not None else None,
    )
