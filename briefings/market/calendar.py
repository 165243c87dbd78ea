"""The US equity market calendar (Nasdaq, "XNAS"): sessions, holidays and early closes.

exchange_calendars (and with it pandas) is imported on first use, not at start-up. Days
outside the calendar's bounds (it ends about a year ahead) fall back to weekday sessions
with regular hours, 09:30-16:00 New York time.
"""

from __future__ import annotations

import datetime as dt
import threading
import warnings
from typing import TYPE_CHECKING, Any, Literal
from zoneinfo import ZoneInfo

if TYPE_CHECKING:
    from exchange_calendars import ExchangeCalendar

NEW_YORK = ZoneInfo("America/New_York")
REGULAR_OPEN = dt.time(9, 30)
REGULAR_CLOSE = dt.time(16, 0)

SessionStatus = Literal["open", "closed", "early_close"]


class MarketCalendar:
    """Trading sessions of one exchange; the underlying calendar is built once, lazily."""

    def __init__(
        self, code: str = "XNAS", start: dt.date = dt.date(2018, 1, 1), end: dt.date | None = None
    ) -> None:
        self.code = code
        self.start = start
        self.end = end  # None: the library's default (about a year from today)
        self._calendar: ExchangeCalendar | None = None
        self._early_closes: frozenset[dt.date] = frozenset()
        self._lock = threading.Lock()

    # -- the underlying calendar ------------------------------------------------------------

    def _cal(self) -> ExchangeCalendar:
        if self._calendar is None:
            with self._lock:
                if self._calendar is None:
                    import exchange_calendars as xcals

                    kwargs: dict[str, Any] = {"start": self.start.isoformat()}
                    if self.end is not None:
                        kwargs["end"] = self.end.isoformat()
                    with warnings.catch_warnings():
                        # exchange_calendars 4.13 reads tz-aware `Series.values`; pandas 3.1 warns.
                        warnings.filterwarnings("ignore", message="Series.values returning")
                        calendar = xcals.get_calendar(self.code, **kwargs)
                    self._early_closes = frozenset(d.date() for d in calendar.early_closes)
                    self._calendar = calendar
        return self._calendar

    def _in_bounds(self, day: dt.date) -> bool:
        cal = self._cal()
        return cal.first_session.date() <= day <= cal.last_session.date()

    @property
    def bounds(self) -> tuple[dt.date, dt.date]:
        """First and last session the calendar knows; beyond them, weekdays are sessions."""
        cal = self._cal()
        return cal.first_session.date(), cal.last_session.date()

    # -- sessions ---------------------------------------------------------------------------

    def is_session(self, day: dt.date) -> bool:
        """Whether the market trades on `day` (weekdays only outside the calendar's bounds)."""
        if not self._in_bounds(day):
            return day.weekday() < 5
        return bool(self._cal().is_session(day.isoformat()))

    def session_status(self, day: dt.date) -> SessionStatus:
        """Whether `day` is "open", "closed" (weekend, holiday) or an "early_close" session."""
        if not self.is_session(day):
            return "closed"
        return "early_close" if day in self._early_closes else "open"

    def last_session_on_or_before(self, day: dt.date) -> dt.date:
        """`day` if it is a session, else the session before it."""
        while not self.is_session(day):
            day -= dt.timedelta(days=1)
        return day

    def next_session_after(self, day: dt.date) -> dt.date:
        """The first session strictly after `day`."""
        day += dt.timedelta(days=1)
        while not self.is_session(day):
            day += dt.timedelta(days=1)
        return day

    # -- hours ------------------------------------------------------------------------------

    def open_time(self, day: dt.date) -> dt.datetime | None:
        """When the session of `day` opens (New York time), or None if it is not a session."""
        if not self.is_session(day):
            return None
        if not self._in_bounds(day):
            return dt.datetime.combine(day, REGULAR_OPEN, tzinfo=NEW_YORK)
        return self._cal().session_open(day.isoformat()).to_pydatetime().astimezone(NEW_YORK)

    def close_time(self, day: dt.date) -> dt.datetime | None:
        """When the session of `day` closes (New York time, early closes honoured), or None."""
        if not self.is_session(day):
            return None
        if not self._in_bounds(day):
            return dt.datetime.combine(day, REGULAR_CLOSE, tzinfo=NEW_YORK)
        return self._cal().session_close(day.isoformat()).to_pydatetime().astimezone(NEW_YORK)

    def is_open_at(self, instant: dt.datetime) -> bool:
        """Whether the market is open at a tz-aware `instant` (open <= instant < close)."""
        if instant.tzinfo is None or instant.utcoffset() is None:
            raise ValueError("is_open_at needs a timezone-aware datetime")
        local = instant.astimezone(NEW_YORK)
        opens, closes = self.open_time(local.date()), self.close_time(local.date())
        if opens is None or closes is None:
            return False
        return opens <= local < closes
