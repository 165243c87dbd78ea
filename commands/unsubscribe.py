"""`/meta unsubscribe`: stop this channel's daily briefing."""

from __future__ import annotations

from chat.reply import Paragraph, Reply
from chat.request import Request
from chat.wording import both, say
from commands.base import Command, language_of
from commands.channel_rules import channel_problem, may_change_subscription, refusal_key
from commands.services import Services


def unsubscribe(request: Request, services: Services) -> Reply:
    lang = language_of(request, services)
    if not may_change_subscription(request, services.settings):
        return Reply.error(say(refusal_key(services.settings), lang))
    if kind := channel_problem(request.platform, request.channel, exact=False):
        return Reply.error(say(f"bad_channel_{kind}", lang))
    removed = services.subscriptions.remove(request.platform, request.channel, request.workspace)
    text = say("unsubscribed" if removed else "nothing_to_unsubscribe", lang)
    return Reply((Paragraph(text),), data={"removed": removed})


COMMAND = Command(
    name="unsubscribe",
    usage="unsubscribe",
    summary=both("summary_unsubscribe"),
    run=unsubscribe,
    changes_channel=True,
)
