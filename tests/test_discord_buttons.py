"""Discord buttons, pressed as Discord sends them: component interactions pushed over the fake
gateway to the real discord.py, the message changed in place (UPDATE_MESSAGE, or a deferred
update then an edit of the original), read back from the fake."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest

from bot.adapters.discord import DiscordAdapter
from commands.router import Router
from tests.harness.discord import GUILD_ID, USER_ID, DiscordUser, FakeDiscord
from tests.test_discord_commands import make_services, make_settings

EPHEMERAL = 64


@pytest.fixture
async def bot(fake: FakeDiscord) -> AsyncIterator[DiscordAdapter]:
    settings = make_settings(fake, discord_guild_id=GUILD_ID, discord_gateway_url=fake.gateway_url)
    adapter = DiscordAdapter(settings.discord, Router(make_services(settings)))
    await adapter.start()
    await fake.wait_for(lambda f: any(m["op"] == 2 for m in f.gateway_frames))
    yield adapter
    await adapter.stop()


def custom_ids(message: dict[str, Any]) -> list[str]:
    return [c["custom_id"] for row in message.get("components", []) for c in row["components"]]


def with_buttons(fake: FakeDiscord) -> list[dict[str, Any]]:
    return [m for m in fake.messages.values() if m.get("components")]


async def ask_for(fake: FakeDiscord, bot: DiscordAdapter, sub: str, **options: Any) -> dict:
    """Run `/meta <sub>` over the gateway; the message with buttons it answered with."""
    before = len(with_buttons(fake))
    await fake.push("INTERACTION_CREATE", DiscordUser(bot.client).payload(sub, options))
    await fake.wait_for(lambda f: len(with_buttons(f)) > before)
    return with_buttons(fake)[-1]


def callback_types(fake: FakeDiscord) -> list[int]:
    return [c.json["type"] for c in fake.calls_to("POST", r"/interactions/\d+/[^/]+/callback")]


async def test_stock_carries_range_refresh_and_share_custom_ids(
    fake: FakeDiscord, bot: DiscordAdapter
) -> None:
    message = await ask_for(fake, bot, "stock", range="1y")
    assert message["flags"] & EPHEMERAL
    assert custom_ids(message) == [
        "meta_range:1d",
        "meta_range:5d",
        "meta_range:1mo",
        "meta_range:ytd",
        "meta_range:1y",
        "meta_refresh:--lang en stock 1y",
        "meta_share:--lang en stock 1y",
    ]


async def test_a_range_press_changes_the_same_message(
    fake: FakeDiscord, bot: DiscordAdapter
) -> None:
    message = await ask_for(fake, bot, "stock", range="1y")
    assert message["embeds"][0]["title"].startswith("META · 1 year")
    await fake.push("INTERACTION_CREATE", fake.component_payload(message, "meta_range:5d"))
    await fake.wait_for(
        lambda f: f.messages[message["id"]]["embeds"][0]["title"].startswith("META · 5 days")
    )
    assert callback_types(fake)[-1] in (6, 7)  # an update of the message, never a new one
    changed = fake.messages[message["id"]]
    assert changed.get("edited_timestamp")
    primary = [c for row in changed["components"] for c in row["components"] if c["style"] == 1]
    assert [c["custom_id"] for c in primary] == ["meta_range:5d"]


async def test_more_is_answered_with_update_message(fake: FakeDiscord, bot: DiscordAdapter) -> None:
    message = await ask_for(fake, bot, "ask", question="What does open source mean?")
    (more,) = [c for c in custom_ids(message) if c.startswith("meta_more:")]
    short = message["embeds"][0]["description"]
    await fake.push("INTERACTION_CREATE", fake.component_payload(message, more))
    await fake.wait_for(lambda f: 7 in callback_types(f))
    whole = fake.messages[message["id"]]["embeds"][0]["description"]
    assert short.split("\n")[0] in whole and len(whole) > len(short.split("\n")[0])
    assert [c.split(":")[0] for c in custom_ids(fake.messages[message["id"]])] == ["meta_share"]


async def test_share_posts_for_everyone_and_no_buttons_under_help(
    fake: FakeDiscord, bot: DiscordAdapter
) -> None:
    message = await ask_for(fake, bot, "stock", range="1mo")
    share = custom_ids(message)[-1]
    await fake.push("INTERACTION_CREATE", fake.component_payload(message, share))

    def shared(f: FakeDiscord) -> list[dict]:
        return [m for m in f.messages.values() if "Shared by" in m.get("content", "")]

    await fake.wait_for(lambda f: bool(shared(f)))
    (post,) = shared(fake)
    assert post["content"] == f"Shared by <@{USER_ID}>"
    assert not post["flags"] & EPHEMERAL
    assert post["embeds"][0]["title"].startswith("META · 1 month")
    assert not any(c.startswith("meta_share:") for c in custom_ids(post))
    assert fake.messages[message["id"]]["embeds"] == message["embeds"]  # the original stays

    await fake.push("INTERACTION_CREATE", DiscordUser(bot.client).payload("help", {}))
    await fake.wait_for(lambda f: 4 in callback_types(f))
    (help_call,) = [
        c for c in fake.calls_to("POST", r"/interactions/\d+/[^/]+/callback") if c.json["type"] == 4
    ]
    assert not help_call.json["data"].get("components")


async def test_a_slow_answer_is_the_edited_original_and_a_press_changes_it(
    fake: FakeDiscord, bot: DiscordAdapter
) -> None:
    message = await ask_for(fake, bot, "stock", range="1y")  # slow: deferred privately first
    assert callback_types(fake) == [5]
    (edit,) = fake.calls_to("PATCH", r"/webhooks/\d+/[^/]+/messages/@original")
    assert edit.json is not None and edit.json.get("components")  # the answer, with its buttons
    (shown,) = fake.shown(public=False)
    assert shown["id"] == message["id"] and fake.shown(public=True) == []
    await fake.push("INTERACTION_CREATE", fake.component_payload(message, "meta_range:5d"))
    await fake.wait_for(
        lambda f: f.messages[message["id"]]["embeds"][0]["title"].startswith("META · 5 days")
    )
    assert [m["id"] for m in fake.shown(public=False)] == [message["id"]]  # the same message


async def test_a_shared_slow_answer_is_public_with_buttons_and_a_press_changes_it(
    fake: FakeDiscord, bot: DiscordAdapter
) -> None:
    message = await ask_for(fake, bot, "stock", range="1mo", share=True)
    assert not message["flags"] & EPHEMERAL  # the public follow-up, not the private original
    assert [c.split(":")[0] for c in custom_ids(message)] == [
        *["meta_range"] * 5,
        "meta_refresh",  # no Share: everyone sees it already
    ]
    (note,) = fake.shown(public=False)
    assert note["content"] == "Posted in the channel for everyone." and not note["components"]
    await fake.push("INTERACTION_CREATE", fake.component_payload(message, "meta_range:1y"))
    await fake.wait_for(
        lambda f: f.messages[message["id"]]["embeds"][0]["title"].startswith("META · 1 year")
    )
    (public,) = fake.shown(public=True)
    assert public["id"] == message["id"]
