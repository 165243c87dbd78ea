"""Add, list, remove and refresh sources: fetch (safely), read, then store in one go, so a
failure leaves nothing partial behind and a failed refresh keeps the last good content."""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

from briefings.sources.fetch import Fetched, Fetcher
from briefings.sources.readers import (
    KINDS,
    Document,
    detect_kind,
    entry_document,
    read_feed,
    read_page,
    read_pdf,
)
from briefings.sources.safety import FetchRefused, check_url
from briefings.sources.store import Counts, Source, SourceStore
from briefings.sources.urls import canonical_url
from config.settings import SourcesSettings

if TYPE_CHECKING:
    from briefings.market.news import Headline

log = logging.getLogger(__name__)
MAX_FEED_ENTRIES = 30  # the newest entries of a feed read at each fetch
ENTRY_CONCURRENCY = 4
FETCH_TIMEOUT = 15.0


@dataclass(frozen=True)
class Added:
    source: Source
    counts: Counts

    def as_json(self) -> dict[str, object]:
        s = self.source
        return {"id": s.id, "url": s.url, "kind": s.kind, "title": s.title, "articles": s.articles}


@dataclass
class RefreshReport:
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    failed: list[dict[str, str]] = field(default_factory=list)

    def as_json(self) -> dict[str, object]:
        return {
            "added": self.added,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "failed": list(self.failed),
        }


@dataclass(frozen=True)
class _Read:
    kind: str
    title: str
    documents: list[Document]
    fetched: Fetched


