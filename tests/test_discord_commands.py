"""`/meta` on Discord: the real discord.py 2.7 against a loopback fake of Discord's REST API.

A `DiscordUser` sends each interaction as Discord does (a raw INTERACTION_CREATE handed to
discord.py as its gateway would); what the adapter answered is read back from the calls that
reached the fake.
"""

from __future__ import annotations

import datetime as dt
import json
import random
from pathlib import Path

import discord
import pytest

from bot.adapters.discord import HASH_FILE, MISSING_MANAGE_CHANNELS, DiscordAdapter
from bot.adapters.discord import adapter as discord_adapter
from chat.reply import Paragraph, Reply
from chat.request import Request
from commands import Command, all_commands
from commands.base import Option
from commands.router import Router
from commands.services import Services
from config import load_settings
from tests.harness.discord import (
    APP_ID,
    CHANNEL_ID,
    GUILD_ID,
    MANAGE_CHANNELS,
    MEMBER_PERMISSIONS,
    MISSING_PERMISSIONS,
    USER_ID,
    DiscordUser,
    dispatch,
)
from tests.harness.waiting import eventually

PRICES = Path(__file__).parent / "data" / "META.csv"
EPHEMERAL = 64
PNG = b"\x89PNG\r\n\x1a\n"


def make_settings(fake, **overrides):
    return load_settings(discord_token="fake-bot-token", discord_api_url=fake.api_url, **overrides)


def make_services(settings):
    clock = dt.datetime(2024, 7, 31, 2, 0, tzinfo=dt.UTC)  # the night after the CSV's last close
    return Services(
        settings, clock=lambda: clock, rng=random.Random(7), price_files={"META": PRICES}
    )


async def make_adapter(fake, commands=None, **overrides):
    settings = make_settings(fake, **overrides)
    adapter = DiscordAdapter(settings.discord, Router(make_services(settings), commands))
    await adapter.login()
    return adapter


@pytest.fixture
async def adapter(fake):
    bot = await make_adapter(fake, discord_guild_id=GUILD_ID)
    yield bot
    await bot.client.close()


# A test-only command set: the registry's commands plus two that show the adapter's generic
# behaviour before the lead's subscribe/schedule commands exist.
SEEN: list[Request] = []


def _echo(request: Request, _services) -> Reply:
    SEEN.append(request)
    return Reply((Paragraph(f"echo {request.option('text')}"),))


def _subscribe(request: Request, _services) -> Reply:
    SEEN.append(request)
    return Reply((Paragraph(f"subscribed at {request.option('time')} {request.option('zone')}"),))


def _boom(_request: Request, _services) -> Reply:
    raise RuntimeError("secret internals exploded")


TEST_COMMANDS = {
    **all_commands(),
    "echo": Command(
        "echo",
        "echo <text>",
        {"en": "Echo.", "fr": "Écho."},
        _echo,
        options=(Option("text", "Anything"),),
    ),
    "subscribe": Command(
        "subscribe",
        "subscribe <time> [zone]",
        {"en": "Daily briefing here.", "fr": "Briefing ici."},
        _subscribe,
        options=(
            Option("time", "HH:MM", required=True),
            Option("zone", "Time zone", autocomplete="zones"),
            Option("cadence", "When", choices=("weekdays", "daily", "trading-days")),
        ),
        changes_channel=True,
    ),
    "boom": Command("boom", "boom", {"en": "Fails.", "fr": "Échoue."}, _boom),
    "outage": Command(
        "outage",
        "outage [share]",
        {"en": "Market data down.", "fr": "Données indisponibles."},
        lambda _request, _services: Reply.error("Market data is unavailable right now."),
        options=(Option("share", "Post it", choices=("true", "false")),),
        slow=True,
    ),
}


@pytest.fixture
async def test_adapter(fake):
    SEEN.clear()
    bot = await make_adapter(fake, TEST_COMMANDS, discord_guild_id=GUILD_ID)
    yield bot
    await bot.client.close()


def callbacks(fake):
    return fake.calls_to("POST", r"/interactions/\d+/[^/]+/callback")


