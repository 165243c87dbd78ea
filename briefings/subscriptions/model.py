"""A subscription and the validation of what people type for one (time, zone, language, cadence)."""

from __future__ import annotations

import datetime as dt
import difflib
import re
from dataclasses import dataclass
from functools import cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from chat.request import Origin
from chat.wording import WordedError

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
WEEKLY = tuple(f"weekly-{day}" for day in WEEKDAYS)  # the weekly digest, on that day
CADENCES = ("trading-days", "weekdays", "daily", *WEEKLY)
LANGUAGES = ("en", "fr")
DEFAULT_CADENCE = "trading-days"
_TIME_24H = re.compile(r"^([01]?\d|2[0-3])[:h.]([0-5]\d)$")
_TIME_12H = re.compile(r"^(1[0-2]|0?[1-9])(?:[:.]([0-5]\d))?\s*([ap])\.?m\.?$")
# Abbreviations people type, and the zone they most likely mean.
_ABBREVIATIONS = {
    "cet": "Europe/Paris",
    "cest": "Europe/Paris",
    "gmt": "Europe/London",
    "bst": "Europe/London",
    "utc": "UTC",
    "est": "America/New_York",
    "edt": "America/New_York",
    "et": "America/New_York",
    "cst": "America/Chicago",
    "pst": "America/Los_Angeles",
    "pdt": "America/Los_Angeles",
    "pt": "America/Los_Angeles",
    "jst": "Asia/Tokyo",
    "ist": "Asia/Kolkata",
}


class SubscriptionError(WordedError, ValueError):
    """Bad subscription input, as a wording key and values: what was wrong and what would work."""


@dataclass(frozen=True)
class Subscription:
    id: int
    platform: str
    workspace: str
    channel: str
    time: dt.time
    zone: str
    language: str
    cadence: str
    created_by: str
    created_at: dt.datetime
    paused_reason: str | None = None

    @property
    def origin(self) -> Origin:
        """The channel it posts in, and who subscribed it."""
        return Origin(self.platform, self.workspace, self.channel, self.created_by)

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.zone)

    @property
    def time_text(self) -> str:
        return self.time.strftime("%H:%M")


def parse_time(text: str) -> dt.time:
    """'08:30', '8:30', '17h05', '8:30am', '8 pm' -> a time; anything else: SubscriptionError."""
    value = text.strip().lower()
    if match := _TIME_24H.match(value):
        return dt.time(int(match.group(1)), int(match.group(2)))
    if match := _TIME_12H.match(value):
        hour = int(match.group(1)) % 12 + (12 if match.group(3) == "p" else 0)
        return dt.time(hour, int(match.group(2) or 0))
    raise SubscriptionError("bad_time", text=text[:20])


@cache
def _zones() -> tuple[str, ...]:
    from zoneinfo import available_timezones

    return tuple(sorted(available_timezones()))


def parse_zone(text: str) -> str:
    """An IANA zone name, exactly; near misses get a suggestion ("Did you mean Europe/Paris?")."""
    name = text.strip()
    if "/" in name or name == "UTC":
        try:
            ZoneInfo(name)
            if name in _zones():
                return name
        except (ZoneInfoNotFoundError, ValueError):
            pass
    suggestion = suggest_zone(name)
    if suggestion:
        raise SubscriptionError("bad_zone_suggestion", name=name[:40], suggestion=suggestion)
    raise SubscriptionError("bad_zone", name=name[:40])


def suggest_zone(name: str) -> str | None:
    """The zone someone probably meant by 'europe/paris', 'Paris', 'CET' or 'Europe/Pari'."""
    folded = name.strip().casefold().replace(" ", "_")
    if not folded:
        return None
    if folded in _ABBREVIATIONS:
        return _ABBREVIATIONS[folded]
    zones = [z for z in _zones() if "/" in z]
    for zone in zones:
        if zone.casefold() == folded or zone.rsplit("/", 1)[-1].casefold() == folded:
            return zone
    close = difflib.get_close_matches(folded, [z.casefold() for z in zones], n=1, cutoff=0.75)
    if close:
        return next(z for z in zones if z.casefold() == close[0])
    cities = {z.rsplit("/", 1)[-1].casefold(): z for z in zones}
    close = difflib.get_close_matches(folded, list(cities), n=1, cutoff=0.8)
    return cities[close[0]] if close else None


def parse_language(text: str) -> str:
    value = text.strip().lower()
    if value not in LANGUAGES:
        raise SubscriptionError("bad_sub_language", text=text[:20])
    return value


def weekly_day(cadence: str) -> int | None:
    """The weekday (0 = Monday) of a weekly cadence, None for the daily ones."""
    day = cadence.removeprefix("weekly-")
    return WEEKDAYS.index(day) if cadence.startswith("weekly-") and day in WEEKDAYS else None


def parse_cadence(text: str) -> str:
    """trading-days, weekdays, daily, or `weekly DAY` ("weekly mon", "weekly-friday"; Monday by
    default) for the weekly digest."""
    value = text.strip().lower()
    if value in ("trading", "trading-day", "trading_days", "tradingdays"):
        value = "trading-days"
    if value.startswith("weekly"):
        day = value.removeprefix("weekly").strip(" -_")[:3] or "mon"
        value = f"weekly-{day}"
    if value not in CADENCES:
        raise SubscriptionError("bad_cadence", text=text[:20])
    return value
