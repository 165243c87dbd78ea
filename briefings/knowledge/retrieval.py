"""Find the passage that answers a question: BM25 (bm25s) beside a multilingual sentence
embedding, fused by calibrated weights, then a decision to answer or not.

Lexical side: each passage is indexed with its English text stemmed as English and its French
text stemmed as French (Snowball, through PyStemmer), accent-insensitive; a question is stemmed
in its own language (a word only the other language's text uses, in the other) after its chat
phrasing is removed and its typos are matched to the articles' words. Semantic side (when an
embeddings back-end is there): the cosine between the question and each sentence and each whole
passage in either language, so a paraphrase or a question in the other language still finds it.

The best passage answers when the question's weight is mostly in it (`coverage`, IDF weights)
or when it is semantically very close, and, when the question asks for a kind of fact (a price,
a count, a date...), when it states one. Weights and thresholds are calibrated on the
development part of tests/data/eval_questions.jsonl (see README, "How `ask` finds answers").
"""

from __future__ import annotations

import logging
import re
import threading
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING

from briefings.knowledge.articles import Passage
from briefings.knowledge.excerpts import split_sentences
from briefings.knowledge.facts import asked_kinds, asking_words, holds
from briefings.knowledge.lexical import (
    Lexical,
    analyze,
    definition_asked,
    looks_like_name,
    stemmer,
    unknown_names,
    words,
)
from briefings.knowledge.phrasing import (
    Speller,
    clean_question,
    concedes,
    doubts,
    fold,
    holds_phrase,
    quoted,
    readings,
    spelled_out,
)
from briefings.knowledge.short_answer import short_answer

if TYPE_CHECKING:
    import numpy as np

    from briefings.knowledge.embeddings import Embedder, VectorCache

log = logging.getLogger(__name__)
LEXICAL_CANDIDATES = 2  # best BM25 passages always considered too
CANDIDATES = 3  # fused passages considered when the best lacks the kind of fact asked
# Fusion: a passage's score is a weighted sum of its best sentence's cosine, the whole
# passage's cosine (either language), its BM25 score over the question's best BM25 score and
# its lexical coverage. The weights were fitted on the development part (softmax over passages,
# the passages holding the expected answer as targets), rounded, and the last three set again
# by a grid over the 987-question development part (right answers most often: BM25's share
# falls to a tie-breaker, the coverage already carrying the words).
FUSE_SENTENCE = 1.0
FUSE_PASSAGE = 0.45
FUSE_BM25 = 0.01
FUSE_COVERAGE = 0.15

# Calibrated on the eval's development part (tests/test_eval.py prints the scores).
LEXICAL_COVERAGE = 0.6  # answer on lexical evidence alone from this share of the weight
SEMANTIC_STRONG = 0.85  # answer on semantic similarity alone from this cosine
SEMANTIC_FLOOR = 0.81  # words alone answer only this close in meaning
MIXED_COVERAGE = 0.15  # or with this much lexical evidence ...
MIXED_SIMILARITY = 0.815  # ... and this much similarity
# A question asking for a kind of fact (a date, a figure...) is answered on less evidence by a
# passage that states one: the fact agreeing is evidence too. Not for a name or a person,
# which most passages hold ("Who is the CEO of Alphabet?" is not answered by Meta's CEO).
KIND_SIMILARITY = 0.79
KIND_COVERAGE = 0.2
KIND_MARGIN = 0.1  # a lower passage stating the fact asked answers only this close to the best
LOOSE_KINDS = frozenset({"name", "person"})
WORDED_KINDS = frozenset({"rival"})  # whose asking words a stating passage holds
QUOTED_PASSAGES = 2  # a quoted phrase picks its passage when at most this many hold it
DOUBT_MARGIN = 0.06  # a doubting question takes a qualifying passage scored this close
RETRY_EMBEDDINGS_AFTER = 300.0  # seconds before a failed back-end is tried again


__all__ = ["Hit", "PassageIndex", "analyze", "fold", "split_sentences", "words"]


