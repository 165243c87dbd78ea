"""Who may change a channel's subscription: a rule of the core, fed with facts by the adapters."""

from __future__ import annotations

from chat.request import Request
from config import Settings


def may_change_subscription(request: Request, settings: Settings) -> bool:
    """BRIEFING_ADMINS, when set, decides alone. Otherwise: on Discord, members with Manage
    Channels; on Slack, the console and the CLI, anyone who can type in the channel."""
    if settings.delivery.admins:
        return request.user in settings.delivery.admins
    if request.platform == "discord":
        return request.can_manage_channel
    return True
