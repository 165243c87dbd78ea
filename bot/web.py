"""The bot's HTTP server on PORT: `/healthz` always, `/slack/events` in Slack HTTP mode."""

from __future__ import annotations

import asyncio
from collections.abc import Callable

from aiohttp import web


def health_app(
    status: Callable[[], dict[str, object]],
    metrics: Callable[[], bytes] | None = None,
    accepting: Callable[[], bool] = lambda: True,
) -> web.Application:
    """An aiohttp app whose `/healthz` answers 200 with `status()` once it says ready, else 503,
    and whose `/metrics` serves Prometheus metrics."""

    async def healthz(_request: web.Request) -> web.Response:
        body = status()
        return web.json_response(body, status=200 if body.get("ready") else 503)

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
