"""The insight of the day is the insight of the day: the same for a channel all day, whether
asked for (`/meta brief`, `brief --date D`) or scheduled; the next day moves on, fairly, per
channel; an English briefing quotes the article's claim in English."""

from __future__ import annotations

import asyncio
import datetime as dt
import itertools
import json

from bot.cli import main
from briefings.knowledge.rotation import of_the_day
from chat.request import Origin
from tests.harness import DATA
from tests.harness.chat import Chat
from tests.harness.clock import FakeClock
from tests.harness.delivery import META, deliveries, make_services, subscribe, utc


def insight(chat: Chat) -> str:
    return chat.send("/meta brief").data["insight"]["text"]


def test_a_channel_gets_one_insight_a_day_scheduled_or_asked(settings):
    clock = FakeClock(utc(2026, 11, 30, 7, 31))  # Monday 08:31 in Paris
    services = make_services(settings, clock)
    chat = Chat(services, platform="console", workspace="local", channel="c")
    subscribe(services, "c", "08:30", "Europe/Paris")
    runner = deliveries(services, settings)
    assert len(asyncio.run(runner.deliver_due(clock())).delivered) == 1
    posted = " ".join(runner.ports["console"].stream.getvalue().replace("│", " ").split())

    today = insight(chat)
    assert " ".join(today.split()) in posted  # the scheduled post showed the same one
    clock.advance(hours=14)  # 22:31 in Paris, still Monday there
    assert {insight(chat) for _ in range(5)} == {today}
    clock.advance(hours=2)  # Tuesday in Paris
    tomorrow = insight(chat)
    assert tomorrow != today
    assert insight(chat) == tomorrow


def test_the_day_is_the_channel_s_own(settings):
    clock = FakeClock(utc(2026, 11, 27, 23, 30))  # Friday in UTC, Saturday 08:30 in Tokyo
    services = make_services(settings, clock)
    tokyo = Chat(services, platform="console", workspace="local", channel="tokyo")
    subscribe(services, "tokyo", "08:30", "Asia/Tokyo")
    saturday = insight(tokyo)
    clock.advance(hours=12)  # Saturday in UTC too: still Saturday in Tokyo
    assert insight(tokyo) == saturday


def test_the_rotation_is_fair_and_per_channel():
    candidates = [f"p{n}" for n in range(7)]
    start = dt.date.fromordinal(7 * 300000)  # the first day of a round
    days = [start + dt.timedelta(days=n) for n in range(7 * 20)]
    for scope in ("slack:T1:C1:brief", "slack:T1:C2:brief"):
        picks = [of_the_day(scope, candidates, day) for day in days]
        for first in range(0, len(picks), 7):
            assert sorted(picks[first : first + 7]) == candidates  # each once per round
        assert all(a != b for a, b in itertools.pairwise(picks))  # never twice running
    one = [of_the_day("slack:T1:C1:brief", candidates, day) for day in days]
    other = [of_the_day("slack:T1:C2:brief", candidates, day) for day in days]
    assert one != other
    assert of_the_day("s", ["a", "b"], start) != of_the_day(
        "s", ["a", "b"], start + dt.timedelta(1)
    )


def test_cli_brief_on_a_date_is_the_same_each_time(capsys):
    def shown(day: str) -> str:
        assert main(["brief", "--prices", str(META), "--date", day, "--json"]) == 0
        return json.loads(capsys.readouterr().out)["insight"]["text"]

    first = shown("2024-03-13")
    assert shown("2024-03-13") == first == shown("2024-03-13")
    assert shown("2024-03-14") != first


def test_an_english_briefing_quotes_the_claim_in_english(isolated_env, capsys):
    # Bars of 2024 only: no close of 2023 to check "+68 % since the start of 2024" against,
    # so the briefing quotes the claim instead.
    lines = (DATA / "META.csv").read_text().splitlines()
    prices = isolated_env / "meta-2024.csv"
    prices.write_text("\n".join([lines[0], *(x for x in lines[1:] if x.startswith("2024"))]))
    day = claim_day()
    args = ["brief", "--prices", str(prices), "--date", day]
    assert main(args) == 0
    english = " ".join(capsys.readouterr().out.split())
    assert "Claim in the article: “The 68% rise since the start of 2024, as of 13 March”" in english
    assert "L’augmentation" not in english
    assert main([*args, "--lang", "fr"]) == 0
    french = " ".join(capsys.readouterr().out.split())
    assert "« L’augmentation de 68 % depuis le début de 2024, au 13 mars »" in french


def claim_day() -> str:
    """A day whose insight, on the command line, is the passage that makes the article's claim."""
    from commands.services import Services
    from config import load_settings

    passages = Services(load_settings()).knowledge.insights()
    (claim,) = [p.id for p in passages if "68 %" in p.text_in("fr")]
    day = dt.date(2024, 3, 13)
    scope = Origin("cli", "local", "cli", "operator").rotation_scope("brief")
    while of_the_day(scope, [p.id for p in passages], day) != claim:
        day += dt.timedelta(days=1)
    return day.isoformat()
