"""The bot's HTTP server on PORT: `/healthz` always, `/slack/events` in Slack HTTP mode."""

from __future__ import annotations

from collections.abc import Callable

from aiohttp import web


def health_app(status: Callable[[], dict[str, object]]) -> web.Application:
    """An aiohttp app whose `/healthz` answers 200 with `status()` once it says ready, else 503."""

    async def healthz(_request: web.Request) -> web.Response:
        body = status()
        return web.json_response(body, status=200 if body.get("ready") else 503)

    app = web.Application(client_max_size=256 * 1024)
    app.router.add_get("/healthz", healthz)
    return app
