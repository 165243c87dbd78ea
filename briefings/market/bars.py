"""Daily bars and the errors of the market-data boundary."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace


class MarketDataError(Exception):
    """Bad market-data input a person can fix (a malformed CSV file, a date before the data).
    The message is one line naming the file or symbol and the problem (a `Phrase` when it is
    worded for the reader, like a date before the data)."""


class MarketDataUnavailable(Exception):
    """No bars at all for a symbol: upstream failed and nothing is stored. `reason` is short
    (a `chat.wording.Phrase` when it comes from our sources, so a reader gets it in their language)."""

    def __init__(self, symbol: str, reason: str) -> None:
        super().__init__(f"{symbol}: {reason}")
        self.symbol = symbol
        self.reason = reason


@dataclass(frozen=True)
class Bar:
    date: dt.date
    open: float
    high: float
    low: float
    close: float  # the real (unadjusted) close
    volume: int


@dataclass(frozen=True)
class Series:
    """A symbol's daily bars, oldest first, unique dates, and where and when they came from.

    `stale_reason` is None for fresh data; otherwise the short reason the bars came from the
    store instead of the source ("Yahoo rate limit", "network error"...), shown with "as of";
    a `chat.wording.Phrase` from our sources, worded in the reader's language where shown.
    """

    symbol: str
    bars: tuple[Bar, ...]
    source: str
    fetched_at: dt.datetime
    stale_reason: str | None = None

    @property
    def last(self) -> Bar:
        return self.bars[-1]

    @property
    def is_stale(self) -> bool:
        return self.stale_reason is not None

    def up_to(self, day: dt.date) -> Series:
        """The bars on or before `day`."""
        return replace(self, bars=tuple(b for b in self.bars if b.date <= day))


@dataclass(frozen=True)
class MinuteBar:
    """One intraday bar; `time` is its start, in New York time (aware)."""

    time: dt.datetime
    open: float
    high: float
    low: float
    close: float
    volume: int


@dataclass(frozen=True)
class Intraday:
    """A symbol's intraday bars of one session (5-minute bars from Yahoo, delayed), oldest first."""

    symbol: str
    bars: tuple[MinuteBar, ...]
    source: str
    fetched_at: dt.datetime
    interval: str = "5m"

    @property
    def day(self) -> dt.date:
        return self.bars[-1].time.date()
