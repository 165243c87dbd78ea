"""The console: type `/meta ask ...` (or just `ask ...`) and read the reply as chat would show it."""

from __future__ import annotations

import asyncio
import sys
import textwrap
from collections.abc import Iterable
from typing import TextIO

from bot.replies import BulletList, Context, Fields, Heading, Image, Paragraph, Quote, Reply
from bot.router import Router

WIDTH = 92
PROMPT = "meta> "


def render(reply: Reply) -> str:
    """A reply as plain text for a terminal."""
    lines: list[str] = []
    for block in reply.blocks:
        if isinstance(block, Heading):
            lines += [block.text, "=" * min(len(block.text), WIDTH)]
        elif isinstance(block, Paragraph):
            lines += textwrap.wrap(block.text, WIDTH) or [""]
        elif isinstance(block, Quote):
            lines += ["  │ " + line for line in textwrap.wrap(block.text, WIDTH - 4)]
            if block.attribution:
                lines.append(f"  └ {block.attribution}")
        elif isinstance(block, Fields):
            width = max(len(label) for label, _ in block.items)
            lines += [f"  {label.ljust(width)}  {value}" for label, value in block.items]
        elif isinstance(block, BulletList):
            for item in block.items:
                wrapped = textwrap.wrap(item, WIDTH - 4) or [""]
                lines += ["  • " + wrapped[0]] + ["    " + rest for rest in wrapped[1:]]
        elif isinstance(block, Image):
            lines.append(f"[image: {block.alt} ({len(block.png) // 1024} KB)]")
        elif isinstance(block, Context):
            lines += ["  " + line for line in textwrap.wrap(block.text, WIDTH - 2)]
    return "\n".join(lines)


class ConsoleAdapter:
    """An interactive session on standard input and output."""

    platform = "console"

    def __init__(self, router: Router, stdin: TextIO = sys.stdin, stdout: TextIO = sys.stdout):
        self.router = router
        self.stdin = stdin
        self.stdout = stdout

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
            reply = await self.router.handle_text(text, platform="console")
            self.stdout.write(render(reply) + "\n\n")
            self.stdout.flush()
