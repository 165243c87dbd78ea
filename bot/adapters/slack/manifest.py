"""The Slack app manifest: config/slack-manifest.yml, completed from the command registry.

`manifest_yaml()` is for Socket Mode (no public URL). `manifest_yaml("https://bot.example.com")`
is for HTTP mode: Socket Mode off, and the slash command, the interactivity (buttons,
the message shortcut) and the events (mentions, direct messages, the Home tab) all pointed at
`<http_url>/slack/events`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from commands import all_commands

TEMPLATE = Path(__file__).resolve().parents[3] / "config" / "slack-manifest.yml"
EVENTS_PATH = "/slack/events"  # as bot.adapters.slack serves it (not imported: no slack_bolt here)
MAX_USAGE_HINT = 1000  # Slack's limit for a slash command's usage_hint
MAX_DESCRIPTION = 2000


def usage_hint() -> str:
    """`ask <question> | insight [topic] | ...`: every command's usage, in `help`'s order."""
    hint = " | ".join(command.usage for command in all_commands().values())
    return hint if len(hint) <= MAX_USAGE_HINT else hint[: MAX_USAGE_HINT - 1] + "…"


def manifest(http_url: str | None = None) -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load(TEMPLATE.read_text(encoding="utf-8"))
    for command in data["features"]["slash_commands"]:
        if command["command"] == "/meta":
            command["usage_hint"] = usage_hint()
            command["description"] = command["description"][:MAX_DESCRIPTION]
            command["should_escape"] = False
    settings = data["settings"]
    if http_url:
        url = http_url.rstrip("/") + EVENTS_PATH
        if not url.startswith("https://"):
            raise ValueError("--http-url must be an https:// URL that Slack can reach")
        for command in data["features"]["slash_commands"]:
            command["url"] = url
        settings["interactivity"]["request_url"] = url
        settings["event_subscriptions"]["request_url"] = url
        settings["socket_mode_enabled"] = False
    else:
        settings["socket_mode_enabled"] = True
    return data


def manifest_yaml(http_url: str | None = None) -> str:
    """The manifest as YAML, ready to paste into https://api.slack.com/apps."""
    return yaml.safe_dump(manifest(http_url), sort_keys=False, allow_unicode=True, width=100)
