"""Core Replies rendered as Slack Block Kit, within Slack's limits, with every text escaped.

Slack reads `&`, `<` and `>` as control characters in message text: `<!channel>` notifies a
whole channel and `<@U123>` pings a person. Every text that reaches Slack from a Reply (answers
from articles, feed data, echoes of what someone typed, and our own sentences) is escaped, so
such sequences are shown and never triggered. The only markup left unescaped is what this
module writes itself: `*bold*` field labels, `>` quote prefixes, `_italic_` attributions, and
the `<@U...>` mention of the person who shared a reply (a user id that came from Slack's signed
payload, checked against Slack's id format).

Slack messages can't carry inline bytes: the adapter uploads each chart once, as a file of the
bot's own (shared with no channel), and an image block shows it by its id (`slack_file`), in
public and ephemeral messages alike. An image with no uploaded file is left out.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import Any, assert_never

from chat.reply import (
    Actions,
    BulletList,
    Context,
    Fields,
    Heading,
    Image,
    Paragraph,
    Quote,
    Reply,
)
from chat.request import Request
from chat.wording import LANGUAGES, say

MAX_BLOCKS = 50
MAX_SECTION = 3000
MAX_HEADER = 150
MAX_FIELD = 2000
MAX_FIELDS = 10
MAX_CONTEXT = 3000
MAX_FALLBACK = 3000
MAX_BUTTON_VALUE = 2000
SHARE_ACTION = "share_reply"  # the Share button of earlier versions, still answered
MAX_BLOCK_ID = 255
BLOCK_ID_PREFIX = "meta:"

_USER_ID = re.compile(r"^[UW][A-Z0-9]{2,20}$")
_PARTIAL_ENTITY = re.compile(r"&[a-z]{0,4}$")


def t(lang: str, key: str, **values: object) -> str:
    """The adapter's own words (`slack.<key>` in chat.wording)."""
    return say(f"slack.{key}", lang, **values)


def escape(text: str) -> str:
    """Slack's three control characters as entities (`&` first, so nothing is escaped twice)."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def unescape(text: str) -> str:
    """Slash command text may arrive with Slack's entities; the core wants what was typed."""
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def clip(text: str, limit: int) -> str:
    """`text` cut to `limit` characters with an ellipsis, never inside an `&lt;` entity."""
    if len(text) <= limit:
        return text
    cut = _PARTIAL_ENTITY.sub("", text[: limit - 1])
    return cut + "…"


def _chunks(text: str, limit: int) -> list[str]:
    """Split long text on line ends or spaces into pieces of at most `limit` characters."""
    pieces: list[str] = []
    while len(text) > limit:
        cut = max(text.rfind("\n", 0, limit), text.rfind(" ", 0, limit))
        if cut <= limit // 2:
            cut = limit
            while cut > 0 and _PARTIAL_ENTITY.search(text[:cut]):
                cut -= 1
        pieces.append(text[:cut].rstrip())
        text = text[cut:].lstrip()
    if text or not pieces:
        pieces.append(text)
    return pieces


def mention(user_id: str) -> str:
    """`<@U123>` for a Slack user id, or the escaped text if it isn't one."""
    return f"<@{user_id}>" if _USER_ID.match(user_id) else escape(user_id)


def _section(text: str) -> dict[str, Any]:
    return {"type": "section", "text": {"type": "mrkdwn", "text": text}}


def _sections(text: str) -> list[dict[str, Any]]:
    """Sections of at most 3,000 characters; none for blank text (Slack refuses empty text)."""
    return [_section(piece) for piece in _chunks(text, MAX_SECTION) if piece.strip()]


def _quoted(text: str, attribution: str) -> list[dict[str, Any]]:
    """A quote as sections in which every line, in every piece, starts with `>`: lines are
    grouped up to 3,000 characters, and a line longer than that is cut on spaces, each part
    with its own `>`, so no piece shows as plain text."""
    lines = [
        ">" + part
        for line in escape(text).splitlines() or [""]
        for part in _chunks(line, MAX_SECTION - 1)
    ]
    if attribution:
        lines.append(f">— _{clip(escape(attribution), MAX_SECTION - 6)}_")
    pieces: list[str] = []
    for line in lines:
        if pieces and len(pieces[-1]) + 1 + len(line) <= MAX_SECTION:
            pieces[-1] += "\n" + line
        else:
            pieces.append(line)
    return [_section(piece) for piece in pieces if piece.strip(">").strip()]


def _context(mrkdwn: str) -> dict[str, Any]:
    return {"type": "context", "elements": [{"type": "mrkdwn", "text": clip(mrkdwn, MAX_CONTEXT)}]}


Files = Mapping[Image, str]  # a reply's images -> the ids of their uploaded Slack files
MAX_ALT = 2000


def _image(image: Image, file_id: str) -> dict[str, Any]:
    """An image block showing an uploaded file (Block Kit's Slack file object)."""
    alt = clip(image.alt, MAX_ALT) or "chart"
    return {"type": "image", "slack_file": {"id": file_id}, "alt_text": alt}


