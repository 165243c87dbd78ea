"""The lexical side of retrieval: words folded and stemmed per language (Snowball through
PyStemmer, bm25s's stopword lists and the question words of `language`), BM25 over every
passage in both languages, the terms each passage defines, and the units (sentences and whole
passages) that the semantic side embeds.
"""

from __future__ import annotations

import bisect
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING

import bm25s
import Stemmer
from bm25s.stopwords import STOPWORDS_EN_PLUS, STOPWORDS_FRENCH

from briefings.knowledge.articles import Passage
from briefings.knowledge.excerpts import split_sentences
from briefings.knowledge.language import QUESTION_WORDS
from briefings.knowledge.phrasing import Speller, fold

if TYPE_CHECKING:
    import numpy as np

STEMMERS = {"en": "english", "fr": "french"}
KINDRED_LETTERS = 7  # the shorter of two stems one begins the other: this long or more
_WORD = re.compile(r"[a-z0-9]+(?:\+)?")
# A capitalised word after a lower-case one: a name as the articles write it ("Mark Zuckerberg").
_MID_SENTENCE_NAME = re.compile(r"(?<=[a-zà-ÿ,] )[A-Z][a-zà-ÿ]*[A-Z]?[\w]*")


@cache
def stopwords(lang: str) -> frozenset[str]:
    base = STOPWORDS_EN_PLUS if lang == "en" else STOPWORDS_FRENCH
    words = set(base) | QUESTION_WORDS[lang]
    words.discard("ai")  # "Meta AI" is a name, not the French verb
    return frozenset(fold(w) for w in words)


@cache
def stemmer(lang: str) -> Stemmer.Stemmer:
    return Stemmer.Stemmer(STEMMERS[lang])


def words(text: str) -> list[str]:
    """Folded words of `text`."""
    return _WORD.findall(fold(text).replace("’", "'"))


def analyze(text: str, lang: str) -> list[str]:
    """Tokens of `text` as the index sees them: folded, without stopwords, stemmed."""
    kept = [w for w in words(text) if w not in stopwords(lang) and len(w) > 1]
    return stemmer(lang).stemWords(kept)


# "What does X stand for?", "Que signifie X ?": asks for the meaning of a term.
_DEFINITION_CUES = re.compile(
    r"\b(stands? for|acronym|abbreviation|meaning|mean|define|definition|signifie|signification|"
    r"veut dire|acronyme|sigle|definition)\b"
)
# "What does the article mean by X", "ça veut dire que ...": a claim is asked about, not a term.
_NOT_DEFINITION = re.compile(
    r"\b(means?|meant) (by|that)\b|\b(veut|veulent|voudrait) dire (que|qu')|\bsignifie (que|qu')"
)
# "What is X?", "Qu'est-ce que X ?", "c'est quoi X exactement ?", "X, c'est quoi ?" about a
# term of one to three words.
_EXACTLY = r"(?:\s+(?:exactly|exactement|au juste|en fait|concretement|again|deja|encore))?"
_TERM = r"(?:an?\s+|the\s+|le\s+|la\s+|les\s+|l')?([\w+-]+(?:\s[\w+-]+){0,2}?)"
# "c'est quoi LLaMA comme type de modèle", "what is LLaMA, what kind of model?": still the term.
_KIND_OF = (
    r"(?:,?\s+(?:comme|en tant que|quel|quelle)\s+(?:type|genre|sorte|categorie)\s+d[e']\s?[\w-]+|"
    r",?\s+(?:as|what|which)\s+(?:a\s+)?(?:kind|type|sort)\s+of\s+[\w-]+)?"
)
_WHAT_IS = re.compile(
    r"^(?:what is|what's|whats|what are|qu'est-ce que|qu'est ce que|c'est quoi|c est quoi|"
    r"que sont)" + _EXACTLY + r"\s+" + _TERM + _EXACTLY + _KIND_OF + r"\s*\??$"
)
_IS_WHAT = re.compile(
    r"^" + _TERM + r",?\s+(?:c'est quoi|c est quoi|qu'est-ce que c'est)" + _EXACTLY + r"\s*\??$"
)
# "LLaMA (Large Language Model Meta AI)" or "intelligence artificielle (IA)"
_DEFINED = re.compile(r"([\w+-]{2,})\s*\(([^()]{2,80})\)")
# "'open source' means that ...", "‘open source’ implique que ..."
_QUOTED_DEFINITION = re.compile(
    r"['‘\"«]\s?([\w -]{2,40}?)\s?['’\"»] (?:means|stands for|refers to|signifie|implique|désigne)\b"
)
# "... powers Meta AI, the company's virtual assistant": a name in mid-sentence, then what
# kind of thing it is (an appositive ending on a noun for one).
_APPOSITIVE = re.compile(
    r"(?<=[a-zà-ÿ] )([A-Z][\w+&-]*(?: [A-Z][\w+&-]*){0,2}), "
    r"(?:the |an? |l'|l’|le |la |un |une )(?:[\w’'-]+ ){0,3}?"
    r"(?:assistant|company|business|firm|model|platform|tool|app|application|product|service|"
    r"entreprise|société|modèle|plateforme|outil|produit)\b"
)


