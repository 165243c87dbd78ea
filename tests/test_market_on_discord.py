"""`/meta peers`, `/meta alerts` and the candlestick chart on Discord: real discord.py against the
loopback fake, each option as Discord sends it."""

from __future__ import annotations

import json

from bot.adapters.discord import MISSING_MANAGE_CHANNELS
from tests.test_discord_commands import (
    PNG,
    adapter,  # noqa: F401 (a fixture)
    callbacks,
    edits,
    manager,
    member,
    only_embed,
)


def everything(call) -> str:  # type: ignore[no-untyped-def]
    return json.dumps(call.message if hasattr(call, "message") else call.json, ensure_ascii=False)


async def test_peers_and_benchmark_options_set_the_channels_comparison(fake, adapter):  # noqa: F811
    await manager(adapter).command("peers", symbols="GOOGL NVDA", benchmark="QQQ")
    (answer,) = edits(fake)  # slow: deferred, then the original response edited
    assert "compare META with GOOGL, NVDA, benchmark QQQ" in everything(answer)
    await member(adapter).command("stock", range="5d")
    stock = edits(fake)[-1]
    names = {f["name"] for f in only_embed(stock)["fields"]}
    assert {"GOOGL", "NVDA", "QQQ"} <= names and "MSFT" not in names
    (chart,) = stock.files
    assert chart.data.startswith(PNG)


async def test_alerts_options_turn_alerts_on_and_schedule_shows_them(fake, adapter):  # noqa: F811
    await manager(adapter).command("alerts", state="on", threshold="3%")
    assert "by 3% or more during the session" in everything(callbacks(fake)[-1])
    await member(adapter).command("schedule")
    assert "Move alerts: on, when META moves by 3% or more." in everything(callbacks(fake)[-1])
    await member(adapter).command("alerts", state="off")  # without Manage Channels: refused
    assert callbacks(fake)[-1].json["data"]["content"] == MISSING_MANAGE_CHANNELS["en"]
    await member(adapter).command("schedule")
    assert "Move alerts: on" in everything(callbacks(fake)[-1])  # unchanged
