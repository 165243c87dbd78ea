"""Bad input, fuzzed with Hypothesis: slash-command text (any Unicode, very long, control
characters, mrkdwn and mention syntax), Discord option values, CSV price files, settings.

The properties: the bot always answers with a reply or a clear error and never raises out of an
adapter; it never stores a half-made subscription; it never pings anyone (Slack text is
escaped, Discord messages go out with empty allowed_mentions); a bad price file is a
MarketDataError; a bad setting is a SettingsError that never shows the value."""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import os
import random
import re
import string
from pathlib import Path
from zoneinfo import available_timezones

import discord
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from bot.adapters.discord import DiscordAdapter
from bot.adapters.discord.embeds import error_text, render
from bot.adapters.slack.blocks import ephemeral_message, public_message
from briefings.market.bars import MarketDataError
from briefings.market.csv_source import read_bars_csv
from briefings.subscriptions.model import CADENCES, LANGUAGES
from chat.reply import Reply
from chat.request import Request
from commands import all_commands
from commands.router import Router, parse
from commands.services import Services
from config import SettingsError, load_settings
from tests.harness import DATA
from tests.harness.discord import (
    MANAGE_CHANNELS,
    MEMBER_PERMISSIONS,
    DiscordUser,
    FakeDiscord,
)
from tests.harness.slack import FakeSlack, visible_text
from tests.test_fault_signing import LoopThread, Served

FIXTURES = [HealthCheck.function_scoped_fixture, HealthCheck.too_slow]
NOW = dt.datetime(2024, 7, 31, 14, 0, tzinfo=dt.UTC)
COMMAND_NAMES = [*all_commands(), "", "stonks", "ASK", "--lang", "share"]

# Text people (and attackers) type: mention and mrkdwn syntax, entities, control characters,
# right-to-left marks, emoji, and anything else.
SPECIAL = [
    "<!channel>",
    "<!here>",
    "<!everyone>",
    "<@U0123ABC>",
    "<#C0123|general>",
    "<!subteam^S012>",
    "@everyone",
    "@here",
    "@channel",
    "&lt;!channel&gt;",
    "&amp;",
    "*bold*",
    "_it_",
    "~s~",
    "`code`",
    "```",
    "> quote",
    "<https://evil.example|click>",
    "\u202e",
    "\u200b",
    "\x00",
    "\x1b[31m",
    "\r\n",
    "\t",
    "🦙",
    "é",
    "--lang",
    "fr",
    "share",
    "08:30",
    "Europe/Paris",
    "../../etc/passwd",
    "%s%n",
    "{0}",
    "\\",
]
words = st.one_of(st.sampled_from(SPECIAL), st.text(max_size=12))
chat_text = st.one_of(
    st.lists(words, max_size=12).map(" ".join),
    st.text(max_size=300),
    st.text(st.sampled_from("<>&@!#^|*_~`\n "), max_size=60),
)
MENTION = re.compile(r"<[!@#]")
MASS_PING = re.compile(r"@(everyone|here)", re.IGNORECASE)


def market_services(settings_: object) -> Services:
    return Services(
        settings_,
        clock=lambda: NOW,
        rng=random.Random(7),  # type: ignore[arg-type]
        price_files={"META": DATA / "META.csv"},
    )


def assert_slack_safe(message: dict) -> None:  # type: ignore[type-arg]
    raw = json.dumps(message, ensure_ascii=False)
    assert not MENTION.search(raw), raw[:500]
    assert "link_names" not in message


def assert_discord_safe(reply: Reply) -> None:
    if reply.ok:
        embed = render(reply).embed.to_dict()
        for text in _strings(embed):
            assert not MASS_PING.search(text), text[:200]
    else:
        assert not MASS_PING.search(error_text(reply))


def _strings(value: object) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for v in value.values() for s in _strings(v)]
    if isinstance(value, list):
        return [s for v in value for s in _strings(v)]
    return []


