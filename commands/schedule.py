"""`/meta schedule`: this channel's subscription, its next post and how the last one went."""

from __future__ import annotations

from briefings.formatting import local_moment
from briefings.subscriptions.timing import next_post
from chat.reply import Block, Context, Paragraph, Reply
from chat.request import Request
from chat.wording import CATALOG, both, say
from commands.alerts import alerts_status
from commands.base import Command, language_of
from commands.services import Services
from commands.subscription_text import describe


def _alerts_line(request: Request, services: Services, lang: str) -> tuple[Context, str | None]:
    """This channel's move alerts, as `/meta alerts` describes them."""
    origin = request.origin
    row = services.channel_market.get(origin.platform, origin.workspace, origin.channel)
    symbol = services.settings.market.company_symbol
    return Context(alerts_status(row, symbol, lang)), row.alerts


def schedule(request: Request, services: Services) -> Reply:
    lang = language_of(request, services)
    sub = services.subscriptions.get(request.platform, request.workspace, request.channel)
    alerts_line, alerts = _alerts_line(request, services, lang)
    if sub is None:
        blocks_none = (Paragraph(say("schedule_none", lang)), alerts_line)
        return Reply(blocks_none, data={"subscription": None, "alerts": alerts})
    blocks: list[Block] = [Paragraph(say("schedule_sub", lang, what=describe(sub, lang)))]
    if sub.paused_reason:
        blocks.append(Paragraph(say("schedule_paused", lang, reason=sub.paused_reason)))
    else:
        upcoming = next_post(sub, services.clock(), services.market.calendar)
        blocks.append(
            Paragraph(say("schedule_next", lang, next=local_moment(upcoming, lang), zone=sub.zone))
        )
    last = services.subscriptions.last_delivery(sub.id)
    if last is not None:
        state_key = f"state_{last.state}"
        state = say(state_key, lang) if state_key in CATALOG else last.state
        line = "schedule_last_late" if last.late else "schedule_last"
        blocks.append(Context(say(line, lang, day=last.local_date.isoformat(), state=state)))
    blocks.append(alerts_line)
    data = {
        "alerts": alerts,
        "subscription": {
            "time": sub.time_text,
            "zone": sub.zone,
            "language": sub.language,
            "cadence": sub.cadence,
            "paused_reason": sub.paused_reason,
        },
    }
    return Reply(tuple(blocks), data=data)


COMMAND = Command(
    name="schedule",
    usage="schedule",
    summary=both("summary_schedule"),
    run=schedule,
)
