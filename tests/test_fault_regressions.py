"""Six bugs the fault suite found, each fixed, each kept here as its regression test.

1. Slack: auth.test ran lazily, inside the 3-second acknowledgement of the first command
   (now the adapter authorizes from its token, and calls auth.test once at start).
2. Slack: a briefing whose chat.postMessage answer was lost was posted twice (now no blind
   retry of a dropped connection: the channel is checked for the delivery id first).
3. Slack HTTP mode: a malformed request (timestamp not a number, body not UTF-8) got a 500
   (now a 401 before Bolt sees it).
4. A price file with an absurd (finite) price crashed `stock` and `brief` (now the file is
   refused with one line, and a chart that fails is left out rather than failing the reply).
5. DELIVERY_GRACE_HOURS=inf (or 1e300) loaded, then every delivery pass died (now bounded).
6. A .env file that is not UTF-8 stopped the start with a traceback (now a SettingsError).
"""

from __future__ import annotations

import asyncio
import datetime as dt
import os
import random
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from commands.router import Router, parse
from commands.services import Services
from config import SettingsError, load_settings
from tests.harness.clock import FakeClock
from tests.harness.delivery import deliveries, make_services, posts, subscribe, utc
from tests.harness.slack import FakeSlack, SlackUser, connection_reset, default, server_error, slow
from tests.test_fault_signing import Served, headers, now, served, sign  # noqa: F401 (fixture)
from tests.test_fault_slack import (  # noqa: F401 (fixtures)
    ACK_WINDOW,
    AT,
    CHANNEL,
    alice,
    api,
    bot,
    slack_deliveries,
    timed,
)

# ---- 1. auth.test inside the ack window (-> tests/test_fault_slack.py) ------------------------


async def test_a_slow_slack_api_at_the_first_command_does_not_delay_the_ack(
    alice: SlackUser,  # noqa: F811
    api: FakeSlack,  # noqa: F811
) -> None:
    """slack-bolt's AsyncApp calls auth.test on the first request it handles, before the
    listener can ack: a Slack API answering in 4 s makes the first `/meta help` after a start
    answer in 4 s, beyond Slack's 3 s (the person sees "operation_timeout")."""
    api.script("auth.test", slow(4.0))
    seconds, ack = await timed(alice.command("/meta help"))
    assert ack.status == 200
    assert seconds < ACK_WINDOW  # fails: ~4.0 s


async def test_a_slack_outage_at_the_first_command_is_not_a_reinstall_message(
    alice: SlackUser,  # noqa: F811
    api: FakeSlack,  # noqa: F811
) -> None:
    """Same cause: when auth.test fails (Slack 500s), bolt answers the command with ":warning:
    ... your installation with this app is no longer available. Please reinstall this app",
    after its retries (~2.6 s), instead of the bot answering `/meta help`."""
    api.script("auth.test", *[server_error(500)] * 3)
    seconds, ack = await timed(alice.command("/meta help"))
    assert "reinstall" not in ack.body
    assert "Meta AI strategy briefings" in ack.text  # fails: the reinstall message
    assert seconds < ACK_WINDOW


# ---- 2. a lost answer means a second post (-> tests/test_fault_slack.py) -----------------------


async def test_a_lost_answer_to_chat_post_message_does_not_post_the_briefing_twice(
    api: FakeSlack,  # noqa: F811
    settings,
) -> None:
    """Slack posts the message, then the connection drops before the answer arrives. slack_sdk's
    AsyncConnectionErrorRetryHandler sends chat.postMessage again (and without it the scheduler's
    retry would): the channel gets the briefing twice, although each post carries the delivery
    id in its metadata and the adapter has find_delivery to look for it."""
    runner, services = slack_deliveries(api, settings)
    api.script("chat.postMessage", connection_reset("after"), default())
    report = await runner.deliver_due(AT)
    # Uninvited: the history read is refused, so the bot joins and checks at the next sweep.
    services.clock.advance(minutes=1)  # type: ignore[attr-defined]
    later = await runner.deliver_due(AT + dt.timedelta(minutes=1))
    assert len(report.delivered) + len(later.delivered) == 1
    assert len(api.messages[CHANNEL]) == 1  # fails: 2


# ---- 3. malformed requests get a 500 (-> tests/test_fault_signing.py) --------------------------


@pytest.mark.parametrize("timestamp", ["", "abc", "1e9", "12:00", " 1700000000x"])
def test_a_timestamp_that_is_not_a_number_is_a_401(served: Served, timestamp: str) -> None:  # noqa: F811
    """slack_sdk's SignatureVerifier.is_valid does `int(timestamp)` unguarded; the ValueError
    escapes bolt's verification middleware: HTTP 500 and an ERROR log ("unhandled error in a
    listener: connection_error (ValueError)") for what is only a forged request."""
    body = served.user.command_body("/meta brief share")
    status, _ = served.post(body, headers("v0=" + "0" * 64, timestamp))
    assert status == 401  # fails: 500
    served.nothing_ran()


