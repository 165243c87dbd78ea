"""Scheduled briefings on Slack as Slack really behaves, through the real slack_sdk and the
fan-out: uninvited public channels, lost answers, outages, a crash during the chart upload.

Each test counts what a careful operator would (posts lost, posted twice, without their chart)
and wants zero; the counts are in the assertion messages."""

from __future__ import annotations

import asyncio
import datetime as dt
import random
from collections.abc import AsyncIterator

import pytest

from bot.adapters.slack import SlackAdapter
from briefings.subscriptions.model import parse_time
from chat.request import Request
from commands.router import Router
from commands.services import Services
from config import Settings, load_settings
from scheduling.fanout import Deliveries
from tests.harness import DATA
from tests.harness.clock import FakeClock
from tests.harness.slack import (
    BOT_TOKEN,
    SIGNING_SECRET,
    TEAM_ID,
    FakeSlack,
    connection_reset,
    held,
    visible_text,
)

DUE = dt.datetime(2024, 7, 31, 12, 30, tzinfo=dt.UTC)  # 08:30 in New York, the day after the CSV


@pytest.fixture
async def api() -> AsyncIterator[FakeSlack]:
    async with FakeSlack() as fake:
        yield fake


@pytest.fixture
def clock(api: FakeSlack) -> FakeClock:
    clock = FakeClock(DUE + dt.timedelta(minutes=1))
    api.follow(clock)  # Slack's one-read-a-minute and the bot's sweeps on the same clock
    return clock


def channels(n: int) -> list[str]:
    return [f"C0BRIEF{i:03d}" for i in range(n)]


def services_for(api: FakeSlack, clock: FakeClock, marketplace: bool = False) -> Services:
    api.marketplace = marketplace
    config = load_settings(
        slack_bot_token=BOT_TOKEN,
        slack_signing_secret=SIGNING_SECRET,
        slack_api_url=api.base_url,
        slack_mode="http",
        slack_marketplace_app=marketplace,
    )
    return Services(
        config, clock=clock, rng=random.Random(7), price_files={"META": DATA / "META.csv"}
    )


def subscribe(services: Services, names: list[str]) -> None:
    for channel in names:
        services.subscriptions.save(
            "slack",
            TEAM_ID,
            channel,
            parse_time("08:30"),
            "America/New_York",
            "en",
            "daily",
            "U0ALICE001",
            dt.datetime(2024, 1, 1, tzinfo=dt.UTC),
        )


def fan_out(services: Services) -> Deliveries:
    """A fresh bot process's fan-out: its own Slack adapter, over the same database."""
    adapter = SlackAdapter(services.settings.slack, Router(services))

    async def no_wait(_seconds: float) -> None:
        return None

    return Deliveries(services, {"slack": adapter}, sleep=no_wait)


def tally(api: FakeSlack, names: list[str]) -> dict[str, int]:
    """Channels with no briefing, with two or more, and briefings without a chart."""
    posted = {c: api.posted(c) for c in names}
    return {
        "lost": sum(1 for p in posted.values() if not p),
        "twice": sum(1 for p in posted.values() if len(p) > 1),
        "without chart": sum(
            1
            for p in posted.values()
            for m in p
            if not any(b.get("type") == "image" for b in m.get("blocks") or [])
        ),
        "saying thread": sum(
            1 for p in posted.values() for m in p if "thread" in visible_text(m).lower()
        ),
    }


async def sweep(runner: Deliveries, clock: FakeClock, minutes: int = 1) -> None:
    clock.advance(minutes=minutes)
    await runner.deliver_due(clock())


# ---- uninvited public channels ---------------------------------------------------------------


async def test_briefings_in_uninvited_public_channels_carry_their_chart(
    api: FakeSlack, clock: FakeClock, settings: Settings
) -> None:
    names = channels(6)
    services = services_for(api, clock)
    subscribe(services, names)
    await fan_out(services).deliver_due(clock())
    counts = tally(api, names)
    assert counts == {"lost": 0, "twice": 0, "without chart": 0, "saying thread": 0}, counts
    assert len(api.calls_to("upload")) == 1  # one chart for the workspace, day and language
    assert all(c.status == 200 for c in api.calls_to("files.completeUploadExternal"))


# ---- a lost answer in a channel whose history the bot could not read -----------------------


async def test_lost_answers_are_checked_within_slacks_limits_and_never_posted_twice(
    api: FakeSlack, clock: FakeClock, settings: Settings
) -> None:
    names = channels(4)
    services = services_for(api, clock)
    subscribe(services, names)
    api.script("chat.postMessage", *[connection_reset("after")] * len(names))
    runner = fan_out(services)
    await runner.deliver_due(clock())
    for _minute in range(len(names) + 2):  # one history read a minute: one channel a sweep
        await sweep(runner, clock)
    counts = tally(api, names)
    assert counts == {"lost": 0, "twice": 0, "without chart": 0, "saying thread": 0}, counts
    history = api.calls_to("conversations.history")
    assert history and all(c.status == 200 for c in history), [c.status for c in history]
    assert all(int(c.params["limit"]) <= 15 for c in history)


