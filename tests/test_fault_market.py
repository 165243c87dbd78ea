"""Yahoo Finance misbehaving: errors, 429s, empty frames and timeouts, one after another.

Through MarketData with a scripted source (sequences fuzzed with Hypothesis), through the real
yfinance code offline (tests/harness/yahoo.py), and through a scheduled delivery: the briefing
still goes out, and says which data it shows and why."""

from __future__ import annotations

import asyncio
import dataclasses
import datetime as dt
import threading
import time
from collections import deque
from pathlib import Path

import pytest
import requests
from hypothesis import given, settings
from hypothesis import strategies as st

from briefings.market.bars import MarketDataUnavailable, Series
from briefings.market.cache import MarketData
from briefings.market.csv_source import read_bars_csv
from briefings.market.store import BarStore
from briefings.market.yahoo_source import NO_DATA, RATE_LIMIT, RateLimited, YahooSource
from briefings.storage import Database
from commands.services import Services
from tests.harness.clock import FakeClock
from tests.harness.delivery import deliveries, posts_per_channel, subscribe, utc
from tests.harness.yahoo import FakeYahoo, yahoo_offline

META_BARS = read_bars_csv(Path(__file__).parent / "data" / "META.csv", "META")
YAHOO_BARS = dataclasses.replace(META_BARS, source="Yahoo Finance")
OUTCOMES = ("ok", "429", "unavailable", "empty", "timeout", "crash")
TIMEOUT = 0.1  # an "ok" answer comes back in microseconds, a hang a little after this


class ScriptedSource:
    """A MarketSource answering from a script, per call: fresh bars, a 429, no data, an empty
    answer, a hang (longer than MarketData's timeout) or an unexpected exception."""

    name = "yahoo"

    def __init__(self, *outcomes: str, default: str = "ok") -> None:
        self.outcomes = deque(outcomes)
        self.default = default
        self.calls: list[tuple[str, str]] = []
        self.lock = threading.Lock()
        self.hanging = 0

    def fetch(self, symbol: str) -> Series:
        with self.lock:
            outcome = self.outcomes.popleft() if self.outcomes else self.default
            self.calls.append((symbol, outcome))
        if outcome == "ok":
            return dataclasses.replace(
                YAHOO_BARS, symbol=symbol, fetched_at=dt.datetime.now(dt.UTC)
            )
        if outcome == "429":
            raise RateLimited(symbol, RATE_LIMIT)
        if outcome in ("unavailable", "empty"):
            raise MarketDataUnavailable(symbol, NO_DATA)
        if outcome == "timeout":
            with self.lock:
                self.hanging += 1
            time.sleep(TIMEOUT * 1.5)  # starts after the wait did: always late
            with self.lock:
                self.hanging -= 1
            return YAHOO_BARS
        raise KeyError("'chart'")  # what a changed Yahoo answer does to yfinance's parser

    def settle(self) -> None:
        """Wait for hung fetches (threads MarketData stopped waiting for) to end."""
        while self.hanging:
            time.sleep(0.01)


def market(source: object, store: BarStore | None, clock: FakeClock) -> MarketData:
    return MarketData(
        source,
        store,
        clock,
        ttl=lambda _now: 300,
        timeout=TIMEOUT,  # type: ignore[arg-type]
        backoff_seconds=600,
        failure_seconds=30,
    )


@pytest.fixture
def store(tmp_path: Path) -> BarStore:
    return BarStore(Database(f"sqlite:///{tmp_path / 'bars.db'}").ready())


EXPECTED_REASON = {
    "429": RATE_LIMIT,
    "unavailable": NO_DATA,
    "empty": NO_DATA,
    "timeout": f"timeout after {TIMEOUT:g} s",
    "crash": "yahoo error (KeyError)",
}


# ---- sequences through MarketData -----------------------------------------------------------


