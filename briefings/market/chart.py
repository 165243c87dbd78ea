"""Candlestick charts (mplfinance on an Agg Figure, never pyplot's global state): daily candles
with volume and the 50/200-day averages on trading days only, or one session's 5-minute bars.
Every number, date and month name goes through Babel in the chart's language.

mplfinance, pandas and matplotlib are imported inside `build_chart`, so importing this module
stays cheap.
"""

from __future__ import annotations

import datetime as dt
import io
import math
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable, Sequence
from typing import TYPE_CHECKING

from babel.dates import format_date, format_time
from babel.numbers import format_compact_decimal, format_currency, format_decimal

from briefings.market.bars import Intraday, MarketDataError, Series
from chat.wording import say

if TYPE_CHECKING:
    from matplotlib.figure import Figure

WIDTH_PX, HEIGHT_PX, DPI = 800, 450, 100
LOCALES = {"en": "en_US", "fr": "fr_FR"}
AVERAGES = ((50, "#f0a202"), (200, "#7b3fbf"))
UP, DOWN = "#26a69a", "#ef5350"
BENCHMARK_COLOR = "#888888"
ARTICLE_COLOR = "#d9534f"
NOTE_COLOR = "#666666"


def _lang(lang: str) -> str:
    return "fr" if lang.lower().startswith("fr") else "en"


def chart_title(symbol: str, range_key: str, end: dt.date, lang: str) -> str:
    """ "META, year to date (to 13 Mar 2024)" / "META, depuis le 1er janvier (au 13 mars 2024)"."""
    lang = _lang(lang)
    day = format_date(end, "d MMM y", locale=LOCALES[lang])
    return say("chart.title", lang, symbol=symbol, range=say(f"range.{range_key}", lang), day=day)


def axis_day(day: dt.date, lang: str, with_day: bool = True) -> str:
    """A date axis label with its year: "13 Mar 2024" / "13 mars 2024", or "Mar 2024"."""
    return format_date(day, "d MMM y" if with_day else "MMM y", locale=LOCALES[_lang(lang)])


def price_label(value: float, lang: str) -> str:
    """A price-axis tick: "1,234.5" / "1 234,5"."""
    return format_decimal(value, format="#,##0.##", locale=LOCALES[_lang(lang)])


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


def moving_average(closes: Sequence[float], days: int, last: int) -> list[float]:
    """The `days`-session simple average of `closes` for the last `last` sessions (NaN where
    fewer than `days` closes lead up to it)."""
    out: list[float] = []
    for i in range(len(closes) - last, len(closes)):
        start = i - days + 1
        out.append(math.nan if start < 0 else sum(closes[start : i + 1]) / days)
    return out


def render_chart(
    company: Series,
    benchmark: Series | None,
    end: dt.date,
    lang: str,
    article_date: dt.date | None = None,
    sessions: int = 63,
    range_key: str = "3mo",
    intraday: Intraday | None = None,
    currency: str = "USD",
) -> bytes:
    """A PNG (800x450): see `build_chart`."""
    fig = build_chart(
        company, benchmark, end, lang, article_date, sessions, range_key, intraday, currency
    )
    out = io.BytesIO()
    fig.savefig(out, format="png", dpi=DPI)
    return out.getvalue()