async def test_an_uninvited_channel_is_joined_before_its_history_is_read(
    api: FakeSlack, clock: FakeClock, settings: Settings
) -> None:
    """One history read a minute: none is spent on a channel the bot is not in yet, so a
    channel's lost answer is settled at its first read."""
    names = channels(3)
    services = services_for(api, clock)
    subscribe(services, names)
    api.script("chat.postMessage", *[connection_reset(w) for w in ("before", "after", "before")])
    runner = fan_out(services)
    await runner.deliver_due(clock())
    for _minute in range(len(names) - 1):  # the pass reads one channel, each sweep the next
        await sweep(runner, clock)
    counts = tally(api, names)
    assert counts == {"lost": 0, "twice": 0, "without chart": 0, "saying thread": 0}, counts
    reads = [c.params["channel"] for c in api.calls_to("conversations.history")]
    assert sorted(reads) == names  # each channel read once
    order = [(c.method, c.params.get("channel")) for c in api.calls]
    for channel in names:
        joined = order.index(("conversations.join", channel))
        assert joined < order.index(("conversations.history", channel))


async def test_a_marketplace_app_checks_its_lost_answers_in_one_pass(
    api: FakeSlack, clock: FakeClock, settings: Settings
) -> None:
    """Tier 3 (SLACK_MARKETPLACE_APP): the checks take turns a little over a second apart
    within the pass, instead of one per sweep."""
    names = channels(3)
    services = services_for(api, clock, marketplace=True)
    subscribe(services, names)
    api.script("chat.postMessage", *[connection_reset("before")] * len(names))
    await fan_out(services).deliver_due(clock())
    counts = tally(api, names)
    assert counts == {"lost": 0, "twice": 0, "without chart": 0, "saying thread": 0}, counts
    assert len(api.calls_to("conversations.history")) == len(names)


async def test_a_stop_leaves_the_checks_still_waiting_for_their_turn_to_the_next_process(
    api: FakeSlack, clock: FakeClock, settings: Settings
) -> None:
    names = channels(4)
    services = services_for(api, clock, marketplace=True)
    subscribe(services, names)
    api.script("chat.postMessage", *[connection_reset("after")] * len(names))
    runner = fan_out(services)
    passing = asyncio.ensure_future(runner.deliver_due(clock()))
    await api.wait_for("conversations.history", 1, timeout=30)
    runner.stopping.set()  # what SIGTERM does: the pass ends without waiting for the others
    report = await asyncio.wait_for(passing, timeout=30)
    assert 1 <= len(api.calls_to("conversations.history")) < len(names)
    assert report.retrying  # left `sending`, for the next process to check
    clock.advance(minutes=11)  # a new process, after the lease
    await fan_out(services).deliver_due(clock())
    counts = tally(api, names)
    assert counts == {"lost": 0, "twice": 0, "without chart": 0, "saying thread": 0}, counts


# ---- a crash during the chart upload ---------------------------------------------------------


async def test_a_crash_during_the_chart_upload_then_recovery_posts_every_chart_once(
    api: FakeSlack, clock: FakeClock, settings: Settings
) -> None:
    """The chart is uploaded before anything is posted, and posts are recorded `sending` only
    just before they go: after the crash nothing is out, and nothing needs a history read."""
    names = channels(8)
    services = services_for(api, clock)
    subscribe(services, names)
    api.script("upload", gate := held())
    first = asyncio.ensure_future(fan_out(services).deliver_due(clock()))
    while not api.succeeded("files.getUploadURLExternal") and not first.done():
        await asyncio.sleep(0.01)
    first.cancel()  # the process dies while the chart is being uploaded
    with pytest.raises(asyncio.CancelledError):
        await first
    gate.release()
    clock.advance(minutes=11)  # a new process, after the lease
    await fan_out(services).deliver_due(clock())
    counts = tally(api, names)
    assert counts == {"lost": 0, "twice": 0, "without chart": 0, "saying thread": 0}, counts
    assert api.calls_to("conversations.history") == []


# ---- Slack down for longer than the client's retries -----------------------------------------


@pytest.mark.parametrize("status", [429, pytest.param(503, marks=pytest.mark.slow)])
async def test_an_outage_during_the_fan_out_is_retried_at_later_sweeps(
    api: FakeSlack, clock: FakeClock, settings: Settings, status: int
) -> None:
    names = channels(20)
    services = services_for(api, clock)
    subscribe(services, names)
    api.outage(seconds=90, status=status)  # Retry-After 90 s: longer than the client waits
    runner = fan_out(services)
    await runner.deliver_due(clock())
    assert tally(api, names)["lost"] == len(names)  # nothing could go out
    await sweep(runner, clock, minutes=2)  # Slack is back
    counts = tally(api, names)
    assert counts == {"lost": 0, "twice": 0, "without chart": 0, "saying thread": 0}, counts


async def test_schedule_says_retrying_while_slack_is_down(
    api: FakeSlack, clock: FakeClock, settings: Settings
) -> None:
    (channel,) = channels(1)
    services = services_for(api, clock)
    subscribe(services, [channel])
    api.outage(seconds=90, status=429)
    await fan_out(services).deliver_due(clock())
    router = Router(services)
    request = Request("schedule", can_manage_channel=True, **_origin(channel))
    reply = await router.handle(request)
    assert "Last delivery: 2024-07-31, retrying" in reply.plain_text()
    french = await router.handle(
        Request("schedule", lang="fr", **_origin(channel), can_manage_channel=True)
    )
    assert "nouvel essai" in french.plain_text()


def _origin(channel: str) -> dict[str, str]:
    return {"platform": "slack", "workspace": TEAM_ID, "channel": channel}
