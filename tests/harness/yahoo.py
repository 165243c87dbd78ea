"""Yahoo Finance, canned, for the real yfinance code: `responses` answers its HTTP calls offline.

    with yahoo_offline(tmp_path) as mock:
        yahoo = FakeYahoo(mock)
        yahoo.set("META", "429")     # Yahoo rate-limits META from now on
        YahooSource(session=requests.Session()).fetch("META")  # -> RateLimited
        yahoo.set("META", "ok")

A fetch makes one history call (`chart/SYMBOL?range=5y...`), or a few: yfinance retries some
failures itself, and every call gets the answer set. The intraday call (`chart/SYMBOL?range=1d
&interval=5m...`) gets the same kind of answer: "ok" is one session of 5-minute bars shaped like
Yahoo's (`intraday_chart_json`); the earnings calendar page (`finance.yahoo.com/calendar/
earnings?symbol=...`, what `get_earnings_dates()` scrapes) gets `earnings_page()` or the failure. yfinance's time-zone lookup (`chart/SYMBOL?range=1d...`, once per symbol
and cache) always gets the ok answer of a scripted symbol. Symbols without a script get a
connection error (never the network). Answers: "ok" (the real
recorded chart in tests/data), "empty" (a known symbol, no trades), "unknown" (404, delisted),
"429", "500", "down" (connection reset), ("slow", seconds) (the ok answer, late). Symbols other
than META and AAPL get META's recorded chart.
"""

from __future__ import annotations

import contextlib
import json
import math
import os
import re
import threading
import time
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import requests
import responses

DATA = Path(__file__).resolve().parent.parent / "data"
QUERY = r"https://query[12]\.finance\.yahoo\.com"
UNKNOWN = {
    "chart": {
        "result": None,
        "error": {"code": "Not Found", "description": "No data found, symbol may be delisted"},
    }
}


def chart_json(symbol: str = "META") -> dict[str, Any]:
    """The recorded Yahoo chart answer (1 year of daily bars to 26 Nov 2025)."""
    return json.loads((DATA / f"yahoo_chart_{symbol}_1d_1y.json").read_text())