# ---- the core: any text typed after /meta ----------------------------------------------------


@pytest.fixture
def router(settings) -> Router:  # type: ignore[no-untyped-def]
    return Router(market_services(settings))


@pytest.mark.slow
@settings(max_examples=100, deadline=None, suppress_health_check=FIXTURES)
@given(
    command=st.sampled_from(COMMAND_NAMES),
    text=chat_text,
    platform=st.sampled_from(["slack", "discord", "console"]),
)
def test_any_text_gets_a_reply_or_a_clear_error_and_pings_nobody(
    router: Router, command: str, text: str, platform: str
) -> None:
    request = parse(
        f"/meta {command} {text}",
        platform=platform,
        workspace="T1",
        channel="C1",
        user="U0ALICE001",
        can_manage_channel=True,
    )
    reply = asyncio.run(router.handle(request))
    assert isinstance(reply, Reply)
    assert not reply.internal_error, reply.plain_text()  # bad input is not a crash
    assert reply.plain_text().strip()  # something to read
    lang = request.lang if request.lang in ("en", "fr") else "en"
    assert_slack_safe(ephemeral_message(reply, request, lang))
    assert_slack_safe(public_message(reply, lang))
    assert_discord_safe(reply)


# ---- subscriptions: complete and valid, or nothing -------------------------------------------

ZONES = available_timezones()
sub_word = st.one_of(
    st.sampled_from(
        [
            "08:30",
            "8:30am",
            "17h05",
            "25:00",
            "8",
            "٠٨:٣٠",
            "Europe/Paris",
            "europe/paris",
            "UTC",
            "CET",
            "Paris",
            "Etc/GMT+5",
            "America/Argentina/Buenos_Aires",
            "en",
            "fr",
            "de",
            "daily",
            "weekdays",
            "trading-days",
            "trading",
            "posix/Europe/Paris",
            "../zoneinfo/UTC",
            "/etc/localtime",
            "Europe/Paris\x00",
        ]
    ),
    st.text(max_size=15),
)


def assert_complete(services: Services, request: Request, reply: Reply, before: list) -> None:  # type: ignore[type-arg]
    after = services.subscriptions.all()
    if not reply.ok:
        assert after == before, "a refused subscribe changed the table"
        return
    sub = services.subscriptions.get(request.platform, request.workspace, request.channel)
    assert sub is not None
    assert re.fullmatch(r"\d\d:\d\d", sub.time_text)
    assert sub.zone in ZONES and sub.language in LANGUAGES and sub.cadence in CADENCES
    assert (sub.created_by, sub.created_at) == (request.user, NOW)
    assert len(after) == len({(s.platform, s.workspace, s.channel) for s in after})
    assert sub.zone in reply.plain_text()


@settings(max_examples=120, deadline=None, suppress_health_check=FIXTURES)
@given(words_=st.lists(sub_word, max_size=5), channel=st.sampled_from(["C1", "C2"]))
def test_subscribe_text_stores_a_complete_subscription_or_nothing(
    router: Router, words_: list[str], channel: str
) -> None:
    services = router.services
    request = parse(
        "/meta subscribe " + " ".join(words_),
        platform="slack",
        workspace="T1",
        channel=channel,
        user="U0ALICE001",
        can_manage_channel=True,
    )
    before = services.subscriptions.all()
    reply = asyncio.run(router.handle(request))
    assert not reply.internal_error, reply.plain_text()
    assert_complete(services, request, reply, before)


