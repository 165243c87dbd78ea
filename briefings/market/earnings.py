"""Earnings dates and EPS surprises: from yfinance's `get_earnings_dates()` or a CSV of its export
(`Earnings Date,EPS Estimate,Reported EPS,Surprise(%)`), and what a briefing says of them."""

from __future__ import annotations

import csv
import datetime as dt
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from briefings.market.bars import Bar, MarketDataError, Series

COLUMNS = ("Earnings Date", "EPS Estimate", "Reported EPS", "Surprise(%)")
EXPECTED = ",".join(COLUMNS)


@dataclass(frozen=True)
class EarningsEvent:
    day: dt.date  # the New York date of the report (usually after the close)
    eps_estimate: float | None
    reported_eps: float | None
    surprise_pct: float | None

    @property
    def reported(self) -> bool:
        return self.reported_eps is not None


@dataclass(frozen=True)
class Earnings:
    """A symbol's earnings reports, oldest first, and where they came from."""

    symbol: str
    events: tuple[EarningsEvent, ...]
    source: str

    def next_on_or_after(self, day: dt.date) -> EarningsEvent | None:
        """The first report on or after `day` (on `day`: "today")."""
        upcoming = [e for e in self.events if e.day >= day]
        return upcoming[0] if upcoming else None

    def last_reported(self, day: dt.date) -> EarningsEvent | None:
        """The latest report strictly before `day` with a reported EPS (after-close reports:
        the market reacts the next session)."""
        past = [e for e in self.events if e.day < day and e.reported]
        return past[-1] if past else None


@dataclass(frozen=True)
class EarningsView:
    """What the briefing says: the next date and days until, the last surprise, the reaction."""

    next_date: dt.date | None
    days_until: int | None
    last: EarningsEvent | None
    reaction_pct: float | None  # the 1-day move of the first session after `last`, that day only

    def as_json(self) -> dict[str, object]:
        return {
            "next_date": self.next_date.isoformat() if self.next_date else None,
            "days_until": self.days_until,
            "last_surprise_pct": self.last.surprise_pct if self.last else None,
        }


NO_EARNINGS = EarningsView(None, None, None, None)


def earnings_view(earnings: Earnings | None, day: dt.date, series: Series | None) -> EarningsView:
    """The earnings as of `day` (calendar days); `series` (up to `day`) for the reaction: when its
    last session is the first one after the last report, its 1-day change."""
    if earnings is None:
        return NO_EARNINGS
    upcoming = earnings.next_on_or_after(day)
    last = earnings.last_reported(day + dt.timedelta(days=1))
    reaction = _reaction(last, series) if last else None
    return EarningsView(
        upcoming.day if upcoming else None,
        (upcoming.day - day).days if upcoming else None,
        last,
        reaction,
    )


def _reaction(event: EarningsEvent, series: Series | None) -> float | None:
    if series is None or len(series.bars) < 2:
        return None
    before: Bar = series.bars[-2]
    after: Bar = series.bars[-1]
    if not before.date <= event.day < after.date or before.close <= 0:
        return None
    return round((after.close / before.close - 1) * 100, 2)


def read_earnings_csv(path: Path, symbol: str) -> Earnings:
    """Read a `get_earnings_dates()` export; raises MarketDataError with one line naming the file."""
    name = path.name
    try:
        with path.open(newline="", encoding="utf-8-sig") as handle:
            reader = csv.DictReader(handle)
            fields = [f.strip() for f in reader.fieldnames or []]
            missing = [c for c in COLUMNS if c not in fields]
            if missing:
                raise MarketDataError(
                    f"{name}: missing column(s) {','.join(missing)}; expected {EXPECTED}"
                )
            reader.fieldnames = fields
            events = [_event(row, name, reader.line_num) for row in reader if any(row.values())]
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        problem = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        raise MarketDataError(
            f"{name}: cannot read the file ({problem}); expected a CSV with columns {EXPECTED}"
        ) from exc
    return Earnings(symbol, tuple(sorted(events, key=lambda e: e.day)), f"file {name}")


def _event(row: dict[str, str], name: str, line: int) -> EarningsEvent:
    raw = (row.get("Earnings Date") or "").strip()
    try:
        day = dt.date.fromisoformat(raw[:10])  # "2024-04-24 16:00:00-04:00" or "2024-04-24"
    except ValueError:
        raise MarketDataError(
            f"{name}: line {line}: Earnings Date {raw!r} is not a date; expected YYYY-MM-DD"
        ) from None
    return EarningsEvent(
        day,
        _number(row, "EPS Estimate", name, line),
        _number(row, "Reported EPS", name, line),
        _number(row, "Surprise(%)", name, line),
    )


def _number(row: dict[str, str], column: str, name: str, line: int) -> float | None:
    raw = (row.get(column) or "").strip()
    if raw.lower() in ("", "-", "nan", "none"):
        return None
    try:
        value = float(raw.replace("+", ""))
    except ValueError:
        raise MarketDataError(
            f"{name}: line {line}, column {column}: {raw!r} is not a number; "
            "expected a decimal like 4.71 or an empty cell"
        ) from None
    return value if math.isfinite(value) else None


def earnings_from_frame(symbol: str, frame: Any, source: str) -> Earnings:
    """`Ticker.get_earnings_dates()`'s DataFrame (tz-aware index) -> Earnings."""
    events: dict[dt.date, EarningsEvent] = {}
    if frame is not None and not frame.empty:
        for stamp, row in frame.iterrows():
            day = stamp.date()
            events[day] = EarningsEvent(
                day,
                _finite(row.get("EPS Estimate")),
                _finite(row.get("Reported EPS")),
                _finite(row.get("Surprise(%)")),
            )
    return Earnings(symbol, tuple(events[d] for d in sorted(events)), source)


def _finite(value: Any) -> float | None:
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return number if math.isfinite(number) else None
