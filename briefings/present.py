"""Turn a market report or a briefing into a platform-neutral Reply, in English or French."""

from __future__ import annotations

from briefings import formatting as fmt
from briefings.compose import Briefing, MarketReport, SymbolReport
from briefings.present_market import (
    earnings_line,
    earnings_reaction,
    sample_data_line,
    sample_notice,
)
from chat.reply import Block, Context, Fields, Heading, Image, Paragraph, Quote, Reply
from chat.wording import say


def _t(lang: str, key: str, **values: object) -> str:
    return say(f"briefing.{key}", lang, **values)


def _status_line(report: MarketReport, lang: str) -> str:
    company = report.company.figures
    last = fmt.day(company.as_of, lang) if company else "–"
    if report.intraday:
        return _t(
            lang, "status_early_close" if report.market_status == "early_close" else "status_open"
        )
    if report.historical and report.market_status == "closed":
        return _t(lang, "status_holiday", day=fmt.day(report.day, lang), last=last)
    if report.historical:
        return _t(lang, "status_session", day=last)
    return _t(lang, "status_closed_live", day=last)


def _market_fields(
    report: MarketReport, lang: str, article_day: str | None
) -> list[tuple[str, str]]:
    company = report.company
    f = company.figures
    if f is None:
        return []
    pct = fmt.percent
    label = "intraday_price" if report.intraday else "close"
    one_day = pct(f.change_1d_pct, lang) + (f" ⚠ {_t(lang, 'unusual')}" if f.unusual_move else "")
    rows = [
        (
            _t(lang, label, symbol=company.symbol),
            f"{fmt.price(f.close, lang)} ({fmt.day(f.as_of, lang)})",
        ),
        (_t(lang, "1d"), one_day),
        (_t(lang, "5d"), pct(f.change_5d_pct, lang)),
        (_t(lang, "1mo"), pct(f.change_1mo_pct, lang)),
        (_t(lang, "ytd"), pct(f.change_ytd_pct, lang)),
        (_t(lang, "52w"), pct(f.change_52w_pct, lang)),
    ]
    if article_day and f.since_article_pct is not None:
        rows.append((_t(lang, "since_article", day=article_day), pct(f.since_article_pct, lang)))
    if f.from_high_52w_pct is not None:
        rows.append(
            (
                _t(lang, "range_52w"),
                _t(
                    lang,
                    "range_52w_value",
                    high=pct(f.from_high_52w_pct, lang),
                    low=pct(f.from_low_52w_pct, lang),
                ),
            )
        )
    if f.volume_vs_avg_20d_pct is not None:
        rows.append(
            (
                _t(lang, "volume"),
                _t(
                    lang,
                    "volume_value",
                    volume=fmt.volume(f.volume, lang),
                    vs=pct(f.volume_vs_avg_20d_pct, lang),
                ),
            )
        )
    bench = report.benchmark
    if bench.figures is not None:
        rows.append(
            (
                _t(lang, "vs_benchmark", symbol=bench.symbol),
                _t(
                    lang,
                    "vs_benchmark_value",
                    d1=fmt.points(report.relative_1d_pts, lang),
                    ytd=fmt.points(report.relative_ytd_pts, lang),
                ),
            )
        )
    for other in (bench, *report.peers):
        rows.append((other.symbol, _peer_value(other, lang)))
    return rows


def _peer_value(report: SymbolReport, lang: str) -> str:
    if report.figures is None:
        return _t(lang, "unavailable", reason=report.unavailable or "?")
    return _t(
        lang,
        "peer_value",
        d1=fmt.percent(report.figures.change_1d_pct, lang),
        ytd=fmt.percent(report.figures.change_ytd_pct, lang),
    )


