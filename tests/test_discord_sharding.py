"""Sharding: DISCORD_SHARDED=yes always, `auto` once the bot is in many guilds, `no` never."""

from __future__ import annotations

import discord

from bot.adapters.discord import AUTO_SHARD_GUILDS, DiscordAdapter
from commands.router import Router
from tests.test_discord_commands import make_services, make_settings


async def start(fake, sharded: str) -> DiscordAdapter:
    settings = make_settings(fake, discord_gateway_url=fake.gateway_url, discord_sharded=sharded)
    bot = DiscordAdapter(settings.discord, Router(make_services(settings)))
    await bot.start()
    return bot


async def identify(fake) -> dict:
    await fake.wait_for(lambda f: any(m["op"] == 2 for m in f.gateway_frames), timeout=10)
    return next(m["d"] for m in fake.gateway_frames if m["op"] == 2)


async def test_sharded_client_asks_discord_for_its_shards(fake):
    bot = await start(fake, "yes")
    try:
        assert isinstance(bot.client, discord.AutoShardedClient)
        assert (await identify(fake))["shard"] == [0, 1]
        assert fake.calls_to("GET", r"/gateway/bot")
    finally:
        await bot.stop()


async def test_auto_shards_a_bot_in_many_guilds(fake):
    fake.guild_count = AUTO_SHARD_GUILDS + 500
    bot = await start(fake, "auto")
    try:
        assert isinstance(bot.client, discord.AutoShardedClient)
        assert (await identify(fake))["shard"] == [0, 1]
    finally:
        await bot.stop()


async def test_auto_keeps_one_connection_for_a_small_bot(fake):
    bot = await start(fake, "auto")
    try:
        assert type(bot.client) is discord.Client
        await identify(fake)
        assert not fake.calls_to("GET", r"/gateway/bot")
    finally:
        await bot.stop()
