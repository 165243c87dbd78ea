"""Discord mentions and direct messages: `@meta-briefings <question>` in a channel, or any
direct message, is `ask` (or `help`), answered as a reply to the message. A reply to one of the
bot's answers is a follow-up, read with the question that answer was for.

No privileged intent is needed: Discord delivers a message's content to the bot it mentions,
and in direct messages (the `guild_messages` and `dm_messages` intents are not privileged).
"""

from __future__ import annotations

import logging
from collections import OrderedDict
from typing import TYPE_CHECKING

import discord

from bot.adapters.discord.embeds import render
from chat.request import Request
from commands.followup import answer, read_follow_up, without_mentions

if TYPE_CHECKING:
    from bot.adapters.discord.adapter import DiscordAdapter

log = logging.getLogger(__name__)

REMEMBERED = 1000  # answers whose question is kept for follow-ups
NO_MENTIONS = discord.AllowedMentions.none()


def intents(base: discord.Intents) -> discord.Intents:
    """`base` plus the two non-privileged message intents mentions and DMs need."""
    base.guild_messages = True
    base.dm_messages = True
    return base


class Mentions:
    """Answers mentions and direct messages for one adapter."""

    def __init__(self, adapter: DiscordAdapter) -> None:
        self.adapter = adapter
        self.asked: OrderedDict[int, str] = OrderedDict()  # answer id -> its question

        async def on_message(message: discord.Message) -> None:
            await self.on_message(message)

        adapter.client.event(on_message)

    def _for_us(self, message: discord.Message) -> bool:
        me = self.adapter.client.user
        if me is None or message.author.bot or message.author.id == me.id:
            return False
        if message.guild is None:
            return True  # a direct message
        return any(user.id == me.id for user in message.mentions)

    async def on_message(self, message: discord.Message) -> None:
        if not self._for_us(message):
            return
        reference = message.reference.message_id if message.reference else None
        previous = self.asked.get(reference) if reference else None
        question = read_follow_up(message.content, previous)
        if not without_mentions(question.text):
            question = read_follow_up("help", None)
        origin = Request(
            "",
            platform="discord",
            workspace=str(message.guild.id if message.guild else "dm"),
            channel=str(message.channel.id),
            user=str(message.author.id),
            can_manage_channel=False,
        )
        try:
            reply = await answer(self.adapter.router, question, origin)
            rendered = render(reply)
            sent = await message.reply(
                **rendered.send_kwargs(),
                **self.adapter.components.send_extra(reply, public=True),
                mention_author=False,
                allowed_mentions=NO_MENTIONS,
            )
        except discord.HTTPException as exc:
            log.warning("discord: could not answer a mention (%s)", exc.status)
            return
        self.asked[sent.id] = question.text
        while len(self.asked) > REMEMBERED:
            self.asked.popitem(last=False)
