"""`/meta brief` and the scheduled briefing share one insight rotation per channel."""

from __future__ import annotations

import asyncio
import datetime as dt
import random

from commands.services import Services
from tests.harness.chat import Chat
from tests.harness.delivery import META, deliveries, subscribe, utc


def test_the_scheduled_briefing_continues_the_channel_rotation_of_meta_brief(settings):
    now = dt.datetime(2026, 11, 27, 14, 0, tzinfo=dt.UTC)
    services = Services(
        settings, clock=lambda: now, rng=random.Random(5), price_files={"META": META}
    )
    everything = {p.text_in("en") for p in services.knowledge.insights()}
    chat = Chat(services, platform="console", workspace="local", channel="c")
    shown = {chat.send("/meta brief").data["insight"]["text"] for _ in range(len(everything) - 1)}
    assert len(shown) == len(everything) - 1  # one round, no repeat
    (left,) = everything - shown

    subscribe(services, "c", "08:30", "Europe/Paris")  # console, workspace "local", channel "c"
    runner = deliveries(services, settings)
    report = asyncio.run(runner.deliver_due(utc(2026, 11, 30, 7, 31)))
    assert len(report.delivered) == 1
    posted = " ".join(runner.ports["console"].stream.getvalue().replace("│", " ").split())
    assert " ".join(left.split()) in posted  # the one insight the channel had not seen
