"""Discord buttons: `meta_range:<range>`, `meta_refresh:<line>`, `meta_share:<line>`,
`meta_more:<passage>` custom ids, answered by changing the same message.

A press is a component interaction. Answered within `ACK_BUDGET` it gets UPDATE_MESSAGE (type
7) with the new embed; a slower one (a chart to draw) is acknowledged with
DEFERRED_UPDATE_MESSAGE (type 6) and the message edited after (`edit_original_response`). Share
posts the reply for everyone as a follow-up. The buttons are a `DynamicItem` registered on the
client, so a press is understood after a restart too; the request a range button acts on is
read from the Refresh or Share button beside it (a custom id holds 100 characters, so a long
question is cut).
"""

from __future__ import annotations

import asyncio
import logging
import re
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

import discord

from bot.adapters.discord.embeds import CONTENT_MAX, clip, error_text, neutral, render
from chat.reply import Reply
from chat.request import Request
from chat.wording import say
from commands.actions import Press, read_line
from commands.buttons import press, pressed_request
from commands.numbers import check_numbers

if TYPE_CHECKING:
    from bot.adapters.discord.adapter import DiscordAdapter

log = logging.getLogger(__name__)

TEMPLATE = r"meta_(?P<action>range|refresh|share|more):(?P<value>.*)"
CUSTOM_ID_MAX = 100
LABEL_MAX = 80
ACK_BUDGET = 2.0  # seconds a press may take before it is acknowledged and edited after
NO_MENTIONS = discord.AllowedMentions.none()
CHECK_NUMBERS = "Check numbers"  # the message context-menu command

OnPress = Callable[[discord.Interaction, str, str], Awaitable[None]]


def custom_id(action: str, value: str) -> str:
    """`meta_range:5d`, within Discord's 100 characters."""
    return f"meta_{action}:{value}"[:CUSTOM_ID_MAX]


def button_class(on_press: OnPress) -> type[discord.ui.DynamicItem[discord.ui.Button[Any]]]:
    """A DynamicItem class whose presses go to `on_press(interaction, action, value)`."""

    class MetaButton(discord.ui.DynamicItem[discord.ui.Button[Any]], template=TEMPLATE):
        def __init__(self, action: str, value: str, label: str = "…", selected: bool = False):
            style = discord.ButtonStyle.primary if selected else discord.ButtonStyle.secondary
            super().__init__(
                discord.ui.Button(
                    label=clip(label, LABEL_MAX), custom_id=custom_id(action, value), style=style
                )
            )
            self.action, self.value = action, value

        @classmethod
        async def from_custom_id(
            cls, interaction: discord.Interaction, item: discord.ui.Item[Any], match: re.Match[str]
        ) -> MetaButton:
            return cls(match["action"], match["value"])

        async def callback(self, interaction: discord.Interaction) -> None:
            await on_press(interaction, self.action, self.value)

    return MetaButton


