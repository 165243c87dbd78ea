"""A loopback aiohttp server on an event loop in a thread of its own, so synchronous clients
(the `openai` package) can call it from a test; the LLM and embeddings fakes are built on it."""

from __future__ import annotations

import asyncio
import threading

from aiohttp import web


class ThreadedServer:
    """Serves `app` on `host:port` (0: a free port) until `close()`."""

    def __init__(self, app: web.Application, name: str, host: str = "127.0.0.1") -> None:
        self.host = host
        self.port = 0
        self._loop = asyncio.new_event_loop()
        self._runner = web.AppRunner(app, handle_signals=False, shutdown_timeout=0.2)
        ready = threading.Event()

        async def start() -> None:
            await self._runner.setup()
            await web.TCPSite(self._runner, self.host, self.port).start()
            self.port = self._runner.addresses[0][1]

        def run() -> None:
            asyncio.set_event_loop(self._loop)
            self._loop.run_until_complete(start())
            ready.set()
            self._loop.run_forever()

        self._thread = threading.Thread(target=run, name=name, daemon=True)
        self._thread.start()
        if not ready.wait(10):
            raise RuntimeError(f"the {name} server did not start")

    def close(self) -> None:
        asyncio.run_coroutine_threadsafe(self._runner.cleanup(), self._loop).result(10)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(10)
        self._loop.close()
