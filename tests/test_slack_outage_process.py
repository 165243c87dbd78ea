"""A running bot (`python -m bot run`) while Slack is down for longer than its client retries:
every briefing still goes out once, at a later sweep within the grace period."""

from __future__ import annotations

import signal

import pytest
import sqlalchemy as sa

from tests.harness.bot_process import BotProcess, bot_env, due_subscriptions, top_level_posts
from tests.harness.slack import FakeSlack

pytestmark = [pytest.mark.process, pytest.mark.slow]


async def test_a_slack_outage_during_the_fan_out_loses_no_briefing(tmp_path) -> None:
    channels = 20
    async with FakeSlack() as api:
        due_subscriptions("", tmp_path, channels)
        api.outage(seconds=40, status=503)  # past the client's retries and the fan-out's 3 tries
        bot = await BotProcess(bot_env(api, tmp_path)).start()
        try:
            await api.wait_for("chat.postMessage", channels, timeout=120)
        except AssertionError:
            pass  # counted below
        finally:
            await bot.stop(signal.SIGTERM, timeout=30)
        posted = top_level_posts(api)
        lost = sum(1 for n in range(channels) if not posted.get(f"C{n:05}"))
        twice = sum(1 for count in posted.values() if count > 1)
        assert (lost, twice) == (0, 0), f"{lost} of {channels} lost, {twice} posted twice"
        engine = sa.create_engine(f"sqlite:///{tmp_path / 'bot.db'}")
        with engine.connect() as conn:
            states = dict(
                conn.execute(sa.text("SELECT state, count(*) FROM deliveries GROUP BY state")).all()
            )
        engine.dispose()
        assert states.get("delivered") == channels, states
