"""The `/meta` subcommands: one module each, each a plain function of a request and services."""

from __future__ import annotations

from commands.base import Command, CommandError

__all__ = ["Command", "CommandError", "all_commands"]


def all_commands() -> dict[str, Command]:
    """Every command, in the order `help` lists them."""
    from commands import (
        alerts,
        ask,
        brief,
        help,
        insight,
        peers,
        schedule,
        sources,
        stock,
        subscribe,
        topics,
        unsubscribe,
    )

    modules = [help, ask, insight, topics, stock, brief, peers, subscribe, unsubscribe, schedule]
    modules += [alerts, sources]
    return {module.COMMAND.name: module.COMMAND for module in modules}
