"""Suggestions for options that platforms autocomplete (Discord): topics and time zones."""

from __future__ import annotations

import unicodedata
from functools import cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from commands.services import Services

MAX_CHOICES = 25  # Discord shows at most 25


def _fold(text: str) -> str:
    return "".join(
        c for c in unicodedata.normalize("NFKD", text.casefold()) if not unicodedata.combining(c)
    )


@cache
def _zones() -> tuple[str, ...]:
    from zoneinfo import available_timezones

    return tuple(sorted(z for z in available_timezones() if "/" in z and not z.startswith("Etc/")))


def complete(kind: str, typed: str, services: Services, lang: str = "en") -> list[tuple[str, str]]:
    """(label, value) pairs matching what was typed so far, best first."""
    wanted = _fold(typed.strip())
    if kind == "topics":
        pairs = [(f"{t.label[lang]} ({t.id})", t.id) for t in services.knowledge.topics.values()]
    elif kind == "zones":
        pairs = [(z, z) for z in _zones()]
    else:
        return []
    starts = [p for p in pairs if _fold(p[0]).startswith(wanted) or _fold(p[1]).startswith(wanted)]
    inside = [
        p for p in pairs if p not in starts and (wanted in _fold(p[0]) or wanted in _fold(p[1]))
    ]
    return (starts + inside)[:MAX_CHOICES]
