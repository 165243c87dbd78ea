"""What the shell knows of a chat platform: one `Platform` per package under `bot/adapters/`,
listed in `bot.adapters.registry`. An entry imports nothing heavy: the platform's library is
imported when its adapter is built or checked."""

from __future__ import annotations

import argparse
from abc import ABC, abstractmethod
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from bot.adapters.base import ChatAdapter
    from bot.checks import Check
    from commands.router import Router
    from config import Settings

Subcommands = argparse._SubParsersAction  # type: ignore[type-arg]


class Platform(ABC):
    """A chat platform: whether it is configured, its adapter, its doctor line, its set-up
    help (a CLI command of its own, such as `slack-manifest`)."""

    name: str

    @abstractmethod
    def configured(self, settings: Settings) -> bool:
        """Its credentials are set: `run` serves it."""

    @abstractmethod
    def build(self, settings: Settings, router: Router, options: Mapping[str, Any]) -> ChatAdapter:
        """The adapter, given its settings group; `options` are the `run` flags."""

    def health(self, settings: Settings) -> Check | None:
        """The doctor's line for this platform (None: no line)."""
        return None

    def add_run_arguments(self, run: argparse.ArgumentParser) -> None:  # noqa: B027
        """Flags of `python -m bot run` for this platform."""

    def add_setup_commands(self, sub: Subcommands) -> None:  # noqa: B027
        """CLI commands that help set the platform up."""

    def setup(self, args: argparse.Namespace, settings: Settings) -> int | None:
        """Run `args.command` if it is one of this platform's set-up commands (its exit code);
        None otherwise."""
        return None