def followups(fake):
    return fake.calls_to("POST", rf"/webhooks/{APP_ID}/[^/]+")


def edits(fake):
    """Edits of the original response (the answer after a deferral)."""
    return fake.calls_to("PATCH", rf"/webhooks/{APP_ID}/[^/]+/messages/@original")


def member(bot, **who) -> DiscordUser:
    """A member of the guild's channel, without Manage Channels, using `bot`."""
    return DiscordUser(bot.client, **who)


def manager(bot, **who) -> DiscordUser:
    """A member who may manage the channel (and so subscribe it)."""
    return DiscordUser(bot.client, permissions=MEMBER_PERMISSIONS | MANAGE_CHANNELS, **who)


def only_embed(call):
    (embed,) = call.message["embeds"]
    return embed


def assert_no_mentions(fake):
    sent = fake.messages_sent()
    assert sent
    for call in sent:
        assert call.message["allowed_mentions"] == {"parse": []}, call.path


# ---- command sync ---------------------------------------------------------------------------


async def test_commands_sync_once_to_the_guild_and_not_again_when_unchanged(fake, tmp_path):
    first = await make_adapter(fake, discord_guild_id=GUILD_ID)
    assert await first.sync_commands() is True
    assert await first.sync_commands() is False
    await first.client.close()
    again = await make_adapter(fake, discord_guild_id=GUILD_ID)  # a restart
    assert await again.sync_commands() is False
    await again.client.close()

    (sync,) = fake.calls_to("PUT", rf"/applications/{APP_ID}/guilds/{GUILD_ID}/commands")
    assert not fake.calls_to("PUT", rf"/applications/{APP_ID}/commands")
    group, menu = sync.json
    assert group["name"] == "meta"
    assert (menu["name"], menu["type"]) == ("Check numbers", 3)  # a message context menu
    subs = {o["name"]: o for o in group["options"]}
    assert list(subs) == list(all_commands())
    assert all(o["type"] == 1 for o in subs.values())
    ask = subs["ask"]["options"]
    assert ask[0] == {
        "type": 3,
        "name": "question",
        "required": True,
        "description": "Your question, in English or French",
    }
    assert [(o["name"], o["type"]) for o in ask[1:]] == [("lang", 3), ("full", 5)]
    assert [c["value"] for c in ask[1]["choices"]] == ["en", "fr"]
    assert subs["insight"]["options"][0]["autocomplete"] is True
    stock = {o["name"]: o for o in subs["stock"]["options"]}
    assert [c["value"] for c in stock["range"]["choices"]] == list(
        all_commands()["stock"].options[0].choices
    )
    assert stock["share"]["type"] == 5  # a boolean
    assert (tmp_path / "data" / HASH_FILE).read_text().strip() == first.command_hash()


async def test_commands_sync_globally_without_a_guild_and_again_when_they_change(fake):
    plain = await make_adapter(fake)
    assert await plain.sync_commands() is True
    await plain.client.close()
    changed = await make_adapter(fake, TEST_COMMANDS)
    assert await changed.sync_commands() is True
    await changed.client.close()
    syncs = fake.calls_to("PUT", rf"/applications/{APP_ID}/commands")
    assert len(syncs) == 2
    assert "subscribe" in {o["name"] for o in syncs[1].json[0]["options"]}


async def test_a_changes_channel_command_requires_manage_channels_in_its_definition(
    fake, test_adapter
):
    await test_adapter.sync_commands()
    (sync,) = fake.calls_to("PUT", r"/applications/\d+/guilds/\d+/commands")
    subscribe = next(o for o in sync.json[0]["options"] if o["name"] == "subscribe")
    options = {o["name"]: o for o in subscribe["options"]}
    assert options["time"]["required"] is True
    assert options["zone"]["autocomplete"] is True
    assert [c["value"] for c in options["cadence"]["choices"]] == [
        "weekdays",
        "daily",
        "trading-days",
    ]
    command = test_adapter.group.get_command("subscribe")
    assert command.checks  # has_permissions(manage_channels=True), enforced by discord.py


