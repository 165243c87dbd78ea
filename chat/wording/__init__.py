"""Every sentence the bot says, keyed, in English and French: `say(key, lang, **values)`.

The catalog is split by subject (commands, briefings and market data, platform adapters) but
read through this one function. An error a person can fix carries a key and values
(`CommandError("bad_range", word=..., ranges=...)`) and is worded in the asker's language only
when it is shown; a `Phrase` does the same for a reason that travels through the domain (why
market data is unavailable): English wherever it is logged or stored, the reader's language
wherever it is shown.
"""

from __future__ import annotations

from collections.abc import Mapping

from chat.wording.adapters import ADAPTERS
from chat.wording.briefings import BRIEFINGS
from chat.wording.commands import MESSAGES
from chat.wording.guidance import GUIDANCE
from chat.wording.interactive import INTERACTIVE
from chat.wording.market import MARKET
from chat.wording.sources import SOURCES

LANGUAGES = ("en", "fr")
CATALOG: dict[str, dict[str, str]] = {
    **MESSAGES,
    **BRIEFINGS,
    **ADAPTERS,
    **MARKET,
    **GUIDANCE,
    **INTERACTIVE,
    **SOURCES,
}


def say(key: str, lang: str, **values: object) -> str:
    """The sentence `key` in `lang` (English for an unknown language), with `values` filled in;
    a value that is itself a Phrase is worded in the same language."""
    texts = CATALOG[key]
    shown = {name: _in(value, lang) for name, value in values.items()}
    return texts.get(lang, texts["en"]).format(**shown)


def both(key: str) -> dict[str, str]:
    """The sentence in every language, e.g. a command's summary: `{"en": ..., "fr": ...}`."""
    return {lang: say(key, lang) for lang in LANGUAGES}


def _in(value: object, lang: str) -> object:
    return value.in_lang(lang) if isinstance(value, Phrase) else value


class Phrase(str):
    """A sentence of the catalog that remembers its key and values: as a `str` it is the English
    text (what logs, JSON and comparisons see); `in_lang(lang)` words it for a reader."""

    key: str
    values: Mapping[str, object]

    def __new__(cls, key: str, **values: object) -> Phrase:
        phrase = super().__new__(cls, say(key, "en", **values))
        phrase.key = key
        phrase.values = values
        return phrase

    def in_lang(self, lang: str) -> str:
        return say(self.key, lang, **self.values)


def worded(text: str, lang: str) -> str:
    """`text` in `lang` when it is a Phrase; as it is otherwise (a reason from elsewhere)."""
    return text.in_lang(lang) if isinstance(text, Phrase) else text


class WordedError(Exception):
    """Bad input a person can fix, as a catalog key and its values; `str()` is the English."""

    def __init__(self, key: str, **values: object) -> None:
        self.phrase = Phrase(key, **values)
        super().__init__(str(self.phrase))

    @property
    def key(self) -> str:
        return self.phrase.key

    @property
    def values(self) -> Mapping[str, object]:
        return self.phrase.values

    def in_lang(self, lang: str) -> str:
        return self.phrase.in_lang(lang)
