"""`/meta subscribe HH:MM ZONE [en|fr] [trading-days|weekdays|daily]`: a daily briefing here."""

from __future__ import annotations

from briefings.formatting import local_moment
from briefings.subscriptions.model import (
    CADENCES,
    DEFAULT_CADENCE,
    LANGUAGES,
    WEEKDAYS,
    Subscription,
    SubscriptionError,
    parse_cadence,
    parse_language,
    parse_time,
    parse_zone,
)
from briefings.subscriptions.timing import next_post
from chat.reply import Context, Paragraph, Reply
from chat.request import Request
from chat.wording import both, say
from commands.base import Command, CommandError, Option, language_of
from commands.channel_rules import channel_problem, may_change_subscription, refusal_key
from commands.services import Services
from commands.subscription_text import describe

USAGE = "subscribe HH:MM ZONE [en|fr] [trading-days|weekdays|daily|weekly DAY]"


def _read(request: Request, lang: str) -> tuple[str, str, str, str]:
    """time, zone, language, cadence from Discord options or from the chat text."""
    words = request.text.split()
    time_text = request.option("time") or (words[0] if words else "")
    zone_text = request.option("zone") or (words[1] if len(words) > 1 else "")
    language, cadence = request.option("language"), request.option("cadence")
    for word in words[2:]:
        if word.lower() in LANGUAGES and not language:
            language = word
        elif cadence.lower() == "weekly" and word[:3].lower() in WEEKDAYS:
            cadence = f"weekly {word}"  # `weekly mon`
        elif not cadence:
            cadence = word
        else:
            raise SubscriptionError("sub_unknown_word", word=word[:20])
    if not time_text or not zone_text:
        raise SubscriptionError("sub_time_and_zone")
    return time_text, zone_text, language or lang, cadence or DEFAULT_CADENCE


def _confirmation(
    previous: Subscription | None, sub: Subscription, lang: str, upcoming: str
) -> str:
    """What was done, saying what the channel's earlier subscription was when it had one."""
    what = describe(sub, lang)
    if previous is None:
        return say("subscribed", lang, what=what, next=upcoming)
    if describe(previous, lang) != what:
        return say(
            "resubscribed", lang, what=what, previous=describe(previous, lang), next=upcoming
        )
    if previous.paused_reason:
        return say(
            "resubscribed_resumed", lang, what=what, reason=previous.paused_reason, next=upcoming
        )
    return say("resubscribed_same", lang, what=what, next=upcoming)


def subscribe(request: Request, services: Services) -> Reply:
    lang = language_of(request, services)
    if not may_change_subscription(request, services.settings):
        return Reply.error(say(refusal_key(services.settings), lang))
    if kind := channel_problem(request.platform, request.channel, exact=False):
        return Reply.error(say(f"bad_channel_{kind}", lang))
    try:
        time_text, zone_text, language, cadence = _read(request, lang)
        time, zone = parse_time(time_text), parse_zone(zone_text)
        language, cadence = parse_language(language), parse_cadence(cadence)
    except SubscriptionError as error:
        raise CommandError(error.key, **error.values) from None
    previous = services.subscriptions.get(request.platform, request.workspace, request.channel)
    sub = services.subscriptions.save(
        request.platform,
        request.workspace,
        request.channel,
        time,
        zone,
        language,
        cadence,
        request.user,
        services.clock(),
    )
    upcoming = next_post(sub, services.clock(), services.market.calendar)
    text = _confirmation(previous, sub, lang, f"{local_moment(upcoming, lang)} ({zone})")
    hint = say("subscribed_hint", lang)
    return Reply((Paragraph(text), Context(hint)), data={"subscription_id": sub.id})


COMMAND = Command(
    name="subscribe",
    usage=USAGE,
    summary=both("summary_subscribe"),
    run=subscribe,
    options=(
        Option("time", "HH:MM on 24 hours, or 8:30am", required=True),
        Option("zone", "IANA time zone, e.g. Europe/Paris", required=True, autocomplete="zones"),
        Option("language", "Language of the briefing", choices=LANGUAGES),
        Option("cadence", "Which days", choices=CADENCES),
    ),
    changes_channel=True,
)
