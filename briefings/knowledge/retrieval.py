"""Find the passage that answers a question: BM25 (bm25s) beside a multilingual sentence
embedding, fused by reciprocal rank, then a decision to answer or not.

Lexical side: each passage is indexed with its English text stemmed as English and its French
text stemmed as French (Snowball, through PyStemmer), accent-insensitive; a question is stemmed
in its own language after its chat phrasing is removed and its typos are matched to the
articles' words. Semantic side (when an embeddings back-end is there): the cosine between the
question and the passage in either language, so a paraphrase or a question in the other
language still finds it.

The best fused passage answers when the question's weight is mostly in it (`coverage`, IDF
weights) or when it is semantically very close, and, when the question asks for a kind of fact
(a price, a count, a date...), when it states one. The thresholds are calibrated on the
development part of tests/data/eval_questions.jsonl (see README, "How `ask` finds answers").
"""

from __future__ import annotations

import logging
import math
import re
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING

import bm25s
import Stemmer
from bm25s.stopwords import STOPWORDS_EN_PLUS, STOPWORDS_FRENCH

from briefings.knowledge.articles import Passage
from briefings.knowledge.facts import asked_kinds, holds
from briefings.knowledge.language import QUESTION_WORDS
from briefings.knowledge.phrasing import Speller, clean_question, fold

if TYPE_CHECKING:
    import numpy as np

    from briefings.knowledge.embeddings import Embedder, VectorCache

log = logging.getLogger(__name__)
_STEMMERS = {"en": "english", "fr": "french"}
_WORD = re.compile(r"[a-z0-9]+(?:\+)?")
RRF_K = 60  # reciprocal rank fusion: 1 / (RRF_K + rank)
LEXICAL_CANDIDATES = 2  # best BM25 passages always considered too
CANDIDATES = 3  # fused passages considered when the best lacks the kind of fact asked

# Calibrated on the eval's development part (tests/test_eval.py prints the scores).
LEXICAL_COVERAGE = 0.6  # answer on lexical evidence alone from this share of the weight
SEMANTIC_STRONG = 0.865  # answer on semantic similarity alone from this cosine
SEMANTIC_FLOOR = 0.81  # words alone answer only this close in meaning
MIXED_COVERAGE = 0.3  # or with this much lexical evidence ...
MIXED_SIMILARITY = 0.84  # ... and this much similarity
MAX_EXCERPT_CHARS = 600  # a short answer: one to three sentences, at most this long
SHORT_SENTENCE_CHARS = 280  # a shorter answer takes the next sentence too
_POINTS_BACK = re.compile(
    r"^(these|this|those|it|they|such|ces|cette|cet|ce|cela|ceci|il|elle|ils|elles)\b", re.I
)
COVERAGE_WEIGHT = 0.05  # coverage's weight beside the cosine when choosing among those
RETRY_EMBEDDINGS_AFTER = 300.0  # seconds before a failed back-end is tried again


__all__ = ["Hit", "PassageIndex", "analyze", "fold"]


@cache
def _stopwords(lang: str) -> frozenset[str]:
    base = STOPWORDS_EN_PLUS if lang == "en" else STOPWORDS_FRENCH
    words = set(base) | QUESTION_WORDS[lang]
    words.discard("ai")  # "Meta AI" is a name, not the French verb
    return frozenset(fold(w) for w in words)


@cache
def _stemmer(lang: str) -> Stemmer.Stemmer:
    return Stemmer.Stemmer(_STEMMERS[lang])


def words(text: str) -> list[str]:
    """Folded words of `text`."""
    return _WORD.findall(fold(text).replace("’", "'"))


def analyze(text: str, lang: str) -> list[str]:
    """Tokens of `text` as the index sees them: folded, without stopwords, stemmed."""
    kept = [w for w in words(text) if w not in _stopwords(lang) and len(w) > 1]
    return _stemmer(lang).stemWords(kept)


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


_SENTENCE = re.compile(r"(?<=[.!?])\s+(?=[A-ZÀ-Ý0-9«“‘'\"])")


def split_sentences(text: str) -> list[str]:
    """The sentences of a passage ("Hyper-Personalization: ..." bullets stay one sentence)."""
    return [s.strip() for s in _SENTENCE.split(text) if s.strip()]


