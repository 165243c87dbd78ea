"""The scheduler's delivery port on Slack: the real slack_sdk client against a loopback fake of
Slack's Web API, including its rate limits, errors and outages."""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import AsyncIterator

import pytest

from bot.adapters.slack import SlackAdapter
from chat.delivery import CheckDeferred, DeliveryError, Target
from chat.reply import Context, Fields, Heading, Image, Paragraph, Reply
from commands.router import Router
from commands.services import Services
from config import Settings, load_settings
from tests.harness.clock import FakeClock
from tests.harness.slack import (
    BOT_TOKEN,
    SIGNING_SECRET,
    FakeSlack,
    api_error,
    default,
    rate_limited,
    server_error,
    visible_text,
)

PNG = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4
TARGET = Target("slack", "T0TEAM0001", "C0BRIEFS01")
BRIEFING = Reply(
    (
        Heading("META briefing · Friday 27 November 2026"),
        Paragraph("Market open today until an early close: intraday figures."),
        Fields((("META (intraday)", "612.40"), ("1 day", "+1.2%"))),
        Image(PNG, "META closes, 3 months", "meta-2026-11-27.png"),
        Context("Data: Yahoo Finance, as of 27 Nov 2026 11:02 ET"),
    ),
    public=True,
    data={"lang": "en"},
)


@pytest.fixture
async def api() -> AsyncIterator[FakeSlack]:
    async with FakeSlack() as fake:
        yield fake


def slack_adapter(api: FakeSlack, services: Services | None = None) -> SlackAdapter:
    config = load_settings(
        slack_bot_token=BOT_TOKEN, slack_signing_secret=SIGNING_SECRET, slack_api_url=api.base_url
    )
    return SlackAdapter(config.slack, Router(services or Services(config)))


def on_a_clock(api: FakeSlack) -> tuple[FakeClock, SlackAdapter]:
    """An adapter whose clock, and Slack's one-read-a-minute, the test moves."""
    clock = FakeClock(dt.datetime(2026, 11, 27, 14, 0, tzinfo=dt.UTC))
    api.follow(clock)
    return clock, slack_adapter(api, Services(load_settings(), clock=clock))


@pytest.fixture
def adapter(api: FakeSlack, settings: Settings) -> SlackAdapter:
    return slack_adapter(api)


async def test_a_briefing_in_an_uninvited_public_channel_shows_its_chart_by_file_id(
    adapter: SlackAdapter, api: FakeSlack
) -> None:
    assert TARGET.channel not in api.members  # chat:write.public: posted without an invitation
    ts = await adapter.deliver(TARGET, BRIEFING, "sub-7:2026-11-27")

    (post,) = api.calls_to("chat.postMessage")
    assert post.params["channel"] == "C0BRIEFS01"
    assert post.params["metadata"] == {
        "event_type": "meta_briefing",
        "event_payload": {"delivery_id": "sub-7:2026-11-27"},
    }
    assert post.params["text"].startswith("META briefing · Friday 27 November 2026")
    blocks = post.params["blocks"]
    assert [b["type"] for b in blocks] == ["header", "section", "section", "image", "context"]
    (file_id,) = api.uploaded_file_ids()
    assert blocks[3] == {
        "type": "image",
        "slack_file": {"id": file_id},
        "alt_text": "META closes, 3 months",
    }
    assert "thread" not in visible_text(post.params)
    assert post.headers["Authorization"] == f"Bearer {BOT_TOKEN}"

    (upload,) = api.calls_to("upload")
    assert upload.raw == PNG
    (complete,) = api.calls_to("files.completeUploadExternal")
    assert "channel_id" not in complete.params  # a file of the bot's own, shared with no channel
    assert complete.status == 200 and complete.params["files"][0]["id"] == file_id
    assert ts == api.posted("C0BRIEFS01")[0]["ts"]


async def test_one_upload_serves_every_channel_of_a_workspace(
    adapter: SlackAdapter, api: FakeSlack
) -> None:
    for n in range(5):
        await adapter.deliver(Target("slack", "T0TEAM0001", f"C0CHAN000{n}"), BRIEFING, f"d{n}")
    assert len(api.calls_to("upload")) == 1
    ids = {p.params["blocks"][3]["slack_file"]["id"] for p in api.calls_to("chat.postMessage")}
    assert ids == api.uploaded_file_ids()


