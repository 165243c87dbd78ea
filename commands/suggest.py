"""The nearest of a few known names to what someone typed ("ads" -> "advertising")."""

from __future__ import annotations

from collections.abc import Iterable

CUTOFF = 65  # rapidfuzz WRatio: "ads" -> "advertising" is 72, unrelated words stay under 60


def nearest(word: str, names: Iterable[str]) -> str | None:
    """The closest name, or None when nothing is close enough (or the word is empty)."""
    from rapidfuzz import fuzz, process, utils

    word = word.strip()
    if not word:
        return None
    found = process.extractOne(
        word, list(names), scorer=fuzz.WRatio, processor=utils.default_process, score_cutoff=CUTOFF
    )
    return found[0] if found else None
