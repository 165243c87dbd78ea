"""One scheduling pass: claim every post that is owed, build each briefing once per (day,
language), post them all with bounded concurrency, and record how each went.

Each post is recorded `sending` before the platform is called. A transient failure with an
answer (5xx, 429) posted nothing: the post is left `retrying` and taken again at later sweeps
until `DELIVERY_GRACE_HOURS` runs out. A lost answer (timeout, dropped connection) or a crash
leaves `sending`: only those posts are checked on the platform (`find_delivery`) before being
sent again, and when the platform cannot be asked yet (Slack's one history read a minute) the
check waits for a later sweep rather than risking a second post."""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import time
from collections.abc import Awaitable, Callable
from dataclasses import replace
from typing import TYPE_CHECKING

from briefings.compose import briefing, chart_for, market_report
from briefings.digest import digest_reply
from briefings.market.news import RECENT, WEEK
from briefings.news_present import with_news
from briefings.present import briefing_reply
from briefings.subscriptions.claims import Claim, ClaimStore
from briefings.subscriptions.model import weekly_day
from briefings.subscriptions.timing import Due, owed
from chat.delivery import (
    CheckDeferred,
    DeliveryError,
    DeliveryPort,
    OutcomeUnknown,
    PreparingPort,
    RecoverablePort,
    Target,
)
from chat.reply import Context, Reply
from chat.wording import say
from commands.brief import insight_of_the_day
from commands.market_channel import Symbols, symbols_for
from scheduling.report import PassReport, duration, entry

if TYPE_CHECKING:
    from commands.services import Services

