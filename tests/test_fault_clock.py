"""The clock misbehaving: the machine's clock jumping forward over a due time (a laptop waking,
a VM resumed, NTP stepping), back again, and DST changes: each briefing is posted once.

Scheduling passes at chosen instants (Deliveries.deliver_due(at)), sequences of jumps fuzzed
with Hypothesis, and the live APScheduler with the wall clock moved by time-machine."""

from __future__ import annotations

import asyncio
import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa
import time_machine
from hypothesis import given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from briefings.storage.tables import deliveries as deliveries_table
from commands.services import Services
from config import load_settings
from scheduling.scheduler import BriefingScheduler, trigger_for
from tests.harness.clock import FakeClock
from tests.harness.delivery import META, deliveries, make_services, posts, subscribe, utc
from tests.harness.waiting import eventually

PARIS = ZoneInfo("Europe/Paris")
GRACE = dt.timedelta(hours=3)
LATE = "Posted late: this briefing was due at 08:30 (Europe/Paris)."


def run_pass(services, settings, at):
    runner = deliveries(services, settings)
    report = asyncio.run(runner.deliver_due(at))
    return report, runner.ports["console"].stream.getvalue()


def states(services) -> dict[str, str]:
    with services.database.engine.connect() as conn:
        rows = conn.execute(sa.select(deliveries_table.c.local_date, deliveries_table.c.state))
        return {day.isoformat(): state for day, state in rows}


# ---- jumps forward (and back) over the due time ------------------------------------------------


def test_jumps_forward_over_the_due_time_post_once_late_or_record_a_miss(settings):
    clock = FakeClock(utc(2026, 11, 30, 6, 0))
    services = make_services(settings, clock)
    subscribe(services, "c", "08:30", "Europe/Paris", created=utc(2026, 11, 30, 0, 0))

    report, _ = run_pass(services, settings, utc(2026, 11, 30, 6, 0))  # 07:00 Paris: not yet
    assert report.delivered == []
    report, text = run_pass(services, settings, utc(2026, 11, 30, 9, 40))  # jump: 10:40 Paris
    assert report.delivered == [
        {"platform": "console", "channel": "c", "date": "2026-11-30", "late": True}
    ]
    assert LATE in " ".join(text.split())
    for at in (utc(2026, 11, 30, 9, 41), utc(2026, 11, 30, 12, 0), utc(2026, 11, 30, 7, 31)):
        assert run_pass(services, settings, at)[0].delivered == []  # incl. a jump back to 08:31

    report, _ = run_pass(services, settings, utc(2026, 12, 1, 10, 0))  # next day, 2 h 30 late
    assert [d["late"] for d in report.delivered] == [True]
    report, _ = run_pass(services, settings, utc(2026, 12, 2, 11, 0))  # 12:00 Paris: 3 h 30 late
    assert report.delivered == []
    assert "beyond the 3 h grace period" in report.skipped[0]["reason"]
    report, _ = run_pass(services, settings, utc(2026, 12, 2, 7, 31))  # NTP steps back to 08:31
    assert report.delivered == []  # the miss is recorded: not posted after all, nor twice

    assert len(posts(settings)) == 2
    assert states(services) == {
        "2026-11-30": "delivered",
        "2026-12-01": "delivered",
        "2026-12-02": "missed",
    }


def test_a_jump_of_days_posts_only_what_is_within_grace(settings):
    clock = FakeClock(utc(2026, 11, 30, 7, 0))
    services = make_services(settings, clock)
    subscribe(services, "c", "08:30", "Europe/Paris", created=utc(2026, 11, 30, 0, 0))
    subscribe(services, "ny", "08:30", "America/New_York", created=utc(2026, 11, 30, 0, 0))
    run_pass(services, settings, utc(2026, 11, 30, 7, 0))
    report, _ = run_pass(services, settings, utc(2026, 12, 4, 14, 0))  # asleep four days
    # Paris: 08:30 was 6 h 30 ago (missed); New York: 09:00 there, 30 min late: posted.
    assert [(d["channel"], d["date"], d["late"]) for d in report.delivered] == [
        ("ny", "2026-12-04", True)
    ]
    assert sorted((s["channel"], s["date"]) for s in report.skipped) == [
        ("c", "2026-12-03"),
        ("c", "2026-12-04"),
        ("ny", "2026-12-03"),
    ]
    assert len(posts(settings)) == 1


