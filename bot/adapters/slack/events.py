"""Slack mentions and direct messages (`app_mention`, `message.im`), answered in threads.

`@meta-briefings <question>` in a channel is answered in a thread under the question; a direct
message is `ask` (or `help`). A later message in that thread is read with the thread's previous
question as context (`commands.followup`), found with `conversations.replies`. Bolt
acknowledges events at once; the answer is posted after.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from slack_sdk.web.async_client import AsyncWebClient

from bot.adapters.slack.blocks import public_message, reply_lang, unescape
from bot.adapters.slack.posting import API_ERRORS, error_code, post_message
from chat.request import Request
from commands.followup import answer, read_follow_up, without_mentions

if TYPE_CHECKING:
    from bot.adapters.slack.adapter import SlackAdapter

log = logging.getLogger(__name__)

THREAD_LIMIT = 50


def register(adapter: SlackAdapter) -> None:
    """Listen for mentions and direct messages on the adapter's Bolt app."""

    async def on_mention(body: dict[str, Any], client: AsyncWebClient) -> None:
        await _spawn(adapter, body, client)

    async def on_message(body: dict[str, Any], client: AsyncWebClient) -> None:
        event = body.get("event") or {}
        if event.get("channel_type") != "im" or event.get("subtype") or event.get("bot_id"):
            return  # only people's direct messages; channel messages come as app_mention
        await _spawn(adapter, body, client)

    adapter.app.event("app_mention")(on_mention)
    adapter.app.event("message")(on_message)


async def _spawn(adapter: SlackAdapter, body: dict[str, Any], client: AsyncWebClient) -> None:
    event = body.get("event") or {}
    what = f"slack {event.get('type', 'event')}"
    adapter._spawn(_answer(adapter, body, client), what, None, adapter.settings.default_language)


async def previous_question(
    client: AsyncWebClient, channel: str, thread_ts: str, before: str, bot_user: str | None
) -> str | None:
    """The last thing a person asked in the thread before `before` (mentions stripped)."""
    try:
        response = await client.conversations_replies(
            channel=channel, ts=thread_ts, limit=THREAD_LIMIT
        )
    except API_ERRORS as exc:  # answered as a question of its own
        log.warning("slack: cannot read thread %s in %s: %s", thread_ts, channel, error_code(exc))
        return None
    asked = [
        m
        for m in response.get("messages") or []
        if not m.get("bot_id")
        and m.get("user") != bot_user
        and float(m.get("ts", 0)) < float(before)
        and without_mentions(unescape(str(m.get("text") or "")))
    ]
    return without_mentions(unescape(str(asked[-1]["text"]))) if asked else None


async def _answer(adapter: SlackAdapter, body: dict[str, Any], client: AsyncWebClient) -> None:
    event = body.get("event") or {}
    channel, ts = str(event.get("channel") or ""), str(event.get("ts") or "")
    user = str(event.get("user") or "")
    if not channel or not ts or not user:
        return
    thread = str(event.get("thread_ts") or "")
    previous = None
    if thread and thread != ts:
        bot_user = adapter._bot_ids.get("bot_user_id")
        previous = await previous_question(client, channel, thread, ts, bot_user)
    question = read_follow_up(unescape(str(event.get("text") or "")), previous)
    origin = Request(
        "",
        platform="slack",
        workspace=str(body.get("team_id") or event.get("team") or ""),
        channel=channel,
        user=user,
        can_manage_channel=True,
    )
    reply = await answer(adapter.router, question, origin)
    lang = reply_lang(reply, None, adapter.settings.default_language)
    files = await adapter.charts.files_for(client, origin.workspace, reply, required=False)
    message = public_message(reply, lang, files=files)
    in_thread = thread or (ts if event.get("channel_type") != "im" else "")
    if in_thread:
        message["thread_ts"] = in_thread
    await post_message(client, channel, message)
