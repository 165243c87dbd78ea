"""`/meta insight [topic]`: one passage worth knowing, rotating fairly per channel."""

from __future__ import annotations

import logging
import unicodedata
from collections.abc import Iterable, Sequence

from briefings.knowledge import Topic
from briefings.storage.faults import problem_of
from chat.reply import Context, Heading, Quote, Reply
from chat.request import Request
from chat.wording import both, say
from commands.base import LANG_OPTION, Command, Option, language_of
from commands.citations import citation
from commands.services import Services
from commands.suggest import nearest

log = logging.getLogger(__name__)


def rotate(services: Services, scope: str, candidates: Sequence[str]) -> str:
    """The scope's next passage in its fair rotation. When the database is busy or failing,
    any candidate (not recorded), so an insight is still shown; the rotation resumes after."""
    try:
        return services.rotation.next(scope, candidates, services.clock())
    except Exception as exc:
        if problem_of(exc) is None:
            raise
        log.info("insight rotation not recorded for %s: the database is unavailable", scope)
        return services.rng.choice(list(candidates))


def _asked_in(request: Request, services: Services, wanted: str, topic: Topic | None) -> str:
    """A topic named by its label in one language only means an asker of that language
    (`insight publicité` is French). Otherwise (a name both languages share, a word that is no
    topic, which says too little to tell) the usual rule: `--lang`, the locale, the default."""
    if request.lang is None and topic is not None:
        named = [lang for lang, label in topic.label.items() if _fold(label) == _fold(wanted)]
        if len(named) == 1:
            return named[0]
    return language_of(request, services)


def _fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if c.isalnum())


def _nearest_topic(wanted: str, topics: Iterable[Topic], lang: str) -> str | None:
    """The topic someone probably meant ("ads": advertising), by its id or a label in any
    language, named as they would type it in `lang`."""
    names = {name: topic for topic in topics for name in (topic.id, *topic.label.values())}
    found = nearest(wanted, names)
    return names[found].label[lang].lower() if found else None


def insight(request: Request, services: Services) -> Reply:
    knowledge = services.knowledge
    wanted = (request.option("topic") or request.text).strip()
    topic = knowledge.find_topic(wanted) if wanted else None
    lang = _asked_in(request, services, wanted, topic)
    if wanted and topic is None:
        names = ", ".join(t.label[lang] for t in knowledge.topics.values())
        suggestion = _nearest_topic(wanted, knowledge.topics.values(), lang)
        if suggestion:
            text = say(
                "unknown_topic_suggestion",
                lang,
                topic=wanted[:60],
                suggestion=suggestion,
                topics=names,
            )
        else:
            text = say("unknown_topic", lang, topic=wanted[:60], topics=names)
        return Reply.error(text, COMMAND.usage_line(lang, request.platform))
    candidates = knowledge.insights(topic)
    scope = request.origin.rotation_scope(topic.id if topic else "*")
    chosen_id = rotate(services, scope, [p.id for p in candidates])
    passage = next(p for p in candidates if p.id == chosen_id)
    article = knowledge.article(passage.article_id)
    shown_topic = topic or knowledge.topics[passage.topics[0]] if passage.topics else None
    label = shown_topic.label[lang] if shown_topic else article.title_in(lang)
    data = {
        "text": passage.text_in(lang),
        "section": passage.section_in(lang),
        "topic": shown_topic.id if shown_topic else None,
        "article": article.title_in(lang),
        "url": article.url or None,
        "date": article.date.isoformat(),
        "lang": lang,
    }
    return Reply(
        (
            Heading(say("insight_title", lang, topic=label)),
            Quote(passage.text_in(lang), passage.section_in(lang)),
            Context(citation(article, passage, lang)),
        ),
        data=data,
    )


COMMAND = Command(
    name="insight",
    usage="insight [topic] [--lang en|fr]",
    summary=both("summary_insight"),
    run=insight,
    options=(Option("topic", "A topic from /meta topics", autocomplete="topics"), LANG_OPTION),
)
