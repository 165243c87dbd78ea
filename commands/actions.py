"""The buttons under a reply, whatever the platform.

`with_actions` (called by the router) puts them under the replies that can change in place:
range buttons, Refresh and Share under `stock` and `brief`; More (the whole passage) and Share
under an answer; nothing under help, errors or "no answer". A press comes back as a `Press`,
which `commands.buttons.press` answers.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from chat.reply import Actions, Button, Reply
from chat.request import Request
from chat.wording import LANGUAGES, say

RANGE_BUTTONS = ("1d", "5d", "1mo", "ytd", "1y")
MARKET_COMMANDS = ("stock", "brief")
_LINE = re.compile(r"^--lang (?P<lang>[a-z]{2}) (?P<command>[a-z]+)(?: (?P<text>.*))?$", re.S)


@dataclass(frozen=True)
class Press:
    """A button pressed: its action (`range`, `refresh`, `share`, `more`), its value, and the
    request line (`--lang fr stock 1mo`) of the message it is under."""

    action: str
    value: str
    context: str


def request_line(command: str, text: str, lang: str) -> str:
    """`--lang fr stock 1mo`: what a button runs again (read back by `read_line`)."""
    return " ".join(part for part in ("--lang", lang, command, text.strip()) if part)


def read_line(line: str) -> tuple[str, str, str] | None:
    """(command, text, lang) from a request line, or None if it is not one of ours."""
    match = _LINE.match(line.strip())
    if match is None or match["lang"] not in LANGUAGES:
        return None
    return match["command"], (match["text"] or "").strip(), match["lang"]


def _lang(request: Request, reply: Reply) -> str:
    lang = reply.data.get("lang") if reply.data else None
    return lang if lang in LANGUAGES else (request.lang if request.lang in LANGUAGES else "en")


def with_actions(request: Request, reply: Reply) -> Reply:
    """`reply` with the buttons it should carry (none for a refusal or an error)."""
    if not reply.ok or reply.actions is not None:
        return reply
    lang = _lang(request, reply)
    buttons: list[Button] = []
    if request.command in MARKET_COMMANDS:
        shown = str(reply.data.get("range") or request.option("range") or "")
        text = shown if request.command == "stock" or request.option("range") else ""
        context = request_line(request.command, text, lang)
        buttons += [
            Button("range", key.upper() if key == "ytd" else key, key, selected=key == shown)
            for key in RANGE_BUTTONS
        ]
        buttons.append(Button("refresh", say("button.refresh", lang), context))
    elif request.command == "ask" and reply.data.get("answered"):
        question = str(reply.data.get("question") or request.text)
        context = request_line("ask", question, lang)
        if passage := reply.data.get("passage"):
            buttons.append(Button("more", say("button.more", lang), str(passage)))
    else:
        return reply
    if not reply.public:
        buttons.append(Button("share", say("button.share", lang), context))
    return Reply(
        (*reply.blocks, Actions(tuple(buttons), context)),
        ok=reply.ok,
        public=reply.public,
        data=reply.data,
        internal_error=reply.internal_error,
    )
