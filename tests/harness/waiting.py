"""Wait on a condition, not on the clock: for state the test can only look at (a log, a file)."""

from __future__ import annotations

import asyncio
from collections.abc import Callable


async def eventually(condition: Callable[[], object], timeout: float = 60.0) -> None:
    """Return as soon as `condition()` is true; fail after `timeout` seconds (a bound for a bot
    that never gets there, generous because a busy machine can be slow, not a measure)."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not condition():
        if loop.time() > deadline:
            raise AssertionError(f"still not true after {timeout:g} s: {condition}")
        await asyncio.sleep(0.02)
