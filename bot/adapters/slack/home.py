"""The Slack Home tab: on `app_home_opened`, `views.publish` the workspace's briefings (time,
zone, language, cadence, next post, last result, why one is paused), Pause/Resume buttons for
people allowed to change them, and a short how-to. A Pause/Resume press publishes it again."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from slack_sdk.web.async_client import AsyncWebClient

from bot.adapters.slack.blocks import escape, t
from bot.adapters.slack.interactions import where
from chat.request import Request
from chat.wording import say
from commands.home import Entry, entries, set_paused

if TYPE_CHECKING:
    from bot.adapters.slack.adapter import SlackAdapter

log = logging.getLogger(__name__)

PAUSE, RESUME = "meta_home_pause", "meta_home_resume"
MAX_ENTRIES = 40  # two blocks each, within the view's 100 blocks


def register(adapter: SlackAdapter) -> None:
    async def on_opened(body: dict[str, Any], client: AsyncWebClient) -> None:
        event = body.get("event") or {}
        if event.get("tab", "home") != "home":
            return
        user = str(event.get("user") or "")
        team = str(body.get("team_id") or "")
        adapter._spawn(publish(adapter, client, team, user), "home tab", None)

    async def on_toggle(ack: Any, body: dict[str, Any], client: AsyncWebClient) -> None:
        await ack()
        team, _channel, user = where(body)
        action = (body.get("actions") or [{}])[0]
        adapter._spawn(_toggle(adapter, client, team, user, action), "home tab button", None)

    adapter.app.event("app_home_opened")(on_opened)
    adapter.app.action(PAUSE)(on_toggle)
    adapter.app.action(RESUME)(on_toggle)


def _viewer(team: str, user: str) -> Request:
    # Slack: anyone in the workspace may change a channel's briefing; the core rule decides.
    return Request("home", platform="slack", workspace=team, user=user, can_manage_channel=True)


async def _toggle(
    adapter: SlackAdapter, client: AsyncWebClient, team: str, user: str, action: dict[str, Any]
) -> None:
    try:
        subscription_id = int(str(action.get("value") or ""))
    except ValueError:
        log.warning("slack: ignored a home tab press with an unknown value")
        return
    paused = action.get("action_id") == PAUSE
    changed = await set_paused(
        adapter.router.services, _viewer(team, user), subscription_id, paused
    )
    if not changed:
        log.info("slack: home tab %s refused for a subscription", action.get("action_id"))
    await publish(adapter, client, team, user)


async def publish(adapter: SlackAdapter, client: AsyncWebClient, team: str, user: str) -> None:
    lang = adapter.settings.default_language
    shown = await entries(adapter.router.services, _viewer(team, user), lang)
    await client.views_publish(user_id=user, view=view(shown, lang))


def _entry_blocks(entry: Entry, lang: str) -> list[dict[str, Any]]:
    text = say(
        "home.subscription",
        lang,
        channel=entry.channel,
        time=entry.time,
        zone=escape(entry.zone),
        language=entry.language,
        cadence=entry.cadence,
        next=entry.next_post,
        last=escape(entry.last),
    )
    section: dict[str, Any] = {"type": "section", "text": {"type": "mrkdwn", "text": text}}
    if entry.may_change:
        paused = entry.paused_reason is not None
        section["accessory"] = {
            "type": "button",
            "action_id": RESUME if paused else PAUSE,
            "text": {
                "type": "plain_text",
                "text": say("home.resume" if paused else "home.pause", lang),
            },
            "value": str(entry.id),
        }
    blocks = [section]
    if entry.paused_reason:
        reason = say("home.paused", lang, reason=escape(entry.paused_reason))
        blocks.append({"type": "context", "elements": [{"type": "mrkdwn", "text": reason}]})
    return blocks


def view(shown: list[Entry], lang: str) -> dict[str, Any]:
    """The Home tab view (Block Kit, `type: home`)."""
    blocks: list[dict[str, Any]] = [
        {"type": "header", "text": {"type": "plain_text", "text": say("home.title", lang)}},
        {
            "type": "section",
            "text": {"type": "mrkdwn", "text": f"*{say('home.subscriptions', lang)}*"},
        },
    ]
    if not shown:
        blocks.append(
            {"type": "section", "text": {"type": "mrkdwn", "text": say("home.none", lang)}}
        )
    for entry in shown[:MAX_ENTRIES]:
        blocks += _entry_blocks(entry, lang)
    if len(shown) > MAX_ENTRIES:
        note = t(lang, "truncated")
        blocks.append({"type": "context", "elements": [{"type": "mrkdwn", "text": note}]})
    blocks += [
        {"type": "divider"},
        {"type": "header", "text": {"type": "plain_text", "text": say("home.howto_title", lang)}},
        {"type": "section", "text": {"type": "mrkdwn", "text": say("home.howto", lang)}},
    ]
    return {"type": "home", "blocks": blocks}
