"""MarketData: TTL cache, single-flight upstream fetch, backoff, timeout, stored fallback."""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa

from briefings.market.bars import Bar, MarketDataError, MarketDataUnavailable, Series
from briefings.market.cache import MarketData
from briefings.market.store import BarStore
from briefings.market.yahoo_source import RateLimited
from briefings.storage import Database
from tests.harness.clock import FakeClock

START = dt.datetime(2026, 11, 27, 14, 0, tzinfo=dt.UTC)


def _series(closes: list[float], symbol: str = "META", source: str = "test") -> Series:
    bars = tuple(
        Bar(dt.date(2026, 11, 2) + dt.timedelta(days=i), c, c + 1, c - 1, c, 1000 + i)
        for i, c in enumerate(closes)
    )
    return Series(symbol, bars, source, fetched_at=START - dt.timedelta(minutes=5))


class FakeSource:
    """Counts fetches; returns `series`, raises `error`, or blocks until released."""

    name = "fake"

    def __init__(self, series: Series | None = None, delay: float = 0.0) -> None:
        self.series = series or _series([100.0, 101.0, 102.0])
        self.delay = delay
        self.error: Exception | None = None
        self.calls = 0
        self.release = threading.Event()
        self.block = False
        self._lock = threading.Lock()

    def fetch(self, symbol: str) -> Series:
        with self._lock:
            self.calls += 1
        if self.delay:
            time.sleep(self.delay)
        if self.block:
            self.release.wait(5)
        if self.error is not None:
            raise self.error
        return self.series


@pytest.fixture
def store(tmp_path: Path) -> BarStore:
    return BarStore(Database(f"sqlite:///{tmp_path / 'bot.db'}").ready())


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(START)


@pytest.fixture
def source() -> Iterator[FakeSource]:
    fake = FakeSource()
    yield fake
    fake.release.set()  # never leave a worker thread blocked behind the test


def _data(
    source: FakeSource, store: BarStore | None, clock: FakeClock, **kwargs: float
) -> MarketData:
    options = {"timeout": 10.0, "backoff_seconds": 300.0, **kwargs}
    return MarketData(source, store, clock, ttl=lambda now: 300, **options)


# ---- store -------------------------------------------------------------------------------


def test_migration_creates_market_tables(store):
    tables = set(sa.inspect(store.engine).get_table_names())
    assert {"market_bars", "market_fetches", "insight_rotation"} <= tables


def test_store_round_trip_and_replace(store):
    assert store.load("META") is None
    first = _series([1.0, 2.0, 3.0], source="Yahoo Finance")
    store.save(first)
    loaded = store.load("META")
    assert loaded == first
    assert loaded.fetched_at.tzinfo is not None
    assert loaded.stale_reason is None

    second = Series("META", first.bars[:1], "file META.csv", START)
    store.save(second)
    assert store.load("META") == second
    assert store.load("AAPL") is None


def test_store_keeps_symbols_apart_and_forgets_staleness(store):
    store.save(_series([5.0], symbol="AAPL"))
    store.save(Series("META", _series([7.0]).bars, "test", START, stale_reason="timeout"))
    assert store.load("AAPL").last.close == 5.0
    assert store.load("META").last.close == 7.0
    assert store.load("META").stale_reason is None


# ---- cache ---------------------------------------------------------------------------------


async def test_concurrent_callers_share_one_upstream_fetch(source, store, clock):
    source.delay = 0.05
    data = _data(source, store, clock)
    results = await asyncio.gather(*(data.series("META") for _ in range(200)))
    assert source.calls == 1
    assert data.upstream_fetches == 1
    assert all(result is results[0] for result in results)
    assert results[0].bars == source.series.bars
    assert not results[0].is_stale

    await data.series("META")
    assert (source.calls, data.cache_hits) == (1, 1)
    assert store.load("META").bars == source.series.bars  # saved for the next restart


async def test_ttl_expiry_fetches_again(source, store, clock):
    data = _data(source, store, clock)
    await data.series("META")
    clock.advance(seconds=299)
    await data.series("META")
    assert (source.calls, data.cache_hits) == (1, 1)

    source.series = _series([100.0, 101.0, 102.0, 110.0])
    clock.advance(seconds=2)
    fresh = await data.series("META")
    assert source.calls == 2
    assert fresh.last.close == 110.0


async def test_ttl_depends_on_the_time(source, clock):
    ttls = []

    def ttl(now: dt.datetime) -> float:
        ttls.append(now)
        return 60 if now.hour < 16 else 3600

    data = MarketData(source, None, clock, ttl, timeout=10, backoff_seconds=300)
    await data.series("META")
    clock.advance(seconds=61)
    await data.series("META")
    assert source.calls == 2
    clock.now = START.replace(hour=16)
    await data.series("META")
    clock.advance(seconds=600)
    await data.series("META")
    assert source.calls == 3
    assert ttls[-1] == clock.now


async def test_symbols_are_cached_separately(source, clock):
    data = _data(source, None, clock)
    await asyncio.gather(data.series("META"), data.series("AAPL"), data.series("META"))
    assert source.calls == 2


async def test_rate_limit_backs_off_and_uses_stored_bars(source, store, clock):
    store.save(_series([90.0, 91.0]))
    source.error = RateLimited("META", "Yahoo rate limit")
    data = _data(source, store, clock, backoff_seconds=300)

    first = await data.series("META")
    assert first.stale_reason == "Yahoo rate limit"
    assert first.last.close == 91.0
    assert (source.calls, data.upstream_errors) == (1, 1)

    for _ in range(4):  # every minute until 14:04, inside the back-off: no upstream call
        clock.advance(seconds=60)
        later = await data.series("META")
        assert later.stale_reason == "Yahoo rate limit, retrying after 14:05 UTC"
        assert later.last.close == 91.0
    assert source.calls == 1

    source.error = None
    clock.advance(seconds=60)  # 14:05: the back-off is over
    fresh = await data.series("META")
    assert not fresh.is_stale
    assert source.calls == 2


