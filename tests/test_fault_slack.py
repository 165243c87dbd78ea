"""Faults on Slack's side: 500s, 429 storms with Retry-After, connection resets and a slow API,
against the real slack-bolt / slack_sdk and the loopback fake of Slack (tests/harness/slack.py).

What must hold: a slash command is acknowledged within Slack's 3 seconds whatever the Web API
or the response_url is doing, and a scheduled briefing is posted exactly once."""

from __future__ import annotations

import asyncio
import datetime as dt
import random
import time
from collections.abc import AsyncIterator

import pytest
import sqlalchemy as sa

from bot.adapters.slack import SlackAdapter
from bot.web import health_app
from briefings.storage.tables import deliveries as deliveries_table
from briefings.subscriptions.model import parse_time
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
    SlackUser,
    connection_reset,
    default,
    held,
    rate_limited,
    serve,
    server_error,
    visible_text,
)

ACK_WINDOW = 3.0  # Slack shows "operation_timeout" to the person after this
CHANNEL = "C0BRIEFS01"
AT = dt.datetime(2024, 7, 31, 12, 31, tzinfo=dt.UTC)  # 08:31 in New York, the day after the CSV


@pytest.fixture
async def api() -> AsyncIterator[FakeSlack]:
    async with FakeSlack() as fake:
        yield fake


def slack_settings(api: FakeSlack) -> Settings:
    return load_settings(
        slack_bot_token=BOT_TOKEN,
        slack_signing_secret=SIGNING_SECRET,
        slack_api_url=api.base_url,
        slack_mode="http",
    )


def market_services(settings: Settings, clock: FakeClock | None = None) -> Services:
    return Services(
        settings,
        clock=clock or FakeClock(AT),
        rng=random.Random(7),
        price_files={"META": DATA / "META.csv"},
    )


@pytest.fixture
async def bot(api: FakeSlack, settings: Settings) -> AsyncIterator[tuple[SlackAdapter, str]]:
    """The bot's own web server with the Slack adapter's routes, as BotRunner serves them."""
    adapter = SlackAdapter(slack_settings(api).slack, Router(market_services(slack_settings(api))))
    app = health_app(lambda: {"ready": True})
    adapter.add_routes(app)
    await adapter.start()
    runner, url = await serve(app)
    yield adapter, url + "/slack/events"
    await adapter.stop()
    await runner.cleanup()


@pytest.fixture
def alice(bot: tuple[SlackAdapter, str], api: FakeSlack) -> SlackUser:
    return SlackUser(bot[1], api)


async def timed(coro) -> tuple[float, object]:  # type: ignore[no-untyped-def]
    """How long `coro` took, and its result (a hang fails the test after 30 s)."""
    started = time.monotonic()
    result = await asyncio.wait_for(coro, 30)
    return time.monotonic() - started, result


# ---- a slow Slack must not delay the acknowledgement ----------------------------------------


async def test_a_slow_response_url_does_not_delay_the_ack(alice: SlackUser, api: FakeSlack) -> None:
    await alice.command("/meta help")  # the first request pays for auth.test
    api.script("response", hanging := held())  # the response_url answers when released
    seconds, ack = await timed(alice.command("/meta brief"))
    assert api.responses() == []  # the ack came back while the answer was still on its way
    assert seconds < ACK_WINDOW
    assert ack.status == 200 and ack.json == {
        "response_type": "ephemeral",
        "text": "Working on it…",
    }
    hanging.release()
    (answer,) = await api.wait_for("response")
    assert visible_text(answer.params).startswith("META briefing")


async def test_a_slow_post_does_not_delay_the_ack_and_posts_once(
    bot: tuple[SlackAdapter, str], alice: SlackUser, api: FakeSlack
) -> None:
    await alice.command("/meta help")
    api.script("chat.postMessage", hanging := held())  # Slack answers the post when released
    seconds, ack = await timed(alice.command("/meta brief share"))
    assert seconds < ACK_WINDOW and ack.status == 200
    # Meanwhile another person's quick command is answered at once.
    bob = SlackUser(alice.events_url, api, user_id="U0BOB00001")
    seconds, topics = await timed(bob.command("/meta topics"))
    assert seconds < ACK_WINDOW and "Reality Labs" in topics.text
    assert api.succeeded("chat.postMessage") == []  # both answered while the post hung
    hanging.release()
    await api.wait_for("chat.postMessage")
    await bot[0].drain(30)  # whatever the bot was still doing after the post is done
    assert len(api.messages["C0GENERAL1"]) == 1
    assert api.responses() == []  # no apology: it went out


# ---- 429 storms, 500s and dropped connections on a shared reply -----------------------------


@pytest.mark.slow
async def test_a_429_storm_on_a_shared_reply_is_ridden_out_with_one_message(
    alice: SlackUser, api: FakeSlack
) -> None:
    await alice.command("/meta help")
    api.script("chat.postMessage", rate_limited(1), rate_limited(1), default())
    seconds, ack = await timed(alice.command("/meta brief share"))
    assert seconds < ACK_WINDOW and ack.status == 200
    await api.wait_for("chat.postMessage")
    assert [c.status for c in api.calls_to("chat.postMessage")] == [429, 429, 200]
    assert len(api.messages["C0GENERAL1"]) == 1
    assert api.responses() == []