@dataclass(frozen=True)
class Hit:
    """A passage and why it was chosen: fused rank score, lexical coverage, cosine."""

    passage: Passage
    score: float
    coverage: float
    similarity: float = 0.0  # the best sentence's cosine
    found: int = 1  # how many of the question's words it holds
    closeness: float = 0.0  # the whole passage's cosine


@dataclass(frozen=True, eq=False)
class Evidence:
    """What the index measured for a question's best passages (for calibration and tests)."""

    question: str  # after chat phrasing and typos
    lang: str
    kinds: frozenset[str]
    hits: tuple[Hit, ...]  # best fused first, then the best by BM25 and any naming a rival asked
    cosines: np.ndarray | None = None  # per unit of the index (see `Lexical.units`), or None
    calibrated: bool = False  # whether the thresholds were calibrated for this model
    index: Lexical | None = None  # the index it was measured on
    unknown_names: frozenset[str] = frozenset()  # names in the question no passage uses


@dataclass(frozen=True)
class Found:
    """What `find` found: the question as read, the passages (the answer first, then context;
    empty: no answer), the short answer and the passages it quotes (the answer's first)."""

    question: str
    hits: list[Hit]
    excerpt: str
    quoted: tuple[Passage, ...] = ()


class PassageIndex:
    """BM25 over passages in both languages, and their embeddings when a back-end is given.
    `add` indexes more passages (an article from a feed) without embedding the others again."""

    def __init__(
        self,
        passages: Sequence[Passage],
        embedder: Embedder | None = None,
        cache: VectorCache | None = None,
        version: str = "",
    ) -> None:
        self.embedder = embedder
        self._cache = cache
        self._version = version
        self._failed_at: float | None = None
        self._lock = threading.Lock()
        # The lexical index and the vectors of its units (None: not yet computed), swapped
        # together.
        self._state: tuple[Lexical, np.ndarray | None] = (Lexical.build(list(passages)), None)

    @property
    def passages(self) -> list[Passage]:
        return list(self._state[0].passages)

    @property
    def speller(self) -> Speller:
        return self._state[0].speller

    def add(self, passages: Sequence[Passage], version: str = "") -> None:
        """Index `passages` too; with vectors already there, only the new passages are embedded
        (if that fails, every passage is embedded again at the next question)."""
        from briefings.knowledge.embeddings import EmbeddingsUnavailable

        with self._lock:
            old, vectors = self._state
            known = set(old.positions)
            lexical = Lexical.build([*old.passages, *(p for p in passages if p.id not in known)])
            if vectors is not None and self.embedder is not None:
                import numpy as np

                from briefings.knowledge.shipped import passage_vectors

                texts = [u[2] for u in lexical.units[len(old.units) :]]
                try:
                    new = passage_vectors(self.embedder, texts)[0] if texts else vectors[:0]
                    vectors = np.concatenate([vectors, new]) if texts else vectors
                except EmbeddingsUnavailable as error:
                    log.warning(
                        "embeddings: %s via %s; embedded again later", error, self.embedder.name
                    )
                    vectors = None
            self._version = version or self._version
            self._state = (lexical, vectors)

    # ---- semantic side -------------------------------------------------------------------

    def _unit_vectors(self) -> tuple[Lexical, np.ndarray | None]:
        """The lexical index and one vector per unit of it (sentences and whole passages, in
        both languages), computed or read once; None when the back-end is unavailable."""
        import time

        from briefings.knowledge.embeddings import EmbeddingsUnavailable

        lexical, vectors = self._state
        if self.embedder is None or vectors is not None:
            return lexical, vectors
        with self._lock:
            lexical, vectors = self._state
            if vectors is not None:
                return lexical, vectors
            if self._failed_at and time.monotonic() - self._failed_at < RETRY_EMBEDDINGS_AFTER:
                return lexical, None
            embedder = self.embedder
            texts = [u[2] for u in lexical.units]

            def compute() -> np.ndarray:
                from briefings.knowledge.shipped import passage_vectors

                started = time.perf_counter()
                vectors, embedded = passage_vectors(embedder, texts)
                log.info(
                    "embeddings: %d of %d sentences and passages embedded with %s in %.1f s "
                    "(the others shipped)",
                    embedded,
                    len(texts),
                    embedder.name,
                    time.perf_counter() - started,
                )
                return vectors

            try:
                if self._cache is None:
                    vectors = compute()
                else:
                    vectors = self._cache.get(self._version, f"{embedder.name}:units", compute)
                if vectors.shape[0] != len(texts):
                    raise EmbeddingsUnavailable("cached vectors do not match the passages")
            except EmbeddingsUnavailable as error:
                self._failed_at = time.monotonic()
                log.warning("embeddings: %s via %s; lexical only for now", error, embedder.name)
                return lexical, None
            self._state = (lexical, vectors)
            return lexical, vectors

    def _cosines(self, question: str, vectors: np.ndarray | None) -> np.ndarray | None:
        """Each unit's cosine with the question, or None (lexical only)."""
        from briefings.knowledge.embeddings import EmbeddingsUnavailable

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
        return self._unit_vectors()[1] is not None

    # ---- search --------------------------------------------------------------------------

    def prepare(self, question: str, lang: str) -> str:
        """The question as retrieval reads it: chat phrasing removed, typos corrected, short
        forms (YTD, YoY) spelt out in `lang`."""
        return spelled_out(self.speller.correct_text(clean_question(question)), lang)

    def evidence(self, question: str, lang: str, limit: int = CANDIDATES) -> Evidence:
        """The best fused passages for `question` with their measures, whatever they are."""
        import numpy as np

        lexical, vectors = self._unit_vectors()
        corrected = self.speller.correct_text(clean_question(question))
        asked = spelled_out(corrected, lang)
        # Before and after short forms are spelt out: "share price" asks a price, "stock" not.
        kinds = frozenset(asked_kinds(asked) | asked_kinds(corrected))
        definition = definition_asked(asked, lexical.defines)
        if definition is not None:
            hit = Hit(lexical.passages[definition], float("inf"), 1.0, 1.0)
            return Evidence(asked, lang, kinds, (hit,))
        raw_words = re.findall(r"[\w+’'-]+", clean_question(question))
        names = {fold(w) for w in raw_words[1:] if looks_like_name(w)}
        pairs = lexical.terms(asked, lang)
        terms = list(dict.fromkeys(stem for stem, _ in pairs))
        n = len(lexical.passages)
        bm25 = lexical.bm25(terms)
        cosines = self._cosines(asked, vectors)
        term_names = {t: any(stemmer(tl).stemWord(nm) == t for nm in names) for t, tl in pairs}
        weights = {t: lexical.idf.get(t, lexical.unknown_idf(term_names[t])) for t in terms}
        weight = sum(weights.values()) or 1.0
        holds_term: dict[str, np.ndarray] = {}
        for t, tl in pairs:  # a stem asked in both languages counts once per passage
            mask = holds_term.setdefault(t, np.zeros(n, dtype=bool))
            mask[lexical.holding(t, tl)] = True
        stating = np.zeros(n, dtype=bool)
        for kind in kinds & WORDED_KINDS:  # "rivals" is held where a passage names a rival
            asking = asking_words(asked, kind)
            stating = np.array([holds(_both(p), kind, asked) for p in lexical.passages], dtype=bool)
            for t, tl in pairs:
                if any(stemmer(tl).stemWord(w) == t for w in asking):
                    holds_term[t] |= stating
        coverage = sum((weights[t] * m for t, m in holds_term.items()), np.zeros(n)) / weight
        found = sum((m.astype(int) for m in holds_term.values()), np.zeros(n, dtype=int))
        top_bm25 = float(bm25.max()) if n else 0.0
        if cosines is not None:
            sentence, whole = lexical.best_per_passage(cosines)
            fused = (
                FUSE_SENTENCE * sentence
                + FUSE_PASSAGE * whole
                + FUSE_BM25 * (bm25 / top_bm25 if top_bm25 > 0 else 0.0)
                + FUSE_COVERAGE * coverage
            )
        else:
            sentence = whole = np.zeros(n)
            fused = np.where(bm25 > 0, bm25, -np.inf)
        # The best fused passages, and the best lexical ones (they may hold every word of the
        # question and still rank below the semantic top).
        lexical_rank = np.argsort(-bm25, kind="stable")
        order = list(np.argsort(-fused, kind="stable")[:limit])
        order += [i for i in lexical_rank[:LEXICAL_CANDIDATES] if bm25[i] > 0 and i not in order]
        order += [i for i in np.flatnonzero(stating) if i not in order]  # they name a rival
        hits = tuple(
            Hit(
                lexical.passages[i],
                float(fused[i]),
                float(coverage[i]),
                float(sentence[i]),
                int(found[i]),
                float(whole[i]),
            )
            for i in order
            if np.isfinite(fused[i])
        )
        calibrated = bool(getattr(self.embedder, "calibrated", False))
        strangers = unknown_names(asked, lexical.all_words)
        return Evidence(asked, lang, kinds, hits, cosines, calibrated, lexical, strangers)

    def _answered(self, question: str, lang: str, limit: int) -> tuple[Evidence, list[Hit]]:
        """The evidence of the first reading of `question` (`readings`) that some passage
        answers, with those passages; the whole message's evidence when none is answered."""
        first: Evidence | None = None
        for reading in readings(question, lang):
            evidence = self.evidence(reading, lang, limit)
            able = answering(evidence)
            if able:
                return evidence, able
            first = first or evidence
        assert first is not None
        return first, []

    def search(self, question: str, lang: str, limit: int = 2) -> list[Hit]:
        """The passages for `question`, best (the answer) first; empty when none answers it.

        After the answer come the next passages by fused rank, as context (a language model
        is given them); they are not answers on their own."""
        evidence, able = self._answered(question, lang, max(limit, CANDIDATES))
        if not able:
            return []
        answer = able[0]
        rest = [h for h in evidence.hits if h is not answer]
        return [answer, *rest][:limit]

    def find(self, question: str, lang: str, answer_lang: str, limit: int = 2) -> Found:
        """`search`, with the short answer in `answer_lang` when there is one (see
        `short_answer`: it may quote a second candidate passage too)."""
        evidence, able = self._answered(question, lang, max(limit, CANDIDATES))
        if not able:
            return Found(evidence.question, [], "")
        answer = able[0]
        rest = [h for h in evidence.hits if h is not answer]
        hits = [answer, *rest][:limit]
        lexical = evidence.index or self._state[0]
        excerpt, quoted = short_answer(evidence, lexical, answer, answer_lang, able[1:])
        return Found(evidence.question, hits, excerpt, quoted)


