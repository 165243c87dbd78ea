"""`/meta schedule`: this channel's subscription, its next post and how the last one went."""

from __future__ import annotations

from briefings.formatting import local_moment
from briefings.subscriptions.timing import next_post
from chat.reply import Block, Context, Paragraph, Reply
from chat.request import Request
from commands.base import Command, language_of
from commands.services import Services
from commands.subscription_text import describe

TEXT = {
    "en": {
        "none": "This channel has no daily briefing. Start one with `/meta subscribe 08:30 Europe/Paris`.",
        "sub": "This channel gets {what}.",
        "next": "Next briefing: {next} ({zone}).",
        "paused": "Paused: the last post failed ({reason}). Fix access, then `/meta subscribe` again to resume.",
        "last": "Last delivery: {day}, {state}{late}.",
        "late": ", late",
    },
    "fr": {
        "none": "Ce canal n’a pas de briefing quotidien. Lancez-en un avec `/meta subscribe 08:30 Europe/Paris`.",
        "sub": "Ce canal reçoit {what}.",
        "next": "Prochain briefing : {next} ({zone}).",
        "paused": "En pause : la dernière publication a échoué ({reason}). Rétablissez l’accès puis relancez `/meta subscribe`.",
        "last": "Dernière publication : {day}, {state}{late}.",
        "late": ", en retard",
    },
}
STATES = {
    "en": {
        "delivered": "delivered",
        "failed": "failed",
        "missed": "missed",
        "claimed": "in progress",
    },
    "fr": {"delivered": "publiée", "failed": "échouée", "missed": "manquée", "claimed": "en cours"},
}


def schedule(request: Request, services: Services) -> Reply:
    lang = language_of(request, services)
    text = TEXT[lang]
    sub = services.subscriptions.get(request.platform, request.workspace, request.channel)
    if sub is None:
        return Reply((Paragraph(text["none"]),), data={"subscription": None})
    blocks: list[Block] = [Paragraph(text["sub"].format(what=describe(sub, lang)))]
    if sub.paused_reason:
        blocks.append(Paragraph(text["paused"].format(reason=sub.paused_reason)))
    else:
        upcoming = next_post(sub, services.clock(), services.market.calendar)
        blocks.append(
            Paragraph(text["next"].format(next=local_moment(upcoming, lang), zone=sub.zone))
        )
    last = services.subscriptions.last_delivery(sub.id)
    if last is not None:
        blocks.append(
            Context(
                text["last"].format(
                    day=last.local_date.isoformat(),
                    state=STATES[lang].get(last.state, last.state),
                    late=text["late"] if last.late else "",
                )
            )
        )
    data = {
        "subscription": {
            "time": sub.time_text,
            "zone": sub.zone,
            "language": sub.language,
            "cadence": sub.cadence,
            "paused_reason": sub.paused_reason,
        }
    }
    return Reply(tuple(blocks), data=data)


COMMAND = Command(
    name="schedule",
    usage="schedule",
    summary={
        "en": "This channel's daily briefing and when the next one comes.",
        "fr": "Le briefing quotidien de ce canal et l’heure du prochain.",
    },
    run=schedule,
)