class Components:
    """The buttons of one Discord adapter: rendered under replies, and answered."""

    def __init__(self, adapter: DiscordAdapter) -> None:
        self.adapter = adapter
        self.button: Any = button_class(self.on_press)
        adapter.client.add_dynamic_items(self.button)

    def context_menu(self) -> discord.app_commands.ContextMenu:
        """ "Check numbers" on any message: its figures checked, answered privately."""

        async def callback(interaction: discord.Interaction, message: discord.Message) -> None:
            await interaction.response.defer(ephemeral=True, thinking=True)
            origin = Request(
                "check",
                platform="discord",
                workspace=str(interaction.guild_id or "dm"),
                channel=str(interaction.channel_id),
                user=str(interaction.user.id),
                locale=str(interaction.locale),
                can_manage_channel=interaction.permissions.manage_channels,
            )
            reply = await check_numbers(message.content, origin, self.adapter.router.services)
            await interaction.followup.send(
                **render(reply).send_kwargs(), ephemeral=True, allowed_mentions=NO_MENTIONS
            )

        return discord.app_commands.ContextMenu(name=CHECK_NUMBERS, callback=callback)

    def view(self, reply: Reply, public: bool = False) -> discord.ui.View | None:
        """The reply's buttons (no Share on a message everyone sees already)."""
        actions = reply.actions
        if actions is None or not reply.ok:
            return None
        view = discord.ui.View(timeout=None)
        for b in actions.buttons:
            if not (public and b.action == "share"):
                view.add_item(self.button(b.action, b.value, b.label, b.selected))
        return view if view.children else None

    def send_extra(self, reply: Reply, public: bool = False) -> dict[str, Any]:
        """`view=` for discord.py's send methods, when the reply has buttons."""
        view = self.view(reply, public)
        return {"view": view} if view is not None else {}

    # ---- presses ---------------------------------------------------------------------------

    async def on_press(self, interaction: discord.Interaction, action: str, value: str) -> None:
        context = value if action in ("refresh", "share") else _context_of(interaction.message)
        origin = Request(
            "",
            platform="discord",
            workspace=str(interaction.guild_id or "dm"),
            channel=str(interaction.channel_id),
            user=str(interaction.user.id),
            locale=str(interaction.locale),
            can_manage_channel=interaction.permissions.manage_channels,
        )
        pressed = Press(action, value, context)
        try:
            if action == "share":
                await self._share(interaction, pressed, origin)
            else:
                await self._replace(interaction, pressed, origin)
        except discord.HTTPException as exc:
            log.warning("discord: a %s press could not be answered (%s)", action, exc.status)

    async def _replace(
        self, interaction: discord.Interaction, pressed: Press, origin: Request
    ) -> None:
        work = asyncio.ensure_future(press(self.adapter.router, pressed, origin))
        await asyncio.wait({work}, timeout=ACK_BUDGET)
        if not work.done():
            await interaction.response.defer()  # type 6: the message changes once ready
        reply = await work
        if reply is None or not reply.ok:
            await self._tell(interaction, reply, pressed)
            return
        rendered = render(reply)
        changes: dict[str, Any] = {
            "embed": rendered.embed,
            "attachments": rendered.files,
            "view": self.view(reply, public=not _ephemeral(interaction)),
        }
        if interaction.response.is_done():
            await interaction.edit_original_response(**changes, allowed_mentions=NO_MENTIONS)
        else:
            await interaction.response.edit_message(**changes, allowed_mentions=NO_MENTIONS)

    async def _share(
        self, interaction: discord.Interaction, pressed: Press, origin: Request
    ) -> None:
        await interaction.response.defer()  # type 6: the message itself stays as it is
        request = pressed_request(pressed, origin)
        reply = await self.adapter.router.handle(request) if request else None
        if reply is None or not reply.ok:
            await self._tell(interaction, reply, pressed)
            return
        rendered = render(reply)
        lang = reply.data.get("lang") if reply.data else None
        content = say(
            "slack.shared_by", lang if isinstance(lang, str) else "en", user=f"<@{origin.user}>"
        )
        await interaction.followup.send(
            content=content,
            **rendered.send_kwargs(),
            **self.send_extra(reply, public=True),
            ephemeral=False,
            allowed_mentions=NO_MENTIONS,
            wait=True,
        )

    async def _tell(
        self, interaction: discord.Interaction, reply: Reply | None, pressed: Press
    ) -> None:
        """A refusal or "this button no longer works", to the presser alone."""
        read = read_line(pressed.context)
        lang = read[2] if read else "en"
        text = error_text(reply) if reply is not None else say("button.expired", lang)
        text = clip(neutral(text), CONTENT_MAX)
        if interaction.response.is_done():
            await interaction.followup.send(text, ephemeral=True, allowed_mentions=NO_MENTIONS)
        else:
            await interaction.response.send_message(
                text, ephemeral=True, allowed_mentions=NO_MENTIONS
            )


def _ephemeral(interaction: discord.Interaction) -> bool:
    message = interaction.message
    return message is not None and message.flags.ephemeral


def _context_of(message: discord.Message | None) -> str:
    """The request line carried by the Refresh or Share button of `message`."""
    for row in message.components if message else []:
        for child in getattr(row, "children", []):
            cid = getattr(child, "custom_id", None) or ""
            for prefix in ("meta_refresh:", "meta_share:"):
                if cid.startswith(prefix):
                    return cid.removeprefix(prefix)
    return ""
