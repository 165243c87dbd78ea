"""Market data for the bot: in-memory TTL cache, one shared upstream fetch, stored fallback."""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import logging
import threading
from collections.abc import Callable
from dataclasses import replace
from typing import Protocol, TypeVar

from briefings.market.bars import MarketDataError, MarketDataUnavailable, Series
from briefings.market.store import BarStore
from briefings.market.yahoo_source import RateLimited
from chat.wording import Phrase

log = logging.getLogger(__name__)
T = TypeVar("T")


class MarketSource(Protocol):
    """Where fresh bars come from (YahooSource, FileSource); `fetch` blocks."""

    name: str

    def fetch(self, symbol: str) -> Series: ...


class MarketData:
    """Fresh bars when possible, the last stored bars (with `stale_reason`) otherwise, and the
    bundled sample (`sample`) when nothing is stored.

    - within `ttl(now)` seconds of the last good fetch: the in-memory series (a cache hit);
    - otherwise one upstream fetch per symbol, shared by all concurrent callers, in a thread,
      under `timeout` seconds;
    - a MarketDataError (a malformed price file) propagates: no fallback, nothing remembered;
    - after a rate limit no upstream call (for any symbol) for `backoff_seconds`; after another
      failure none for that symbol for `failure_seconds`, so a burst does not hammer upstream.
    """

    def __init__(
        self,
        source: MarketSource,
        store: BarStore | None,
        clock: Callable[[], dt.datetime],
        ttl: Callable[[dt.datetime], float],
        timeout: float = 10.0,
        backoff_seconds: float = 300.0,
        failure_seconds: float = 30.0,
        sample: Callable[[str], Series | None] | None = None,
    ) -> None:
        self.source = source
        self.store = store
        self.clock = clock
        self.ttl = ttl
        self.timeout = timeout
        self.backoff_seconds = backoff_seconds
        self.failure_seconds = failure_seconds
        self.sample = sample  # the bundled snapshot: the last resort, after the store
        self.upstream_fetches = 0
        self.cache_hits = 0
        self.upstream_errors = 0
        self._memory: dict[str, tuple[Series, dt.datetime]] = {}
        self._in_flight: dict[str, asyncio.Task[Series]] = {}
        self._failures: dict[str, tuple[str, dt.datetime]] = {}
        self._rate_limited: tuple[str, dt.datetime] | None = None  # reason, until

    async def series(self, symbol: str) -> Series:
        """The symbol's bars; raises MarketDataUnavailable when neither fresh nor stored."""
        now = self.clock()
        cached = self._memory.get(symbol)
        if cached is not None and (now - cached[1]).total_seconds() < self.ttl(now):
            self.cache_hits += 1
            return cached[0]
        task = self._in_flight.get(symbol)
        if task is None:
            task = asyncio.create_task(self._refresh(symbol), name=f"market-data {symbol}")
            self._in_flight[symbol] = task
        # shield: a caller giving up (cancelled) must not cancel the fetch others wait for
        return await asyncio.shield(task)

    def stored_in_memory(self, symbol: str) -> Series | None:
        """The last good bars this process fetched, if any (no I/O)."""
        cached = self._memory.get(symbol)
        return cached[0] if cached else None

    def stored(self, symbol: str) -> Series | None:
        """The stored bars, synchronously, never fetching (the last good ones without a store)."""
        if self.store is not None:
            return self.store.load(symbol)
        cached = self._memory.get(symbol)
        return cached[0] if cached else None

    async def _refresh(self, symbol: str) -> Series:
        try:
            reason = self._blocked(symbol, self.clock())
            if reason is not None:
                return await self._fallback(symbol, reason)
            return await self._fetch(symbol)
        finally:
            self._in_flight.pop(symbol, None)

    def _blocked(self, symbol: str, now: dt.datetime) -> str | None:
        """Why upstream must not be called now, or None."""
        if self._rate_limited is not None:
            reason, until = self._rate_limited
            if now < until:
                return Phrase(
                    "reason.retrying", reason=reason, time=f"{until.astimezone(dt.UTC):%H:%M}"
                )
        failure = self._failures.get(symbol)
        if failure is not None and now < failure[1]:
            return failure[0]
        return None

    async def _fetch(self, symbol: str) -> Series:
        self.upstream_fetches += 1
        try:
            series = await asyncio.wait_for(
                in_daemon_thread(self.source.fetch, symbol), self.timeout
            )
        except RateLimited as exc:
            reason = exc.reason
            until = self.clock() + dt.timedelta(seconds=self.backoff_seconds)
            self._rate_limited = (reason, until)
        except MarketDataUnavailable as exc:
            reason = exc.reason
        except TimeoutError:
            reason = Phrase("reason.timeout", seconds=f"{self.timeout:g}")
        except MarketDataError as exc:  # a bad price file: not transient, the person must see it
            self.upstream_errors += 1
            log.warning("market data: %s from %s: %s", symbol, self.source.name, exc)
            raise
        except Exception as exc:
            reason = Phrase(
                "reason.source_error", source=self.source.name, error=type(exc).__name__
            )
        else:
            self._memory[symbol] = (series, self.clock())
            self._failures.pop(symbol, None)
            await self._save(series)
            return series
        self.upstream_errors += 1
        self._failures[symbol] = (reason, self.clock() + dt.timedelta(seconds=self.failure_seconds))
        log.warning("market data: %s from %s failed: %s", symbol, self.source.name, reason)
        log.debug("market data: %s failure details", symbol, exc_info=True)
        return await self._fallback(symbol, reason)

    async def _save(self, series: Series) -> None:
        if self.store is None:
            return
        try:
            await asyncio.to_thread(self.store.save, series)
        except Exception as exc:
            log.warning(
                "market data: could not store %s bars (%s: %s)",
                series.symbol,
                type(exc).__name__,
                exc,
            )

    async def _fallback(self, symbol: str, reason: str) -> Series:
        """The last good bars marked stale, or MarketDataUnavailable(symbol, reason)."""
        cached = self._memory.get(symbol)
        last = cached[0] if cached else None
        if last is None and self.store is not None:
            try:
                last = await asyncio.to_thread(self.store.load, symbol)
            except Exception as exc:
                log.warning(
                    "market data: could not read stored %s bars (%s: %s)",
                    symbol,
                    type(exc).__name__,
                    exc,
                )
        if last is None and self.sample is not None:
            last = await asyncio.to_thread(self.sample, symbol)
        if last is None:
            raise MarketDataUnavailable(symbol, reason)
        return replace(last, stale_reason=reason)

    def rate_limited(self) -> bool:
        """Whether upstream is being left alone after a rate limit."""
        return self._rate_limited is not None and self.clock() < self._rate_limited[1]


def in_daemon_thread(function: Callable[..., T], *args: object) -> asyncio.Future[T]:
    """Run a blocking upstream call in a daemon thread of its own. Unlike `asyncio.to_thread`,
    a call stuck upstream (a network that never answers) holds up neither `asyncio.run`'s exit
    nor the interpreter's: whoever awaits it with a timeout is free at the timeout."""
    loop = asyncio.get_running_loop()
    future: asyncio.Future[T] = loop.create_future()

    def settle(result: T | None, error: BaseException | None) -> None:
        if future.done():
            return  # the awaiting side gave up (timeout) long ago
        if error is not None:
            future.set_exception(error)
        else:
            future.set_result(result)  # type: ignore[arg-type]

    def work() -> None:
        try:
            result = function(*args)
        except BaseException as exc:
            with contextlib.suppress(RuntimeError):  # the loop is closed: nobody is waiting
                loop.call_soon_threadsafe(settle, None, exc)
        else:
            with contextlib.suppress(RuntimeError):
                loop.call_soon_threadsafe(settle, result, None)

    threading.Thread(target=work, name="upstream-fetch", daemon=True).start()
    return future
