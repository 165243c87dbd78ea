"""Answers from a language model, when one is configured (LLM_BASE_URL and LLM_MODEL).

The model only rewords what retrieval found: `ask` gives it the top passages (both languages,
with their section names) and the stored market figures; the briefing gives it the insight of
the day and the day's figures. Its reply is checked (`grounding.py`) before anyone sees it, and
anything short of a checked reply means the caller shows what it would have shown without a
model. Nothing here imports the `openai` package until a model is actually called.

Validated answers are kept in memory per (question, language, knowledge-base version, model,
base URL); "why it matters" per (day, language, passage, figures, model, base URL), with one
call in flight per key, so a fan-out to a thousand channels makes one call.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import threading
import time
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from briefings.answers.grounding import (
    NoAnswer,
    Rejected,
    allowed_numbers,
    ask_messages,
    check_answer,
    check_why,
    clean,
    why_messages,
)
from briefings.answers.model import ChatModel, ModelUnavailable
from briefings.knowledge import Article, Passage
from briefings.knowledge.retrieval import fold
from config import Settings

if TYPE_CHECKING:
    from briefings.market.movements import Figures

log = logging.getLogger(__name__)
CACHE_SIZE = 512
RETRY_WHY_AFTER = 600.0  # seconds before a failed "why it matters" is asked for again


@dataclass(frozen=True)
class ModelAnswer:
    """A checked answer (`text` and the passages it cites), or why there is none (`fallback`:
    "unavailable", "rejected" or "no_answer")."""

    text: str | None
    cited: tuple[Passage, ...] = ()
    fallback: str | None = None


def normalise_question(question: str) -> str:
    return " ".join(fold(question).split()).rstrip(" ?!.").strip()


class Answerer:
    """The model, its checks and its caches, shared by everything that answers (thread-safe)."""

    def __init__(self, settings: Settings) -> None:
        self.model = ChatModel(settings)
        self._answers: OrderedDict[tuple[object, ...], ModelAnswer] = OrderedDict()
        self._why: dict[tuple[object, ...], tuple[str | None, float]] = {}
        self._why_locks: dict[tuple[object, ...], threading.Lock] = {}
        self._lock = threading.Lock()

    # ---- ask -------------------------------------------------------------------------------

    def answer(
        self,
        question: str,
        lang: str,
        passages: Sequence[tuple[Passage, Article]],
        figures: Figures | None,
        kb_version: str,
    ) -> ModelAnswer:
        """The model's answer from `passages` (best first) and `figures`, once checked.

        Blocking (an HTTP call): call it from a thread, not from the event loop."""
        key = (
            normalise_question(question),
            lang,
            kb_version,
            self.model.model,
            self.model.base_url,
        )
        with self._lock:
            if key in self._answers:
                self._answers.move_to_end(key)
                return self._answers[key]
        messages = ask_messages(question, lang, passages, figures)
        try:
            text = clean(self.model.complete(messages, "ask"))
        except ModelUnavailable:
            return ModelAnswer(None, fallback="unavailable")
        given = [p for p, _ in passages]
        articles = [a for _, a in passages]
        allowed = allowed_numbers(given, figures, [a.date for a in articles])
        try:
            cited = check_answer(text, lang, given, allowed)
        except Rejected as reason:
            fallback = "no_answer" if isinstance(reason, NoAnswer) else "rejected"
            log.info("language model answer to ask rejected: %s; extractive answer shown", reason)
            return ModelAnswer(None, fallback=fallback)
        result = ModelAnswer(text, tuple(cited))
        with self._lock:
            self._answers[key] = result
            while len(self._answers) > CACHE_SIZE:
                self._answers.popitem(last=False)
        return result

    # ---- why it matters --------------------------------------------------------------------

    def why_it_matters(
        self,
        lang: str,
        day: dt.date,
        passage: Passage,
        article: Article,
        figures: Figures,
        kb_version: str,
    ) -> str | None:
        """Two checked sentences linking the insight to the day's movement, or None.

        Blocking. One call per key at a time: concurrent callers wait for the first one's result.
        A failure is remembered for RETRY_WHY_AFTER seconds, so a fan-out doesn't retry it."""
        key = (
            day,
            lang,
            passage.id,
            figures.as_of,
            figures.close,
            kb_version,
            self.model.model,
            self.model.base_url,
        )
        with self._lock:
            lock = self._why_locks.setdefault(key, threading.Lock())
        with lock:
            with self._lock:
                if key in self._why:
                    text, expires = self._why[key]
                    if expires > time.monotonic():
                        return text
            text = self._why_uncached(lang, passage, article, figures)
            expires = float("inf") if text else time.monotonic() + RETRY_WHY_AFTER
            with self._lock:
                self._why[key] = (text, expires)
                if len(self._why) > CACHE_SIZE:  # old days: forget them all but this one
                    self._why = {key: self._why[key]}
                    self._why_locks = {key: lock}
        return text

    def _why_uncached(
        self, lang: str, passage: Passage, article: Article, figures: Figures
    ) -> str | None:
        messages = why_messages(lang, passage, article, figures)
        try:
            text = clean(self.model.complete(messages, "why it matters"))
        except ModelUnavailable:
            return None
        try:
            return check_why(text, lang, allowed_numbers([passage], figures, [article.date]))
        except Rejected as reason:
            log.info("language model 'why it matters' rejected: %s; line left out", reason)
            return None


_answerers: dict[tuple[object, ...], Answerer] = {}
_registry_lock = threading.Lock()


def answerer_for(settings: Settings) -> Answerer | None:
    """The process's Answerer for these LLM settings (one per configuration, so its caches are
    shared), or None when no model is configured."""
    if not settings.llm.enabled:
        return None
    secret = settings.llm.api_key.get_secret_value() if settings.llm.api_key else ""
    key = (
        settings.llm.base_url,
        settings.llm.model,
        settings.llm.timeout,
        hashlib.sha256(secret.encode()).hexdigest(),
    )
    with _registry_lock:
        if key not in _answerers:
            _answerers[key] = Answerer(settings)
        return _answerers[key]


__all__ = ["Answerer", "ModelAnswer", "answerer_for"]
