"""Sources and their articles in the database (the truth every replica reads). Blocking calls:
the service runs them in a thread. Rows are deleted by hand, not by ON DELETE CASCADE, which
SQLite leaves off."""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Sequence
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from briefings.sources.readers import Document
from briefings.sources.urls import canonical_url
from briefings.storage.tables import source_articles, sources, web_articles, web_passages


@dataclass(frozen=True)
class Source:
    id: int
    url: str
    kind: str
    title: str
    articles: int
    etag: str | None
    last_modified: str | None
    last_fetched: dt.datetime | None
    last_error: str | None

    def as_json(self) -> dict[str, object]:
        return {
            "id": self.id,
            "url": self.url,
            "kind": self.kind,
            "title": self.title,
            "articles": self.articles,
            "last_fetched": self.last_fetched.isoformat() if self.last_fetched else None,
            "last_error": self.last_error,
        }


@dataclass(frozen=True)
class StoredArticle:
    id: int
    url: str
    title: str
    published: dt.date | None
    language: str
    first_seen: dt.datetime
    source_title: str
    passages: tuple[str, ...]


@dataclass
class Counts:
    added: int = 0
    updated: int = 0
    unchanged: int = 0


def content_hash(document: Document) -> str:
    digest = hashlib.sha256(document.title.encode())
    for passage in document.passages:
        digest.update(b"\0" + passage.encode())
    return digest.hexdigest()


def _aware(moment: dt.datetime | None) -> dt.datetime | None:
    """SQLite gives naive date-times back: they were stored in UTC."""
    return moment.replace(tzinfo=dt.UTC) if moment and moment.tzinfo is None else moment


