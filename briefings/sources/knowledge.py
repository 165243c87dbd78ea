"""Stored articles in the knowledge base: the database is the truth, so every replica polls a
cheap version of it and swaps in a rebuilt knowledge base when it moved (no restart). The
semantic side embeds only sentences it has not seen (`_RememberingEmbedder`)."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from briefings.knowledge import Article, KnowledgeBase, Passage
from briefings.sources.store import SourceStore, StoredArticle

if TYPE_CHECKING:
    import numpy as np

    from briefings.knowledge.embeddings import Embedder

log = logging.getLogger(__name__)
INDEXED_LANGUAGES = ("en", "fr")  # retrieval stems these; another language is read as English


def to_article(stored: StoredArticle) -> Article:
    """A stored article as the knowledge base sees it: one section, its title."""
    lang = stored.language if stored.language in INDEXED_LANGUAGES else "en"
    article_id = f"web-{stored.id}"
    passages = tuple(
        Passage(
            id=f"{article_id}#{i + 1}",
            article_id=article_id,
            index=i,
            text={lang: text},
            section={lang: stored.title},
            topics=(),
        )
        for i, text in enumerate(stored.passages)
    )
    return Article(
        id=article_id,
        title={lang: stored.title},
        language=lang,
        date=stored.published or stored.first_seen.date(),
        source=stored.source_title,
        passages=passages,
        url=stored.url,
    )


class _RememberingEmbedder:
    """An embedder that keeps each sentence's vector, so a rebuilt index embeds only the new
    sentences; `keep` drops the vectors of sentences gone."""

    def __init__(self, inner: Embedder) -> None:
        self.inner = inner
        self.name = inner.name
        self.calibrated = inner.calibrated
        self._vectors: dict[str, np.ndarray] = {}
        self._lock = threading.Lock()

    def queries(self, texts: Sequence[str]) -> np.ndarray:
        return self.inner.queries(texts)

    def passages(self, texts: Sequence[str]) -> np.ndarray:
        import numpy as np

        with self._lock:
            missing = list(dict.fromkeys(t for t in texts if t not in self._vectors))
        if missing:
            computed = self.inner.passages(missing)
            with self._lock:
                self._vectors.update(zip(missing, computed, strict=True))
        with self._lock:
            return np.stack([self._vectors[t] for t in texts])

    def keep(self, texts: set[str]) -> None:
        with self._lock:
            self._vectors = {t: v for t, v in self._vectors.items() if t in texts}


class LiveKnowledge:
    """The current knowledge base: the files' articles plus the stored ones."""

    def __init__(
        self, base: KnowledgeBase, store: Callable[[], SourceStore | None] | None = None
    ) -> None:
        self.base = base
        self._store = store
        self._current = base
        self._version: str | None = None
        self._lock = threading.Lock()
        self._embedder = _RememberingEmbedder(base.embedder) if base.embedder else None
        self.reload()

    @property
    def current(self) -> KnowledgeBase:
        return self._current

    def use(self, knowledge: KnowledgeBase) -> None:
        """Serve `knowledge` as it is (benchmarks, tests with a prepared index)."""
        self._current = knowledge
        self._store = None

    def reload(self) -> bool:
        """Rebuild when the stored articles changed (blocking: call it in a thread); whether
        it did."""
        if self._store is None:
            return False
        with self._lock:
            try:
                store = self._store()
                if store is None:
                    return False
                version = store.version()
                if version == self._version:
                    return False
                stored = store.articles()
            except Exception as error:  # the database is away: keep serving what we have
                log.warning("sources: stored articles not read (%s)", type(error).__name__)
                return False
            articles = [to_article(a) for a in stored if a.passages]
            if not articles:
                knowledge = self.base
            else:
                knowledge = KnowledgeBase(
                    [*self.base.articles, *articles],
                    self.base.topics,
                    self._embedder,  # type: ignore[arg-type]
                    None,  # vectors kept per sentence by the embedder, not per version
                )
                if self._embedder is not None:
                    self._embedder.keep({t for p in knowledge.passages for t in _sentences(p)})
            _ = knowledge.index  # built here, off the event loop
            self._current = knowledge
            changed = self._version is not None
            self._version = version
            if changed or articles:
                log.info("sources: knowledge base now has %d stored articles", len(articles))
            return True


def _sentences(passage: Passage) -> list[str]:
    from briefings.knowledge.retrieval import split_sentences

    return [s for text in passage.text.values() for s in split_sentences(text)]
