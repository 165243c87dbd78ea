"""`/meta brief`: today's briefing: META's movements beside an insight from the articles."""

from __future__ import annotations

import asyncio

from briefings.compose import briefing, chart_for, market_report
from briefings.knowledge import Passage
from briefings.market.bars import MarketDataError
from briefings.news_present import with_news
from briefings.present import briefing_reply
from chat.reply import Reply
from chat.request import Origin, Request
from chat.wording import both
from commands.base import Command, CommandError, Option, language_of
from commands.market_options import market_options
from commands.services import Services

FRESH_DAYS = 30


def insight_of_the_day(services: Services, origin: Origin) -> Passage:
    """The briefing's insight for a channel: the next in its fair rotation, the same rotation
    whether the briefing was asked for (`/meta brief`) or scheduled (the fan-out). Passages of
    articles from the last FRESH_DAYS come first."""
    knowledge = services.knowledge
    candidates = knowledge.insights()
    today = services.clock().date()
    dates = {a.id: a.date for a in knowledge.articles}
    fresh = [p for p in candidates if 0 <= (today - dates[p.article_id]).days <= FRESH_DAYS]
    candidates = fresh or candidates  # articles from sources keep the insight of the day fresh
    scope = origin.rotation_scope("brief")
    chosen = services.rotation.next(scope, [p.id for p in candidates], services.clock())
    return next(p for p in candidates if p.id == chosen)


async def brief(request: Request, services: Services) -> Reply:
    lang = language_of(request, services)
    options = market_options(request, allow_range=False)
    settings, knowledge = services.settings, services.knowledge
    article = knowledge.latest_article
    try:
        report = await market_report(
            services.market,
            settings.market.company_symbol,
            settings.market.benchmark_symbol,
            settings.market.peers,
            services.clock(),
            options.day,
            article_date=article.date,
        )
    except MarketDataError as exc:
        raise CommandError("market_data", detail=exc.args[0]) from None
    chart = await chart_for(services.market, report, lang, article.date)
    passage = insight_of_the_day(services, request.origin)
    item = await asyncio.to_thread(
        briefing, lang, report, knowledge, passage, chart, services.answerer
    )
    reply = briefing_reply(item, options.share)
    if services.news is None or options.day is not None:  # a past day: no headlines of today
        return reply
    news = await services.news.latest(settings.market.company_symbol)
    return with_news(reply, news, lang)


COMMAND = Command(
    name="brief",
    usage="brief [share]",
    summary=both("summary_brief"),
    run=brief,
    options=(Option("share", "Post it in the channel for everyone", choices=("true", "false")),),
    slow=True,
)