def _definitions(text: str) -> dict[str, str]:
    """Terms that `text` defines, folded: the word before a bracket, or a bracketed acronym."""
    found = {}
    for term, inside in _DEFINED.findall(text):
        inside_words = inside.split()
        if len(inside_words) == 1 and inside.isupper():
            found[fold(inside)] = inside
        elif len(inside_words) > 1 and any(c.isupper() for c in term[1:]):
            found[fold(term)] = term
    for name in _APPOSITIVE.findall(text):
        found.setdefault(fold(name), name)
    for term in _QUOTED_DEFINITION.findall(text):
        found.setdefault(fold(term).replace("-", " "), term)
    return found


def looks_like_name(word: str) -> bool:
    """A capitalised word, an acronym or a number: something a passage would have to name."""
    return word[:1].isupper() or word[:1].isdigit() or (len(word) > 1 and word.isupper())


@cache
def _calendar_words() -> frozenset[str]:
    """The months ("January", "Jan") and the days of the week ("Monday") in English and
    French, folded."""
    from babel import Locale

    names: set[str] = set()
    for locale in (Locale("en"), Locale("fr")):
        for width in ("wide", "abbreviated"):
            names |= {fold(n).strip(".") for n in locale.months["format"][width].values()}
        names |= {fold(n) for n in locale.days["format"]["wide"].values()}
    return frozenset(names)


def unknown_names(question: str, vocabulary: frozenset[str]) -> frozenset[str]:
    """The names in `question` (capitalised words after the first and words with a capital
    inside, "iPhone", "TikTok"; not acronyms) that no passage uses, none of their hyphenated
    parts either: "Apple" in "What is Apple's AI strategy?", not "Ray-Ban" when a passage
    says "Ray-Ban"."""
    found = set()
    for position, word in enumerate(re.findall(r"[\w’'-]+", question)):
        word = re.sub(r"['’]s$", "", word).strip("-'’")
        word = re.split(r"['’]", word)[-1]  # "d'ObjectsHQ", "l'IA"
        # Not an acronym, even in mixed case ("ROI", "RoAS"): the articles may spell it out.
        # "OpenAI", half capitals, is a name.
        if 2 * sum(c.isupper() for c in word) > len(word):
            continue
        inner_capital = any(c.isupper() for c in word[1:])  # "iPhone", "TikTok"
        if not inner_capital and (position == 0 or not word[:1].isupper()):
            continue
        if fold(word) in _calendar_words():  # "since January", "on Monday": no one's name
            continue
        parts = [fold(p) for p in word.split("-") if p]
        if fold(word) not in vocabulary and not any(p in vocabulary for p in parts):
            found.add(word)
    return frozenset(found)


