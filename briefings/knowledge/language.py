"""Tell English from French in a short question.

Function words decide most questions at once (they are what separates the two languages in a
dozen words), question words counting twice (they carry the sentence's grammar: "quick
question, mon ami: which ..." is English); when they tie, py3langid (restricted to en/fr)
decides.
"""

from __future__ import annotations

import re
import unicodedata
from functools import cache

from bm25s.stopwords import STOPWORDS_EN, STOPWORDS_FRENCH

QUESTION_WORDS = {
    "en": {
        "what",
        "which",
        "who",
        "whom",
        "how",
        "why",
        "when",
        "where",
        "does",
        "did",
        "do",
        "is",
    },
    "fr": {
        "quel",
        "quels",
        "quelle",
        "quelles",
        "comment",
        "pourquoi",
        "combien",
        "quoi",
        "lequel",
        "laquelle",
        "lesquels",
        "lesquelles",
        "quand",
        "où",
        "qui",
        "que",
        "est-ce",
        "qu",
        "peut",
        "pourrait",
        "sont",
        "est",
    },
}
_WORD = re.compile(r"[\w’'-]+", re.UNICODE)
_ENGLISH_CLITIC = re.compile(r"(?<=\w)(?:['’]s|n['’]t|['’]re|['’]ll|['’]ve)$")
# Words both lists share or that are names here ("a", "on", "ai" as in Meta AI, "me"...).
_AMBIGUOUS = {"a", "on", "ai", "me", "as", "en", "se", "son", "sa", "est", "ton", "du", "pour"}


@cache
def _cues() -> dict[str, frozenset[str]]:
    en = (set(STOPWORDS_EN) | QUESTION_WORDS["en"]) - _AMBIGUOUS
    fr = (set(STOPWORDS_FRENCH) | QUESTION_WORDS["fr"] | {"est"}) - (_AMBIGUOUS - {"est"})
    return {"en": frozenset(en - fr), "fr": frozenset(fr - en)}


@cache
def _identifier():
    import py3langid

    py3langid.set_languages(["en", "fr"])
    return py3langid


def detect_language(text: str, default: str = "en") -> str:
    """'en' or 'fr' for `text`; `default` when there is nothing to go on."""
    tokens = [w.casefold().strip("’'-") for w in _WORD.findall(text)]
    # English clitics after a word ("llama's", "doesn't") are English, not the French "s'".
    clitics = sum(bool(_ENGLISH_CLITIC.search(t)) for t in tokens)
    tokens = [_ENGLISH_CLITIC.sub("", t) for t in tokens]
    # Both sides of an apostrophe or a hyphen: "qu'est" -> "qu", "est"; "est-il" -> "est", "il".
    words = [part for w in tokens for part in re.split(r"[’'-]", w) if part]
    cues = _cues()
    scores = {
        lang: sum(w in cues[lang] for w in words) + sum(w in QUESTION_WORDS[lang] for w in words)
        for lang in cues
    }
    scores["en"] += clitics
    accented = any(unicodedata.decomposition(c) for c in text if c.isalpha() and ord(c) < 0x250)
    scores["fr"] += accented
    if scores["en"] != scores["fr"]:
        return "en" if scores["en"] > scores["fr"] else "fr"
    if not any(c.isalpha() for c in text):
        return default
    lang, _ = _identifier().classify(text)
    return lang
