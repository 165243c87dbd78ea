"""Everything SQLite does, on a real PostgreSQL: migrations, subscriptions, claims, the leader."""

from __future__ import annotations

import asyncio

import pytest
import sqlalchemy as sa

from chat.delivery import CheckDeferred, DeliveryError, OutcomeUnknown
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


def test_retrying_and_unknown_outcomes_are_taken_again_at_the_next_sweep(postgres_url):
    settings = load_settings()
    clock = FakeClock(AT)
    services = make_services(settings, clock)
    subscribe(services, "down", "08:30", "Europe/Paris")
    subscribe(services, "lost", "08:30", "Europe/Paris")
    runner = deliveries(services, settings)
    port = runner.ports["console"]
    post, check = port.deliver, port.find_delivery

    async def flaky(target, reply, key):
        if target.channel == "down":
            raise DeliveryError("http_503")  # answered: nothing posted
        await post(target, reply, key)
        raise OutcomeUnknown("timeout")  # posted, its answer lost

    async def not_yet(target, key, since=None):
        raise CheckDeferred("one history read a minute")

    port.deliver, port.find_delivery = flaky, not_yet
    first = asyncio.run(runner.deliver_due(AT))
    assert first.delivered == [] and len(first.retrying) == 2
    port.deliver, port.find_delivery = post, check
    clock.advance(minutes=1)
    second = asyncio.run(runner.deliver_due(clock()))
    assert sorted(d["channel"] for d in second.delivered) == ["down", "lost"]
    assert posts_per_channel(settings) == {"down": 1, "lost": 1}  # "lost" found, not reposted
