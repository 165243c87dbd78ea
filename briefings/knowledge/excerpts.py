"""The short answer inside a passage: its sentences, and the one to three that answer best.

A sentence is scored by its cosine with the question (when there is a semantic side) and by
the weight of the question's words it holds; the sentence that scores best, with the one that
scores about as well when there is one; a short sentence, or one that points back ("These
results..."), takes its neighbour along.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

MAX_EXCERPT_CHARS = 600  # a short answer: one to three sentences, at most this long
SHORT_SENTENCE_CHARS = 280  # a shorter answer takes the next sentence too
CLOSE_SCORE = 0.03  # a sentence scoring this close to the best one is part of the answer

_SENTENCE = re.compile(r"(?<=[.!?])\s+(?=[A-ZÀ-Ý0-9«“‘'\"])")
_POINTS_BACK = re.compile(
    r"^(these|this|those|it|they|such|ces|cette|cet|ce|cela|ceci|il|elle|ils|elles)\b", re.I
)


def split_sentences(text: str) -> list[str]:
    """The sentences of a passage ("Hyper-Personalization: ..." bullets stay one sentence)."""
    return [s.strip() for s in _SENTENCE.split(text) if s.strip()]


def continues(sentences: Sequence[str], k: int) -> bool:
    """Whether the sentence after `sentences[k]` points back to it ("This integration ...")."""
    return k + 1 < len(sentences) and bool(_POINTS_BACK.match(sentences[k + 1]))


def choose(text: str, scores: Sequence[float]) -> str:
    """The one to three sentences of `text` that answer best (`scores`: one per sentence of
    `split_sentences(text)`, higher is better), at most MAX_EXCERPT_CHARS."""
    sentences = split_sentences(text)
    if len(sentences) <= 1 and len(text) <= MAX_EXCERPT_CHARS:
        return text

    def score(k: int) -> float:
        return scores[k] if k < len(scores) else 0.0

    best = max(range(len(sentences)), key=score)
    chosen = [best]
    runner_up = max((k for k in range(len(sentences)) if k != best), key=score, default=best)
    if (
        runner_up != best
        and score(runner_up) >= score(best) - CLOSE_SCORE
        and len(sentences[best]) + len(sentences[runner_up]) < MAX_EXCERPT_CHARS
    ):
        chosen = sorted([best, runner_up])  # two sentences that answer about as well
    while (
        chosen[-1] + 1 < len(sentences)
        and len(chosen) < 3
        and len(" ".join(sentences[k] for k in chosen)) < SHORT_SENTENCE_CHARS
    ):
        chosen.append(chosen[-1] + 1)
    if best > 0 and best - 1 not in chosen and continues(sentences, best - 1):
        chosen = sorted([best - 1, *chosen])
    if len(chosen) < 3 and continues(sentences, chosen[-1]):
        chosen.append(chosen[-1] + 1)  # "This integration ...": what the best sentence leads to
    while len(" ".join(sentences[k] for k in chosen)) > MAX_EXCERPT_CHARS and len(chosen) > 1:
        chosen.remove(max(chosen, key=lambda k: abs(k - best)))
    answer = " ".join(sentences[k] for k in chosen)
    if len(answer) > MAX_EXCERPT_CHARS:
        answer = answer[: MAX_EXCERPT_CHARS - 1].rsplit(" ", 1)[0] + "…"
    return answer
