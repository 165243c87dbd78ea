"""What reaches `POST /slack/events` before anything trusts it: replays and Slack's retries run
nothing a second time, unsigned floods leave a few short log lines, malformed bodies never
get a 500. Real HTTP to the bot's aiohttp server, the real slack-bolt behind it."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from pathlib import Path

import aiohttp
import pytest

from bot.adapters.slack import SlackAdapter
from bot.web import health_app
from commands.router import Router
from tests.harness.slack import FakeSlack, SlackUser, serve
from tests.harness.slack_bot import market_services, slack_settings

FORM = "application/x-www-form-urlencoded"


@pytest.fixture
async def alice(api: FakeSlack, isolated_env: Path) -> AsyncIterator[SlackUser]:
    config = slack_settings(api)
    adapter = SlackAdapter(config.slack, Router(market_services(config)))
    app = health_app(lambda: {"ready": True})
    adapter.add_routes(app)
    await adapter.start()
    runner, url = await serve(app)
    api.calls.clear()  # the adapter's own auth.test at start
    yield SlackUser(url + "/slack/events", api)
    await adapter.stop()
    await runner.cleanup()


async def send(url: str, body: str | bytes, headers: dict[str, str]) -> tuple[int, str]:
    data = body.encode() if isinstance(body, str) else body
    async with (
        aiohttp.ClientSession() as session,
        session.post(url, data=data, headers=headers) as response,
    ):
        return response.status, await response.text()


async def test_a_replayed_signed_request_is_answered_but_runs_once(
    alice: SlackUser, api: FakeSlack
) -> None:
    body = alice.command_body("/meta brief share")
    headers = alice.signed_headers(body, FORM)
    statuses = [(await send(alice.events_url, body, headers))[0] for _ in range(6)]
    assert statuses == [200] * 6
    await api.wait_for("chat.postMessage")
    await asyncio.sleep(0.5)  # time for any second run to show up
    assert len(api.calls_to("chat.postMessage")) == 1


async def test_slacks_own_retry_of_a_request_does_not_run_it_again(
    alice: SlackUser, api: FakeSlack
) -> None:
    first = await alice.command("/meta brief share")
    assert first.status == 200
    await api.wait_for("chat.postMessage")
    retry_body = alice.command_body("/meta brief share")
    headers = alice.signed_headers(retry_body, FORM)
    headers |= {"X-Slack-Retry-Num": "1", "X-Slack-Retry-Reason": "http_timeout"}
    status, text = await send(alice.events_url, retry_body, headers)
    assert (status, text) == (200, "")
    await asyncio.sleep(0.5)
    assert len(api.calls_to("chat.postMessage")) == 1


async def test_a_flood_of_unsigned_bodies_leaves_a_short_log_and_nothing_else(
    alice: SlackUser, api: FakeSlack, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    big = "command=%2Fmeta&text=" + "x" * 250_000
    headers = alice.signed_headers(big, FORM, secret="not-the-signing-secret")
    statuses = {(await send(alice.events_url, big, headers))[0] for _ in range(200)}
    assert statuses == {401}
    assert len(caplog.text) < 2_000  # 200 × 250 KB used to be logged: 51 MB
    assert "refused an unsigned request (250021 bytes): bad signature" in caplog.text
    assert "xxxxxxxxxx" not in caplog.text
    assert api.calls == []


@pytest.mark.parametrize(
    ("body", "content_type"),
    [
        ("payload=notjson", FORM),
        ("payload=%5B1%5D", FORM),
        ("{not json", "application/json"),
        ("[1, 2]", "application/json"),
    ],
)
async def test_malformed_payloads_get_a_4xx_never_a_500(
    alice: SlackUser, api: FakeSlack, caplog: pytest.LogCaptureFixture, body: str, content_type: str
) -> None:
    unsigned = {"Content-Type": content_type, "X-Slack-Request-Timestamp": "1"}
    assert (await send(alice.events_url, body, unsigned))[0] == 401
    signed = alice.signed_headers(body, content_type)
    assert (await send(alice.events_url, body, signed))[0] == 400
    assert "Traceback" not in caplog.text
    assert api.calls == []


async def test_a_body_that_is_not_utf8_is_refused(alice: SlackUser) -> None:
    raw = b"command=%2Fmeta&text=\xff\xfe"
    stamp = "1700000000"
    headers = {
        "Content-Type": FORM,
        "X-Slack-Request-Timestamp": stamp,
        "X-Slack-Signature": "v0=0",
    }
    assert (await send(alice.events_url, raw, headers))[0] == 401
