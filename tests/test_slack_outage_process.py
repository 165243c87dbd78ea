"""A running bot (`python -m bot run`) while Slack misbehaves: down for longer than its client
retries and the pass's own tries (every briefing still goes out once, at a later sweep within
the grace period), and killed during the chart upload (after a restart, every briefing goes out once, with its chart)."""

from __future__ import annotations

import asyncio
import re
import signal

import pytest
import sqlalchemy as sa

from tests.harness.bot_process import BotProcess, bot_env, due_subscriptions, top_level_posts
from tests.harness.slack import FakeSlack, held, visible_text
from tests.harness.waiting import eventually

pytestmark = [pytest.mark.process, pytest.mark.slow]


async def test_a_slack_outage_during_the_fan_out_loses_no_briefing(tmp_path) -> None:
    channels = 20
    async with FakeSlack() as api:
        due_subscriptions("", tmp_path, channels)
        api.outage(status=503)  # until the pass has used its tries and the client's retries
        bot = await BotProcess(bot_env(api, tmp_path)).start()
        try:
            given_up = re.compile(
                rf"pass at .*: 0 delivered, \d+ skipped, 0 failed, {channels} to retry"
            )
            await eventually(lambda: given_up.search(bot.stderr_path.read_text()), timeout=120)
            api.restore()
            await api.wait_for("chat.postMessage", channels, timeout=120)
        except AssertionError:
            pass  # counted below
        finally:
            _code, log = await bot.stop(signal.SIGTERM, timeout=30)
        posted = top_level_posts(api)
        lost = sum(1 for n in range(channels) if not posted.get(f"C{n:05}"))
        twice = sum(1 for count in posted.values() if count > 1)
        assert (lost, twice) == (0, 0), f"{lost} of {channels} lost, {twice} posted twice"
        assert "Running job" not in log  # APScheduler's two lines a job a sweep stay out of it
        engine = sa.create_engine(f"sqlite:///{tmp_path / 'bot.db'}")
        with engine.connect() as conn:
            states = dict(
                conn.execute(sa.text("SELECT state, count(*) FROM deliveries GROUP BY state")).all()
            )
        engine.dispose()
        assert states.get("delivered") == channels, states


async def test_sigkill_during_the_chart_upload_then_a_restart_posts_each_once_with_its_chart(
    tmp_path,
) -> None:
    channels = 30
    async with FakeSlack() as api:
        due_subscriptions("", tmp_path, channels)
        api.script("upload", gate := held())  # the chart's bytes hang on their way to Slack
        bot = await BotProcess(bot_env(api, tmp_path)).start()
        await api.wait_for("files.getUploadURLExternal", timeout=60)
        await asyncio.sleep(0.5)  # the upload is in flight
        await bot.stop(signal.SIGKILL)
        gate.release()
        restarted = await BotProcess(bot_env(api, tmp_path)).start()
        try:
            await api.wait_for("chat.postMessage", channels, timeout=90)
            await asyncio.sleep(1.5)  # anything more it would post
        except AssertionError:
            pass  # counted below
        finally:
            await restarted.stop(signal.SIGTERM, timeout=30)
        posted = {f"C{n:05}": api.posted(f"C{n:05}") for n in range(channels)}
        lost = sum(1 for messages in posted.values() if not messages)
        twice = sum(1 for messages in posted.values() if len(messages) > 1)
        every = [m for messages in posted.values() for m in messages]
        chartless = sum(1 for m in every if not any(b["type"] == "image" for b in m["blocks"]))
        thread = sum(1 for m in every if "thread" in visible_text(m).lower())
        assert (lost, twice, chartless, thread) == (0, 0, 0, 0), (
            f"{lost} of {channels} lost, {twice} posted twice, {chartless} posts without their "
            f"chart, {thread} saying 'Chart in the thread'"
        )
        assert api.calls_to("conversations.history") == []  # nothing was sent: nothing to check
