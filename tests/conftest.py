"""Shared fixtures: an isolated environment per test and a `chat` that reads like a transcript."""

from __future__ import annotations

import os

os.environ.setdefault("YF_DISABLE_CURL_CFFI", "1")  # yfinance reads it on import: plain requests

import asyncio
import datetime as dt
import random
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.adapters.console import render
from chat.reply import Reply
from commands.router import Router
from commands.services import Services
from config import Settings, load_settings

pytest_plugins = ["tests.pg", "tests.discord_fixtures"]  # PostgreSQL server, Discord fake

TESTS = Path(__file__).resolve().parent
DATA = TESTS / "data"
ROOT = TESTS.parent


@pytest.fixture(autouse=True)
def isolated_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """Each test runs in its own folder (no stray .env) with no platform credentials."""
    for name in list(os.environ):
        if name.startswith(
            ("SLACK_", "DISCORD_", "MARKET_", "DATABASE_", "DATA_DIR", "LLM_", "EMBEDDINGS_")
        ):
            monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("DATA_DIR", str(tmp_path / "data"))
    yield tmp_path


@pytest.fixture
def settings(isolated_env: Path) -> Settings:
    return load_settings()


class Chat:
    """Send `/meta ...` lines and get back what a person would read, like a chat transcript."""

    def __init__(self, services: Services, **context: object) -> None:
        self.services = services
        self.router = Router(services)
        self.context = {"platform": "console", "can_manage_channel": True, **context}
        self.last: Reply | None = None

    def send(self, text: str, **context: object) -> Reply:
        self.last = asyncio.run(self.router.handle_text(text, **{**self.context, **context}))
        return self.last

    def say(self, text: str, **context: object) -> str:
        return render(self.send(text, **context))


@pytest.fixture
def services(settings: Settings) -> Services:
    clock_time = dt.datetime(2026, 11, 27, 14, 0, tzinfo=dt.UTC)
    return Services(settings, clock=lambda: clock_time, rng=random.Random(7))


@pytest.fixture
def chat(services: Services) -> Chat:
    return Chat(services)
