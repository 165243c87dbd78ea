"""`/meta` in Slack, end to end: signed slash commands and button presses POSTed over real HTTP
to the bot's aiohttp server, the real slack-bolt AsyncApp behind it, and a loopback fake of
Slack's Web API and response_urls in front of the real slack_sdk client."""

from __future__ import annotations

import asyncio
import json
import logging
import socket
import time
from collections.abc import AsyncIterator
from pathlib import Path

import aiohttp
import pytest

from bot.adapters.slack import SlackAdapter
from bot.adapters.slack import adapter as slack_adapter
from bot.adapters.slack.blocks import share_value, unescape
from bot.app import BotRunner
from chat.reply import Reply
from chat.request import Request
from commands import Command, all_commands
from commands.router import Router
from config import Settings
from tests.harness.slack import (
    BOT_TOKEN,
    SIGNING_SECRET,
    FakeSlack,
    SlackUser,
    buttons,
    visible_text,
)
from tests.harness.slack_bot import market_services, slack_settings, start_bot

DATA = Path(__file__).parent / "data"
PNG = b"\x89PNG\r\n\x1a\n"


@pytest.fixture
async def bot(api: FakeSlack, settings: Settings) -> AsyncIterator[tuple[SlackAdapter, str]]:
    router = Router(market_services(slack_settings(api)))
    adapter, runner, url = await start_bot(api, router)
    yield adapter, url
    await adapter.stop()
    await runner.cleanup()


@pytest.fixture
def slack(bot: tuple[SlackAdapter, str], api: FakeSlack) -> SlackUser:
    """Alice, in #general."""
    return SlackUser(bot[1] + "/slack/events", api)


# ---- quick commands: the answer is the acknowledgement ------------------------------------


async def test_ask_in_english_is_answered_privately(slack: SlackUser, api: FakeSlack) -> None:
    ack = await slack.command("/meta ask How does LLaMA make money?")
    assert ack.status == 200
    assert ack.ephemeral
    assert "LLaMA" in ack.text and "Source: " in ack.text
    assert ack.json is not None and "LLaMA" in ack.json["text"]  # plain fallback text
    share = buttons(ack.json)[-1]
    assert share["action_id"] == "meta_share"
    assert share["value"] == "--lang en ask How does LLaMA make money?"
    # in the ack, or (the model loading on a first question) once through response_url
    assert len(api.responses(all_=True)) == (1 if ack.late else 0)
    assert not api.calls_to("chat.postMessage")  # nothing posted in the channel


