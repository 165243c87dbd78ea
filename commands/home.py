"""A workspace's briefings at a glance (the Slack Home tab): each channel's subscription, its
next post and last result, and pausing or resuming one by someone allowed to change it."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass

from briefings.formatting import local_moment
from briefings.subscriptions.model import Subscription
from briefings.subscriptions.timing import next_post
from chat.request import Request
from chat.wording import CATALOG, say
from commands.channel_rules import may_change_subscription
from commands.services import Services

PAUSED_BY_PERSON = "paused by {user}"


@dataclass(frozen=True)
class Entry:
    """One channel's briefing, worded for the Home tab."""

    id: int
    channel: str
    time: str
    zone: str
    language: str
    cadence: str
    next_post: str
    last: str
    paused_reason: str | None
    may_change: bool


def _entry(sub: Subscription, services: Services, lang: str, viewer: Request) -> Entry:
    last_row = services.subscriptions.last_delivery(sub.id)
    if last_row is None:
        last = say("home.never", lang)
    else:
        key = f"state_{last_row.state}"
        state = say(key, lang) if key in CATALOG else str(last_row.state)
        last = f"{last_row.local_date.isoformat()} {state}"
    upcoming = (
        "—"
        if sub.paused_reason
        else local_moment(next_post(sub, services.clock(), services.market.calendar), lang)
    )
    asker = Request(
        "home",
        platform=sub.platform,
        workspace=sub.workspace,
        channel=sub.channel,
        user=viewer.user,
        can_manage_channel=viewer.can_manage_channel,
    )
    return Entry(
        sub.id,
        sub.channel,
        sub.time_text,
        sub.zone,
        say(f"language_{sub.language}", lang),
        say(f"cadence_{sub.cadence}", lang),
        upcoming,
        last,
        sub.paused_reason,
        may_change_subscription(asker, services.settings),
    )


async def entries(services: Services, viewer: Request, lang: str) -> list[Entry]:
    """The briefings of the viewer's platform and workspace (read off the event loop)."""

    def read() -> list[Entry]:
        subs = [
            s
            for s in services.subscriptions.all(viewer.platform)
            if s.workspace == viewer.workspace
        ]
        return [_entry(s, services, lang, viewer) for s in subs]

    return await asyncio.to_thread(read)


async def set_paused(
    services: Services, viewer: Request, subscription_id: int, paused: bool
) -> bool:
    """Pause or resume one of the viewer's workspace's briefings; False if not allowed."""

    def change() -> bool:
        sub = next(
            (
                s
                for s in services.subscriptions.all(viewer.platform)
                if s.id == subscription_id and s.workspace == viewer.workspace
            ),
            None,
        )
        if sub is None:
            return False
        asker = Request(
            "home",
            platform=sub.platform,
            workspace=sub.workspace,
            channel=sub.channel,
            user=viewer.user,
            can_manage_channel=viewer.can_manage_channel,
        )
        if not may_change_subscription(asker, services.settings):
            return False
        if paused:
            services.subscriptions.pause(sub.id, PAUSED_BY_PERSON.format(user=viewer.user))
        else:  # saving the same settings resumes it
            services.subscriptions.save(
                sub.platform,
                sub.workspace,
                sub.channel,
                sub.time,
                sub.zone,
                sub.language,
                sub.cadence,
                sub.created_by,
                sub.created_at,
            )
        return True

    return await asyncio.to_thread(change)