# ---- quick commands -------------------------------------------------------------------------


async def test_ask_answers_privately_with_an_embed_and_its_source(fake, adapter):
    await member(adapter).command("ask", question="How does LLaMA make money?")
    (callback,) = callbacks(fake)
    assert callback.query == {"with_response": "1"}
    assert callback.json["type"] == 4
    data = callback.json["data"]
    assert data["flags"] & EPHEMERAL
    embed = only_embed(callback)
    assert "LLaMA" in embed["description"]
    assert embed["footer"]["text"].startswith("Source: ")
    assert_no_mentions(fake)


async def test_an_answer_not_ready_near_the_deadline_is_deferred_then_edited_in(
    fake, adapter, monkeypatch
):
    monkeypatch.setattr(discord_adapter, "ANSWER_BUDGET", 0.0)  # as if the CPU were busy
    await member(adapter).command("ask", question="How does LLaMA make money?")
    (defer,) = callbacks(fake)
    assert defer.json == {"type": 5, "data": {"flags": EPHEMERAL}}  # within Discord's 3 s
    (edit,) = edits(fake)
    assert only_embed(edit)["footer"]["text"].startswith("Source: ")
    assert fake.shown(public=True) == []


async def test_ask_in_french_answers_in_french(fake, adapter):
    question = "Comment Meta gagne-t-elle de l'argent avec LLaMA ?"
    await member(adapter, locale="fr").command("ask", question=question)
    embed = only_embed(callbacks(fake)[0])
    assert embed["footer"]["text"].startswith("Source : ")
    assert "LLaMA" in embed["description"]


async def test_help_lists_every_command_with_its_discord_options(fake, adapter):
    await member(adapter).command("help")
    embed = only_embed(callbacks(fake)[0])
    assert embed["title"] == "Meta AI strategy briefings"
    lines = embed["description"].splitlines()
    assert len(lines) == len(all_commands())
    assert "• `/meta ask question:… [lang:en|fr] [full:true]`: " in lines[1]
    assert "• `/meta insight [topic:…] [lang:en|fr]`: " in lines[2]
    assert "• `/meta stock [range:1d|5d|1mo|3mo|6mo|ytd|1y] [share:true]`: " in lines[4]
    assert any(
        line.startswith("• `/meta subscribe time:… zone:… [language:en|fr] [cadence:")
        for line in lines
    )
    assert "--lang" not in embed["description"] and "<" not in embed["description"]
    footer = embed["footer"]["text"]
    assert footer == (
        "Ask in English or French; the lang option chooses the answer's language. "
        "The command option shows one command with examples, e.g. /meta help command:ask."
    )


async def test_embed_footers_titles_and_field_names_carry_no_markdown(fake, adapter):
    await member(adapter).command("ask", question="What does open source mean?")
    embed = only_embed(callbacks(fake)[0])
    footer = embed["footer"]["text"]
    assert "More: /meta ask question:What does open source mean? full:true" in footer
    for text in [footer, embed.get("title") or "", *(f["name"] for f in embed.get("fields", []))]:
        assert "`" not in text and "*" not in text, text


async def test_the_lang_option_chooses_the_language(fake, adapter):
    await member(adapter).command("ask", question="How does LLaMA make money?", lang="fr")
    embed = only_embed(callbacks(fake)[0])
    assert embed["footer"]["text"].startswith("Source : ")


async def test_a_lang_flag_typed_in_the_question_is_read_as_the_lang_option(fake, adapter):
    await member(adapter).command(
        "ask", question="--lang fr Comment Meta gagne-t-elle de l'argent avec LLaMA ?"
    )
    french = only_embed(callbacks(fake)[0])
    assert french["footer"]["text"].startswith("Source : ")
    assert "--lang" not in french["description"]
    await member(adapter).command("ask", question="--lang fr How does LLaMA make money?", lang="en")
    english = only_embed(callbacks(fake)[1])  # the option wins over the typed flag
    assert english["footer"]["text"].startswith("Source: ")
    await member(adapter).command("ask", question="--lang de How does LLaMA make money?")
    data = callbacks(fake)[2].json["data"]
    assert data["flags"] & EPHEMERAL
    assert data["content"].startswith("Language must be `en` or `fr`.")
    assert "Usage: `/meta ask question:… [lang:en|fr]" in data["content"]


