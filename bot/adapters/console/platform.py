"""The console's entry in the platform registry: never served beside the chat platforms;
`run` falls back to it when none is configured, and `python -m bot console` opens it."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from bot.adapters.platform import Platform

if TYPE_CHECKING:
    from bot.adapters.base import ChatAdapter
    from commands.router import Router
    from config import Settings


class Console(Platform):
    name = "console"

    def configured(self, settings: Settings) -> bool:
        return False  # needs no credentials, so it is the fallback rather than a served platform

    def build(self, settings: Settings, router: Router, options: Mapping[str, Any]) -> ChatAdapter:
        raise TypeError("the console runs alone: python -m bot console")


PLATFORM = Console()
