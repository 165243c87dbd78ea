"""`/meta subscribe`, `/meta schedule`, `/meta unsubscribe` as a person sees them."""

from __future__ import annotations

import datetime as dt

import pytest

from commands.services import Services
from config import load_settings
from tests.harness.chat import Chat


@pytest.fixture
def chat(settings):
    at = dt.datetime(2026, 11, 27, 6, 0, tzinfo=dt.UTC)  # Friday 07:00 in Paris
    return Chat(
        Services(settings, clock=lambda: at), channel="C42", workspace="T1", platform="slack"
    )


def test_subscribe_confirms_and_schedule_shows_the_next_post(chat):
    reply = chat.send("/meta subscribe 08:30 Europe/Paris").plain_text()
    assert reply.startswith(
        "Subscribed: the daily briefing at 08:30 Europe/Paris, on US market trading days, in "
        "English. Next briefing: Fri 27 Nov 2026 08:30 (Europe/Paris)."
    )
    schedule = chat.send("/meta schedule").plain_text()
    assert "This channel gets the daily briefing at 08:30 Europe/Paris" in schedule
    assert "Next briefing: Fri 27 Nov 2026 08:30 (Europe/Paris)." in schedule


def test_twelve_hour_time_language_and_cadence_in_any_order(chat):
    chat.say("/meta subscribe 5:15pm America/New_York daily fr")
    reply = chat.send("/meta schedule --lang fr").plain_text()
    assert "17:15 America/New_York, tous les jours, en français" in reply


def test_trading_days_skip_the_weekend_for_the_next_post(chat):
    chat.say("/meta subscribe 06:00 Europe/Paris")  # Friday 06:00 has passed: next is Monday
    assert (
        "Next briefing: Mon 30 Nov 2026 06:00 (Europe/Paris)."
        in chat.send("/meta schedule").plain_text()
    )


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("/meta subscribe 08:30 Paris", "Did you mean Europe/Paris?"),
        ("/meta subscribe 08:30 europe/paris", "Did you mean Europe/Paris?"),
        ("/meta subscribe 08:30 CET", "Did you mean Europe/Paris?"),
        ("/meta subscribe 25:00 Europe/Paris", "“25:00” isn't a time I understand"),
        ("/meta subscribe 08:30 Europe/Paris de", "“de” isn't a cadence"),
        ("/meta subscribe 08:30 Europe/Paris fr sometimes", "“sometimes” isn't a cadence"),
        ("/meta subscribe", "Give a time and a time zone"),
    ],
)
def test_bad_input_is_one_friendly_line_and_changes_nothing(chat, text, expected):
    reply = chat.send(text)
    assert not reply.ok
    assert expected in reply.message
    assert "Usage: `/meta subscribe HH:MM ZONE" in chat.say(text)
    assert chat.services.subscriptions.all() == []


def test_unsubscribe_stops_it(chat):
    chat.say("/meta subscribe 08:30 Europe/Paris")
    assert chat.say("/meta unsubscribe") == "Unsubscribed: no more daily briefings in this channel."
    assert chat.say("/meta unsubscribe") == "This channel has no daily briefing; nothing to stop."
    assert "no daily briefing" in chat.say("/meta schedule")


def test_channels_workspaces_and_platforms_each_have_their_own(chat):
    chat.say("/meta subscribe 08:30 Europe/Paris")
    chat.say("/meta subscribe 09:00 Asia/Tokyo", channel="C43")
    chat.say("/meta subscribe 10:00 UTC", workspace="T2")
    chat.say(
        "/meta subscribe 11:00 UTC",
        platform="discord",
        channel="920000000000000042",
        can_manage_channel=True,
    )
    assert len(chat.services.subscriptions.all()) == 4
    assert "08:30 Europe/Paris" in chat.say("/meta schedule")


def test_discord_members_need_manage_channels(chat):
    reply = chat.say(
        "/meta subscribe 08:30 Europe/Paris", platform="discord", can_manage_channel=False
    )
    assert reply == "You need the Manage Channels permission to change this channel's briefing."
    assert chat.services.subscriptions.all() == []


def test_briefing_admins_restrict_everyone_else(monkeypatch, isolated_env):
    monkeypatch.setenv("BRIEFING_ADMINS", "U-ADMIN")
    chat = Chat(Services(load_settings()), platform="slack", workspace="T1", channel="C1")
    assert (
        "Only the bot's admins"
        in chat.send("/meta subscribe 08:30 Europe/Paris", user="U-OTHER").message
    )
    assert chat.services.subscriptions.all() == []
    assert chat.say("/meta subscribe 08:30 Europe/Paris", user="U-ADMIN").startswith("Subscribed")


def test_subscriptions_survive_a_restart(chat, settings):
    chat.say("/meta subscribe 08:30 Europe/Paris")
    again = Chat(Services(settings), channel="C42", workspace="T1", platform="slack")
    assert "08:30 Europe/Paris" in again.say("/meta schedule")
