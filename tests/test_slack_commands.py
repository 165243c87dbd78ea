"""`/meta` in Slack, end to end: signed slash commands and button presses POSTed over real HTTP
to the bot's aiohttp server, the real slack-bolt AsyncApp behind it, and a loopback fake of
Slack's Web API and response_urls in front of the real slack_sdk client."""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import logging
import random
import socket
import time
from collections.abc import AsyncIterator
from pathlib import Path

import aiohttp
import pytest

from bot.adapters.slack import SlackAdapter
from bot.adapters.slack.blocks import unescape
from bot.app import BotRunner
from bot.web import health_app
from chat.reply import Reply
from commands import Command, all_commands
from commands.router import Router
from commands.services import Services
from config import Settings, load_settings
from tests.harness.slack import (
    BOT_TOKEN,
    SIGNING_SECRET,
    FakeSlack,
    SlackUser,
    api_error,
    buttons,
    serve,
    visible_text,
)

DATA = Path(__file__).parent / "data"
PNG = b"\x89PNG\r\n\x1a\n"


@pytest.fixture
async def api() -> AsyncIterator[FakeSlack]:
    async with FakeSlack() as fake:
        yield fake


def slack_settings(api: FakeSlack, **overrides: object) -> Settings:
    return load_settings(
        slack_bot_token=BOT_TOKEN,
        slack_signing_secret=SIGNING_SECRET,
        slack_api_url=api.base_url,
        slack_mode="http",
        **overrides,
    )


def market_services(settings: Settings) -> Services:
    """Prices from tests/data/META.csv (to 2024-07-30), the day after: no network."""
    now = dt.datetime(2024, 7, 31, 14, 0, tzinfo=dt.UTC)
    return Services(
        settings, clock=lambda: now, rng=random.Random(7), price_files={"META": DATA / "META.csv"}
    )


async def start_bot(
    api: FakeSlack, router: Router
) -> tuple[SlackAdapter, aiohttp.web.AppRunner, str]:
    """The bot's web server as BotRunner builds it: /healthz plus the adapter's routes."""
    adapter = SlackAdapter(router.services.settings.slack, router)
    app = health_app(lambda: {"ready": True, "platforms": ["slack"]})
    adapter.add_routes(app)
    await adapter.start()
    runner, url = await serve(app)
    return adapter, runner, url


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


async def test_ask_in_english_is_answered_in_the_ack(slack: SlackUser, api: FakeSlack) -> None:
    ack = await slack.command("/meta ask How does LLaMA make money?")
    assert ack.status == 200
    assert ack.ephemeral
    assert "LLaMA" in ack.text and "Source: " in ack.text
    assert ack.json is not None and "LLaMA" in ack.json["text"]  # plain fallback text
    share = buttons(ack.json)[-1]
    assert share["action_id"] == "meta_share"
    assert share["value"] == "--lang en ask How does LLaMA make money?"
    assert [c.method for c in api.calls] == ["auth.test"]  # nothing posted anywhere


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
    assert ack.text == "I don't know the command “stonks”. Try `/meta help`."


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
    assert "The chart comes with `share`: `/meta brief share` posts it in the channel." in text
    assert buttons(answer)[-1]["action_id"] == "meta_share"
    assert api.calls_to("chat.postMessage") == []  # ephemeral: nothing in the channel


async def test_brief_share_posts_in_the_channel_with_the_chart_in_its_thread(
    slack: SlackUser, api: FakeSlack, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    await slack.command("/meta brief share")
    (post,) = await api.wait_for("chat.postMessage")
    (complete,) = await api.wait_for("files.completeUploadExternal")
    assert post.params["channel"] == "C0GENERAL1"
    assert "link_names" not in post.params
    assert post.params["text"].startswith("META briefing · Wednesday 31 July 2024")
    assert "meta_share" not in [b["action_id"] for b in buttons(post.params)]  # shared already
    assert "Chart in the thread. · Shared by <@U0ALICE001>" in visible_text(post.params)

    (url_call,) = api.calls_to("files.getUploadURLExternal")
    (upload,) = api.calls_to("upload")
    assert upload.raw.startswith(PNG)
    assert int(url_call.params["length"]) == len(upload.raw)
    assert url_call.params["filename"] == "meta-2024-07-31.png"
    ts = api.messages["C0GENERAL1"][0]["ts"]
    assert complete.params["channel_id"] == "C0GENERAL1"
    assert complete.params["thread_ts"] == ts
    assert complete.params["files"][0]["title"] == "META closes, 3 months"
    assert api.responses() == []
    assert BOT_TOKEN not in caplog.text and SIGNING_SECRET not in caplog.text


async def test_share_fails_politely_where_the_bot_cannot_post(
    slack: SlackUser, api: FakeSlack
) -> None:
    api.script("chat.postMessage", api_error("not_in_channel"))
    await slack.command("/meta stock 1y share")
    (answer,) = [c.params for c in await api.wait_for("response")]
    assert answer["text"].startswith("I can't post in this channel: invite me to it (`/invite`)")
    assert api.calls_to("upload") == []


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
    assert "The chart comes with `share`: `/meta stock 1y share`" in visible_text(answer)
    await slack.press(buttons(answer)[-1])  # Share
    (post,) = await api.wait_for("chat.postMessage")
    assert post.params["blocks"][0]["text"]["text"].startswith("META · 1 year: +42.3%")
    (upload,) = await api.wait_for("upload")
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
