"""The APScheduler side: one CronTrigger per posting time in its zone, kept in sync with the
table, a catch-up pass at start, the first briefing's libraries loaded ahead of time, and a
job still running at shutdown cut short with one line."""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import sys
from zoneinfo import ZoneInfo

import pytest
import requests

from briefings.market.yahoo_source import YahooSource
from briefings.subscriptions.model import Subscription
from commands.router import Router
from commands.services import Services
from scheduling import scheduler as scheduler_module
from scheduling.scheduler import BriefingScheduler, trigger_for
from tests.harness.clock import FakeClock
from tests.harness.delivery import deliveries, make_services, posts_per_channel, subscribe, utc
from tests.harness.waiting import eventually
from tests.harness.yahoo import FakeYahoo, yahoo_offline


def _sub(zone: str, cadence: str = "daily") -> Subscription:
    return Subscription(
        1, "console", "local", "c", dt.time(8, 30), zone, "en", cadence, "t", utc(2020, 1, 1)
    )


@pytest.mark.parametrize("zone", ["Europe/Paris", "America/New_York"])
def test_cron_trigger_fires_at_local_time_through_a_dst_change(zone):
    trigger = trigger_for(_sub(zone))
    fire = trigger.get_next_fire_time(None, utc(2026, 3, 1, 0, 0))
    local_times = set()
    utc_hours = set()
    for _ in range(40):  # both US and EU spring changes fall inside these 40 days
        local_times.add(fire.astimezone(ZoneInfo(zone)).strftime("%H:%M"))
        utc_hours.add(fire.astimezone(dt.UTC).hour)
        fire = trigger.get_next_fire_time(fire, fire + dt.timedelta(seconds=1))
    assert local_times == {"08:30"}
    assert len(utc_hours) == 2  # the UTC hour moved by one


def test_weekday_cadences_do_not_fire_on_weekends():
    trigger = trigger_for(_sub("Europe/Paris", "trading-days"))
    fire = trigger.get_next_fire_time(None, utc(2026, 11, 27, 8, 0))  # Friday after 08:30 Paris
    assert fire.date() == dt.date(2026, 11, 30)


async def test_jobs_follow_the_table_and_start_catches_up(settings):
    clock = FakeClock(utc(2026, 11, 30, 7, 40))  # 08:40 in Paris
    services = make_services(settings, clock)
    subscribe(services, "missed-at-0830", "08:30", "Europe/Paris")
    scheduler = BriefingScheduler(deliveries(services, settings))
    await scheduler.start()
    try:
        await scheduler._running  # the catch-up pass started with the scheduler
        assert posts_per_channel(settings) == {"missed-at-0830": 1}
        subscribe(services, "tokyo", "09:00", "Asia/Tokyo")
        subscribe(services, "also-0830", "08:30", "Europe/Paris")  # shares the first one's job
        jobs = scheduler.next_fire_times()
        paris, tokyo = "at * 08:30 Europe/Paris", "at * 09:00 Asia/Tokyo"
        assert set(jobs) == {
            "sweep",
            "alerts",
            "sources-poll",
            "sources-refresh",
            "prepare",
            paris,
            tokyo,
        }
        assert jobs[tokyo].astimezone(ZoneInfo("Asia/Tokyo")).strftime("%H:%M") == "09:00"
        services.subscriptions.remove("console", "tokyo")
        services.subscriptions.remove("console", "also-0830")
        assert set(scheduler.next_fire_times()) == {
            "sweep",
            "alerts",
            "sources-poll",
            "sources-refresh",
            "prepare",
            paris,
        }
        scheduler.wake()
        await scheduler._running
        assert posts_per_channel(settings) == {"missed-at-0830": 1}  # woken again: nothing twice
    finally:
        await scheduler.stop()
    assert not scheduler.scheduler.running


async def test_the_first_briefing_is_prepared_ahead_of_the_first_posting_time(
    settings, monkeypatch
):
    now = dt.datetime.now(dt.UTC)
    posting = (now + dt.timedelta(minutes=2)).replace(second=0, microsecond=0)
    ahead = posting - now - dt.timedelta(seconds=1)  # so that it happens a second from now
    monkeypatch.setattr(scheduler_module, "PREPARE_AHEAD", ahead)
    services = make_services(settings, FakeClock(utc(2026, 11, 30, 7, 40)))
    subscribe(services, "soon", f"{posting:%H:%M}", "UTC")
    scheduler = BriefingScheduler(deliveries(services, settings))
    await scheduler.start()
    try:
        jobs = scheduler.next_fire_times()
        assert jobs["prepare"] == jobs[f"at * {posting:%H:%M} UTC"] - ahead
        # The job leaves the schedule when it starts; the libraries load in a thread after.
        await eventually(lambda: scheduler._prepared, timeout=30)
        assert "mplfinance" in sys.modules and "prepare" not in scheduler.next_fire_times()
        subscribe(services, "another", f"{posting:%H:%M}", "Asia/Tokyo")
        assert "prepare" not in scheduler.next_fire_times()  # once per process
    finally:
        await scheduler.stop()


async def test_a_move_alert_pass_still_waiting_on_yahoo_at_shutdown_leaves_no_traceback(
    settings, tmp_path, caplog
):
    """APScheduler's shutdown cancels the jobs still running; its executor logs a cancelled
    job as an error with a traceback unless the job takes the cancellation itself."""
    caplog.set_level(logging.INFO)
    with yahoo_offline(tmp_path / "yf") as mock:
        yahoo = FakeYahoo(mock)
        yahoo.set("META", ("slow", 2.0))
        during_the_session = FakeClock(utc(2025, 11, 26, 18, 0))  # 13:00 in New York
        services = Services(
            settings,
            clock=during_the_session,
            market_source=YahooSource(session=requests.Session()),
        )
        on = await Router(services).handle_text(
            "/meta alerts on", platform="console", channel="c1", can_manage_channel=True
        )
        assert on.ok
        scheduler = BriefingScheduler(deliveries(services, settings), sweep_seconds=0.2)
        await scheduler.start()
        await eventually(lambda: FakeYahoo._slow_in_flight, timeout=30)  # the pass waits
        await scheduler.stop()
        for _ in range(3):  # the cancellation reaches the job, which ends
            await asyncio.sleep(0.05)
        FakeYahoo.wait_for_slow_answers()
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR or r.exc_info]
    assert "job _alerts cut short: the bot is stopping" in caplog.text


async def test_a_move_alert_pass_that_meets_a_deleted_database_adds_no_second_line(
    settings, tmp_path, caplog
):
    """The database's guard logs one line when the file goes; the alert pass that meets it
    next says it stopped, without a traceback repeating that line."""
    caplog.set_level(logging.INFO)
    during_the_session = FakeClock(utc(2025, 11, 26, 18, 0))  # 13:00 in New York
    services = make_services(settings, during_the_session)
    on = await Router(services).handle_text(
        "/meta alerts on", platform="console", channel="c1", can_manage_channel=True
    )
    assert on.ok
    scheduler = BriefingScheduler(deliveries(services, settings), sweep_seconds=0.2)
    await scheduler.start()
    try:
        database = tmp_path / "data" / "bot.db"
        for suffix in ("", "-wal", "-shm"):
            database.with_name(database.name + suffix).unlink(missing_ok=True)
        await eventually(lambda: "move alert pass stopped by the database" in caplog.text, 30)
    finally:
        await scheduler.stop()
    gone = [r for r in caplog.records if "is gone" in r.getMessage()]
    assert len(gone) == 1 and not gone[0].exc_info
    assert not [r for r in caplog.records if r.exc_info]
