"""What pressing a button does: the Reply that replaces the message it is under."""

from __future__ import annotations

import logging

from chat.reply import Actions, Button, Context, Paragraph, Reply
from chat.request import Request
from chat.wording import say
from commands.actions import MARKET_COMMANDS, RANGE_BUTTONS, Press, read_line
from commands.router import Router

log = logging.getLogger(__name__)


def pressed_request(pressed: Press, origin: Request) -> Request | None:
    """The request a range, Refresh or Share press runs (`origin` says where and who), or None
    for a press that is not one of ours."""
    line = pressed.value if pressed.action in ("refresh", "share") else pressed.context
    read = read_line(line)
    if read is None:
        return None
    command, text, lang = read
    options: dict[str, str] = {}
    if pressed.action == "range":
        if command not in MARKET_COMMANDS or pressed.value not in RANGE_BUTTONS:
            return None
        text = pressed.value if command == "stock" else ""
        if command == "brief":
            options["range"] = pressed.value
    elif command == "brief" and text in RANGE_BUTTONS:
        text, options = "", {"range": text}
    return Request(
        command=command,
        text=text,
        options=options,
        lang=lang,
        platform=origin.platform,
        workspace=origin.workspace,
        channel=origin.channel,
        user=origin.user,
        locale=origin.locale,
        can_manage_channel=origin.can_manage_channel,
    )


async def press(router: Router, pressed: Press, origin: Request) -> Reply | None:
    """The reply that replaces the message a button is under (None: not a press of ours).
    For Share it is the reply to post in the channel."""
    if pressed.action == "more":
        read = read_line(pressed.context)
        lang = read[2] if read else (origin.lang or "en")
        return _passage(router, pressed.value, lang, pressed.context)
    request = pressed_request(pressed, origin)
    if request is None:
        log.warning("ignored a button press (%s) with an unknown value", pressed.action[:20])
        return None
    reply = await router.handle(request)
    return reply.without_actions() if pressed.action == "share" and not reply.ok else reply


def _passage(router: Router, passage_id: str, lang: str, context: str) -> Reply | None:
    """The whole passage an answer was taken from, with its source, and Share."""
    knowledge = router.services.knowledge
    passage = next((p for p in knowledge.passages if p.id == passage_id), None)
    if passage is None:
        return Reply.error(say("button.expired", lang))
    article = knowledge.article(passage.article_id)
    share_line = context if " --full" in context else f"{context} --full"
    return Reply(
        (
            Paragraph(passage.text_in(lang)),
            Context(
                say(
                    "source", lang, article=article.title_in(lang), section=passage.section_in(lang)
                )
            ),
            Actions((Button("share", say("button.share", lang), share_line),), share_line),
        ),
        data={"lang": lang, "passage": passage_id, "answered": True},
    )
