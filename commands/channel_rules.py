"""Who may change a channel's subscription: a rule of the core, fed with facts by the adapters."""

from __future__ import annotations

from chat.request import Request
from config import Settings


def may_change_subscription(request: Request, settings: Settings) -> bool:
    """BRIEFING_ADMINS, when set, decides alone. Otherwise the platform's own rule, which its
    adapter states in `can_manage_channel` (Discord: Manage Channels; Slack, the console and
    the CLI: anyone who can type in the channel)."""
    if settings.delivery.admins:
        return request.user in settings.delivery.admins
    return request.can_manage_channel


def refusal_key(settings: Settings) -> str:
    """The wording key that says why a change was refused."""
    return "not_allowed_admins" if settings.delivery.admins else "not_allowed_permission"