async def test_topics_lists_the_topics(fake, adapter):
    await member(adapter).command("topics")
    embed = only_embed(callbacks(fake)[0])
    assert embed["title"] == "Topics I can talk about"
    assert "• Reality Labs (reality-labs)" in embed["description"]


async def test_insight_on_a_topic_quotes_the_article(fake, adapter):
    await member(adapter).command("insight", topic="advertising")
    embed = only_embed(callbacks(fake)[0])
    assert embed["title"] == "Insight: Advertising"
    assert embed["description"].startswith("> ")
    assert "\n— *" in embed["description"]  # the section it comes from
    assert embed["footer"]["text"].startswith("Source: ")


async def test_a_refusal_is_one_private_line_without_an_embed(fake, adapter):
    await member(adapter).command("insight", topic="football")
    (callback,) = callbacks(fake)
    data = callback.json["data"]
    assert data["flags"] & EPHEMERAL
    assert data["content"].startswith("I don't know the topic “football”")
    assert "Usage: `/meta insight [topic:…] [lang:en|fr]`" in data["content"]
    assert not data.get("embeds")
    assert_no_mentions(fake)


async def test_the_request_carries_the_discord_context(fake, test_adapter):
    await member(test_adapter, locale="fr").command("echo", text="hi @everyone")
    (request,) = SEEN
    assert request == Request(
        command="echo",
        options={"text": "hi @everyone"},
        platform="discord",
        workspace=GUILD_ID,
        channel=CHANNEL_ID,
        user=USER_ID,
        locale="fr",
        can_manage_channel=False,
    )
    embed = only_embed(callbacks(fake)[0])
    assert embed["description"] == "echo hi @\u200beveryone"  # shown, never a mass ping
    assert_no_mentions(fake)


async def test_a_direct_message_is_its_own_workspace(fake, test_adapter):
    await member(test_adapter, in_guild=False).command("echo", text="x")
    assert SEEN[0].workspace == "dm"
    assert SEEN[0].channel == CHANNEL_ID


async def test_a_crash_becomes_an_apology_without_a_traceback(fake, test_adapter, caplog):
    await member(test_adapter).command("boom")
    data = callbacks(fake)[0].json["data"]
    assert data["content"].startswith("Sorry, something went wrong")
    assert "exploded" not in data["content"] and "Traceback" not in data["content"]
    assert data["flags"] & EPHEMERAL
    assert "fake-bot-token" not in caplog.text


# ---- slow commands --------------------------------------------------------------------------


async def test_stock_defers_privately_then_edits_in_the_answer_with_the_chart(fake, adapter):
    await member(adapter).command("stock", range="1mo")
    (defer,) = callbacks(fake)
    assert defer.json == {"type": 5, "data": {"flags": EPHEMERAL}}
    assert not followups(fake)  # documented as deprecated for the first message after defer
    (edit,) = edits(fake)
    embed = only_embed(edit)
    assert embed["title"].startswith("META · 1 month")
    assert {f["name"] for f in embed["fields"]} >= {"META close", "Volume"}
    (chart,) = edit.files
    assert chart.data.startswith(PNG)
    assert embed["image"]["url"] == f"attachment://{chart.filename}"
    assert edit.message["attachments"][0]["filename"] == chart.filename
    (shown,) = fake.shown(public=False)
    assert shown["embeds"][0]["title"].startswith("META · 1 month")
    assert shown["attachments"][0]["filename"] == chart.filename
    assert fake.shown(public=True) == []
    assert_no_mentions(fake)


