"""Check an article's dated numeric claims against market data.

"+68 % depuis le début de 2024, au 13 mars" is stored with the article as a claim (metric
`change_ytd_pct`, value 68, as of 2024-03-13); the check recomputes it from daily closes and
says which closes it used.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from briefings import formatting
from briefings.knowledge.articles import Claim, Passage
from briefings.market.bars import Bar, Series
from chat.wording import say


@dataclass(frozen=True)
class ClaimCheck:
    claim: Claim
    actual_pct: float
    baseline: Bar
    end: Bar
    source: str

    @property
    def gap_pts(self) -> float:
        return round(self.claim.value - self.actual_pct, 2)

    def describe(self, lang: str) -> str:
        """'Article: +68.0% YTD at 13 Mar 2024; Yahoo Finance data: +40.0% (close 29 Dec 2023
        to close 13 Mar 2024)'."""
        return say(
            "claim.check",
            lang,
            claimed=formatting.percent(self.claim.value, lang),
            metric=say(f"claim.metric.{self.claim.metric}", lang),
            as_of=formatting.day(self.claim.as_of, lang),
            source=formatting.source_name(self.source),
            actual=formatting.percent(self.actual_pct, lang),
            start=formatting.day(self.baseline.date, lang),
            end=formatting.day(self.end.date, lang),
        )

    def as_json(self) -> dict[str, object]:
        return {
            "claim_pct": self.claim.value,
            "metric": self.claim.metric,
            "claim_as_of": self.claim.as_of.isoformat(),
            "actual_pct": self.actual_pct,
            "baseline_date": self.baseline.date.isoformat(),
            "baseline_close": self.baseline.close,
            "end_date": self.end.date.isoformat(),
            "end_close": self.end.close,
            "source": self.source,
        }


def claims_in(passage: Passage, claims: tuple[Claim, ...]) -> list[Claim]:
    """The claims whose quote (as written, or as a translation words it) is in the passage."""
    return [c for c in claims if any(q in text for q in c.quotes for text in passage.text.values())]


def check_claim(claim: Claim, series: Series) -> ClaimCheck | None:
    """Recompute the claim from `series`; None when the bars don't reach back far enough."""
    if claim.metric != "change_ytd_pct":
        return None
    bars = [b for b in series.bars if b.date <= claim.as_of]
    if not bars or bars[-1].date < claim.as_of - dt.timedelta(days=7):
        return None
    previous_year = [b for b in bars if b.date.year < claim.as_of.year]
    if not previous_year:
        return None
    baseline, end = previous_year[-1], bars[-1]
    actual = round((end.close / baseline.close - 1) * 100, 2)
    return ClaimCheck(claim, actual, baseline, end, series.source)
