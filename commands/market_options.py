"""Options shared by `stock` and `brief`: range, `share`, `--date`."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from briefings.compose import DEFAULT_RANGE, RANGES
from chat.request import Request
from commands.base import CommandError
from commands.suggest import nearest

RANGE_NAMES = ", ".join(RANGES)


@dataclass(frozen=True)
class MarketOptions:
    range_key: str
    share: bool
    day: dt.date | None


def _bad_range(word: str) -> CommandError:
    """A word that is no range, with the nearest range when one is close ("1m": 1mo)."""
    suggestion = nearest(word, RANGES)
    if suggestion:
        return CommandError(
            "bad_range_suggestion", word=word[:30], suggestion=suggestion, ranges=RANGE_NAMES
        )
    return CommandError("bad_range", word=word[:30], ranges=RANGE_NAMES)


def market_options(request: Request, allow_range: bool) -> MarketOptions:
    """Read `[range] [share]` from chat text, or the `range`/`share`/`date` options."""
    range_key = request.option("range").lower() or None
    share = request.option("share").lower() in ("true", "yes", "1")
    for word in request.text.split():
        word = word.lower()
        if word == "share":
            share = True
        elif allow_range and word in RANGES and range_key is None:
            range_key = word
        elif allow_range:
            raise _bad_range(word)
        else:
            raise CommandError("share_only", word=word[:30])
    if range_key is not None and range_key not in RANGES:
        raise _bad_range(range_key)
    day = None
    if raw := request.option("date"):
        try:
            day = dt.date.fromisoformat(raw)
        except ValueError:
            raise CommandError("bad_date", value=raw[:30]) from None
    return MarketOptions(range_key or DEFAULT_RANGE, share, day)
