"""The short answer: the sentences of the answering passage that answer best and, when another
passage that could answer too (it has the evidence and states the kind of fact asked for) has
a sentence that answers about as well, that sentence too.

A sentence is scored by its cosine with the question and the weight (IDF) of the question's
words it holds, in the answer's language and, its translation aligned sentence by sentence, in
the other one (the best of the two). Passages of one article are close in meaning for a small
model, so the fused passage ranking and the sentence scores are two views of the question; when
they disagree by little, both sentences answer, each passage cited (at most 600 characters).
So does the next passage's best sentence when the two passages' fused scores are that close.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache
from typing import TYPE_CHECKING

from briefings.knowledge.excerpts import MAX_EXCERPT_CHARS, choose, continues, split_sentences
from briefings.knowledge.facts import holds
from briefings.knowledge.lexical import analyze
from briefings.knowledge.phrasing import holds_phrase, quoted

if TYPE_CHECKING:
    from briefings.knowledge.articles import Passage
    from briefings.knowledge.lexical import Lexical
    from briefings.knowledge.retrieval import Evidence, Hit

    Terms = list[tuple[str, str]]

EXCERPT_WORDS = 0.1  # a sentence's word weight (IDF sum) counts this much per cosine point
OTHER_PASSAGES = 2  # the next candidates (fused order) whose best sentence may join the answer
OTHER_MARGIN = 0.05  # how far below the answer's best sentence theirs may score and still join
# The next passage that could answer joins anyway when its fused score is this close to the
# answer's: the ranking cannot tell them apart (calibrated on the eval's development part).
CLOSE_SCORE = 0.08
MISSING_FACT = 1.0  # see `_prefer_the_fact` and `_prefer_the_quote`


@lru_cache(maxsize=8192)
def _stems(sentence: str, lang: str) -> frozenset[str]:
    return frozenset(analyze(sentence, lang))


def sentence_scores(
    evidence: Evidence, lexical: Lexical, passage: Passage, lang: str, pairs: Terms | None = None
) -> list[float]:
    """One score per sentence of `passage` in `lang` (see the module's docstring); `pairs`: the
    question's terms, when already known."""
    import numpy as np

    if pairs is None:
        pairs = lexical.terms(evidence.question, evidence.lang)
    position = lexical.positions.get(passage.id)
    cosines: dict[str, list[float]] = {}
    if evidence.cosines is not None and position is not None:
        for k in np.flatnonzero(lexical.sentence_owners == position):
            cosines.setdefault(lexical.units[k][1], []).append(float(evidence.cosines[k]))

    def scores(text_lang: str) -> list[float]:
        sentences = split_sentences(passage.text_in(text_lang))
        own = cosines.get(text_lang, [0.0] * len(sentences))
        terms = {t for t, tl in pairs if tl == text_lang}
        return [
            own[k]
            + EXCERPT_WORDS * sum(lexical.idf.get(t, 0.0) for t in terms & _stems(s, text_lang))
            for k, s in enumerate(sentences)
        ]

    best = _prefer_the_quote(
        evidence.question, split_sentences(passage.text_in(lang)), scores(lang)
    )
    for other in passage.text:
        if other != lang and lang in passage.text:
            theirs = scores(other)
            theirs = _prefer_the_quote(
                evidence.question, split_sentences(passage.text[other]), theirs
            )
            if len(theirs) == len(best):
                best = [max(a, b) for a, b in zip(best, theirs, strict=True)]
    return _prefer_the_fact(evidence, split_sentences(passage.text_in(lang)), best)


def _prefer_the_quote(question: str, sentences: list[str], scores: list[float]) -> list[float]:
    """A sentence holding a phrase the question quotes scores MISSING_FACT more: it is the
    sentence asked about."""
    phrases = quoted(question)
    if not phrases or len(sentences) != len(scores):
        return scores
    return [
        s + MISSING_FACT * holds_phrase(sentence, phrases)
        for sentence, s in zip(sentences, scores, strict=True)
    ]


def _prefer_the_fact(evidence: Evidence, sentences: list[str], scores: list[float]) -> list[float]:
    """When the question asks for a kind of fact (a date, a count...) and some sentences state
    it, the others score MISSING_FACT less: "When ...?" is answered by the sentence with the
    year."""
    if not evidence.kinds or len(sentences) != len(scores):
        return scores
    stating = [
        all(holds(sentence, kind, evidence.question) for kind in evidence.kinds)
        for sentence in sentences
    ]
    if not any(stating):
        return scores
    return [s if ok else s - MISSING_FACT for s, ok in zip(scores, stating, strict=True)]


def short_answer(
    evidence: Evidence, lexical: Lexical, answer: Hit, lang: str, others: Sequence[Hit] = ()
) -> tuple[str, tuple[Passage, ...]]:
    """The short answer in `lang` and the passages it quotes (the answer's first); `others`:
    the next passages that could answer too, best first (only their first OTHER_PASSAGES)."""
    text = answer.passage.text_in(lang)
    pairs = lexical.terms(evidence.question, evidence.lang)
    own = sentence_scores(evidence, lexical, answer.passage, lang, pairs)
    excerpt = choose(text, own)
    if evidence.cosines is None or not own:
        return excerpt, (answer.passage,)
    joining = _best_other(evidence, lexical, others, lang, max(own) - OTHER_MARGIN, pairs)
    if joining is None and others and others[0].score >= answer.score - CLOSE_SCORE:
        joining = _best_other(evidence, lexical, others[:1], lang, float("-inf"), pairs)
    if joining is None:
        return excerpt, (answer.passage,)
    sentence, passage = joining
    sentences = split_sentences(text)
    best = max(range(len(own)), key=own.__getitem__)
    for first in (excerpt, sentences[best]):  # the answer's sentences, or only its best, and theirs
        if first != excerpt and continues(sentences, best):
            break  # "X. This integration ...": not cut apart for another passage's sentence
        if first != sentence and len(f"{first} {sentence}") <= MAX_EXCERPT_CHARS:
            return f"{first} {sentence}", (answer.passage, passage)
    return excerpt, (answer.passage,)


def _best_other(
    evidence: Evidence,
    lexical: Lexical,
    others: Sequence[Hit],
    lang: str,
    floor: float,
    pairs: Terms,
) -> tuple[str, Passage] | None:
    """The best sentence of `others` (their first OTHER_PASSAGES) scoring at least `floor`,
    and its passage; or None."""
    best: tuple[float, str, Passage] | None = None
    for hit in others[:OTHER_PASSAGES]:
        scores = sentence_scores(evidence, lexical, hit.passage, lang, pairs)
        if not scores:
            continue
        k = max(range(len(scores)), key=scores.__getitem__)
        if scores[k] >= floor and (best is None or scores[k] > best[0]):
            best = (scores[k], split_sentences(hit.passage.text_in(lang))[k], hit.passage)
    return None if best is None else (best[1], best[2])
