"""Wiring: settings -> services -> router -> the adapters that have credentials."""

from __future__ import annotations

import asyncio
import logging
import sys

from bot.adapters.console import ConsoleAdapter
from bot.router import Router
from bot.services import Services
from config import Settings

log = logging.getLogger(__name__)


def run(settings: Settings, console_only: bool = False, slack_mode: str | None = None) -> int:
    """Start the console, or every chat platform whose credentials are set."""
    services = Services(settings)
    router = Router(services)
    platforms = [] if console_only else settings.chat_platforms
    if not platforms:
        asyncio.run(ConsoleAdapter(router).run())
        return 0
    print(
        f"Chat platforms configured ({', '.join(platforms)}), but this version only has the "
        "console adapter; unset their tokens or run `python -m bot console`.",
        file=sys.stderr,
    )
    return 2
