"""`/meta brief`: today's briefing: META's movements beside an insight from the articles."""

from __future__ import annotations

import asyncio

from briefings.compose import briefing, chart_for, market_report
from briefings.knowledge import Passage
from briefings.market.bars import MarketDataError
from briefings.present import briefing_reply
from chat.reply import Reply
from chat.request import Origin, Request
from chat.wording import both
from commands.base import Command, CommandError, Option, language_of
from commands.market_options import market_options
from commands.services import Services


def insight_of_the_day(services: Services, origin: Origin) -> Passage:
    """The briefing's insight for a channel: the next in its fair rotation, the same rotation
    whether the briefing was asked for (`/meta brief`) or scheduled (the fan-out)."""
    candidates = services.knowledge.insights()
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
            options.range_key,  # the default, unless a range button asked for another
            article_date=article.date,
        )
    except MarketDataError as exc:
        raise CommandError("market_data", detail=exc.args[0]) from None
    chart = await chart_for(services.market, report, lang, article.date)
    passage = insight_of_the_day(services, request.origin)
    item = await asyncio.to_thread(
        briefing, lang, report, knowledge, passage, chart, services.answerer
    )
    return briefing_reply(item, options.share)


COMMAND = Command(
    name="brief",
    usage="brief [share]",
    summary=both("summary_brief"),
    run=brief,
    options=(Option("share", "Post it in the channel for everyone", choices=("true", "false")),),
    slow=True,
)
