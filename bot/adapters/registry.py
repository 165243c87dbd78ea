"""Every chat platform the bot knows. A new platform is a package under `bot/adapters/` with a
`platform.py` entry, plus one line here."""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.adapters.console.platform import PLATFORM as CONSOLE
from bot.adapters.discord.platform import PLATFORM as DISCORD
from bot.adapters.platform import Platform
from bot.adapters.slack.platform import PLATFORM as SLACK

if TYPE_CHECKING:
    from config import Settings

PLATFORMS: tuple[Platform, ...] = (CONSOLE, SLACK, DISCORD)


def names() -> tuple[str, ...]:
    """Every platform's name, as subscriptions store it."""
    return tuple(platform.name for platform in PLATFORMS)


def configured(settings: Settings) -> list[Platform]:
    """The chat platforms whose credentials are set (served by `run`)."""
    return [platform for platform in PLATFORMS if platform.configured(settings)]