class SourceStore:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    # ---- sources ------------------------------------------------------------------------

    def all(self) -> list[Source]:
        count = (
            sa.select(sa.func.count())
            .where(source_articles.c.source_id == sources.c.id)
            .scalar_subquery()
        )
        with self.engine.connect() as conn:
            rows = conn.execute(sa.select(sources, count.label("n")).order_by(sources.c.id))
            return [self._source(row) for row in rows]

    def find(self, key: str) -> Source | None:
        """The source with this id (`3`, `#3`) or this URL."""
        key = key.strip().strip("<>").lstrip("#")
        url = canonical_url(key) if key.lower().startswith(("http://", "https://")) else None
        for source in self.all():
            if str(source.id) == key or source.url in (key, url):
                return source
        return None

    def by_url(self, url: str) -> Source | None:
        return next((s for s in self.all() if s.url == url), None)

    @staticmethod
    def _source(row: sa.Row) -> Source:  # type: ignore[type-arg]
        return Source(
            id=row.id,
            url=row.url,
            kind=row.kind,
            title=row.title,
            articles=row.n,
            etag=row.etag,
            last_modified=row.last_modified,
            last_fetched=_aware(row.last_fetched),
            last_error=row.last_error,
        )

    def add(
        self,
        url: str,
        kind: str,
        title: str,
        documents: Sequence[Document],
        added_by: str,
        now: dt.datetime,
        etag: str | None = None,
        last_modified: str | None = None,
    ) -> tuple[int, Counts]:
        """A new source and its articles, in one transaction (nothing partial is stored)."""
        with self.engine.begin() as conn:
            source_id = conn.execute(
                sources.insert().values(
                    url=url,
                    kind=kind,
                    title=title[:500],
                    etag=etag,
                    last_modified=last_modified,
                    added_by=added_by[:100],
                    added_at=now,
                    last_fetched=now,
                )
            ).inserted_primary_key[0]  # type: ignore[index]
            counts = self._save(conn, source_id, documents, now)
        return source_id, counts

    def remove(self, source_id: int) -> None:
        """The source, and the articles no other source reaches."""
        with self.engine.begin() as conn:
            linked = [
                r.article_id
                for r in conn.execute(
                    sa.select(source_articles.c.article_id).where(
                        source_articles.c.source_id == source_id
                    )
                )
            ]
            conn.execute(source_articles.delete().where(source_articles.c.source_id == source_id))
            conn.execute(sources.delete().where(sources.c.id == source_id))
            still = {
                r.article_id
                for r in conn.execute(
                    sa.select(source_articles.c.article_id).where(
                        source_articles.c.article_id.in_(linked)
                    )
                )
            }
            orphans = [a for a in linked if a not in still]
            if orphans:
                conn.execute(web_passages.delete().where(web_passages.c.article_id.in_(orphans)))
                conn.execute(web_articles.delete().where(web_articles.c.id.in_(orphans)))

    def refreshed(
        self,
        source_id: int,
        documents: Sequence[Document],
        now: dt.datetime,
        etag: str | None = None,
        last_modified: str | None = None,
    ) -> Counts:
        """A good refresh: its articles saved, the error cleared, the validators kept."""
        with self.engine.begin() as conn:
            counts = self._save(conn, source_id, documents, now)
            values: dict[str, object] = {"last_fetched": now, "last_error": None}
            if etag is not None or last_modified is not None:
                values.update(etag=etag, last_modified=last_modified)
            conn.execute(sources.update().where(sources.c.id == source_id).values(**values))
        return counts

    def failed(self, source_id: int, error: str, now: dt.datetime) -> None:
        """A failed refresh: the last good content stays, the error is recorded."""
        with self.engine.begin() as conn:
            conn.execute(
                sources.update()
                .where(sources.c.id == source_id)
                .values(last_fetched=now, last_error=error[:300])
            )

    # ---- articles -----------------------------------------------------------------------

    def known_urls(self, source_id: int) -> set[str]:
        """Canonical URLs of the articles this source already reached."""
        query = (
            sa.select(web_articles.c.canonical_url)
            .join(source_articles, source_articles.c.article_id == web_articles.c.id)
            .where(source_articles.c.source_id == source_id)
        )
        with self.engine.connect() as conn:
            return {r.canonical_url for r in conn.execute(query)}

    def _save(
        self, conn: Connection, source_id: int, documents: Sequence[Document], now: dt.datetime
    ) -> Counts:
        counts = Counts()
        for document in documents:
            digest = content_hash(document)
            row = conn.execute(
                sa.select(web_articles.c.id, web_articles.c.content_hash).where(
                    web_articles.c.canonical_url == document.canonical_url
                )
            ).first()
            values = {
                "url": document.url[:2000],
                "title": document.title[:500],
                "published": document.date,
                "language": document.language[:8],
                "content_hash": digest,
                "updated_at": now,
            }
            if row is None:
                article_id = conn.execute(
                    web_articles.insert().values(
                        canonical_url=document.canonical_url[:2000], first_seen=now, **values
                    )
                ).inserted_primary_key[0]  # type: ignore[index]
                self._passages(conn, article_id, document.passages)
                counts.added += 1
            elif row.content_hash != digest:
                article_id = row.id
                conn.execute(
                    web_articles.update().where(web_articles.c.id == article_id).values(**values)
                )
                conn.execute(web_passages.delete().where(web_passages.c.article_id == article_id))
                self._passages(conn, article_id, document.passages)
                counts.updated += 1
            else:
                article_id = row.id
                counts.unchanged += 1
            linked = conn.execute(
                sa.select(source_articles.c.article_id).where(
                    source_articles.c.source_id == source_id,
                    source_articles.c.article_id == article_id,
                )
            ).first()
            if linked is None:
                conn.execute(
                    source_articles.insert().values(source_id=source_id, article_id=article_id)
                )
        return counts

    @staticmethod
    def _passages(conn: Connection, article_id: int, passages: Sequence[str]) -> None:
        conn.execute(
            web_passages.insert(),
            [{"article_id": article_id, "position": i, "text": t} for i, t in enumerate(passages)],
        )

    def version(self) -> str:
        """Changes whenever an article is added, updated or removed (cheap: one query)."""
        query = sa.select(
            sa.func.count(web_articles.c.id),
            sa.func.max(web_articles.c.updated_at),
            sa.func.sum(web_articles.c.id),
        )
        with self.engine.connect() as conn:
            count, latest, total = conn.execute(query).one()
        return f"{count}:{latest}:{total}"

    def articles(self) -> list[StoredArticle]:
        """Every stored article with its passages, in id order."""
        first_source = (
            sa.select(sources.c.title)
            .join(source_articles, source_articles.c.source_id == sources.c.id)
            .where(source_articles.c.article_id == web_articles.c.id)
            .order_by(sources.c.id)
            .limit(1)
            .scalar_subquery()
        )
        with self.engine.connect() as conn:
            rows = list(
                conn.execute(
                    sa.select(web_articles, first_source.label("source_title")).order_by(
                        web_articles.c.id
                    )
                )
            )
            texts: dict[int, list[str]] = {}
            for p in conn.execute(
                sa.select(web_passages).order_by(web_passages.c.article_id, web_passages.c.position)
            ):
                texts.setdefault(p.article_id, []).append(p.text)
        return [
            StoredArticle(
                id=r.id,
                url=r.url,
                title=r.title,
                published=r.published,
                language=r.language,
                first_seen=_aware(r.first_seen) or r.first_seen,
                source_title=r.source_title or "",
                passages=tuple(texts.get(r.id, ())),
            )
            for r in rows
        ]
