"""Slack buttons: `meta_range`, `meta_refresh`, `meta_share`, `meta_more` (`block_actions`),
and the "Check numbers" message shortcut (`meta_check_numbers`, answered privately).

Each press is acknowledged at once (Slack wants an HTTP 200 within 3 s), then answered by
changing the same message in place: an ephemeral message through the press's `response_url`
with `replace_original`, a channel message with `chat.update`; a new chart is uploaded as the
bot's own file and shown in the changed message by an image block (`slack_file`), as in posts.
Share posts the reply in the channel, as `/meta ... share` does. The request a button acts on
travels in the actions block's `block_id` (Slack sends a press on an ephemeral message without
the message itself).
"""

from __future__ import annotations

import asyncio
import logging
from typing import TYPE_CHECKING, Any

from slack_sdk.web.async_client import AsyncWebClient

from bot.adapters.slack.blocks import (
    BLOCK_ID_PREFIX,
    ephemeral_message,
    plain_message,
    public_message,
    reply_lang,
    unescape,
)
from bot.adapters.slack.posting import respond_with_charts, update_message
from chat.reply import ACTIONS
from chat.request import Request
from chat.wording import say
from commands.actions import Press, read_line
from commands.buttons import press, pressed_request
from commands.numbers import check_numbers

if TYPE_CHECKING:
    from bot.adapters.slack.adapter import SlackAdapter

log = logging.getLogger(__name__)

CHECK_NUMBERS = "meta_check_numbers"  # the message shortcut's callback id


def register(adapter: SlackAdapter) -> None:
    """Listen for every button of `chat.reply.ACTIONS` on the adapter's Bolt app."""

    async def on_press(
        ack: Any, body: dict[str, Any], respond: Any, client: AsyncWebClient
    ) -> None:
        await ack()
        await _pressed(adapter, body, respond, client)

    for action in ACTIONS:
        adapter.app.action(f"meta_{action}")(on_press)

    async def on_check_numbers(
        ack: Any, body: dict[str, Any], respond: Any, client: AsyncWebClient
    ) -> None:
        await ack()
        lang = adapter.settings.default_language
        work = _check_numbers(adapter, body, respond, client)
        adapter._spawn(work, "check numbers", respond, lang)

    adapter.app.shortcut(CHECK_NUMBERS)(on_check_numbers)


async def _check_numbers(
    adapter: SlackAdapter, body: dict[str, Any], respond: Any, client: AsyncWebClient
) -> None:
    """The message shortcut: the message's figures checked, answered to the presser alone."""
    team, channel, user = where(body)
    text = unescape(str((body.get("message") or {}).get("text") or ""))
    origin = Request(
        "check",
        platform="slack",
        workspace=team,
        channel=channel,
        user=user,
        can_manage_channel=True,
    )
    reply = await check_numbers(text, origin, adapter.router.services)
    lang = reply_lang(reply, None, adapter.settings.default_language)
    files = await adapter.charts.files_for(client, team, reply, required=False)
    message = ephemeral_message(reply, None, lang, files)
    await respond_with_charts(respond, {**message, "replace_original": False})


def where(body: dict[str, Any]) -> tuple[str, str, str]:
    """(team, channel, user) of an interaction payload."""
    user = body.get("user") or {}
    channel = (body.get("channel") or {}).get("id") or (body.get("container") or {}).get(
        "channel_id"
    )
    team = (body.get("team") or {}).get("id") or user.get("team_id")
    return str(team or ""), str(channel or ""), str(user.get("id") or "")


async def _pressed(
    adapter: SlackAdapter, body: dict[str, Any], respond: Any, client: AsyncWebClient
) -> None:
    action: dict[str, Any] = (body.get("actions") or [{}])[0]
    name = str(action.get("action_id") or "").removeprefix("meta_")
    block_id = str(action.get("block_id") or "")
    context = (
        unescape(block_id.removeprefix(BLOCK_ID_PREFIX))
        if block_id.startswith(BLOCK_ID_PREFIX)
        else ""
    )
    pressed = Press(name, unescape(str(action.get("value") or "")), context)
    team, channel, user = where(body)
    read = read_line(context)
    lang = read[2] if read else adapter.settings.default_language
    if not channel or not user:
        log.warning("slack: ignored a %s press without a channel or a user", name[:20])
        return
    origin = Request(
        "", platform="slack", workspace=team, channel=channel, user=user, can_manage_channel=True
    )
    container = body.get("container") or {}
    work = (
        _share(adapter, pressed, origin, respond, client)
        if name == "share"
        else _replace(adapter, pressed, origin, respond, client, container)
    )
    adapter._spawn(work, f"button {name}", respond, lang)


async def _share(
    adapter: SlackAdapter, pressed: Press, origin: Request, respond: Any, client: AsyncWebClient
) -> None:
    request = pressed_request(pressed, origin)
    if request is None:
        await respond(_expired(adapter, pressed))
        return
    work = asyncio.ensure_future(adapter.router.handle(request))
    await adapter._answer(request, work, respond, client, shared_by=origin.user)


async def _replace(
    adapter: SlackAdapter,
    pressed: Press,
    origin: Request,
    respond: Any,
    client: AsyncWebClient,
    container: dict[str, Any],
) -> None:
    reply = await press(adapter.router, pressed, origin)
    if reply is None:
        await respond(_expired(adapter, pressed))
        return
    request = pressed_request(pressed, origin)
    lang = reply_lang(reply, request, adapter.settings.default_language)
    if not reply.ok:  # the message stays as it was; the reason goes to the presser alone
        await respond({**adapter._ephemeral(reply, request or origin), "replace_original": False})
        return
    files = await adapter.charts.files_for(client, origin.workspace, reply, required=False)
    ts = str(container.get("message_ts") or "")
    if container.get("is_ephemeral") or not ts:
        message = (
            adapter._ephemeral(reply, request, files)
            if request
            else ephemeral_message(reply, None, lang, files)
        )
        await respond_with_charts(respond, {**message, "replace_original": True})
        return
    await update_message(client, origin.channel, ts, public_message(reply, lang, files=files))


def _expired(adapter: SlackAdapter, pressed: Press) -> dict[str, Any]:
    read = read_line(pressed.context)
    lang = read[2] if read else adapter.settings.default_language
    return {**plain_message(say("button.expired", lang)), "replace_original": False}