async def test_brief_defers_privately_then_edits_in_the_answer(fake, adapter):
    await member(adapter).command("brief")
    assert callbacks(fake)[0].json == {"type": 5, "data": {"flags": EPHEMERAL}}
    assert not followups(fake)
    (edit,) = edits(fake)
    assert only_embed(edit)["title"].startswith("META briefing")
    assert fake.shown(public=True) == []
    (shown,) = fake.shown(public=False)
    assert shown["embeds"][0]["title"].startswith("META briefing")


async def test_brief_share_posts_the_briefing_with_its_chart_for_everyone(fake, adapter):
    await member(adapter).command("brief", share=True)
    (defer,) = callbacks(fake)
    assert defer.json == {"type": 5, "data": {"flags": EPHEMERAL}}  # decided before deferring
    (edit,) = edits(fake)
    assert edit.message["content"] == "Posted in the channel for everyone."
    (followup,) = followups(fake)
    assert followup.headers["Content-Type"].startswith("multipart/form-data")
    assert not followup.message.get("flags", 0) & EPHEMERAL
    (chart,) = followup.files
    assert chart.field == "files[0]" and chart.data.startswith(PNG)
    embed = only_embed(followup)
    assert embed["image"]["url"] == f"attachment://{chart.filename}"
    assert followup.message["attachments"][0]["filename"] == chart.filename
    insight = embed["fields"][-1]
    assert insight["name"].startswith("Insight of the day") and insight["value"].startswith("> ")
    (public,) = fake.shown(public=True)
    assert public["embeds"][0]["title"].startswith("META briefing")
    assert public["attachments"][0]["filename"] == chart.filename
    assert [m["content"] for m in fake.shown(public=False)] == [
        "Posted in the channel for everyone."
    ]
    assert_no_mentions(fake)


async def test_a_shared_slow_command_that_fails_answers_privately_and_shows_nothing_public(
    fake, test_adapter
):
    await member(test_adapter).command("outage", share=True)
    assert callbacks(fake)[0].json == {"type": 5, "data": {"flags": EPHEMERAL}}
    assert not fake.calls_to("DELETE", rf"/webhooks/{APP_ID}/[^/]+/messages/@original")
    assert not followups(fake)
    (edit,) = edits(fake)
    assert edit.message["content"] == "Market data is unavailable right now."
    assert fake.shown(public=True) == []
    (shown,) = fake.shown(public=False)
    assert shown["content"] == "Market data is unavailable right now."
    assert shown["embeds"] == [] and shown["attachments"] == []
    assert_no_mentions(fake)


async def test_a_refused_public_follow_up_is_told_to_the_asker_privately(fake, adapter):
    user = member(adapter)
    payload = user.payload("brief", {"share": True})
    fake.always("POST", f"/webhooks/{APP_ID}/{payload['token']}", MISSING_PERMISSIONS)
    await dispatch(adapter.client, payload)
    assert len(followups(fake)) == 1 and followups(fake)[0].status == 403
    assert fake.shown(public=True) == []
    (shown,) = fake.shown(public=False)
    assert shown["content"].startswith("Sorry, something went wrong")  # not "Posted ..."


# ---- autocomplete and permissions -----------------------------------------------------------


async def test_topic_autocomplete_suggests_matching_topics(fake, adapter):
    await member(adapter).autocomplete("insight", "topic", topic="rea")
    (callback,) = callbacks(fake)
    assert callback.json["type"] == 8
    assert callback.json["data"]["choices"][0] == {
        "name": "Reality Labs (reality-labs)",
        "value": "reality-labs",
    }


async def test_zone_autocomplete_suggests_at_most_25_zones(fake, test_adapter):
    await manager(test_adapter).autocomplete("subscribe", "zone", time="08:00", zone="Europe/Pa")
    choices = callbacks(fake)[0].json["data"]["choices"]
    assert {"name": "Europe/Paris", "value": "Europe/Paris"} in choices
    await member(test_adapter).autocomplete("subscribe", "zone", zone="a")
    assert len(callbacks(fake)[1].json["data"]["choices"]) == 25
    assert not SEEN  # autocompletion never runs the command


