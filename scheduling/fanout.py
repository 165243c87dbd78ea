"""One scheduling pass: claim every post that is owed (one statement), build each briefing once
per (day, language, symbols) and each reply once per insight (scheduling/briefs.py), post them
all with bounded concurrency, and record how each went, the writes of posts at the same step
grouped in one transaction (scheduling/batching.py).

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
from typing import TYPE_CHECKING

from briefings.subscriptions.claims import Claim, ClaimStore
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
from chat.reply import Reply
from commands.market_channel import symbols_of_many
from scheduling.batching import GroupWrites
from scheduling.briefs import Briefs, MarketKey
from scheduling.report import PassReport, duration, entry

if TYPE_CHECKING:
    from commands.services import Services

log = logging.getLogger(__name__)
RENDER_BATCH = 100  # posts whose replies are made in one trip to a thread
DELIVERED_LINGER = 0.05  # seconds `delivered` writes gather posts before going in one


# Posts in flight at once. Against real Slack a post takes about 0.2 s, so one process
# sustains about 64 / 0.2 = 320 posts a second (100,000 in about 5 minutes) while its CPU
# allows about 1,100 (bench/RESULTS.md, "Past one machine"); 32 made 100,000 take 10.4 min.
POSTS_IN_FLIGHT = 64


class Deliveries:
    """Posts owed briefings exactly once through the platforms' delivery ports."""

    def __init__(
        self,
        services: Services,
        ports: dict[str, DeliveryPort],
        concurrency: int = POSTS_IN_FLIGHT,
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
        wanted, missed, skipped = await asyncio.to_thread(self._owed, at)
        report.skipped += skipped
        if missed:  # yesterday's posts of every channel, at every sweep: one query for all
            await self._settle_missed(missed, at, report)
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

    def _owed(self, at: dt.datetime) -> tuple[list[Due], list[Due], list[dict[str, object]]]:
        """The posts owed at `at` (blocking: reads the table): to claim, past the grace period,
        and skipped for want of a platform connection here."""
        calendar = self.services.market.calendar
        wanted: list[Due] = []
        missed: list[Due] = []
        skipped: list[dict[str, object]] = []
        for sub in self.subscriptions.all():
            if sub.paused_reason:
                continue
            for due in owed(sub, at, self.grace, calendar):
                if sub.platform not in self.ports:
                    skipped.append(entry(sub, due.day, reason=f"no {sub.platform} connection here"))
                else:
                    (missed if due.missed else wanted).append(due)
        return wanted, missed, skipped

    async def _settle_missed(self, missed: list[Due], at: dt.datetime, report: PassReport) -> None:
        """Posts past the grace period: given up (`failed`) if still owed, else recorded as
        missed, once."""
        keys = [(due.subscription.id, due.day) for due in missed]
        settled = await asyncio.to_thread(self.claims.settle_missed, keys, at)
        for due, key in zip(missed, keys, strict=True):
            if key not in settled:
                continue
            sub, reason = due.subscription, settled[key]
            if reason is not None:
                report.failed.append(entry(sub, due.day, reason=reason))
                log.warning(
                    "delivery platform=%s channel=%s date=%s outcome=failed reason=%s",
                    sub.platform,
                    sub.channel,
                    due.day,
                    reason,
                )
                continue
            ago, grace = duration(at - due.at), duration(self.grace)
            reason = (
                f"missed: due {due.at:%H:%M} {sub.zone}, {ago} ago, beyond the {grace} grace period"
            )
            report.skipped.append(entry(sub, due.day, reason=reason))

    async def _fan_out(
        self, claimed: list[tuple[Due, Claim]], at: dt.datetime, report: PassReport
    ) -> None:
        briefs = Briefs(self.services, at)
        # the channel's own peers and benchmark (`/meta peers`) are part of its briefing
        origins = [due.subscription.origin for due, _claim in claimed]
        symbols = await asyncio.to_thread(symbols_of_many, self.services, origins)
        keys: list[MarketKey] = []
        for (due, _claim), channel_symbols in zip(claimed, symbols, strict=True):
            keys.append((due.day, due.subscription.language, channel_symbols))
            briefs.start(keys[-1])
        report.briefings_built = briefs.built
        steps = _Steps(self, asyncio.Semaphore(self.concurrency))
        posts: list[asyncio.Task[None]] = []
        failures: list[Exception] = []  # a reply that could not be made: its post waits
        for start in range(0, len(claimed), RENDER_BATCH):
            batch = list(zip(claimed[start : start + RENDER_BATCH], keys[start:], strict=False))
            made = [(due, key, await briefs.part(key)) for (due, _), key in batch]
            replies = await asyncio.to_thread(briefs.replies_for, made)
            for ((due, claim), _key), reply in zip(batch, replies, strict=True):
                if isinstance(reply, Exception):
                    failures.append(reply)
                    continue
                posts.append(
                    asyncio.create_task(self._deliver_one(due, claim, reply, steps, report))
                )
        await asyncio.gather(*posts)
        if failures:  # the pass fails as it did when one post could not be made
            raise failures[0]

    async def _deliver_one(
        self, due: Due, claim: Claim, reply: Reply, steps: _Steps, report: PassReport
    ) -> None:
        sub = due.subscription
        port = self.ports[sub.platform]
        target = Target(sub.platform, sub.workspace, sub.channel)
        started = time.perf_counter()
        async with steps.gate:  # posts in flight: bounded (and so are unknown outcomes)
            if self.stopping.is_set():
                await asyncio.to_thread(self.claims.release, claim, self.services.clock())
                return
            if claim.sent_at is not None and await self._settled(
                due, claim, port, target, 0, report, steps
            ):
                return
            attempt, reason = 0, "unknown error"
            while attempt < self.attempts:
                attempt += 1
                try:
                    if isinstance(port, PreparingPort):  # posts nothing: not yet `sending`
                        async with asyncio.timeout(self.post_timeout):  # (no task of its own)
                            await port.prepare(target, reply)
                except DeliveryError as error:
                    reason = error.reason
                    if error.permanent:
                        await self._give_up(due, claim, reason, attempt, report, pause=True)
                        return
                    await self._backoff(attempt)
                    continue
                except Exception as error:
                    reason = type(error).__name__
                    log.warning(
                        "preparing a post to %s %s failed: %s", sub.platform, sub.channel, reason
                    )
                    await self._backoff(attempt)
                    continue
                claim = await steps.sending.add(claim)
                try:
                    async with asyncio.timeout(self.post_timeout):
                        message_id = await port.deliver(target, reply, claim.key)
                except OutcomeUnknown as error:
                    reason = error.reason
                    if await self._settled(due, claim, port, target, attempt, report, steps):
                        return
                except DeliveryError as error:
                    reason = error.reason
                    if error.permanent:
                        await self._give_up(due, claim, reason, attempt, report, pause=True)
                        return
                except Exception as error:  # a timeout, or a port bug: it may have posted
                    reason = type(error).__name__
                    log.warning("posting to %s %s failed: %s", sub.platform, sub.channel, reason)
                    if await self._settled(due, claim, port, target, attempt, report, steps):
                        return
                else:
                    break
                await self._backoff(attempt)
            else:
                await asyncio.to_thread(
                    self.claims.retrying, claim, reason, attempt, self.services.clock()
                )
                report.retrying.append(entry(sub, due.day, reason=reason))
                log.warning(
                    "delivery platform=%s channel=%s date=%s outcome=retrying reason=%s "
                    "attempts=%d",
                    sub.platform,
                    sub.channel,
                    due.day,
                    reason,
                    attempt,
                )
                return
        # recorded outside the gate: the next post need not wait for this one's write
        await self._delivered(due, claim, message_id, attempt, report, steps)
        log.debug(  # one line a post at INFO would cost more than the post; the pass has one
            "delivery platform=%s channel=%s date=%s outcome=delivered late=%s attempts=%d "
            "duration_ms=%.0f",
            sub.platform,
            sub.channel,
            due.day,
            due.late,
            attempt,
            (time.perf_counter() - started) * 1000,
        )

    async def _backoff(self, attempt: int) -> None:
        if attempt < self.attempts:
            await self.sleep(self.backoff[min(attempt - 1, len(self.backoff) - 1)])

    async def _delivered(
        self,
        due: Due,
        claim: Claim,
        message_id: str,
        attempts: int,
        report: PassReport,
        steps: _Steps,
    ) -> None:
        await steps.delivered.add((claim, message_id, attempts))
        report.delivered.append(entry(due.subscription, due.day, late=due.late))

    async def _settled(
        self,
        due: Due,
        claim: Claim,
        port: DeliveryPort,
        target: Target,
        attempts: int,
        report: PassReport,
        steps: _Steps,
    ) -> bool:
        """After a send whose outcome is unknown: True when that is now settled (it was found
        posted, or the check must wait for a later sweep); False when it surely was not posted."""
        if not isinstance(port, RecoverablePort):
            return False  # nothing to ask: posting again is the only way not to lose it
        try:
            found = await self._unless_stopping(
                port.find_delivery(target, claim.key, claim.sent_at)
            )
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
            await self._delivered(due, claim, found, attempts, report, steps)
            return True
        return False

    async def _unless_stopping(self, check: Awaitable[str | None]) -> str | None:
        """A `find_delivery` check, given up (CheckDeferred: the next process asks) when the
        bot stops while it waits on the platform: a check posts nothing, so it can stop
        anywhere."""
        checking = asyncio.ensure_future(check)
        stopping = asyncio.ensure_future(self.stopping.wait())
        try:
            await asyncio.wait({checking, stopping}, return_when=asyncio.FIRST_COMPLETED)
        finally:  # (also when the pass itself is cancelled: no check is left running)
            stopping.cancel()
            if not checking.done():
                checking.cancel()
        if checking.done():
            return checking.result()
        raise CheckDeferred("the bot is stopping")

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


class _Steps:
    """A pass's bound on posts in flight and its grouped writes of `sending` and `delivered`."""

    def __init__(self, deliveries: Deliveries, gate: asyncio.Semaphore) -> None:
        claims, clock = deliveries.claims, deliveries.services.clock
        self.gate = gate
        self.sending: GroupWrites[Claim, Claim] = GroupWrites(
            lambda batch: claims.sending_many(batch, clock())
        )

        def delivered(batch: list[tuple[Claim, str, int]]) -> list[None]:
            claims.delivered_many(batch, clock())
            return [None] * len(batch)

        # posts wait for this one outside the gate: a longer wait makes fewer, bigger writes
        self.delivered: GroupWrites[tuple[Claim, str, int], None] = GroupWrites(
            delivered, linger=DELIVERED_LINGER
        )