@settings(max_examples=120, deadline=None, suppress_health_check=FIXTURES)
@given(
    time=sub_word,
    zone=sub_word,
    language=st.one_of(st.none(), sub_word),
    cadence=st.one_of(st.none(), sub_word),
)
def test_subscribe_options_store_a_complete_subscription_or_nothing(
    router: Router, time: str, zone: str, language: str | None, cadence: str | None
) -> None:
    services = router.services
    options = {
        k: v
        for k, v in {"time": time, "zone": zone, "language": language, "cadence": cadence}.items()
        if v is not None
    }
    request = Request(
        command="subscribe",
        options=options,
        platform="discord",
        workspace="G1",
        channel="42",
        user="7",
        can_manage_channel=True,
    )
    before = services.subscriptions.all()
    reply = asyncio.run(router.handle(request))
    assert not reply.internal_error, reply.plain_text()
    assert_complete(services, request, reply, before)


# ---- through the real adapters ---------------------------------------------------------------


class DiscordServed:
    def __init__(self, loop: LoopThread) -> None:
        self.loop = loop
        self.fake = FakeDiscord()

    async def start(self, settings_: object) -> None:
        await self.fake.start()
        config = load_settings(
            discord_token="fake-bot-token",
            discord_api_url=self.fake.api_url,
            data_dir=Path(settings_.storage.data_dir),
        )  # type: ignore[attr-defined]
        self.adapter = DiscordAdapter(config.discord, Router(market_services(config)))
        await self.adapter.login()

    async def stop(self) -> None:
        await self.adapter.client.close()
        await self.fake.close()


@pytest.fixture
def discord_bot(settings, monkeypatch):  # type: ignore[no-untyped-def]
    monkeypatch.setattr(discord.http.Route, "BASE", discord.http.Route.BASE)
    loop = LoopThread()
    served = DiscordServed(loop)
    loop.run(served.start(settings))
    yield served
    loop.run(served.stop())
    loop.close()


discord_value = st.one_of(st.sampled_from(SPECIAL), st.text(min_size=1, max_size=120))
DISCORD_CASES = st.one_of(
    st.tuples(st.just("ask"), st.fixed_dictionaries({"question": discord_value})),
    st.tuples(st.just("insight"), st.fixed_dictionaries({"topic": discord_value})),
    st.tuples(
        st.just("subscribe"),
        st.fixed_dictionaries(
            {"time": discord_value, "zone": discord_value},
            optional={"language": discord_value, "cadence": discord_value},
        ),
    ),
    st.tuples(st.just("stock"), st.fixed_dictionaries({"range": discord_value})),
    st.tuples(st.just("unknown-sub"), st.fixed_dictionaries({"x": discord_value})),
)


@settings(max_examples=40, deadline=None, suppress_health_check=FIXTURES)
@given(case=DISCORD_CASES, locale=st.sampled_from(["en-US", "fr", "de", ""]))
def test_discord_option_values_get_an_answer_that_pings_nobody(
    discord_bot: DiscordServed,
    case: tuple[str, dict],
    locale: str,  # type: ignore[type-arg]
) -> None:
    sub, options = case
    fake = discord_bot.fake
    before = len(fake.calls)
    manager = DiscordUser(
        discord_bot.adapter.client,
        locale=locale,
        permissions=MEMBER_PERMISSIONS | MANAGE_CHANNELS,
    )
    discord_bot.loop.run(manager.command(sub, **options))
    new = fake.calls[before:]
    answers = [c for c in new if c.path.endswith("/callback") or "/webhooks/" in c.path]
    assert answers, f"no answer to /meta {sub} {options}"
    sent = [c for c in fake.messages_sent() if c in new]
    assert sent, [c.json for c in answers]
    for call in sent:
        message = call.message
        assert message["allowed_mentions"] == {"parse": []}
        for text in _strings({k: v for k, v in message.items() if k != "allowed_mentions"}):
            assert not MASS_PING.search(text), text[:200]
        assert "Traceback" not in json.dumps(message)


@pytest.fixture
def slack_bot(settings):  # type: ignore[no-untyped-def]
    loop = LoopThread()
    served = Served(loop)
    loop.run(served.start())
    yield served
    loop.run(served.stop())
    loop.close()


