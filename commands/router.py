"""Turn `/meta <command> <text>` into a Request and a Request into a Reply.

The router is the one place that catches errors: a CommandError becomes a friendly one-line
reply with the command's usage; anything else is logged with its context and answered with a
short apology, so no traceback ever reaches a chat.
"""

from __future__ import annotations

import inspect
import logging
import re
import time
from collections.abc import Callable

from chat.reply import Reply
from chat.request import Request
from chat.wording import say
from commands import Command, CommandError, all_commands
from commands.actions import with_actions
from commands.base import reply_language
from commands.services import Services

log = logging.getLogger(__name__)
_LANG_FLAG = re.compile(r"(?:^|\s)--lang(?:=|\s+)(\S+)")


def parse(text: str, *, can_manage_channel: bool, **context: object) -> Request:
    """`"/meta ask --lang fr Qui ?"` -> Request(command="ask", text="Qui ?", lang="fr", ...)."""
    text = text.strip()
    if text.lower().startswith("/meta"):
        text = text[5:].strip()
    lang = None
    if match := _LANG_FLAG.search(text):
        lang = match.group(1).lower()
        text = (text[: match.start()] + " " + text[match.end() :]).strip()
    command, _, rest = text.partition(" ")
    return Request(
        command=command.lower() or "help",
        text=rest.strip(),
        lang=lang,
        can_manage_channel=can_manage_channel,
        **context,  # type: ignore[arg-type]
    )


class Router:
    def __init__(self, services: Services, commands: dict[str, Command] | None = None) -> None:
        self.services = services
        self.commands = commands if commands is not None else all_commands()
        # Called after every command with (request, outcome, seconds): metrics, for one.
        self.listeners: list[Callable[[Request, str, float], None]] = []

    def _safe_language(self, request: Request) -> str:
        """The asker's language for an apology, never failing (it runs after a failure)."""
        try:
            return reply_language(request, self.services, self.command_for(request))
        except Exception:
            return self.services.settings.default_language

    def command_for(self, request: Request) -> Command | None:
        return self.commands.get(request.command)

    async def handle_text(self, text: str, *, can_manage_channel: bool, **context: object) -> Reply:
        return await self.handle(parse(text, can_manage_channel=can_manage_channel, **context))

    async def handle(self, request: Request) -> Reply:
        """Run the request's command; a sync command runs inline, an async one is awaited."""
        started = time.perf_counter()
        command = self.command_for(request)
        outcome = "ok"
        try:
            if command is None:
                outcome = "unknown"
                name = request.command[:40].replace("`", "'")
                lang = reply_language(request, self.services)
                return Reply.error(say("unknown_command", lang, command=name))
            try:
                result = command.run(request, self.services)
                reply = await result if inspect.isawaitable(result) else result
            except CommandError as exc:
                outcome = "bad_input"
                lang = reply_language(request, self.services, command)
                return Reply.error(exc.in_lang(lang), command.usage_line(lang))
            outcome = "ok" if reply.ok else "refused"
            return with_actions(request, reply)
        except Exception:
            outcome = "error"
            log.exception(
                "command failed: %s on %s channel %s",
                request.command,
                request.platform,
                request.channel,
            )
            return Reply.error(say("internal_error", self._safe_language(request)), internal=True)
        finally:
            seconds = time.perf_counter() - started
            log.info(
                "command %s platform=%s channel=%s outcome=%s duration_ms=%.1f",
                request.command[:40],
                request.platform,
                request.channel,
                outcome,
                seconds * 1000,
            )
            for listener in self.listeners:
                listener(request, outcome, seconds)