async def test_each_failure_after_good_data_is_labelled_with_its_reason(store: BarStore) -> None:
    clock = FakeClock(utc(2026, 11, 27, 14, 0))
    source = ScriptedSource("ok", "429", "ok", "unavailable", "timeout", "crash", "empty", "ok")
    data = market(source, store, clock)
    first = await data.series("META")
    assert first.stale_reason is None

    clock.advance(minutes=10)  # past the TTL: ask Yahoo again -> 429
    limited = await data.series("META")
    assert limited.stale_reason == RATE_LIMIT and limited.bars == first.bars
    clock.advance(minutes=5)  # within the backoff: Yahoo is left alone
    waiting = await data.series("META")
    assert waiting.stale_reason.startswith(RATE_LIMIT + ", retrying after ")
    assert len(source.calls) == 2
    clock.advance(minutes=6)  # backoff over
    assert (await data.series("META")).stale_reason is None

    for outcome in ("unavailable", "timeout", "crash", "empty"):
        clock.advance(minutes=10)
        got = await data.series("META")
        assert got.stale_reason == EXPECTED_REASON[outcome], outcome
        assert got.bars == first.bars
        clock.advance(seconds=10)  # within failure_seconds: not asked again
        again = await data.series("META")
        assert again.stale_reason == EXPECTED_REASON[outcome]
    clock.advance(minutes=10)
    assert (await data.series("META")).stale_reason is None
    assert [o for _s, o in source.calls] == list(
        ("ok", "429", "ok", "unavailable", "timeout", "crash", "empty", "ok")
    )
    source.settle()


async def test_a_restart_during_an_outage_answers_from_the_database(store: BarStore) -> None:
    clock = FakeClock(utc(2026, 11, 27, 14, 0))
    await market(ScriptedSource("ok"), store, clock).series("META")
    clock.advance(days=1)
    for outcome in ("429", "timeout", "crash"):
        restarted = market(ScriptedSource(outcome), store, clock)  # nothing in memory
        got = await restarted.series("META")
        assert got.stale_reason == EXPECTED_REASON[outcome]
        assert got.last == YAHOO_BARS.last
        restarted.source.settle()  # type: ignore[attr-defined]


async def test_concurrent_callers_during_a_timeout_share_one_fetch(store: BarStore) -> None:
    source = ScriptedSource("timeout")
    data = market(source, store, FakeClock(utc(2026, 11, 27, 14, 0)))
    results = await asyncio.gather(
        *(data.series("META") for _ in range(20)), return_exceptions=True
    )
    assert len(source.calls) == 1
    assert all(isinstance(r, MarketDataUnavailable) for r in results)
    assert {r.reason for r in results} == {f"timeout after {TIMEOUT:g} s"}  # type: ignore[union-attr]
    source.settle()


@pytest.mark.slow
@settings(max_examples=25, deadline=None)
@given(
    steps=st.lists(
        st.tuples(st.sampled_from(OUTCOMES), st.integers(0, 3600)), min_size=1, max_size=8
    ),
    with_store=st.booleans(),
)
def test_any_sequence_of_failures_gives_bars_or_a_reason_never_a_crash(
    tmp_path_factory: pytest.TempPathFactory, steps: list[tuple[str, int]], with_store: bool
) -> None:
    """Whatever Yahoo does, in any order and at any pace: `series` returns bars (stale ones
    labelled with a one-line reason) or raises MarketDataUnavailable; once good bars were seen,
    it always has bars; after a 429 Yahoo is not asked again within the backoff."""
    store = (
        BarStore(Database(f"sqlite:///{tmp_path_factory.mktemp('db') / 'bars.db'}").ready())
        if with_store
        else None
    )
    source = ScriptedSource(*(outcome for outcome, _ in steps), default="crash")
    clock = FakeClock(utc(2026, 11, 27, 14, 0))
    data = market(source, store, clock)
    seen_good = False
    limited_until: dt.datetime | None = None

    async def run() -> None:
        nonlocal seen_good, limited_until
        for _outcome, wait in steps:
            clock.advance(seconds=wait)
            calls_before = len(source.calls)
            try:
                got = await data.series("META")
            except MarketDataUnavailable as unavailable:
                assert not seen_good, "good bars were seen, yet none are shown"
                assert unavailable.reason and "\n" not in unavailable.reason
            else:
                assert got.bars == YAHOO_BARS.bars
                assert got.stale_reason is None or (
                    got.stale_reason and "\n" not in got.stale_reason
                )
                seen_good = seen_good or got.stale_reason is None
            asked = len(source.calls) > calls_before
            if limited_until is not None and clock.now < limited_until:
                assert not asked, "Yahoo was asked again during the rate-limit backoff"
            if asked and source.calls[-1][1] == "429":
                limited_until = clock.now + dt.timedelta(seconds=600)

    asyncio.run(run())
    source.settle()


