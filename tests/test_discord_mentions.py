"""Mentions and direct messages on Discord: MESSAGE_CREATE events pushed over the fake gateway
to the real discord.py, the answers read back from the fake's REST calls."""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator
from typing import Any

import pytest

from bot.adapters.discord import DiscordAdapter
from commands.router import Router
from tests.harness.discord import (
    BOT_ID,
    CHANNEL_ID,
    GUILD_ID,
    FakeDiscord,
    snowflake,
    user_object,
)
from tests.test_discord_commands import make_services, make_settings


@pytest.fixture
async def bot(fake: FakeDiscord) -> AsyncIterator[DiscordAdapter]:
    settings = make_settings(fake, discord_guild_id=GUILD_ID, discord_gateway_url=fake.gateway_url)
    adapter = DiscordAdapter(settings.discord, Router(make_services(settings)))
    await adapter.start()
    await fake.wait_for(lambda f: any(m["op"] == 2 for m in f.gateway_frames))
    await fake.wait_for(lambda f: adapter.client.user is not None)
    yield adapter
    await adapter.stop()


def message_event(content: str, *, guild: bool = True, **extra: Any) -> dict[str, Any]:
    """A MESSAGE_CREATE as Discord sends it to a bot (content included: it is mentioned)."""
    data: dict[str, Any] = {
        "id": snowflake(),
        "channel_id": CHANNEL_ID,
        "author": user_object(),
        "content": content,
        "timestamp": dt.datetime.now(dt.UTC).isoformat(),
        "edited_timestamp": None,
        "tts": False,
        "mention_everyone": False,
        "mentions": [user_object(BOT_ID, "meta-briefings", bot=True)] if BOT_ID in content else [],
        "mention_roles": [],
        "attachments": [],
        "embeds": [],
        "pinned": False,
        "type": 0,
        "flags": 0,
        **extra,
    }
    if guild:
        data["guild_id"] = GUILD_ID
        data["member"] = {
            "roles": [],
            "joined_at": "2024-01-01T00:00:00+00:00",
            "deaf": False,
            "mute": False,
            "flags": 0,
        }
    return data


def posts(fake: FakeDiscord) -> list:
    return [c for c in fake.calls_to("POST", r"/channels/\d+/messages") if c.status == 200]


async def test_a_mention_is_answered_as_a_reply_and_a_reply_to_it_follows_up(
    fake: FakeDiscord, bot: DiscordAdapter
) -> None:
    question = message_event(f"<@{BOT_ID}> How does LLaMA make money?")
    await fake.push("MESSAGE_CREATE", question)
    await fake.wait_for(lambda f: len(posts(f)) == 1)
    (answer,) = posts(fake)
    assert str(answer.json["message_reference"]["message_id"]) == question["id"]
    assert answer.json["allowed_mentions"]["parse"] == []
    assert "LLaMA" in answer.json["embeds"][0]["description"]
    custom_ids = [c["custom_id"] for row in answer.json["components"] for c in row["components"]]
    assert not any(c.startswith("meta_share:") for c in custom_ids)  # public already

    answered = next(m for m in fake.messages.values() if m["embeds"])
    follow_up = message_event(
        f"<@{BOT_ID}> and in French?",
        type=19,
        message_reference={
            "message_id": answered["id"],
            "channel_id": CHANNEL_ID,
            "guild_id": GUILD_ID,
        },
    )
    await fake.push("MESSAGE_CREATE", follow_up)
    await fake.wait_for(lambda f: len(posts(f)) == 2)
    french = posts(fake)[1].json["embeds"][0]
    assert "Source : " in french["footer"]["text"]
    assert "Lu comme la suite de « How does LLaMA make money? »" in french["footer"]["text"]


async def test_a_direct_message_is_answered_and_chatter_is_ignored(
    fake: FakeDiscord, bot: DiscordAdapter
) -> None:
    await fake.push("MESSAGE_CREATE", message_event("hello everyone"))  # no mention: not ours
    await fake.push("MESSAGE_CREATE", message_event("help", guild=False))
    await fake.wait_for(lambda f: len(posts(f)) == 1)
    (answer,) = posts(fake)
    assert "/meta ask" in str(answer.json["embeds"][0])
