"""Prometheus metrics for `GET /metrics` (prometheus-client), on the bot's own registry."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from prometheus_client import CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily
from prometheus_client.registry import Collector

from chat.request import Request

if TYPE_CHECKING:
    from commands.services import Services

CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"


class _ServiceCollector(Collector):
    """Figures read at scrape time: market-data counters and deliveries by state."""

    def __init__(self, services: Services) -> None:
        self.services = services

    def collect(self) -> Iterator[CounterMetricFamily | GaugeMetricFamily]:
        market = self.services.__dict__.get("market")  # only once something used market data
        data = market.__dict__.get("data") if market is not None else None
        for name, help_text, attr in (
            ("meta_bot_market_fetches", "Upstream market-data fetches", "upstream_fetches"),
            ("meta_bot_market_cache_hits", "Market-data cache hits", "cache_hits"),
            ("meta_bot_market_upstream_errors", "Market-data upstream errors", "upstream_errors"),
        ):
            family = CounterMetricFamily(name, help_text)
            family.add_metric([], getattr(data, attr, 0) if data is not None else 0)
            yield family
        deliveries = GaugeMetricFamily(
            "meta_bot_deliveries", "Scheduled deliveries recorded, by state", labels=["state"]
        )
        try:
            from briefings.subscriptions.claims import ClaimStore

            states = ClaimStore(self.services.database.ready()).states()
        except Exception:
            states = {}
        for state in ("claimed", "sending", "retrying", "delivered", "failed", "missed"):
            deliveries.add_metric([state], states.get(state, 0))
        yield deliveries


class Metrics:
    def __init__(self, services: Services) -> None:
        self.registry = CollectorRegistry()
        self.commands = Counter(
            "meta_bot_commands",
            "Commands handled",
            ["command", "outcome", "platform"],
            registry=self.registry,
        )
        self.latency = Histogram(
            "meta_bot_command_seconds",
            "Command latency",
            ["command"],
            registry=self.registry,
            buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
        )
        self.registry.register(_ServiceCollector(services))

    def observe(self, request: Request, outcome: str, seconds: float) -> None:
        """A Router listener: one command handled."""
        command = request.command if outcome != "unknown" else "unknown"
        self.commands.labels(command, outcome, request.platform).inc()
        self.latency.labels(command).observe(seconds)

    def exposition(self) -> bytes:
        return generate_latest(self.registry)
