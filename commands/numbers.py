""" "Check numbers": the dated percentages and prices about the company in any message, compared
with market data, like the articles' claim check ("+68 % YTD at 13 Mar 2024 → data: +40.0 %").

A year-to-date change ("+68% YTD as of 13 March 2024", "+68 % depuis le début de l'année au 13
mars 2024") is recomputed from closes; a price with a date ("$495 on 13 Mar 2024") is compared
with that day's close. A figure without a date is not checked. The answer is for the asker
alone (the adapters send it privately).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from briefings import formatting
from briefings.claims import check_claim
from briefings.knowledge.articles import Claim
from briefings.market.bars import Series
from chat.reply import Block, BulletList, Context, Heading, Paragraph, Reply
from chat.request import Request
from chat.wording import say
from commands.base import language_of
from commands.services import Services

MONTHS = {
    name: number
    for number, names in enumerate(
        [
            ("jan", "january", "janv", "janvier"),
            ("feb", "february", "fév", "fev", "févr", "février", "fevrier"),
            ("mar", "march", "mars"),
            ("apr", "april", "avr", "avril"),
            ("may", "mai"),
            ("jun", "june", "juin"),
            ("jul", "july", "juil", "juillet"),
            ("aug", "august", "août", "aout"),
            ("sep", "sept", "september", "septembre"),
            ("oct", "october", "octobre"),
            ("nov", "november", "novembre"),
            ("dec", "december", "déc", "décembre", "decembre"),
        ],
        start=1,
    )
    for name in names
}
_MONTH = r"(?P<month>[a-zéû]{3,9})\.?"
_DATES = [
    re.compile(r"(?P<year>\d{4})-(?P<mnum>\d{2})-(?P<day>\d{2})"),
    re.compile(r"(?P<day>\d{1,2})(?:er|st|nd|rd|th)?\s+" + _MONTH + r",?\s+(?P<year>\d{4})", re.I),
    re.compile(_MONTH + r"\s+(?P<day>\d{1,2})(?:st|nd|rd|th)?,?\s+(?P<year>\d{4})", re.I),
]
_PERCENT = re.compile(r"(?P<sign>[+\-−])?\s?(?P<num>\d+(?:[.,]\d+)?)\s?%")
_PRICE = re.compile(
    r"(?:\$\s?(?P<a>\d+(?:[.,]\d+)?))|(?:(?P<b>\d+(?:[.,]\d+)?)\s?(?:\$|USD|dollars))", re.I
)
_YTD = re.compile(
    r"\bYTD\b|year[- ]to[- ]date|since the (?:start|beginning) of (?:the year|\d{4})"
    r"|depuis le (?:début|1er janvier|debut) (?:de l['’]année|de \d{4})?|depuis le 1er janvier",
    re.I,
)
_SENTENCE = re.compile(r"(?<=[.!?;\n])\s+")


@dataclass(frozen=True)
class Figure:
    """One dated figure read from a message: a YTD change (`pct`) or a price (`price`)."""

    quote: str
    kind: str  # "ytd" or "price"
    value: float
    as_of: dt.date


def _date(text: str) -> dt.date | None:
    for pattern in _DATES:
        if match := pattern.search(text):
            groups = match.groupdict()
            month = (
                int(groups["mnum"]) if groups.get("mnum") else MONTHS.get(groups["month"].lower())
            )
            if month is None:
                continue
            try:
                return dt.date(int(groups["year"]), month, int(groups["day"]))
            except ValueError:
                continue
    return None


def _number(text: str) -> float:
    return float(text.replace(",", "."))


def figures_in(text: str) -> list[Figure]:
    """The dated YTD changes and prices in `text`, sentence by sentence."""
    found: list[Figure] = []
    for sentence in _SENTENCE.split(text):
        day = _date(sentence)
        if day is None:
            continue
        quote = sentence.strip()[:200]
        if _YTD.search(sentence) and (pct := _PERCENT.search(sentence)):
            sign = -1 if pct["sign"] in ("-", "−") else 1
            found.append(Figure(quote, "ytd", sign * _number(pct["num"]), day))
        elif price := _PRICE.search(sentence):
            found.append(Figure(quote, "price", _number(price["a"] or price["b"]), day))
    return found


def _check(figure: Figure, series: Series, symbol: str, lang: str) -> str:
    source = formatting.source_name(series.source)
    if figure.kind == "ytd":
        claim = Claim(figure.quote, symbol, "change_ytd_pct", figure.value, figure.as_of)
        checked = check_claim(claim, series)
        if checked is None:
            return say("numbers.no_data", lang, quote=figure.quote)
        return say(
            "numbers.ytd",
            lang,
            claimed=formatting.percent(figure.value, lang),
            as_of=formatting.day(figure.as_of, lang),
            source=source,
            actual=formatting.percent(checked.actual_pct, lang),
            start=formatting.day(checked.baseline.date, lang),
            end=formatting.day(checked.end.date, lang),
        )
    bars = [b for b in series.bars if b.date <= figure.as_of]
    if not bars or bars[-1].date < figure.as_of - dt.timedelta(days=7):
        return say("numbers.no_data", lang, quote=figure.quote)
    bar = bars[-1]
    return say(
        "numbers.price",
        lang,
        claimed=formatting.price(figure.value, lang),
        as_of=formatting.day(figure.as_of, lang),
        source=source,
        close=formatting.price(bar.close, lang),
        day=formatting.day(bar.date, lang),
        gap=formatting.percent((figure.value / bar.close - 1) * 100, lang),
    )


async def check_numbers(text: str, request: Request, services: Services) -> Reply:
    """The figures of a message compared with market data (a private reply)."""
    lang = language_of(request, services, text)
    symbol = services.settings.market.company_symbol
    about = re.search(rf"\b{re.escape(symbol)}\b", text, re.IGNORECASE)
    figures = figures_in(text) if about else []
    if not figures:
        return Reply((Paragraph(say("numbers.none", lang, company=symbol)),), data={"lang": lang})
    got = await services.market.series(symbol)
    if not isinstance(got, Series):
        return Reply.error(say("numbers.no_data", lang, quote=figures[0].quote))
    lines = [_check(figure, got, symbol, lang) for figure in figures]
    blocks: list[Block] = [
        Heading(say("numbers.title", lang)),
        BulletList(tuple(lines)),
        Context(say("numbers.source", lang, source=formatting.source_name(got.source))),
    ]
    data = {"lang": lang, "figures": [f.__dict__ | {"as_of": f.as_of.isoformat()} for f in figures]}
    return Reply(tuple(blocks), data=data)
