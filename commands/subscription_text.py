"""How subscriptions are described to people, in English and French."""

from __future__ import annotations

from briefings.subscriptions.model import Subscription
from chat.wording import say


def describe(sub: Subscription, lang: str) -> str:
    """'the daily briefing at 08:30 Europe/Paris, on US market trading days, in English'."""
    weekly = sub.cadence.startswith("weekly-")
    return say(
        "subscription_weekly" if weekly else "subscription",
        lang,
        time=sub.time_text,
        zone=sub.zone,
        cadence=say(f"cadence_{sub.cadence}", lang),
        language=say(f"language_{sub.language}", lang),
    )
