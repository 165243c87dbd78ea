"""Find the passages that answer a question: BM25 (bm25s) over both languages, accent-insensitive.

Each passage is indexed with its English text stemmed as English and its French text stemmed
as French (Snowball, through PyStemmer). A question is stemmed in its own language. A passage
only counts as an answer when it holds most of the question's weight (IDF), so that a question
the articles do not cover gets "no answer" rather than the least bad passage.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import bm25s
import Stemmer
import yaml
from bm25s.stopwords import STOPWORDS_EN_PLUS, STOPWORDS_FRENCH

from briefings.knowledge.articles import Passage
from briefings.knowledge.language import QUESTION_WORDS

_STEMMERS = {"en": "english", "fr": "french"}
_WORD = re.compile(r"[a-z0-9]+(?:\+)?")
# Words that say nothing about what is asked, beyond the libraries' stopword lists.
_EXTRA_STOPWORDS = {
    "en": {
        "s",
        "much",
        "many",
        "anything",
        "say",
        "tell",
        "about",
        "had",
        "would",
        "could",
        "make",
        "makes",
        "making",
        "get",
        "real",
        "really",
        "thing",
        "things",
        "article",
    },
    "fr": {"t", "il", "elle", "quoi", "cite", "cites", "leur", "leurs", "fait", "faire", "article"},
}
SYNONYMS_FILE = Path(__file__).resolve().parent.parent / "articles" / "synonyms.yml"
MIN_COVERAGE = 0.4  # share of the question's IDF weight the best passage must hold


def fold(text: str) -> str:
    """Lower-case and strip accents: 'Monétisation' -> 'monetisation'."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


@cache
def _stopwords(lang: str) -> frozenset[str]:
    base = STOPWORDS_EN_PLUS if lang == "en" else STOPWORDS_FRENCH
    words = set(base) | QUESTION_WORDS[lang] | _EXTRA_STOPWORDS[lang]
    words.discard("ai")  # "Meta AI" is a name, not the French verb
    return frozenset(fold(w) for w in words)


@cache
def _stemmer(lang: str) -> Stemmer.Stemmer:
    return Stemmer.Stemmer(_STEMMERS[lang])


def analyze(text: str, lang: str) -> list[str]:
    """Tokens of `text` as the index sees them: folded, without stopwords, stemmed."""
    words = [w for w in _WORD.findall(fold(text).replace("’", "'")) if w not in _stopwords(lang)]
    return _stemmer(lang).stemWords(words)


# "What does X stand for?", "Que signifie X ?": asks for the meaning of a term.
_DEFINITION_CUES = re.compile(
    r"\b(stands? for|acronym|abbreviation|meaning|mean|define|definition|signifie|signification|"
    r"veut dire|acronyme|sigle|definition)\b"
)
# "LLaMA (Large Language Model Meta AI)" or "intelligence artificielle (IA)"
_DEFINED = re.compile(r"([\w+-]{2,})\s*\(([^()]{2,80})\)")


def _definitions(text: str) -> dict[str, str]:
    """Terms that `text` defines, folded: the word before a bracket, or a bracketed acronym."""
    found = {}
    for term, inside in _DEFINED.findall(text):
        inside_words = inside.split()
        if len(inside_words) == 1 and inside.isupper():
            found[fold(inside)] = inside
        elif len(inside_words) > 1 and any(c.isupper() for c in term[1:]):
            found[fold(term)] = term
    return found


@cache
def synonyms(lang: str) -> dict[str, frozenset[str]]:
    """Stemmed question word -> stemmed words the articles use for it (from synonyms.yml)."""
    raw = yaml.safe_load(SYNONYMS_FILE.read_text(encoding="utf-8")) or {}
    table: dict[str, set[str]] = {}
    for word, alternatives in (raw.get(lang) or {}).items():
        for key in analyze(str(word), lang):
            for alternative in alternatives:
                table.setdefault(key, set()).update(analyze(str(alternative), lang))
    return {k: frozenset(v - {k}) for k, v in table.items()}


@dataclass(frozen=True)
class Hit:
    passage: Passage
    score: float
    coverage: float
    found: int = 1