async def test_a_member_without_manage_channels_is_refused_politely(fake, test_adapter):
    await member(test_adapter).command("subscribe", time="08:00")
    (callback,) = callbacks(fake)
    assert callback.json["type"] == 4
    assert callback.json["data"]["content"] == MISSING_MANAGE_CHANNELS["en"]
    assert callback.json["data"]["flags"] & EPHEMERAL
    assert not SEEN
    assert_no_mentions(fake)


async def test_a_member_with_manage_channels_may_subscribe(fake, test_adapter):
    await manager(test_adapter).command(
        "subscribe", time="08:00", zone="Europe/Paris", cadence="daily"
    )
    (request,) = SEEN
    assert request.can_manage_channel is True
    assert request.options == {"time": "08:00", "zone": "Europe/Paris", "cadence": "daily"}
    assert only_embed(callbacks(fake)[0])["description"] == "subscribed at 08:00 Europe/Paris"


# ---- start and stop: login, sync, the gateway ------------------------------------------------


async def test_start_syncs_connects_without_privileged_intents_and_serves_commands(fake):
    settings = make_settings(fake, discord_guild_id=GUILD_ID, discord_gateway_url=fake.gateway_url)
    bot = DiscordAdapter(settings.discord, Router(make_services(settings)))
    await bot.start()
    try:
        await fake.wait_for(lambda f: any(m["op"] == 2 for m in f.gateway_frames))
        identify = next(m["d"] for m in fake.gateway_frames if m["op"] == 2)
        intents = discord.Intents._from_value(identify["intents"])
        assert intents == discord.Intents(guilds=True, guild_messages=True, dm_messages=True)
        assert not (intents.members or intents.presences or intents.message_content)
        assert len(fake.calls_to("PUT", r"/applications/\d+/guilds/\d+/commands")) == 1

        await fake.push("INTERACTION_CREATE", member(bot).payload("help", {}))
        await fake.wait_for(lambda f: len(callbacks(f)) == 1)
        assert only_embed(callbacks(fake)[0])["title"] == "Meta AI strategy briefings"
    finally:
        await bot.stop()
    assert bot.client.is_closed()


@pytest.mark.slow
async def test_an_unreachable_gateway_at_start_is_retried_not_abandoned(fake, caplog):
    # discord.py 2.7 crashes (AttributeError) when its first gateway connection fails.
    settings = make_settings(fake, discord_gateway_url="ws://127.0.0.1:9/")  # nothing listens
    bot = DiscordAdapter(settings.discord, Router(make_services(settings)))
    await bot.start()
    try:
        await eventually(lambda: "discord gateway unreachable" in caplog.text)
        assert "discord gateway unreachable (AttributeError)" in caplog.text
        assert bot.gateway_running
    finally:
        await bot.stop()
    assert not bot.gateway_running
    assert "fake-bot-token" not in caplog.text


# ---- the real subscribe, unsubscribe and schedule commands --------------------------------------


async def test_real_subscribe_without_manage_channels_stores_nothing(fake, adapter):
    await member(adapter).command("subscribe", time="08:30", zone="Europe/Paris")
    (callback,) = callbacks(fake)
    assert callback.json["data"]["content"] == MISSING_MANAGE_CHANNELS["en"]
    assert adapter.router.services.subscriptions.all() == []
    assert_no_mentions(fake)


async def test_real_subscribe_with_manage_channels_then_schedule(fake, adapter):
    await manager(adapter).command(
        "subscribe", time="08:30", zone="Europe/Paris", language="fr", cadence="daily"
    )
    (stored,) = adapter.router.services.subscriptions.all()
    assert (stored.platform, stored.time_text, stored.zone, stored.language, stored.cadence) == (
        "discord",
        "08:30",
        "Europe/Paris",
        "fr",
        "daily",
    )
    assert "Subscribed: the daily briefing at 08:30 Europe/Paris" in json.dumps(
        callbacks(fake)[0].json, ensure_ascii=False
    )
    await member(adapter).command("schedule")
    assert "Next briefing:" in json.dumps(callbacks(fake)[1].json, ensure_ascii=False)
    assert_no_mentions(fake)