def content_blocks(reply: Reply, files: Files | None = None) -> list[dict[str, Any]]:
    """The reply's blocks as Block Kit; images as image blocks of their uploaded files."""
    blocks: list[dict[str, Any]] = []
    for block in reply.blocks:
        match block:
            case Heading(text) if text.strip():
                header = clip(escape(text), MAX_HEADER)
                blocks.append({"type": "header", "text": {"type": "plain_text", "text": header}})
            case Heading():
                continue  # Slack refuses an empty text object
            case Paragraph(text):
                blocks += _sections(escape(text))
            case Quote(text, attribution):
                blocks += _quoted(text, attribution)
            case Fields(items):
                fields = [
                    {
                        "type": "mrkdwn",
                        "text": clip(f"*{escape(label)}*\n{escape(value)}", MAX_FIELD),
                    }
                    for label, value in items
                ]
                for start in range(0, len(fields), MAX_FIELDS):
                    blocks.append({"type": "section", "fields": fields[start : start + MAX_FIELDS]})
            case BulletList(items):
                blocks += _sections("\n".join(f"• {escape(item)}" for item in items))
            case Context(text) if text.strip():
                blocks.append(_context(escape(text)))
            case Context():
                continue  # Slack refuses an empty text object
            case Image():
                if files and block in files:
                    blocks.append(_image(block, files[block]))
            case Actions():
                continue  # after the content: see actions_block
            case _:
                assert_never(block)
    return blocks


def actions_block(reply: Reply, lang: str, public: bool = False) -> dict[str, Any] | None:
    """The reply's buttons as an actions block (no Share in a channel message: it is shared).
    The block_id carries the request line (a press on an ephemeral message comes without the
    message); values are escaped like every text, and read back with `unescape`."""
    actions = reply.actions
    if actions is None:
        return None
    elements: list[dict[str, Any]] = []
    for button in actions.buttons:
        if public and button.action == "share":
            continue
        label = t(lang, "share") if button.action == "share" else button.label
        element: dict[str, Any] = {
            "type": "button",
            "action_id": button.action_id,
            "text": {"type": "plain_text", "text": clip(label, 75)},
            "value": clip(escape(button.value), MAX_BUTTON_VALUE),
        }
        if button.selected:
            element["style"] = "primary"
        elements.append(element)
    if not elements:
        return None
    block_id = BLOCK_ID_PREFIX + escape(actions.context)
    if len(block_id) > MAX_BLOCK_ID:
        block_id = clip(block_id, MAX_BLOCK_ID - 1)
    return {"type": "actions", "block_id": block_id, "elements": elements}


def share_value(request: Request) -> str:
    """The original request as compact JSON for the Share button, within Slack's 2000 chars.

    `<`, `>` and `&` are written as JSON `\\u` escapes: the value decodes to the same text, and
    nothing the bot sends to Slack carries a raw `<!channel>`."""
    text = request.text
    while True:
        data: dict[str, str] = {"c": request.command, "t": text}
        if request.lang:
            data["l"] = request.lang
        raw = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
        raw = raw.replace("&", "\\u0026").replace("<", "\\u003c").replace(">", "\\u003e")
        if len(raw) <= MAX_BUTTON_VALUE:
            return raw
        text = text[: len(text) - (len(raw) - MAX_BUTTON_VALUE) - 8]


def read_share_value(value: str) -> dict[str, str] | None:
    """The {command, text, lang} a Share button carries, or None if it isn't one of ours."""
    try:
        data = json.loads(value)
    except (TypeError, ValueError):
        return None
    if not isinstance(data, Mapping) or not isinstance(data.get("c"), str):
        return None
    text, lang = data.get("t", ""), data.get("l")
    if not isinstance(text, str) or not (lang is None or isinstance(lang, str)):
        return None
    return {"command": data["c"], "text": text, "lang": lang or ""}


def _fit(
    blocks: list[dict[str, Any]], tail: list[dict[str, Any]], lang: str
) -> list[dict[str, Any]]:
    """`blocks` then `tail`, dropping content blocks (with a note) to stay within 50 blocks."""
    room = MAX_BLOCKS - len(tail)
    if len(blocks) > room:
        blocks = [*blocks[: room - 1], _context(t(lang, "truncated"))]
    return blocks + tail


def fallback_text(reply: Reply, extra: str = "") -> str:
    """The plain `text` Slack shows in notifications and where blocks can't be shown."""
    text = escape(reply.plain_text())
    if extra:
        text = f"{text}\n{extra}" if text else extra
    return clip(text, MAX_FALLBACK) or "…"


def reply_lang(reply: Reply, request: Request | None, default: str) -> str:
    lang = reply.data.get("lang") if isinstance(reply.data, Mapping) else None
    if lang not in LANGUAGES and request is not None:
        lang = request.lang
    return lang if lang in LANGUAGES else default


def ephemeral_message(
    reply: Reply, request: Request | None, lang: str, files: Files | None = None
) -> dict[str, Any]:
    """A reply shown to the asker alone (its chart too), with its buttons
    (`chat.reply.Actions`)."""
    tail: list[dict[str, Any]] = []
    if reply.ok and (buttons := actions_block(reply, lang)):
        tail.append(buttons)
    blocks = _fit(content_blocks(reply, files), tail, lang)
    return {"response_type": "ephemeral", "text": fallback_text(reply), "blocks": blocks}


def public_message(
    reply: Reply, lang: str, shared_by: str | None = None, files: Files | None = None
) -> dict[str, Any]:
    """A reply posted in the channel, its chart shown in it."""
    tail: list[dict[str, Any]] = []
    if shared_by:
        tail.append(_context(t(lang, "shared_by", user=mention(shared_by))))
    if reply.ok and (buttons := actions_block(reply, lang, public=True)):
        tail.append(buttons)
    blocks = _fit(content_blocks(reply, files), tail, lang)
    extra = t(lang, "shared_by", user=mention(shared_by)) if shared_by else ""
    return {"text": fallback_text(reply, extra), "blocks": blocks}


def plain_message(text: str) -> dict[str, Any]:
    """One line, escaped like everything else, shown to the asker alone."""
    return {"response_type": "ephemeral", "text": escape(text)}
