"""A loopback stand-in for an OpenAI-compatible chat-completions server (Ollama, vLLM,
llama.cpp's server, a hosted API): `POST /v1/chat/completions`, on 127.0.0.1, in a thread of its
own so that the code under test can run its own event loops (`asyncio.run`, the CLI).

    with FakeLLM() as llm:
        monkeypatch.setenv("LLM_BASE_URL", llm.base_url)      # http://127.0.0.1:PORT/v1
        llm.script(answer("LLaMA powers Meta AI [The Indirect Monetization of LLaMA]."))
        ...
        assert len(llm.requests) == 1
        assert "Section (en)" in llm.requests[0].user_prompt

Scripted replies are used in order, one per request; once they run out, `responder(request)`
answers (by default: a server error, so an unscripted call is visible in a test).
"""

from __future__ import annotations

import asyncio
import itertools
import json
import re
import threading
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

from tests.harness.threaded import ThreadedServer


@dataclass
class Scripted:
    """One reply: an HTTP status with a JSON (or raw text) body, optionally after a delay."""

    status: int = 200
    body: dict[str, Any] | str = ""
    delay: float = 0.0


@dataclass
class Recorded:
    path: str
    headers: dict[str, str]
    body: dict[str, Any]

    @property
    def messages(self) -> list[dict[str, str]]:
        return self.body.get("messages", [])

    @property
    def system_prompt(self) -> str:
        return next((m["content"] for m in self.messages if m["role"] == "system"), "")

    @property
    def user_prompt(self) -> str:
        return next((m["content"] for m in self.messages if m["role"] == "user"), "")


_ids = itertools.count(1)


def completion(
    content: str | None, refusal: str | None = None, finish_reason: str = "stop"
) -> dict[str, Any]:
    """A chat.completion object as the OpenAI API documents it."""
    return {
        "id": f"chatcmpl-fake{next(_ids)}",
        "object": "chat.completion",
        "created": 1710000000,
        "model": "fake-llama",
        "choices": [
            {
                "index": 0,
                "message": {"role": "assistant", "content": content, "refusal": refusal},
                "finish_reason": finish_reason,
                "logprobs": None,
            }
        ],
        "usage": {"prompt_tokens": 100, "completion_tokens": 20, "total_tokens": 120},
    }


def answer(text: str, delay: float = 0.0) -> Scripted:
    return Scripted(200, completion(text), delay)


def refusal() -> Scripted:
    return Scripted(200, completion(None, refusal="I can't help with that."))


def server_error(status: int = 500) -> Scripted:
    return Scripted(status, {"error": {"message": "model crashed", "type": "server_error"}})


def malformed() -> Scripted:
    return Scripted(200, "<html>not json</html>")


def slow(seconds: float) -> Scripted:
    return Scripted(200, completion("Too late [LLaMA: An Open-Source Approach to AI]."), seconds)


_SECTION = re.compile(r"^Section \((en|fr)\): (\[.*\])$", re.M)
_TEXT = re.compile(r"^Text \((en|fr)\): (.*)$", re.M)


def asked_language(request: Recorded) -> str:
    return "fr" if "(answer in French)" in request.user_prompt else "en"


def echo_best_passage(request: Recorded) -> Scripted:
    """A grounded answer: the first (best) passage's text in the question's language, with its
    section cited."""
    lang = asked_language(request)
    first = request.user_prompt.split("### Passage 2")[0]
    sections = dict(_SECTION.findall(first))
    texts = dict(_TEXT.findall(first))
    if not texts:
        return answer("NO_ANSWER")
    text = texts.get(lang) or next(iter(texts.values()))
    section = sections.get(lang) or next(iter(sections.values()))
    return answer(f"{text} {section}")


def _unscripted(_request: Recorded) -> Scripted:
    return server_error(500)


@dataclass
class FakeLLM:
    responder: Callable[[Recorded], Scripted] = _unscripted
    requests: list[Recorded] = field(default_factory=list)
    host: str = "127.0.0.1"
    port: int = 0

    def __post_init__(self) -> None:
        self._script: deque[Scripted] = deque()
        self._lock = threading.Lock()

    @property
    def base_url(self) -> str:
        return f"http://{self.host}:{self.port}/v1"

    def script(self, *replies: Scripted) -> None:
        with self._lock:
            self._script.extend(replies)

    def calls(self) -> int:
        with self._lock:
            return len(self.requests)

    async def _completions(self, request: web.Request) -> web.StreamResponse:
        try:
            body = await request.json()
        except ValueError:
            body = {}
        recorded = Recorded(request.path, dict(request.headers), body)
        with self._lock:
            self.requests.append(recorded)
            scripted = self._script.popleft() if self._script else None
        if scripted is None:
            scripted = self.responder(recorded)
        if scripted.delay:
            await asyncio.sleep(scripted.delay)
        if isinstance(scripted.body, str):
            return web.Response(
                status=scripted.status, text=scripted.body, content_type="text/html"
            )
        return web.json_response(scripted.body, status=scripted.status)

    # ---- lifecycle: a loop in a thread -----------------------------------------------------

    def __enter__(self) -> FakeLLM:
        app = web.Application()
        app.router.add_post("/v1/chat/completions", self._completions)
        app.router.add_post("/chat/completions", self._completions)  # base URL without /v1
        self._server = ThreadedServer(app, "fake-llm", self.host)
        self.port = self._server.port
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.close()


def body_json(request: Recorded) -> str:
    return json.dumps(request.body, ensure_ascii=False)
