"""Faults on Discord's side during scheduled deliveries: 429s with `retry_after`, 5xx, Missing
Access. The scheduler's Deliveries with the real DiscordAdapter (discord.py 2.7) as its port,
against the loopback fake of Discord's REST API (tests/harness/discord.py)."""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import random
import types
from collections.abc import AsyncIterator
from pathlib import Path

import discord
import pytest
import sqlalchemy as sa

from bot.adapters.discord import DiscordAdapter
from bot.cli import main
from briefings.storage.tables import deliveries as deliveries_table
from briefings.subscriptions.model import parse_time
from commands.router import Router
from commands.services import Services
from config import load_settings
from scheduling.fanout import Deliveries
from tests.harness.discord import (
    CHANNEL_ID,
    GUILD_ID,
    MANAGE_CHANNELS,
    MEMBER_PERMISSIONS,
    MISSING_ACCESS,
    MISSING_PERMISSIONS,
    SERVER_ERROR,
    DiscordUser,
    FakeDiscord,
    Scripted,
    error,
    rate_limited,
)

PRICES = Path(__file__).parent / "data" / "META.csv"
POST = f"/channels/{CHANNEL_ID}/messages"
DAY_1 = dt.datetime(2024, 7, 31, 6, 31, tzinfo=dt.UTC)  # 08:31 in Paris
DAY_2 = DAY_1 + dt.timedelta(days=1)


@pytest.fixture
def quick_discord_sleeps(monkeypatch: pytest.MonkeyPatch) -> None:
    """discord.py sleeps 1, 3, 5, 7 s between its own retries of a 5xx: shorten only those."""

    async def quick_sleep(_delay: float, *args: object, **kwargs: object) -> None:
        await asyncio.sleep(0)

    monkeypatch.setattr(
        discord.http, "asyncio", types.SimpleNamespace(**{**vars(asyncio), "sleep": quick_sleep})
    )


class World:
    """One bot: services on a clock the test moves, the Discord adapter, the scheduler's
    Deliveries with the adapter as its port, and a channel subscribed at 08:30 Paris."""

    def __init__(self, fake: FakeDiscord) -> None:
        self.fake = fake
        self.now = DAY_1
        self.settings = load_settings(discord_token="fake-bot-token", discord_api_url=fake.api_url)
        self.services = Services(
            self.settings,
            clock=lambda: self.now,
            rng=random.Random(7),
            price_files={"META": PRICES},
        )
        self.adapter = DiscordAdapter(self.settings.discord, Router(self.services))

        async def no_wait(_seconds: float) -> None:
            return None

        self.deliveries = Deliveries(self.services, {"discord": self.adapter}, sleep=no_wait)
        self.services.subscriptions.save(
            "discord",
            GUILD_ID,
            CHANNEL_ID,
            parse_time("08:30"),
            "Europe/Paris",
            "en",
            "daily",
            "ada",
            DAY_1 - dt.timedelta(hours=1),
        )

    async def deliver(self, at: dt.datetime):  # type: ignore[no-untyped-def]
        self.now = at
        return await self.deliveries.deliver_due(at)

    def posts(self) -> list[int]:
        return [c.status for c in self.fake.calls_to("POST", POST)]

    def rows(self) -> list[tuple[str, str, int, str | None]]:
        with self.services.database.engine.connect() as conn:
            rows = conn.execute(sa.select(deliveries_table).order_by(deliveries_table.c.local_date))
            return [(r.local_date.isoformat(), r.state, r.attempts, r.last_error) for r in rows]

    async def say(self, sub: str, by: DiscordUser | None = None, **options: object) -> str:
        """`/meta <sub>` in the channel (by a member, unless `by` someone else); the text of
        the bot's answer (embed or content)."""
        before = len(self.fake.messages_sent())
        await (by or DiscordUser(self.adapter.client)).command(sub, **options)
        (sent,) = self.fake.messages_sent()[before:]
        message = sent.message
        assert message["allowed_mentions"] == {"parse": []}
        embeds = message.get("embeds") or []
        return "\n".join(
            [message.get("content") or ""] + [json.dumps(e, ensure_ascii=False) for e in embeds]
        )


@pytest.fixture
async def world(fake: FakeDiscord) -> AsyncIterator[World]:
    bot = World(fake)
    await bot.adapter.login()
    yield bot
    await bot.adapter.client.close()


# ---- 429 with retry_after -------------------------------------------------------------------


async def test_429s_with_retry_after_are_waited_out_and_the_briefing_posted_once(
    world: World,
) -> None:
    world.fake.script("POST", POST, rate_limited(0.05), rate_limited(0.1), rate_limited(0.05))
    report = await world.deliver(DAY_1)
    assert len(report.delivered) == 1
    assert world.posts() == [429, 429, 429, 200]
    assert world.rows() == [("2024-07-31", "delivered", 1, None)]
    assert (await world.deliver(DAY_1 + dt.timedelta(minutes=1))).delivered == []
    assert world.posts() == [429, 429, 429, 200]


