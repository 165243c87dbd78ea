"""Group commit for a fan-out's database writes: every post that reaches the same step while a
write is running goes in the next write together, one transaction and one thread hop for all.
Each post still waits for its own write, so nothing is posted before it is recorded `sending`."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Sequence
from typing import Generic, TypeVar

T = TypeVar("T")
R = TypeVar("R")


class GroupWrites(Generic[T, R]):
    """`await add(item)` returns `write`'s result for that item; `write` runs in a thread on
    everything queued since the last one began (and during `linger`), results in the items'
    order."""

    def __init__(self, write: Callable[[list[T]], Sequence[R]], linger: float = 0.0) -> None:
        self._write = write
        self.linger = linger  # seconds a write waits for more items first
        self._queue: list[tuple[T, asyncio.Future[R]]] = []
        self._worker: asyncio.Task[None] | None = None
        self.writes = 0  # statements' transactions run, for benchmarks

    async def add(self, item: T) -> R:
        future: asyncio.Future[R] = asyncio.get_running_loop().create_future()
        self._queue.append((item, future))
        if self._worker is None or self._worker.done():
            self._worker = asyncio.create_task(self._run())
        return await future

    async def _run(self) -> None:
        while self._queue:
            if self.linger:
                await asyncio.sleep(self.linger)
            batch, self._queue = self._queue, []
            try:
                results = await asyncio.to_thread(self._write, [item for item, _ in batch])
            except asyncio.CancelledError:
                for _, future in (*batch, *self._queue):
                    future.cancel()
                self._queue = []
                raise
            except Exception as error:  # every post of the batch fails as its own write would
                for _, future in batch:
                    if not future.done():
                        future.set_exception(error)
                continue
            self.writes += 1
            for (_, future), result in zip(batch, results, strict=True):
                if not future.done():
                    future.set_result(result)
