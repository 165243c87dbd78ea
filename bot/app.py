"""Wiring: settings -> services -> router -> adapters, the web server and the scheduler,
all on one event loop. `python -m bot run` and `python -m bot console` end up here."""

from __future__ import annotations

import asyncio
import logging
import signal
import time
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from aiohttp import web

from bot.adapters import registry
from bot.adapters.console import ConsoleAdapter
from bot.web import GuardedRunner, health_app, metrics_app, raise_open_files_limit
from commands.router import Router
from commands.services import Services
from config import Settings

if TYPE_CHECKING:
    from bot.adapters.base import ChatAdapter
    from chat.delivery import DeliveryPort
    from scheduling.scheduler import BriefingScheduler

log = logging.getLogger(__name__)
HEALTH_CHECK_SECONDS = 1.0


def build_adapters(
    settings: Settings, router: Router, options: Mapping[str, Any] | None = None
) -> list[ChatAdapter]:
    """One adapter per platform whose credentials are set (its library imported only then);
    `options` are the `run` flags (`slack_mode`)."""
    return [
        platform.build(settings, router, options or {})
        for platform in registry.configured(settings)
    ]


class BotRunner:
    """Starts everything, reports health, and stops everything in reverse order."""

    def __init__(
        self,
        settings: Settings,
        services: Services | None = None,
        options: Mapping[str, Any] | None = None,
    ) -> None:
        self.settings = settings
        self.services = services or Services(settings)
        self.router = Router(self.services)
        from bot.metrics import Metrics

        self.metrics = Metrics(self.services)
        self.router.listeners.append(self.metrics.observe)
        self.adapters = build_adapters(settings, self.router, options)
        self.ready = False
        self.started = time.monotonic()
        self._stop = asyncio.Event()
        self._web: web.AppRunner | None = None
        self._metrics_web: web.AppRunner | None = None
        self.scheduler: BriefingScheduler | None = None

    def status(self) -> dict[str, object]:
        return {
            "ready": self.ready,
            "platforms": [a.platform for a in self.adapters],
            "scheduler": bool(self.scheduler and self.scheduler.scheduler.running),
            "uptime_s": round(time.monotonic() - self.started, 1),
        }

    async def health(self) -> dict[str, object]:
        """`status()` and the database's state ("ok", or the line naming the file and the fix),
        checked in a thread without SQL, so a locked or hung database cannot stall `/healthz`."""
        body = self.status()
        try:
            fault = await asyncio.wait_for(
                asyncio.to_thread(self.services.database.health), HEALTH_CHECK_SECONDS
            )
            body["storage"] = fault.line() if fault else "ok"
        except TimeoutError:
            body["storage"] = f"no answer from the database's file within {HEALTH_CHECK_SECONDS} s"
        return body

    def ports(self) -> dict[str, DeliveryPort]:
        return {adapter.platform: adapter for adapter in self.adapters}

    async def start(self) -> None:
        await asyncio.to_thread(lambda: self.services.knowledge.index)  # first `ask` stays fast
        # METRICS_PORT: unset serves /metrics on PORT; off serves it nowhere; else its own port.
        here = self.metrics.exposition if self.settings.metrics_port is None else None
        app = health_app(self.health, here, accepting=lambda: self.ready)
        for adapter in self.adapters:
            adapter.add_routes(app)
        raise_open_files_limit()
        self._web = GuardedRunner(app)
        await self._web.setup()
        await web.TCPSite(self._web, "0.0.0.0", self.settings.port).start()
        if (address := self.settings.metrics_address) is not None:
            self._metrics_web = GuardedRunner(metrics_app(self.metrics.exposition))
            await self._metrics_web.setup()
            await web.TCPSite(self._metrics_web, *address).start()
            log.info("metrics on %s port %s", *address)
        for adapter in self.adapters:
            await adapter.start()
            log.info("%s adapter started", adapter.platform)
        self.scheduler = await start_scheduler(self.services, self.ports())
        self.ready = True
        log.info("bot ready on port %s", self.settings.port)

    def request_stop(self) -> None:
        self._stop.set()

    async def stop(self) -> None:
        """Stop taking commands, let in-flight deliveries finish (or hand their claims back),
        close the clients; all within SHUTDOWN_TIMEOUT."""
        self.ready = False
        try:
            await asyncio.wait_for(self._stop_everything(), self.settings.shutdown_timeout)
        except TimeoutError:
            log.warning(
                "shutdown took longer than %s s; exiting anyway", self.settings.shutdown_timeout
            )

    async def _stop_everything(self) -> None:
        budget = self.settings.shutdown_timeout * 0.75
        if self.scheduler is not None:
            await self.scheduler.stop(budget)
        for adapter in reversed(self.adapters):
            try:
                await adapter.stop()
            except Exception:
                log.exception("stopping the %s adapter failed", adapter.platform)
        if self._web is not None:
            await self._web.cleanup()
        if self._metrics_web is not None:
            await self._metrics_web.cleanup()

    async def run_until_stopped(self) -> None:
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(sig, self.request_stop)
        await self.start()
        try:
            await self._stop.wait()
        finally:
            log.info("stopping")
            await self.stop()


def open_storage(services: Services) -> None:
    """Migrate the database and build the stores (blocking: run it in a thread)."""
    services.database.ready()
    _ = services.subscriptions, services.rotation


async def start_scheduler(services: Services, ports: dict[str, DeliveryPort]) -> BriefingScheduler:
    """The delivery scheduler, started inside the running loop."""
    from scheduling.fanout import Deliveries
    from scheduling.scheduler import BriefingScheduler

    await asyncio.to_thread(open_storage, services)
    scheduler = BriefingScheduler(
        Deliveries(services, ports), services.settings.delivery.scheduler_sweep_seconds
    )
    await scheduler.start()
    return scheduler


async def run_console(settings: Settings) -> None:
    """The console, with the scheduler posting console subscriptions' briefings in it."""
    from bot.adapters.console import ConsoleDelivery

    services = Services(settings)
    record = Path(settings.storage.data_dir) / "console-posts.jsonl"
    scheduler = await start_scheduler(services, {"console": ConsoleDelivery(None, record)})
    try:
        await ConsoleAdapter(Router(services)).run()
    finally:
        await scheduler.stop(settings.shutdown_timeout)


def run(
    settings: Settings, console_only: bool = False, options: Mapping[str, Any] | None = None
) -> int:
    """The console when no chat platform is configured (or asked for); else serve them all."""
    if console_only or not registry.configured(settings):
        asyncio.run(run_console(settings))
        return 0
    asyncio.run(BotRunner(settings, options=options).run_until_stopped())
    return 0
