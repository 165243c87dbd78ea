"""Mentions, direct messages and follow-ups in threads on Slack, sent as Slack sends them:
signed `event_callback` payloads (`app_mention`, `message` with `channel_type: im`) to the real
slack-bolt app; the answers read back from the fake Slack."""

from __future__ import annotations

from commands.followup import read_follow_up
from tests.harness.slack import (
    BOT_USER_ID,
    FakeSlack,
    SlackUser,
    buttons,
    direct_message,
    mention,
    send_event,
    visible_text,
)


async def test_a_mention_is_answered_in_a_thread_under_the_question(
    alice: SlackUser, api: FakeSlack
) -> None:
    asked = await mention(alice, f"<@{BOT_USER_ID}> How does LLaMA make money?")
    (post,) = await api.wait_for("chat.postMessage")
    assert post.params["channel"] == "C0GENERAL1"
    assert post.params["thread_ts"] == asked["ts"]
    assert "LLaMA" in visible_text(post.params) and "Source: " in visible_text(post.params)
    assert "meta_share" not in [b["action_id"] for b in buttons(post.params)]  # it is public


async def test_a_follow_up_in_the_thread_is_read_with_the_previous_question(
    alice: SlackUser, api: FakeSlack
) -> None:
    asked = await mention(alice, f"<@{BOT_USER_ID}> How does LLaMA make money?")
    await api.wait_for("chat.postMessage")
    await mention(alice, f"<@{BOT_USER_ID}> and in French?", thread_ts=asked["ts"])
    posts = await api.wait_for("chat.postMessage", 2)
    (replies,) = [c for c in api.calls_to("conversations.replies")]
    assert replies.params["ts"] == asked["ts"]
    french = visible_text(posts[1].params)
    assert posts[1].params["thread_ts"] == asked["ts"]
    assert "Source : " in french  # the same question, answered in French
    assert "Lu comme la suite de « How does LLaMA make money? »" in french


async def test_a_direct_message_is_ask_and_help(alice: SlackUser, api: FakeSlack) -> None:
    await direct_message(alice, "How does LLaMA make money?")
    (answer,) = await api.wait_for("chat.postMessage")
    assert answer.params["channel"] == "D0ALICEDM1"
    assert "thread_ts" not in answer.params
    assert "LLaMA" in visible_text(answer.params)
    await direct_message(alice, "help")
    posts = await api.wait_for("chat.postMessage", 2)
    assert "/meta ask" in visible_text(posts[1].params)


async def test_the_bots_own_messages_and_channel_chatter_are_ignored(
    alice: SlackUser, api: FakeSlack
) -> None:
    base = {"type": "message", "text": "hello", "ts": "5.5", "channel": "C0GENERAL1"}
    await send_event(alice, {**base, "channel_type": "channel", "user": "U0ALICE001"})
    await send_event(alice, {**base, "channel_type": "im", "bot_id": "B0BOT00001"})
    await direct_message(alice, "help")  # something that is answered, to wait for
    (post,) = await api.wait_for("chat.postMessage")
    assert post.params["channel"] == "D0ALICEDM1"


def test_follow_ups_are_read_in_context() -> None:
    assert read_follow_up("and in French?", "Who?").text == "Who?"
    assert read_follow_up("et en anglais ?", "Qui ?").lang == "en"
    about = read_follow_up("what about Reality Labs?", "How does LLaMA make money?")
    assert about.text == "Reality Labs: How does LLaMA make money?"
    assert read_follow_up("How big is the capex?", "Who?").follows == ""
    assert read_follow_up("what about Reality Labs?", None).text == "what about Reality Labs?"


def test_the_manifest_asks_for_the_events_scopes_and_shortcut() -> None:
    from bot.adapters.slack.manifest import manifest

    data = manifest("https://bot.example.com")
    events = data["settings"]["event_subscriptions"]
    assert events["request_url"] == "https://bot.example.com/slack/events"
    assert set(events["bot_events"]) >= {"app_mention", "message.im", "app_home_opened"}
    scopes = data["oauth_config"]["scopes"]["bot"]
    assert {"app_mentions:read", "im:history", "chat:write"} <= set(scopes)
    (shortcut,) = data["features"]["shortcuts"]
    assert shortcut["callback_id"] == "meta_check_numbers" and shortcut["type"] == "message"
    assert data["features"]["app_home"]["home_tab_enabled"] is True
