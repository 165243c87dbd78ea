"""`/meta alerts on [2sigma|N%]` / `/meta alerts off`: a short post here when the company moves
beyond the threshold during the session (see scheduling/alerts.py), shown in `/meta schedule`."""

from __future__ import annotations

import asyncio

from briefings import formatting as fmt
from briefings.market.channels import SIGMA, ChannelMarket, parse_threshold
from chat.reply import Paragraph, Reply
from chat.request import Request
from chat.wording import both, say
from commands.base import Command, CommandError, Option, language_of
from commands.channel_rules import may_change_subscription, refusal_key
from commands.services import Services


def threshold_text(threshold: str, lang: str) -> str:
    """ "beyond 2 standard deviations of its daily moves" / "by 3% or more"."""
    if threshold == SIGMA:
        return say("alerts.threshold_sigma", lang)
    pct = fmt.percent(float(threshold.rstrip("%")), lang, decimals=1).lstrip("+")
    return say("alerts.threshold_pct", lang, pct=pct.replace(".0", "").replace(",0", ""))


def alerts_status(row: ChannelMarket, symbol: str, lang: str) -> str:
    """The line `/meta schedule` shows."""
    if row.alerts is None:
        return say("alerts.status_off", lang)
    return say("alerts.status_on", lang, symbol=symbol, threshold=threshold_text(row.alerts, lang))


def _read(request: Request) -> tuple[bool, str]:
    words = request.text.lower().split() or [request.option("state").lower()]
    if request.option("threshold"):
        words.append(request.option("threshold"))
    if words == ["off"]:
        return False, ""
    if not words or words[0] != "on" or len(words) > 2:
        raise CommandError("alerts.bad")
    try:
        return True, parse_threshold(words[1]) if len(words) == 2 else SIGMA
    except ValueError:
        raise CommandError("alerts.bad") from None


async def alerts(request: Request, services: Services) -> Reply:
    lang = language_of(request, services)
    symbol = services.settings.market.company_symbol
    origin = request.origin
    if not request.text.strip() and not request.option("state"):
        row = await asyncio.to_thread(
            lambda: services.channel_market.get(origin.platform, origin.workspace, origin.channel)
        )
        return Reply((Paragraph(alerts_status(row, symbol, lang)),), data={"alerts": row.alerts})
    if not may_change_subscription(request, services.settings):
        return Reply.error(say(refusal_key(services.settings), lang))
    on, threshold = _read(request)
    changes = {"alerts": threshold if on else None, "language": lang}
    row = await asyncio.to_thread(
        lambda: services.channel_market.update(
            origin.platform, origin.workspace, origin.channel, services.clock(), **changes
        )
    )
    if on:
        text = say("alerts.on", lang, symbol=symbol, threshold=threshold_text(threshold, lang))
    else:
        text = say("alerts.off", lang)
    return Reply((Paragraph(text),), data={"alerts": row.alerts})


COMMAND = Command(
    name="alerts",
    usage="alerts on|off [2sigma|N%]",
    summary=both("summary_alerts"),
    run=alerts,
    options=(
        Option("state", "on or off", choices=("on", "off")),
        Option("threshold", "2sigma (default) or a percentage like 3%"),
    ),
    changes_channel=True,
)
