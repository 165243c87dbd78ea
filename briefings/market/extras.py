"""Intraday bars and earnings dates: extras beside the daily bars. Each is fetched at most once
per key at a time (callers share the fetch), in a daemon thread under a timeout, and kept for
`ttl(now)` seconds; a failure gives None (the reply goes on without it) and is not retried for
`failure_seconds`."""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
from collections.abc import Callable, Hashable
from typing import Any

from briefings.market.cache import in_daemon_thread

log = logging.getLogger(__name__)


class Extras:
    def __init__(
        self,
        clock: Callable[[], dt.datetime],
        timeout: float,
        failure_seconds: float = 60.0,
        blocked: Callable[[], bool] = lambda: False,
    ) -> None:
        self.clock = clock
        self.timeout = timeout
        self.failure_seconds = failure_seconds
        self.blocked = blocked  # e.g. after a Yahoo rate limit: leave it alone
        self.fetches = 0
        self._kept: dict[Hashable, tuple[Any, dt.datetime]] = {}
        self._failed: dict[Hashable, dt.datetime] = {}
        self._in_flight: dict[Hashable, asyncio.Task[Any]] = {}

    async def get(self, key: Hashable, fetch: Callable[[], Any], ttl: float) -> Any | None:
        """`fetch()`'s value for `key`, kept `ttl` seconds; None when it fails or is held back."""
        now = self.clock()
        kept = self._kept.get(key)
        if kept is not None and (now - kept[1]).total_seconds() < ttl:
            return kept[0]
        failed = self._failed.get(key)
        if (failed is not None and now < failed) or self.blocked():
            return kept[0] if kept else None
        task = self._in_flight.get(key)
        if task is None:
            task = asyncio.create_task(self._fetch(key, fetch), name=f"market extra {key}")
            self._in_flight[key] = task
        return await asyncio.shield(task)

    async def _fetch(self, key: Hashable, fetch: Callable[[], Any]) -> Any | None:
        self.fetches += 1
        try:
            value = await asyncio.wait_for(in_daemon_thread(fetch), self.timeout)
        except Exception as exc:
            until = self.clock() + dt.timedelta(seconds=self.failure_seconds)
            self._failed[key] = until
            log.warning("market data: %s failed (%s: %s)", key, type(exc).__name__, exc)
            kept = self._kept.get(key)
            return kept[0] if kept else None
        finally:
            self._in_flight.pop(key, None)
        self._kept[key] = (value, self.clock())
        self._failed.pop(key, None)
        return value