def answers(hit: Hit, semantic: bool = True, strangers: bool = False) -> bool:
    """Whether a passage's measures are enough evidence that it answers the question (with the
    semantic side, words alone must come with some closeness in meaning too). A question that
    names something no passage names (`strangers`) is answered on words only."""
    floor = SEMANTIC_FLOOR if semantic else 0.0
    if hit.coverage >= LEXICAL_COVERAGE and hit.similarity >= floor:
        return True
    return not strangers and (
        hit.similarity >= SEMANTIC_STRONG
        or (hit.coverage >= MIXED_COVERAGE and hit.similarity >= MIXED_SIMILARITY)
    )


def answering(evidence: Evidence) -> list[Hit]:
    """The passages that could answer, best fused first: those with the evidence (`answers`)
    that state the kind of fact asked for (among the first CANDIDATES and the best by BM25);
    when none, those that state it on less evidence (KIND_SIMILARITY, KIND_COVERAGE)."""
    # The cosine thresholds hold for the model they were calibrated with; with another one its
    # cosines rank passages but the decision rests on words (`Evidence.calibrated`).
    semantic = evidence.cosines is not None and evidence.calibrated
    strangers = bool(evidence.unknown_names)
    # A passage holding a phrase the question quotes is what it asks about (a phrase that
    # names what many passages speak of, "Meta AI", picks none).
    phrases = _specific(quoted(evidence.question), evidence.index)
    quoting = {
        h.passage.id for h in evidence.hits if phrases and holds_phrase(_both(h.passage), phrases)
    }
    candidates = [
        h for h in evidence.hits if answers(h, semantic, strangers) or h.passage.id in quoting
    ]
    # A question about a rival is answered by a passage naming that rival, not by what the
    # articles say of Meta ("How did Alphabet's stock do?").
    rivals = _rivals_named(evidence.question, evidence.index)

    def naming_rivals(hits: Iterable[Hit]) -> list[Hit]:
        return [h for h in hits if not rivals or rivals <= set(words(_both(h.passage)))]

    candidates = naming_rivals(candidates)
    candidates.sort(key=lambda h: (h.passage.id not in quoting, -h.score))
    able = [hit for hit in candidates if _states(hit, evidence)]
    if able and candidates[0] is not able[0]:
        # The best passage lacks the fact asked: a lower one that states it must be nearly as
        # good, not merely hold a figure of that kind.
        able = [hit for hit in able if candidates[0].score - hit.score <= KIND_MARGIN]
    if (
        not able
        and semantic
        and not strangers
        and evidence.kinds
        and not evidence.kinds & LOOSE_KINDS
    ):
        able = [
            hit
            for hit in naming_rivals(evidence.hits)
            if hit.similarity >= KIND_SIMILARITY
            and hit.coverage >= KIND_COVERAGE
            and _states(hit, evidence)
        ]
    return _qualifying_first(evidence.question, able) if not quoting else able


