"""The database misbehaving under a running bot, through Slack's real HTTP path: another
process holding SQLite's write lock, the file deleted, a read-only database, a full disk, a
corrupt file. What must hold: quick commands are acknowledged within Slack's 3 seconds and say
"busy" rather than hang; `/healthz` keeps answering, and turns 503 with one line naming the
file and the fix on a fault; nothing says "Subscribed" that was not stored."""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import logging
import signal
import socket
import sqlite3
import subprocess
import sys
import time
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import aiohttp
import pytest
import sqlalchemy as sa

from bot.app import BotRunner
from commands.services import Services
from config import Settings, load_settings
from tests.harness import DATA, ROOT
from tests.harness.bot_process import BotProcess, bot_env
from tests.harness.chat import Chat
from tests.harness.slack import BOT_TOKEN, SIGNING_SECRET, FakeSlack, SlackUser

ACK_WINDOW = 3.0  # Slack shows "operation_timeout" to the person after this
BUSY = "I'm busy right now"
FAILING = "My storage is failing"


@pytest.fixture
async def api() -> AsyncIterator[FakeSlack]:
    async with FakeSlack() as fake:
        yield fake


async def timed(coro) -> tuple[float, object]:  # type: ignore[no-untyped-def]
    """How long `coro` took, and its result (a hang fails the test after 40 s)."""
    started = time.monotonic()
    result = await asyncio.wait_for(coro, 40)
    return time.monotonic() - started, result


def subscribed_channels(database: Path) -> set[str]:
    with contextlib.closing(sqlite3.connect(database)) as conn:
        return {row[0] for row in conn.execute("SELECT channel FROM subscriptions")}


@contextlib.contextmanager
def exclusive_lock(database: Path) -> Iterator[None]:
    """Another process's writer (an operator's `deliver-due`, a migration): BEGIN EXCLUSIVE."""
    conn = sqlite3.connect(database, isolation_level=None, timeout=30)
    conn.execute("BEGIN EXCLUSIVE")
    try:
        yield
    finally:
        conn.execute("COMMIT")
        conn.close()


async def healthz(url: str) -> tuple[int, dict[str, object]]:
    async with aiohttp.ClientSession() as session, session.get(url + "/healthz") as response:
        return response.status, await response.json()


# ---- another writer holds SQLite ------------------------------------------------------------


@pytest.mark.process
async def test_quick_commands_are_answered_while_another_process_holds_the_database(
    api: FakeSlack, tmp_path: Path
) -> None:
    data = tmp_path / "data"
    bot = await BotProcess(bot_env(api, data)).start()
    try:
        alice = SlackUser(bot.url + "/slack/events", api)
        await alice.command("/meta help")  # auth.test, first imports
        database = data / "bot.db"
        with exclusive_lock(database):
            bob = SlackUser(bot.url + "/slack/events", api, user_id="U0BOB00001")
            carol = SlackUser(bot.url + "/slack/events", api, user_id="U0CAROL001")
            results = await asyncio.gather(
                timed(alice.command("/meta subscribe 08:30 Europe/Paris")),
                timed(bob.command("/meta help")),
                timed(carol.command("/meta insight")),
                timed(bob.command("/meta topics")),
                timed(healthz(bot.url)),
            )
            still_locked = await timed(bob.command("/meta help"))  # the bot is still with us
        (subscribe, help_, insight, topics, health) = [r[1] for r in results]
        assert all(seconds < ACK_WINDOW for seconds, _ in [*results, still_locked])
        assert BUSY in subscribe.text and "Subscribed" not in subscribe.text  # type: ignore[attr-defined]
        assert "/meta ask" in help_.text  # type: ignore[attr-defined]
        assert insight.text.startswith("Insight")  # type: ignore[attr-defined]
        assert "Reality Labs" in topics.text  # type: ignore[attr-defined]
        assert health == (200, health[1]) and health[1]["storage"] == "ok"  # type: ignore[index]
        assert subscribed_channels(database) == set()  # it said busy: nothing was stored
        assert not any("Subscribed" in str(r) for r in api.responses())  # nor later
        again = await alice.command("/meta subscribe 08:30 Europe/Paris")
        assert "Subscribed" in again.text
        assert subscribed_channels(database) == {"C0GENERAL1"}
    finally:
        await bot.stop(signal.SIGTERM)


# ---- the file deleted under a running bot ---------------------------------------------------