def test_a_body_that_is_not_utf8_is_refused_with_a_401(served: Served) -> None:  # noqa: F811
    """to_bolt_request does `await request.text()`: bytes that are not UTF-8 raise
    UnicodeDecodeError before any verification: HTTP 500 and a traceback in the log."""
    body = served.user.command_body("/meta brief share").encode() + b"&text=\xff\xfe"
    stamp = now()
    status, _ = served.post(body, headers(sign(body, stamp), stamp))
    assert status in (400, 401)  # fails: 500
    served.nothing_ran()


# ---- 4. absurd prices crash the chart (-> tests/test_fault_input.py) ---------------------------

HEADER = "Date,Open,High,Low,Close,Adj Close,Volume"


def _stock(tmp_path: Path, closes: list[float], command: str = "stock 5d"):  # type: ignore[no-untyped-def]
    start = dt.date(2024, 7, 30) - dt.timedelta(days=len(closes) - 1)
    lines = [HEADER] + [
        f"{start + dt.timedelta(days=n)},{c},{c},{c},{c},{c},100" for n, c in enumerate(closes)
    ]
    path = tmp_path / "prices.csv"
    path.write_text("\n".join(lines) + "\n")
    config = load_settings(data_dir=tmp_path / "data")
    now_ = dt.datetime(2024, 7, 31, 14, 0, tzinfo=dt.UTC)
    services = Services(
        config, clock=lambda: now_, rng=random.Random(7), price_files={"META": path}
    )
    return asyncio.run(Router(services).handle(parse(f"/meta {command}", can_manage_channel=True)))


@pytest.mark.parametrize("command", ["stock 5d", "brief"])
def test_a_price_file_with_an_absurd_price_is_a_clear_answer_not_a_crash(tmp_path, command):
    """read_bars_csv accepts any finite number. From about 1e26 Babel's format_decimal raises
    decimal.InvalidOperation (28-digit context) formatting the close; at 1e308 matplotlib's
    tick locator raises ValueError ("arange: cannot compute length") in render_chart. Either
    way `stock`/`brief` answer "Sorry, something went wrong on my side" (and a scheduled
    briefing from MARKET_DATA_FILE fails its whole pass in _reply_for)."""
    reply = _stock(tmp_path, [1.0, 2.0, 1e308], command)
    assert not reply.internal_error, reply.plain_text()  # fails
    assert "1e308" in reply.plain_text() or not reply.ok


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(closes=st.lists(st.floats(min_value=1e-300, max_value=1e308), min_size=1, max_size=10))
def test_any_positive_finite_prices_give_a_briefing_or_a_clear_error(tmp_path, closes):
    reply = _stock(tmp_path, closes)
    assert not reply.internal_error, reply.plain_text()


# ---- 5. a grace period that overflows (-> tests/test_fault_input.py) ---------------------------


@pytest.mark.parametrize("value", ["inf", "1e300"])
def test_a_grace_period_too_big_to_use_is_refused_at_start(monkeypatch, settings, value):
    """DELIVERY_GRACE_HOURS has only `ge=0`: "inf" and "1e300" load, then
    `timedelta(hours=...)` raises OverflowError in every delivery pass (and in
    BriefingScheduler.start, for misfire_grace_time): nothing is ever delivered. The README
    promises that a bad value stops the start with one line naming the variable."""
    monkeypatch.setenv("DELIVERY_GRACE_HOURS", value)
    try:
        loaded = load_settings()
    except SettingsError as error:
        assert "DELIVERY_GRACE_HOURS" in str(error)
        return
    clock = FakeClock(utc(2026, 11, 30, 7, 31))
    services = make_services(loaded, clock)
    subscribe(services, "c", "08:30", "Europe/Paris")
    report = asyncio.run(
        deliveries(services, loaded).deliver_due(clock.now)
    )  # fails: OverflowError
    assert len(report.delivered) == 1 and len(posts(loaded)) == 1


# ---- 6. a .env that is not UTF-8 (-> tests/test_fault_input.py) --------------------------------


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(content=st.binary(max_size=200))
def test_any_dotenv_file_loads_or_is_a_settings_error(isolated_env: Path, content: bytes) -> None:
    """load_settings lets python-dotenv's UnicodeDecodeError through: `python -m bot run` with a
    .env saved in Latin-1 stops with a traceback (e.g. b"PORT=\\xff80")."""
    (isolated_env / ".env").write_bytes(content if content else b"PORT=\xff80\n")
    saved = dict(os.environ)
    try:
        load_settings()
    except SettingsError as error:
        assert ".env" in str(error) or "invalid setting" in str(error)
    finally:
        os.environ.clear()
        os.environ.update(saved)


def test_a_latin1_dotenv_file_is_a_settings_error(isolated_env: Path) -> None:
    (isolated_env / ".env").write_bytes(
        "DEFAULT_LANGUAGE=fr\nBRIEFING_ADMINS=Zoé\n".encode("latin-1")
    )
    with pytest.raises(SettingsError):  # fails: UnicodeDecodeError
        load_settings()
