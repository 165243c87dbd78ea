"""The console: type `/meta ask ...` (or just `ask ...`) and read the reply as chat would show it.

At a terminal it reads lines with prompt_toolkit: line editing, a history kept in
DATA_DIR/console-history (↑/↓), Ctrl-C clears the line, Ctrl-D leaves; whatever is printed while
the prompt waits (a scheduled post) goes above it and the prompt is drawn again. Buttons under a
reply are offered as numbered choices: type the number to press one. Piped input is read line
by line, without any of that. Charts are saved to DATA_DIR/charts and shown by their path;
nothing echoed carries a control character (`bot.terminal`).
"""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import os
import sys
import uuid
from pathlib import Path
from typing import TextIO

from bot.adapters.console.render import (
    DEFAULT_WIDTH,
    console_buttons,
    render,
    save_chart,
    terminal_width,
)
from bot.terminal import terminal_safe
from chat.delivery import Target
from chat.reply import Button, Reply
from chat.request import Request
from chat.wording import say
from commands.actions import Press
from commands.buttons import press
from commands.router import Router

__all__ = ["ConsoleAdapter", "ConsoleDelivery", "render", "save_chart"]

PROMPT = "meta> "
HISTORY_FILE = "console-history"
LEAVE = {"exit", "quit", "/exit", "/quit"}


class ConsoleAdapter:
    """An interactive session on standard input and output."""

    platform = "console"

    def __init__(
        self,
        router: Router,
        stdin: TextIO | None = None,
        stdout: TextIO | None = None,
        charts: Path | None = None,
    ) -> None:
        self.router = router
        self.stdin = stdin or sys.stdin
        self._stdout = stdout
        self.charts = charts or Path(router.services.settings.storage.data_dir) / "charts"
        self._buttons: list[Button] = []
        self._context = ""
        self._lang: str = router.services.settings.default_language

    @property
    def stdout(self) -> TextIO:
        """The stream given, else whatever sys.stdout is now (prompt_toolkit's, at a prompt)."""
        return self._stdout or sys.stdout

    @property
    def history_path(self) -> Path:
        return Path(self.router.services.settings.storage.data_dir) / HISTORY_FILE

    async def run(self) -> None:
        if self.stdin.isatty() and sys.stdout.isatty() and self._stdout is None:
            await self._run_terminal()
        else:
            await self._run_piped()

    def _write(self, text: str) -> None:
        self.stdout.write(text)
        self.stdout.flush()

    async def _run_piped(self) -> None:
        self._write(say("console.welcome", self._lang) + "\n")
        while (line := await asyncio.to_thread(self.stdin.readline)) != "":
            if not await self.handle_line(line):
                break

    async def _run_terminal(self) -> None:
        from prompt_toolkit import PromptSession
        from prompt_toolkit.history import FileHistory
        from prompt_toolkit.patch_stdout import patch_stdout

        self.history_path.parent.mkdir(parents=True, exist_ok=True)
        session: PromptSession[str] = PromptSession(history=FileHistory(str(self.history_path)))
        self._write(say("console.welcome", self._lang) + "\n")
        with patch_stdout(raw=True):
            while True:
                try:
                    line = await session.prompt_async(PROMPT)
                except KeyboardInterrupt:
                    continue  # Ctrl-C: the line is cleared, the prompt stays
                except EOFError:
                    break  # Ctrl-D
                if not await self.handle_line(line):
                    break

    async def handle_line(self, line: str) -> bool:
        """Answer one typed line; False when it asks to leave."""
        text = line.strip()
        if not text:
            return True
        if text.lower() in LEAVE:
            return False
        if text.isdigit() and self._buttons:
            reply = await self._press(int(text))
        else:
            # The person at the terminal runs the bot: they may manage its one channel.
            reply = await self.router.handle_text(text, platform="console", can_manage_channel=True)
        await self._show(reply)
        return True

    async def _press(self, number: int) -> Reply:
        if not 1 <= number <= len(self._buttons):
            return Reply.error(say("console.no_button", self._lang, number=number))
        button = self._buttons[number - 1]
        origin = Request("", platform="console", can_manage_channel=True)
        pressed = await press(
            self.router, Press(button.action, button.value, self._context), origin
        )
        return pressed or Reply.error(say("button.expired", self._lang))

    async def _show(self, reply: Reply) -> None:
        lang = reply.data.get("lang") if reply.data else None
        if isinstance(lang, str):
            self._lang = lang
        actions = reply.actions
        self._buttons = console_buttons(reply)
        self._context = actions.context if actions else ""
        shown = await asyncio.to_thread(  # saves the reply's charts: off the event loop
            render, reply, self.charts, width=terminal_width(), choices=True, lang=self._lang
        )
        self._write(shown + "\n\n")


class ConsoleDelivery:
    """The console's delivery port: prints each post, and keeps a record of posts (one JSON line
    each, written before the delivery is marked done) so a restart can tell what went out.
    `stream=None` prints to whatever sys.stdout is at the time (above the console's prompt)."""

    platform = "console"

    def __init__(self, stream: TextIO | None, record: Path, charts: Path | None = None) -> None:
        self._stream = stream
        self.record = record
        self.charts = charts or record.parent / "charts"  # the record lives in DATA_DIR

    @property
    def stream(self) -> TextIO:
        return self._stream or sys.stdout

    async def deliver(self, target: Target, reply: Reply, delivery_id: str) -> str:
        message_id = f"console-{uuid.uuid4().hex[:12]}"
        # Synchronous like the record below: a post is printed, saved and recorded in one step.
        width = terminal_width() if self._stream is None else DEFAULT_WIDTH
        text = render(reply, self.charts, width=width)
        header = terminal_safe(f"── post to #{target.channel} ({delivery_id}) ──")
        self.stream.write(f"{header}\n{text}\n\n")
        self.stream.flush()
        self.record.parent.mkdir(parents=True, exist_ok=True)
        line = json.dumps(
            {"delivery_id": delivery_id, "channel": target.channel, "message_id": message_id}
        )
        with self.record.open("a", encoding="utf-8") as out:
            out.write(line + "\n")
            out.flush()
            os.fsync(out.fileno())
        return message_id

    async def find_delivery(
        self, target: Target, delivery_id: str, since: dt.datetime | None = None
    ) -> str | None:
        """The message id of an earlier post of `delivery_id` in the record, if any."""
        if not self.record.exists():
            return None
        for line in self.record.read_text(encoding="utf-8").splitlines():
            try:
                entry = json.loads(line)
            except json.JSONDecodeError:
                continue  # a line cut short by a crash
            if entry.get("delivery_id") == delivery_id and entry.get("channel") == target.channel:
                return str(entry["message_id"])
        return None