def _looks_like_name(word: str) -> bool:
    """A capitalised word, an acronym or a number: something a passage would have to name."""
    return word[:1].isupper() or word[:1].isdigit() or (len(word) > 1 and word.isupper())


@dataclass(frozen=True)
class Hit:
    """A passage and why it was chosen: fused rank score, lexical coverage, cosine."""

    passage: Passage
    score: float
    coverage: float
    similarity: float = 0.0
    found: int = 1


@dataclass(frozen=True, eq=False)
class Evidence:
    """What the index measured for a question's best passages (for calibration and tests)."""

    question: str  # after chat phrasing and typos
    lang: str
    kinds: frozenset[str]
    hits: tuple[Hit, ...]  # fused order, best first
    sentence_similarity: np.ndarray | None = None  # per sentence of the index, or None
    calibrated: bool = False  # whether the thresholds were calibrated for this model


@dataclass(frozen=True)
class Found:
    """What `find` found: the question as read, the passages (the answer first, then context;
    empty: no answer) and the short answer."""

    question: str
    hits: list[Hit]
    excerpt: str


class PassageIndex:
    """BM25 over passages in both languages, and their embeddings when a back-end is given."""

    def __init__(
        self,
        passages: Sequence[Passage],
        embedder: Embedder | None = None,
        cache: VectorCache | None = None,
        version: str = "",
    ) -> None:
        self.passages = list(passages)
        self.embedder = embedder
        self._cache = cache
        self._version = version
        self._vectors: np.ndarray | None = None
        self._failed_at: float | None = None
        self._lock = threading.Lock()
        # Terms of each passage per language: a question is judged against the passage in its
        # own language, so that French "faire" never counts as English "fairness".
        self._doc_terms: list[dict[str, set[str]]] = []
        corpus = []
        vocabulary: set[str] = set()
        for passage in self.passages:
            per_lang = {}
            for lang in _STEMMERS:
                text = f"{passage.text_in(lang)} {passage.section_in(lang)}"
                vocabulary.update(words(text))
                per_lang[lang] = analyze(text, lang)
            tokens = [t for lang in _STEMMERS if lang in passage.text for t in per_lang[lang]]
            corpus.append(tokens or ["<empty>"])
            self._doc_terms.append({lang: set(terms) for lang, terms in per_lang.items()})
        # Every sentence of every passage, in each language: (passage index, lang, sentence).
        self._sentences = [
            (i, lang, sentence)
            for i, passage in enumerate(self.passages)
            for lang in _STEMMERS
            if lang in passage.text
            for sentence in split_sentences(passage.text[lang])
        ]
        self._owners = [i for i, _, _ in self._sentences]
        self.speller = Speller(vocabulary, known=_stopwords("en") | _stopwords("fr"))
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
        # A word the articles never use weighs like an average word; a name they never use
        # (a capitalised word, an acronym, a number) like their rarest word.
        self._unknown_idf = sum(self._idf.values()) / max(len(self._idf), 1)
        self._unknown_name_idf = max(self._idf.values(), default=1.0)

    # ---- semantic side -------------------------------------------------------------------

    def _sentence_vectors(self) -> np.ndarray | None:
        """One vector per sentence of every passage in every language (see `self._owners`),
        computed or read once; None when the back-end is unavailable."""
        import time

        from briefings.knowledge.embeddings import EmbeddingsUnavailable

        if self.embedder is None:
            return None
        with self._lock:
            if self._vectors is not None:
                return self._vectors
            if self._failed_at and time.monotonic() - self._failed_at < RETRY_EMBEDDINGS_AFTER:
                return None
            embedder = self.embedder
            texts = [s for _, _, s in self._sentences]

            def compute() -> np.ndarray:
                started = time.perf_counter()
                vectors = embedder.passages(texts)
                log.info(
                    "embeddings: %d sentences embedded with %s in %.1f s",
                    len(texts),
                    embedder.name,
                    time.perf_counter() - started,
                )
                return vectors

            try:
                if self._cache is None:
                    vectors = compute()
                else:
                    vectors = self._cache.get(self._version, f"{embedder.name}:sentences", compute)
                if vectors.shape[0] != len(texts):
                    raise EmbeddingsUnavailable("cached vectors do not match the sentences")
            except EmbeddingsUnavailable as error:
                self._failed_at = time.monotonic()
                log.warning("embeddings: %s via %s; lexical only for now", error, embedder.name)
                return None
            self._vectors = vectors
            return vectors

    def _similarities(self, question: str) -> np.ndarray | None:
        """Each sentence's cosine with the question, or None (lexical only)."""
        from briefings.knowledge.embeddings import EmbeddingsUnavailable

        vectors = self._sentence_vectors()
        if vectors is None or self.embedder is None:
            return None
        try:
            query = self.embedder.queries([question])[0]
        except EmbeddingsUnavailable as error:
            log.warning("embeddings: %s via %s; lexical answer", error, self.embedder.name)
            return None
        return vectors @ query

    @property
    def semantic(self) -> bool:
        """Whether the semantic side is there (it loads the vectors when not yet done)."""
        return self._sentence_vectors() is not None

    # ---- search --------------------------------------------------------------------------

    def prepare(self, question: str) -> str:
        """The question as retrieval reads it: chat phrasing removed, typos corrected."""
        return self.speller.correct_text(clean_question(question))

    def evidence(self, question: str, lang: str, limit: int = CANDIDATES) -> Evidence:
        """The best fused passages for `question` with their measures, whatever they are."""
        import numpy as np

        asked = self.prepare(question)
        kinds = frozenset(asked_kinds(asked))
        definition = self._definition_asked(asked)
        if definition is not None:
            hit = Hit(self.passages[definition], float("inf"), 1.0, 1.0)
            return Evidence(asked, lang, kinds, (hit,))
        raw_words = re.findall(r"[\w+’'-]+", clean_question(question))
        names = {fold(w) for w in raw_words[1:] if _looks_like_name(w)}
        terms = list(dict.fromkeys(analyze(asked, lang)))
        known = [t for t in terms if t in self._idf]
        n = len(self.passages)
        bm25 = self._retriever.get_scores(known) if known else np.zeros(n)
        sentence_similarity = self._similarities(asked)
        similarity = None
        if sentence_similarity is not None:
            similarity = np.full(n, -1.0)
            np.maximum.at(similarity, self._owners, sentence_similarity)
        fused = np.zeros(n)
        lexical_rank = np.argsort(-bm25, kind="stable")
        for rank, i in enumerate(lexical_rank):
            if bm25[i] > 0:
                fused[i] += 1 / (RRF_K + rank + 1)
        if similarity is not None:
            for rank, i in enumerate(np.argsort(-similarity, kind="stable")):
                fused[i] += 1 / (RRF_K + rank + 1)
        term_names = {t: any(_stemmer(lang).stemWord(nm) == t for nm in names) for t in terms}
        weights = {
            t: self._idf.get(t, self._unknown_name_idf if term_names[t] else self._unknown_idf)
            for t in terms
        }
        weight = sum(weights.values()) or 1.0
        hits = []
        # The best fused passages, and the best lexical ones (fusion over a few dozen passages
        # can rank a passage holding every word of the question below the semantic top).
        order = list(np.argsort(-fused, kind="stable")[:limit])
        order += [i for i in lexical_rank[:LEXICAL_CANDIDATES] if bm25[i] > 0 and i not in order]
        for i in order:
            if fused[i] <= 0:
                continue
            doc = self._doc_terms[i][lang]
            found = [t for t in terms if t in doc]
            coverage = sum(weights[t] for t in found) / weight if terms else 0.0
            cosine = float(similarity[i]) if similarity is not None else 0.0
            hits.append(Hit(self.passages[i], float(fused[i]), coverage, cosine, len(found)))
        calibrated = bool(getattr(self.embedder, "calibrated", False))
        return Evidence(asked, lang, kinds, tuple(hits), sentence_similarity, calibrated)

    def search(self, question: str, lang: str, limit: int = 2) -> list[Hit]:
        """The passages for `question`, best (the answer) first; empty when none answers it.

        After the answer come the next passages by fused rank, as context (a language model
        is given them); they are not answers on their own."""
        evidence = self.evidence(question, lang, max(limit, CANDIDATES))
        answer = decide(evidence)
        if answer is None:
            return []
        rest = [h for h in evidence.hits if h is not answer]
        return [answer, *rest][:limit]

    def find(self, question: str, lang: str, answer_lang: str, limit: int = 2) -> Found:
        """`search`, with the short answer in `answer_lang` when there is one."""
        evidence = self.evidence(question, lang, max(limit, CANDIDATES))
        answer = decide(evidence)
        if answer is None:
            return Found(evidence.question, [], "")
        rest = [h for h in evidence.hits if h is not answer]
        hits = [answer, *rest][:limit]
        return Found(evidence.question, hits, self.excerpt(evidence, answer, answer_lang))

    def excerpt(self, evidence: Evidence, hit: Hit, lang: str) -> str:
        """The one to three sentences of `hit`'s passage (in `lang`) that answer best: the
        sentence closest to the question (cosine, and its words), with a neighbour when it is
        short; at most MAX_EXCERPT_CHARS."""
        index = self.passages.index(hit.passage)
        text = hit.passage.text_in(lang)
        sentences = split_sentences(text)
        if len(sentences) <= 1 and len(text) <= MAX_EXCERPT_CHARS:
            return text
        terms = set(analyze(evidence.question, evidence.lang)) if evidence.lang == lang else set()
        cosines: dict[str, float] = {}
        if evidence.sentence_similarity is not None:
            for k, (owner, sentence_lang, sentence) in enumerate(self._sentences):
                if owner == index and sentence_lang == lang:
                    cosines[sentence] = float(evidence.sentence_similarity[k])

        def score(sentence: str) -> float:
            found = terms & set(analyze(sentence, lang))
            lexical = sum(self._idf.get(t, 0.0) for t in found)
            return cosines.get(sentence, 0.0) * 10 + lexical

        best = max(range(len(sentences)), key=lambda k: score(sentences[k]))
        chosen = [best]
        # A short sentence, or one that starts by pointing back ("These results..."), needs
        # its neighbour to make sense.
        while (
            chosen[-1] + 1 < len(sentences)
            and len(chosen) < 3
            and len(" ".join(sentences[k] for k in chosen)) < SHORT_SENTENCE_CHARS
        ):
            chosen.append(chosen[-1] + 1)
        if best > 0 and _POINTS_BACK.match(sentences[best]):
            chosen.insert(0, best - 1)
        while len(" ".join(sentences[k] for k in chosen)) > MAX_EXCERPT_CHARS and len(chosen) > 1:
            chosen.remove(max(chosen, key=lambda k: abs(k - best)))
        answer = " ".join(sentences[k] for k in chosen)
        if len(answer) > MAX_EXCERPT_CHARS:
            answer = answer[: MAX_EXCERPT_CHARS - 1].rsplit(" ", 1)[0] + "…"
        return answer

    def _definition_asked(self, question: str) -> int | None:
        """The passage defining the term a "what does X mean" question asks about, if any."""
        folded = fold(question)
        if not _DEFINITION_CUES.search(folded):
            return None
        for word in _WORD.findall(folded):
            if word in self._defines:
                return self._defines[word]
        return None


