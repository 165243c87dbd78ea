"""The weekly digest: `/meta subscribe 08:30 Europe/Paris weekly mon` posts, on Mondays only, the
week's move against the benchmark and peers, the week's new articles and the next earnings."""

from __future__ import annotations

import asyncio

import pytest

from briefings.subscriptions.model import SubscriptionError, parse_cadence
from scheduling.scheduler import trigger_for
from tests.harness import DATA
from tests.harness.chat import Chat
from tests.harness.clock import FakeClock
from tests.harness.delivery import deliveries, make_services, posts_per_channel, subscribe, utc


def test_weekly_cadences_are_read_as_people_type_them():
    assert parse_cadence("weekly mon") == "weekly-mon"
    assert parse_cadence("Weekly-Friday") == "weekly-fri"
    assert parse_cadence("weekly") == "weekly-mon"
    with pytest.raises(SubscriptionError):
        parse_cadence("weekly someday")


def test_subscribing_to_the_weekly_digest_in_chat(settings):
    clock = FakeClock(utc(2024, 3, 13, 12, 0))  # a Wednesday
    chat = Chat(make_services(settings, clock), channel="c1")
    text = " ".join(chat.say("/meta subscribe 08:30 Europe/Paris weekly mon").split())
    assert "the weekly digest at 08:30 Europe/Paris, weekly on Mondays, in English" in text
    assert "Mon 18 Mar 2024 08:30" in text
    schedule = " ".join(chat.say("/meta schedule --lang fr").split())
    assert "le bilan hebdomadaire à 08:30 Europe/Paris, chaque semaine, le lundi" in schedule
    bad = chat.send("/meta subscribe 08:30 Europe/Paris weekly someday")
    assert not bad.ok and bad.message == "I don't know what “someday” means here."


def test_the_digest_goes_out_on_its_day_only_beside_a_daily_briefing(settings, monkeypatch):
    monkeypatch.setenv("EARNINGS_DATA_FILE", str(DATA / "META_earnings.csv"))
    from config import load_settings

    settings = load_settings()
    clock = FakeClock(utc(2024, 3, 18, 7, 31))  # Monday 08:31 in Paris
    services = make_services(settings, clock)
    subscribe(services, "weekly", "08:30", "Europe/Paris", cadence="weekly-mon")
    subscribe(services, "daily", "08:30", "Europe/Paris", cadence="daily")
    runner = deliveries(services, settings)
    asyncio.run(runner.deliver_due(clock.now))
    out = runner.ports["console"].stream.getvalue()
    digest = " ".join(out.split("── post to #weekly")[1].split("── post to #")[0].split())
    assert "META weekly digest · week to Monday 18 March 2024" in digest
    assert "META this week" in digest and "QQQ unavailable (no price file)" in digest
    assert "Earnings on 24 Apr 2024 (in 37 days)" in digest
    assert "New this week" in digest and "Meta: LLaMA's Role in Its Growth (13 Mar 2024)" in digest
    assert "Insight of the day" not in digest
    assert "Insight of the day" in out.split("── post to #daily")[1]
    clock.advance(days=1)  # Tuesday: the daily briefing only
    asyncio.run(deliveries(services, settings).deliver_due(clock.now))
    assert posts_per_channel(settings) == {"weekly": 1, "daily": 2}


def test_the_weekly_trigger_fires_on_its_day(settings):
    clock = FakeClock(utc(2024, 3, 13, 12, 0))
    services = make_services(settings, clock)
    subscribe(services, "c", "08:30", "Europe/Paris", cadence="weekly-fri")
    (sub,) = services.subscriptions.all()
    fire = trigger_for(sub).get_next_fire_time(None, clock.now)
    assert fire is not None and fire.weekday() == 4 and (fire.hour, fire.minute) == (8, 30)
