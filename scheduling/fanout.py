"""One scheduling pass: claim every post that is owed, build each briefing once per (day,
language), post them all with bounded concurrency, and record how each went."""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

from briefings.compose import briefing, chart_for, market_report
from briefings.present import briefing_reply
from briefings.subscriptions.claims import Claim, ClaimStore
from briefings.subscriptions.model import Subscription
from briefings.subscriptions.timing import Due, owed
from chat.delivery import DeliveryError, DeliveryPort, Target
from chat.reply import Context, Reply
from chat.wording import say
from commands.brief import insight_of_the_day

if TYPE_CHECKING:
    from commands.services import Services

log = logging.getLogger(__name__)


@dataclass
class PassReport:
    delivered: list[dict[str, object]] = field(default_factory=list)
    skipped: list[dict[str, object]] = field(default_factory=list)
    failed: list[dict[str, object]] = field(default_factory=list)
    briefings_built: int = 0
    seconds: float = 0.0

    def as_json(self) -> dict[str, object]:
        return {"delivered": self.delivered, "skipped": self.skipped + self.failed}


def _duration(span: dt.timedelta) -> str:
    """'1 d 7 h 30 min'."""
    minutes = int(span.total_seconds() // 60)
    days, minutes = divmod(minutes, 24 * 60)
    hours, minutes = divmod(minutes, 60)
    parts = [
        f"{days} d" if days else "",
        f"{hours} h" if hours else "",
        f"{minutes} min" if minutes else "",
    ]
    return " ".join(p for p in parts if p) or "0 min"


def _entry(sub: Subscription, day: dt.date, **extra: object) -> dict[str, object]:
    return {"platform": sub.platform, "channel": sub.channel, "date": day.isoformat(), **extra}


class Deliveries:
    """Posts owed briefings exactly once through the platforms' delivery ports."""

    def __init__(
        self,
        services: Services,
        ports: dict[str, DeliveryPort],
        concurrency: int = 32,
        attempts: int = 3,
        backoff: tuple[float, ...] = (2.0, 8.0),
        post_timeout: float = 60.0,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        self.services = services
        self.ports = ports
        self.concurrency = concurrency
        self.attempts = attempts
        self.backoff = backoff
        self.post_timeout = post_timeout
        self.sleep = sleep
        self.stopping = asyncio.Event()
        engine = services.database.ready()
        self.subscriptions = services.subscriptions
        self.claims = ClaimStore(engine)

    @property
    def grace(self) -> dt.timedelta:
        return dt.timedelta(hours=self.services.settings.delivery.grace_hours)

    async def deliver_due(self, at: dt.datetime | None = None) -> PassReport:
        """Deliver everything owed at `at` (default: now)."""
        started = time.perf_counter()
        at = at or self.services.clock()
        report = PassReport()
        subs = await asyncio.to_thread(self.subscriptions.all)
        calendar = self.services.market.calendar
        wanted: list[Due] = []
        for sub in subs:
            for due in owed(sub, at, self.grace, calendar):
                if await self._wanted(due, at, report):
                    wanted.append(due)
        claims = await asyncio.to_thread(
            self.claims.claim_many, [(d.subscription.id, d.day, d.late) for d in wanted], at
        )
        claimed = [
            (d, claims[(d.subscription.id, d.day)])
            for d in wanted
            if (d.subscription.id, d.day) in claims
        ]
        if claimed:
            await self._fan_out(claimed, at, report)
        report.seconds = time.perf_counter() - started
        if claimed or report.skipped:
            log.info(
                "delivery pass at %s: %d delivered, %d skipped, %d failed in %.2f s",
                at.isoformat(),
                len(report.delivered),
                len(report.skipped),
                len(report.failed),
                report.seconds,
            )
        return report

    async def _wanted(self, due: Due, at: dt.datetime, report: PassReport) -> bool:
        """Whether to claim `due`: not paused, a port to post with, and not past grace (those
        are recorded as missed, once)."""
        sub = due.subscription
        if sub.paused_reason:
            return False
        if sub.platform not in self.ports:
            report.skipped.append(_entry(sub, due.day, reason=f"no {sub.platform} connection here"))
            return False
        if due.missed:
            if await asyncio.to_thread(self.claims.record_missed, sub.id, due.day, at):
                report.skipped.append(
                    _entry(
                        sub,
                        due.day,
                        reason=(
                            f"missed: due {due.at:%H:%M} {sub.zone}, {_duration(at - due.at)} ago, "
                            f"beyond the {_duration(self.grace)} grace period"
                        ),
                    )
                )
            return False
        return True

    async def _fan_out(
        self, claimed: list[tuple[Due, Claim]], at: dt.datetime, report: PassReport
    ) -> None:
        shared: dict[tuple[dt.date, str], asyncio.Task[tuple[object, bytes | None]]] = {}
        for due, _claim in claimed:
            key = (due.day, due.subscription.language)
            if key not in shared:
                shared[key] = asyncio.create_task(self._market_part(due.subscription.language, at))
        report.briefings_built = len(shared)
        gate = asyncio.Semaphore(self.concurrency)

        async def one(due: Due, claim: Claim) -> None:
            async with gate:
                market, chart = await shared[(due.day, due.subscription.language)]
                await self._deliver_one(due, claim, market, chart, at, report)

        await asyncio.gather(*(one(due, claim) for due, claim in claimed))

    async def _market_part(self, lang: str, at: dt.datetime) -> tuple[object, bytes | None]:
        services, settings = self.services, self.services.settings
        article = services.knowledge.latest_article
        report = await market_report(
            services.market,
            settings.market.company_symbol,
            settings.market.benchmark_symbol,
            settings.market.peers,
            at,
            article_date=article.date,
        )
        try:
            chart = await chart_for(services.market, report, lang, article.date)
        except Exception:
            log.exception("chart failed for the %s briefing; posting without it", lang)
            chart = None
        return report, chart

    def _reply_for(self, due: Due, market: object, chart: bytes | None) -> Reply:
        sub, knowledge = due.subscription, self.services.knowledge
        passage = insight_of_the_day(self.services, sub.origin, due.day)
        made = briefing(sub.language, market, knowledge, passage, chart, self.services.answerer)  # type: ignore[arg-type]
        reply = briefing_reply(made, public=True)
        if due.late:
            note = say("posted_late", sub.language, time=sub.time_text, zone=sub.zone)
            reply = replace(reply, blocks=(*reply.blocks, Context(note)))
        return reply

    async def _deliver_one(
        self,
        due: Due,
        claim: Claim,
        market: object,
        chart: bytes | None,
        at: dt.datetime,
        report: PassReport,
    ) -> None:
        sub = due.subscription
        port = self.ports[sub.platform]
        target = Target(sub.platform, sub.workspace, sub.channel)
        started = time.perf_counter()
        if self.stopping.is_set():
            await asyncio.to_thread(self.claims.release, claim, at)
            return
        if claim.taken_over and (found := await self._already_posted(port, target, claim)):
            await asyncio.to_thread(self.claims.delivered, claim, found, 0, self.services.clock())
            report.delivered.append(_entry(sub, due.day, late=due.late))
            return
        reply = await asyncio.to_thread(self._reply_for, due, market, chart)
        reason = "unknown error"
        for attempt in range(1, self.attempts + 1):
            try:
                message_id = await asyncio.wait_for(
                    port.deliver(target, reply, claim.key), self.post_timeout
                )
            except DeliveryError as error:
                reason = error.reason
                if error.permanent:
                    await self._give_up(due, claim, reason, attempt, report, pause=True)
                    return
            except Exception as error:  # a port must not break the fan-out
                reason = f"{type(error).__name__}"
                log.warning("posting to %s %s failed: %s", sub.platform, sub.channel, reason)
            else:
                await asyncio.to_thread(
                    self.claims.delivered, claim, message_id, attempt, self.services.clock()
                )
                report.delivered.append(_entry(sub, due.day, late=due.late))
                log.info(
                    "delivery platform=%s channel=%s date=%s outcome=delivered late=%s "
                    "attempts=%d duration_ms=%.0f",
                    sub.platform,
                    sub.channel,
                    due.day,
                    due.late,
                    attempt,
                    (time.perf_counter() - started) * 1000,
                )
                return
            if attempt < self.attempts:
                await self.sleep(self.backoff[min(attempt - 1, len(self.backoff) - 1)])
                # The failed attempt may have posted (an answer lost on the way back).
                if found := await self._already_posted(port, target, claim):
                    await asyncio.to_thread(
                        self.claims.delivered, claim, found, attempt, self.services.clock()
                    )
                    report.delivered.append(_entry(sub, due.day, late=due.late))
                    return
        await self._give_up(due, claim, reason, self.attempts, report, pause=False)

    async def _already_posted(self, port: DeliveryPort, target: Target, claim: Claim) -> str | None:
        finder = getattr(port, "find_delivery", None)
        if finder is None:
            return None
        try:
            return await finder(target, claim.key)
        except Exception:
            log.warning("could not check whether %s was already posted", claim.key)
            return None

    async def _give_up(
        self, due: Due, claim: Claim, reason: str, attempts: int, report: PassReport, pause: bool
    ) -> None:
        sub = due.subscription
        now = self.services.clock()
        await asyncio.to_thread(self.claims.failed, claim, reason, attempts, now)
        if pause:
            await asyncio.to_thread(self.subscriptions.pause, sub.id, reason)
        report.failed.append(_entry(sub, due.day, reason=reason))
        log.warning(
            "delivery platform=%s channel=%s date=%s outcome=failed reason=%s%s",
            sub.platform,
            sub.channel,
            due.day,
            reason,
            " (subscription paused)" if pause else "",
        )
