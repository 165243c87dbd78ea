"""The US market calendar: holidays, early closes, hours, and days past its bounds."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from briefings.market.calendar import MarketCalendar

NY = ZoneInfo("America/New_York")


@pytest.fixture(scope="module")
def cal() -> MarketCalendar:
    return MarketCalendar()


@pytest.mark.parametrize(
    ("day", "status"),
    [
        (dt.date(2026, 11, 26), "closed"),  # Thanksgiving
        (dt.date(2026, 11, 27), "early_close"),
        (dt.date(2024, 3, 29), "closed"),  # Good Friday
        (dt.date(2024, 3, 30), "closed"),  # Saturday
        (dt.date(2024, 3, 31), "closed"),  # Sunday
        (dt.date(2024, 3, 13), "open"),
        (dt.date(2024, 12, 25), "closed"),
        (dt.date(2024, 12, 24), "early_close"),
    ],
)
def test_session_status(cal: MarketCalendar, day: dt.date, status: str) -> None:
    assert cal.session_status(day) == status
    assert cal.is_session(day) is (status != "closed")


def test_early_close_hours(cal: MarketCalendar) -> None:
    day = dt.date(2026, 11, 27)
    assert cal.close_time(day) == dt.datetime(2026, 11, 27, 13, 0, tzinfo=NY)
    assert cal.close_time(day).tzinfo is not None
    assert cal.is_open_at(dt.datetime(2026, 11, 27, 12, 30, tzinfo=NY))
    assert not cal.is_open_at(dt.datetime(2026, 11, 27, 13, 30, tzinfo=NY))
    assert not cal.is_open_at(dt.datetime(2026, 11, 27, 13, 0, tzinfo=NY))
    assert not cal.is_open_at(dt.datetime(2026, 11, 27, 9, 0, tzinfo=NY))
    # the same instants expressed in UTC
    assert cal.is_open_at(dt.datetime(2026, 11, 27, 17, 30, tzinfo=dt.UTC))
    assert not cal.is_open_at(dt.datetime(2026, 11, 27, 18, 30, tzinfo=dt.UTC))


def test_regular_hours(cal: MarketCalendar) -> None:
    day = dt.date(2024, 3, 13)
    assert cal.close_time(day) == dt.datetime(2024, 3, 13, 16, 0, tzinfo=NY)
    assert cal.open_time(day) == dt.datetime(2024, 3, 13, 9, 30, tzinfo=NY)
    assert cal.is_open_at(dt.datetime(2024, 3, 13, 15, 59, tzinfo=NY))
    assert not cal.is_open_at(dt.datetime(2024, 3, 13, 16, 0, tzinfo=NY))
    assert cal.close_time(dt.date(2026, 11, 26)) is None
    assert not cal.is_open_at(dt.datetime(2026, 11, 26, 12, 0, tzinfo=NY))


def test_naive_instant_is_refused(cal: MarketCalendar) -> None:
    with pytest.raises(ValueError):
        cal.is_open_at(dt.datetime(2024, 3, 13, 12, 0))


def test_previous_and_next_sessions(cal: MarketCalendar) -> None:
    assert cal.last_session_on_or_before(dt.date(2024, 3, 29)) == dt.date(2024, 3, 28)
    assert cal.last_session_on_or_before(dt.date(2024, 3, 31)) == dt.date(2024, 3, 28)
    assert cal.last_session_on_or_before(dt.date(2024, 3, 13)) == dt.date(2024, 3, 13)
    assert cal.next_session_after(dt.date(2024, 3, 28)) == dt.date(2024, 4, 1)
    assert cal.next_session_after(dt.date(2026, 11, 25)) == dt.date(2026, 11, 27)
    assert cal.next_session_after(dt.date(2026, 11, 27)) == dt.date(2026, 11, 30)


def test_days_past_the_bounds_are_weekday_sessions() -> None:
    cal = MarketCalendar(end=dt.date(2025, 1, 31))
    assert cal.bounds[1] <= dt.date(2025, 1, 31)
    # Good Friday 2025 is past this calendar's end: treated as an ordinary weekday.
    assert cal.session_status(dt.date(2025, 4, 18)) == "open"
    assert cal.session_status(dt.date(2025, 4, 19)) == "closed"
    assert cal.close_time(dt.date(2025, 4, 18)) == dt.datetime(2025, 4, 18, 16, 0, tzinfo=NY)
    assert cal.is_open_at(dt.datetime(2025, 4, 18, 10, 0, tzinfo=NY))
    assert cal.next_session_after(dt.date(2025, 4, 18)) == dt.date(2025, 4, 21)
    # Far in the future with the default calendar too.
    assert MarketCalendar().is_session(dt.date(2040, 1, 3))
    assert not MarketCalendar().is_session(dt.date(2040, 1, 7))


def test_calendar_is_built_once(cal: MarketCalendar) -> None:
    cal.is_session(dt.date(2024, 3, 13))
    built = cal._cal()
    cal.session_status(dt.date(2024, 3, 14))
    assert cal._cal() is built