@dataclass(frozen=True, eq=False)
class Lexical:
    """The index of a set of passages, built at once and replaced whole when passages are added
    (so a question being answered never sees half of it)."""

    passages: tuple[Passage, ...]
    positions: dict[str, int]  # passage id -> index
    doc_terms: tuple[dict[str, set[str]], ...]  # terms of each passage per language
    # What is embedded, in this order: each sentence of each passage in each language, and
    # each whole passage in each language: (passage index, language, text, whole passage).
    units: tuple[tuple[int, str, str, bool], ...]
    retriever: bm25s.BM25
    idf: dict[str, float]
    speller: Speller
    defines: dict[str, int]
    vocabulary: dict[str, frozenset[str]]  # folded words of the passages, per language

    @classmethod
    def build(cls, passages: Sequence[Passage]) -> Lexical:
        import numpy as np

        doc_terms = []
        corpus = []
        vocabulary: set[str] = set()
        per_language: dict[str, set[str]] = {lang: set() for lang in STEMMERS}
        units: list[tuple[int, str, str, bool]] = []
        defines: dict[str, int] = {}
        names: set[str] = set()
        for i, passage in enumerate(passages):
            per_lang = {}
            for lang in STEMMERS:
                text = f"{passage.text_in(lang)} {passage.section_in(lang)}"
                vocabulary.update(words(text))
                if lang in passage.text:
                    per_language[lang].update(words(text))
                    names.update(fold(n) for n in _MID_SENTENCE_NAME.findall(text))
                per_lang[lang] = analyze(text, lang)
            # A question is judged against the passage in its own language, so that French
            # "faire" never counts as English "fairness".
            tokens = [t for lang in STEMMERS if lang in passage.text for t in per_lang[lang]]
            corpus.append(tokens or ["<empty>"])
            doc_terms.append({lang: set(terms) for lang, terms in per_lang.items()})
            for lang in STEMMERS:
                if lang in passage.text:
                    units += [(i, lang, s, False) for s in split_sentences(passage.text[lang])]
                    units.append((i, lang, passage.text[lang], True))
                    for term in _definitions(passage.text[lang]):
                        defines.setdefault(term, i)
        retriever = bm25s.BM25()
        if corpus:
            retriever.index(corpus, show_progress=False)
        doc_freq: dict[str, int] = {}
        for terms_by_lang in doc_terms:
            for term in set().union(*terms_by_lang.values()):
                doc_freq[term] = doc_freq.get(term, 0) + 1
        n = len(corpus)
        idf = {t: math.log(1 + (n - df + 0.5) / (df + 0.5)) for t, df in doc_freq.items()}
        index = cls(
            tuple(passages),
            {p.id: i for i, p in enumerate(passages)},
            tuple(doc_terms),
            tuple(units),
            retriever,
            idf,
            Speller(vocabulary, known=stopwords("en") | stopwords("fr"), names=names),
            defines,
            {lang: frozenset(found) for lang, found in per_language.items()},
        )
        object.__setattr__(index, "_all_words", frozenset(vocabulary))
        object.__setattr__(index, "_owners", np.array([u[0] for u in units], dtype=np.intp))
        object.__setattr__(index, "_whole", np.array([u[3] for u in units], dtype=bool))
        # Each unit's passage when it is a sentence, -1 for a whole passage (`sentence_owners`).
        object.__setattr__(
            index,
            "_sentence_owners",
            np.array([-1 if u[3] else u[0] for u in units], dtype=np.intp),
        )
        postings: dict[tuple[str, str], list[int]] = {}
        for i, terms_by_lang in enumerate(doc_terms):
            for lang, terms in terms_by_lang.items():
                for term in terms:
                    postings.setdefault((term, lang), []).append(i)
        object.__setattr__(
            index, "_postings", {key: np.array(ids, dtype=np.intp) for key, ids in postings.items()}
        )
        stems: dict[str, list[str]] = {}
        for stem, lang in postings:
            stems.setdefault(lang, []).append(stem)
        object.__setattr__(index, "_stems", {lang: sorted(found) for lang, found in stems.items()})
        return index

    def terms(self, question: str, lang: str) -> list[tuple[str, str]]:
        """The question's terms as (stem, language): stemmed in its language, except a word
        only the other language's text uses ("revenue" in a French question)."""
        found = []
        for word in words(question):
            if word in stopwords(lang) or len(word) < 2:
                continue
            word_lang = lang
            if word not in self.vocabulary[lang]:
                word_lang = next(
                    (other for other in STEMMERS if word in self.vocabulary[other]), lang
                )
            found.append((stemmer(word_lang).stemWord(word), word_lang))
        return list(dict.fromkeys(found))

    @property
    def all_words(self) -> frozenset[str]:
        """Every folded word of the passages and their sections, in any language."""
        return self._all_words  # type: ignore[attr-defined,no-any-return]

    @property
    def sentence_owners(self) -> np.ndarray:
        """Per unit, the index of the passage it is a sentence of (-1: a whole passage)."""
        return self._sentence_owners  # type: ignore[attr-defined,no-any-return]

    def holding(self, term: str, lang: str) -> np.ndarray:
        """The indexes of the passages whose `lang` text holds the stemmed `term` or a kindred
        stem (`kindred_stems`)."""
        import numpy as np

        postings = self._postings  # type: ignore[attr-defined]
        held = [postings[(stem, lang)] for stem in self.kindred_stems(term, lang)]
        if not held:
            return np.zeros(0, dtype=np.intp)
        return held[0] if len(held) == 1 else np.unique(np.concatenate(held))

    def kindred_stems(self, term: str, lang: str) -> tuple[str, ...]:
        """The passages' stems in `lang` that are `term`, begin with it or that it begins with,
        the shorter of the two having at least `KINDRED_LETTERS` letters: one word's noun and
        adjective, which the stemmer leaves apart ("publicité", "publicitaires")."""
        postings = self._postings  # type: ignore[attr-defined]
        found = [term] if (term, lang) in postings else []
        if len(term) >= KINDRED_LETTERS:
            found += [
                term[:end]
                for end in range(KINDRED_LETTERS, len(term))
                if (term[:end], lang) in postings
            ]
            stems: list[str] = self._stems.get(lang, [])  # type: ignore[attr-defined]
            at = bisect.bisect_right(stems, term)
            while at < len(stems) and stems[at].startswith(term):
                found.append(stems[at])
                at += 1
        return tuple(found)

    def bm25(self, terms: list[str]) -> np.ndarray:
        import numpy as np

        known = [t for t in terms if t in self.idf]
        if not known or not self.passages:
            return np.zeros(len(self.passages))
        return np.asarray(self.retriever.get_scores(known), dtype=float)

    def best_per_passage(self, cosines: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Each passage's best sentence cosine and best whole-passage cosine (either language)."""
        import numpy as np

        owners, whole = self._owners, self._whole  # type: ignore[attr-defined]
        n = len(self.passages)
        sentence, passage = np.full(n, -1.0), np.full(n, -1.0)
        np.maximum.at(sentence, owners[~whole], cosines[~whole])
        np.maximum.at(passage, owners[whole], cosines[whole])
        return sentence, passage

    def unknown_idf(self, name: bool) -> float:
        """A word the articles never use weighs like an average word; a name they never use
        (a capitalised word, an acronym, a number) like their rarest word."""
        if name:
            return max(self.idf.values(), default=1.0)
        return sum(self.idf.values()) / max(len(self.idf), 1)


def definition_asked(question: str, defines: dict[str, int]) -> int | None:
    """The passage defining the term a "what does X mean" question asks about, if any."""
    folded = fold(question).replace("’", "'")
    if match := _WHAT_IS.match(folded) or _IS_WHAT.match(folded):
        return defines.get(match.group(1).replace("-", " "))
    if not _DEFINITION_CUES.search(folded) or _NOT_DEFINITION.search(folded):
        return None
    spaced = f" {' '.join(_WORD.findall(folded.replace('-', ' ')))} "
    for term in sorted((t for t in defines if " " in t), key=len, reverse=True):
        if f" {term} " in spaced:  # "open source" before "llama" in "what does ... mean for"
            return defines[term]
    for word in _WORD.findall(folded):
        if word in defines:
            return defines[word]
    return None
