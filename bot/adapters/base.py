"""What every chat adapter provides: start, stop, deliver (the scheduler's port)."""

from __future__ import annotations

from abc import ABC, abstractmethod

from aiohttp import web

from chat.delivery import Target
from chat.reply import Reply
from commands.router import Router
from config import Settings


class ChatAdapter(ABC):
    """A chat platform. It translates that platform's requests into core Requests, renders
    Replies back, and posts scheduled briefings. It computes nothing itself."""

    platform: str

    def __init__(self, router: Router) -> None:
        self.router = router

    @property
    def settings(self) -> Settings:
        """The whole configuration (default language, which commands are slow); the adapter's
        own group is `self.config`."""
        return self.router.services.settings

    def add_routes(self, app: web.Application) -> None:  # noqa: B027 - optional hook
        """Add HTTP routes to the bot's web server (Slack HTTP mode); most adapters add none."""

    @abstractmethod
    async def start(self) -> None:
        """Connect and begin serving commands; return once started."""

    @abstractmethod
    async def stop(self) -> None:
        """Stop taking commands and close connections."""

    @abstractmethod
    async def deliver(self, target: Target, reply: Reply, delivery_id: str) -> str:
        """Post a scheduled briefing; see chat.delivery.DeliveryPort."""