def build_chart(
    company: Series,
    benchmark: Series | None,
    end: dt.date,
    lang: str,
    article_date: dt.date | None = None,
    sessions: int = 63,
    range_key: str = "3mo",
    intraday: Intraday | None = None,
    currency: str = "USD",
) -> Figure:
    """The last `sessions` daily candles up to `end` (or `intraday`'s 5-minute bars when given),
    with volume, the 50/200-day averages, the benchmark rebased and the article's date."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    lang = _lang(lang)
    fig = Figure(figsize=(WIDTH_PX / DPI, HEIGHT_PX / DPI), dpi=DPI)
    FigureCanvasAgg(fig)
    grid = fig.add_gridspec(2, 1, height_ratios=(3.3, 1), hspace=0.06)
    ax = fig.add_subplot(grid[0])
    vax = fig.add_subplot(grid[1], sharex=ax)
    note: str | None
    if intraday is not None and intraday.bars:
        labels, last = _intraday(ax, vax, intraday, lang)
        title = say(
            "chart.title_intraday",
            lang,
            symbol=company.symbol,
            day=axis_day(intraday.day, lang),
        )
        note = say("chart.delayed", lang, source=intraday.source)
    else:
        history = company.up_to(end).bars
        if not history:
            raise MarketDataError(f"{company.symbol}: no prices on or before {end} to chart")
        window = history[-max(sessions, 1) :]
        labels = [axis_day(b.date, lang, with_day=len(window) <= 80) for b in window]
        last = window[-1].close
        _candles(ax, vax, window, lang)
        closes = [b.close for b in history]
        for days, color in AVERAGES:
            values = moving_average(closes, days, len(window))
            if any(math.isfinite(v) for v in values):
                ax.plot(
                    range(len(window)),
                    values,
                    color=color,
                    linewidth=1.1,
                    label=say("chart.average", lang, days=days),
                )
        _benchmark(ax, benchmark, window, lang)
        if article_date is not None and window[0].date <= article_date <= window[-1].date:
            at = next(i for i, b in enumerate(window) if b.date >= article_date)
            ax.axvline(
                at,
                color=ARTICLE_COLOR,
                linewidth=1,
                linestyle=":",
                label=say("chart.article", lang),
            )
        title = chart_title(company.symbol, range_key, window[-1].date, lang)
        note = say("chart.no_intraday", lang) if range_key == "1d" else None
    _axes(fig, ax, vax, labels, last, title, note, lang, currency)
    return fig


def load_libraries() -> None:
    """Import what drawing a chart takes (pandas, matplotlib, mplfinance) ahead of time, so the
    first briefing of a process does not pay for it while it posts."""
    import matplotlib

    matplotlib.use("Agg")  # before mplfinance imports pyplot: no window, ever
    import matplotlib.backends.backend_agg
    import mplfinance  # noqa: F401
    import pandas  # noqa: F401


def _frame(rows: list[tuple[dt.datetime, float, float, float, float, int]]):  # type: ignore[no-untyped-def]
    import pandas as pd

    index = pd.DatetimeIndex([row[0] for row in rows])
    columns = ("Open", "High", "Low", "Close", "Volume")
    return pd.DataFrame([row[1:] for row in rows], index=index, columns=list(columns))


def _plot(ax, vax, rows: list[tuple[dt.datetime, float, float, float, float, int]]) -> None:  # type: ignore[no-untyped-def]
    """Candles and volume bars at positions 0..n-1: trading days (or minutes) only, no gaps."""
    import matplotlib

    matplotlib.use("Agg")  # before mplfinance imports pyplot: no window, ever
    import mplfinance as mpf

    colors = mpf.make_marketcolors(up=UP, down=DOWN, inherit=True, volume="in")
    style = mpf.make_mpf_style(base_mpf_style="yahoo", marketcolors=colors)
    mpf.plot(
        _frame(rows),
        type="candle",
        ax=ax,
        volume=vax,
        style=style,
        show_nontrading=False,
        warn_too_much_data=100_000,
    )


def _candles(ax, vax, window, lang: str) -> None:  # type: ignore[no-untyped-def]
    rows = [
        (dt.datetime.combine(b.date, dt.time()), b.open, b.high, b.low, b.close, b.volume)
        for b in window
    ]
    _plot(ax, vax, rows)


def _intraday(ax, vax, intraday: Intraday, lang: str) -> tuple[list[str], float]:  # type: ignore[no-untyped-def]
    rows = [
        (b.time.replace(tzinfo=None), b.open, b.high, b.low, b.close, b.volume)
        for b in intraday.bars
    ]
    _plot(ax, vax, rows)
    locale = LOCALES[lang]
    labels = [format_time(b.time, "HH:mm", locale=locale) for b in intraday.bars]
    return labels, intraday.bars[-1].close


def _benchmark(ax, benchmark: Series | None, window, lang: str) -> None:  # type: ignore[no-untyped-def]
    if benchmark is None:
        return
    days, values = rebased(benchmark, window[0].date, window[-1].date, window[0].close)
    position = {b.date: i for i, b in enumerate(window)}
    points = [(position[d], v) for d, v in zip(days, values, strict=True) if d in position]
    if points:
        ax.plot(
            [p[0] for p in points],
            [p[1] for p in points],
            color=BENCHMARK_COLOR,
            linewidth=1.1,
            linestyle="--",
            label=say("chart.rebased", lang, symbol=benchmark.symbol),
        )


def _axes(  # type: ignore[no-untyped-def]
    fig, ax, vax, labels: list[str], last: float, title: str, note: str | None, lang, currency
) -> None:
    """Babel labels on both axes, the last price in the currency, title, legend and note."""
    from matplotlib.ticker import FuncFormatter, MaxNLocator

    locale = LOCALES[lang]
    n = len(labels)

    def x_label(x: float, _pos: int) -> str:
        i = round(x)
        return labels[i] if 0 <= i < n and abs(x - i) < 1e-6 else ""

    vax.xaxis.set_major_locator(MaxNLocator(nbins=6, integer=True, min_n_ticks=1))
    vax.xaxis.set_major_formatter(FuncFormatter(x_label))
    vax.tick_params(axis="x", labelsize=8, rotation=0)
    ax.tick_params(axis="x", labelbottom=False)
    for axes in (ax, vax):  # the style puts prices on the right; readers look left
        axes.yaxis.tick_left()
        axes.yaxis.set_label_position("left")
        axes.tick_params(axis="y", labelsize=8)
    ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _p: price_label(v, lang)))
    vax.yaxis.set_major_formatter(
        FuncFormatter(lambda v, _p: format_compact_decimal(v, locale=locale) if v > 0 else "0")
    )
    ax.set_ylabel(say("chart.price", lang, currency=currency))
    vax.set_ylabel(say("chart.volume", lang))
    ax.set_xlim(-1, n + max(2, n * 0.12))
    ax.annotate(
        format_currency(last, currency, locale=locale),
        xy=(n - 1, last),
        xytext=(8, 0),
        textcoords="offset points",
        va="center",
        fontsize=9,
        bbox={"boxstyle": "round,pad=0.2", "fc": "white", "ec": "#cccccc"},
    )
    ax.set_title(title, fontsize=11)
    ax.grid(True, alpha=0.25)
    vax.grid(True, alpha=0.25)
    if ax.get_legend_handles_labels()[0]:
        ax.legend(loc="upper left", fontsize=8, frameon=False)
    if note:
        fig.text(0.01, 0.01, note, fontsize=7.5, color=NOTE_COLOR, ha="left", va="bottom")
    fig.subplots_adjust(left=0.1, right=0.98, top=0.93, bottom=0.1)


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
