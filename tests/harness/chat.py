"""`Chat`: send `/meta ...` lines to the real router, read back what a person would read."""

from __future__ import annotations

import asyncio

from bot.adapters.console import render
from chat.reply import Reply
from commands.router import Router
from commands.services import Services


class Chat:
    """Send `/meta ...` lines and get back what a person would read, like a chat transcript."""

    def __init__(self, services: Services, **context: object) -> None:
        self.services = services
        self.router = Router(services)
        self.context = {"platform": "console", "can_manage_channel": True, **context}
        self.last: Reply | None = None

    def send(self, text: str, **context: object) -> Reply:
        self.last = asyncio.run(self.router.handle_text(text, **{**self.context, **context}))
        return self.last

    def say(self, text: str, **context: object) -> str:
        return render(self.send(text, **context))
