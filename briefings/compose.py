"""Build the market report and the daily briefing from market data and the knowledge base.

Everything here is platform-neutral data; `briefings/present.py` turns it into a Reply.
"""

from __future__ import annotations

import asyncio
import dataclasses
import datetime as dt
import logging
from dataclasses import dataclass
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from briefings.claims import ClaimCheck, check_claim, claims_in
from briefings.knowledge import Article, Claim, KnowledgeBase, Passage, Topic
from briefings.market.bars import MarketDataError, MarketDataUnavailable, Series
from briefings.market.earnings import NO_EARNINGS, EarningsView, earnings_view
from briefings.market.movements import Figures, compute_figures, relative_pct
from briefings.market.service import MarketService
from chat.wording import Phrase

if TYPE_CHECKING:
    from briefings.answers import Answerer

log = logging.getLogger(__name__)
NEW_YORK = ZoneInfo("America/New_York")
# Sessions shown by each `stock` range; None: since the last close of the previous year.
RANGES: dict[str, int | None] = {
    "1d": 1,
    "5d": 5,
    "1mo": 21,
    "3mo": 63,
    "6mo": 126,
    "ytd": None,
    "1y": 252,
}
DEFAULT_RANGE = "3mo"
FIGURE_FIELDS = [f.name for f in dataclasses.fields(Figures)]


@dataclass(frozen=True)
class SymbolReport:
    """One symbol's figures, or why there are none."""

    symbol: str
    figures: Figures | None
    series: Series | None
    unavailable: str | None = None

    def as_json(self) -> dict[str, object]:
        values: dict[str, object] = dict.fromkeys(FIGURE_FIELDS)
        if self.figures is not None:
            values.update(dataclasses.asdict(self.figures))
            values["as_of"] = self.figures.as_of.isoformat()
        values["symbol"] = self.symbol
        values["data_source"] = self.series.source if self.series else None
        values["stale_reason"] = self.series.stale_reason if self.series else None
        values["unavailable"] = self.unavailable
        return values


@dataclass(frozen=True)
class MarketReport:
    day: dt.date  # the New York day the report speaks of
    historical: bool  # computed as of a past close (--date)
    company: SymbolReport
    benchmark: SymbolReport
    peers: tuple[SymbolReport, ...]
    market_status: str  # open | closed | early_close
    intraday: bool
    range_key: str
    range_change_pct: float | None
    generated_at: dt.datetime
    earnings: EarningsView = NO_EARNINGS

    @property
    def relative_1d_pts(self) -> float | None:
        return _relative(self.company, self.benchmark, "change_1d_pct")

    @property
    def relative_ytd_pts(self) -> float | None:
        return _relative(self.company, self.benchmark, "change_ytd_pct")


@dataclass(frozen=True)
class Briefing:
    lang: str
    market: MarketReport
    insight: Passage
    topic: Topic | None
    article: Article
    claim: Claim | None
    claim_check: ClaimCheck | None
    chart: bytes | None
    why: str | None = None  # "why it matters", from a language model when one is configured

    def as_json(self) -> dict[str, object]:
        report = self.market
        data = report.company.as_json()
        data.update(
            market_status=report.market_status,
            intraday=report.intraday,
            lang=self.lang,
            date=report.day.isoformat(),
            relative_to_benchmark={
                "change_1d_pts": report.relative_1d_pts,
                "change_ytd_pts": report.relative_ytd_pts,
            },
            benchmark=report.benchmark.as_json(),
            peers=[p.as_json() for p in report.peers],
            insight={
                "text": self.insight.text_in(self.lang),
                "section": self.insight.section_in(self.lang),
                "topic": self.topic.id if self.topic else None,
                "article": self.article.title_in(self.lang),
                "why_it_matters": self.why,
            },
            claim_check=self.claim_check.as_json() if self.claim_check else None,
            earnings=report.earnings.as_json(),
            generated_at=report.generated_at.isoformat(),
        )
        return data


def _relative(a: SymbolReport, b: SymbolReport, field: str) -> float | None:
    if a.figures is None or b.figures is None:
        return None
    return relative_pct(getattr(a.figures, field), getattr(b.figures, field))


def range_change(series: Series, range_key: str) -> float | None:
    """The change over a `stock` range, in percent, from the bars' end."""
    bars = series.bars
    sessions = RANGES[range_key]
    if sessions is None:
        base = [b for b in bars if b.date.year < bars[-1].date.year]
        start = base[-1].close if base else None
    else:
        start = bars[-1 - sessions].close if len(bars) > sessions else None
    return None if start is None else round((bars[-1].close / start - 1) * 100, 2)


def _symbol_report(
    symbol: str, got: Series | MarketDataUnavailable, day: dt.date | None, article: dt.date | None
) -> SymbolReport:
    if isinstance(got, MarketDataUnavailable):
        return SymbolReport(symbol, None, None, got.reason)
    series = got.up_to(day) if day else got
    if not series.bars:
        first = got.bars[0].date.isoformat() if got.bars else "?"
        reason = Phrase("reason.none_before", day=str(day), first=first)
        return SymbolReport(symbol, None, None, reason)
    return SymbolReport(symbol, compute_figures(series, article_date=article), series)


