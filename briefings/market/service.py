"""The market data the bot uses, built from settings: Yahoo Finance behind a cache and a store,
or price files (`--prices`, MARKET_DATA_FILE) for demos, air-gapped use and tests."""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import time
from collections.abc import Callable
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

from briefings.market.bars import Intraday, MarketDataError, MarketDataUnavailable, Series
from briefings.market.calendar import MarketCalendar
from chat.wording import Phrase

if TYPE_CHECKING:
    from briefings.market.cache import MarketData
    from briefings.market.chart import ChartCache
    from briefings.market.earnings import Earnings
    from briefings.market.extras import Extras
    from briefings.storage import Database
    from config import Settings


log = logging.getLogger(__name__)
STORED_TTL = 300.0  # seconds `stored()` keeps what it read


class MarketService:
    """Series for symbols through one cache; with price files, only those files are used."""

    def __init__(
        self,
        settings: Settings,
        database: Callable[[], Database],
        clock: Callable[[], dt.datetime],
        files: dict[str, Path] | None = None,
        source: object | None = None,
        earnings_file: Path | None = None,
    ) -> None:
        self.settings = settings
        self.clock = clock
        self.calendar = MarketCalendar()
        self._database = database
        if files is None and settings.market.data_file:
            files = {settings.market.company_symbol: settings.market.data_file}
        self.files = files or {}
        self.earnings_file = earnings_file or settings.market.earnings_file
        self._source = source
        self._stored: dict[str, tuple[Series | None, float]] = {}

    @property
    def using_files(self) -> bool:
        return bool(self.files)

    @cached_property
    def data(self) -> MarketData:
        from briefings.market.bundled import sample_series
        from briefings.market.cache import MarketData

        sample = None if self.files else sample_series
        if self._source is not None:
            source, store = self._source, self._store()
        elif self.files:
            from briefings.market.csv_source import FileSource

            source, store = FileSource(self.files), None
        else:
            from briefings.market.yahoo_source import YahooSource

            source, store = YahooSource(), self._store()
        return MarketData(
            source,  # type: ignore[arg-type]
            store,
            self.clock,
            self._ttl,
            timeout=self.settings.market.fetch_timeout,
            backoff_seconds=self.settings.market.backoff_seconds,
            sample=sample,
        )

    @cached_property
    def extras(self) -> Extras:
        from briefings.market.extras import Extras

        return Extras(
            self.clock, self.settings.market.fetch_timeout, blocked=self.data.rate_limited
        )

    async def intraday(self, symbol: str) -> Intraday | None:
        """The latest session's 5-minute bars from Yahoo, or None (price files, a failure)."""
        source = self.data.source
        fetch = getattr(source, "fetch_intraday", None)
        if self.files or fetch is None:
            return None
        ttl = self.settings.market.cache_ttl_open
        return await self.extras.get(("intraday", symbol), lambda: fetch(symbol), ttl)

    async def earnings(self, symbol: str) -> Earnings | None:
        """Earnings dates: the earnings file (`--earnings`, EARNINGS_DATA_FILE) when set, else
        Yahoo's (kept MARKET_EARNINGS_TTL seconds; none with price files), or None."""
        if self.earnings_file is not None:
            from briefings.market.earnings import read_earnings_csv

            try:
                return await asyncio.to_thread(read_earnings_csv, self.earnings_file, symbol)
            except MarketDataError as exc:
                log.warning("earnings file: %s", exc)
                return None
        fetch = getattr(self.data.source, "fetch_earnings", None)
        if self.files or fetch is None:
            return None
        from briefings.market.earnings_store import EarningsStore

        def store() -> EarningsStore:  # in the fetch's thread: opening the database may block
            return EarningsStore(self._database().ready())

        def fetch_and_store() -> Earnings:
            earnings = fetch(symbol)
            try:
                store().save(earnings, self.clock())
            except Exception as exc:
                log.warning("could not store %s earnings (%s)", symbol, type(exc).__name__)
            return earnings

        def stored() -> Earnings | None:
            return store().load(symbol, str(getattr(self.data.source, "source", "stored")))

        ttl = self.settings.market.earnings_ttl
        got = await self.extras.get(("earnings", symbol), fetch_and_store, ttl)
        if got is not None:
            return got  # type: ignore[no-any-return]
        try:  # Yahoo failed: the last good dates, if any
            return await asyncio.to_thread(stored)
        except Exception as exc:
            log.warning("stored earnings for %s unreadable (%s)", symbol, type(exc).__name__)
            return None

    @cached_property
    def charts(self) -> ChartCache:
        from briefings.market.chart import ChartCache

        return ChartCache()

    def _store(self):  # type: ignore[no-untyped-def]
        from briefings.market.store import BarStore

        return BarStore(self._database().ready())

    def _ttl(self, now: dt.datetime) -> float:
        if self.calendar.is_open_at(now):
            return self.settings.market.cache_ttl_open
        return self.settings.market.cache_ttl_closed

    async def series(self, symbol: str) -> Series | MarketDataUnavailable:
        """The symbol's bars, or the reason there are none (never raises for missing data)."""
        if self.files and symbol not in self.files:
            return MarketDataUnavailable(symbol, Phrase("reason.no_price_file"))
        try:
            return await self.data.series(symbol)
        except MarketDataUnavailable as unavailable:
            return unavailable

    def stored(self, symbol: str) -> Series | None:
        """Bars at hand without any network call (for `ask`): what this process fetched last,
        else the price file or the store (kept for STORED_TTL seconds, so `ask` stays light)."""
        data = self.__dict__.get("data")
        if data is not None and (fresh := data.stored_in_memory(symbol)) is not None:
            return fresh
        now = time.monotonic()
        cached = self._stored.get(symbol)
        if cached is not None and now - cached[1] < STORED_TTL:
            return cached[0]
        series = self._read_stored(symbol)
        self._stored[symbol] = (series, now)
        return series

    def _read_stored(self, symbol: str) -> Series | None:
        try:
            if self.files:
                from briefings.market.csv_source import FileSource

                return FileSource(self.files).fetch(symbol)
            return self._store().load(symbol)
        except Exception:  # no file, a bad file, a locked database: `ask` goes on without
            return None
