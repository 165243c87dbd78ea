"""The company's headlines read as articles: each headline's page (from Yahoo's news, never
from a user) fetched with the same safety rules as any source, read like a web page and kept
under one source per symbol, kind `news`, so answers can cite what the news said."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence
from dataclasses import replace
from typing import TYPE_CHECKING

from briefings.sources.readers import Document, read_page
from briefings.sources.safety import FetchRefused
from briefings.sources.store import Counts
from briefings.sources.urls import canonical_url

if TYPE_CHECKING:
    from briefings.market.news import Headline
    from briefings.sources.service import SourcesService

log = logging.getLogger(__name__)
MAX_PAGES = 10  # headline pages read at each refresh


def news_source_url(symbol: str) -> str:
    """The key of a symbol's news source: Yahoo Finance's news page for it."""
    return f"https://finance.yahoo.com/quote/{symbol}/news"


async def read_headlines(
    service: SourcesService, symbol: str, headlines: Sequence[Headline]
) -> Counts:
    """Store the pages of `headlines` not read yet; a page that cannot be fetched or has no
    main text is skipped (one log line) and tried again at the next refresh."""
    store = await asyncio.to_thread(service.store)
    url = news_source_url(symbol)
    source = await asyncio.to_thread(store.by_url, url)
    known = await asyncio.to_thread(store.known_urls, source.id) if source else set()
    fresh = [h for h in headlines if canonical_url(h.url) not in known][:MAX_PAGES]
    if not fresh:
        return Counts(unchanged=len(known))
    documents: list[Document] = []
    async with service.fetcher() as fetcher:
        for headline in fresh:
            try:
                page = await fetcher.fetch(headline.url)
                document = await asyncio.to_thread(read_page, page)
            except FetchRefused as error:
                log.info("news: %s not read: %s", headline.url, error)
                continue
            documents.append(
                replace(document, title=headline.title, date=headline.published.date())
            )
    if not documents:
        return Counts(unchanged=len(known))
    now = service.clock()
    if source is None:
        title = f"{symbol} news (Yahoo Finance)"
        _, counts = await asyncio.to_thread(store.add, url, "news", title, documents, "news", now)
    else:
        counts = await asyncio.to_thread(store.refreshed, source.id, documents, now)
    log.info("news: %d headline pages read for %s (%d new)", len(documents), symbol, counts.added)
    return counts
