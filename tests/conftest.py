"""Shared fixtures: an isolated environment per test and a `chat` that reads like a transcript."""

from __future__ import annotations

import os

os.environ.setdefault("YF_DISABLE_CURL_CFFI", "1")  # yfinance reads it on import: plain requests

import datetime as dt
import random
from collections.abc import Iterator
from pathlib import Path

import pytest

from commands.services import Services
from config import Settings, load_settings
from tests.harness.chat import Chat

# a throwaway PostgreSQL server, the Discord fake, the fake Slack and the bot serving it
pytest_plugins = [
    "tests.harness.postgres",
    "tests.harness.discord_fixtures",
    "tests.harness.slack_bot",
]


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """A test on the PostgreSQL server says so (`make test-fast` leaves those out)."""
    for item in items:
        if "postgres_server" in getattr(item, "fixturenames", ()) and not item.get_closest_marker(
            "postgres"
        ):
            raise pytest.UsageError(f"{item.nodeid} uses PostgreSQL: mark it @pytest.mark.postgres")


@pytest.fixture(autouse=True)
def isolated_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """Each test runs in its own folder (no stray .env) with no platform credentials."""
    for name in list(os.environ):
        if name.startswith(
            (
                "SLACK_",
                "DISCORD_",
                "MARKET_",
                "EARNINGS_",
                "DATABASE_",
                "DATA_DIR",
                "LLM_",
                "EMBEDDINGS_",
                "SOURCES",
            )
        ):
            monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("DATA_DIR", str(tmp_path / "data"))
    yield tmp_path


@pytest.fixture
def settings(isolated_env: Path) -> Settings:
    return load_settings()


@pytest.fixture
def services(settings: Settings) -> Services:
    clock_time = dt.datetime(2026, 11, 27, 14, 0, tzinfo=dt.UTC)
    return Services(settings, clock=lambda: clock_time, rng=random.Random(7))


@pytest.fixture
def chat(services: Services) -> Chat:
    return Chat(services)
