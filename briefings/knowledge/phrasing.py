"""Turn a chat message into the question it asks: mentions, markdown, emoji, greetings and
thanks removed; words the articles do not use matched to a close word they do (typos).

General chat vocabulary only (greetings, politeness); nothing here knows an article's words:
the vocabulary for typos is built from the articles at load time.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Iterator
from functools import lru_cache

from rapidfuzz import fuzz, process

# Slack: <@U123>, <@U123|name>, <!here>, <!channel>, <#C123|general>; Discord: <@123>, <@!123>,
# <@&123>, <#123>, <:name:123>, <a:name:123>; plain @everyone / @here / @someone.
_MENTIONS = re.compile(
    r"<[@#!][^<>]*>|<a?:\w+:\d+>|(?<!\w)@(?:everyone|here|channel|[\w.-]+)|(?<![\w/]):[a-z0-9_+-]+:"
)
_LINK = re.compile(r"<(https?://[^|>]+)(?:\|([^>]+))?>")
_MARKDOWN = re.compile(
    r"(\*\*|__|~~|`{1,3}|(?<!\w)[*_~](?=\S)|(?<=\S)[*_~](?!\w)|^\s*>+\s?|^#+\s)", re.M
)
_GREETING = re.compile(
    r"^\s*(?:(?:hey|hi|hello|hiya|yo|ok|okay|so|um+|hm+|bonjour|salut|coucou|bonsoir|allo|dis|"
    r"alors|bon|ok|please|pls|svp|stp|merci|thanks|thank you|team|all|guys|folks|bot|"
    r"tout le monde|les gars|quick question|quick one|quick q|real quick|question rapide|"
    r"petite question rapide|petite question|une question|question|random question|"
    r"dumb question|dumb q|tl;dr|tldr|fyi|btw|lol|mdr|ptdr|ngl|tbh|imo|wsh|wesh|ty|thx|cheers|"
    r"also|and|(?:quick )?sanity check|quick check|(?:one )?last thing|one more(?: thing)?|"
    r"another one|follow[- ]up|(?:petite |autre |derni[eè]re )?question b[eê]te|"
    r"derni[eè]re question|autre question|petite v[eé]rif|vite fait|et aussi|aussi)"
    r"(?!\w)[\s,!:;.\-–—]*)+",
    re.I,
)
_TRAILER = re.compile(
    r"[\s,;.!\-–—]*(?:\b(?:thanks(?: a lot| so much| in advance)?|thank you|thx|ty|cheers|please|"
    r"pls|merci(?: beaucoup| d'avance| d’avance)?|svp|stp|s'il (?:te|vous) pla[iî]t|"
    r"s’il (?:te|vous) pla[iî]t|lol|haha|mdr|ptdr)\b[\s,;.!\-–—]*)+$",
    re.I,
)
_SPACES = re.compile(r"\s+")
# Chat spellings of everyday words, English and French (whole words; the one-letter ones in
# lower case only): "cmb ça coûte" is "combien ça coûte", "u" is "you".
_CHAT_SPELLINGS = {
    "cmb": "combien",
    "cbn": "combien",
    "pk": "pourquoi",
    "pq": "pourquoi",
    "pkoi": "pourquoi",
    "qqn": "quelqu'un",
    "qqch": "quelque chose",
    "bcp": "beaucoup",
    "tjr": "toujours",
    "tjrs": "toujours",
    "mtn": "maintenant",
    "ya": "il y a",
    "y'a": "il y a",
    "gratos": "gratuit",
    "abt": "about",
    "bc": "because",
    "cuz": "because",
    "coz": "because",
    "rn": "right now",
    "smth": "something",
    "sth": "something",
    "b4": "before",
    "w/": "with",
    "c": "c'est",
    "u": "you",
    "ur": "your",
    "r": "are",
}
_CHAT_SPELLING = re.compile(
    r"(?<![\w'’])(?:(?i:cmb|cbn|pk|pq|pkoi|qqn|qqch|bcp|tjrs?|mtn|y'a|ya|gratos|abt|bc|cuz|coz|"
    r"rn|smth|sth|b4|w/)|c|u|ur|r)(?![\w'’+#])"
)
# Business shorthand for periods and markets, spelt out in the question's language (after the
# language is known: "perf YTD du titre" stays a French question).
_YTD = {"en": "since the start of the year", "fr": "depuis le début de l'année"}
_SHORTHAND = {
    "ytd": _YTD,
    "year-to-date": _YTD,
    "year to date": _YTD,
    "yoy": {"en": "year over year", "fr": "sur un an"},
    "qoq": {"en": "quarter over quarter", "fr": "d'un trimestre à l'autre"},
    "b2b": {"en": "business-to-business", "fr": "professionnel"},
    "b2c": {"en": "business-to-consumer", "fr": "grand public"},
    "roas": {"en": "return on ad spend", "fr": "retour sur les dépenses publicitaires"},
    "r&d": {"en": "research and development", "fr": "recherche et développement"},
    "p&l": {"en": "profit and loss", "fr": "compte de résultat"},
    # A market's words for a stock's rise.
    "rally": {"en": "rise", "fr": "hausse"},
    "run-up": {"en": "rise", "fr": "hausse"},
    "share price": {"en": "stock", "fr": "action"},
    "share prices": {"en": "stock", "fr": "action"},
}
# Upper case only: the French "roi" is a king.
_UPPER_SHORTHAND = {"ROI": {"en": "return on investment", "fr": "retour sur investissement"}}
# French clipped words, lower case only: "usage pro" is professional use, "Vision Pro" a name.
_CLIPPED_FR = {
    "pro": "professionnel",
    "pros": "professionnels",
    "pub": "publicité",
    "pubs": "publicités",
    "appli": "application",
    "applis": "applications",
    "techno": "technologie",
    "technos": "technologies",
    "perf": "performance",
    "perfs": "performances",
    "dev": "développeur",
    "devs": "développeurs",
    "info": "information",
    "infos": "informations",
}
_LOWER_SHORTHAND = {short: {"fr": word} for short, word in _CLIPPED_FR.items()}
_SPELT_OUT = _SHORTHAND | _LOWER_SHORTHAND | {k.lower(): v for k, v in _UPPER_SHORTHAND.items()}
_SHORT_FORM = re.compile(
    r"(?<![\w'’])(?:(?i:"
    + "|".join(map(re.escape, _SHORTHAND))
    + ")|"
    + "|".join(map(re.escape, [*_LOWER_SHORTHAND, *_UPPER_SHORTHAND]))
    + r")(?!\w|['’](?!s\b))"  # a possessive stays: "the share price's run"
)
_INNER_BOUNDARY = re.compile(r"[.!?…]\s+\S")  # a sentence ends before the text does
# "...", “...”, « ... », '...' (not an apostrophe inside a word).
_QUOTED = re.compile(r'"([^"]+)"|“([^”]+)”|«\s*([^»]+?)\s*»|(?<!\w)\'([^\']+)\'(?!\w)')
_WORD = re.compile(r"[^\W\d_][\w’'-]*", re.UNICODE)
_ELISION = re.compile(r"((?i:l|d|j|m|n|s|t|c|qu|jusqu|lorsqu|puisqu)['’])(\w+)$")


def _is_emoji(char: str) -> bool:
    return unicodedata.category(char) in ("So", "Sk", "Cs", "Co") or 0xFE00 <= ord(char) <= 0xFE0F


def clean_question(text: str) -> str:
    """The question inside a chat message: "hey <@U1> quick one: **who** are LLaMA's rivals? 🙏
    thanks!" -> "who are LLaMA's rivals?"."""
    text = _LINK.sub(lambda m: m.group(2) or m.group(1), text)
    text = _MENTIONS.sub(" ", text)
    text = "".join(" " if _is_emoji(c) or c == "\u200d" else c for c in text)
    text = _MARKDOWN.sub("", text)
    text = _CHAT_SPELLING.sub(lambda m: _CHAT_SPELLINGS[m.group(0).lower()], text)
    text = _SPACES.sub(" ", text).strip()
    # Greetings before and thanks after: repeated so that "hi, thanks, so:" all go.
    for _ in range(3):
        shorter = _TRAILER.sub("", _GREETING.sub("", text)).strip(" ,;:-–—")
        if shorter == text or not shorter:
            break
        text = shorter
    return text