async def test_a_channel_that_refuses_a_post_is_joined_and_posted_in(
    adapter: SlackAdapter, api: FakeSlack
) -> None:
    api.scopes.discard("chat:write.public")  # an app installed without it
    ts = await adapter.deliver(TARGET, BRIEFING, "d1")
    assert [c.params.get("error") for c in api.calls_to("conversations.join")] == [None]
    assert TARGET.channel in api.members
    assert [m["ts"] for m in api.posted(TARGET.channel)] == [ts]


async def test_a_private_channel_the_bot_is_not_in_is_permanent(
    adapter: SlackAdapter, api: FakeSlack
) -> None:
    api.private_channels.add(TARGET.channel)
    with pytest.raises(DeliveryError) as error:
        await adapter.deliver(TARGET, BRIEFING, "d1")
    assert error.value.permanent and api.posted(TARGET.channel) == []


async def test_a_private_channel_the_bot_was_invited_to_is_read_without_joining_again(
    api: FakeSlack, settings: Settings
) -> None:
    clock, adapter = on_a_clock(api)
    api.private_channels.add(TARGET.channel)
    api.join(TARGET.channel)  # invited
    ts = await adapter.deliver(TARGET, BRIEFING, "d1")
    for _minute in range(2):
        assert await adapter.find_delivery(TARGET, "d1", clock()) == ts
        clock.advance(minutes=1)
    assert len(api.calls_to("conversations.join")) == 1  # refused once, not asked again


async def test_after_a_crash_the_posted_briefing_is_found_within_slacks_history_limits(
    api: FakeSlack, settings: Settings
) -> None:
    clock, adapter = on_a_clock(api)
    api.join(TARGET.channel)
    ts = await adapter.deliver(TARGET, BRIEFING, "sub-7:2026-11-27")
    for n in range(30):  # a busy channel: the briefing is far beyond 15 messages back
        api.messages[TARGET.channel].insert(
            0, {"type": "message", "ts": f"{clock().timestamp() + 100 + n:.6f}", "text": "hi"}
        )
    since = clock()
    found, deferred = None, 0
    for _minute in range(4):  # 15 messages a call, a call a minute: found after a few sweeps
        try:
            found = await adapter.find_delivery(TARGET, "sub-7:2026-11-27", since)
            break
        except CheckDeferred:
            deferred += 1
            with pytest.raises(CheckDeferred):  # and never a second read within the minute
                await adapter.find_delivery(TARGET, "sub-7:2026-11-27", since)
            clock.advance(minutes=1)
    assert found == ts and deferred == 2
    clock.advance(minutes=10)  # a post that never went out, in quiet minutes: surely not there
    assert await adapter.find_delivery(TARGET, "sub-7:2026-11-28", clock()) is None
    history = api.calls_to("conversations.history")
    assert all(c.status == 200 for c in history)  # never refused: within the limits
    assert all(int(c.params["limit"]) <= 15 for c in history)
    assert all(c.params["include_all_metadata"] in ("1", "true") for c in history)


async def test_a_history_check_outside_the_channel_joins_it_then_reads(
    api: FakeSlack, settings: Settings
) -> None:
    """The one read a minute is not spent on a refusal: the channel is joined first. A bot
    removed from the channel since joins again, and reads at the next allowed minute."""
    clock, adapter = on_a_clock(api)
    ts = await adapter.deliver(TARGET, BRIEFING, "d1")  # posted without being a member
    assert await adapter.find_delivery(TARGET, "d1", clock()) == ts
    assert [c.method for c in api.calls[-2:]] == ["conversations.join", "conversations.history"]
    api.members.discard(TARGET.channel)  # someone removes the bot from the channel
    clock.advance(minutes=1)
    with pytest.raises(CheckDeferred):
        await adapter.find_delivery(TARGET, "d1", clock())
    assert TARGET.channel in api.members
    clock.advance(minutes=1)
    assert await adapter.find_delivery(TARGET, "d1", clock() - dt.timedelta(minutes=2)) == ts


@pytest.mark.slow
async def test_a_rate_limit_is_waited_out_and_the_briefing_posted_once(
    adapter: SlackAdapter, api: FakeSlack
) -> None:
    api.script("chat.postMessage", rate_limited(retry_after=1), default())
    started = time.monotonic()
    await adapter.deliver(TARGET, BRIEFING, "d1")
    assert time.monotonic() - started >= 1.0  # Retry-After honoured
    assert [c.status for c in api.calls_to("chat.postMessage")] == [429, 200]
    assert len(api.posted("C0BRIEFS01")) == 1