@pytest.mark.slow
@settings(max_examples=25, deadline=None, suppress_health_check=FIXTURES)
@given(
    command=st.sampled_from([c for c in COMMAND_NAMES if c not in ("stock", "brief")]),
    text=chat_text,
)
def test_slack_command_text_is_acknowledged_safely(
    slack_bot: Served, command: str, text: str
) -> None:
    assume("\x00" not in text)  # Slack itself never sends a NUL
    api: FakeSlack = slack_bot.api
    before = len(api.calls)
    body = slack_bot.user.command_body(f"/meta {command} {text}")
    from tests.test_fault_signing import headers, now, sign

    stamp = now()
    status, raw = slack_bot.post(body, headers(sign(body, stamp), stamp))
    assert status == 200
    ack = json.loads(raw) if raw else {}
    assert not MENTION.search(raw), raw[:300]
    assert visible_text(ack).strip() or raw == ""  # a reply, or an empty ack before a public post
    slack_bot.loop.run(asyncio.sleep(0.05))
    for call in api.calls[before:]:
        assert not MENTION.search(json.dumps(call.params, ensure_ascii=False))


# ---- CSV price files -------------------------------------------------------------------------

HEADER = "Date,Open,High,Low,Close,Adj Close,Volume"
cell = st.one_of(
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
    st.integers(-(10**20), 10**20).map(str),
    st.sampled_from(
        [
            "",
            "n/a",
            "nan",
            "inf",
            "-inf",
            "1e400",
            "0",
            "-0",
            "1,5",
            " 12.5 ",
            "0x10",
            "١٢٣",
            "1_000",
            "NaN",
            "null",
            '"3"',
            "4.2e-320",
        ]
    ),
)
date_cell = st.one_of(
    st.dates(dt.date(1900, 1, 1), dt.date(2100, 1, 1)).map(dt.date.isoformat),
    st.sampled_from(
        [
            "2024-02-30",
            "2024-13-01",
            "13/03/2024",
            "",
            "2024-03-13 00:00:00-04:00",
            "2024-03-13T00:00",
            "0000-01-01",
            "+2024-01-01",
            "2024-03-1\u0663",
        ]
    ),
)
row = st.tuples(date_cell, cell, cell, cell, cell, cell, cell).map(",".join)
csv_text = st.one_of(
    st.lists(row, max_size=8).map(lambda rows: "\n".join([HEADER, *rows]) + "\n"),
    st.text(max_size=400),
    st.lists(st.text(string.printable, max_size=30), max_size=6).map("\n".join),
)


