"""Scheduling passes with a controlled clock: local times, DST, cadences, exactly once."""

from __future__ import annotations

import asyncio
import datetime as dt
import time

import pytest
import sqlalchemy as sa

from briefings.storage.tables import deliveries as deliveries_table
from briefings.subscriptions.claims import ClaimStore
from chat.delivery import CheckDeferred, DeliveryError, OutcomeUnknown
from tests.harness.clock import FakeClock
from tests.harness.delivery import (
    META,
    deliveries,
    make_services,
    posts,
    posts_per_channel,
    subscribe,
    utc,
)


@pytest.fixture
def clock():
    return FakeClock(utc(2026, 11, 30, 6, 0))


@pytest.fixture
def services(settings, clock):
    return make_services(settings, clock)


def run_pass(services, settings, at, **options):
    return asyncio.run(deliveries(services, settings, **options).deliver_due(at))


def test_each_channel_posts_at_its_own_local_time(services, settings):
    subscribe(services, "paris", "08:30", "Europe/Paris")
    subscribe(services, "new-york", "08:30", "America/New_York")
    subscribe(services, "tokyo", "08:30", "Asia/Tokyo")
    assert run_pass(services, settings, utc(2026, 11, 29, 23, 29)).delivered == []
    assert [
        d["channel"] for d in run_pass(services, settings, utc(2026, 11, 29, 23, 30)).delivered
    ] == ["tokyo"]
    assert run_pass(services, settings, utc(2026, 11, 30, 7, 29)).delivered == []
    assert [
        d["channel"] for d in run_pass(services, settings, utc(2026, 11, 30, 7, 30)).delivered
    ] == ["paris"]
    assert run_pass(services, settings, utc(2026, 11, 30, 13, 29)).delivered == []
    assert [
        d["channel"] for d in run_pass(services, settings, utc(2026, 11, 30, 13, 30)).delivered
    ] == ["new-york"]
    assert posts_per_channel(settings) == {"tokyo": 1, "paris": 1, "new-york": 1}


@pytest.mark.parametrize(
    ("zone", "before_change", "after_change"),
    [
        # Europe/Paris springs forward on 2026-03-29: 08:30 is 07:30 UTC before, 06:30 after.
        ("Europe/Paris", utc(2026, 3, 27, 7, 30), utc(2026, 3, 30, 6, 30)),
        # America/New_York springs forward on 2026-03-08: 08:30 is 13:30 UTC before, 12:30 after.
        ("America/New_York", utc(2026, 3, 6, 13, 30), utc(2026, 3, 9, 12, 30)),
    ],
)
def test_dst_change_week_keeps_the_local_time(
    services, settings, zone, before_change, after_change
):
    subscribe(services, "c", "08:30", zone)
    minute = dt.timedelta(minutes=1)
    assert run_pass(services, settings, before_change - minute).delivered == []
    assert len(run_pass(services, settings, before_change).delivered) == 1
    assert run_pass(services, settings, after_change - minute).delivered == []
    assert len(run_pass(services, settings, after_change).delivered) == 1
    assert posts_per_channel(settings) == {"c": 2}


def test_trading_days_skip_weekends_and_thanksgiving_daily_does_not(services, settings):
    subscribe(services, "trading", "10:00", "America/New_York", cadence="trading-days")
    subscribe(services, "weekdays", "10:00", "America/New_York", cadence="weekdays")
    subscribe(services, "daily", "10:00", "America/New_York", cadence="daily")
    thanksgiving = run_pass(services, settings, utc(2026, 11, 26, 15, 5))
    assert sorted(d["channel"] for d in thanksgiving.delivered) == ["daily", "weekdays"]
    early_close = run_pass(services, settings, utc(2026, 11, 27, 15, 5))  # a session, closes 13:00
    assert sorted(d["channel"] for d in early_close.delivered) == ["daily", "trading", "weekdays"]
    saturday = run_pass(services, settings, utc(2026, 11, 28, 15, 5))
    assert [d["channel"] for d in saturday.delivered] == ["daily"]


def test_a_pass_run_twice_posts_once(services, settings):
    subscribe(services, "c", "08:30", "Europe/Paris")
    at = utc(2026, 11, 30, 7, 31)
    assert len(run_pass(services, settings, at).delivered) == 1
    assert run_pass(services, settings, at).delivered == []
    assert run_pass(services, settings, at + dt.timedelta(minutes=10)).delivered == []
    assert posts_per_channel(settings) == {"c": 1}