def _rivals_named(question: str, index: Lexical | None) -> set[str]:
    """The rivals `question` names, in any case: names the passages use only where they name
    a rival."""
    if index is None:
        return set()
    return set(words(question)) & _rival_names(index)


@lru_cache(maxsize=4)
def _rival_names(index: Lexical) -> frozenset[str]:
    """The names (capitalised after the first word) that the passages of `index` use only
    where they name a rival ("Gemini" in "competing models such as Alphabet's Gemini")."""
    texts = [_both(p) for p in index.passages]
    rival = [holds(t, "rival") for t in texts]
    names = {words(n)[0] for t in texts for n in re.findall(r"(?<=[\w,;] )[A-Z]\w+", t)}
    holders = {n: [i for i, t in enumerate(texts) if n in words(t)] for n in names}
    return frozenset(n for n, found in holders.items() if all(rival[i] for i in found))


def _states(hit: Hit, evidence: Evidence) -> bool:
    """Whether the passage states every kind of fact the question asks for."""
    return all(holds(_both(hit.passage), kind, evidence.question) for kind in evidence.kinds)


def _qualifying_first(question: str, able: list[Hit]) -> list[Hit]:
    """For a question that doubts a claim ("is it really open source?"), the passage that
    qualifies one ("However, ...") first, when it scores within DOUBT_MARGIN of the best."""
    if len(able) < 2 or not doubts(question):
        return able
    close = [h for h in able if able[0].score - h.score <= DOUBT_MARGIN]
    qualifying = next((h for h in close if concedes(_both(h.passage))), None)
    if qualifying is None:
        return able
    return [qualifying, *(h for h in able if h is not qualifying)]


def _specific(phrases: list[str], index: Lexical | None) -> list[str]:
    """The phrases that at most QUOTED_PASSAGES passages of `index` hold."""
    if not phrases or index is None:
        return []
    texts = [_both(p) for p in index.passages]
    return [p for p in phrases if sum(holds_phrase(t, [p]) for t in texts) <= QUOTED_PASSAGES]


def _both(passage: Passage) -> str:
    """The passage's text in every language it has."""
    return " ".join(passage.text.values())
