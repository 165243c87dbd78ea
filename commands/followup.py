"""A follow-up in a thread, read with the thread's previous question: "and in French?" asks it
again in French; "what about Reality Labs?" asks it about Reality Labs; a whole new question
stands alone. The chat adapters find the previous question; this decides what to ask."""

from __future__ import annotations

import re
from dataclasses import dataclass

from chat.reply import Context, Reply
from chat.request import Request
from chat.wording import say
from commands.router import Router

_LANGUAGE = {
    "fr": re.compile(r"\b(in french|en fran[cç]ais)\b", re.IGNORECASE),
    "en": re.compile(r"\b(in english|en anglais)\b", re.IGNORECASE),
}
_ELLIPTIC = re.compile(
    r"^\s*(?:and|what about|how about|and what about|et|et pour|et sur|qu[’']en est-il (?:de|du|des)"
    r"|et (?:du|de la|des|de))\s+(?P<subject>.+?)\s*[?？]?\s*$",
    re.IGNORECASE,
)
MAX_WORDS = 8  # longer than this, a follow-up is a question of its own
MENTION = re.compile(r"<@!?[A-Z0-9]+>", re.IGNORECASE)


@dataclass(frozen=True)
class Question:
    text: str
    lang: str | None = None
    follows: str = ""  # the previous question it was read with, if any


def without_mentions(text: str) -> str:
    """`<@U0BOT> what is LLaMA?` -> `what is LLaMA?`"""
    return " ".join(MENTION.sub(" ", text).split())


def read_follow_up(text: str, previous: str | None) -> Question:
    """What to ask for `text`, said after `previous` in the same thread."""
    text = without_mentions(text)
    if not previous or len(text.split()) > MAX_WORDS:
        return Question(text)
    for lang, pattern in _LANGUAGE.items():
        if pattern.search(text):
            rest = pattern.sub(" ", text).strip(" ?.!,").lower()
            if rest in ("", "and", "et", "now", "maintenant", "please", "stp"):
                return Question(previous, lang, previous)
    if match := _ELLIPTIC.match(text):
        return Question(f"{match['subject']}: {previous}", None, previous)
    return Question(text)


async def answer(router: Router, question: Question, origin: Request) -> Reply:
    """`help`, or the question asked with `ask`, with a note when it was read as a follow-up."""
    words = question.text.strip().lower()
    command = "help" if words in ("help", "aide", "?") else "ask"
    request = Request(
        command,
        text="" if command == "help" else question.text,
        lang=question.lang,
        platform=origin.platform,
        workspace=origin.workspace,
        channel=origin.channel,
        user=origin.user,
        locale=origin.locale,
        can_manage_channel=origin.can_manage_channel,
    )
    reply = await router.handle(request)
    if not question.follows or not reply.ok:
        return reply
    lang = reply.data.get("lang") if reply.data else None
    note = Context(
        say(
            "followup.context",
            lang if isinstance(lang, str) else "en",
            question=question.follows[:120],
        )
    )
    return Reply((*reply.blocks, note), ok=reply.ok, public=reply.public, data=reply.data)
