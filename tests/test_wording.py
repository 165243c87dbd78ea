"""The catalog of sentences: every key in both languages, with the same placeholders."""

from __future__ import annotations

import string

from chat.wording import CATALOG, LANGUAGES, Phrase, WordedError, say
from chat.wording.adapters import ADAPTERS
from chat.wording.briefings import BRIEFINGS
from chat.wording.commands import MESSAGES
from chat.wording.guidance import GUIDANCE
from chat.wording.interactive import INTERACTIVE
from chat.wording.market import MARKET
from chat.wording.sources import SOURCES


def _placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name is not None}


def test_every_key_has_both_languages_with_the_same_placeholders():
    for key, texts in CATALOG.items():
        assert set(texts) == set(LANGUAGES), key
        assert all(texts[lang].strip() for lang in LANGUAGES), key
        assert _placeholders(texts["en"]) == _placeholders(texts["fr"]), key


def test_no_key_is_defined_twice_across_the_catalog_modules():
    parts = [MESSAGES, BRIEFINGS, ADAPTERS, MARKET, GUIDANCE, SOURCES, INTERACTIVE]
    assert sum(len(part) for part in parts) == len(CATALOG)


def test_a_phrase_is_english_as_text_and_worded_for_its_reader():
    reason = Phrase("reason.retrying", reason=Phrase("reason.rate_limit"), time="14:05")
    assert reason == "Yahoo rate limit, retrying after 14:05 UTC"
    assert reason.in_lang("fr") == "limite de requêtes Yahoo, nouvel essai après 14:05 UTC"
    assert say("briefing.unavailable", "fr", reason=reason).startswith("indisponible (limite")


def test_an_error_a_person_can_fix_carries_its_key_and_values():
    error = WordedError("bad_range", word="7y", ranges="1d, 1y")
    assert str(error) == "“7y” is not a range; use one of 1d, 1y."
    assert error.in_lang("fr") == "« 7y » n’est pas une période ; utilisez l’une de 1d, 1y."
