"""Many workspaces: the OAuth install flow stores an installation, and that workspace's
commands and deliveries then use its own token."""

from __future__ import annotations

import asyncio
import random
import urllib.parse
from collections.abc import AsyncIterator
from pathlib import Path

import aiohttp
import pytest
import sqlalchemy as sa

from bot.adapters.slack import SlackAdapter
from bot.web import health_app
from chat.delivery import Target
from chat.reply import Paragraph, Reply
from commands.router import Router
from commands.services import Services
from config import load_settings
from tests.harness.slack import SIGNING_SECRET, FakeSlack, SlackUser, serve

TEAM_TWO, TOKEN_TWO = "T0TEAM0002", "xoxb-team-two-0000"
META = Path(__file__).parent / "data" / "META.csv"


@pytest.fixture
async def oauth_bot(isolated_env) -> AsyncIterator[tuple[FakeSlack, SlackAdapter, str]]:
    async with FakeSlack() as api:
        settings = load_settings(
            slack_client_id="1111.2222",
            slack_client_secret="client-secret-xyz",
            slack_signing_secret=SIGNING_SECRET,
            slack_api_url=api.base_url,
            slack_mode="http",
        )
        services = Services(settings, rng=random.Random(3), price_files={"META": META})
        adapter = SlackAdapter(settings.slack, Router(services))
        app = health_app(lambda: {"ready": True})
        adapter.add_routes(app)
        await adapter.start()
        runner, url = await serve(app)
        try:
            yield api, adapter, url
        finally:
            await adapter.stop()
            await runner.cleanup()


async def install(api: FakeSlack, url: str) -> aiohttp.ClientResponse:
    async with aiohttp.ClientSession() as session:
        async with session.get(url + "/slack/install", allow_redirects=False) as started:
            assert started.status == 302
            location = started.headers["Location"]
            # The state cookie is Secure (HTTPS in production); the browser sends it back.
            cookie = started.headers["Set-Cookie"].split(";")[0]
        query = urllib.parse.parse_qs(urllib.parse.urlsplit(location).query)
        api.grant("code-123", TEAM_TWO, TOKEN_TWO)
        callback = f"{url}/slack/oauth_redirect?code=code-123&state={query['state'][0]}"
        async with session.get(
            callback, allow_redirects=False, headers={"Cookie": cookie}
        ) as finished:
            finished.body_text = await finished.text()  # type: ignore[attr-defined]
            return finished


async def test_install_redirects_to_slack_with_the_bot_scopes(oauth_bot):
    _api, _adapter, url = oauth_bot
    async with (
        aiohttp.ClientSession() as session,
        session.get(url + "/slack/install", allow_redirects=False) as response,
    ):
        location = response.headers["Location"]
    assert response.status == 302
    assert location.startswith("https://slack.com/oauth/v2/authorize?")
    query = urllib.parse.parse_qs(urllib.parse.urlsplit(location).query)
    assert query["client_id"] == ["1111.2222"]
    assert query["scope"][0].split(",") == [
        "commands",
        "chat:write",
        "chat:write.public",
        "channels:join",
        "files:write",
        "channels:history",
        "groups:history",
    ]
    assert query["state"][0]


async def test_callback_stores_the_installation_and_commands_use_its_token(oauth_bot):
    api, adapter, url = oauth_bot
    finished = await install(api, url)
    assert finished.status == 200, finished.body_text  # type: ignore[attr-defined]
    assert api.calls_to("oauth.v2.access")
    engine = adapter.router.services.database.engine
    with engine.connect() as conn:
        teams = conn.execute(sa.text("SELECT team_id, bot_token FROM slack_bots")).all()
    assert teams == [(TEAM_TWO, TOKEN_TWO)]

    user = SlackUser(url + "/slack/events", api, team_id=TEAM_TWO, channel_id="C0TWO00001")
    ack = await user.command("/meta brief share")
    assert ack.status == 200
    posted = await api.wait_for("chat.postMessage", 1, timeout=20)
    assert posted[0].headers["Authorization"] == f"Bearer {TOKEN_TWO}"


async def test_deliveries_use_the_workspace_token_and_unknown_workspaces_are_permanent(oauth_bot):
    from chat.delivery import DeliveryError

    api, adapter, url = oauth_bot
    await install(api, url)
    reply = Reply((Paragraph("Scheduled briefing"),), public=True)
    await adapter.deliver(Target("slack", TEAM_TWO, "C0TWO00001"), reply, "brief-1-2026-11-30")
    assert api.succeeded("chat.postMessage")[-1].headers["Authorization"] == f"Bearer {TOKEN_TWO}"
    with pytest.raises(DeliveryError) as error:
        await adapter.deliver(Target("slack", "T0NOTTHERE", "C1"), reply, "brief-2-2026-11-30")
    assert error.value.permanent and "not installed" in error.value.reason


async def test_a_command_from_a_workspace_without_installation_runs_nothing(oauth_bot):
    api, _adapter, url = oauth_bot
    user = SlackUser(url + "/slack/events", api, team_id="T0STRANGER")
    ack = await user.command("/meta help")
    assert ack.status == 200  # Bolt acknowledges with nothing and runs nothing of ours:
    assert ack.text == "" or "reinstall this app" in ack.text  # at most its own notice
    await asyncio.sleep(0.3)
    assert all(c.method != "chat.postMessage" for c in api.calls)
    for response in api.responses():  # at most Bolt's own "please reinstall" notice
        assert "reinstall this app" in response["text"] and "/meta" not in response["text"]
