"""A loopback stand-in for an OpenAI-compatible embeddings server (Ollama, vLLM,
text-embeddings-inference, a hosted API): `POST /v1/embeddings` on 127.0.0.1, in a thread.

Its vectors hash each word into 256 dimensions (a bag of words), so that texts sharing words
are close: enough to check that the bot sends the passages and the question and uses the
vectors. `fail_with = 500` makes every call fail.

    with FakeEmbeddings() as server:
        monkeypatch.setenv("EMBEDDINGS_BASE_URL", server.base_url)
"""

from __future__ import annotations

import asyncio
import hashlib
import re
import threading
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

DIM = 256


def vector(text: str) -> list[float]:
    values = [0.0] * DIM
    for word in re.findall(r"\w+", text.casefold()):
        values[int(hashlib.md5(word.encode()).hexdigest(), 16) % DIM] += 1.0
    return values


@dataclass
class FakeEmbeddings:
    fail_with: int | None = None
    requests: list[dict[str, Any]] = field(default_factory=list)
    host: str = "127.0.0.1"
    port: int = 0

    def __post_init__(self) -> None:
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._runner: web.AppRunner | None = None

    @property
    def base_url(self) -> str:
        return f"http://{self.host}:{self.port}/v1"

    def inputs(self) -> list[str]:
        return [text for body in self.requests for text in body.get("input", [])]

    async def _embeddings(self, request: web.Request) -> web.Response:
        body = await request.json()
        self.requests.append({**body, "authorization": request.headers.get("Authorization")})
        if self.fail_with:
            return web.json_response({"error": {"message": "down"}}, status=self.fail_with)
        inputs = body["input"] if isinstance(body["input"], list) else [body["input"]]
        return web.json_response(
            {
                "object": "list",
                "data": [
                    {"object": "embedding", "index": i, "embedding": vector(text)}
                    for i, text in enumerate(inputs)
                ],
                "model": body.get("model", "fake"),
                "usage": {"prompt_tokens": 1, "total_tokens": 1},
            }
        )

    def __enter__(self) -> FakeEmbeddings:
        ready = threading.Event()
        self._loop = asyncio.new_event_loop()

        async def start() -> None:
            app = web.Application(client_max_size=16 * 1024**2)
            app.router.add_post("/v1/embeddings", self._embeddings)
            self._runner = web.AppRunner(app, handle_signals=False, shutdown_timeout=0.2)
            await self._runner.setup()
            await web.TCPSite(self._runner, self.host, self.port).start()
            self.port = self._runner.addresses[0][1]

        def run() -> None:
            assert self._loop is not None
            asyncio.set_event_loop(self._loop)
            self._loop.run_until_complete(start())
            ready.set()
            self._loop.run_forever()

        self._thread = threading.Thread(target=run, name="fake-embeddings", daemon=True)
        self._thread.start()
        if not ready.wait(10):
            raise RuntimeError("the fake embeddings server did not start")
        return self

    def __exit__(self, *exc: object) -> None:
        assert self._loop is not None and self._thread is not None
        if self._runner is not None:
            asyncio.run_coroutine_threadsafe(self._runner.cleanup(), self._loop).result(10)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(10)
        self._loop.close()
