"""The scheduler's delivery port on Slack: the real slack_sdk client against a loopback fake of
Slack's Web API, including its rate limits, errors and outages."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator

import pytest

from bot.adapters.slack import SlackAdapter
from chat.delivery import DeliveryError, Target
from chat.reply import Context, Fields, Heading, Image, Paragraph, Reply
from commands.router import Router
from commands.services import Services
from config import Settings, load_settings
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


@pytest.fixture
def adapter(api: FakeSlack, settings: Settings) -> SlackAdapter:
    config = load_settings(
        slack_bot_token=BOT_TOKEN, slack_signing_secret=SIGNING_SECRET, slack_api_url=api.base_url
    )
    return SlackAdapter(config.slack, Router(Services(config)))


async def test_a_briefing_is_posted_with_its_id_and_its_chart_in_the_thread(
    adapter: SlackAdapter, api: FakeSlack
) -> None:
    ts = await adapter.deliver(TARGET, BRIEFING, "sub-7:2026-11-27")

    (post,) = api.calls_to("chat.postMessage")
    assert post.params["channel"] == "C0BRIEFS01"
    assert post.params["metadata"] == {
        "event_type": "meta_briefing",
        "event_payload": {"delivery_id": "sub-7:2026-11-27"},
    }
    assert post.params["text"].startswith("META briefing · Friday 27 November 2026")
    assert [b["type"] for b in post.params["blocks"]] == [
        "header",
        "section",
        "section",
        "context",
        "context",
    ]
    assert "Chart in the thread." in visible_text(post.params)
    assert "Shared by" not in visible_text(post.params)
    assert post.headers["Authorization"] == f"Bearer {BOT_TOKEN}"

    (upload,) = api.calls_to("upload")
    assert upload.raw == PNG
    (complete,) = api.calls_to("files.completeUploadExternal")
    assert (complete.params["channel_id"], complete.params["thread_ts"]) == ("C0BRIEFS01", ts)
    assert ts == api.messages["C0BRIEFS01"][0]["ts"]


async def test_after_a_crash_the_posted_briefing_is_found_by_its_id(
    adapter: SlackAdapter, api: FakeSlack
) -> None:
    ts = await adapter.deliver(TARGET, BRIEFING, "sub-7:2026-11-27")
    target = Target("slack", "T0TEAM0001", "C0BRIEFS01")
    assert await adapter.find_delivery(target, "sub-7:2026-11-27") == ts
    assert await adapter.find_delivery(target, "sub-7:2026-11-28") is None
    (history, _) = api.calls_to("conversations.history")
    assert history.params["limit"] == "50"
    assert history.params["include_all_metadata"] in ("1", "true")


@pytest.mark.slow
async def test_a_rate_limit_is_waited_out_and_the_briefing_posted_once(
    adapter: SlackAdapter, api: FakeSlack
) -> None:
    api.script("chat.postMessage", rate_limited(retry_after=1), default())
    started = time.monotonic()
    await adapter.deliver(TARGET, BRIEFING, "d1")
    assert time.monotonic() - started >= 1.0  # Retry-After honoured
    assert [c.status for c in api.calls_to("chat.postMessage")] == [429, 200]
    assert len(api.messages["C0BRIEFS01"]) == 1


async def test_a_missing_channel_is_permanent_and_tried_once(
    adapter: SlackAdapter, api: FakeSlack
) -> None:
    api.script("chat.postMessage", api_error("channel_not_found"))
    with pytest.raises(DeliveryError) as error:
        await adapter.deliver(TARGET, BRIEFING, "d1")
    assert (error.value.reason, error.value.permanent) == ("channel_not_found", True)
    assert len(api.calls_to("chat.postMessage")) == 1
    assert api.calls_to("upload") == []


@pytest.mark.parametrize("code", ["not_in_channel", "is_archived", "invalid_auth", "missing_scope"])
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


async def test_a_failed_chart_upload_does_not_repost_the_briefing(
    adapter: SlackAdapter, api: FakeSlack
) -> None:
    api.script("files.getUploadURLExternal", api_error("file_uploads_disabled"))
    ts = await adapter.deliver(TARGET, BRIEFING, "d1")
    assert ts and len(api.calls_to("chat.postMessage")) == 1


async def test_a_long_retry_after_fails_fast_instead_of_blocking(
    adapter: SlackAdapter, api: FakeSlack
) -> None:
    api.script("chat.postMessage", rate_limited(retry_after=600))
    with pytest.raises(DeliveryError) as error:
        await adapter.deliver(TARGET, BRIEFING, "d1")
    assert (error.value.reason, error.value.permanent) == ("ratelimited", False)
    assert len(api.calls_to("chat.postMessage")) == 1
