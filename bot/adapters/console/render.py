"""A reply as terminal text, wrapped to the terminal's width, without control characters; its
charts saved to a folder (DATA_DIR/charts) and shown by their path; its buttons as numbered
choices."""

from __future__ import annotations

import hashlib
import shutil
import textwrap
from pathlib import Path
from typing import assert_never

from bot.terminal import terminal_safe
from chat.reply import (
    Actions,
    BulletList,
    Button,
    Context,
    Fields,
    Heading,
    Image,
    Paragraph,
    Quote,
    Reply,
)
from chat.wording import say

DEFAULT_WIDTH = 92  # where the width can't be read (a pipe, a file)
MIN_WIDTH = 40
MAX_WIDTH = 120  # past this, lines are too long to read


def terminal_width() -> int:
    """The terminal's columns (COLUMNS, else the terminal itself), within reason."""
    columns = shutil.get_terminal_size((DEFAULT_WIDTH, 24)).columns
    return max(MIN_WIDTH, min(MAX_WIDTH, columns - 1))


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


def console_buttons(reply: Reply) -> list[Button]:
    """The buttons a console offers: all but Share (the console has no channel to share in)."""
    actions = reply.actions
    return [b for b in actions.buttons if b.action != "share"] if actions else []


def render(
    reply: Reply,
    charts: Path | None = None,
    *,
    width: int = DEFAULT_WIDTH,
    choices: bool = False,
    lang: str = "en",
) -> str:
    """A reply as plain text for a terminal, without control characters; with `charts` (a
    folder), charts are saved there and shown by their path (so call it off the event loop
    then); `choices` adds its buttons as numbered choices."""
    lines: list[str] = []
    for block in reply.blocks:
        match block:
            case Heading(text):
                lines += [text, "=" * min(len(text), width)]
            case Paragraph(text):
                lines += textwrap.wrap(text, width) or [""]
            case Quote(text, attribution):
                lines += ["  │ " + line for line in textwrap.wrap(text, width - 4)]
                if attribution:
                    lines.append(f"  └ {attribution}")
            case Fields(items):
                label_width = max(len(label) for label, _ in items)
                lines += [f"  {label.ljust(label_width)}  {value}" for label, value in items]
            case BulletList(items):
                for item in items:
                    wrapped = textwrap.wrap(item, width - 4) or [""]
                    lines += ["  • " + wrapped[0]] + ["    " + rest for rest in wrapped[1:]]
            case Image(alt=alt) if charts is not None:
                lines.append(f"[chart: {alt}: {save_chart(block, charts)}]")
            case Image(png, alt):
                lines.append(f"[image: {alt} ({len(png) // 1024} KB)]")
            case Context(text):
                lines += ["  " + line for line in textwrap.wrap(text, width - 2)]
            case Actions():
                continue  # numbered below, when the console can press them
            case _:
                assert_never(block)
    offered = console_buttons(reply) if choices else []
    if offered:
        labels = [
            f"[{n}] {'*' if b.selected else ''}{b.label}" for n, b in enumerate(offered, start=1)
        ]
        lines += ["", say("console.choices", lang)]
        lines += ["  " + line for line in textwrap.wrap("  ".join(labels), width - 2)]
    return terminal_safe("\n".join(lines))  # echoed text never drives the terminal