def spelled_out(text: str, lang: str) -> str:
    """`text` with business shorthand for periods and markets in words of `lang` ("YTD",
    "B2B"), and in French the clipped words of chat ("pub", "pro") whole."""
    return _SHORT_FORM.sub(lambda m: _SPELT_OUT[m.group(0).lower()].get(lang, m.group(0)), text)


# Words by which a question points back at what was said before it: "can we say that?", "ça
# passe ?", "is it right?".
_POINTING_BACK = re.compile(r"\b(that|this|it|ca|cela|ceci|c'est|le dire|l'ecrire)\b")


def readings(question: str, lang: str) -> Iterator[str]:
    """The readings of a message to try in turn until one is answered: the whole; then its
    questions without the sentences around them ("Our CSR team will ask. Does it say anything
    about bias?"); then each question alone. Sentences are split by pysbd, and only when the
    whole was not answered and holds more than one."""
    whole = clean_question(question)
    yield whole
    if not _INNER_BOUNDARY.search(whole):
        return
    import pysbd

    sentences = [s.strip() for s in pysbd.Segmenter(language=lang, clean=False).segment(whole)]
    asking = [s for s in sentences if s.endswith("?")]
    more = [" ".join(asking)] if asking and len(asking) < len(sentences) else []
    if len(asking) > 1:
        more += asking
    # A claim quoted before a question about it ("Client wants to write 'fully open source'. Can
    # we say that?"): the claim's sentence, as what is asked.
    claims = [s for s in sentences if s not in asking and quoted(s)]
    if claims and all(_POINTING_BACK.search(fold(s)) for s in asking):
        more += claims
    yield from (r for r in dict.fromkeys(more) if r and r != whole)


