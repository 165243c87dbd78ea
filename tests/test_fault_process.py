"""The database briefly locked while a delivery pass runs: the pass waits, retries nothing
twice, loses nothing. (A process SIGKILLed mid fan-out is tests/test_delivery_processes.py.)"""

from __future__ import annotations

import asyncio
import datetime as dt
import sqlite3
import threading
import time
from pathlib import Path

import pytest
import sqlalchemy as sa

from bot.adapters.console import ConsoleDelivery
from briefings.storage.tables import deliveries as deliveries_table
from chat.delivery import Target
from chat.reply import Reply
from scheduling.fanout import Deliveries
from tests.harness.clock import FakeClock
from tests.harness.delivery import (
    console_port,
    make_services,
    posts,
    posts_per_channel,
    subscribe,
    utc,
)

AT = utc(2026, 11, 30, 7, 31)  # 08:31 in Paris
CHANNELS = [f"c{n:02}" for n in range(12)]


class ExclusiveLock:
    """`BEGIN EXCLUSIVE` on a second sqlite3 connection (another process would do the same),
    held for `seconds` in a thread of its own."""

    def __init__(self, database: Path, seconds: float) -> None:
        self.database = database
        self.seconds = seconds
        self.taken = threading.Event()
        self.released = threading.Event()
        self.thread = threading.Thread(target=self._hold, daemon=True)

    def _hold(self) -> None:
        conn = sqlite3.connect(self.database, timeout=10, isolation_level=None)
        try:
            conn.execute("BEGIN EXCLUSIVE")
            self.taken.set()
            time.sleep(self.seconds)
            conn.execute("COMMIT")
        finally:
            conn.close()
            self.released.set()

    def start(self) -> ExclusiveLock:
        self.thread.start()
        assert self.taken.wait(5), "could not take the lock"
        return self

    def join(self) -> None:
        self.thread.join(10)


@pytest.fixture
def clock():
    return FakeClock(AT)


@pytest.fixture
def services(settings, clock):
    services = make_services(settings, clock)
    for channel in CHANNELS:
        subscribe(services, channel, "08:30", "Europe/Paris")
    return services


def database_file(services) -> Path:
    return Path(services.database.engine.url.database)


def states(services) -> dict[str, int]:
    with services.database.engine.connect() as conn:
        rows = conn.execute(
            sa.select(deliveries_table.c.state, sa.func.count())
            .where(deliveries_table.c.state != "missed")
            .group_by(deliveries_table.c.state)
        )
        return dict(rows.all())


def runner(services, settings, port) -> Deliveries:
    async def no_wait(_seconds: float) -> None:
        return None

    return Deliveries(services, {"console": port}, sleep=no_wait)


@pytest.mark.slow
def test_a_pass_started_while_the_database_is_locked_waits_and_delivers_everything_once(
    services, settings
):
    lock = ExclusiveLock(database_file(services), 1.0).start()
    started = time.monotonic()
    report = asyncio.run(runner(services, settings, console_port(settings)).deliver_due(AT))
    waited = time.monotonic() - started
    lock.join()
    assert waited >= 0.8  # the claims did wait for the lock
    assert len(report.delivered) == len(CHANNELS) and report.failed == []
    assert posts_per_channel(settings) == dict.fromkeys(CHANNELS, 1)
    assert states(services) == {"delivered": len(CHANNELS)}


class LockAfterFirstPost:
    """A console port that, right after its first post, has another connection lock the
    database for a second: recording that post (and claiming the others) meets the lock."""

    platform = "console"

    def __init__(self, inner: ConsoleDelivery, database: Path) -> None:
        self.inner = inner
        self.database = database
        self.lock: ExclusiveLock | None = None

    async def deliver(self, target: Target, reply: Reply, delivery_id: str) -> str:
        message_id = await self.inner.deliver(target, reply, delivery_id)
        if self.lock is None:
            self.lock = ExclusiveLock(self.database, 1.0)
            await asyncio.to_thread(self.lock.start)
        return message_id

    async def find_delivery(
        self, target: Target, delivery_id: str, since: dt.datetime | None = None
    ) -> str | None:
        return await self.inner.find_delivery(target, delivery_id, since)


@pytest.mark.slow
def test_a_lock_between_posting_and_recording_loses_nothing_and_posts_nothing_twice(
    services, settings
):
    port = LockAfterFirstPost(console_port(settings), database_file(services))
    report = asyncio.run(runner(services, settings, port).deliver_due(AT))
    assert port.lock is not None
    port.lock.join()
    assert len(report.delivered) == len(CHANNELS) and report.failed == []
    assert posts_per_channel(settings) == dict.fromkeys(CHANNELS, 1)
    assert states(services) == {"delivered": len(CHANNELS)}
    # And a pass right after (the next sweep) finds nothing owed.
    again = asyncio.run(runner(services, settings, console_port(settings)).deliver_due(AT))
    assert again.delivered == [] and len(posts(settings)) == len(CHANNELS)


@pytest.mark.slow
def test_two_schedulers_and_a_lock_still_post_each_channel_once(services, settings, clock):
    other = make_services(settings, clock)
    lock = ExclusiveLock(database_file(services), 1.0).start()

    async def both():
        return await asyncio.gather(
            runner(services, settings, console_port(settings)).deliver_due(AT),
            runner(other, settings, console_port(settings)).deliver_due(AT),
        )

    one, two = asyncio.run(both())
    lock.join()
    assert len(one.delivered) + len(two.delivered) == len(CHANNELS)
    assert posts_per_channel(settings) == dict.fromkeys(CHANNELS, 1)
    assert states(services) == {"delivered": len(CHANNELS)}