async def test_a_missing_channel_is_permanent_and_tried_once(
    adapter: SlackAdapter, api: FakeSlack
) -> None:
    api.script("chat.postMessage", api_error("channel_not_found"))
    with pytest.raises(DeliveryError) as error:
        await adapter.deliver(TARGET, BRIEFING, "d1")
    assert (error.value.reason, error.value.permanent) == ("channel_not_found", True)
    assert len(api.calls_to("chat.postMessage")) == 1  # the chart, uploaded first, waits unused


@pytest.mark.parametrize("code", ["is_archived", "invalid_auth", "missing_scope"])
async def test_errors_a_retry_cannot_fix_are_permanent(
    adapter: SlackAdapter, api: FakeSlack, code: str
) -> None:
    api.script("chat.postMessage", api_error(code))
    with pytest.raises(DeliveryError) as error:
        await adapter.deliver(TARGET, BRIEFING, "d1")
    assert error.value.permanent and error.value.reason == code


@pytest.mark.slow
async def test_a_persistent_outage_is_retried_a_few_times_then_transient(
    adapter: SlackAdapter, api: FakeSlack
) -> None:
    api.script("chat.postMessage", *[server_error(500)] * 5)
    with pytest.raises(DeliveryError) as error:
        await adapter.deliver(TARGET, BRIEFING, "d1")
    assert (error.value.reason, error.value.permanent) == ("http_500", False)
    assert len(api.calls_to("chat.postMessage")) == 3  # the first try and two retries


@pytest.mark.slow
async def test_a_short_outage_is_ridden_out(adapter: SlackAdapter, api: FakeSlack) -> None:
    api.script("chat.postMessage", server_error(503), default())
    assert await adapter.deliver(TARGET, BRIEFING, "d1")
    assert [c.status for c in api.calls_to("chat.postMessage")] == [503, 200]


async def test_charts_refused_for_good_post_the_briefing_without_one(
    adapter: SlackAdapter, api: FakeSlack
) -> None:
    api.script("files.getUploadURLExternal", api_error("file_uploads_disabled"))
    ts = await adapter.deliver(TARGET, BRIEFING, "d1")
    (post,) = api.calls_to("chat.postMessage")
    assert ts and "image" not in [b["type"] for b in post.params["blocks"]]


@pytest.mark.slow
async def test_a_chart_upload_during_an_outage_posts_nothing_yet(
    adapter: SlackAdapter, api: FakeSlack
) -> None:
    api.script("files.getUploadURLExternal", *[server_error(503)] * 3)
    with pytest.raises(DeliveryError) as error:
        await adapter.deliver(TARGET, BRIEFING, "d1")
    assert not error.value.permanent and api.calls_to("chat.postMessage") == []


async def test_a_long_retry_after_fails_fast_instead_of_blocking(
    adapter: SlackAdapter, api: FakeSlack
) -> None:
    api.script("chat.postMessage", rate_limited(retry_after=600))
    with pytest.raises(DeliveryError) as error:
        await adapter.deliver(TARGET, BRIEFING, "d1")
    assert (error.value.reason, error.value.permanent) == ("ratelimited", False)
    assert len(api.calls_to("chat.postMessage")) == 1


@pytest.mark.slow
async def test_a_chart_slack_is_still_processing_is_shown_once_it_is_ready(
    adapter: SlackAdapter, api: FakeSlack
) -> None:
    api.file_processing = 1.5  # Slack completes uploads asynchronously
    ts = await adapter.deliver(TARGET, BRIEFING, "d1")
    assert len(api.calls_to("chat.postMessage")) >= 2  # refused at first ("invalid slack file")
    (message,) = api.posted(TARGET.channel)  # refused posts post nothing: one message
    assert message["ts"] == ts and [b["type"] for b in message["blocks"]].count("image") == 1


@pytest.mark.slow
async def test_a_chart_slack_never_accepts_leaves_the_briefing_without_it(
    adapter: SlackAdapter, api: FakeSlack
) -> None:
    api.file_processing = 3600.0
    await adapter.deliver(TARGET, BRIEFING, "d1")
    (message,) = api.posted(TARGET.channel)
    assert "image" not in [b["type"] for b in message["blocks"]]
    assert "thread" not in visible_text(message)
