"""`/meta stock [range]`: how META is moving, with its chart."""

from __future__ import annotations

from briefings import formatting
from briefings.compose import RANGES, chart_for, market_report
from briefings.market.bars import MarketDataError
from briefings.present import stock_reply
from chat.reply import Reply
from chat.request import Request
from chat.wording import both
from commands.base import Command, CommandError, Option, language_of
from commands.market_channel import symbols_for
from commands.market_options import market_options
from commands.services import Services


async def stock(request: Request, services: Services) -> Reply:
    lang = language_of(request, services)
    options = market_options(request, allow_range=True)
    settings = services.settings
    article = services.knowledge.latest_article
    benchmark, peers = await symbols_for(services, request.origin)
    try:
        report = await market_report(
            services.market,
            settings.market.company_symbol,
            benchmark,
            list(peers),
            services.clock(),
            options.day,
            options.range_key,
            article.date,
        )
    except MarketDataError as exc:
        raise CommandError("market_data", detail=exc.args[0]) from None
    chart = await chart_for(services.market, report, lang, article.date)
    return stock_reply(report, lang, chart, formatting.day(article.date, lang), options.share)


COMMAND = Command(
    name="stock",
    usage=f"stock [{'|'.join(RANGES)}] [share]",
    summary=both("summary_stock"),
    run=stock,
    options=(
        Option("range", "Period of the change and the chart", choices=tuple(RANGES)),
        Option("share", "Post it in the channel for everyone", choices=("true", "false")),
    ),
    slow=True,
)