def answers(hit: Hit, semantic: bool = True) -> bool:
    """Whether a passage's measures are enough evidence that it answers the question (with the
    semantic side, words alone must come with some closeness in meaning too)."""
    floor = SEMANTIC_FLOOR if semantic else 0.0
    return (
        (hit.coverage >= LEXICAL_COVERAGE and hit.similarity >= floor)
        or hit.similarity >= SEMANTIC_STRONG
        or (hit.coverage >= MIXED_COVERAGE and hit.similarity >= MIXED_SIMILARITY)
    )


def decide(evidence: Evidence) -> Hit | None:
    """The passage that answers: the best fused one that has the evidence and states the kind
    of fact asked for (any of the first CANDIDATES), or None."""
    # The cosine thresholds hold for the model they were calibrated with; with another one its
    # cosines rank passages but the decision rests on words (`Evidence.calibrated`).
    semantic = evidence.sentence_similarity is not None and evidence.calibrated
    candidates = [h for h in evidence.hits if answers(h, semantic)]
    # Among those with the evidence, the closest in meaning, lexical coverage breaking ties.
    candidates.sort(key=lambda h: -(h.similarity + COVERAGE_WEIGHT * h.coverage))
    for hit in candidates:
        text = " ".join(hit.passage.text.values())
        if all(holds(text, kind) for kind in evidence.kinds):
            return hit
    return None