# ---- the real yfinance, offline -------------------------------------------------------------


REAL_SEQUENCE = [  # what Yahoo does, each time the bot asks again, and what the bot then says
    ("429", RATE_LIMIT),
    ("empty", NO_DATA),
    ("unknown", NO_DATA),
    ("500", "Yahoo unreachable ("),
    ("down", "Yahoo unreachable (ConnectionError)"),
    (("slow", 0.6), "timeout after 0.3 s"),
    ("ok", None),
]


@pytest.mark.slow
async def test_real_yfinance_through_a_sequence_of_failures(
    tmp_path: Path, store: BarStore
) -> None:
    with yahoo_offline(tmp_path / "yf") as mock:
        yahoo = FakeYahoo(mock)
        yahoo.set("META", "ok")
        clock = FakeClock(utc(2026, 11, 27, 14, 0))
        data = MarketData(
            YahooSource(session=requests.Session()),
            store,
            clock,
            ttl=lambda _now: 300,
            timeout=30,
            backoff_seconds=600,
        )
        fresh = await data.series("META")
        assert fresh.stale_reason is None and fresh.last.date == dt.date(2025, 11, 26)
        for answer, reason in REAL_SEQUENCE:
            yahoo.set("META", answer)
            # Only the slow answer (0.6 s, always late) meets the short timeout: the others,
            # parsed by the real yfinance, may well take over 0.3 s on a busy machine.
            data.timeout = 0.3 if isinstance(answer, tuple) else 30
            clock.advance(minutes=11)  # past the TTL, the failure pause, the backoff
            got = await data.series("META")
            assert got.bars == fresh.bars, answer
            if reason is None:
                assert got.stale_reason is None
            else:
                assert got.stale_reason is not None and got.stale_reason.startswith(reason), answer


async def test_real_yfinance_429_backoff_leaves_yahoo_alone(
    tmp_path: Path, store: BarStore
) -> None:
    with yahoo_offline(tmp_path / "yf") as mock:
        yahoo = FakeYahoo(mock)
        yahoo.set("META", "429")
        yahoo.set("QQQ", "ok")
        clock = FakeClock(utc(2026, 11, 27, 14, 0))
        data = MarketData(
            YahooSource(session=requests.Session()),
            store,
            clock,
            ttl=lambda _now: 300,
            timeout=5,
            backoff_seconds=300,
        )
        with pytest.raises(MarketDataUnavailable) as nothing_stored:
            await data.series("META")
        assert nothing_stored.value.reason == RATE_LIMIT
        asked = yahoo.chart_calls("META")
        for n in range(6):  # a burst of requests during the backoff, other symbols included
            clock.advance(seconds=30)
            with pytest.raises(MarketDataUnavailable) as error:
                await data.series(("META", "QQQ")[n % 2])
            assert error.value.reason.startswith(RATE_LIMIT + ", retrying after ")
        assert yahoo.chart_calls("META") == asked and yahoo.chart_calls("QQQ") == 0
        yahoo.set("META", "ok")
        clock.advance(minutes=5)
        assert (await data.series("META")).stale_reason is None


# ---- a scheduled briefing while Yahoo is failing --------------------------------------------


def yahoo_services(settings, clock: FakeClock, source: object) -> Services:  # type: ignore[no-untyped-def]
    return Services(settings, clock=clock, market_source=source)


