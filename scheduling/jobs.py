"""What every coroutine job the scheduler runs shares: APScheduler's shutdown cancels the jobs
still running, and its executor logs a cancelled job with a traceback; a job cut short by
the bot stopping says so in one line instead."""

from __future__ import annotations

import asyncio
import functools
import logging
from collections.abc import Awaitable, Callable
from typing import TypeVar

log = logging.getLogger(__name__)
T = TypeVar("T")


def stops_quietly(job: Callable[[], Awaitable[T]]) -> Callable[[], Awaitable[T | None]]:
    """`job` as a coroutine job whose cancellation at shutdown is one log line."""

    @functools.wraps(job)
    async def run() -> T | None:
        try:
            return await job()
        except asyncio.CancelledError:
            log.info("job %s cut short: the bot is stopping", job.__name__)
            return None

    return run
