"""`/meta brief`: today's briefing: META's movements beside an insight from the articles."""

from __future__ import annotations

import asyncio
import datetime as dt
from dataclasses import replace
from zoneinfo import ZoneInfo

from briefings.compose import briefing, chart_for, market_report
from briefings.knowledge import Passage
from briefings.market.bars import MarketDataError
from briefings.news_present import with_news
from briefings.present import briefing_reply
from chat.reply import Reply
from chat.request import Origin, Request
from chat.wording import both
from commands.base import LANGUAGES, Command, CommandError, Option, language_of
from commands.market_channel import symbols_for
from commands.market_options import market_options
from commands.services import Services

FRESH_DAYS = 30


def insight_of_the_day(services: Services, origin: Origin, day: dt.date | None = None) -> Passage:
    """The briefing's insight for a channel on `day` (its local date; today in UTC when not
    given): the same all day, whether asked for (`/meta brief`) or scheduled (the fan-out),
    the next one the next day, in a fair rotation of the channel's own. Passages of articles
    from the last FRESH_DAYS come first."""
    from briefings.knowledge.rotation import of_the_day

    knowledge = services.knowledge
    candidates = knowledge.insights()
    today = day or services.clock().date()
    dates = {a.id: a.date for a in knowledge.articles}
    fresh = [p for p in candidates if 0 <= (today - dates[p.article_id]).days <= FRESH_DAYS]
    candidates = fresh or candidates  # articles from sources keep the insight of the day fresh
    scope = origin.rotation_scope("brief")
    chosen = of_the_day(scope, [p.id for p in candidates], day or services.clock().date())
    return next(p for p in candidates if p.id == chosen)


def _channel_day(services: Services, request: Request) -> dt.date:
    """Today where the channel lives: in its subscription's zone when it has one, else UTC."""
    now = services.clock()
    sub = services.subscriptions.get(request.platform, request.workspace, request.channel)
    return now.astimezone(ZoneInfo(sub.zone)).date() if sub else now.astimezone(dt.UTC).date()


def _language_word(request: Request) -> Request:
    """`brief fr` as `subscribe ... fr` reads it: a language word chooses the briefing's
    language (an explicit `--lang` still wins)."""
    words = request.text.split()
    chosen = [w.lower() for w in (*words, request.option("language")) if w.lower() in LANGUAGES]
    if not chosen:
        return request
    rest = " ".join(w for w in words if w.lower() not in LANGUAGES)
    return replace(request, text=rest, lang=request.lang or chosen[-1])


async def brief(request: Request, services: Services) -> Reply:
    request = _language_word(request)
    lang = language_of(request, services)
    options = market_options(request, allow_range=False)
    settings, knowledge = services.settings, services.knowledge
    article = knowledge.latest_article
    benchmark, peers = await symbols_for(services, request.origin)
    try:
        report = await market_report(
            services.market,
            settings.market.company_symbol,
            benchmark,
            list(peers),
            services.clock(),
            options.day,
            options.range_key,  # the default, unless a range button asked for another
            article_date=article.date,
        )
    except MarketDataError as exc:
        raise CommandError("market_data", detail=exc.args[0]) from None
    chart = await chart_for(services.market, report, lang, article.date)
    day = options.day or await asyncio.to_thread(_channel_day, services, request)
    passage = await asyncio.to_thread(insight_of_the_day, services, request.origin, day)
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
    usage="brief [en|fr] [share]",
    summary=both("summary_brief"),
    run=brief,
    options=(
        Option("language", "Language of the briefing", choices=LANGUAGES),
        Option("share", "Post it in the channel for everyone", choices=("true", "false")),
    ),
    slow=True,
)
