"""A pass's briefings, each made once: one market part (report, chart, news) per (day, language,
symbols), and one Reply per market part, insight, cadence and late note, which every channel
that gets the same briefing shares (its platform renders that same object once too)."""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
from dataclasses import replace
from typing import TYPE_CHECKING

from briefings.compose import briefing, chart_for, market_report
from briefings.digest import digest_reply
from briefings.market.news import RECENT, WEEK
from briefings.news_present import with_news
from briefings.present import briefing_reply
from briefings.subscriptions.model import weekly_day
from briefings.subscriptions.timing import Due
from chat.reply import Context, Reply
from chat.wording import say
from commands.brief import insight_of_the_day
from commands.market_channel import Symbols

if TYPE_CHECKING:
    from commands.services import Services

log = logging.getLogger(__name__)
WEEKLY_HEADLINES = 5  # headlines at most in a weekly digest
MarketKey = tuple[dt.date, str, Symbols]  # day, language, symbols
Part = tuple[object, bytes | None]  # the market report and its chart


class Briefs:
    """The market parts and replies of one pass at `at`."""

    def __init__(self, services: Services, at: dt.datetime) -> None:
        self.services = services
        self.at = at
        self._parts: dict[MarketKey, asyncio.Task[Part]] = {}
        self._replies: dict[tuple[object, ...], Reply] = {}

    @property
    def built(self) -> int:
        return len(self._parts)

    @property
    def replies(self) -> int:
        return len(self._replies)

    def start(self, key: MarketKey) -> None:
        """Begin building the market part of `key` (once)."""
        if key not in self._parts:
            _day, lang, symbols = key
            self._parts[key] = asyncio.create_task(self._market_part(lang, symbols))

    async def part(self, key: MarketKey) -> Part:
        self.start(key)
        return await self._parts[key]

    async def _market_part(self, lang: str, symbols: Symbols) -> Part:
        services, settings = self.services, self.services.settings
        article = services.knowledge.latest_article
        benchmark, peers = symbols
        # the market calendar is built once, in seconds: in a thread, never on the loop
        await asyncio.to_thread(lambda: services.market.calendar.bounds)
        report = await market_report(
            services.market,
            settings.market.company_symbol,
            benchmark,
            list(peers),
            self.at,
            article_date=article.date,
        )
        if services.news is not None:  # today's for briefings, the week's for digests
            await services.news.latest(settings.market.company_symbol)
            await services.news.latest(settings.market.company_symbol, WEEKLY_HEADLINES, WEEK)
        try:
            chart = await chart_for(services.market, report, lang, article.date)
        except Exception:
            log.exception("chart failed for the %s briefing; posting without it", lang)
            chart = None
        return report, chart

    def replies_for(self, batch: list[tuple[Due, MarketKey, Part]]) -> list[Reply | Exception]:
        """`reply_for` of each, or what it raised (blocking: one trip to a thread for a batch
        of posts)."""
        out: list[Reply | Exception] = []
        for due, key, part in batch:
            try:
                out.append(self.reply_for(due, key, part))
            except Exception as error:
                out.append(error)
        return out

    def reply_for(self, due: Due, key: MarketKey, part: Part) -> Reply:
        """The channel's briefing (blocking: a language model may be asked, so call it from a
        thread), the same object for every channel whose briefing is the same."""
        sub, services = due.subscription, self.services
        weekly = weekly_day(sub.cadence) is not None
        passage = None if weekly else insight_of_the_day(services, sub.origin, due.day)
        note = (
            say("posted_late", sub.language, time=sub.time_text, zone=sub.zone)
            if due.late
            else None
        )
        wanted = (key, weekly, passage.id if passage else None, note)
        if (cached := self._replies.get(wanted)) is not None:
            return cached
        market, chart = part
        knowledge = services.knowledge
        if passage is None:  # `weekly DAY`: the weekly digest
            reply = digest_reply(sub.language, market, knowledge, chart)  # type: ignore[arg-type]
        else:
            made = briefing(sub.language, market, knowledge, passage, chart, services.answerer)  # type: ignore[arg-type]
            reply = briefing_reply(made, public=True)
        if services.news is not None:
            symbol = services.settings.market.company_symbol  # warmed in `_market_part`
            reply = with_news(
                reply, services.news.last(symbol, WEEK if weekly else RECENT), sub.language
            )
        if note is not None:
            reply = replace(reply, blocks=(*reply.blocks, Context(note)))
        self._replies[wanted] = reply
        return reply
