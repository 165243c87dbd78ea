"""The doctor's Discord line: whether Discord accepts DISCORD_TOKEN (a REST-only login)."""

from __future__ import annotations

import asyncio

from bot.adapters.discord.invite import InviteError, application_id
from bot.checks import Check
from config import DiscordSettings


def check(config: DiscordSettings) -> Check:
    if not config.token:
        return Check("discord", True, "not configured (DISCORD_TOKEN unset)", required=False)
    try:
        app_id = asyncio.run(application_id(config.model_copy(update={"application_id": None})))
        return Check("discord", True, f"login ok, application {app_id}")
    except InviteError as error:
        return Check("discord", False, f"login failed: {error}", "check DISCORD_TOKEN")
    except Exception as error:
        return Check(
            "discord",
            False,
            f"Discord unreachable ({type(error).__name__})",
            "check the network and DISCORD_API_URL",
        )