@settings(max_examples=200, deadline=None, suppress_health_check=FIXTURES)
@given(
    content=st.one_of(
        csv_text.map(lambda t: t.encode("utf-8", "surrogatepass")), st.binary(max_size=300)
    )
)
def test_any_price_file_gives_bars_or_a_market_data_error(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "META.csv"
    path.write_bytes(content)
    try:
        series = read_bars_csv(path, "META")
    except MarketDataError as error:
        message = str(error)
        assert message.startswith("META.csv: ") and "\n" not in message
        return
    dates = [bar.date for bar in series.bars]
    assert dates == sorted(set(dates)) and dates


well_formed = st.lists(
    st.tuples(st.floats(0.01, 1e6), st.floats(0.01, 1e6), st.integers(0, 10**12)),
    min_size=1,
    max_size=30,
)


@pytest.mark.slow
@settings(max_examples=15, deadline=None, suppress_health_check=FIXTURES)
@given(rows=well_formed, command=st.sampled_from(["stock 1y", "stock 5d", "brief", "stock ytd"]))
def test_any_accepted_price_file_gives_a_briefing_not_a_crash(
    tmp_path: Path, rows: list[tuple[float, float, int]], command: str
) -> None:
    """A file read_bars_csv accepts (here: positive prices, any count of rows) is something the
    bot can brief on: figures or "–", never the internal-error apology."""
    start = dt.date(2024, 7, 30) - dt.timedelta(days=len(rows) - 1)
    lines = [HEADER] + [
        f"{start + dt.timedelta(days=n)},{o},{max(o, c)},{min(o, c)},{c},{c},{v}"
        for n, (o, c, v) in enumerate(rows)
    ]
    path = tmp_path / "prices.csv"
    path.write_text("\n".join(lines) + "\n")
    config = load_settings(data_dir=tmp_path / "data")
    services = Services(config, clock=lambda: NOW, rng=random.Random(7), price_files={"META": path})
    reply = asyncio.run(Router(services).handle(parse(f"/meta {command}", can_manage_channel=True)))
    assert reply.ok and not reply.internal_error, reply.plain_text()


# ---- settings --------------------------------------------------------------------------------

SETTINGS_VARS = [
    "PORT",
    "DEFAULT_LANGUAGE",
    "LOG_LEVEL",
    "LOG_FORMAT",
    "COMPANY_SYMBOL",
    "BENCHMARK_SYMBOL",
    "PEER_SYMBOLS",
    "MARKET_CACHE_TTL_OPEN",
    "MARKET_CACHE_TTL_CLOSED",
    "MARKET_FETCH_TIMEOUT",
    "MARKET_BACKOFF_SECONDS",
    "DELIVERY_GRACE_HOURS",
    "SHUTDOWN_TIMEOUT",
    "SLACK_MODE",
    "SLACK_API_URL",
    "DISCORD_API_URL",
    "DISCORD_GATEWAY_URL",
    "DISCORD_SHARDED",
    "SLACK_BOT_TOKEN",
    "DISCORD_TOKEN",
    "BRIEFING_ADMINS",
    "DATABASE_URL",
    "LLM_TIMEOUT",
]
env_value = st.text(
    st.characters(blacklist_categories=["Cs"], blacklist_characters="\x00"), min_size=1, max_size=40
)
MARK = "Qz7\u2e2e"  # text no message of ours contains


@settings(max_examples=200, deadline=None, suppress_health_check=FIXTURES)
@given(
    values=st.dictionaries(
        st.sampled_from(SETTINGS_VARS), st.tuples(env_value, st.booleans()), min_size=1, max_size=4
    )
)
def test_any_setting_value_loads_or_is_a_safe_settings_error(
    isolated_env: Path, values: dict[str, tuple[str, bool]]
) -> None:
    env = {
        name: (value + MARK + value if marked else value)
        for name, (value, marked) in values.items()
    }
    saved = {name: os.environ.get(name) for name in env}
    os.environ.update(env)
    try:
        load_settings()
    except SettingsError as error:
        message = str(error)
        assert "\n" not in message and message.startswith("invalid setting ")
        assert MARK not in message
        for name, (value, marked) in values.items():
            if marked:
                assert env[name] not in message
                assert not (len(value.strip()) >= 6 and value in message), (name, value, message)
    finally:
        for name, old in saved.items():
            if old is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = old


@settings(max_examples=100, deadline=None, suppress_health_check=FIXTURES)
@given(
    content=st.lists(
        st.one_of(
            st.tuples(st.sampled_from(SETTINGS_VARS), env_value).map(lambda kv: f"{kv[0]}={kv[1]}"),
            st.text(st.characters(blacklist_categories=["Cs"]), max_size=40),
        ),
        max_size=6,
    ).map("\n".join)
)
def test_any_dotenv_text_loads_or_is_a_safe_settings_error(
    isolated_env: Path, content: str
) -> None:
    """A .env file of any (UTF-8) text. Bytes that are not UTF-8: tests/pending_fault_bugs.py."""
    (isolated_env / ".env").write_text(content, encoding="utf-8")
    saved = dict(os.environ)
    try:
        load_settings()
    except SettingsError as error:
        assert str(error).startswith("invalid setting ") and "\n" not in str(error)
    finally:
        os.environ.clear()
        os.environ.update(saved)