def test_the_briefing_goes_out_saying_the_data_is_unavailable_and_why(settings) -> None:  # type: ignore[no-untyped-def]
    clock = FakeClock(utc(2026, 11, 30, 7, 31))
    source = ScriptedSource(default="429")
    services = yahoo_services(settings, clock, source)
    subscribe(services, "c", "08:30", "Europe/Paris")
    runner = deliveries(services, settings)
    report = asyncio.run(runner.deliver_due(clock.now))
    assert len(report.delivered) == 1
    text = " ".join(runner.ports["console"].stream.getvalue().split())
    # nothing stored: the bundled sample, saying so and why
    assert (
        "No live market data; showing the bundled sample to 30 Jul 2024 (Yahoo rate limit)" in text
    )
    assert "Insight of the day" in text
    assert posts_per_channel(settings) == {"c": 1}


@pytest.mark.slow
def test_the_next_day_during_an_outage_shows_stored_data_labelled(settings) -> None:  # type: ignore[no-untyped-def]
    clock = FakeClock(utc(2026, 11, 27, 7, 31))
    source = ScriptedSource(default="ok")
    services = yahoo_services(settings, clock, source)
    subscribe(services, "c", "08:30", "Europe/Paris")
    runner = deliveries(services, settings)
    asyncio.run(runner.deliver_due(clock.now))
    first = " ".join(runner.ports["console"].stream.getvalue().split())
    assert "Data: Yahoo Finance, as of 30 Jul 2024" in first

    for outcome, reason in (
        ("crash", "yahoo error (KeyError)"),
        ("timeout", "timeout after 10 s"),
        ("429", "Yahoo rate limit"),
    ):
        clock.advance(days=1)
        source.default = outcome
        restarted = yahoo_services(settings, clock, source)  # a new process each morning
        restarted.settings.market.__dict__["fetch_timeout"] = (
            TIMEOUT if outcome == "timeout" else 10
        )
        runner = deliveries(restarted, settings)
        report = asyncio.run(runner.deliver_due(clock.now))
        assert len(report.delivered) == 1, outcome
        text = " ".join(runner.ports["console"].stream.getvalue().split())  # unwrapped
        shown = reason if outcome != "timeout" else f"timeout after {TIMEOUT:g} s"
        assert (
            f"Data: Yahoo Finance is unavailable ({shown}); showing stored data as of 30 Jul 2024"
            in text
        )
        assert "META close" in text  # the figures are there, from the stored bars
        source.settle()
    assert posts_per_channel(settings) == {"c": 4}


def test_real_yfinance_outage_on_the_morning_of_a_delivery(settings, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    clock = FakeClock(utc(2025, 11, 28, 7, 31))
    with yahoo_offline(tmp_path / "yf") as mock:
        yahoo = FakeYahoo(mock)
        for symbol in ("META", "QQQ", "GOOGL", "MSFT"):
            yahoo.set(symbol, "ok" if symbol == "META" else "unknown")
        services = yahoo_services(settings, clock, YahooSource(session=requests.Session()))
        subscribe(services, "c", "08:30", "Europe/Paris")
        runner = deliveries(services, settings)
        asyncio.run(runner.deliver_due(clock.now))
        for symbol in ("META", "QQQ", "GOOGL", "MSFT"):
            yahoo.set(symbol, "down")
        clock.set(utc(2025, 12, 1, 7, 31))
        again = yahoo_services(settings, clock, YahooSource(session=requests.Session()))
        runner = deliveries(again, settings)
        report = asyncio.run(runner.deliver_due(clock.now))
    assert len(report.delivered) == 1
    text = " ".join(runner.ports["console"].stream.getvalue().split())
    assert (
        "Data: Yahoo Finance is unavailable (Yahoo unreachable (ConnectionError)); "
        "showing stored data as of 26 Nov 2025"
    ) in text
    assert "QQQ" in text and "unavailable (Yahoo unreachable (ConnectionError))" in text
    assert posts_per_channel(settings) == {"c": 2}
