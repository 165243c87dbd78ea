"""Move alerts: one pass over the channels with `/meta alerts on`. During the session, when the
company's intraday move (from the market cache) is beyond a channel's threshold, a short post,
claimed first so it goes out once per (channel, New York day, direction): recorded `sending`
before the post, so a pass that dies mid-post is checked on the platform before any repeat,
and a post that surely failed for a passing reason is `retrying` at the next pass."""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from briefings import formatting as fmt
from briefings.market.bars import Series
from briefings.market.channels import SIGMA, ChannelMarket
from briefings.market.movements import Figures, compute_figures
from chat.delivery import (
    CheckDeferred,
    DeliveryError,
    DeliveryPort,
    OutcomeUnknown,
    RecoverablePort,
    Target,
)
from chat.reply import Context, Heading, Paragraph, Reply
from chat.wording import say
from commands.alerts import threshold_text
from commands.services import Services

log = logging.getLogger(__name__)
NEW_YORK = ZoneInfo("America/New_York")


@dataclass
class AlertPass:
    at: dt.datetime
    market_open: bool
    change_pct: float | None = None
    posted: list[dict[str, object]] = field(default_factory=list)
    skipped: list[dict[str, object]] = field(default_factory=list)

    def as_json(self) -> dict[str, object]:
        return {
            "at": self.at.isoformat(),
            "market_open": self.market_open,
            "change_pct": self.change_pct,
            "posted": self.posted,
            "skipped": self.skipped,
        }


def direction_beyond(threshold: str, figures: Figures) -> str | None:
    """ "up" or "down" when the day's move is beyond `threshold` ("2sigma" or "N%"), else None."""
    change = figures.change_1d_pct
    if change is None or change == 0:
        return None
    if threshold == SIGMA:
        beyond = figures.unusual_move
    else:
        beyond = abs(change) >= float(threshold.rstrip("%"))
    if not beyond:
        return None
    return "up" if change > 0 else "down"


def alert_reply(
    row: ChannelMarket, series: Series, figures: Figures, direction: str, at: dt.datetime
) -> Reply:
    lang = row.language or "en"
    change = fmt.percent(abs(figures.change_1d_pct or 0.0), lang).lstrip("+")
    text = say(
        f"alerts.post_{direction}",
        lang,
        symbol=series.symbol,
        change=change,
        time=f"{at.astimezone(NEW_YORK):%H:%M}",
        threshold=threshold_text(row.alerts or SIGMA, lang),
    )
    price = say("briefing.intraday_price", lang, symbol=series.symbol)
    detail = f"{price}: {fmt.price(figures.close, lang)}"
    data = {
        "alert": direction,
        "symbol": series.symbol,
        "change_1d_pct": figures.change_1d_pct,
        "intraday": True,
        "threshold": row.alerts,
    }
    blocks = (
        Heading(say("alerts.post_title", lang, symbol=series.symbol)),
        Paragraph(text),
        Context(detail),
    )
    return Reply(blocks, public=True, data=data)


async def check_alerts(
    services: Services, ports: dict[str, DeliveryPort], at: dt.datetime | None = None
) -> AlertPass:
    """One pass: nothing outside the session; otherwise each channel's alert at most once."""
    at = at or services.clock()
    market = services.market
    report = AlertPass(at, market.calendar.is_open_at(at))
    if not report.market_open:
        return report
    store = await asyncio.to_thread(lambda: services.channel_market)
    rows = await asyncio.to_thread(store.with_alerts)
    if not rows:
        return report
    got = await market.series(services.settings.market.company_symbol)
    day = at.astimezone(NEW_YORK).date()
    if not isinstance(got, Series) or got.is_stale or not got.up_to(day).bars:
        reason = "no fresh market data"
        report.skipped += [{"channel": r.channel, "reason": reason} for r in rows]
        return report
    series = got.up_to(day)
    if series.last.date != day:
        report.skipped += [{"channel": r.channel, "reason": "no bar today yet"} for r in rows]
        return report
    figures = compute_figures(series)
    report.change_pct = figures.change_1d_pct
    for row in rows:
        await _one(store, ports, row, series, figures, day, at, report)
    return report


async def _one(store, ports, row, series, figures, day, at, report) -> None:  # type: ignore[no-untyped-def]
    where = {"platform": row.platform, "channel": row.channel}
    direction = direction_beyond(row.alerts, figures)
    if direction is None:
        report.skipped.append({**where, "reason": "within the threshold"})
        return
    change = figures.change_1d_pct or 0.0
    earlier = await asyncio.to_thread(store.claim_alert, row, day, direction, change, at)
    if earlier is None:
        report.skipped.append({**where, "reason": f"already alerted {direction} today"})
        return
    port = ports.get(row.platform)
    target = Target(row.platform, row.workspace, row.channel)
    delivery_id = f"alert-{day}-{direction}-{row.channel}"
    state, message_id = "failed", None
    try:
        if port is None:
            raise DeliveryError(f"{row.platform} is not running")
        if earlier == "sending":  # a pass died after sending began: maybe out already
            if not isinstance(port, RecoverablePort):
                raise DeliveryError("outcome unknown and not checkable", permanent=True)
            message_id = await port.find_delivery(target, delivery_id)
        if message_id is None:
            reply = alert_reply(row, series, figures, direction, at)
            await asyncio.to_thread(store.record_alert, row, day, direction, "sending", None)
            message_id = await port.deliver(target, reply, delivery_id)
            report.posted.append({**where, "direction": direction, "change_pct": change})
        state = "posted"
    except CheckDeferred as exc:  # the platform cannot tell yet: checked at a later pass
        log.info("move alert for %s: %s", row.channel, exc.reason)
        state = "sending"
    except OutcomeUnknown as exc:  # maybe out: checked before any repeat
        log.warning("move alert for %s: outcome unknown (%s)", row.channel, exc.reason)
        state = "sending"
    except DeliveryError as exc:
        log.warning("move alert for %s not posted: %s", row.channel, exc.reason)
        report.skipped.append({**where, "reason": exc.reason})
        state = "failed" if exc.permanent else "retrying"  # retrying: at the next pass
    await asyncio.to_thread(store.record_alert, row, day, direction, state, message_id)
