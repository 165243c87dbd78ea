"""The weekly digest (a `weekly DAY` subscription): the week's move against the benchmark and
peers, the week's new articles, the next earnings date, and the chart."""

from __future__ import annotations

import datetime as dt

from briefings import formatting as fmt
from briefings.compose import MarketReport
from briefings.knowledge import KnowledgeBase
from briefings.market.movements import relative_pct
from briefings.present import data_line, market_status_line
from briefings.present_market import earnings_line, sample_notice
from chat.reply import Block, BulletList, Context, Fields, Heading, Image, Paragraph, Reply
from chat.wording import say

WEEK = dt.timedelta(days=7)


def _fields(report: MarketReport, lang: str) -> list[tuple[str, str]]:
    company = report.company
    if company.figures is None:
        return []
    week = company.figures.change_5d_pct
    rows = [(say("digest.week", lang, symbol=company.symbol), fmt.percent(week, lang))]
    bench = report.benchmark
    if bench.figures is not None:
        gap = relative_pct(week, bench.figures.change_5d_pct)
        rows.append((say("digest.vs", lang, symbol=bench.symbol), fmt.points(gap, lang)))
    for other in (bench, *report.peers):
        if other.figures is None:
            value = say("briefing.unavailable", lang, reason=other.unavailable or "?")
        else:
            change = fmt.percent(other.figures.change_5d_pct, lang)
            value = say("digest.peer_week", lang, change=change)
        rows.append((other.symbol, value))
    return rows


def digest_reply(
    lang: str,
    report: MarketReport,
    knowledge: KnowledgeBase,
    chart: bytes | None,
    public: bool = True,
) -> Reply:
    symbol = report.company.symbol
    title = say("digest.title", lang, symbol=symbol, day=fmt.long_day(report.day, lang))
    blocks: list[Block] = [Heading(title), *sample_notice(report, lang)]
    if report.company.figures is not None:
        blocks.append(Paragraph(market_status_line(report, lang)))
    if fields := _fields(report, lang):
        blocks.append(Fields(tuple(fields)))
    blocks += earnings_line(report, lang)
    blocks.append(Heading(say("digest.articles", lang)))
    new = sorted(
        (a for a in knowledge.articles if report.day - WEEK < a.date <= report.day),
        key=lambda a: a.date,
        reverse=True,
    )
    if new:
        items = [
            say("digest.article", lang, title=a.title_in(lang), day=fmt.day(a.date, lang))
            for a in new
        ]
        blocks.append(BulletList(tuple(items)))
    else:
        blocks.append(Paragraph(say("digest.no_articles", lang)))
    if chart:
        alt = say("briefing.chart_alt", lang, symbol=symbol, range=say("range.3mo", lang))
        blocks.append(Image(chart, alt, f"{symbol.lower()}-week-{report.day.isoformat()}.png"))
    blocks.append(Context(data_line(report, lang)))
    data = {
        "digest": "weekly",
        "date": report.day.isoformat(),
        "symbol": symbol,
        "change_5d_pct": report.company.figures.change_5d_pct if report.company.figures else None,
        "peers": [
            {"symbol": p.symbol, "change_5d_pct": p.figures.change_5d_pct if p.figures else None}
            for p in (report.benchmark, *report.peers)
        ],
        "articles": [a.id for a in new],
        "earnings": report.earnings.as_json(),
    }
    return Reply(tuple(blocks), public=public, data=data)