log = logging.getLogger(__name__)
WEEKLY_HEADLINES = 5  # headlines at most in a weekly digest


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
        if claimed or report.skipped or report.failed:
            log.info(
                "delivery pass at %s: %d delivered, %d skipped, %d failed, %d to retry in %.2f s",
                at.isoformat(),
                len(report.delivered),
                len(report.skipped),
                len(report.failed),
                len(report.retrying),
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
            report.skipped.append(entry(sub, due.day, reason=f"no {sub.platform} connection here"))
            return False
        if due.missed:
            if reason := await asyncio.to_thread(self.claims.expire, sub.id, due.day, at):
                report.failed.append(entry(sub, due.day, reason=reason))
                log.warning(
                    "delivery platform=%s channel=%s date=%s outcome=failed reason=%s",
                    sub.platform,
                    sub.channel,
                    due.day,
                    reason,
                )
            elif await asyncio.to_thread(self.claims.record_missed, sub.id, due.day, at):
                report.skipped.append(
                    entry(
                        sub,
                        due.day,
                        reason=(
                            f"missed: due {due.at:%H:%M} {sub.zone}, {duration(at - due.at)} ago, "
                            f"beyond the {duration(self.grace)} grace period"
                        ),
                    )
                )
            return False
        return True

    async def _fan_out(
        self, claimed: list[tuple[Due, Claim]], at: dt.datetime, report: PassReport
    ) -> None:
        shared: dict[tuple[object, ...], asyncio.Task[tuple[object, bytes | None]]] = {}
        keys: dict[int, tuple[object, ...]] = {}
        for due, _claim in claimed:
            # the channel's own peers and benchmark (`/meta peers`) are part of its briefing
            symbols = await symbols_for(self.services, due.subscription.origin)
            key = keys[id(due)] = (due.day, due.subscription.language, symbols)
            if key not in shared:
                part = self._market_part(due.subscription.language, at, symbols)
                shared[key] = asyncio.create_task(part)
        report.briefings_built = len(shared)
        gate = asyncio.Semaphore(self.concurrency)

        async def one(due: Due, claim: Claim) -> None:
            async with gate:
                market, chart = await shared[keys[id(due)]]
                await self._deliver_one(due, claim, market, chart, at, report)

        await asyncio.gather(*(one(due, claim) for due, claim in claimed))

    async def _market_part(
        self, lang: str, at: dt.datetime, symbols: Symbols
    ) -> tuple[object, bytes | None]:
        services, settings = self.services, self.services.settings
        article = services.knowledge.latest_article
        benchmark, peers = symbols
        report = await market_report(
            services.market,
            settings.market.company_symbol,
            benchmark,
            list(peers),
            at,
            article_date=article.date,
        )
        if services.news is not None:  # today's for briefings, the week's for digests
            await services.news.latest(settings.market.company_symbol)
            await services.news.latest(settings.market.company_symbol, WEEKLY_HEADLINES, WEEK)
        try:
            chart = await chart_for(services.market, report, lang, article.date)
        except Exception:
            log.exception("chart failed for the %s briefing; posting without it", lang)
            chart = None
        return report, chart

    def _reply_for(self, due: Due, market: object, chart: bytes | None) -> Reply:
        sub, knowledge = due.subscription, self.services.knowledge
        if weekly_day(sub.cadence) is not None:  # `weekly DAY`: the weekly digest
            reply = digest_reply(sub.language, market, knowledge, chart)  # type: ignore[arg-type]
        else:
            passage = insight_of_the_day(self.services, sub.origin, due.day)
            made = briefing(sub.language, market, knowledge, passage, chart, self.services.answerer)  # type: ignore[arg-type]
            reply = briefing_reply(made, public=True)
        if self.services.news is not None:
            symbol = self.services.settings.market.company_symbol  # warmed in `_market_part`
            within = WEEK if weekly_day(sub.cadence) is not None else RECENT
            reply = with_news(reply, self.services.news.last(symbol, within), sub.language)
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
        attempt = 0
        if claim.sent_at is not None and await self._settled(due, claim, port, target, 0, report):
            return
        reply = await asyncio.to_thread(self._reply_for, due, market, chart)
        reason = "unknown error"
        while attempt < self.attempts:
            attempt += 1
            try:
                if isinstance(port, PreparingPort):  # posts nothing: not yet `sending`
                    await asyncio.wait_for(port.prepare(target, reply), self.post_timeout)
            except DeliveryError as error:
                reason = error.reason
                if error.permanent:
                    await self._give_up(due, claim, reason, attempt, report, pause=True)
                    return
                if attempt < self.attempts:
                    await self.sleep(self.backoff[min(attempt - 1, len(self.backoff) - 1)])
                continue
            except Exception as error:
                reason = type(error).__name__
                log.warning(
                    "preparing a post to %s %s failed: %s", sub.platform, sub.channel, reason
                )
                if attempt < self.attempts:
                    await self.sleep(self.backoff[min(attempt - 1, len(self.backoff) - 1)])
                continue
            claim = await asyncio.to_thread(self.claims.sending, claim, self.services.clock())
            try:
                message_id = await asyncio.wait_for(
                    port.deliver(target, reply, claim.key), self.post_timeout
                )
            except OutcomeUnknown as error:
                reason = error.reason
                if await self._settled(due, claim, port, target, attempt, report):
                    return
            except DeliveryError as error:
                reason = error.reason
                if error.permanent:
                    await self._give_up(due, claim, reason, attempt, report, pause=True)
                    return
            except Exception as error:  # a timeout, or a port bug: it may have posted
                reason = type(error).__name__
                log.warning("posting to %s %s failed: %s", sub.platform, sub.channel, reason)
                if await self._settled(due, claim, port, target, attempt, report):
                    return
            else:
                await self._delivered(due, claim, message_id, attempt, report)
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
        await asyncio.to_thread(self.claims.retrying, claim, reason, attempt, self.services.clock())
        report.retrying.append(entry(sub, due.day, reason=reason))
        log.warning(
            "delivery platform=%s channel=%s date=%s outcome=retrying reason=%s attempts=%d",
            sub.platform,
            sub.channel,
            due.day,
            reason,
            attempt,
        )

    async def _delivered(
        self, due: Due, claim: Claim, message_id: str, attempts: int, report: PassReport
    ) -> None:
        await asyncio.to_thread(
            self.claims.delivered, claim, message_id, attempts, self.services.clock()
        )
        report.delivered.append(entry(due.subscription, due.day, late=due.late))

    async def _settled(
        self,
        due: Due,
        claim: Claim,
        port: DeliveryPort,
        target: Target,
        attempts: int,
        report: PassReport,
    ) -> bool:
        """After a send whose outcome is unknown: True when that is now settled (it was found
        posted, or the check must wait for a later sweep); False when it surely was not posted."""
        if not isinstance(port, RecoverablePort):
            return False  # nothing to ask: posting again is the only way not to lose it
        try:
            found = await port.find_delivery(target, claim.key, claim.sent_at)
        except DeliveryError as error:
            if not isinstance(error, CheckDeferred):
                log.warning("could not check whether %s was posted: %s", claim.key, error.reason)
            reason = f"outcome unknown, checking later ({error.reason})"
            await asyncio.to_thread(self.claims.unknown, claim, reason, attempts)
            report.retrying.append(entry(due.subscription, due.day, reason=reason))
            return True
        except Exception as error:
            reason = f"outcome unknown, checking later ({type(error).__name__})"
            log.warning("could not check whether %s was posted: %s", claim.key, reason)
            await asyncio.to_thread(self.claims.unknown, claim, reason, attempts)
            report.retrying.append(entry(due.subscription, due.day, reason=reason))
            return True
        if found:
            log.info("%s was already posted (%s); recorded, not posted again", claim.key, found)
            await self._delivered(due, claim, found, attempts, report)
            return True
        return False

    async def _give_up(
        self, due: Due, claim: Claim, reason: str, attempts: int, report: PassReport, pause: bool
    ) -> None:
        sub = due.subscription
        now = self.services.clock()
        await asyncio.to_thread(self.claims.failed, claim, reason, attempts, now)
        if pause:
            await asyncio.to_thread(self.subscriptions.pause, sub.id, reason)
        report.failed.append(entry(sub, due.day, reason=reason))
        log.warning(
            "delivery platform=%s channel=%s date=%s outcome=failed reason=%s%s",
            sub.platform,
            sub.channel,
            due.day,
            reason,
            " (subscription paused)" if pause else "",
        )
