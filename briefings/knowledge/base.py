"""The knowledge base: articles, their passages, topics, claims and a search index."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

from briefings.knowledge.articles import (
    SHIPPED_ARTICLES,
    Article,
    ArticleError,
    Passage,
    load_articles,
)
from briefings.knowledge.retrieval import Found, Hit, PassageIndex
from briefings.knowledge.topics import Topic, load_topics, match_topic

if TYPE_CHECKING:
    from briefings.knowledge.embeddings import Embedder, VectorCache

# Passages this short are connecting sentences, not insights.
MIN_INSIGHT_CHARS = 120


@dataclass
class KnowledgeBase:
    articles: list[Article]
    topics: dict[str, Topic]
    # The semantic side of retrieval (None: lexical only) and where its vectors are kept.
    embedder: Embedder | None = field(default=None, repr=False)
    vector_cache: VectorCache | None = field(default=None, repr=False)

    @cached_property
    def passages(self) -> list[Passage]:
        return [p for a in self.articles for p in a.passages]

    @cached_property
    def index(self) -> PassageIndex:
        return PassageIndex(self.passages, self.embedder, self.vector_cache, self.version)

    @cached_property
    def version(self) -> str:
        """A short hash that changes whenever any article's text changes."""
        digest = hashlib.sha256()
        for passage in self.passages:
            for lang in sorted(passage.text):
                digest.update(passage.text[lang].encode())
        return digest.hexdigest()[:12]

    @property
    def latest_article(self) -> Article:
        """The newest article: "since the article" figures are measured from its date."""
        return max(self.articles, key=lambda a: a.date)

    def article(self, article_id: str) -> Article:
        return next(a for a in self.articles if a.id == article_id)

    def search(self, question: str, lang: str, limit: int = 2) -> list[Hit]:
        return self.index.search(question, lang, limit)

    def find(
        self, question: str, lang: str, answer_lang: str | None = None, limit: int = 2
    ) -> Found:
        """The answering passage (first), context passages and the short answer."""
        return self.index.find(question, lang, answer_lang or lang, limit)

    def find_topic(self, name: str) -> Topic | None:
        return match_topic(name, self.topics)

    def insights(self, topic: Topic | None = None) -> list[Passage]:
        """Passages worth showing on their own, for one topic or all."""
        return [
            p
            for p in self.passages
            if len(p.text_in("en")) >= MIN_INSIGHT_CHARS and (topic is None or topic.id in p.topics)
        ]

    def topic_counts(self) -> dict[str, int]:
        return {t: sum(t in p.topics for p in self.passages) for t in self.topics}


def load_knowledge_base(
    extra_folder: Path | None = None,
    embedder: Embedder | None = None,
    vector_cache: VectorCache | None = None,
) -> KnowledgeBase:
    """Load the shipped articles (and those in `extra_folder`) and check their topics; with an
    `embedder`, retrieval is hybrid (its passage vectors kept in `vector_cache`)."""
    folders = (SHIPPED_ARTICLES,) + ((extra_folder,) if extra_folder else ())
    topics = load_topics()
    articles = load_articles(*folders)
    for article in articles:
        for passage in article.passages:
            unknown = set(passage.topics) - set(topics)
            if unknown:
                raise ArticleError(
                    f"{article.id}: passage {passage.index + 1} has unknown topic "
                    f"{', '.join(sorted(unknown))} (known: {', '.join(topics)})"
                )
    return KnowledgeBase(articles, topics, embedder, vector_cache)
