"""Turn `/meta <command> <text>` into a Request and a Request into a Reply.

The router is the one place that catches errors: a CommandError becomes a friendly one-line
reply with the command's usage; a busy or failing database becomes "busy, try again" or "my
storage is failing"; anything else is logged with its context and answered with a short
apology, so no traceback ever reaches a chat.

Commands run in the commands' threads (`Services.off_loop`), never on the event loop; a quick
one (answered within a chat's 3 seconds) waits at most QUICK_WAIT seconds for the database.
"""

from __future__ import annotations

import inspect
import logging
import re
import time
from collections.abc import Callable

from briefings.storage.faults import (
    BUSY,
    LONG_WAIT,
    QUICK_WAIT,
    StorageFault,
    bounded_wait,
    problem_of,
)
from chat.reply import Reply
from chat.request import Request
from chat.wording import say
from commands import Command, CommandError, all_commands
from commands.actions import with_actions
from commands.base import reply_language
from commands.services import Services
from commands.suggest import nearest

log = logging.getLogger(__name__)
_LANG_FLAG = re.compile(r"(?:^|\s)--lang(?:=|\s+)(\S+)")


def lang_flag(text: str) -> tuple[str, str | None]:
    """`"--lang fr Qui ?"` -> ("Qui ?", "fr"): the text without its `--lang` flag, and the flag."""
    if match := _LANG_FLAG.search(text):
        return (text[: match.start()] + " " + text[match.end() :]).strip(), match.group(1).lower()
    return text, None


def parse(text: str, *, can_manage_channel: bool, **context: object) -> Request:
    """`"/meta ask --lang fr Qui ?"` -> Request(command="ask", text="Qui ?", lang="fr", ...)."""
    text = text.strip()
    if text.lower().startswith("/meta"):
        text = text[5:].strip()
    text, lang = lang_flag(text)
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

    def _storage_problem(self, exc: Exception) -> str | StorageFault | None:
        """BUSY or a StorageFault when `exc` comes from the database (the database's guard has
        logged the fault's line, naming the file and the fix)."""
        problem = problem_of(exc)
        if problem == BUSY:
            log.info("database busy: another writer holds it; answered 'try again'")
        return problem

    def command_for(self, request: Request) -> Command | None:
        return self.commands.get(request.command)

    async def handle_text(self, text: str, *, can_manage_channel: bool, **context: object) -> Reply:
        return await self.handle(parse(text, can_manage_channel=can_manage_channel, **context))

    async def handle(self, request: Request) -> Reply:
        """Run the request's command in the commands' threads (an async one's coroutine is then
        awaited here), its database waits bounded when it must answer at once."""
        started = time.perf_counter()
        command = self.command_for(request)
        outcome = "ok"
        try:
            if command is None:
                outcome = "unknown"
                name = request.command[:40].replace("`", "'")
                lang = reply_language(request, self.services)
                suggestion = nearest(request.command, self.commands)
                if suggestion:
                    return Reply.error(
                        say("unknown_command_suggestion", lang, command=name, suggestion=suggestion)
                    )
                return Reply.error(say("unknown_command", lang, command=name))
            quick = not command.is_slow(self.services.settings)
            try:
                with bounded_wait(QUICK_WAIT if quick else LONG_WAIT):
                    if command.blocking:
                        result = await self.services.off_loop(command.run, request, self.services)
                    else:  # microseconds of pure computation: a thread hop would cost more
                        result = command.run(request, self.services)
                    reply = await result if inspect.isawaitable(result) else result
            except CommandError as exc:
                outcome = "bad_input"
                lang = reply_language(request, self.services, command)
                return Reply.error(exc.in_lang(lang), command.usage_line(lang, request.platform))
            outcome = "ok" if reply.ok else "refused"
            return with_actions(request, reply)
        except Exception as exc:
            if (problem := self._storage_problem(exc)) is not None:
                outcome = "busy" if problem == BUSY else "storage"
                key = "storage_busy" if problem == BUSY else "storage_failing"
                return Reply.error(say(key, self._safe_language(request)))
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
