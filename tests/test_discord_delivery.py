"""Scheduled posts on Discord (`DiscordAdapter.deliver`), embed limits, and the invite link:
the real discord.py 2.7 against the loopback fake of Discord's REST API."""

from __future__ import annotations

import asyncio
import logging
import types

import discord
import pytest

from bot.adapters.discord import DiscordAdapter, nonce_for
from bot.adapters.discord.embeds import render
from bot.adapters.discord.invite import InviteError, application_id, invite_url
from chat.delivery import DeliveryError, Target
from chat.reply import BulletList, Context, Fields, Heading, Image, Paragraph, Quote, Reply
from commands.router import Router
from commands.services import Services
from config import load_settings
from tests.harness.discord import (
    APP_ID,
    MISSING_ACCESS,
    MISSING_PERMISSIONS,
    SERVER_ERROR,
    UNKNOWN_CHANNEL,
    rate_limited,
)

CHANNEL = "920000000000000077"
POST = f"/channels/{CHANNEL}/messages"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
TOKEN = "fake-bot-token-do-not-log"

BRIEFING = Reply(
    (
        Heading("META briefing · Wednesday 31 July 2024"),
        Paragraph("Market closed; figures as of the 30 Jul 2024 close. Ping @everyone and @here?"),
        Fields((("META close", "463.19"), ("1 day", "-0.5%"))),
        Heading("Insight of the day · Meta AI"),
        Quote("Meta AI could be integrated into other Meta products.", "Evolution of Meta AI"),
        Image(PNG, "META closes, 3 months", "meta-2024-07-31.png"),
        Context("Data: META.csv, prices to 30 Jul 2024"),
    ),
    public=True,
)


@pytest.fixture
async def adapter(fake):
    settings = load_settings(discord_token=TOKEN, discord_api_url=fake.api_url)
    bot = DiscordAdapter(settings.discord, Router(Services(settings)))
    await bot.login()
    yield bot
    await bot.client.close()


def target(channel: str = CHANNEL) -> Target:
    return Target("discord", "910000000000000001", channel)


async def test_a_briefing_is_posted_with_its_chart_and_no_mentions(fake, adapter, caplog):
    caplog.set_level(logging.DEBUG)
    message_id = await adapter.deliver(target(), BRIEFING, "sub-42:2024-07-31")
    (post,) = fake.calls_to("POST", POST)
    assert message_id.isdigit()
    assert post.headers["Content-Type"].startswith("multipart/form-data")
    payload = post.json
    assert payload["allowed_mentions"] == {"parse": []}
    assert payload["nonce"] == nonce_for("sub-42:2024-07-31") and len(payload["nonce"]) <= 25
    assert payload["enforce_nonce"] is True
    (embed,) = payload["embeds"]
    assert embed["title"] == "META briefing · Wednesday 31 July 2024"
    assert "@\u200beveryone and @\u200bhere" in embed["description"]
    assert embed["image"]["url"] == "attachment://meta-2024-07-31.png"
    assert embed["fields"][-1] == {
        "name": "Insight of the day · Meta AI",
        "inline": False,
        "value": "> Meta AI could be integrated into other Meta products.\n"
        "— *Evolution of Meta AI*",
    }
    assert embed["footer"]["text"] == "Data: META.csv, prices to 30 Jul 2024"
    (chart,) = post.files
    assert chart.filename == "meta-2024-07-31.png" and chart.data == PNG
    assert payload["attachments"][0]["description"] == "META closes, 3 months"
    assert TOKEN not in caplog.text


async def test_the_same_delivery_always_carries_the_same_nonce(fake, adapter):
    await adapter.deliver(target(), BRIEFING, "sub-42:2024-07-31")
    await adapter.deliver(target(), BRIEFING, "sub-42:2024-07-31")
    await adapter.deliver(target(), BRIEFING, "sub-42:2024-08-01")
    nonces = [c.json["nonce"] for c in fake.calls_to("POST", POST)]
    assert nonces[0] == nonces[1] != nonces[2]


async def test_a_rate_limit_is_waited_out_by_discord_py_and_the_post_made_once(fake, adapter):
    fake.script("POST", POST, rate_limited(0.05))
    message_id = await adapter.deliver(target(), BRIEFING, "d1")
    posts = fake.calls_to("POST", POST)
    assert [c.status for c in posts] == [429, 200]
    assert message_id.isdigit()


