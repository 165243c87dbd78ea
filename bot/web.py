"""The bot's HTTP server on PORT: `/healthz` always, `/slack/events` in Slack HTTP mode."""

from __future__ import annotations

import asyncio
import contextlib
import inspect
import logging
import resource
from collections.abc import Awaitable, Callable
from typing import Any

from aiohttp import web
from aiohttp.web_protocol import RequestHandler
from aiohttp.web_server import Server

log = logging.getLogger(__name__)

HEADER_TIMEOUT = 10.0  # seconds a new connection has to send a complete request head
KEEPALIVE_TIMEOUT = 15.0  # seconds an idle kept-alive connection stays open
BODY_TIMEOUT = 10.0  # seconds a request body may take to arrive (see read_body)


def health_app(
    status: Callable[[], dict[str, object] | Awaitable[dict[str, object]]],
    metrics: Callable[[], bytes] | None = None,
    accepting: Callable[[], bool] = lambda: True,
) -> web.Application:
    """An aiohttp app whose `/healthz` answers 200 with `status()` once it says ready and its
    storage is "ok" (when it reports one), else 503; `/metrics` serves Prometheus metrics."""

    async def healthz(_request: web.Request) -> web.Response:
        result = status()
        body = await result if inspect.isawaitable(result) else result
        healthy = bool(body.get("ready")) and body.get("storage", "ok") == "ok"
        return web.json_response(body, status=200 if healthy else 503)

    async def metrics_page(_request: web.Request) -> web.Response:
        assert metrics is not None
        body = await asyncio.to_thread(metrics)
        return web.Response(
            body=body, headers={"Content-Type": "text/plain; version=0.0.4; charset=utf-8"}
        )

    @web.middleware
    async def refuse_while_stopping(request: web.Request, handler):  # type: ignore[no-untyped-def]
        if request.method == "POST" and not accepting():
            return web.json_response({"error": "shutting down"}, status=503)
        return await handler(request)

    app = web.Application(client_max_size=256 * 1024, middlewares=[refuse_while_stopping])
    app.router.add_get("/healthz", healthz)
    if metrics is not None:
        app.router.add_get("/metrics", metrics_page)
    return app


def metrics_app(metrics: Callable[[], bytes]) -> web.Application:
    """`/metrics` alone, for its own listener (METRICS_PORT); nothing else is served there."""

    async def metrics_page(_request: web.Request) -> web.Response:
        body = await asyncio.to_thread(metrics)
        return web.Response(
            body=body, headers={"Content-Type": "text/plain; version=0.0.4; charset=utf-8"}
        )

    app = web.Application(client_max_size=1024)
    app.router.add_get("/metrics", metrics_page)
    return app


class _HeadDeadlineHandler(RequestHandler):
    """A connection that has sent no complete request head within HEADER_TIMEOUT is closed,
    so slow clients (slowloris) cannot hold connections, and file descriptors, forever."""

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        super().connection_made(transport)
        self._head_deadline = asyncio.get_running_loop().call_later(
            HEADER_TIMEOUT, self._drop_if_silent
        )

    def connection_lost(self, exc: BaseException | None) -> None:
        self._head_deadline.cancel()
        super().connection_lost(exc)

    def _drop_if_silent(self) -> None:
        if getattr(self, "_request_count", 1) == 0 and not getattr(self, "_messages", None):
            self.force_close()
            if self.transport is not None:
                self.transport.close()


class _GuardedServer(Server):
    def __call__(self) -> RequestHandler:
        return _HeadDeadlineHandler(self, loop=self._loop, **self._kwargs)


class GuardedRunner(web.AppRunner):
    """An AppRunner whose connections get a deadline for their request head and a short
    keep-alive; `/healthz` keeps answering while slow clients pile up."""

    def __init__(self, app: web.Application, **kwargs: Any) -> None:
        kwargs.setdefault("keepalive_timeout", KEEPALIVE_TIMEOUT)
        super().__init__(app, access_log=None, **kwargs)

    async def _make_server(self) -> Server:
        server = await super()._make_server()
        server.__class__ = _GuardedServer  # same state; only the handler it makes differs
        return server


async def read_body(request: web.Request) -> bytes:
    """The whole body, or HTTPRequestTimeout if it trickles in slower than BODY_TIMEOUT."""
    try:
        return await asyncio.wait_for(request.read(), BODY_TIMEOUT)
    except TimeoutError:
        raise web.HTTPRequestTimeout(text="request body too slow") from None


def raise_open_files_limit() -> None:
    """Lift the soft limit on open files to the hard one: every connection is a descriptor."""
    with contextlib.suppress(ValueError, OSError):
        soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
        if soft < hard:
            resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
            log.debug("open files limit raised from %s to %s", soft, hard)
