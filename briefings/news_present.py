"""The briefing's "In the news" part: up to three fresh headlines with their links and time,
and "as of" when they come from storage because Yahoo was away."""

from __future__ import annotations

import dataclasses

from briefings import formatting as fmt
from briefings.market.news import News
from chat.reply import BulletList, Context, Heading, Reply
from chat.wording import say


def with_news(reply: Reply, news: News | None, lang: str) -> Reply:
    """`reply` with the part inserted before its closing small print (none: unchanged)."""
    if news is None or not news.headlines:
        return reply
    items = tuple(
        say(
            "news_item",
            lang,
            title=h.title,
            publisher=h.publisher or "Yahoo Finance",
            time=fmt.moment(h.published, lang),
            url=h.url,
        )
        for h in news.headlines
    )
    part: list = [Heading(say("news_title", lang)), BulletList(items)]
    if news.as_of is not None:
        part.append(Context(say("news_as_of", lang, time=fmt.moment(news.as_of, lang))))
    blocks = list(reply.blocks)
    at = len(blocks)
    while at > 0 and isinstance(blocks[at - 1], Context):
        at -= 1
    blocks[at:at] = part
    data = {
        **reply.data,
        "news": [
            {"title": h.title, "url": h.url, "published": h.published.isoformat()}
            for h in news.headlines
        ],
    }
    return dataclasses.replace(reply, blocks=tuple(blocks), data=data)