@pytest.mark.process
async def test_a_database_deleted_while_running_is_reported_and_nothing_claims_success(
    api: FakeSlack, tmp_path: Path
) -> None:
    data = tmp_path / "data"
    env = bot_env(api, data)
    bot = await BotProcess(env).start()
    database = data / "bot.db"
    try:
        alice = SlackUser(bot.url + "/slack/events", api)
        assert "Subscribed" in (await alice.command("/meta subscribe 08:30 Europe/Paris")).text
        for suffix in ("", "-wal", "-shm"):
            Path(f"{database}{suffix}").unlink(missing_ok=True)
        bob = SlackUser(bot.url + "/slack/events", api, channel_id="C0OTHER001")
        seconds, ack = await timed(bob.command("/meta subscribe 09:00 Europe/Paris"))
        assert seconds < ACK_WINDOW
        assert FAILING in ack.text and "Subscribed" not in ack.text  # type: ignore[attr-defined]
        status, body = await healthz(bot.url)
        assert status == 503 and str(database) in str(body["storage"])
        assert "restart" in str(body["storage"])
        await bob.command("/meta schedule")  # more refused calls: still one line in the log
    finally:
        _code, stderr = await bot.stop(signal.SIGTERM)
    gone = [line for line in stderr.splitlines() if f"database {database} is gone" in line]
    assert len(gone) == 1, stderr[-3000:]
    # After a restart: a fresh database, and indeed no subscription for the channel told so.
    bot = await BotProcess(env).start()
    try:
        assert (await healthz(bot.url))[0] == 200
        assert "C0OTHER001" not in subscribed_channels(database)
    finally:
        await bot.stop(signal.SIGTERM)


def test_connections_opened_after_the_deletion_refuse_and_create_no_empty_file(
    chat: Chat, settings: Settings
) -> None:
    """A pool refilling after the file went must not start an empty database in its place (a
    freed inode number is often reused at once, so the inode check alone could be fooled)."""
    assert "Subscribed" in chat.say("/meta subscribe 08:30 Europe/Paris", channel="c1")
    database = Path(settings.storage.data_dir) / "bot.db"
    for suffix in ("", "-wal", "-shm"):
        Path(f"{database}{suffix}").unlink(missing_ok=True)
    chat.services.database.engine.dispose()  # the pooled connections closed: the inode is free
    for channel in ("c2", "c3"):
        reply = chat.say("/meta subscribe 09:00 Europe/Paris", channel=channel)
        assert FAILING in reply and "Subscribed" not in reply
    assert not database.exists()


# ---- a read-only database, a full disk (in-process: SQLite's own limits) ------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
async def running(api: FakeSlack, settings: Settings) -> AsyncIterator[tuple[BotRunner, str]]:
    """BotRunner in this process on a free port, Slack over HTTP, prices from a file."""
    port = free_port()
    config = load_settings(
        slack_bot_token=BOT_TOKEN,
        slack_signing_secret=SIGNING_SECRET,
        slack_api_url=api.base_url,
        slack_mode="http",
        port=port,
    )
    now = dt.datetime(2024, 7, 31, 14, 0, tzinfo=dt.UTC)
    services = Services(config, clock=lambda: now, price_files={"META": DATA / "META.csv"})
    runner = BotRunner(config, services=services)
    await runner.start()
    try:
        yield runner, f"http://127.0.0.1:{port}"
    finally:
        await runner.stop()


def limit_connections(runner: BotRunner, *pragmas: str) -> object:
    """Every new connection of the bot's engine runs `pragmas` (the pool is emptied first)."""
    engine = runner.services.database.engine

    def apply(dbapi_connection, _record) -> None:  # type: ignore[no-untyped-def]
        for pragma in pragmas:
            dbapi_connection.execute(pragma)

    sa.event.listen(engine, "connect", apply)
    engine.dispose()
    return apply


def lift(runner: BotRunner, listener: object) -> None:
    engine = runner.services.database.engine
    sa.event.remove(engine, "connect", listener)
    engine.dispose()


def stored_after_restart(settings_dir: Path) -> set[str]:
    """What a new process would find: the file as it is on disk."""
    return subscribed_channels(settings_dir / "bot.db")