class PassageIndex:
    """A BM25 index over passages in both languages."""

    def __init__(self, passages: Sequence[Passage]) -> None:
        self.passages = list(passages)
        # Terms of each passage per language: a question is judged against the passage in its
        # own language, so that French "faire" never counts as English "fairness".
        self._doc_terms: list[dict[str, set[str]]] = []
        corpus = []
        for passage in self.passages:
            per_lang = {
                lang: analyze(f"{passage.text_in(lang)} {passage.section_in(lang)}", lang)
                for lang in _STEMMERS
            }
            tokens = [t for lang in _STEMMERS if lang in passage.text for t in per_lang[lang]]
            corpus.append(tokens or ["<empty>"])
            self._doc_terms.append({lang: set(terms) for lang, terms in per_lang.items()})
        self._defines: dict[str, int] = {}
        for i, passage in enumerate(self.passages):
            for text in passage.text.values():
                for term in _definitions(text):
                    self._defines.setdefault(term, i)
        self._retriever = bm25s.BM25()
        self._retriever.index(corpus, show_progress=False)
        n = len(corpus)
        doc_freq: dict[str, int] = {}
        for terms_by_lang in self._doc_terms:
            for term in set().union(*terms_by_lang.values()):
                doc_freq[term] = doc_freq.get(term, 0) + 1
        self._idf = {t: math.log(1 + (n - df + 0.5) / (df + 0.5)) for t, df in doc_freq.items()}
        # A word the articles never use weighs like an average word: common words ("start",
        # "real") must not sink a question; unknown names are handled by _names_unknown.
        self._unknown_idf = sum(self._idf.values()) / max(len(self._idf), 1)

    def search(self, question: str, lang: str, limit: int = 2) -> list[Hit]:
        """The best passages for `question`, best first; empty when none really answers it."""
        definition = self._definition_asked(question)
        if definition is not None:
            return [Hit(self.passages[definition], float("inf"), 1.0)]
        if self._names_unknown(question, lang):
            return []
        terms = list(dict.fromkeys(analyze(question, lang)))
        alternatives = {t: synonyms(lang).get(t, frozenset()) & self._idf.keys() for t in terms}
        known = [t for t in terms if t in self._idf]
        expanded = list(dict.fromkeys(known + [a for t in terms for a in alternatives[t]]))
        if not expanded:
            return []
        scores = self._retriever.get_scores(expanded)
        ranked = sorted(range(len(scores)), key=lambda i: -float(scores[i]))[: limit + 2]
        weight = sum(self._idf.get(t, self._unknown_idf) for t in terms)
        hits = []
        for i in ranked:
            if scores[i] <= 0:
                break
            doc = self._doc_terms[i][lang]
            found = [t for t in terms if t in doc or alternatives[t] & doc]
            held = sum(self._idf.get(t, self._unknown_idf) for t in found)
            hits.append(Hit(self.passages[i], float(scores[i]), held / weight, len(found)))
        best = max(hits, key=lambda h: h.coverage, default=None)
        if best is None or best.coverage < MIN_COVERAGE or best.found < min(2, len(terms)):
            return []
        hits.sort(key=lambda h: (-h.coverage, -h.score))
        return [h for h in hits if h.coverage >= MIN_COVERAGE][:limit]

    def _definition_asked(self, question: str) -> int | None:
        """The passage defining the term a "what does X mean" question asks about, if any."""
        folded = fold(question)
        if not _DEFINITION_CUES.search(folded):
            return None
        for word in _WORD.findall(folded):
            if word in self._defines:
                return self._defines[word]
        return None

    def _names_unknown(self, question: str, lang: str) -> bool:
        """Whether the question names something (a capitalised word past the first, a number)
        that no article mentions: "the capital of Australia", "Apple's stock price"."""
        words = re.findall(r"[\w+-]+", question)[1:]
        for word in words:
            if word[0].isupper() or word[0].isdigit():
                tokens = analyze(word, lang)
                if tokens and not any(t in self._idf for t in tokens):
                    return True
        return False