@pytest.mark.parametrize(
    ("answer", "reason"),
    [
        (MISSING_ACCESS, "missing access (403, code 50001)"),
        (MISSING_PERMISSIONS, "missing permissions (403, code 50013)"),
        (UNKNOWN_CHANNEL, "unknown channel (404, code 10003)"),
    ],
)
async def test_a_channel_the_bot_cannot_post_in_is_a_permanent_failure(
    fake, adapter, answer, reason
):
    fake.script("POST", POST, answer)
    with pytest.raises(DeliveryError) as caught:
        await adapter.deliver(target(), BRIEFING, "d1")
    assert caught.value.permanent is True
    assert caught.value.reason == reason
    assert len(fake.calls_to("POST", POST)) == 1  # no retry of ours


async def test_a_server_error_is_a_temporary_failure_after_discord_py_retries(
    fake, adapter, monkeypatch
):
    # discord.py retries a 500 five times, sleeping 1, 3, 5, 7, 9 s: shorten only its sleeps.
    async def quick_sleep(_delay, *args, **kwargs):
        await asyncio.sleep(0, *args, **kwargs)

    monkeypatch.setattr(
        discord.http, "asyncio", types.SimpleNamespace(**{**vars(asyncio), "sleep": quick_sleep})
    )
    fake.always("POST", POST, SERVER_ERROR)
    with pytest.raises(DeliveryError) as caught:
        await adapter.deliver(target(), BRIEFING, "d1")
    assert caught.value.permanent is False
    assert caught.value.reason.startswith("discord server error (500")
    assert len(fake.calls_to("POST", POST)) == 5  # discord.py's attempts; none of ours


async def test_a_channel_id_that_is_not_a_number_is_permanent(fake, adapter):
    with pytest.raises(DeliveryError) as caught:
        await adapter.deliver(target("C0123"), BRIEFING, "d1")
    assert caught.value.permanent is True
    assert not fake.calls_to("POST", r"/channels/.*")


# ---- embed limits ---------------------------------------------------------------------------


def test_an_oversized_reply_fits_discord_embed_limits():
    reply = Reply(
        (
            Heading("T" * 300),
            Paragraph("p" * 5000),
            BulletList(tuple("item " * 50 for _ in range(40))),
            Fields(tuple((f"label {i} " * 40, "v" * 2000) for i in range(40))),
            Context("c" * 3000),
            Image(PNG, "chart", "a chart/with bad name.png"),
        )
    )
    rendered = render(reply)
    embed = rendered.embed
    assert len(embed.title) <= 256
    assert len(embed.description) <= 4096
    assert len(embed.fields) <= 25
    assert all(len(f.name) <= 256 and len(f.value) <= 1024 for f in embed.fields)
    assert len(embed.footer.text) <= 2048
    assert len(embed) <= 6000
    assert rendered.files[0].filename == "a-chart-with-bad-name.png"
    assert embed.image.url == "attachment://a-chart-with-bad-name.png"


# ---- invite link ----------------------------------------------------------------------------


def test_the_invite_link_asks_for_the_bot_and_commands_scopes_and_three_permissions():
    url = invite_url("123456789012345678")
    assert url == (
        "https://discord.com/oauth2/authorize?client_id=123456789012345678"
        "&scope=bot%20applications.commands&permissions=51200"
    )
    assert discord.Permissions(51200) == discord.Permissions(
        send_messages=True, embed_links=True, attach_files=True
    )
    with pytest.raises(InviteError):
        invite_url("not-an-id")


async def test_the_application_id_comes_from_settings_or_from_discord(fake):
    assert await application_id(load_settings(discord_application_id="42").discord) == "42"
    settings = load_settings(discord_token=TOKEN, discord_api_url=fake.api_url)
    assert await application_id(settings.discord) == APP_ID
    (asked,) = fake.calls_to("GET", "/oauth2/applications/@me")
    assert asked.headers["Authorization"] == f"Bot {TOKEN}"
    with pytest.raises(InviteError, match="DISCORD_APPLICATION_ID or DISCORD_TOKEN"):
        await application_id(load_settings().discord)
