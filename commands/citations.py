"""How an answer or an insight names its article: title and section for a shipped article;
title, date and link for one read from a source."""

from __future__ import annotations

from briefings.formatting import day
from briefings.knowledge import Article, Passage
from chat.wording import say


def citation(article: Article, passage: Passage, lang: str) -> str:
    title = article.title_in(lang)
    if not article.url:
        return say("source", lang, article=title, section=passage.section_in(lang))
    return say("source_link", lang, article=title, date=day(article.date, lang), url=article.url)
