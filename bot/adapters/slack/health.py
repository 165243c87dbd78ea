"""The doctor's Slack line: which mode, and whether `auth.test` accepts SLACK_BOT_TOKEN."""

from __future__ import annotations

import asyncio

from slack_sdk.errors import SlackApiError

from bot.adapters.slack.adapter import build_client, resolve_mode
from bot.checks import Check
from config import SettingsError, SlackSettings


def check(config: SlackSettings) -> Check:
    if config.oauth:
        return Check("slack", True, "many workspaces (OAuth): tokens come from installations")
    if not config.bot_token:
        missing = [
            name
            for name, value in (
                ("SLACK_SIGNING_SECRET", config.signing_secret),
                ("SLACK_APP_TOKEN", config.app_token),
            )
            if value
        ]
        if missing:
            return Check(
                "slack",
                False,
                f"SLACK_BOT_TOKEN is missing ({', '.join(missing)} is set)",
                "set SLACK_BOT_TOKEN (xoxb-...) from the app's OAuth & Permissions page",
            )
        return Check("slack", True, "not configured (SLACK_BOT_TOKEN unset)", required=False)
    try:
        mode = resolve_mode(config, None)
    except SettingsError as error:
        return Check("slack", False, str(error), "see README, Slack")

    async def auth() -> str:
        client = build_client(config)
        client.timeout = 10
        response = await client.auth_test()
        return f"auth.test ok: team {response.get('team')}, bot {response.get('user')}, {mode} mode"

    try:
        return Check("slack", True, asyncio.run(auth()))
    except SlackApiError as error:
        code = error.response.get("error", "error")
        return Check(
            "slack",
            False,
            f"auth.test failed: {code}",
            "check SLACK_BOT_TOKEN (xoxb-...) and that the app is installed",
        )
    except Exception as error:
        return Check(
            "slack",
            False,
            f"Slack unreachable ({type(error).__name__})",
            "check the network and SLACK_API_URL",
        )