async def test_a_429_storm_beyond_discord_py_retries_is_retried_by_the_scheduler(
    world: World,
) -> None:
    world.fake.script("POST", POST, *[rate_limited(0.02)] * 5)  # discord.py gives up after 5
    report = await world.deliver(DAY_1)
    assert len(report.delivered) == 1
    assert world.posts() == [429] * 5 + [200]
    assert world.rows() == [("2024-07-31", "delivered", 2, None)]
    nonces = {c.json["nonce"] for c in world.fake.calls_to("POST", POST)}
    assert len(nonces) == 1  # every try of the delivery carries the same nonce: Discord dedupes


# ---- 5xx ------------------------------------------------------------------------------------


async def test_a_short_5xx_burst_is_ridden_out_by_discord_py(
    world: World, quick_discord_sleeps: None
) -> None:
    world.fake.script("POST", POST, SERVER_ERROR, error(502, 0, "Bad Gateway"), error(503, 0, "x"))
    report = await world.deliver(DAY_1)
    assert len(report.delivered) == 1
    assert world.posts() == [500, 502, 503, 200]


async def test_a_long_outage_is_retried_within_the_grace_period_without_pausing(
    world: World, quick_discord_sleeps: None
) -> None:
    world.fake.always("POST", POST, SERVER_ERROR)
    report = await world.deliver(DAY_1)
    assert report.delivered == [] and report.retrying[0]["reason"].startswith(
        "discord server error (500"
    )
    assert len(world.posts()) == 15  # 3 attempts of ours, 5 tries of discord.py's each
    assert world.services.subscriptions.get("discord", GUILD_ID, CHANNEL_ID).paused_reason is None
    assert "Last delivery: 2024-07-31, retrying" in await world.say("schedule")

    del world.fake._always[("POST", POST)]  # Discord is back, within the grace period
    assert len((await world.deliver(DAY_1 + dt.timedelta(hours=1))).delivered) == 1
    assert len((await world.deliver(DAY_2)).delivered) == 1
    assert world.rows()[-1][:2] == ("2024-08-01", "delivered")


async def test_a_5xx_then_a_429_then_success(world: World, quick_discord_sleeps: None) -> None:
    world.fake.script(
        "POST",
        POST,
        SERVER_ERROR,
        Scripted(429, {"message": "x", "retry_after": 0.01, "global": False}),
    )
    report = await world.deliver(DAY_1)
    assert len(report.delivered) == 1 and world.posts()[-1] == 200


# ---- missing access: paused with the reason, shown where people look -----------------------


@pytest.mark.parametrize(
    ("answer", "reason"),
    [
        (MISSING_ACCESS, "missing access (403, code 50001)"),
        (MISSING_PERMISSIONS, "missing permissions (403, code 50013)"),
    ],
)
async def test_missing_access_pauses_the_subscription_and_schedule_says_why(
    world: World, answer: Scripted, reason: str, capsys: pytest.CaptureFixture[str]
) -> None:
    world.fake.script("POST", POST, rate_limited(0.02), answer)  # a 429 first, then the refusal
    report = await world.deliver(DAY_1)
    assert report.failed == [
        {"platform": "discord", "channel": CHANNEL_ID, "date": "2024-07-31", "reason": reason}
    ]
    assert world.posts() == [429, 403]  # tried once: no retry can fix it
    assert world.services.subscriptions.get("discord", GUILD_ID, CHANNEL_ID).paused_reason == reason

    shown = await world.say("schedule")
    assert f"Paused: the last post failed ({reason}). Fix access" in shown
    assert "Last delivery: 2024-07-31, failed." in shown

    assert main(["subscriptions", "list", "--json", "--platform", "discord"]) == 0
    (listed,) = json.loads(capsys.readouterr().out)
    assert listed["paused_reason"] == reason

    assert (await world.deliver(DAY_2)).failed == []  # paused: not tried again
    assert world.posts() == [429, 403]

    # Someone fixes the channel's permissions and subscribes again: it resumes.
    manager = DiscordUser(world.adapter.client, permissions=MEMBER_PERMISSIONS | MANAGE_CHANNELS)
    resumed = await world.say(
        "subscribe", manager, time="08:30", zone="Europe/Paris", cadence="daily"
    )
    assert "Subscribed" in resumed
    assert len((await world.deliver(DAY_2 + dt.timedelta(days=1))).delivered) == 1
    assert world.posts() == [429, 403, 200]
