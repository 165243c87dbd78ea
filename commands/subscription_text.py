"""How subscriptions are described to people, in English and French."""

from __future__ import annotations

from briefings.subscriptions.model import Subscription
from chat.request import Request

CADENCE_TEXT = {
    "en": {
        "trading-days": "on US market trading days",
        "weekdays": "Monday to Friday",
        "daily": "every day",
    },
    "fr": {
        "trading-days": "les jours de bourse américains",
        "weekdays": "du lundi au vendredi",
        "daily": "tous les jours",
    },
}
LANGUAGE_NAME = {"en": {"en": "English", "fr": "French"}, "fr": {"en": "anglais", "fr": "français"}}


def describe(sub: Subscription, lang: str) -> str:
    """'the daily briefing at 08:30 Europe/Paris, on US market trading days, in English'."""
    template = {
        "en": "the daily briefing at {time} {zone}, {cadence}, in {language}",
        "fr": "le briefing quotidien à {time} {zone}, {cadence}, en {language}",
    }[lang]
    return template.format(
        time=sub.time_text,
        zone=sub.zone,
        cadence=CADENCE_TEXT[lang][sub.cadence],
        language=LANGUAGE_NAME[lang][sub.language],
    )


def not_allowed(request: Request, lang: str) -> str:
    if request.platform == "discord":
        return {
            "en": "You need the Manage Channels permission to change this channel's briefing.",
            "fr": "Il faut la permission Gérer les salons pour modifier le briefing de ce salon.",
        }[lang]
    return {
        "en": "Only the bot's admins (BRIEFING_ADMINS) can change this channel's briefing.",
        "fr": "Seuls les admins du bot (BRIEFING_ADMINS) peuvent modifier le briefing de ce canal.",
    }[lang]
