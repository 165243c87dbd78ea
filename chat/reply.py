"""Platform-neutral replies: a short list of typed blocks that each adapter renders its own way."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any, assert_never


@dataclass(frozen=True)
class Heading:
    text: str


@dataclass(frozen=True)
class Paragraph:
    text: str


@dataclass(frozen=True)
class Quote:
    """Text taken from an article, with where it comes from."""

    text: str
    attribution: str = ""


@dataclass(frozen=True)
class Fields:
    """Label/value pairs, e.g. market figures."""

    items: tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class BulletList:
    items: tuple[str, ...]


@dataclass(frozen=True)
class Image:
    png: bytes
    alt: str
    filename: str = "chart.png"


@dataclass(frozen=True)
class Context:
    """Small print: sources, data time, hints."""

    text: str


ACTIONS = ("range", "refresh", "share", "more")
"""What a button may do. Its platform id is `meta_<action>` (Slack `action_id`; Discord
`custom_id`, followed by `:` and the value)."""


@dataclass(frozen=True)
class Button:
    """One button: pressing it sends back `action` and `value` (`range`: "5d"; `refresh` and
    `share`: the request line; `more`: a passage id). `selected`: the range shown now."""

    action: str
    label: str
    value: str = ""
    selected: bool = False

    @property
    def action_id(self) -> str:
        return f"meta_{self.action}"


@dataclass(frozen=True)
class Actions:
    """Buttons under a reply. `context` is the request the reply answers, as a command line
    (`--lang fr stock 1mo`), so a press can run it again with a change."""

    buttons: tuple[Button, ...]
    context: str = ""


Block = Heading | Paragraph | Quote | Fields | BulletList | Image | Context | Actions
"""Every kind of block. Renderers `match` over it and end with `case _: assert_never(block)`,
so mypy names the renderer that forgets a new kind."""


@dataclass(frozen=True)
class Reply:
    """What the bot answers. `ok` is False for a refusal or an error the person can fix;
    `public` asks the adapter to post in the channel rather than to the asker alone;
    `data` carries the same content as plain values for `--json` output."""

    blocks: tuple[Block, ...]
    ok: bool = True
    public: bool = False
    data: Mapping[str, Any] = field(default_factory=dict)
    internal_error: bool = False  # our fault, not the person's input

    @classmethod
    def error(cls, message: str, usage: str = "", internal: bool = False) -> Reply:
        blocks: tuple[Block, ...] = (Paragraph(message),)
        if usage:
            blocks += (Context(usage),)
        return cls(blocks, ok=False, internal_error=internal)

    @property
    def message(self) -> str:
        """The first text block: the one line an error reply is about."""
        return next((b.text for b in self.blocks if isinstance(b, Paragraph)), "")

    @property
    def actions(self) -> Actions | None:
        """The reply's buttons, if it has any."""
        return next((b for b in self.blocks if isinstance(b, Actions)), None)

    def without_actions(self) -> Reply:
        """The same reply with no buttons (where they can't be pressed)."""
        kept = tuple(b for b in self.blocks if not isinstance(b, Actions))
        return replace(self, blocks=kept)

    @property
    def images(self) -> list[Image]:
        return [b for b in self.blocks if isinstance(b, Image)]

    def plain_text(self) -> str:
        """Every text block joined, for notifications and fallbacks."""
        parts: list[str] = []
        for block in self.blocks:
            match block:
                case Fields(items):
                    parts.extend(f"{label}: {value}" for label, value in items)
                case BulletList(items):
                    parts.extend(items)
                case Image() | Actions():
                    continue
                case Heading(text) | Paragraph(text) | Quote(text) | Context(text):
                    parts.append(text)
                case _:
                    assert_never(block)
        return "\n".join(parts)
