"""What a model may say: the prompts, and the checks a reply must pass before anyone sees it.

Pure functions, no network. A model's reply is shown only if every `[Section]` it cites is a
section of a passage it was given, and every number in it appears in those passages or in the
market figures (written any way: "68 %", "68%", "68.0", "68,0"). Anything else is rejected with
a reason, and the caller shows the extractive answer instead.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from briefings.knowledge import Article, Passage
from briefings.knowledge.language import detect_language
from briefings.knowledge.retrieval import fold

if TYPE_CHECKING:
    from briefings.market.movements import Figures

NO_ANSWER = "NO_ANSWER"
MAX_ANSWER_CHARS = 900
MAX_WHY_CHARS = 600
LANGUAGE_NAMES = {"en": "English", "fr": "French"}

_CITATION = re.compile(r"\[([^\[\]]{1,200})\]")
# Thousands separators between digit groups ("1,000", "1 000" with a (narrow) no-break space).
_THOUSANDS = re.compile(r"(?<=\d)[,\u00a0\u202f](?=\d{3}(?!\d))")
_NUMBER = re.compile(r"\d+(?:[.,]\d+)?")
_SENTENCE_END = re.compile(r"[.!?…](?:[\"'”»)]*)(?=\s|$)")


class Rejected(Exception):
    """A model's reply failed a check; the message is the reason, safe to log."""


class NoAnswer(Rejected):
    """The model said the passages don't answer the question."""


# ---- numbers -----------------------------------------------------------------------------------


def numbers_in(text: str) -> list[float]:
    """Every number in `text` as a float, unsigned: '+68,0 %' -> 68.0, '1 000' -> 1000.0."""
    text = _THOUSANDS.sub("", text)
    return [float(n.replace(",", ".")) for n in _NUMBER.findall(text)]


def _decimals(raw: str) -> int:
    _, _, tail = raw.replace(",", ".").partition(".")
    return len(tail)


@dataclass(frozen=True)
class AllowedNumbers:
    """Numbers a reply may use: exact ones (written in the passages) and measured ones (market
    figures, which a reply may round: 39.97 may be said as 40 or 40.0)."""

    exact: frozenset[float]
    measured: frozenset[float]

    def allows(self, raw: str) -> bool:
        value = numbers_in(raw)[0]
        if any(abs(value - a) < 1e-9 for a in self.exact | self.measured):
            return True
        # A figure said with fewer decimals: -0.84 as "0.8", 39.97 as "40" (whole numbers only
        # from 10 up, so that a small invented number can't pass for a rounded figure).
        places = _decimals(raw)
        return any(
            abs(round(a, places) - value) < 1e-9 and (places or abs(a) >= 10) for a in self.measured
        )

    def unsupported(self, text: str) -> list[str]:
        """The numbers in `text` that are neither in the passages nor in the figures."""
        text = _THOUSANDS.sub("", _CITATION.sub(" ", text))
        return [raw for raw in _NUMBER.findall(text) if not self.allows(raw)]


def _date_numbers(day: dt.date) -> set[float]:
    """'13 March 2024': the day and the year (a month in digits would let any small number by)."""
    return {float(day.day), float(day.year)}


def allowed_numbers(
    passages: Iterable[Passage], figures: Figures | None = None, extra_days: Iterable[dt.date] = ()
) -> AllowedNumbers:
    exact: set[float] = set()
    for passage in passages:
        for text in (*passage.text.values(), *passage.section.values()):
            exact.update(numbers_in(text))
    for day in extra_days:
        exact |= _date_numbers(day)
    measured: set[float] = set()
    if figures is not None:
        exact |= _date_numbers(figures.as_of)
        for field in dataclasses.fields(figures):
            value = getattr(figures, field.name)
            if isinstance(value, bool) or not isinstance(value, int | float):
                continue
            measured.add(abs(float(value)))
        measured.add(round(figures.volume / 1e6, 1))  # "12.1 million shares"
        if figures.volume_avg_20d:
            measured.add(round(figures.volume_avg_20d / 1e6, 1))
    return AllowedNumbers(frozenset(exact), frozenset(measured))


# ---- citations and language --------------------------------------------------------------------


def _key(name: str) -> str:
    return " ".join(fold(name).replace("’", "'").split())


def cited_sections(text: str) -> list[str]:
    return [m.strip() for m in _CITATION.findall(text)]


def cited_passages(text: str, passages: Sequence[Passage]) -> list[Passage]:
    """The passages whose section the reply cites, in the order first cited.

    Raises Rejected when the reply cites nothing, or cites a section it was not given."""
    by_section: dict[str, list[Passage]] = {}
    for passage in passages:
        for name in passage.section.values():
            by_section.setdefault(_key(name), []).append(passage)
    cited = cited_sections(text)
    if not cited:
        raise Rejected("no section cited")
    found: list[Passage] = []
    for name in cited:
        matches = by_section.get(_key(name))
        if not matches:
            raise Rejected(f"cites a section it was not given: [{name[:80]}]")
        found += [p for p in matches if p not in found]
    return found


def check_language(text: str, lang: str) -> None:
    prose = _CITATION.sub(" ", text)
    if len(prose.split()) >= 6 and detect_language(prose, default=lang) != lang:
        raise Rejected(f"not in {LANGUAGE_NAMES[lang]}")


def check_numbers(text: str, allowed: AllowedNumbers) -> None:
    unsupported = allowed.unsupported(text)
    if unsupported:
        raise Rejected(f"numbers not in the passages or figures: {', '.join(unsupported[:5])}")


def sentences(text: str) -> int:
    return len(_SENTENCE_END.findall(text.strip()))


