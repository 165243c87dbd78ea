"""The company's headlines from Yahoo Finance (yfinance's `Ticker.news`), kept in the database so
the briefing still has them, labelled "as of", when Yahoo is away. Fetched in a daemon thread
with a time limit; at most one fetch per symbol every FRESH_FOR."""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from briefings.storage.tables import news_headlines

log = logging.getLogger(__name__)
FRESH_FOR = dt.timedelta(minutes=15)  # a fetch is reused this long
RECENT = dt.timedelta(days=3)  # headlines older than this are not "in the news"
WEEK = dt.timedelta(days=7)  # the weekly digest's headlines: the week's


@dataclass(frozen=True)
class Headline:
    title: str
    url: str
    published: dt.datetime
    publisher: str


@dataclass(frozen=True)
class News:
    headlines: tuple[Headline, ...]
    as_of: dt.datetime | None = None  # set when they come from storage


def parse_news(items: list[Any]) -> list[Headline]:
    """Yahoo's news items (the `content` shape, or the older flat one) as headlines."""
    found = []
    for item in items or []:
        content = item.get("content", item) if isinstance(item, dict) else {}
        title = str(content.get("title") or "").strip()
        link = content.get("canonicalUrl") or content.get("clickThroughUrl") or {}
        url = link.get("url") if isinstance(link, dict) else None
        url = url or content.get("link")
        provider = content.get("provider") or {}
        publisher = provider.get("displayName") if isinstance(provider, dict) else None
        when = _moment(content.get("pubDate") or content.get("providerPublishTime"))
        if title and isinstance(url, str) and url.startswith(("https://", "http://")) and when:
            found.append(
                Headline(title, url, when, str(publisher or content.get("publisher") or ""))
            )
    return sorted(found, key=lambda h: h.published, reverse=True)


def _moment(value: object) -> dt.datetime | None:
    try:
        if isinstance(value, int | float):
            return dt.datetime.fromtimestamp(value, dt.UTC)
        if isinstance(value, str):
            return dt.datetime.fromisoformat(value.replace("Z", "+00:00")).astimezone(dt.UTC)
    except (ValueError, OverflowError, OSError):
        return None
    return None


def fetch_news(symbol: str, timeout: float, session: Any = None) -> list[Headline]:
    """The symbol's latest headlines from Yahoo; raises on any failure or after `timeout`."""
    result: list[Any] = []
    failure: list[BaseException] = []

    def work() -> None:
        try:
            import yfinance

            yfinance.config.debug.hide_exceptions = False
            result.extend(yfinance.Ticker(symbol, session=session).get_news(count=10))
        except BaseException as error:
            failure.append(error)

    thread = threading.Thread(target=work, name=f"news-{symbol}", daemon=True)
    thread.start()
    thread.join(timeout)
    if thread.is_alive():
        raise TimeoutError(f"Yahoo news for {symbol} took over {timeout:g} s")
    if failure:
        raise failure[0]
    return parse_news(result)


class NewsService:
    """Headlines for the briefing: fresh from Yahoo, else the stored ones with their time."""

    def __init__(
        self,
        engine: Callable[[], Engine],
        clock: Callable[[], dt.datetime],
        timeout: float,
        session: Any = None,
    ) -> None:
        self._engine = engine
        self.clock = clock
        self.timeout = timeout
        self.session = session
        self._fetched: dict[str, tuple[dt.datetime, tuple[Headline, ...]]] = {}
        self._last: dict[tuple[str, dt.timedelta], News] = {}

    def last(self, symbol: str, within: dt.timedelta = RECENT) -> News | None:
        """What `latest` last gave for `symbol` and `within` (a fan-out warms it once a pass)."""
        return self._last.get((symbol, within))

    async def latest(self, symbol: str, limit: int = 3, within: dt.timedelta = RECENT) -> News:
        """Up to `limit` headlines published within `within` of now, newest first."""
        self._last[(symbol, within)] = news = await self._latest(symbol, limit, within)
        return news

    async def _latest(self, symbol: str, limit: int, within: dt.timedelta) -> News:
        now = self.clock()
        recent = self._fetched.get(symbol)
        if recent and now - recent[0] < FRESH_FOR:
            return News(_fresh(recent[1], now, limit, within))
        try:
            headlines = await asyncio.to_thread(fetch_news, symbol, self.timeout, self.session)
        except Exception as error:
            log.info("news: Yahoo headlines for %s unavailable (%s)", symbol, type(error).__name__)
            return await asyncio.to_thread(self._stored, symbol, now, limit, within)
        self._fetched[symbol] = (now, tuple(headlines))
        await asyncio.to_thread(self._store, symbol, headlines, now)
        return News(_fresh(headlines, now, limit, within))

    def _store(self, symbol: str, headlines: list[Headline], now: dt.datetime) -> None:
        with self._engine().begin() as conn:
            for h in headlines:
                conn.execute(
                    news_headlines.delete().where(
                        news_headlines.c.symbol == symbol, news_headlines.c.url == h.url[:1000]
                    )
                )
                conn.execute(
                    news_headlines.insert().values(
                        symbol=symbol,
                        url=h.url[:1000],
                        title=h.title[:500],
                        publisher=h.publisher[:200],
                        published=h.published,
                        fetched_at=now,
                    )
                )

    def _stored(self, symbol: str, now: dt.datetime, limit: int, within: dt.timedelta) -> News:
        query = (
            sa.select(news_headlines)
            .where(news_headlines.c.symbol == symbol)
            .order_by(news_headlines.c.published.desc())
            .limit(limit)
        )
        with self._engine().connect() as conn:
            rows = list(conn.execute(query))
        if not rows:
            return News(())
        headlines = tuple(Headline(r.title, r.url, _utc(r.published), r.publisher) for r in rows)
        as_of = max(_utc(r.fetched_at) for r in rows)
        return News(_fresh(headlines, as_of, limit, within), as_of)


def _fresh(
    headlines: Any, now: dt.datetime, limit: int, within: dt.timedelta = RECENT
) -> tuple[Headline, ...]:
    return tuple(h for h in headlines if now - h.published <= within)[:limit]


def _utc(moment: dt.datetime) -> dt.datetime:
    return moment.replace(tzinfo=dt.UTC) if moment.tzinfo is None else moment
