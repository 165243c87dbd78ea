"""Helpers for delivery tests: a console port whose posts can be counted, and quick setup."""

from __future__ import annotations

import datetime as dt
import io
import json
from pathlib import Path

from bot.adapters.console import ConsoleDelivery
from briefings.subscriptions.model import parse_time
from commands.services import Services
from config import Settings
from scheduling.fanout import Deliveries
from tests.harness import DATA
from tests.harness.clock import FakeClock

META = DATA / "META.csv"


def make_services(settings: Settings, clock: FakeClock) -> Services:
    """Services on the given settings with a clock the test moves, and the real META bars."""
    return Services(settings, clock=clock, price_files={"META": META})


def console_port(settings: Settings) -> ConsoleDelivery:
    return ConsoleDelivery(io.StringIO(), Path(settings.storage.data_dir) / "console-posts.jsonl")


def posts(settings: Settings) -> list[dict]:
    """Every post the console port has made, from its record."""
    record = Path(settings.storage.data_dir) / "console-posts.jsonl"
    if not record.exists():
        return []
    return [json.loads(line) for line in record.read_text().splitlines() if line.strip()]


def posts_per_channel(settings: Settings) -> dict[str, int]:
    counts: dict[str, int] = {}
    for post in posts(settings):
        counts[post["channel"]] = counts.get(post["channel"], 0) + 1
    return counts


def subscribe(
    services: Services,
    channel: str,
    time: str,
    zone: str,
    lang: str = "en",
    cadence: str = "daily",
    created: dt.datetime | None = None,
) -> None:
    services.subscriptions.save(
        "console",
        "local",
        channel,
        parse_time(time),
        zone,
        lang,
        cadence,
        "test",
        created or dt.datetime(2020, 1, 1, tzinfo=dt.UTC),
    )


def deliveries(services: Services, settings: Settings, **options) -> Deliveries:
    async def no_wait(_seconds: float) -> None:
        return None

    return Deliveries(services, {"console": console_port(settings)}, sleep=no_wait, **options)


def utc(*args: int) -> dt.datetime:
    return dt.datetime(*args, tzinfo=dt.UTC)
