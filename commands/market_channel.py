"""A channel's market symbols as `stock`, `brief` and scheduled briefings use them: its own peers
and benchmark (`/meta peers`), else BENCHMARK_SYMBOL and PEER_SYMBOLS."""

from __future__ import annotations

import asyncio
import logging

from chat.request import Origin
from commands.services import Services

log = logging.getLogger(__name__)
Symbols = tuple[str, tuple[str, ...]]  # benchmark, peers


def defaults(services: Services) -> Symbols:
    market = services.settings.market
    return market.benchmark_symbol, tuple(market.peers)


def symbols_here(services: Services, origin: Origin) -> Symbols:
    """The channel's benchmark and peers (blocking: reads the database). The CLI has no channel."""
    if origin.platform == "cli":
        return defaults(services)
    try:
        row = services.channel_market.get(origin.platform, origin.workspace, origin.channel)
    except Exception as exc:  # a locked database: the briefing goes out with the defaults
        log.warning("channel settings unreadable for %s (%s)", origin.scope, type(exc).__name__)
        return defaults(services)
    benchmark, peers = defaults(services)
    return row.benchmark or benchmark, row.peers if row.peers is not None else peers


def symbols_of_many(services: Services, origins: list[Origin]) -> list[Symbols]:
    """Each channel's benchmark and peers, in one query for all (blocking: a fan-out's)."""
    try:
        changed = services.channel_market.every()
    except Exception as exc:  # a locked database: the briefings go out with the defaults
        log.warning("channel settings unreadable (%s)", type(exc).__name__)
        changed = {}
    benchmark, peers = defaults(services)
    out: list[Symbols] = []
    for origin in origins:
        row = changed.get((origin.platform, origin.workspace, origin.channel))
        if row is None:
            out.append((benchmark, peers))
        else:
            out.append((row.benchmark or benchmark, row.peers if row.peers is not None else peers))
    return out


async def symbols_for(services: Services, origin: Origin) -> Symbols:
    return await asyncio.to_thread(symbols_here, services, origin)
