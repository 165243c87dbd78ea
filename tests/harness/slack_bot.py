"""The bot's Slack side on loopback, as the Slack tests start it: settings pointing the real
slack_sdk client at the fake Web API, services on the real META bars (no network), and the
web server BotRunner builds (`/healthz` plus the adapter's routes). A pytest plugin (tests/conftest.py):
its fixtures `api` (the fake) and `alice` (a person in #general) serve every test module."""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import AsyncIterator

import aiohttp
import pytest

from bot.adapters.slack import SlackAdapter
from bot.web import health_app
from commands.router import Router
from commands.services import Services
from config import Settings, load_settings
from tests.harness import DATA
from tests.harness.slack import BOT_TOKEN, SIGNING_SECRET, FakeSlack, SlackUser, serve


def slack_settings(api: FakeSlack, **overrides: object) -> Settings:
    return load_settings(
        slack_bot_token=BOT_TOKEN,
        slack_signing_secret=SIGNING_SECRET,
        slack_api_url=api.base_url,
        slack_mode="http",
        **overrides,
    )


def market_services(settings: Settings) -> Services:
    """Prices from tests/data/META.csv (to 2024-07-30), the day after: no network."""
    now = dt.datetime(2024, 7, 31, 14, 0, tzinfo=dt.UTC)
    return Services(
        settings, clock=lambda: now, rng=random.Random(7), price_files={"META": DATA / "META.csv"}
    )


async def start_bot(
    api: FakeSlack, router: Router
) -> tuple[SlackAdapter, aiohttp.web.AppRunner, str]:
    """The bot's web server as BotRunner builds it: /healthz plus the adapter's routes."""
    adapter = SlackAdapter(router.services.settings.slack, router)
    app = health_app(lambda: {"ready": True, "platforms": ["slack"]})
    adapter.add_routes(app)
    await adapter.start()
    runner, url = await serve(app)
    return adapter, runner, url


@pytest.fixture
async def api() -> AsyncIterator[FakeSlack]:
    """The fake Slack Web API (and response_urls) on loopback."""
    async with FakeSlack() as fake:
        yield fake


@pytest.fixture
async def alice(api: FakeSlack) -> AsyncIterator[SlackUser]:
    """Alice in #general, with the bot serving Slack on the real META bars."""
    router = Router(market_services(slack_settings(api)))
    adapter, runner, url = await start_bot(api, router)
    yield SlackUser(url + "/slack/events", api)
    await adapter.stop()
    await runner.cleanup()