def intraday_chart_json(symbol: str = "META") -> dict[str, Any]:
    """Yahoo's chart answer for `range=1d&interval=5m`: the last recorded session (26 Nov 2025,
    09:30-16:00 New York) as 78 five-minute bars moving from its open to its close, with the
    `tradingPeriods` Yahoo sends for intraday requests."""
    daily = chart_json(symbol)["chart"]["result"][0]
    quote = daily["indicators"]["quote"][0]
    first, last = quote["open"][-1], quote["close"][-1]
    high, low, volume = quote["high"][-1], quote["low"][-1], quote["volume"][-1]
    opening = daily["meta"]["currentTradingPeriod"]["regular"]["start"]  # 09:30 New York
    closing = daily["meta"]["currentTradingPeriod"]["regular"]["end"]
    count = (closing - opening) // 300
    stamps = [opening + 300 * i for i in range(count)]
    path = [
        first + (last - first) * i / (count - 1) + (high - low) * 0.25 * math.sin(i / 6)
        for i in range(count)
    ]
    opens = [first, *path[:-1]]
    closes = [*path[:-1], last]
    bars = {
        "open": opens,
        "close": closes,
        "high": [max(o, c) + 0.15 for o, c in zip(opens, closes, strict=True)],
        "low": [min(o, c) - 0.15 for o, c in zip(opens, closes, strict=True)],
        "volume": [volume // count] * count,
    }
    period = {"timezone": "EST", "start": opening, "end": closing, "gmtoffset": -18000}
    meta = {
        **daily["meta"],
        "dataGranularity": "5m",
        "range": "1d",
        "tradingPeriods": [[period]],
    }
    return {
        "chart": {
            "result": [{"meta": meta, "timestamp": stamps, "indicators": {"quote": [bars]}}],
            "error": None,
        }
    }


EARNINGS_ROWS = (  # META's quarters as Yahoo's calendar page lists them, newest first
    ("META", "Meta Platforms, Inc.", "October 29, 2025 at 4 PM EDT", "6.69", "7.25", "+8.37"),
    ("META", "Meta Platforms, Inc.", "July 30, 2025 at 4 PM EDT", "5.92", "7.14", "+20.61"),
    ("META", "Meta Platforms, Inc.", "April 30, 2025 at 4 PM EDT", "5.28", "6.43", "+21.78"),
)
UPCOMING = ("META", "Meta Platforms, Inc.", "January 28, 2026 at 4 PM EST", "8.19", "-", "-")


def earnings_page(rows: tuple[tuple[str, ...], ...] = (UPCOMING, *EARNINGS_ROWS)) -> str:
    """The HTML of Yahoo's earnings calendar for a symbol: one table, the columns yfinance reads."""
    head = "".join(
        f"<th>{name}</th>"
        for name in (
            "Symbol",
            "Company",
            "Earnings Date",
            "EPS Estimate",
            "Reported EPS",
            "Surprise (%)",
        )
    )
    body = "".join("<tr>" + "".join(f"<td>{cell}</td>" for cell in row) + "</tr>" for row in rows)
    return f"<html><body><table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table></body></html>"


def _reset_yfinance(cache_dir: Path) -> None:
    """Forget yfinance's process-wide state (session, cookie, crumb, caches)."""
    import yfinance
    from yfinance import cache, data

    data.SingletonMeta._instances.pop(data.YfData, None)
    data.YfData.cache_get.cache_clear()
    yfinance.set_tz_cache_location(str(cache_dir))
    cache._TzCacheManager._tz_cache = None
    cache._CookieCacheManager._Cookie_cache = None
    cache._ISINCacheManager._isin_cache = None


@contextlib.contextmanager
def yahoo_offline(cache_dir: Path) -> Iterator[responses.RequestsMock]:
    """A `responses` mock with Yahoo's cookie and crumb answered, yfinance's state reset."""
    os.environ["YF_DISABLE_CURL_CFFI"] = "1"
    import yfinance

    if yfinance._http.HAS_CURL_CFFI:
        raise RuntimeError("yfinance was imported before YF_DISABLE_CURL_CFFI=1 was set")
    warnings.filterwarnings("ignore", "The inplace keyword", DeprecationWarning)
    _reset_yfinance(cache_dir)
    yfinance.base._tz_info_fetch_ctr = 0
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        mock.get(re.compile(r"https://fc\.yahoo\.com.*"), status=404, body="")
        mock.get(re.compile(r"https://guce\.yahoo\.com/.*"), status=404, body="")
        mock.get(re.compile(QUERY + r"/v1/test/getcrumb.*"), body="test-crumb")
        try:
            yield mock
        finally:
            FakeYahoo.wait_for_slow_answers()
    _reset_yfinance(cache_dir)


class FakeYahoo:
    _slow_in_flight: set[threading.Event] = set()  # noqa: RUF012 (process-wide on purpose)

    def __init__(self, mock: responses.RequestsMock) -> None:
        self.mock = mock
        self._registered: dict[str, list[responses.BaseResponse]] = {}

    def chart_calls(self, symbol: str = "META") -> int:
        """History calls for `symbol` (time-zone lookups not counted)."""
        return sum(bool(self._history(symbol).match(c.request.url)) for c in self.mock.calls)

    @staticmethod
    def _history(symbol: str) -> re.Pattern[str]:
        return re.compile(QUERY + rf"/v8/finance/chart/{re.escape(symbol)}\?range=(?!1d&).*$")

    @staticmethod
    def _intraday(symbol: str) -> re.Pattern[str]:
        return re.compile(
            QUERY + rf"/v8/finance/chart/{re.escape(symbol)}\?range=1d&interval=5m.*$"
        )

    @staticmethod
    def _earnings(symbol: str) -> re.Pattern[str]:
        return re.compile(
            rf"https://finance\.yahoo\.com/calendar/earnings\?symbol={re.escape(symbol)}&.*$"
        )

    def intraday_calls(self, symbol: str = "META") -> int:
        return sum(bool(self._intraday(symbol).match(c.request.url)) for c in self.mock.calls)

    def earnings_calls(self, symbol: str = "META") -> int:
        return sum(bool(self._earnings(symbol).match(c.request.url)) for c in self.mock.calls)

    def set(self, symbol: str, answer: str | tuple[str, float]) -> None:
        """From now on, every history call for `symbol` gets `answer` (until the next `set`):
        Yahoo is down, or rate-limiting, for a while, whatever yfinance retries meanwhile."""
        if symbol not in self._registered:
            timezone = re.compile(
                QUERY + rf"/v8/finance/chart/{re.escape(symbol)}\?range=1d&interval=1d.*$"
            )
            self.mock.get(timezone, json=chart_json("AAPL" if symbol == "AAPL" else "META"))
        for old in self._registered.get(symbol, []):
            self.mock.remove(old)
        self._registered[symbol] = [
            *self._add(symbol, self._history(symbol), answer),
            *self._add(symbol, self._intraday(symbol), answer, intraday_chart_json),
            *self._add_earnings(symbol, answer),
        ]

    def _add_earnings(
        self, symbol: str, answer: str | tuple[str, float]
    ) -> list[responses.BaseResponse]:
        page = self._earnings(symbol)
        if answer in ("ok", "empty") or isinstance(answer, tuple):
            html = earnings_page() if answer != "empty" else "<html><body></body></html>"
            return [self.mock.get(page, body=html, content_type="text/html")]
        if answer == "429":
            return [self.mock.get(page, status=429, body="Too Many Requests")]
        if answer == "down":
            return [self.mock.get(page, body=requests.ConnectionError("connection reset by peer"))]
        return [
            self.mock.get(page, status=404 if answer == "unknown" else 500, body="<html></html>")
        ]

    def _add(
        self,
        symbol: str,
        chart: re.Pattern[str],
        answer: str | tuple[str, float],
        recording: Any = chart_json,
    ) -> list[responses.BaseResponse]:
        mock = self.mock
        recorded = symbol if symbol in ("META", "AAPL") else "META"  # the charts in tests/data
        if answer == "ok":
            return [mock.get(chart, json=recording(recorded))]
        if answer == "empty":
            empty = recording(recorded)
            result = empty["chart"]["result"][0]
            result.pop("events", None)
            del result["timestamp"]
            result["indicators"] = {"quote": [{}], "adjclose": [{}]}
            return [mock.get(chart, json=empty)]
        if answer == "unknown":
            return [
                mock.get(chart, status=404, json=UNKNOWN),
                mock.get(re.compile(QUERY + r"/v10/finance/quoteSummary/.*"), status=404, json={}),
                mock.get(re.compile(QUERY + r"/v7/finance/quote.*"), status=404, json={}),
            ]
        if answer == "429":
            return [mock.get(chart, status=429, body="Too Many Requests")]
        if answer == "500":
            return [mock.get(chart, status=500, body="<html>Internal Server Error</html>")]
        if answer == "down":
            return [mock.get(chart, body=requests.ConnectionError("connection reset by peer"))]
        if isinstance(answer, tuple) and answer[0] == "slow":
            seconds, body = answer[1], json.dumps(recording(recorded))

            def late(_request: Any) -> tuple[int, dict[str, str], str]:
                done = threading.Event()
                FakeYahoo._slow_in_flight.add(done)
                try:
                    time.sleep(seconds)
                finally:
                    done.set()
                return 200, {"Content-Type": "application/json"}, body

            return [mock.add_callback(responses.GET, chart, callback=late)]
        raise ValueError(answer)

    @classmethod
    def wait_for_slow_answers(cls, timeout: float = 10.0) -> None:
        """A caller that timed out leaves yfinance's thread running: let it finish while the
        mock is still in place, so it never reaches the network."""
        deadline = time.monotonic() + timeout
        while any(not e.is_set() for e in cls._slow_in_flight) and time.monotonic() < deadline:
            time.sleep(0.02)
        time.sleep(0.05)  # the thread's last steps after the answer
        cls._slow_in_flight.clear()
