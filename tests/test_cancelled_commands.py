"""A command cancelled while its thread runs (a platform's client gone, the bot stopping): what
the thread hands back afterwards is closed, not left for the garbage collector to report as a
coroutine never awaited (`ask` hands back its answer as one)."""

from __future__ import annotations

import asyncio
import gc
import threading
import warnings

from commands.services import Services


async def test_what_a_cancelled_commands_thread_hands_back_is_closed(settings):
    services = Services(settings)
    loading = threading.Event()
    go_on = threading.Event()

    async def answer() -> str:
        return "answer"

    def slow_start():  # the sync part of a command: the first load of the articles, say
        loading.set()
        go_on.wait(10)
        return answer()

    asked = asyncio.create_task(services.off_loop(slow_start))
    await asyncio.to_thread(loading.wait, 10)
    asked.cancel()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        await asyncio.gather(asked, return_exceptions=True)
        go_on.set()
        await asyncio.to_thread(services.executor.submit(lambda: None).result)
        await asyncio.sleep(0.05)  # the done callback runs on the thread that finished
        gc.collect()
    assert asked.cancelled()
    assert not [w for w in caught if "never awaited" in str(w.message)]
