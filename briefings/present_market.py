"""The market parts of a reply beyond the figures: the bundled-sample notice, the earnings line
and, the session after a report, the reaction that leads the briefing."""

from __future__ import annotations

from briefings import formatting as fmt
from briefings.compose import MarketReport
from briefings.market.bundled import is_sample
from briefings.market.earnings import EarningsEvent
from chat.reply import Block, Paragraph
from chat.wording import say


def sample_notice(report: MarketReport, lang: str) -> list[Block]:
    """ "No live market data; showing the bundled sample to 30 Jul 2024 (why)." when it is."""
    series = report.company.series
    if series is None or not is_sample(series):
        return []
    reason = series.stale_reason or "?"
    as_of = fmt.day(series.last.date, lang)
    return [Paragraph(say("market.sample", lang, as_of=as_of, reason=reason))]


def sample_data_line(report: MarketReport, lang: str) -> str | None:
    series = report.company.series
    if series is None or not is_sample(series):
        return None
    as_of = fmt.day(series.last.date, lang)
    return say("market.data_sample", lang, symbol=series.symbol, as_of=as_of)


def _eps(value: float | None, lang: str) -> str:
    return fmt.price(value, lang)


def _last(event: EarningsEvent, lang: str) -> str:
    return say(
        "earnings.last",
        lang,
        day=fmt.day(event.day, lang),
        reported=_eps(event.reported_eps, lang),
        estimate=_eps(event.eps_estimate, lang),
        surprise=fmt.percent(event.surprise_pct, lang),
    )


def earnings_line(report: MarketReport, lang: str) -> list[Block]:
    """ "Earnings on 24 Apr 2024 (in 42 days); last quarter (...): EPS ... ." or nothing."""
    view = report.earnings
    if view.next_date is None and view.last is None:
        return []
    if view.next_date is None or view.days_until is None:
        text = say("earnings.unknown", lang)
    else:
        day = fmt.day(view.next_date, lang)
        if view.days_until == 0:
            text = say("earnings.today", lang, day=day)
        elif view.days_until == 1:
            text = say("earnings.tomorrow", lang, day=day)
        else:
            text = say("earnings.next", lang, day=day, days=view.days_until)
    if view.last is not None and view.reaction_pct is None:
        text += "; " + _last(view.last, lang)
    return [Paragraph(text + ".")]


def earnings_reaction(report: MarketReport, lang: str) -> list[Block]:
    """The session after a report: how the stock took it, first thing in the reply."""
    view, figures = report.earnings, report.company.figures
    if view.last is None or view.reaction_pct is None or figures is None:
        return []
    event = view.last
    detail = ""
    if event.reported_eps is not None and event.eps_estimate is not None:
        detail = say(
            "earnings.reaction_detail",
            lang,
            reported=_eps(event.reported_eps, lang),
            estimate=_eps(event.eps_estimate, lang),
            surprise=fmt.percent(event.surprise_pct, lang),
        )
    text = say(
        "earnings.reaction",
        lang,
        symbol=report.company.symbol,
        move=fmt.percent(view.reaction_pct, lang),
        day=fmt.day(figures.as_of, lang),
        report=fmt.day(event.day, lang),
        detail=detail,
    )
    return [Paragraph(text)]