def test_two_schedulers_on_one_database_post_once_per_channel(settings, clock):
    first, second = make_services(settings, clock), make_services(settings, clock)
    for n in range(30):
        subscribe(first, f"c{n}", "08:30", "Europe/Paris")
    at = utc(2026, 11, 30, 7, 30)

    async def both():
        return await asyncio.gather(
            deliveries(first, settings).deliver_due(at),
            deliveries(second, settings).deliver_due(at),
        )

    one, two = asyncio.run(both())
    assert len(one.delivered) + len(two.delivered) == 30
    assert posts_per_channel(settings) == {f"c{n}": 1 for n in range(30)}


def test_missed_while_down_is_posted_late_within_grace_and_recorded_beyond(services, settings):
    subscribe(services, "within", "08:30", "Europe/Paris")
    subscribe(services, "beyond", "03:00", "Europe/Paris")
    runner = deliveries(services, settings)
    report = asyncio.run(runner.deliver_due(utc(2026, 11, 30, 9, 0)))  # 10:00 in Paris
    assert report.delivered == [
        {"platform": "console", "channel": "within", "date": "2026-11-30", "late": True}
    ]
    # yesterday's posts for both, and today's 03:00 one, are past the grace period
    assert [(s["channel"], s["date"]) for s in report.skipped] == [
        ("within", "2026-11-29"),
        ("beyond", "2026-11-29"),
        ("beyond", "2026-11-30"),
    ]
    assert "beyond the 3 h grace period" in report.skipped[-1]["reason"]
    assert (
        "Posted late: this briefing was due at 08:30 (Europe/Paris)."
        in runner.ports["console"].stream.getvalue()
    )
    again = run_pass(services, settings, utc(2026, 11, 30, 9, 5))
    assert again.delivered == [] and again.skipped == []
    assert posts_per_channel(settings) == {"within": 1}
    with services.database.engine.connect() as conn:
        missed = conn.execute(
            sa.select(sa.func.count()).where(deliveries_table.c.state == "missed")
        )
        assert missed.scalar() == 3


def test_the_first_post_is_the_first_time_after_subscribing(services, settings):
    subscribe(
        services, "new", "08:30", "Europe/Paris", created=utc(2026, 11, 30, 8, 0)
    )  # 09:00 Paris
    assert run_pass(services, settings, utc(2026, 11, 30, 8, 5)).delivered == []
    assert len(run_pass(services, settings, utc(2026, 12, 1, 7, 31)).delivered) == 1


def test_a_crash_mid_fan_out_leaves_no_channel_twice_and_none_missed(services, settings, tmp_path):
    import subprocess
    import sys

    for n in range(10):
        subscribe(services, f"c{n}", "08:30", "Europe/Paris")
    at = utc(2026, 11, 30, 7, 31)
    dead = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True
    ).stdout.strip()
    crashed = deliveries(services, settings)
    crashed.claims = ClaimStore(
        services.database.engine,
        owner=f"{ClaimStore(services.database.engine).owner.rpartition(':')[0]}:{dead}",
    )
    real_deliver = crashed.ports["console"].deliver
    count = {"posted": 0}

    async def deliver_then_die(target, reply, key):
        if count["posted"] == 4:
            raise asyncio.CancelledError  # the process dies here: later posts never happen
        count["posted"] += 1
        return await real_deliver(target, reply, key)

    crashed.ports["console"].deliver = deliver_then_die
    with pytest.raises(asyncio.CancelledError):
        asyncio.run(crashed.deliver_due(at))
    assert len(posts(settings)) == 4
    run_pass(services, settings, at + dt.timedelta(minutes=1))
    assert posts_per_channel(settings) == {f"c{n}": 1 for n in range(10)}
    with services.database.engine.connect() as conn:
        states = (
            conn.execute(
                sa.select(deliveries_table.c.state).where(
                    deliveries_table.c.local_date == dt.date(2026, 11, 30)
                )
            )
            .scalars()
            .all()
        )
    assert states == ["delivered"] * 10


def test_retry_with_backoff_then_success_posts_once(services, settings):
    subscribe(services, "c", "08:30", "Europe/Paris")
    runner = deliveries(services, settings)
    port = runner.ports["console"]
    real, calls = port.deliver, []

    async def flaky(target, reply, key):
        calls.append(key)
        if len(calls) < 3:
            raise DeliveryError("HTTP 503")
        return await real(target, reply, key)

    port.deliver = flaky
    report = asyncio.run(runner.deliver_due(utc(2026, 11, 30, 7, 31)))
    assert len(report.delivered) == 1 and len(calls) == 3
    assert posts_per_channel(settings) == {"c": 1}


