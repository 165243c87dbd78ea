"""`/meta topics`: what the articles cover, one line a topic."""

from __future__ import annotations

from chat.reply import BulletList, Context, Heading, Reply
from chat.request import Request
from chat.wording import both, say
from commands.base import LANG_OPTION, Command, language_of
from commands.services import Services


def topics(request: Request, services: Services) -> Reply:
    lang = language_of(request, services)
    knowledge = services.knowledge
    counts = knowledge.topic_counts()
    lines = tuple(
        f"{t.label[lang]} ({t.id}): {t.description[lang]}"
        for t in knowledge.topics.values()
        if counts.get(t.id)
    )
    data = {
        "lang": lang,
        "topics": [
            {
                "id": t.id,
                "label": t.label[lang],
                "description": t.description[lang],
                "passages": counts[t.id],
            }
            for t in knowledge.topics.values()
            if counts.get(t.id)
        ],
    }
    return Reply(
        (Heading(say("topics_title", lang)), BulletList(lines), Context(say("topics_hint", lang))),
        data=data,
    )


COMMAND = Command(
    name="topics",
    usage="topics [--lang en|fr]",
    summary=both("summary_topics"),
    run=topics,
    options=(LANG_OPTION,),
)