DUE_ZONES = {"paris": "Europe/Paris", "ny": "America/New_York"}


@pytest.mark.slow
@hypothesis_settings(max_examples=8, deadline=None)
@given(jumps=st.lists(st.integers(1, 36 * 60), min_size=1, max_size=5))
def test_any_sequence_of_forward_jumps_posts_each_day_at_most_once_and_never_drops_one(
    tmp_path_factory, jumps
):
    """Passes at instants that jump forward by minutes to a day and a half: a day's briefing
    is posted iff the first pass after its due time is within the grace period; never twice."""
    settings = load_settings(data_dir=tmp_path_factory.mktemp("data"))
    start = utc(2026, 11, 30, 0, 0)
    clock = FakeClock(start)
    services = Services(settings, clock=clock, price_files={"META": META})
    for channel, zone in DUE_ZONES.items():
        subscribe(services, channel, "08:30", zone, cadence="daily", created=start)
    instants = [start]
    for minutes in jumps:
        instants.append(instants[-1] + dt.timedelta(minutes=minutes))
    for at in instants:
        clock.set(at)
        asyncio.run(deliveries(services, settings).deliver_due(at))

    posted = [(p["channel"], p["delivery_id"][-10:]) for p in posts(settings)]
    assert len(posted) == len(set(posted)), f"posted twice: {posted}"
    for channel, zone in DUE_ZONES.items():
        tz = ZoneInfo(zone)
        day = start.astimezone(tz).date()
        while day <= instants[-1].astimezone(tz).date():
            due = dt.datetime.combine(day, dt.time(8, 30), tzinfo=tz)
            first_after = next((at for at in instants if at >= due), None)
            expected = first_after is not None and first_after - due <= GRACE
            assert ((channel, day.isoformat()) in posted) == expected, (channel, day, instants)
            day += dt.timedelta(days=1)


# ---- DST changes ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("zone", "night_start", "wall_time", "expected_utc"),
    [
        # Paris falls back on 25 Oct 2026 (03:00 CEST -> 02:00 CET): 02:30 happens twice; the first.
        ("Europe/Paris", utc(2026, 10, 24, 20, 0), "02:30", utc(2026, 10, 25, 0, 30)),
        # Paris springs forward on 29 Mar 2026 (02:00 CET -> 03:00 CEST): 02:30 does not exist.
        ("Europe/Paris", utc(2026, 3, 28, 20, 0), "02:30", utc(2026, 3, 29, 1, 30)),
        # New York falls back on 1 Nov 2026 (02:00 EDT -> 01:00 EST): 01:30 happens twice.
        ("America/New_York", utc(2026, 10, 31, 22, 0), "01:30", utc(2026, 11, 1, 5, 30)),
        # New York springs forward on 8 Mar 2026: 02:30 does not exist.
        ("America/New_York", utc(2026, 3, 7, 22, 0), "02:30", utc(2026, 3, 8, 7, 30)),
        # An ordinary time on the day of a change.
        ("Europe/Paris", utc(2026, 10, 24, 20, 0), "08:30", utc(2026, 10, 25, 7, 30)),
    ],
)
def test_a_dst_night_posts_once_at_the_right_instant(
    settings, zone, night_start, wall_time, expected_utc
):
    clock = FakeClock(night_start)
    services = make_services(settings, clock)
    subscribe(services, "c", wall_time, zone, created=night_start)
    delivered_at = []
    at = night_start
    while at < night_start + dt.timedelta(hours=30):  # a pass every 10 minutes through the night
        clock.set(at)
        report = asyncio.run(deliveries(services, settings).deliver_due(at))
        delivered_at += [(at, d["date"], d["late"]) for d in report.delivered]
        at += dt.timedelta(minutes=10)
    first_day = expected_utc.astimezone(ZoneInfo(zone)).date()
    assert delivered_at[0] == (expected_utc, first_day.isoformat(), False)
    assert [d for _at, d, _late in delivered_at] == sorted({d for _at, d, _late in delivered_at})
    assert len(delivered_at) == len({d for _at, d, _late in delivered_at})  # once per local day
    assert not any(late for _at, _d, late in delivered_at)


