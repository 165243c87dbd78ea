"""A loopback stand-in for an OpenAI-compatible embeddings server (Ollama, vLLM,
text-embeddings-inference, a hosted API): `POST /v1/embeddings` on 127.0.0.1, in a thread.

Its vectors hash each word into 256 dimensions (a bag of words), so that texts sharing words
are close: enough to check that the bot sends the passages and the question and uses the
vectors. `fail_with = 500` makes every call fail.

    with FakeEmbeddings() as server:
        monkeypatch.setenv("EMBEDDINGS_BASE_URL", server.base_url)
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

from tests.harness.threaded import ThreadedServer

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
        app = web.Application(client_max_size=16 * 1024**2)
        app.router.add_post("/v1/embeddings", self._embeddings)
        self._server = ThreadedServer(app, "fake-embeddings", self.host)
        self.port = self._server.port
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.close()
