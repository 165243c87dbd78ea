"""`FakeClock`: the time the bot reads (`Services(clock=...)`), moved only by the test."""

from __future__ import annotations

import datetime as dt


class FakeClock:
    """Call it for the current time; `advance()` or `set()` to move it.

    `clock = FakeClock(utc(2026, 11, 30, 7, 30)); Services(settings, clock=clock)`."""

    def __init__(self, now: dt.datetime) -> None:
        if now.tzinfo is None:
            raise ValueError("FakeClock wants an aware datetime")
        self.now = now

    def __call__(self) -> dt.datetime:
        return self.now

    def advance(self, delta: dt.timedelta | None = None, **parts: float) -> dt.datetime:
        """Move forward by `delta` or by `hours=`, `minutes=`, `days=`...; the new time."""
        self.now += (delta or dt.timedelta()) + dt.timedelta(**parts)
        return self.now

    def set(self, now: dt.datetime) -> dt.datetime:
        """Jump to `now` (forwards or backwards, as a system clock can)."""
        self.now = now
        return self.now

    def __repr__(self) -> str:
        return f"FakeClock({self.now.isoformat()})"