@pytest.mark.parametrize(
    ("zone", "wall", "start"),
    [
        ("Europe/Paris", "02:30", utc(2026, 10, 24, 0, 0)),
        ("Europe/Paris", "02:30", utc(2026, 3, 28, 0, 0)),
        ("America/New_York", "01:30", utc(2026, 10, 31, 0, 0)),
    ],
)
def test_the_cron_trigger_across_dst_nights_wakes_passes_that_post_once_a_day(
    settings, zone, wall, start
):
    """APScheduler's CronTrigger fires at 02:30 *twice* on a fall-back night (02:30 CEST and
    02:30 CET): harmless, because a fire only wakes a pass, and claims are per local day."""
    clock = FakeClock(start)
    services = make_services(settings, clock)
    subscribe(services, "c", wall, zone, created=start)
    trigger = trigger_for(services.subscriptions.all()[0])
    fires, previous, now = [], None, start
    while (fire := trigger.get_next_fire_time(previous, now)) < start + dt.timedelta(days=3):
        fires.append(fire)
        previous, now = fire, fire.astimezone(dt.UTC) + dt.timedelta(seconds=1)  # not wall time
    for fire in fires:  # the scheduler's clock is UTC: a pass runs at the fire's instant
        asyncio.run(deliveries(services, settings).deliver_due(clock.set(fire.astimezone(dt.UTC))))
    local_days = {f.astimezone(ZoneInfo(zone)).date().isoformat() for f in fires}
    assert len(fires) >= len(local_days) == 3
    assert sorted(p["delivery_id"][-10:] for p in posts(settings)) == sorted(local_days)


# ---- the live APScheduler with the wall clock jumping -------------------------------------------


async def _scheduler_across_a_jump(settings, jump: dt.timedelta):
    services = Services(settings, clock=lambda: dt.datetime.now(dt.UTC), price_files={"META": META})
    subscribe(services, "c", "08:30", "Europe/Paris", created=utc(2026, 11, 30, 0, 0))
    scheduler = BriefingScheduler(deliveries(services, settings))
    await scheduler.start()
    try:
        await scheduler._running  # the catch-up pass at start: nothing due yet
        assert posts(settings) == []
        due = scheduler.next_fire_times()["at * 08:30 Europe/Paris"]
        assert due == utc(2026, 11, 30, 7, 30)
        return scheduler, services
    except BaseException:
        await scheduler.stop()
        raise


@pytest.mark.slow
async def test_the_scheduler_posts_a_briefing_whose_time_the_clock_jumped_over(settings):
    with time_machine.travel(utc(2026, 11, 30, 7, 29, 59), tick=True) as traveller:
        scheduler, services = await _scheduler_across_a_jump(settings, dt.timedelta(hours=2))
        try:
            traveller.shift(dt.timedelta(hours=2))  # 10:30 Paris before the 08:30 timer fires
            await eventually(lambda: posts(settings))
            if scheduler._running:
                await scheduler._running
            assert len(posts(settings)) == 1
            assert states(services) == {"2026-11-30": "delivered"}
            scheduler.wake()  # the next sweep
            await scheduler._running
            assert len(posts(settings)) == 1
            next_fire = scheduler.next_fire_times()["at * 08:30 Europe/Paris"]
            assert next_fire.astimezone(PARIS) == dt.datetime(2026, 12, 1, 8, 30, tzinfo=PARIS)
        finally:
            await scheduler.stop()


@pytest.mark.slow
async def test_a_jump_beyond_the_grace_period_is_recorded_as_missed_not_posted(settings):
    with time_machine.travel(utc(2026, 11, 30, 7, 29, 59), tick=True) as traveller:
        scheduler, services = await _scheduler_across_a_jump(settings, dt.timedelta(hours=4))
        try:
            traveller.shift(dt.timedelta(hours=4))  # 12:30 Paris: past the 3 h grace
            await asyncio.sleep(1.5)  # the 08:30 timer fires: a misfire, skipped
            scheduler.wake()  # the next sweep
            await scheduler._running
            assert posts(settings) == []
            assert states(services) == {"2026-11-30": "missed"}
        finally:
            await scheduler.stop()
