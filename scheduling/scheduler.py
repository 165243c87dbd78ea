"""The scheduler: APScheduler's AsyncIOScheduler with one CronTrigger per posting time (days,
local time, zone) that some subscription has, rebuilt from the table whenever it changes.

A job does not post by itself: it wakes one delivery pass (claims make passes idempotent), so
1,000 subscriptions due in the same minute share one job, one pass and one briefing per
language. (One job per subscription made APScheduler work out 1,000 next fire times on the
event loop at that minute: 0.4 s during which no command was acknowledged.) A sweep every
minute and a pass at start catch anything a sleeping machine or a restart missed.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import threading
from typing import TYPE_CHECKING

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.date import DateTrigger
from apscheduler.triggers.interval import IntervalTrigger

from briefings.storage.faults import problem_of
from briefings.subscriptions.model import WEEKDAYS, Subscription, weekly_day
from scheduling.jobs import stops_quietly
from scheduling.leader import LeaderLock
from scheduling.sources import SourcesJobs

if TYPE_CHECKING:
    from scheduling.fanout import Deliveries
    from scheduling.report import PassReport

log = logging.getLogger(__name__)
SWEEP_SECONDS = 60
PREPARE_AHEAD = dt.timedelta(seconds=90)  # the first briefing's libraries load this early


def _days(sub: Subscription) -> str:
    weekday = weekly_day(sub.cadence)
    if weekday is not None:
        return WEEKDAYS[weekday]
    return "*" if sub.cadence == "daily" else "mon-fri"


def job_id(sub: Subscription) -> str:
    """The job that wakes the pass for `sub`: one per (days, local time, zone), e.g.
    `at mon-fri 08:30 Europe/Paris`, shared by every subscription posting then."""
    return f"at {_days(sub)} {sub.time:%H:%M} {sub.tz}"


def trigger_for(sub: Subscription) -> CronTrigger:
    """Fires at the subscription's local time on the days its cadence may post
    (trading days are checked against the market calendar when the pass runs)."""
    return CronTrigger(
        day_of_week=_days(sub), hour=sub.time.hour, minute=sub.time.minute, timezone=sub.tz
    )


class BriefingScheduler:
    def __init__(self, deliveries: Deliveries, sweep_seconds: float = SWEEP_SECONDS) -> None:
        self.deliveries = deliveries
        self.sweep_seconds = sweep_seconds
        self.leader = LeaderLock(deliveries.services.database.ready())
        self.scheduler = AsyncIOScheduler(timezone=dt.UTC)
        self._running: asyncio.Task[None] | None = None
        self._again = False
        self._sync_lock = threading.Lock()
        self._prepared = False
        self.passes = 0

    async def start(self) -> None:
        """Start inside the running loop: jobs from the table, the sweep, a catch-up pass now."""
        grace = int(self.deliveries.grace.total_seconds())
        self.scheduler.configure(
            job_defaults={
                "coalesce": True,
                "max_instances": 1,
                "misfire_grace_time": max(grace, 60),
            }
        )
        self.scheduler.start()
        self.scheduler.add_job(
            stops_quietly(self._fire),
            IntervalTrigger(seconds=self.sweep_seconds),
            id="sweep",
            replace_existing=True,
        )
        self.scheduler.add_job(
            stops_quietly(self._alerts),
            IntervalTrigger(seconds=self.sweep_seconds),
            id="alerts",
            replace_existing=True,
        )
        self.sources = SourcesJobs(self.deliveries.services, self.leader)
        self.sources.start(self.scheduler)  # stored articles polled; the leader refreshes
        await asyncio.to_thread(self.sync_jobs)  # reads the table: never on the loop
        self.deliveries.services.subscription_listeners.append(self.sync_jobs)
        self.wake()

    def _plan_preparation(self) -> None:
        """Before the first posting time of this process: the market calendar and the chart
        libraries loaded (about a second of CPU), so that the minute itself only posts."""
        if self._prepared:
            return
        times = [
            job.next_run_time
            for job in self.scheduler.get_jobs()
            if job.id.startswith("at ") and job.next_run_time is not None
        ]
        if not times:
            return
        when = min(times) - PREPARE_AHEAD
        if when > dt.datetime.now(dt.UTC):  # else the pass loads them itself
            self.scheduler.add_job(
                stops_quietly(self._prepare), DateTrigger(when), id="prepare", replace_existing=True
            )

    async def _prepare(self) -> None:
        from briefings.market.chart import load_libraries

        calendar = self.deliveries.services.market.calendar

        def load() -> None:
            _ = calendar.bounds  # reads the exchange's calendar once
            load_libraries()

        try:
            await asyncio.to_thread(load)
            self._prepared = True
        except Exception:
            log.exception("preparing the first briefing failed; the pass will try again")

    def sync_jobs(self) -> None:
        """Make the jobs match the subscriptions table. Called in whatever thread changed the
        table (a command's thread: APScheduler's job changes are thread-safe)."""
        with self._sync_lock:
            times = {
                job_id(s): s for s in self.deliveries.subscriptions.all() if not s.paused_reason
            }
            existing = set()
            for job in self.scheduler.get_jobs():
                if job.id.startswith("at ") and job.id not in times:
                    job.remove()
                existing.add(job.id)
            for key, sub in times.items():
                if key not in existing:  # an existing one keeps its next fire time
                    self.scheduler.add_job(stops_quietly(self._fire), trigger_for(sub), id=key)
            self._plan_preparation()

    async def _alerts(self) -> None:
        """Move alerts (`/meta alerts on`): one check pass, by the leader, during the session."""
        from scheduling.alerts import check_alerts

        services = self.deliveries.services
        if not services.market.calendar.is_open_at(services.clock()):
            return
        try:
            if await asyncio.to_thread(self.leader.acquire):
                await check_alerts(services, self.deliveries.ports)
        except Exception as exc:
            _log_pass_failure("move alert pass", exc)

    async def _fire(self) -> None:
        """The jobs' function: a coroutine, so APScheduler runs it on the loop (a plain
        function would run in its thread pool, away from the loop)."""
        self.wake()

    def wake(self) -> None:
        """Run a delivery pass now, or right after the one in progress."""
        if self._running and not self._running.done():
            self._again = True
            return
        self._running = asyncio.get_running_loop().create_task(self._passes())

    async def _passes(self) -> None:
        while True:
            self._again = False
            try:
                if await asyncio.to_thread(self.leader.acquire):
                    report: PassReport = await self.deliveries.deliver_due()
                    self.passes += 1
                    del report
            except Exception as exc:
                _log_pass_failure("delivery pass", exc)
            if not self._again:
                return

    def next_fire_times(self) -> dict[str, dt.datetime | None]:
        return {job.id: job.next_run_time for job in self.scheduler.get_jobs()}

    async def stop(self, timeout: float = 20.0) -> None:
        """Stop firing; let the pass in progress finish its posts and hand back the rest."""
        listeners = self.deliveries.services.subscription_listeners
        if self.sync_jobs in listeners:
            listeners.remove(self.sync_jobs)
        if self.scheduler.running:
            self.scheduler.shutdown(wait=False)  # takes effect on the loop's next turn
            await asyncio.sleep(0)
        self.deliveries.stopping.set()
        if self._running and not self._running.done():
            try:
                await asyncio.wait_for(asyncio.shield(self._running), timeout)
            except TimeoutError:
                log.warning("delivery pass still running after %s s at shutdown", timeout)
        await asyncio.to_thread(self.leader.release)


def _log_pass_failure(what: str, exc: Exception) -> None:
    """A traceback for a bug; one info line for the database (busy, or a fault whose one line
    its guard has logged)."""
    if problem_of(exc) is None:
        log.exception("%s failed; the next sweep retries", what)
    else:
        log.info("%s stopped by the database; the next sweep retries", what)
