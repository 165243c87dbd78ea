"""Everything SQLite does, on a real PostgreSQL: migrations, subscriptions, claims, the leader."""

from __future__ import annotations

import asyncio

import pytest
import sqlalchemy as sa

from config import load_settings
from scheduling.leader import LeaderLock
from tests.harness.clock import FakeClock
from tests.harness.delivery import deliveries, make_services, posts_per_channel, subscribe, utc

pytestmark = pytest.mark.postgres  # every test here runs on the PostgreSQL server

AT = utc(2026, 11, 30, 7, 30)


def test_migrations_create_every_table(postgres_url):
    services = make_services(load_settings(), FakeClock(AT))
    engine = services.database.ready()
    assert engine.dialect.name == "postgresql"
    tables = set(sa.inspect(engine).get_table_names())
    assert {
        "subscriptions",
        "deliveries",
        "insight_rotation",
        "market_bars",
        "market_fetches",
        "alembic_version",
    } <= tables
    services.database._migrated = False
    services.database.migrate()  # a second upgrade is a no-op that loses nothing


def test_subscriptions_and_exactly_once_on_postgres(postgres_url):
    settings = load_settings()
    clock = FakeClock(AT)
    first, second = make_services(settings, clock), make_services(settings, clock)
    for n in range(20):
        subscribe(first, f"c{n}", "08:30", "Europe/Paris")
    assert len(second.subscriptions.all()) == 20

    async def both():
        return await asyncio.gather(
            deliveries(first, settings).deliver_due(AT),
            deliveries(second, settings).deliver_due(AT),
        )

    one, two = asyncio.run(both())
    assert len(one.delivered) + len(two.delivered) == 20
    assert posts_per_channel(settings) == {f"c{n}": 1 for n in range(20)}
    again = asyncio.run(deliveries(first, settings).deliver_due(AT))
    assert again.delivered == []


def test_only_one_replica_holds_the_leader_lock(postgres_url):
    engine_a = sa.create_engine(postgres_url)
    engine_b = sa.create_engine(postgres_url)
    leader, standby = LeaderLock(engine_a), LeaderLock(engine_b)
    assert leader.acquire() is True
    assert standby.acquire() is False
    assert leader.acquire() is True  # still ours
    leader.release()
    assert standby.acquire() is True
    standby.release()
