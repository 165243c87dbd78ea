"""Core Replies as Discord embeds, within Discord's limits.

Order is kept: text before the first Fields block goes into the description; once fields have
started, a later Heading opens a full-width field and the text after it fills that field, so a
briefing reads top to bottom as the core wrote it. Mentions never fire (every message is sent
with `AllowedMentions.none()`); `@everyone`/`@here` are also broken with a zero-width space so
they don't even look like a ping.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass, field
from typing import Any, assert_never

import discord

from chat.reply import Actions, BulletList, Context, Fields, Heading, Image, Paragraph, Quote, Reply

TITLE_MAX = 256
DESCRIPTION_MAX = 4096
FIELD_NAME_MAX = 256
FIELD_VALUE_MAX = 1024
FIELDS_MAX = 25
FOOTER_MAX = 2048
TOTAL_MAX = 6000
CONTENT_MAX = 2000
ZWSP = "\u200b"
COLOUR = discord.Colour(0x0866FF)  # Meta blue
ERROR_COLOUR = discord.Colour(0xE5484D)

_MASS_MENTION = re.compile(r"@(everyone|here)", re.IGNORECASE)
_UNSAFE_FILENAME = re.compile(r"[^A-Za-z0-9._-]+")
_MARKS = re.compile(r"`+|\*+|(?<!\w)_(?=\S)|(?<=\S)_(?!\w)")


def neutral(text: str) -> str:
    """`@everyone` -> `@\u200beveryone`: shown as typed, never a mass ping."""
    return _MASS_MENTION.sub(lambda m: "@" + ZWSP + m.group(1), text)


def unmarked(text: str) -> str:
    """Text without Markdown marks (`code`, *emphasis*), for the parts of an embed Discord shows
    as typed: the title, field names and the footer."""
    return _MARKS.sub("", text)


def clip(text: str, limit: int) -> str:
    """At most `limit` characters, ending with an ellipsis when cut."""
    return text if len(text) <= limit else text[: max(limit - 1, 0)].rstrip() + "…"


def safe_filename(name: str) -> str:
    """A filename Discord keeps as is, so `attachment://<name>` finds it."""
    cleaned = _UNSAFE_FILENAME.sub("-", name).strip("-.") or "chart.png"
    return cleaned[:100]


@dataclass
class Rendered:
    embed: discord.Embed
    files: list[discord.File] = field(default_factory=list)

    def send_kwargs(self) -> dict[str, Any]:
        """`embed=` plus `file=`/`files=` as discord.py's send methods want them."""
        kwargs: dict[str, Any] = {"embed": self.embed}
        if len(self.files) == 1:
            kwargs["file"] = self.files[0]
        elif self.files:
            kwargs["files"] = self.files
        return kwargs

    def edit_kwargs(self) -> dict[str, Any]:
        """`embed=` plus `attachments=` as `edit_original_response` wants them."""
        kwargs: dict[str, Any] = {"embed": self.embed}
        if self.files:
            kwargs["attachments"] = self.files
        return kwargs


def _quote(block: Quote) -> str:
    lines = [f"> {line}" if line.strip() else ">" for line in block.text.splitlines() or [""]]
    if block.attribution:
        lines.append(f"— *{block.attribution}*")
    return "\n".join(lines)


def _text(block: Paragraph | Quote | BulletList) -> str:
    match block:
        case Paragraph(text):
            return text
        case Quote():
            return _quote(block)
        case BulletList(items):
            return "\n".join(f"• {item}" for item in items)
        case _:
            assert_never(block)


def render(reply: Reply) -> Rendered:
    """One embed (and the image files it shows) for a reply."""
    title = ""
    description: list[str] = []
    fields: list[list[str | bool]] = []  # [name, value, inline]
    footer: list[str] = []
    images: list[Image] = []
    fields_started = False

    def add_text(text: str) -> None:
        if fields_started and fields and not fields[-1][2]:
            fields[-1][1] = f"{fields[-1][1]}\n{text}" if fields[-1][1] else text
        elif fields_started:
            fields.append([ZWSP, text, False])
        else:
            description.append(text)

    for block in reply.blocks:
        match block:
            case Heading(text):
                if not title and not description and not fields_started:
                    title = text
                elif fields_started:
                    fields.append([text, "", False])
                else:
                    description.append(f"**{text}**")
            case Paragraph() | Quote() | BulletList():
                add_text(_text(block))
            case Fields(items):
                fields_started = True
                fields.extend([label, value, True] for label, value in items)
            case Context(text):
                footer.append(text)
            case Image():
                images.append(block)
            case Actions():
                continue  # buttons: components under the embed (bot.adapters.discord.components)
            case _:
                assert_never(block)

    embed = _fit(
        title=neutral(unmarked(title)),
        description=neutral("\n\n".join(description)),
        fields=[
            (neutral(unmarked(str(n))) or ZWSP, neutral(str(v)) or ZWSP, bool(i))
            for n, v, i in fields
        ],
        footer=neutral(unmarked("\n".join(footer))),
        colour=COLOUR if reply.ok else ERROR_COLOUR,
    )
    files: list[discord.File] = []
    for index, image in enumerate(images):
        name = safe_filename(image.filename)
        if any(f.filename == name for f in files):
            name = f"{index}-{name}"
        files.append(
            discord.File(io.BytesIO(image.png), filename=name, description=clip(image.alt, 1024))
        )
        if index == 0:
            embed.set_image(url=f"attachment://{name}")
    return Rendered(embed, files)


def _fit(
    title: str,
    description: str,
    fields: list[tuple[str, str, bool]],
    footer: str,
    colour: discord.Colour,
) -> discord.Embed:
    """Each part within its own limit, and the whole within 6000 characters: the description
    gives way first (down to 1000), then the last fields, then the footer, then the rest."""
    title = clip(title, TITLE_MAX)
    description = clip(description, DESCRIPTION_MAX)
    fields = [
        (clip(n, FIELD_NAME_MAX), clip(v.strip() or ZWSP, FIELD_VALUE_MAX), i)
        for n, v, i in fields[:FIELDS_MAX]
    ]
    footer = clip(footer, FOOTER_MAX)

    def total() -> int:
        return (
            len(title) + len(description) + len(footer) + sum(len(n) + len(v) for n, v, _ in fields)
        )

    while (excess := total() - TOTAL_MAX) > 0:
        if len(description) > 1000:
            description = clip(description, max(1000, len(description) - excess))
        elif fields:
            fields.pop()
        elif len(footer) > 200:
            footer = clip(footer, max(200, len(footer) - excess))
        else:
            description = clip(description, max(0, len(description) - excess))
    embed = discord.Embed(title=title or None, description=description or None, colour=colour)
    for name, value, inline in fields:
        embed.add_field(name=name, value=value, inline=inline)
    if footer:
        embed.set_footer(text=footer)
    return embed


def error_text(reply: Reply) -> str:
    """A refusal or error as one short ephemeral message: the reason, then the usage if any."""
    lines = [reply.message or reply.plain_text()]
    lines += [b.text for b in reply.blocks if isinstance(b, Context)]
    return clip(neutral("\n".join(line for line in lines if line)), CONTENT_MAX)