async def test_an_answer_not_ready_at_a_glance_follows_an_empty_ack(
    slack: SlackUser, api: FakeSlack, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(slack_adapter, "ANSWER_GLANCE", 0.0)
    ack = await slack.command("/meta ask How does LLaMA make money?")
    assert ack.late  # Slack got an empty 200 at once: nothing shown, no timeout
    assert "Source: " in ack.text and buttons(ack.json or {})[-1]["action_id"] == "meta_share"
    await asyncio.sleep(0.3)
    (answer,) = api.responses(slack.last_response_name, all_=True)  # no "Working on it…"
    assert "Working on it" not in json.dumps(answer)


async def test_an_answer_later_than_the_budget_says_working_on_it_first(
    slack: SlackUser, api: FakeSlack, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(slack_adapter, "ANSWER_GLANCE", 0.0)
    monkeypatch.setattr(slack_adapter, "ACK_BUDGET", 0.0)
    ack = await slack.command("/meta ask Comment LLaMA rapporte-t-il de l’argent ?")
    assert ack.late and ack.text == "Je m’en occupe…"
    await api.wait_for("response", 2)
    working, answer = api.responses(slack.last_response_name, all_=True)
    assert visible_text(working) == "Je m’en occupe…"
    assert "Source : " in visible_text(answer)


async def test_ask_in_french_is_answered_in_french(slack: SlackUser) -> None:
    ack = await slack.command("/meta ask Comment LLaMA rapporte-t-il de l’argent ?")
    assert "Source : " in ack.text
    assert "Partager dans le canal" in json.dumps(ack.json, ensure_ascii=False)


async def test_help_lists_every_command(slack: SlackUser) -> None:
    ack = await slack.command("/meta help")
    assert ack.json is not None and ack.json["blocks"][0]["type"] == "header"
    for name in all_commands():
        assert f"`/meta {name}" in ack.text


async def test_a_bad_range_gets_one_line_and_the_usage(slack: SlackUser) -> None:
    ack = await slack.command("/meta stock 7y")
    assert ack.ephemeral
    line, usage = ack.text.split("\n")
    assert "“7y” is not a range" in line
    assert usage.startswith("Usage: `/meta stock [")
    assert not buttons(ack.json or {})  # nothing worth sharing


async def test_an_unknown_command_gets_one_line(slack: SlackUser) -> None:
    ack = await slack.command("/meta stonks")
    assert ack.ephemeral
    assert ack.text == (
        "I don't know the command “stonks”: did you mean `stock`? Try `/meta help stock`."
    )


async def test_a_bad_signature_or_an_old_timestamp_is_refused_and_runs_nothing(
    slack: SlackUser, api: FakeSlack, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    api.calls.clear()  # the adapter's own auth.test at start
    forged = await slack.command("/meta brief share", secret="not-the-signing-secret")
    stale = await slack.command("/meta brief share", timestamp=int(time.time()) - 600)
    assert (forged.status, stale.status) == (401, 401)
    await asyncio.sleep(0.3)
    assert api.calls == []  # no post, no upload, no response_url
    # One short line (size and reason), never the body: nothing of it reaches the log.
    assert "refused an unsigned request" in caplog.text and "bad signature" in caplog.text
    for secret in (
        "command=",
        "response_url=",
        SIGNING_SECRET,
        BOT_TOKEN,
        "deprecated-verification-token",
        api.response_url(""),
    ):
        assert secret not in caplog.text


async def test_a_crash_in_a_command_is_an_apology_without_a_traceback(
    api: FakeSlack, settings: Settings
) -> None:
    def boom(_request: object, _services: object) -> Reply:
        raise RuntimeError("secret internals at /srv/bot/commands/boom.py line 3")

    commands = {"boom": Command("boom", "boom", {"en": "Fails."}, boom)}
    router = Router(market_services(slack_settings(api)), commands)
    adapter, runner, url = await start_bot(api, router)
    try:
        ack = await SlackUser(url + "/slack/events", api).command("/meta boom")
    finally:
        await adapter.stop()
        await runner.cleanup()
    assert ack.status == 200
    assert (
        ack.text == "Sorry, something went wrong on my side; it has been logged. Please try again."
    )
    assert "Traceback" not in ack.body and "secret internals" not in ack.body


async def test_a_bad_range_in_french_gets_one_french_line_and_the_french_usage(
    slack: SlackUser,
) -> None:
    ack = await slack.command("/meta stock 7y --lang fr")
    line, usage = ack.text.split("\n")
    assert line.startswith("« 7y » n’est pas une période ; utilisez l’une de 1d, 5d")
    assert usage.startswith("Utilisation : `/meta stock [")


async def test_a_slow_command_asked_in_french_is_acknowledged_in_french(
    api: FakeSlack, settings: Settings
) -> None:
    async def slow(request: object, _services: object) -> Reply:
        return Reply((), data={"lang": "fr"})

    commands = {
        "lent": Command("lent", "lent", {"en": "Slow."}, slow, slow=True, text_tells_language=True)
    }
    router = Router(market_services(slack_settings(api)), commands)
    adapter, runner, url = await start_bot(api, router)
    try:
        ack = await SlackUser(url + "/slack/events", api).command(
            "/meta lent Pourquoi Meta publie-t-il LLaMA ?"
        )
    finally:
        await adapter.stop()
        await runner.cleanup()
    assert ack.json == {"response_type": "ephemeral", "text": "Je m’en occupe…"}


# ---- slow commands: ack at once, answer through response_url -----------------------------


async def test_brief_is_acknowledged_at_once_then_answered(
    slack: SlackUser, api: FakeSlack
) -> None:
    started = time.monotonic()
    ack = await slack.command("/meta brief")
    assert time.monotonic() - started < 3.0  # Slack's acknowledgement window
    assert ack.json == {"response_type": "ephemeral", "text": "Working on it…"}

    (answer,) = [c.params for c in await api.wait_for("response")]
    assert answer["response_type"] == "ephemeral"
    assert answer["blocks"][0] == {
        "type": "header",
        "text": {"type": "plain_text", "text": "META briefing · Wednesday 31 July 2024"},
    }
    text = visible_text(answer)
    assert "Insight of the day" in text
    (image,) = [b for b in answer["blocks"] if b["type"] == "image"]  # the chart, privately too
    assert image["slack_file"]["id"] in api.uploaded_file_ids()
    assert "channel_id" not in api.calls_to("files.completeUploadExternal")[0].params
    assert buttons(answer)[-1]["action_id"] == "meta_share"
    assert api.calls_to("chat.postMessage") == []  # ephemeral: nothing in the channel


@pytest.mark.slow
async def test_a_private_answer_waits_for_slack_to_process_its_chart(
    slack: SlackUser, api: FakeSlack
) -> None:
    api.file_processing = 1.5  # Slack completes uploads asynchronously
    await slack.command("/meta stock 1y")
    answers = await api.wait_for("response")
    (image,) = [b for b in answers[-1].params["blocks"] if b["type"] == "image"]
    assert image["slack_file"]["id"] in api.uploaded_file_ids()
    assert api.calls_to("response")[0].status == 400  # refused, shown once ready


async def test_brief_share_in_an_uninvited_public_channel_shows_the_chart_in_the_message(
    slack: SlackUser, api: FakeSlack, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    assert "C0GENERAL1" not in api.members
    await slack.command("/meta brief share")
    (post,) = await api.wait_for("chat.postMessage")
    (complete,) = await api.wait_for("files.completeUploadExternal")
    assert post.params["channel"] == "C0GENERAL1"
    assert "link_names" not in post.params
    assert post.params["text"].startswith("META briefing · Wednesday 31 July 2024")
    actions = [b["action_id"] for b in buttons(post.params)]
    assert "meta_share" not in actions and "share_reply" not in actions  # shared already
    assert "meta_refresh" in actions  # a channel message still changes in place
    notes = [b["elements"][0]["text"] for b in post.params["blocks"] if b["type"] == "context"]
    assert notes[-1] == "Shared by <@U0ALICE001>"  # then only the buttons
    assert "thread" not in visible_text(post.params)
    (image,) = [b for b in post.params["blocks"] if b["type"] == "image"]
    assert image["slack_file"] == {"id": complete.params["files"][0]["id"]}
    assert image["alt_text"] == "META closes, 3 months"

    (url_call,) = api.calls_to("files.getUploadURLExternal")
    (upload,) = api.calls_to("upload")
    assert upload.raw.startswith(PNG)
    assert int(url_call.params["length"]) == len(upload.raw)
    assert url_call.params["filename"] == "meta-2024-07-31.png"
    assert "channel_id" not in complete.params and "thread_ts" not in complete.params
    assert complete.status == 200
    assert complete.params["files"][0]["title"] == "META closes, 3 months"
    assert api.responses() == []
    assert BOT_TOKEN not in caplog.text and SIGNING_SECRET not in caplog.text


async def test_share_fails_politely_where_the_bot_cannot_post(
    slack: SlackUser, api: FakeSlack
) -> None:
    api.private_channels.add("C0GENERAL1")  # private, and the bot was never invited
    await slack.command("/meta stock 1y share")
    (answer,) = [c.params for c in await api.wait_for("response")]
    assert answer["text"].startswith("I can't post in this channel: invite me to it (`/invite`)")
    assert api.posted("C0GENERAL1") == []


async def test_subscribing_a_public_channel_joins_it(
    bot: tuple[SlackAdapter, str], slack: SlackUser, api: FakeSlack
) -> None:
    """Joined, the bot may read the channel's history: the check after a lost answer works."""
    ack = await slack.command("/meta subscribe 08:30 Europe/Paris")
    assert ack.status == 200 and "08:30" in ack.text
    (joined,) = await api.wait_for("conversations.join")
    assert joined.params["channel"] == "C0GENERAL1" and "C0GENERAL1" in api.members


async def test_a_private_channel_refuses_the_join_and_the_subscription_stands(
    bot: tuple[SlackAdapter, str], api: FakeSlack
) -> None:
    api.private_channels.add("C0SECRET01")
    api.join("C0SECRET01")  # invited: the only way into a private channel
    carol = SlackUser(bot[1] + "/slack/events", api, channel_id="C0SECRET01")
    ack = await carol.command("/meta subscribe 08:30 Europe/Paris")
    assert ack.status == 200 and "08:30" in ack.text
    await bot[0].drain(10)
    (join,) = api.calls_to("conversations.join")
    assert join.params["channel"] == "C0SECRET01" and api.responses() == []
    schedule = await carol.command("/meta schedule")
    assert "08:30 Europe/Paris" in schedule.text


# ---- the Share button ----------------------------------------------------------------------


async def test_the_share_button_posts_the_answer_for_everyone(bot: tuple, api: FakeSlack) -> None:
    alice = SlackUser(bot[1] + "/slack/events", api)
    bob = SlackUser(bot[1] + "/slack/events", api, user_id="U0BOB00001")
    ack = await alice.command("/meta ask How does LLaMA make money?")
    share = buttons(ack.json or {})[-1]

    pressed = await bob.press(share)
    assert pressed.status == 200 and pressed.body == ""
    (post,) = await api.wait_for("chat.postMessage")
    shown = visible_text(post.params)
    assert shown.startswith(ack.text.split("\n")[0])  # the same answer
    assert shown.endswith("Shared by <@U0BOB00001>")  # who pressed, from Slack's payload
    assert post.params["text"].endswith("Shared by <@U0BOB00001>")
    assert "meta_share" not in [b["action_id"] for b in buttons(post.params)]


async def test_sharing_a_stock_answer_brings_its_chart(slack: SlackUser, api: FakeSlack) -> None:
    await slack.command("/meta stock 1y")
    (answer,) = [c.params for c in await api.wait_for("response")]
    (private,) = [b for b in answer["blocks"] if b["type"] == "image"]
    await slack.press(buttons(answer)[-1])  # Share
    (post,) = await api.wait_for("chat.postMessage")
    assert post.params["blocks"][0]["text"]["text"].startswith("META · 1 year: +42.3%")
    (public,) = [b for b in post.params["blocks"] if b["type"] == "image"]
    assert public["slack_file"] == private["slack_file"]  # the same file: uploaded once
    (upload,) = api.calls_to("upload")
    assert upload.raw.startswith(PNG)


async def test_a_forged_button_value_runs_nothing(slack: SlackUser, api: FakeSlack) -> None:
    for value in ("not json", json.dumps({"c": "nope"}), json.dumps([1])):
        ack = await slack.press(
            {
                "action_id": "share_reply",
                "text": {"type": "plain_text", "text": "x"},
                "value": value,
            }
        )
        assert ack.status == 200
    await asyncio.sleep(0.3)
    assert api.calls_to("chat.postMessage") == [] and api.responses() == []


# ---- mentions typed by people are shown, never triggered ---------------------------------


async def test_mentions_in_what_people_type_are_escaped(slack: SlackUser, api: FakeSlack) -> None:
    echoed = await slack.command("/meta insight <!channel> <@U123>")
    assert "I don't know the topic “&lt;!channel&gt; &lt;@U123&gt;”" in echoed.text
    unknown = await slack.command("/meta <!here>")
    assert "“&lt;!here&gt;”" in unknown.text
    # Slack may deliver the text already escaped: it is shown once, not double-escaped.
    entities = await slack.command("/meta insight &lt;!channel&gt; &amp; co")
    assert "“&lt;!channel&gt; &amp; co”" in entities.text

    asked = await slack.command("/meta ask <!channel> <@U123> what is llama")
    await slack.press(buttons(asked.json or {})[-1])
    await api.wait_for("chat.postMessage")
    for raw in (echoed.body, unknown.body, entities.body, asked.body, api.sent_text()):
        assert "<!channel>" not in raw and "<!here>" not in raw and "<@U123>" not in raw
    share_value = unescape(buttons(asked.json or {})[-1]["value"])
    assert share_value.endswith("ask <!channel> <@U123> what is llama")  # what was typed


# ---- the web server --------------------------------------------------------------------------


async def test_healthz_answers_json(bot: tuple) -> None:
    async with aiohttp.ClientSession() as session, session.get(bot[1] + "/healthz") as response:
        assert response.status == 200
        assert (await response.json())["platforms"] == ["slack"]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


async def test_the_bot_runner_serves_slack_beside_healthz(
    api: FakeSlack, settings: Settings
) -> None:
    port = free_port()
    config = slack_settings(api, port=port)
    runner = BotRunner(config, services=market_services(config))
    await runner.start()
    try:
        base = f"http://127.0.0.1:{port}"
        async with aiohttp.ClientSession() as session, session.get(base + "/healthz") as response:
            assert (await response.json())["ready"] is True
        ack = await SlackUser(base + "/slack/events", api).command("/meta topics")
        assert ack.status == 200 and "Reality Labs" in ack.text
    finally:
        await runner.stop()


# ---- long quotes and empty texts, as Slack judges Block Kit ---------------------------------


async def test_a_long_quote_reaches_slack_quoted_on_every_line(api: FakeSlack) -> None:
    from chat.reply import Context, Quote
    from commands.base import Command
    from tests.harness.slack import block_errors
    from tests.test_slack_blocks import LONG_QUOTE, quoted_lines

    def long_quote(_request, _services):  # type: ignore[no-untyped-def]
        return Reply((Quote(LONG_QUOTE, "Section 12"), Context("")))

    commands = {
        **all_commands(),
        "quote": Command("quote", "quote", {"en": "Q", "fr": "Q"}, long_quote),
    }
    router = Router(market_services(slack_settings(api)), commands)
    adapter, runner, url = await start_bot(api, router)
    try:
        user = SlackUser(url + "/slack/events", api)
        ack = await user.command("/meta quote")
        assert ack.json is not None and block_errors(ack.json["blocks"]) == []
        quoted = [b for b in ack.json["blocks"] if b["type"] == "section"]
        assert len(quoted) >= 3
        assert all(line.startswith(">") for line in quoted_lines(quoted))
        assert buttons(ack.json) == []  # no buttons for this command: shared by an older one
        shared = Request("quote", platform="slack", can_manage_channel=True)
        await user.press(
            {
                "action_id": "share_reply",  # the Share of earlier versions, still answered
                "text": {"type": "plain_text", "text": "Share in channel"},
                "value": share_value(shared),
            }
        )
        (post,) = await api.wait_for("chat.postMessage")  # refused as invalid_blocks before
        sections = [b for b in post.params["blocks"] if b["type"] == "section"]
        assert len(sections) == len(quoted)
        assert all(line.startswith(">") for line in quoted_lines(sections))
    finally:
        await adapter.stop()
        await runner.cleanup()