def _data_line(report: MarketReport, lang: str) -> str:
    company = report.company
    if company.series is None:
        return _t(lang, "data_none", reason=company.unavailable or "?")
    series = company.series
    if (sample := sample_data_line(report, lang)) is not None:
        return sample
    as_of = fmt.day(series.last.date, lang)
    fetched = fmt.moment(series.fetched_at, lang)
    if series.stale_reason:
        return _t(
            lang,
            "data_stale",
            source=fmt.source_name(series.source),
            reason=series.stale_reason,
            as_of=as_of,
            fetched=fetched,
        )
    if series.source.startswith("file "):
        return _t(lang, "data_file", source=fmt.source_name(series.source), as_of=as_of)
    return _t(lang, "data_fresh", source=series.source, as_of=as_of, fetched=fetched)


def _market_blocks(report: MarketReport, lang: str, article_day: str | None) -> list[Block]:
    blocks: list[Block] = [*sample_notice(report, lang), *earnings_reaction(report, lang)]
    if report.company.figures:
        blocks.append(Paragraph(_status_line(report, lang)))
    fields = _market_fields(report, lang, article_day)
    if fields:
        blocks.append(Fields(tuple(fields)))
    blocks += earnings_line(report, lang)
    return blocks


def briefing_reply(item: Briefing, public: bool = False) -> Reply:
    """The daily briefing: title, market, insight of the day, claim check, chart, footer."""
    lang, report = item.lang, item.market
    article_day = fmt.day(item.article.date, lang)
    symbol = report.company.symbol
    blocks: list[Block] = [
        Heading(_t(lang, "brief_title", symbol=symbol, day=fmt.long_day(report.day, lang)))
    ]
    blocks += _market_blocks(report, lang, article_day)
    topic = item.topic.label[lang] if item.topic else item.article.title_in(lang)
    blocks.append(Heading(_t(lang, "insight", topic=topic)))
    blocks.append(Quote(item.insight.text_in(lang), item.insight.section_in(lang)))
    if item.why:
        blocks.append(Paragraph(_t(lang, "why", text=item.why)))
    if item.claim_check:
        blocks.append(Paragraph(_t(lang, "claim", text=item.claim_check.describe(lang))))
    elif item.claim:
        blocks.append(Paragraph(_t(lang, "claim_unchecked", quote=item.claim.quote_in(lang))))
    if item.chart:
        alt = _t(lang, "chart_alt", symbol=symbol, range=say(f"range.{report.range_key}", lang))
        blocks.append(Image(item.chart, alt, f"{symbol.lower()}-{report.day.isoformat()}.png"))
    blocks.append(Context(_data_line(report, lang)))
    footer = _t(lang, "article", title=item.article.title_in(lang), day=article_day)
    blocks.append(Context(f"{footer}, {item.article.url}" if item.article.url else footer))
    return Reply(tuple(blocks), public=public, data=item.as_json())


def stock_reply(
    report: MarketReport,
    lang: str,
    chart: bytes | None,
    article_day: str | None,
    public: bool = False,
) -> Reply:
    """`/meta stock [range]`: the change over the range, the figures, the chart."""
    symbol = report.company.symbol
    range_name = say(f"range.{report.range_key}", lang)
    title = (
        _t(
            lang,
            "stock_title",
            symbol=symbol,
            range=range_name,
            change=fmt.percent(report.range_change_pct, lang),
        )
        if report.range_change_pct is not None
        else f"{symbol} · {range_name}"
    )
    blocks: list[Block] = [Heading(title)]
    blocks += _market_blocks(report, lang, article_day)
    if chart:
        blocks.append(
            Image(
                chart,
                _t(lang, "chart_alt", symbol=symbol, range=range_name),
                f"{symbol.lower()}-{report.range_key}.png",
            )
        )
    blocks.append(Context(_data_line(report, lang)))
    data = report.company.as_json()
    data.update(
        range=report.range_key,
        range_change_pct=report.range_change_pct,
        market_status=report.market_status,
        intraday=report.intraday,
        lang=lang,
        benchmark=report.benchmark.as_json(),
        peers=[p.as_json() for p in report.peers],
        earnings=report.earnings.as_json(),
    )
    return Reply(tuple(blocks), public=public, data=data)


# For the other replies built from a market report (the weekly digest).
market_status_line = _status_line
data_line = _data_line