def test_a_channel_that_cannot_receive_is_paused_with_its_reason(services, settings):
    subscribe(services, "gone", "08:30", "Europe/Paris")
    runner = deliveries(services, settings)
    calls = []

    async def refuse(target, reply, key):
        calls.append(key)
        raise DeliveryError("channel_not_found", permanent=True)

    runner.ports["console"].deliver = refuse
    report = asyncio.run(runner.deliver_due(utc(2026, 11, 30, 7, 31)))
    assert report.failed[0]["reason"] == "channel_not_found" and len(calls) == 1
    assert (
        services.subscriptions.get("console", "local", "gone").paused_reason == "channel_not_found"
    )
    later = run_pass(services, settings, utc(2026, 12, 1, 7, 31))
    assert later.delivered == [] and later.failed == []


def test_a_transient_failure_is_retried_at_later_sweeps_then_given_up_after_grace(
    services, settings
):
    subscribe(services, "c", "08:30", "Europe/Paris")
    runner = deliveries(services, settings, attempts=3)
    real = runner.ports["console"].deliver

    async def down(target, reply, key):
        raise DeliveryError("HTTP 500")

    def row():
        with services.database.engine.connect() as conn:
            return conn.execute(
                sa.select(deliveries_table).where(deliveries_table.c.state != "missed")
            ).one()

    runner.ports["console"].deliver = down
    report = asyncio.run(runner.deliver_due(utc(2026, 11, 30, 7, 31)))
    assert report.failed == [] and report.retrying == [
        {"platform": "console", "channel": "c", "date": "2026-11-30", "reason": "HTTP 500"}
    ]
    assert (row().state, row().attempts, row().last_error) == ("retrying", 3, "HTTP 500")
    assert asyncio.run(runner.deliver_due(utc(2026, 11, 30, 7, 32))).retrying  # still down
    runner.ports["console"].deliver = real  # back
    assert len(asyncio.run(runner.deliver_due(utc(2026, 11, 30, 7, 33))).delivered) == 1
    assert posts_per_channel(settings) == {"c": 1}

    subscribe(services, "d", "08:30", "Europe/Paris")
    runner.ports["console"].deliver = down
    asyncio.run(runner.deliver_due(utc(2026, 12, 1, 7, 31)))
    hours = settings.delivery.grace_hours
    late = utc(2026, 12, 1, 7, 30) + dt.timedelta(hours=hours, minutes=5)
    report = asyncio.run(runner.deliver_due(late))
    reasons = sorted(str(f["reason"]) for f in report.failed)
    assert reasons == ["gave up after the grace period: HTTP 500"] * 2  # c and d, 1 Dec


def test_market_data_unavailable_still_posts_and_says_so(settings, clock):
    from commands.services import Services

    services = Services(settings, clock=clock, price_files={"AAPL": META})  # no META
    subscribe(services, "c", "08:30", "Europe/Paris")
    runner = deliveries(services, settings)
    report = asyncio.run(runner.deliver_due(utc(2026, 11, 30, 7, 31)))
    assert len(report.delivered) == 1
    text = runner.ports["console"].stream.getvalue()
    assert "Market data is unavailable right now (no price file)" in text
    assert "Insight of the day" in text


@pytest.mark.slow
def test_a_thousand_subscriptions_in_one_minute(services, settings):
    for n in range(1000):
        subscribe(services, f"c{n:04}", "08:30", "Europe/Paris", lang="fr" if n % 2 else "en")
    started = time.perf_counter()
    report = run_pass(services, settings, utc(2026, 11, 30, 7, 30))
    elapsed = time.perf_counter() - started
    print(f"\n1,000 subscriptions delivered in {elapsed:.2f} s")
    assert len(report.delivered) == 1000
    assert report.briefings_built == 2  # one per (date, language)
    assert services.market.charts.renders == 2
    assert len(posts_per_channel(settings)) == 1000


def test_an_unknown_outcome_is_checked_at_the_next_sweep_and_not_posted_again(
    services, settings, clock
):
    subscribe(services, "lost", "08:30", "Europe/Paris")
    runner = deliveries(services, settings)
    port = runner.ports["console"]
    post, check = port.deliver, port.find_delivery

    async def lost_answer(target, reply, key):
        await post(target, reply, key)
        raise OutcomeUnknown("timeout")  # posted, its answer lost

    async def not_yet(target, key, since=None):
        raise CheckDeferred("one history read a minute")

    port.deliver, port.find_delivery = lost_answer, not_yet
    first = asyncio.run(runner.deliver_due(utc(2026, 11, 30, 7, 31)))
    assert first.delivered == [] and first.retrying[0]["reason"].startswith("outcome unknown")
    port.deliver, port.find_delivery = post, check
    second = asyncio.run(runner.deliver_due(utc(2026, 11, 30, 7, 32)))
    assert len(second.delivered) == 1
    assert posts_per_channel(settings) == {"lost": 1}  # found by its id, not posted again
