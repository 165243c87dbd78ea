"""When a subscription posts: pure functions of the subscription, a day and the calendar."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from briefings.market.calendar import MarketCalendar
from briefings.subscriptions.model import Subscription, weekly_day

LATE_AFTER = dt.timedelta(minutes=15)  # a post this long after its time is labelled late


def scheduled_at(sub: Subscription, day: dt.date) -> dt.datetime:
    """The instant of `sub`'s post on local date `day` (a time skipped by DST moves forward)."""
    local = dt.datetime.combine(day, sub.time, tzinfo=sub.tz)
    # A wall time that does not exist (spring forward) round-trips to the next valid one.
    return local.astimezone(dt.UTC).astimezone(sub.tz)


def posts_on(sub: Subscription, day: dt.date, calendar: MarketCalendar) -> bool:
    """Whether the cadence includes local date `day`."""
    if sub.cadence == "daily":
        return True
    if (weekday := weekly_day(sub.cadence)) is not None:
        return day.weekday() == weekday
    if sub.cadence == "weekdays":
        return day.weekday() < 5
    return calendar.is_session(day)


@dataclass(frozen=True)
class Due:
    """A post owed for `day`: `missed` when its time is past the grace period."""

    subscription: Subscription
    day: dt.date
    at: dt.datetime
    late: bool
    missed: bool


def owed(
    sub: Subscription, now: dt.datetime, grace: dt.timedelta, calendar: MarketCalendar
) -> list[Due]:
    """The posts `sub` owes at `now`: today's and yesterday's (local), if their time has passed,
    they fall on the cadence, and they come after the subscription was made."""
    local_today = now.astimezone(sub.tz).date()
    result = []
    for day in (local_today - dt.timedelta(days=1), local_today):
        when = scheduled_at(sub, day)
        if when > now or when < sub.created_at or not posts_on(sub, day, calendar):
            continue
        overdue = now - when
        result.append(Due(sub, day, when, late=overdue > LATE_AFTER, missed=overdue > grace))
    return result


def next_post(sub: Subscription, now: dt.datetime, calendar: MarketCalendar) -> dt.datetime:
    """The next instant `sub` will post, in its own zone."""
    day = now.astimezone(sub.tz).date()
    for offset in range(0, 400):
        candidate = day + dt.timedelta(days=offset)
        when = scheduled_at(sub, candidate)
        if when > now and when >= sub.created_at and posts_on(sub, candidate, calendar):
            return when
    raise ValueError("no post within a year")  # unreachable for the three cadences