async def test_a_read_only_database_fails_the_subscribe_honestly_and_recovers(
    running: tuple[BotRunner, str], api: FakeSlack, settings: Settings, caplog
) -> None:
    runner, base = running
    alice = SlackUser(base + "/slack/events", api)
    listener = limit_connections(runner, "PRAGMA query_only=ON")  # SQLITE_READONLY on writes
    with caplog.at_level(logging.ERROR, logger="briefings.storage.guard"):
        seconds, ack = await timed(alice.command("/meta subscribe 08:30 Europe/Paris"))
    database = settings.storage.data_dir / "bot.db"
    assert seconds < ACK_WINDOW and FAILING in ack.text and "Subscribed" not in ack.text  # type: ignore[attr-defined]
    status, body = await healthz(base)
    assert status == 503 and f"database {database} is read-only" in str(body["storage"])
    assert "writable" in str(body["storage"])  # the fix
    (line,) = [r.getMessage() for r in caplog.records if str(database) in r.getMessage()]
    assert "writable" in line
    assert stored_after_restart(settings.storage.data_dir) == set()
    lift(runner, listener)
    assert "Subscribed" in (await alice.command("/meta subscribe 08:30 Europe/Paris")).text
    status, body = await healthz(base)
    assert status == 200 and body.get("storage", "ok") == "ok"
    assert stored_after_restart(settings.storage.data_dir) == {"C0GENERAL1"}


def fill_to_the_limit(database: Path) -> int:
    """Grow nothing more: cap the file at its current pages and fill their free space with
    subscription rows shaped like the test's (so the next one cannot fit either)."""
    conn = sqlite3.connect(database, isolation_level=None, timeout=30)
    pages = conn.execute("PRAGMA page_count").fetchone()[0]
    conn.execute(f"PRAGMA max_page_count={pages}")
    n = 0
    with contextlib.suppress(sqlite3.OperationalError):
        while True:
            conn.execute(
                "INSERT INTO subscriptions (platform, workspace, channel, time, zone, language,"
                " cadence, created_by, created_at) VALUES ('slack', 'T0FILLER01', ?, '08:30',"
                " 'Europe/Paris', 'en', 'trading-days', 'U0ALICE001', '2024-07-31 14:00:00')",
                (f"C0FIL{n:05d}",),
            )
            n += 1
    conn.close()
    return pages


async def test_a_full_disk_fails_the_subscribe_honestly_and_recovers(
    running: tuple[BotRunner, str], api: FakeSlack, settings: Settings
) -> None:
    runner, base = running
    alice = SlackUser(base + "/slack/events", api, team_id="T0FILLER01")
    database = settings.storage.data_dir / "bot.db"
    pages = fill_to_the_limit(database)
    listener = limit_connections(runner, f"PRAGMA max_page_count={pages}")  # SQLITE_FULL
    seconds, ack = await timed(alice.command("/meta subscribe 08:30 Europe/Paris"))
    assert seconds < ACK_WINDOW and FAILING in ack.text and "Subscribed" not in ack.text  # type: ignore[attr-defined]
    status, body = await healthz(base)
    assert status == 503 and f"database {database} cannot grow: the disk is full" in str(
        body["storage"]
    )
    assert "C0GENERAL1" not in stored_after_restart(settings.storage.data_dir)
    lift(runner, listener)  # space freed
    assert "Subscribed" in (await alice.command("/meta subscribe 08:30 Europe/Paris")).text
    assert (await healthz(base))[0] == 200
    assert "C0GENERAL1" in stored_after_restart(settings.storage.data_dir)


# ---- a corrupt file: one line from the CLI ------------------------------------------------


@pytest.mark.process
def test_a_corrupt_database_is_one_line_naming_the_file_and_the_fix(tmp_path: Path) -> None:
    data = tmp_path / "data"
    data.mkdir()
    database = data / "bot.db"
    database.write_bytes(b"this is not a database, it was overwritten by something\n" * 100)

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "bot", *args],
            cwd=tmp_path,
            env={"PATH": "/usr/bin:/bin", "PYTHONPATH": str(ROOT), "DATA_DIR": str(data)},
            capture_output=True,
            text=True,
            timeout=60,
        )

    result = run("subscriptions", "list")
    assert result.returncode == 1
    (line,) = result.stderr.splitlines()
    assert line.startswith(f"error: database {database} is corrupt")
    assert "restore a backup" in line and "Traceback" not in result.stderr
    doctor = run("doctor")
    assert doctor.returncode == 1 and str(database) not in doctor.stderr
    (check,) = [line for line in doctor.stdout.splitlines() if line.startswith("FAIL database")]
    assert f"{database} is corrupt" in check and "restore a backup" in check