def clean(text: str) -> str:
    """The reply as one paragraph: no surrounding quotes or blank lines."""
    return " ".join(text.strip().strip('"“”«»').split())


def check_answer(
    text: str, lang: str, passages: Sequence[Passage], allowed: AllowedNumbers
) -> list[Passage]:
    """The passages a reply cites, once it passed every check; raises Rejected otherwise."""
    if text.strip().upper().rstrip(".") == NO_ANSWER:
        raise NoAnswer("the model found no answer in the passages")
    if len(text) > MAX_ANSWER_CHARS:
        raise Rejected(f"too long ({len(text)} characters)")
    cited = cited_passages(text, passages)
    check_numbers(text, allowed)
    check_language(text, lang)
    return cited


def check_why(text: str, lang: str, allowed: AllowedNumbers) -> str:
    """The "why it matters" text once checked: two sentences, no outside numbers."""
    if not text or text.strip().upper().rstrip(".") == NO_ANSWER:
        raise Rejected("no text")
    if "[" in text or "]" in text:
        text = _CITATION.sub("", text)
        text = " ".join(text.split()).replace(" .", ".").replace(" ,", ",")
    if len(text) > MAX_WHY_CHARS:
        raise Rejected(f"too long ({len(text)} characters)")
    if sentences(text) != 2:
        raise Rejected(f"{sentences(text)} sentences, not 2")
    check_numbers(text, allowed)
    check_language(text, lang)
    return text


# ---- prompts -----------------------------------------------------------------------------------


def _figure_lines(figures: Figures) -> list[str]:
    def pct(value: float | None) -> str:
        return "n/a" if value is None else f"{value:+.2f}%"

    lines = [
        f"{figures.symbol} close on {figures.as_of.isoformat()}: {figures.close:.2f}",
        f"change over 1 day: {pct(figures.change_1d_pct)}",
        f"change over 5 days: {pct(figures.change_5d_pct)}",
        f"change over 1 month: {pct(figures.change_1mo_pct)}",
        f"change year to date: {pct(figures.change_ytd_pct)}",
        f"change over 52 weeks: {pct(figures.change_52w_pct)}",
    ]
    if figures.since_article_pct is not None:
        lines.append(f"change since the article: {pct(figures.since_article_pct)}")
    if figures.from_high_52w_pct is not None:
        lines.append(f"distance from the 52-week high: {pct(figures.from_high_52w_pct)}")
    if figures.volume_vs_avg_20d_pct is not None:
        lines.append(
            f"volume: {figures.volume / 1e6:.1f} million shares, "
            f"{pct(figures.volume_vs_avg_20d_pct)} vs its 20-day average"
        )
    if figures.unusual_move:
        lines.append("the 1-day move is unusual (beyond 2 standard deviations)")
    return lines


def figures_block(figures: Figures | None) -> str:
    if figures is None:
        return "Market figures: none stored."
    lines = "\n".join(f"- {line}" for line in _figure_lines(figures))
    return f"Market figures (stored data, not live):\n{lines}"


def passage_block(number: int, passage: Passage, article: Article) -> str:
    """One passage as the model sees it: both languages' section and text."""
    lines = [
        f"### Passage {number}",
        f"Article: {article.title_in('en')} ({article.date.isoformat()})",
    ]
    for lang in ("en", "fr"):
        if lang in passage.text:
            lines.append(f"Section ({lang}): [{passage.section_in(lang)}]")
    for lang in ("en", "fr"):
        if lang in passage.text:
            lines.append(f"Text ({lang}): {passage.text_in(lang)}")
    return "\n".join(lines)


def ask_messages(
    question: str, lang: str, passages: Sequence[tuple[Passage, Article]], figures: Figures | None
) -> list[dict[str, str]]:
    language = LANGUAGE_NAMES[lang]
    system = (
        "You answer questions about Meta's AI strategy for a team chat bot.\n"
        "Rules:\n"
        "- Use only the passages and market figures below. No outside knowledge.\n"
        f"- Answer in {language}, in fluent prose: one to four sentences, under 600 "
        "characters, no lists, no headings.\n"
        "- After each claim, cite the section it comes from, in square brackets, exactly as "
        f"the section is named below in {language}, for example [{_example(passages, lang)}]. "
        "Use square brackets for nothing else.\n"
        "- Use only numbers written in the passages or figures.\n"
        f"- If the passages do not answer the question, reply with exactly {NO_ANSWER}."
    )
    body = "\n\n".join(passage_block(i, p, a) for i, (p, a) in enumerate(passages, start=1))
    user = (
        f"Question (answer in {language}): {question}\n\n"
        f"Passages, best match first:\n\n{body}\n\n{figures_block(figures)}"
    )
    return [{"role": "system", "content": system}, {"role": "user", "content": user}]


def why_messages(
    lang: str, passage: Passage, article: Article, figures: Figures
) -> list[dict[str, str]]:
    language = LANGUAGE_NAMES[lang]
    system = (
        "You write one line of a daily briefing about Meta for a team chat.\n"
        f"Write exactly two sentences in {language} saying why the insight of the day matters, "
        "linking it to the day's stock movement.\n"
        "Use only the insight passage and the market figures below; no outside knowledge, no "
        "prediction, no advice. Use only numbers written there. No square brackets, no lists, "
        "no heading, no quotation marks around the reply."
    )
    user = (
        f"Insight of the day (write in {language}):\n\n{passage_block(1, passage, article)}\n\n"
        f"{figures_block(figures)}"
    )
    return [{"role": "system", "content": system}, {"role": "user", "content": user}]


def _example(passages: Sequence[tuple[Passage, Article]], lang: str) -> str:
    return passages[0][0].section_in(lang) if passages else "Section name"
