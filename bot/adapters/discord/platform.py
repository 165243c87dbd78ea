"""Discord's entry in the platform registry (imports no Discord library)."""

from __future__ import annotations

import argparse
import asyncio
import sys
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from bot.adapters.platform import Platform, Subcommands

if TYPE_CHECKING:
    from bot.adapters.base import ChatAdapter
    from bot.checks import Check
    from commands.router import Router
    from config import Settings


class Discord(Platform):
    name = "discord"

    def configured(self, settings: Settings) -> bool:
        return settings.discord.configured

    def build(self, settings: Settings, router: Router, options: Mapping[str, Any]) -> ChatAdapter:
        from bot.adapters.discord.adapter import DiscordAdapter

        return DiscordAdapter(settings.discord, router)

    def health(self, settings: Settings) -> Check:
        from bot.adapters.discord.health import check

        return check(settings.discord)

    def add_setup_commands(self, sub: Subcommands) -> None:
        sub.add_parser("discord-invite", help="print the URL that adds the bot to a Discord server")

    def setup(self, args: argparse.Namespace, settings: Settings) -> int | None:
        if args.command != "discord-invite":
            return None
        from bot.adapters.discord.invite import InviteError, application_id, invite_url
        from bot.cli import PROG

        try:
            print(invite_url(asyncio.run(application_id(settings.discord))))
        except InviteError as error:
            print(f"{PROG}: error: {error}", file=sys.stderr)
            return 1
        return 0


PLATFORM = Discord()
