"""The real bot as a process: replicas on PostgreSQL, SIGKILL of the leader, SIGTERM mid fan-out,
/metrics, secrets kept out of the logs, and `doctor`."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import subprocess
import sys

import pytest
import sqlalchemy as sa

from tests.harness import ROOT
from tests.harness.bot_process import BotProcess, bot_env, due_subscriptions, top_level_posts
from tests.harness.delivery import META
from tests.harness.slack import (
    BOT_TOKEN,
    SIGNING_SECRET,
    FakeSlack,
    Scripted,
    SlackUser,
    connection_reset,
)

pytestmark = pytest.mark.process  # every test runs `python -m bot` (run or doctor)


def claim_owners(database_url: str) -> set[str]:
    engine = sa.create_engine(database_url)
    with engine.connect() as conn:
        owners = set(conn.execute(sa.text("SELECT DISTINCT claimed_by FROM deliveries")).scalars())
    engine.dispose()
    return owners - {None}


def states(database_url: str) -> dict[str, int]:
    engine = sa.create_engine(database_url)
    with engine.connect() as conn:
        rows = conn.execute(sa.text("SELECT state, count(*) FROM deliveries GROUP BY state")).all()
    engine.dispose()
    return dict(rows)


@pytest.mark.postgres
async def test_two_replicas_on_postgres_survive_the_leader_being_killed(postgres_url, tmp_path):
    channels = 80
    async with FakeSlack() as api:
        api.latency = 0.05
        # A Marketplace app: the leader and then the survivor read history for each post whose
        # answer was lost, a turn every 1.2 s (tests/test_slack_exactly_once.py keeps the
        # one-a-minute rule of other apps).
        api.marketplace = True
        listed = {"SLACK_MARKETPLACE_APP": "yes"}
        # After 10 posts, 10 answers lost: half of those posts went out, half did not.
        lost = [connection_reset("after" if n % 2 else "before") for n in range(10)]
        api.script("chat.postMessage", *[Scripted()] * 10, *lost)
        due_subscriptions(postgres_url, tmp_path / "a", channels)
        first = await BotProcess(bot_env(api, tmp_path / "a", postgres_url, **listed)).start()
        second = await BotProcess(bot_env(api, tmp_path / "b", postgres_url, **listed)).start()
        try:
            await api.wait_for("conversations.history", 1, timeout=60)
            owners = claim_owners(postgres_url)
            assert len(owners) == 1, owners  # one leader runs the fan-out
            leader_pid = int(owners.pop().rpartition(":")[2])
            leader = first if first.pid == leader_pid else second
            await leader.stop(signal.SIGKILL)  # while it checks its lost answers
            # The survivor checks in history the posts left `sending`, then posts the rest.
            everywhere = lambda: len(top_level_posts(api)) == channels  # noqa: E731
            await api.wait_until(everywhere, "a briefing in every channel", timeout=120)
            await asyncio.sleep(1.5)  # a little longer: nothing more may be posted
        finally:
            for bot in (first, second):
                if bot.process and bot.process.returncode is None:
                    await bot.stop(signal.SIGTERM)
        assert top_level_posts(api) == {f"C{n:05}": 1 for n in range(channels)}
        recorded = states(postgres_url)
        # Posts whose outcome is unknown stay `sending` until Slack's history confirms them:
        # never posted again meanwhile.
        assert recorded.get("delivered", 0) + recorded.get("sending", 0) == channels, recorded
        assert "claimed" not in recorded and "failed" not in recorded


async def test_sigterm_mid_fan_out_exits_cleanly_and_a_restart_finishes(tmp_path):
    channels = 200  # more than the fan-out posts at once: it is mid-way at the signal
    async with FakeSlack() as api:
        api.latency = 0.5
        due_subscriptions("", tmp_path, channels)
        env = bot_env(api, tmp_path, LOG_FORMAT="json", SHUTDOWN_TIMEOUT="10")
        bot = await BotProcess(env).start()
        await api.wait_for("chat.postMessage", 5, timeout=60)
        code, stderr = await bot.stop(signal.SIGTERM, timeout=20)
        assert code == 0
        database = f"sqlite:///{tmp_path / 'bot.db'}"
        assert "claimed" not in states(database)  # finished or handed back, never half-done
        assert 0 < sum(top_level_posts(api).values()) < channels
        restarted = await BotProcess(bot_env(api, tmp_path)).start()
        try:
            await api.wait_for("chat.postMessage", channels, timeout=60)
            await asyncio.sleep(1.5)
        finally:
            await restarted.stop(signal.SIGTERM)
        assert top_level_posts(api) == {f"C{n:05}": 1 for n in range(channels)}
        logs = stderr + (tmp_path / "bot.log").read_text()
        assert BOT_TOKEN not in logs and SIGNING_SECRET not in logs
        for line in stderr.splitlines():
            json.loads(line)  # LOG_FORMAT=json: every line is a JSON object


async def test_metrics_after_a_few_commands(tmp_path):
    async with FakeSlack() as api:
        bot = await BotProcess(bot_env(api, tmp_path)).start()
        try:
            user = SlackUser(bot.url + "/slack/events", api)
            assert (await user.command("/meta ask What does LLaMA stand for?")).status == 200
            assert (await user.command("/meta help")).status == 200
            assert (await user.command("/meta dance")).status == 200
            status, text = await bot.get("/metrics")
        finally:
            await bot.stop(signal.SIGTERM)
    assert status == 200
    assert 'meta_bot_commands_total{command="ask",outcome="ok",platform="slack"} 1.0' in text
    assert (
        'meta_bot_commands_total{command="unknown",outcome="unknown",platform="slack"} 1.0' in text
    )
    assert "meta_bot_command_seconds_bucket" in text
    assert 'meta_bot_deliveries{state="delivered"}' in text
    assert "meta_bot_market_fetches_total" in text


def test_doctor_names_a_bad_token_and_an_unreachable_database(tmp_path):
    async def run_doctor():
        async with FakeSlack() as api:
            env = bot_env(
                api,
                tmp_path,
                "postgresql+psycopg://u:secret-pw@127.0.0.1:1/none",
                SLACK_BOT_TOKEN="xoxb-wrong-token",
            )
            process = await asyncio.create_subprocess_exec(
                sys.executable,
                "-m",
                "bot",
                "doctor",
                env=env,
                cwd=ROOT,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
            )
            out, err = await process.communicate()
            return process.returncode, out.decode(), err.decode()

    code, out, err = asyncio.run(run_doctor())
    assert code == 1
    assert "FAIL database: postgresql+psycopg://u:***@127.0.0.1:1/none unreachable" in out
    assert "FAIL slack: auth.test failed: invalid_auth" in out
    assert "secret-pw" not in out + err and "xoxb-wrong-token" not in out + err
    assert "ok   data folder" in out


def test_doctor_names_a_missing_token(tmp_path):
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "DATA_DIR": str(tmp_path),
        "SLACK_SIGNING_SECRET": "a-signing-secret-value",
        "MARKET_DATA_FILE": str(META),
    }
    env.pop("SLACK_BOT_TOKEN", None)
    result = subprocess.run(
        [sys.executable, "-m", "bot", "doctor"],
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
        timeout=60,
    )
    assert result.returncode == 1
    assert "FAIL slack: SLACK_BOT_TOKEN is missing (SLACK_SIGNING_SECRET is set)" in result.stdout
    assert "a-signing-secret-value" not in result.stdout + result.stderr
