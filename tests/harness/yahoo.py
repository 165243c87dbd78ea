"""Yahoo Finance, canned, for the real yfinance code: `responses` answers its HTTP calls offline.

    with yahoo_offline(tmp_path) as mock:
        yahoo = FakeYahoo(mock)
        yahoo.set("META", "429")     # Yahoo rate-limits META from now on
        YahooSource(session=requests.Session()).fetch("META")  # -> RateLimited
        yahoo.set("META", "ok")

A fetch makes one history call (`chart/SYMBOL?range=5y...`), or a few: yfinance retries some
failures itself, and every call gets the answer set. yfinance's time-zone lookup (`chart/SYMBOL?range=1d...`, once per symbol
and cache) always gets the ok answer of a scripted symbol. Symbols without a script get a
connection error (never the network). Answers: "ok" (the real
recorded chart in tests/data), "empty" (a known symbol, no trades), "unknown" (404, delisted),
"429", "500", "down" (connection reset), ("slow", seconds) (the ok answer, late). Symbols other
than META and AAPL get META's recorded chart.
"""

from __future__ import annotations

import contextlib
import json
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

    def set(self, symbol: str, answer: str | tuple[str, float]) -> None:
        """From now on, every history call for `symbol` gets `answer` (until the next `set`):
        Yahoo is down, or rate-limiting, for a while, whatever yfinance retries meanwhile."""
        if symbol not in self._registered:
            timezone = re.compile(QUERY + rf"/v8/finance/chart/{re.escape(symbol)}\?range=1d&.*$")
            self.mock.get(timezone, json=chart_json("AAPL" if symbol == "AAPL" else "META"))
        for old in self._registered.get(symbol, []):
            self.mock.remove(old)
        self._registered[symbol] = self._add(symbol, self._history(symbol), answer)

    def _add(
        self, symbol: str, chart: re.Pattern[str], answer: str | tuple[str, float]
    ) -> list[responses.BaseResponse]:
        mock = self.mock
        recorded = symbol if symbol in ("META", "AAPL") else "META"  # the charts in tests/data
        if answer == "ok":
            return [mock.get(chart, json=chart_json(recorded))]
        if answer == "empty":
            empty = chart_json(recorded)
            result = empty["chart"]["result"][0]
            del result["timestamp"], result["events"]
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
            seconds, body = answer[1], json.dumps(chart_json(recorded))

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
