"""A PNG line chart of a company's closes against a rebased benchmark, and a small cache.

matplotlib is imported inside `render_chart` (an object-oriented Figure on the Agg canvas,
never pyplot's global state), so importing this module stays cheap.
"""

from __future__ import annotations

import datetime as dt
import io
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable

from briefings.market.bars import MarketDataError, Series
from chat.wording import say

WIDTH_PX, HEIGHT_PX, DPI = 800, 400, 100
SESSIONS_PER_MONTH = 21

COMPANY_COLOR = "#1f5fbf"
BENCHMARK_COLOR = "#888888"
ARTICLE_COLOR = "#d9534f"

_MONTHS_FR = [
    "janv.",
    "févr.",
    "mars",
    "avr.",
    "mai",
    "juin",
    "juil.",
    "août",
    "sept.",
    "oct.",
    "nov.",
    "déc.",
]


def _lang(lang: str) -> str:
    return "fr" if lang.lower().startswith("fr") else "en"


def chart_title(symbol: str, sessions: int, lang: str) -> str:
    """A title like "META, last 3 months" / "META, 3 derniers mois"."""
    months = round(sessions / SESSIONS_PER_MONTH)
    if months < 1:
        return say("chart.title_sessions", _lang(lang), symbol=symbol, sessions=sessions)
    if months == 1:
        return say("chart.title_month", _lang(lang), symbol=symbol)
    return say("chart.title_months", _lang(lang), symbol=symbol, months=months)


def format_day(day: dt.date, lang: str) -> str:
    """A short axis label: "Mar 13" / "13 mars"."""
    if _lang(lang) == "fr":
        return f"{day.day} {_MONTHS_FR[day.month - 1]}"
    return f"{day:%b} {day.day}"


def rebased(
    benchmark: Series, start: dt.date, end: dt.date, base: float
) -> tuple[list[dt.date], list[float]]:
    """The benchmark closes in [start, end], scaled so its close at `start` equals `base`.

    The reference is the benchmark's close on `start` or the last one before it (else its
    first close in the window). Empty lists when it has no bars in the window.
    """
    window = [b for b in benchmark.bars if start <= b.date <= end]
    before = [b for b in benchmark.bars if b.date <= start]
    if not window:
        return [], []
    reference = (before[-1] if before else window[0]).close
    if reference <= 0:
        return [], []
    return [b.date for b in window], [b.close * base / reference for b in window]


def render_chart(
    company: Series,
    benchmark: Series | None,
    end: dt.date,
    lang: str,
    article_date: dt.date | None = None,
    sessions: int = 63,
) -> bytes:
    """A PNG (800x400) of the last `sessions` closes up to `end`, the benchmark dashed."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.dates import AutoDateLocator
    from matplotlib.figure import Figure
    from matplotlib.ticker import FuncFormatter

    bars = company.up_to(end).bars[-sessions:]
    if not bars:
        raise MarketDataError(f"{company.symbol}: no prices on or before {end} to chart")
    lang = _lang(lang)
    days = [b.date for b in bars]
    closes = [b.close for b in bars]

    fig = Figure(figsize=(WIDTH_PX / DPI, HEIGHT_PX / DPI), dpi=DPI)
    FigureCanvasAgg(fig)
    ax = fig.add_subplot()
    # matplotlib plots dates through its units registry; its stubs only say float.
    ax.plot(days, closes, color=COMPANY_COLOR, linewidth=1.8, label=company.symbol)  # type: ignore[arg-type]

    if benchmark is not None:
        bench_days, bench_values = rebased(benchmark, days[0], days[-1], closes[0])
        if bench_days:
            ax.plot(
                bench_days,  # type: ignore[arg-type]
                bench_values,
                color=BENCHMARK_COLOR,
                linewidth=1.3,
                linestyle="--",
                label=say("chart.rebased", lang, symbol=benchmark.symbol),
            )

    if article_date is not None and days[0] <= article_date <= days[-1]:
        ax.axvline(
            article_date,  # type: ignore[arg-type]
            color=ARTICLE_COLOR,
            linewidth=1,
            linestyle=":",
            label=say("chart.article", lang),
        )

    ax.annotate(
        f"{closes[-1]:.2f}",
        xy=(days[-1], closes[-1]),
        xytext=(4, 0),
        textcoords="offset points",
        va="center",
        fontsize=9,
        color=COMPANY_COLOR,
    )
    ax.plot([days[-1]], [closes[-1]], marker="o", markersize=4, color=COMPANY_COLOR)  # type: ignore[arg-type]

    ax.set_title(chart_title(company.symbol, sessions, lang))
    ax.set_xlabel(say("chart.date", lang))
    ax.set_ylabel(say("chart.close", lang))
    ax.xaxis.set_major_locator(AutoDateLocator(minticks=4, maxticks=8))
    ax.xaxis.set_major_formatter(FuncFormatter(lambda x, _pos: format_day(_num_to_date(x), lang)))
    ax.grid(True, alpha=0.3)
    ax.margins(x=0.06)
    ax.legend(loc="best", fontsize=9, frameon=False)
    fig.tight_layout()

    out = io.BytesIO()
    fig.savefig(out, format="png", dpi=DPI)
    return out.getvalue()


def _num_to_date(x: float) -> dt.date:
    from matplotlib.dates import num2date

    return num2date(x).date()


class ChartCache:
    """Renders each key's chart once, keeping the most recent `size` charts in memory."""

    def __init__(self, size: int = 16) -> None:
        self.size = size
        self.renders = 0
        self._charts: OrderedDict[Hashable, bytes] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: tuple, render: Callable[[], bytes]) -> bytes:
        """The chart for `key` (e.g. (day, lang, range)), calling `render` only on a miss."""
        with self._lock:
            if key in self._charts:
                self._charts.move_to_end(key)
                return self._charts[key]
            chart = render()
            self.renders += 1
            self._charts[key] = chart
            while len(self._charts) > self.size:
                self._charts.popitem(last=False)
            return chart
