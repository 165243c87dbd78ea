""" "Check numbers" on a message: the Slack message shortcut (a signed `message_action`) and the
Discord message command (an application command of type 3), both answered privately; and the
reading of figures itself."""

from __future__ import annotations

import datetime as dt

from bot.adapters.discord import DiscordAdapter
from commands.numbers import figures_in
from commands.router import Router
from tests.harness.discord import GUILD_ID, FakeDiscord, dispatch, interaction_payload, snowflake
from tests.harness.slack import FakeSlack, SlackUser, shortcut, visible_text
from tests.test_discord_commands import make_services as discord_services
from tests.test_discord_commands import make_settings

CLAIM = "META is up +68% YTD as of 13 March 2024, and closed at $495 on 2024-03-13."


def test_dated_percentages_and_prices_are_read() -> None:
    ytd, price = figures_in(CLAIM.replace(", and", ". It"))
    assert (ytd.kind, ytd.value, ytd.as_of) == ("ytd", 68.0, dt.date(2024, 3, 13))
    assert (price.kind, price.value, price.as_of) == ("price", 495.0, dt.date(2024, 3, 13))
    (french,) = figures_in("META : +68 % depuis le début de l’année au 13 mars 2024.")
    assert french.value == 68.0 and french.as_of == dt.date(2024, 3, 13)
    assert figures_in("META is up 68% this year.") == []  # no date: nothing to check


async def test_the_slack_shortcut_answers_privately(alice: SlackUser, api: FakeSlack) -> None:
    ack = await shortcut(alice, "meta_check_numbers", CLAIM.replace(", and", ". It"))
    assert ack.status == 200
    (answer,) = [c.params for c in await api.wait_for("response")]
    assert answer["response_type"] == "ephemeral"
    shown = visible_text(answer)
    assert "Message: +68.0% YTD at 13 Mar 2024; META.csv data: +40.0%" in shown
    assert "Message: 495.00 at 13 Mar 2024; META.csv data: close 495.57 on 13 Mar 2024" in shown
    assert api.calls_to("chat.postMessage") == []  # nothing in the channel


async def test_a_message_without_dated_figures_says_so(alice: SlackUser, api: FakeSlack) -> None:
    await shortcut(alice, "meta_check_numbers", "Meta is doing great")
    (answer,) = [c.params for c in await api.wait_for("response")]
    assert "I found no percentage or price about META" in visible_text(answer)


async def test_the_discord_context_menu_answers_privately(fake: FakeDiscord) -> None:
    settings = make_settings(fake, discord_guild_id=GUILD_ID)
    bot = DiscordAdapter(settings.discord, Router(discord_services(settings)))
    await bot.login()
    try:
        await bot.sync_commands()
        synced = fake.commands[GUILD_ID]
        assert (synced[-1]["name"], synced[-1]["type"]) == ("Check numbers", 3)
        target = snowflake()
        payload = interaction_payload("x")
        payload["data"] = {
            "id": synced[-1]["id"],
            "name": "Check numbers",
            "type": 3,
            "target_id": target,
            "guild_id": GUILD_ID,
            "resolved": {
                "messages": {
                    target: {
                        "id": target,
                        "channel_id": payload["channel_id"],
                        "author": payload["member"]["user"],
                        "content": CLAIM,
                        "timestamp": "2024-03-14T00:00:00+00:00",
                        "edited_timestamp": None,
                        "tts": False,
                        "mention_everyone": False,
                        "mentions": [],
                        "mention_roles": [],
                        "attachments": [],
                        "embeds": [],
                        "pinned": False,
                        "type": 0,
                    }
                }
            },
        }
        await dispatch(bot.client, payload)
        (deferred,) = fake.calls_to("POST", r"/interactions/\d+/[^/]+/callback")
        assert deferred.json["type"] == 5 and deferred.json["data"]["flags"] & 64
        (followup,) = fake.calls_to("POST", r"/webhooks/\d+/[^/]+")
        assert followup.json["flags"] & 64  # for the asker alone
        assert "+40.0%" in str(followup.json["embeds"][0])
    finally:
        await bot.client.close()
