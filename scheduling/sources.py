"""The sources' jobs: every replica polls the stored articles (so an article added anywhere is
answered here within POLL_SECONDS), SOURCES are added at start, and the leader alone
refreshes every source each SOURCES_REFRESH_MINUTES."""

from __future__ import annotations

import asyncio
import logging
from typing import TYPE_CHECKING

from apscheduler.triggers.interval import IntervalTrigger

from briefings.sources.safety import FetchRefused
from briefings.sources.urls import canonical_url
from scheduling.jobs import stops_quietly

if TYPE_CHECKING:
    from apscheduler.schedulers.asyncio import AsyncIOScheduler

    from commands.services import Services
    from scheduling.leader import LeaderLock

log = logging.getLogger(__name__)
POLL_SECONDS = 30


class SourcesJobs:
    def __init__(self, services: Services, leader: LeaderLock) -> None:
        self.services = services
        self.leader = leader
        self.refreshes = 0

    def start(self, scheduler: AsyncIOScheduler) -> None:
        scheduler.add_job(
            stops_quietly(self.poll),
            IntervalTrigger(seconds=POLL_SECONDS),
            id="sources-poll",
            replace_existing=True,
        )
        minutes = self.services.settings.sources.refresh_minutes
        if minutes > 0:
            scheduler.add_job(
                stops_quietly(self.refresh_if_leader),
                IntervalTrigger(minutes=minutes),
                id="sources-refresh",
                replace_existing=True,
            )
        if self.services.settings.sources.initial:
            asyncio.get_running_loop().create_task(self.add_initial())

    async def poll(self) -> None:
        """Pick up articles another replica stored."""
        try:
            await asyncio.to_thread(self.services.live_knowledge.reload)
        except Exception:
            log.exception("sources: polling the stored articles failed; next poll retries")

    async def refresh_if_leader(self) -> bool:
        """Refresh every source, on the leader only (as the last delivery pass found it, so
        the lock's connection is never used from two threads); whether it ran."""
        if not self.leader.is_leader:
            return False
        try:
            report = await self.services.sources.refresh()
        except Exception:
            log.exception("sources: refresh failed; the next one retries")
            return False
        self.refreshes += 1
        log.info(
            "sources: refreshed: %d added, %d updated, %d unchanged, %d failed",
            report.added,
            report.updated,
            report.unchanged,
            len(report.failed),
        )
        return True

    async def add_initial(self) -> None:
        """Add the SOURCES not stored yet (any replica: a URL is stored once, a second add is
        refused as a duplicate); a refusal is one log line."""
        known = {s.url for s in await self.services.sources.list()}
        for url in self.services.settings.sources.initial:
            if canonical_url(url) in known:
                continue
            try:
                await self.services.sources.add(url, added_by="SOURCES")
            except FetchRefused as refused:
                log.warning("sources: SOURCES entry %s not added: %s", url[:200], refused)
            except Exception:
                log.exception("sources: SOURCES entry %s not added", url[:200])
