"""The Slack Home tab: `app_home_opened` (a signed `event_callback`) publishes the workspace's
briefings with `views.publish`; Pause/Resume (signed `block_actions`) change them and publish
again; read back from the fake Slack."""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator

import pytest

from commands.router import Router
from tests.harness.slack import FakeSlack, SlackUser, send_event
from tests.harness.slack_bot import market_services, slack_settings, start_bot


async def serve(api: FakeSlack, **overrides: object) -> AsyncIterator[tuple[SlackUser, Router]]:
    router = Router(market_services(slack_settings(api, **overrides)))
    adapter, runner, url = await start_bot(api, router)
    yield SlackUser(url + "/slack/events", api), router
    await adapter.stop()
    await runner.cleanup()


@pytest.fixture
async def alice(api: FakeSlack) -> AsyncIterator[tuple[SlackUser, Router]]:
    async for served in serve(api):
        yield served


@pytest.fixture
async def admins_only(api: FakeSlack) -> AsyncIterator[tuple[SlackUser, Router]]:
    async for served in serve(api, briefing_admins="U0BOSS0001"):
        yield served


async def open_home(user: SlackUser, api: FakeSlack, count: int = 1) -> dict:
    await send_event(
        user,
        {
            "type": "app_home_opened",
            "user": user.user_id,
            "channel": "D0ALICEDM1",
            "tab": "home",
            "event_ts": "1.1",
        },
    )
    await api.wait_for("views.publish", count)
    return api.views[user.user_id]


def texts(view: dict) -> str:
    parts = []
    for block in view["blocks"]:
        if isinstance(block.get("text"), dict):
            parts.append(block["text"]["text"])
        parts += [
            e.get("text", "") for e in block.get("elements", []) if isinstance(e.get("text"), str)
        ]
    return "\n".join(parts)


def accessories(view: dict) -> list[dict]:
    return [b["accessory"] for b in view["blocks"] if "accessory" in b]


async def test_the_home_tab_lists_briefings_and_pause_resume_them(
    alice: tuple[SlackUser, Router], api: FakeSlack
) -> None:
    user, router = alice
    await user.command("/meta subscribe 08:30 Europe/Paris fr")
    view = await open_home(user, api)
    shown = texts(view)
    assert "<#C0GENERAL1> · 08:30 Europe/Paris · French · on US market trading days" in shown
    assert "Next post: " in shown and "Last: not yet" in shown
    assert "How to use" in shown and "/meta ask" in shown
    (pause,) = accessories(view)
    assert pause["action_id"] == "meta_home_pause"

    await user.press(pause)
    await api.wait_for("views.publish", 2)
    sub = router.services.subscriptions.get("slack", user.team_id, "C0GENERAL1")
    assert sub is not None and sub.paused_reason == "paused by U0ALICE001"
    paused = api.views[user.user_id]
    assert "Paused: paused by U0ALICE001" in texts(paused)
    (resume,) = accessories(paused)
    assert resume["action_id"] == "meta_home_resume"

    await user.press(resume)
    await api.wait_for("views.publish", 3)
    sub = router.services.subscriptions.get("slack", user.team_id, "C0GENERAL1")
    assert sub is not None and sub.paused_reason is None


async def test_no_pause_button_for_someone_not_allowed(
    admins_only: tuple[SlackUser, Router], api: FakeSlack
) -> None:
    user, router = admins_only
    router.services.subscriptions.save(
        "slack",
        user.team_id,
        "C0GENERAL1",
        dt.time(8, 30),
        "UTC",
        "en",
        "daily",
        "U0BOSS0001",
        dt.datetime(2024, 7, 1, tzinfo=dt.UTC),
    )
    view = await open_home(user, api)
    assert "<#C0GENERAL1>" in texts(view)
    assert accessories(view) == []
    forged = {
        "action_id": "meta_home_pause",
        "text": {"type": "plain_text", "text": "x"},
        "value": "1",
    }
    await user.press(forged)
    await api.wait_for("views.publish", 2)
    sub = router.services.subscriptions.get("slack", user.team_id, "C0GENERAL1")
    assert sub is not None and sub.paused_reason is None  # refused: not an admin


async def test_an_empty_workspace_says_how_to_start(
    alice: tuple[SlackUser, Router], api: FakeSlack
) -> None:
    view = await open_home(alice[0], api)
    assert "No channel has a briefing yet" in texts(view)