async def test_rate_limit_blocks_every_symbol(source, store, clock):
    source.error = RateLimited("META", "Yahoo rate limit")
    data = _data(source, store, clock)
    with pytest.raises(MarketDataUnavailable):
        await data.series("META")
    with pytest.raises(MarketDataUnavailable) as error:
        await data.series("AAPL")
    assert error.value.reason == "Yahoo rate limit, retrying after 14:05 UTC"
    assert error.value.symbol == "AAPL"
    assert source.calls == 1


async def test_rate_limit_with_nothing_stored_is_unavailable(source, store, clock):
    source.error = RateLimited("META", "Yahoo rate limit")
    data = _data(source, store, clock)
    with pytest.raises(MarketDataUnavailable) as error:
        await data.series("META")
    assert error.value.reason == "Yahoo rate limit"
    clock.advance(seconds=120)
    with pytest.raises(MarketDataUnavailable) as error:
        await data.series("META")
    assert "retrying after 14:05 UTC" in error.value.reason
    assert source.calls == 1


async def test_failure_is_remembered_briefly(source, store, clock):
    store.save(_series([90.0]))
    source.error = ConnectionError("reset")
    data = _data(source, store, clock)
    reasons = []
    for _ in range(3):
        reasons.append((await data.series("META")).stale_reason)
        clock.advance(seconds=10)
    assert reasons == ["fake error (ConnectionError)"] * 3
    assert source.calls == 1

    clock.advance(seconds=1)  # 31 s after the failure
    await data.series("META")
    assert source.calls == 2


async def test_unavailable_reason_is_kept(source, store, clock):
    store.save(_series([90.0]))
    source.error = MarketDataUnavailable("META", "Yahoo unreachable (ConnectionError)")
    stale = await _data(source, store, clock).series("META")
    assert stale.stale_reason == "Yahoo unreachable (ConnectionError)"


async def test_failure_after_success_serves_last_good_bars_from_memory(source, clock):
    data = _data(source, None, clock)  # no database at all
    fresh = await data.series("META")
    source.error = MarketDataUnavailable("META", "Yahoo unreachable (ConnectionError)")
    clock.advance(seconds=301)
    stale = await data.series("META")
    assert stale.bars == fresh.bars
    assert stale.stale_reason == "Yahoo unreachable (ConnectionError)"
    assert data.stored("META").bars == fresh.bars


async def test_bad_price_file_error_reaches_the_caller(source, store, clock, tmp_path):
    from briefings.market.csv_source import FileSource

    bad = tmp_path / "META.csv"
    bad.write_text("Date,Open,High,Low,Close\n2024-03-13,1,2,0.5,1.5\n")
    store.save(_series([90.0]))
    data = MarketData(FileSource({"META": bad}), store, clock, lambda now: 300, 10, 300)
    with pytest.raises(MarketDataError, match=r"^META\.csv: missing column\(s\) Volume"):
        await data.series("META")
    bad.write_text("Date,Open,High,Low,Close,Volume\n2024-03-13,1,2,0.5,1.5,10\n")
    assert (await data.series("META")).last.close == 1.5  # fixed file read at once
    assert data.upstream_errors == 1


async def test_timeout_falls_back_to_stored_bars(source, store, clock):
    store.save(_series([90.0, 95.0]))
    source.block = True
    data = _data(source, store, clock, timeout=0.2)
    stale = await data.series("META")
    source.release.set()  # let the abandoned worker thread finish before the loop closes
    assert stale.stale_reason == "timeout after 0.2 s"
    assert stale.last.close == 95.0
    assert data.upstream_errors == 1


async def test_timeout_with_nothing_stored_is_unavailable(source, store, clock):
    source.block = True
    with pytest.raises(MarketDataUnavailable) as error:
        await _data(source, store, clock, timeout=0.2).series("META")
    source.release.set()
    assert error.value.reason == "timeout after 0.2 s"


async def test_a_caller_giving_up_does_not_cancel_the_shared_fetch(source, clock):
    source.delay = 0.1
    data = _data(source, None, clock)
    patient = asyncio.create_task(data.series("META"))
    with pytest.raises(TimeoutError):
        await asyncio.wait_for(data.series("META"), 0.01)
    assert (await patient).bars == source.series.bars
    assert source.calls == 1


async def test_failure_is_logged_once_with_context_and_no_traceback(source, store, clock, caplog):
    source.error = RateLimited("META", "Yahoo rate limit")
    data = _data(source, store, clock)
    with caplog.at_level(logging.WARNING, logger="briefings.market.cache"):
        await asyncio.gather(*(data.series("META") for _ in range(10)), return_exceptions=True)
    warnings = [r for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warnings) == 1
    assert "META" in warnings[0].getMessage()
    assert "Yahoo rate limit" in warnings[0].getMessage()
    assert warnings[0].exc_info is None


def test_stored_reads_the_database_and_never_fetches(source, store, clock):
    data = _data(source, store, clock)
    assert data.stored("META") is None
    store.save(_series([1.0, 2.0]))
    assert data.stored("META").last.close == 2.0
    assert data.stored("META").stale_reason is None
    assert source.calls == 0