class SourcesService:
    """What the commands and the scheduler call; every database call runs in a thread."""

    def __init__(
        self,
        settings: SourcesSettings,
        store: Callable[[], SourceStore],
        clock: Callable[[], dt.datetime],
        on_change: Callable[[], object] | None = None,
        headlines: Callable[[], Awaitable[tuple[str, Sequence[Headline]]]] | None = None,
    ) -> None:
        self.settings = settings
        self._store = store
        self.clock = clock
        self.on_change = on_change or (lambda: None)
        self.headlines = headlines  # the company's latest (symbol, headlines), when known
        self._refreshing = asyncio.Lock()

    def store(self) -> SourceStore:
        return self._store()

    def fetcher(self) -> Fetcher:
        return Fetcher(self.settings.allow_private, self.settings.max_bytes, FETCH_TIMEOUT)

    _fetcher = fetcher

    async def list(self) -> list[Source]:
        return await asyncio.to_thread(lambda: self._store().all())

    async def add(self, url: str, kind: str | None = None, added_by: str = "cli") -> Added:
        """Fetch `url` once, read it and store it with its articles; FetchRefused otherwise."""
        if kind is not None and kind not in KINDS:
            raise FetchRefused("src_bad_kind")
        url = canonical_url(check_url(url, self.settings.allow_private))
        store = await asyncio.to_thread(self._store)
        existing = await asyncio.to_thread(store.by_url, url)
        if existing is not None:
            raise FetchRefused("src_duplicate", id=existing.id)
        async with self._fetcher() as fetcher:
            read = await self._read(fetcher, url, kind)
        now = self.clock()
        try:
            source_id, counts = await asyncio.to_thread(
                store.add,
                url,
                read.kind,
                read.title,
                read.documents,
                added_by,
                now,
                read.fetched.etag,
                read.fetched.last_modified,
            )
        except Exception:  # a replica added it at the same moment (unique URL)
            again = await asyncio.to_thread(store.by_url, url)
            if again is not None:
                raise FetchRefused("src_duplicate", id=again.id) from None
            raise
        source = await asyncio.to_thread(store.find, str(source_id))
        assert source is not None
        log.info(
            "sources: added %s (%s, %d articles: %d new)",
            url,
            read.kind,
            source.articles,
            counts.added,
        )
        await asyncio.to_thread(self.on_change)
        return Added(source, counts)

    async def remove(self, key: str) -> Source:
        store = await asyncio.to_thread(self._store)
        source = await asyncio.to_thread(store.find, key)
        if source is None:
            raise FetchRefused("src_unknown", source=key.strip()[:80])
        await asyncio.to_thread(store.remove, source.id)
        log.info("sources: removed #%d %s", source.id, source.url)
        await asyncio.to_thread(self.on_change)
        return source

    async def refresh(self) -> RefreshReport:
        """Fetch every source now; one at a time per process."""
        async with self._refreshing:
            store = await asyncio.to_thread(self._store)
            report = RefreshReport()
            changed = False
            async with self._fetcher() as fetcher:
                for source in await asyncio.to_thread(store.all):
                    if source.kind == "news":  # read from the headlines, below
                        continue
                    try:
                        counts = await self._refresh_one(fetcher, store, source)
                    except FetchRefused as error:
                        log.info("sources: refreshing %s failed: %s", source.url, error)
                        await asyncio.to_thread(store.failed, source.id, str(error), self.clock())
                        report.failed.append({"url": source.url, "reason": str(error)})
                        continue
                    report.added += counts.added
                    report.updated += counts.updated
                    report.unchanged += counts.unchanged
                    changed = changed or bool(counts.added or counts.updated)
            news = await self._read_headlines()
            report.added += news.added
            report.updated += news.updated
            report.unchanged += news.unchanged
            if changed or news.added or news.updated:
                await asyncio.to_thread(self.on_change)
            return report

    async def _read_headlines(self) -> Counts:
        """The pages of the company's latest headlines, when there are headlines to read."""
        from briefings.sources.headlines import read_headlines

        if self.headlines is None:
            return Counts()
        try:
            symbol, headlines = await self.headlines()
        except Exception as error:  # no headlines today: nothing to read
            log.info("news: no headlines to read (%s)", type(error).__name__)
            return Counts()
        return await read_headlines(self, symbol, headlines)

    async def _refresh_one(self, fetcher: Fetcher, store: SourceStore, source: Source) -> Counts:
        known = await asyncio.to_thread(store.known_urls, source.id)
        fetched = await fetcher.fetch(source.url, source.etag, source.last_modified)
        if fetched.not_modified:
            await asyncio.to_thread(store.refreshed, source.id, [], self.clock())
            return Counts(unchanged=source.articles)
        read = await self._read_fetched(fetcher, fetched, source.kind, skip=known)
        counts = await asyncio.to_thread(
            store.refreshed,
            source.id,
            read.documents,
            self.clock(),
            fetched.etag,
            fetched.last_modified,
        )
        if read.kind == "feed":
            counts.unchanged += len(known)  # entries already read are not fetched again
        return counts

    async def _read(self, fetcher: Fetcher, url: str, kind: str | None) -> _Read:
        return await self._read_fetched(fetcher, await fetcher.fetch(url), kind)

    async def _read_fetched(
        self,
        fetcher: Fetcher,
        fetched: Fetched,
        expected: str | None,
        skip: set[str] | frozenset[str] = frozenset(),
    ) -> _Read:
        """The documents behind one fetched source (a feed's entries fetched in turn)."""
        if expected == "feed":
            feed = await asyncio.to_thread(read_feed, fetched)
            kind = "feed"
        else:
            kind = await asyncio.to_thread(detect_kind, fetched)
            if expected is not None and kind != expected:
                raise FetchRefused("src_wrong_kind", found=kind, expected=expected)
        today = self.clock().date()
        if kind == "page":
            document = await asyncio.to_thread(read_page, fetched)
            return _Read(kind, document.title, [_dated(document, today)], fetched)
        if kind == "pdf":
            document = await asyncio.to_thread(read_pdf, fetched)
            return _Read(kind, document.title, [_dated(document, today)], fetched)
        if expected != "feed":
            feed = await asyncio.to_thread(read_feed, fetched)
        entries = [e for e in feed.entries if canonical_url(e.link) not in skip]
        entries = entries[:MAX_FEED_ENTRIES]
        gate = asyncio.Semaphore(ENTRY_CONCURRENCY)

        async def one(entry_index: int) -> Document | None:
            entry = entries[entry_index]
            async with gate:
                try:
                    page = await fetcher.fetch(entry.link)
                    document = await asyncio.to_thread(read_page, page)
                    return _dated(
                        replace(document, title=entry.title or document.title),
                        entry.date or today,
                        prefer=entry.date,
                    )
                except FetchRefused as error:
                    log.info("sources: entry %s: %s; its summary instead", entry.link, error)
                    fallback = entry_document(entry)
                    return _dated(fallback, today) if fallback else None

        documents = [d for d in await asyncio.gather(*map(one, range(len(entries)))) if d]
        unique = list({d.canonical_url: d for d in documents}.values())
        if not unique and not skip:
            raise FetchRefused("src_no_articles")
        return _Read("feed", feed.title or fetched.url, unique, fetched)


def _dated(document: Document, today: dt.date, prefer: dt.date | None = None) -> Document:
    """The document with a date: the feed's, else its own, else the day it was read."""
    return replace(document, date=prefer or document.date or today)