# A question doubting a claim ("is it really open source?", "what's the catch?", "pas
# vraiment open à 100 %") and a text qualifying one ("However, ...", "Cependant, ..."), folded.
_DOUBT = re.compile(
    r"\b(really|truly|actually|genuinely|vraiment|reellement|caveats?|strings attached|"
    r"the catch)\b|\b100 ?(%|percent\b|pour ?cent\b)"
)
_CONCESSION = re.compile(
    r"(^|[.!?]\s+)(however|cependant|toutefois|neanmoins|pourtant|that said|yet)\b"
)


def doubts(question: str) -> bool:
    """Whether `question` doubts a claim: what qualifies it answers best."""
    return bool(_DOUBT.search(fold(question)))


def concedes(text: str) -> bool:
    """Whether a sentence of `text` opens by qualifying what came before ("However, ...")."""
    return bool(_CONCESSION.search(fold(text)))


def quoted(question: str) -> list[str]:
    """The phrases a question quotes, folded: 'what does it mean by "ripple effect"?'."""
    found = (next(g for g in m.groups() if g is not None) for m in _QUOTED.finditer(question))
    return [_plain(phrase) for phrase in found if len(phrase.strip()) >= 3]


def holds_phrase(text: str, phrases: list[str]) -> bool:
    """Whether `text` holds one of the folded `phrases` (spacing and accents aside)."""
    plain = _plain(text)
    return any(phrase in plain for phrase in phrases)


def _plain(text: str) -> str:
    """Folded, one space between words, one kind of apostrophe."""
    return fold(" ".join(text.split())).replace("’", "'")


def fold(text: str) -> str:
    """Lower-case and strip accents: 'Monétisation' -> 'monetisation'."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def is_common_word(word: str) -> bool:
    """Whether `word` is a common English or French word (wordfreq's short lists: a word used
    at least once in a million), so not a typo even when the articles never use it; typed
    without its accents too ("depense" is "dépense")."""
    from wordfreq import zipf_frequency

    lowered = word.casefold()
    if any(zipf_frequency(lowered, lang, wordlist="small") > 0 for lang in ("en", "fr")):
        return True
    return lowered.isascii() and lowered in _unaccented_french_words()


@lru_cache(maxsize=1)
def _unaccented_french_words() -> frozenset[str]:
    """wordfreq's common French words that have accents, without them ("depense")."""
    from wordfreq import top_n_list

    return frozenset(
        fold(w) for w in top_n_list("fr", 100_000, wordlist="small") if not w.isascii()
    )


class Speller:
    """Matches a misspelt word to the closest word of the articles (rapidfuzz, Levenshtein):
    one edit for words of 4 to 7 letters, two from 8. Words it knows and common English or
    French words stay as they are ("part" is not a typo of "parti"). Another word that begins
    one of the articles' names and no other ("Zuck") is read as that name (`names`: folded, the
    words the articles capitalise in mid-sentence)."""

    def __init__(
        self, vocabulary: Iterable[str], known: Iterable[str] = (), names: Iterable[str] = ()
    ) -> None:
        self.vocabulary = sorted({w for w in vocabulary if len(w) >= 3})
        self._known = set(self.vocabulary) | set(known)
        self._names = sorted(set(names))

    def correct(self, word: str) -> str:
        folded = fold(word)
        if len(folded) < 4 or folded in self._known or not folded.isalpha():
            return word
        if word.lower() in _SPELT_OUT:  # shorthand spelt out afterwards: "devs", "applis"
            return word
        if is_common_word(word):
            return word
        longer = [n for n in self._names if n.startswith(folded) and len(n) > len(folded)]
        if len(longer) == 1:
            return longer[0]
        allowed = 1 if len(folded) < 8 else 2
        match = process.extractOne(
            folded,
            self.vocabulary,
            scorer=fuzz.ratio,
            processor=None,
            score_cutoff=100 * (1 - (2 * allowed) / (2 * len(folded) + 1)),
        )
        if match is None:
            return word
        candidate = match[0]
        from rapidfuzz.distance import Levenshtein

        if (
            Levenshtein.distance(folded, candidate) > allowed
            or abs(len(candidate) - len(folded)) > 1
        ):
            return word
        return candidate

    def correct_text(self, text: str) -> str:
        return _WORD.sub(lambda m: self._correct_elided(m.group(0)), text)

    def _correct_elided(self, word: str) -> str:
        """`correct`, on the word after a French elision too: "l'assitant"."""
        if elided := _ELISION.match(word):
            return elided.group(1) + self.correct(elided.group(2))
        return self.correct(word)