async def market_report(
    market: MarketService,
    company: str,
    benchmark: str,
    peers: list[str],
    now: dt.datetime,
    day: dt.date | None = None,
    range_key: str = DEFAULT_RANGE,
    article_date: dt.date | None = None,
) -> MarketReport:
    """Figures for the company, benchmark and peers, as of `day`'s close or as of `now`
    (bars after `now`'s New York date are never used).

    Raises MarketDataError when `day` is before the company's first bar.
    """
    symbols = [company, benchmark, *peers]
    results = await asyncio.gather(*(market.series(s) for s in symbols))
    earnings = await market.earnings(company)
    company_got = results[0]
    if (
        day
        and isinstance(company_got, Series)
        and company_got.bars
        and company_got.bars[0].date > day
    ):
        first = company_got.bars[0].date.isoformat()
        raise MarketDataError(
            Phrase("date_before_data", day=day.isoformat(), symbol=company, first=first)
        )
    cutoff = day or now.astimezone(NEW_YORK).date()
    reports = [
        _symbol_report(s, r, cutoff, article_date) for s, r in zip(symbols, results, strict=True)
    ]
    calendar = market.calendar
    if day:
        status, intraday, report_day = calendar.session_status(day), False, day
    else:
        report_day = now.astimezone(NEW_YORK).date()
        open_now = calendar.is_open_at(now)
        status = calendar.session_status(report_day) if open_now else "closed"
        last = reports[0].figures.as_of if reports[0].figures else None
        intraday = open_now and last == report_day
    main = reports[0]
    return MarketReport(
        day=report_day,
        historical=day is not None,
        company=main,
        benchmark=reports[1],
        peers=tuple(reports[2:]),
        market_status=status,
        intraday=intraday,
        range_key=range_key,
        range_change_pct=range_change(main.series, range_key) if main.series else None,
        generated_at=now,
        earnings=earnings_view(earnings, report_day, main.series),
    )


async def chart_for(
    market: MarketService, report: MarketReport, lang: str, article_date: dt.date | None
) -> bytes | None:
    """The report's chart, rendered once per (day, language, range, data) and off the loop;
    `1d` from the latest session's 5-minute bars when Yahoo has them (not for a past `--date`)."""
    company = report.company.series
    if company is None:
        return None
    from briefings.market.chart import render_chart

    sessions = RANGES[report.range_key] or _sessions_this_year(company)
    intraday = None
    if report.range_key == "1d" and not report.historical:
        intraday = await market.intraday(company.symbol)
    key = (
        company.symbol,
        company.last.date,
        report.day,
        lang,
        report.range_key,
        company.source,
        report.benchmark.series.last.date if report.benchmark.series else None,
        intraday.bars[-1].time if intraday else None,
    )

    def render() -> bytes:
        return render_chart(
            company,
            report.benchmark.series,
            company.last.date,
            lang,
            article_date=article_date,
            sessions=sessions,
            range_key=report.range_key,
            intraday=intraday,
            currency=market.settings.market.currency,
        )

    try:
        return await asyncio.to_thread(market.charts.get, key, render)
    except Exception:  # a chart is a bonus: the figures go out without it
        log.exception("chart for %s on %s failed; replying without it", company.symbol, report.day)
        return None


def _sessions_this_year(series: Series) -> int:
    return sum(b.date.year == series.last.date.year for b in series.bars)


def pick_claim(
    passage: Passage, article: Article, report: MarketReport
) -> tuple[Claim | None, ClaimCheck | None]:
    """The article's claim that the passage makes, checked against the company's bars."""
    claims = claims_in(passage, article.claims)
    if not claims:
        return None, None
    claim = claims[0]
    series = report.company.series
    return claim, (check_claim(claim, series) if series else None)


def briefing(
    lang: str,
    report: MarketReport,
    knowledge: KnowledgeBase,
    passage: Passage,
    chart: bytes | None,
    answerer: Answerer | None = None,
) -> Briefing:
    """The briefing of the day. With a language model (`answerer`: `services.answerer`) it
    adds "why it matters"; that may block on the network for a few seconds the first time per
    (day, language, passage), so call this from a thread."""
    article = knowledge.article(passage.article_id)
    report = since_article(report, article.date)
    topic = knowledge.topics.get(passage.topics[0]) if passage.topics else None
    claim, check = pick_claim(passage, article, report)
    why = why_it_matters(lang, report, knowledge, passage, answerer)
    return Briefing(lang, report, passage, topic, article, claim, check, chart, why)


def since_article(report: MarketReport, article_date: dt.date) -> MarketReport:
    """`report` with "since the article" measured from `article_date`: the insight's own
    article, which a shared market part (computed once for many channels) may not know."""
    company = report.company
    if company.figures is None or company.series is None:
        return report
    figures = compute_figures(company.series, article_date=article_date)
    return dataclasses.replace(report, company=dataclasses.replace(company, figures=figures))


def why_it_matters(
    lang: str,
    report: MarketReport,
    knowledge: KnowledgeBase,
    passage: Passage,
    answerer: Answerer | None,
) -> str | None:
    """Two sentences linking the insight to the day's movement, checked, or None (no model, no
    figures, or any failure: the briefing simply goes without the line)."""
    figures = report.company.figures
    if figures is None or answerer is None:
        return None
    try:
        article = knowledge.article(passage.article_id)
        return answerer.why_it_matters(
            lang, report.day, passage, article, figures, knowledge.version
        )
    except Exception:  # the line is optional: never lose a briefing over it
        log.exception("why it matters failed for the %s briefing; left out", lang)
        return None
