"""`/meta unsubscribe`: stop this channel's daily briefing."""

from __future__ import annotations

from chat.reply import Paragraph, Reply
from chat.request import Request
from commands.base import Command, language_of
from commands.channel_rules import may_change_subscription
from commands.services import Services
from commands.subscription_text import not_allowed


def unsubscribe(request: Request, services: Services) -> Reply:
    lang = language_of(request, services)
    if not may_change_subscription(request, services.settings):
        return Reply.error(not_allowed(request, lang))
    removed = services.subscriptions.remove(request.platform, request.channel, request.workspace)
    text = {
        True: {
            "en": "Unsubscribed: no more daily briefings in this channel.",
            "fr": "Désabonné : plus de briefing quotidien dans ce canal.",
        },
        False: {
            "en": "This channel has no daily briefing; nothing to stop.",
            "fr": "Ce canal n’a pas de briefing quotidien ; rien à arrêter.",
        },
    }[bool(removed)][lang]
    return Reply((Paragraph(text),), data={"removed": removed})


COMMAND = Command(
    name="unsubscribe",
    usage="unsubscribe",
    summary={
        "en": "Stop this channel's daily briefing.",
        "fr": "Arrêter le briefing quotidien de ce canal.",
    },
    run=unsubscribe,
    changes_channel=True,
)
