"""The console: type `/meta ask ...` (or just `ask ...`) and read the reply as chat would show it."""

from __future__ import annotations

import asyncio
import datetime as dt
import hashlib
import json
import os
import sys
import textwrap
import uuid
from collections.abc import Iterable
from pathlib import Path
from typing import TextIO, assert_never

from bot.terminal import terminal_safe
from chat.delivery import Target
from chat.reply import BulletList, Context, Fields, Heading, Image, Paragraph, Quote, Reply
from commands.router import Router

WIDTH = 92
PROMPT = "meta> "


def save_chart(image: Image, folder: Path) -> Path:
    """Write a chart to `folder` (DATA_DIR/charts) under its name and a digest of its bytes."""
    folder.mkdir(parents=True, exist_ok=True)
    digest = hashlib.sha256(image.png).hexdigest()[:10]
    path = folder / f"{Path(image.filename).stem}-{digest}.png"
    if not path.exists():
        temporary = path.with_suffix(".tmp")
        temporary.write_bytes(image.png)
        temporary.replace(path)
    return path


def render(reply: Reply, charts: Path | None = None) -> str:
    """A reply as plain text for a terminal, without control characters; with `charts` (a
    folder), charts are saved there and shown by their path. Writes files: call it off the
    event loop when `charts` is set."""
    lines: list[str] = []
    for block in reply.blocks:
        match block:
            case Heading(text):
                lines += [text, "=" * min(len(text), WIDTH)]
            case Paragraph(text):
                lines += textwrap.wrap(text, WIDTH) or [""]
            case Quote(text, attribution):
                lines += ["  │ " + line for line in textwrap.wrap(text, WIDTH - 4)]
                if attribution:
                    lines.append(f"  └ {attribution}")
            case Fields(items):
                width = max(len(label) for label, _ in items)
                lines += [f"  {label.ljust(width)}  {value}" for label, value in items]
            case BulletList(items):
                for item in items:
                    wrapped = textwrap.wrap(item, WIDTH - 4) or [""]
                    lines += ["  • " + wrapped[0]] + ["    " + rest for rest in wrapped[1:]]
            case Image(alt=alt) if charts is not None:
                lines.append(f"[chart: {alt}: {save_chart(block, charts)}]")
            case Image(png, alt):
                lines.append(f"[image: {alt} ({len(png) // 1024} KB)]")
            case Context(text):
                lines += ["  " + line for line in textwrap.wrap(text, WIDTH - 2)]
            case _:
                assert_never(block)
    return terminal_safe("\n".join(lines))  # echoed text never drives the terminal


class ConsoleAdapter:
    """An interactive session on standard input and output."""

    platform = "console"

    def __init__(
        self,
        router: Router,
        stdin: TextIO = sys.stdin,
        stdout: TextIO = sys.stdout,
        charts: Path | None = None,
    ):
        self.router = router
        self.stdin = stdin
        self.stdout = stdout
        self.charts = charts or router.services.settings.storage.data_dir / "charts"

    def _lines(self) -> Iterable[str]:
        interactive = self.stdin.isatty()
        while True:
            if interactive:
                try:
                    yield input(PROMPT)
                except (EOFError, KeyboardInterrupt):
                    self.stdout.write("\n")
                    return
            else:
                line = self.stdin.readline()
                if not line:
                    return
                yield line

    async def run(self) -> None:
        self.stdout.write(
            "Meta briefing bot console. Type `/meta help` (or just `help`); `exit` or Ctrl-D leaves.\n"
        )
        lines = iter(self._lines())
        while (line := await asyncio.to_thread(next, lines, None)) is not None:
            text = line.strip()
            if not text:
                continue
            if text.lower() in {"exit", "quit", "/exit", "/quit"}:
                break
            # The person at the terminal runs the bot: they may manage its one channel.
            reply = await self.router.handle_text(text, platform="console", can_manage_channel=True)
            text = await asyncio.to_thread(render, reply, self.charts)
            self.stdout.write(text + "\n\n")
            self.stdout.flush()


class ConsoleDelivery:
    """The console's delivery port: prints each post, and keeps a record of posts (one JSON line
    each, written before the delivery is marked done) so a restart can tell what went out."""

    platform = "console"

    def __init__(self, stream: TextIO, record: Path, charts: Path | None = None) -> None:
        self.stream = stream
        self.record = record
        self.charts = charts or record.parent / "charts"  # the record lives in DATA_DIR

    async def deliver(self, target: Target, reply: Reply, delivery_id: str) -> str:
        message_id = f"console-{uuid.uuid4().hex[:12]}"
        # Synchronous like the record below: a post is printed, saved and recorded in one step.
        text = render(reply, self.charts)
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
