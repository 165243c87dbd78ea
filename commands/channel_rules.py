"""Who may change a channel's subscription: a rule of the core, fed with facts by the adapters."""

from __future__ import annotations

import re

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


# What a channel id looks like on each platform: Slack's are a C (public), G (private) or D
# (direct message) and 8 or more capitals and digits; Discord's are snowflakes (17-20 digits);
# the console's and the CLI's are plain names. An operator's `--channel` must match exactly
# (a typo is caught before it is stored); an id a platform sent with a request is only held to
# the broad shape (the platform chose it, but it never carries spaces, markup or controls).
CHANNEL_IDS = {
    "slack": re.compile(r"[CGD][A-Z0-9]{8,20}"),
    "discord": re.compile(r"[1-9][0-9]{16,19}"),
}
CHANNEL_SHAPES = {
    "slack": re.compile(r"[CGD][A-Z0-9]{1,24}"),
    "discord": re.compile(r"[1-9][0-9]{0,19}"),
}
PLAIN_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.#-]{0,79}")
EXPECTED = {  # for the operator's CLI, in English like the rest of it
    "slack": "a Slack channel id like C0123456789 (the channel's details, at the bottom)",
    "discord": "a Discord channel id like 1234567890123456789 (Copy Channel ID)",
    "name": "a name of letters, digits, '.', '_', '#' or '-'",
}


def channel_problem(platform: str, channel: str, *, exact: bool = True) -> str | None:
    """None for a well-formed channel id on `platform` (`exact=False`: of the broad shape);
    else which was expected: "slack", "discord" or "name" (a key of EXPECTED and of the
    `bad_channel_*` wording)."""
    kind = platform if platform in CHANNEL_IDS else "name"
    pattern = (CHANNEL_IDS if exact else CHANNEL_SHAPES).get(platform, PLAIN_NAME)
    return None if pattern.fullmatch(channel) else kind