@pytest.mark.slow
async def test_a_slack_outage_on_a_shared_reply_is_an_apology_not_silence(
    alice: SlackUser, api: FakeSlack
) -> None:
    await alice.command("/meta help")
    api.script("chat.postMessage", *[server_error(500)] * 3)
    ack = await alice.command("/meta brief share")
    assert ack.status == 200
    (apology,) = await api.wait_for("response")
    assert apology.params["text"].startswith("Sorry, something went wrong on my side")
    assert api.messages["C0GENERAL1"] == []


# ---- scheduled deliveries through the Slack port --------------------------------------------


def slack_deliveries(api: FakeSlack, settings: Settings) -> tuple[Deliveries, Services]:
    config = slack_settings(api)
    clock = FakeClock(AT)
    api.follow(clock)  # Slack's one history read a minute, on the bot's clock
    services = market_services(config, clock)
    services.subscriptions.save(
        "slack",
        TEAM_ID,
        CHANNEL,
        parse_time("08:30"),
        "America/New_York",
        "en",
        "daily",
        "U0ALICE001",
        dt.datetime(2024, 1, 1, tzinfo=dt.UTC),
    )
    adapter = SlackAdapter(config.slack, Router(services))

    async def no_wait(_seconds: float) -> None:
        return None

    return Deliveries(services, {"slack": adapter}, sleep=no_wait), services


def delivery_rows(services: Services) -> list[tuple[str, int]]:
    with services.database.engine.connect() as conn:
        rows = conn.execute(sa.select(deliveries_table).where(deliveries_table.c.state != "missed"))
        return [(r.state, r.attempts) for r in rows]


@pytest.mark.slow
async def test_a_429_storm_longer_than_the_client_retries_still_delivers_once(
    api: FakeSlack, settings: Settings
) -> None:
    runner, services = slack_deliveries(api, settings)
    # The client retries a 429 twice; the third makes the attempt fail; the scheduler retries.
    api.script("chat.postMessage", *[rate_limited(1)] * 3, default())
    report = await runner.deliver_due(AT)
    assert len(report.delivered) == 1 and report.failed == []
    assert [c.status for c in api.calls_to("chat.postMessage")] == [429, 429, 429, 200]
    assert len(api.messages[CHANNEL]) == 1
    assert delivery_rows(services) == [("delivered", 2)]
    again = await runner.deliver_due(AT + dt.timedelta(minutes=5))
    assert again.delivered == [] and len(api.messages[CHANNEL]) == 1


@pytest.mark.slow
async def test_a_500_storm_then_recovery_delivers_once(api: FakeSlack, settings: Settings) -> None:
    runner, services = slack_deliveries(api, settings)
    # Three 500s exhaust the client's retries (first try + two); the scheduler's second attempt
    # meets a 503, retried by the client, then Slack is back.
    api.script("chat.postMessage", *[server_error(500)] * 3, server_error(503), default())
    report = await runner.deliver_due(AT)
    assert len(report.delivered) == 1
    assert [c.status for c in api.calls_to("chat.postMessage")] == [500, 500, 500, 503, 200]
    assert len(api.messages[CHANNEL]) == 1
    assert delivery_rows(services) == [("delivered", 2)]


async def test_a_connection_reset_before_the_post_is_checked_then_posted_once(
    api: FakeSlack, settings: Settings
) -> None:
    runner, _services = slack_deliveries(api, settings)
    api.join(CHANNEL)  # a subscribed public channel is joined: its history can be read
    api.script("chat.postMessage", connection_reset("before"), default())
    report = await runner.deliver_due(AT)
    assert len(report.delivered) == 1
    assert [c.status for c in api.calls_to("chat.postMessage")] == [0, 200]
    assert [c.status for c in api.calls_to("conversations.history")] == [200]  # checked first
    assert len(api.messages[CHANNEL]) == 1
    blocks = api.messages[CHANNEL][0]["blocks"]
    assert [b["slack_file"]["id"] for b in blocks if b["type"] == "image"]  # with its chart


async def test_repeated_connection_resets_wait_for_the_next_history_read_then_post_once(
    api: FakeSlack, settings: Settings
) -> None:
    runner, services = slack_deliveries(api, settings)
    api.join(CHANNEL)
    api.script(
        "chat.postMessage", connection_reset("before"), connection_reset("before"), default()
    )
    report = await runner.deliver_due(AT)
    # The first reset was checked (one history read); the second cannot be within the minute.
    assert report.delivered == [] and api.messages[CHANNEL] == []
    assert delivery_rows(services) == [("sending", 2)]
    services.clock.advance(minutes=1)  # type: ignore[attr-defined]
    again = await runner.deliver_due(AT + dt.timedelta(minutes=1))
    assert len(again.delivered) == 1 and len(api.messages[CHANNEL]) == 1
    assert delivery_rows(services) == [("delivered", 1)]
    assert [c.status for c in api.calls_to("conversations.history")] == [200, 200]
