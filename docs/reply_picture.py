"""Draws docs/reply-buttons.png: `/meta stock 1y` as the Slack adapter renders it (the real
Block Kit from `bot.adapters.slack.blocks`, on tests/data/META.csv), buttons included.

    .venv/bin/python docs/reply_picture.py
"""

from __future__ import annotations

import asyncio
import datetime as dt
import random
import sys
import textwrap
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


async def message() -> dict:
    from bot.adapters.slack.blocks import ephemeral_message
    from commands.router import Router
    from commands.services import Services
    from config import load_settings

    now = dt.datetime(2024, 7, 31, 14, 0, tzinfo=dt.UTC)
    services = Services(
        load_settings(),
        clock=lambda: now,
        rng=random.Random(7),
        price_files={"META": ROOT / "tests" / "data" / "META.csv"},
    )
    reply = await Router(services).handle_text("stock 1y", can_manage_channel=True)
    return ephemeral_message(reply, None, "en")


def draw(msg: dict, out: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.patches import FancyBboxPatch

    lines: list[tuple[str, str]] = []  # (kind, text)
    buttons: list[tuple[str, bool]] = []
    for block in msg["blocks"]:
        if block["type"] == "header":
            lines.append(("header", block["text"]["text"]))
        elif block["type"] == "section" and "fields" in block:
            pairs = [f["text"].replace("*", "").replace("\n", ": ") for f in block["fields"]]
            for left, right in zip(pairs[::2], [*pairs[1::2], ""], strict=False):
                lines.append(("field", f"{left:<48}{right}"))
        elif block["type"] == "section":
            for piece in textwrap.wrap(block["text"]["text"].replace("*", ""), 88):
                lines.append(("text", piece))
        elif block["type"] == "context":
            for piece in textwrap.wrap(block["elements"][0]["text"], 96):
                lines.append(("context", piece))
        elif block["type"] == "actions":
            buttons = [(e["text"]["text"], e.get("style") == "primary") for e in block["elements"]]
    height = 0.32 * len(lines) + 1.3
    fig = plt.figure(figsize=(10, height), dpi=110)
    ax = fig.add_axes((0, 0, 1, 1))
    ax.set_xlim(0, 10)
    ax.set_ylim(0, height)
    ax.axis("off")
    y = height - 0.4
    ax.text(0.3, y, "Only visible to you", fontsize=8, color="#616061")
    y -= 0.38
    styles = {"header": (12, "bold", "#1d1c1d"), "field": (9, "normal", "#1d1c1d")}
    styles |= {"text": (9.5, "normal", "#1d1c1d"), "context": (8, "normal", "#616061")}
    for kind, text in lines:
        size, weight, colour = styles[kind]
        family = "monospace" if kind == "field" else "sans-serif"
        ax.text(0.3, y, text, fontsize=size, weight=weight, color=colour, family=family)
        y -= 0.32
    x = 0.3
    for label, primary in buttons:
        width = 0.16 + 0.085 * len(label)
        face, edge, colour = (
            ("#007a5a", "#007a5a", "white") if primary else ("white", "#bbbbbb", "#1d1c1d")
        )
        ax.add_patch(
            FancyBboxPatch((x, y - 0.12), width, 0.34, boxstyle="round,pad=0.02", fc=face, ec=edge)
        )
        ax.text(
            x + width / 2,
            y + 0.05,
            label,
            ha="center",
            va="center",
            fontsize=9,
            color=colour,
            weight="bold",
        )
        x += width + 0.12
    fig.savefig(out, facecolor="white")


if __name__ == "__main__":
    draw(asyncio.run(message()), ROOT / "docs" / "reply-buttons.png")
