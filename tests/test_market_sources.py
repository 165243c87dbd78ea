"""CSV and Yahoo sources; Yahoo through the real yfinance code, offline, with canned responses."""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import warnings
import zoneinfo
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests
import responses

from briefings.market.bars import MarketDataError, MarketDataUnavailable
from briefings.market.cache import MarketData
from briefings.market.csv_source import FileSource, read_bars_csv
from briefings.market.store import BarStore
from briefings.market.yahoo_source import NO_DATA, RateLimited, YahooSource
from briefings.storage import Database

# yfinance picks its HTTP backend when first imported: plain `requests` (which `responses`
# can serve) only with this set. Nothing imports yfinance at module level, so this is early.
os.environ["YF_DISABLE_CURL_CFFI"] = "1"

DATA = Path(__file__).resolve().parent / "data"
HEADER = "Date,Open,High,Low,Close,Adj Close,Volume,Dividends,Stock Splits"
ROW = "{date},10.0,11.0,9.5,10.5,10.4,1000,0.0,0.0"


# ---- CSV ---------------------------------------------------------------------------------


def test_real_yfinance_export_reads():
    path = DATA / "META.csv"
    series = read_bars_csv(path, "META")
    by_date = {bar.date: bar for bar in series.bars}
    assert len(series.bars) == 1403  # 1,404 lines: the header and 1,403 trading days
    assert series.bars[0].date == dt.date(2019, 1, 2)
    assert series.last.date == dt.date(2024, 7, 30)
    assert by_date[dt.date(2024, 3, 13)].close == pytest.approx(495.57)
    assert by_date[dt.date(2023, 12, 29)].close == pytest.approx(353.96)  # not Adj Close
    assert by_date[dt.date(2024, 3, 13)].volume == 12090700
    assert series.source == "file META.csv"
    assert series.fetched_at == dt.datetime.fromtimestamp(path.stat().st_mtime, tz=dt.UTC)
    assert series.stale_reason is None


def test_dates_with_time_and_zone_take_the_date_part(tmp_path):
    path = tmp_path / "META.csv"
    path.write_text(
        "Date,Open,High,Low,Close,Volume\n"
        "2024-03-12 00:00:00-04:00,1,2,0.5,1.5,10\n"
        "2024-03-13 00:00:00-04:00,1,2,0.5,1.75,20\n"
    )
    series = read_bars_csv(path, "META")
    assert [bar.date for bar in series.bars] == [dt.date(2024, 3, 12), dt.date(2024, 3, 13)]
    assert series.last.close == 1.75
    assert series.last.volume == 20


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "META.csv"
    path.write_text(text)
    return path


BAD_FILES = {
    "missing column": (
        "Date,Open,High,Low,Close,Adj Close\n2024-03-13,1,2,0.5,1.5,1.4\n",
        "META.csv: missing column(s) Volume; expected Date,Open,High,Low,Close,Volume",
    ),
    "non-numeric": (
        f"{HEADER}\n{ROW.format(date='2024-03-12')}\n2024-03-13,1,2,0.5,n/a,1.4,10,0,0\n",
        "META.csv: line 3, column Close: 'n/a' is not a number",
    ),
    "empty cell": (
        f"{HEADER}\n2024-03-13,1,2,0.5,1.5,1.4,,0,0\n",
        "META.csv: line 2, column Volume: '' is not a number",
    ),
    "bad date": (
        f"{HEADER}\n13/03/2024,1,2,0.5,1.5,1.4,10,0,0\n",
        "META.csv: line 2: Date '13/03/2024' is not a date; expected YYYY-MM-DD",
    ),
    "unsorted": (
        f"{HEADER}\n{ROW.format(date='2024-03-13')}\n{ROW.format(date='2024-03-12')}\n",
        "META.csv: line 3: date 2024-03-12 comes after 2024-03-13; expected dates in ascending",
    ),
    "duplicate": (
        f"{HEADER}\n{ROW.format(date='2024-03-13')}\n{ROW.format(date='2024-03-13')}\n",
        "META.csv: line 3: duplicate date 2024-03-13; expected one row per trading day",
    ),
    "no rows": (f"{HEADER}\n", "META.csv: no rows; expected one row per trading day"),
    "empty file": ("", "META.csv: the file is empty; expected a header line Date,Open,"),
}


@pytest.mark.parametrize("case", BAD_FILES)
def test_bad_file_gives_one_line_naming_file_and_fix(tmp_path, case):
    text, expected = BAD_FILES[case]
    with pytest.raises(MarketDataError) as error:
        read_bars_csv(_write(tmp_path, text), "META")
    message = str(error.value)
    assert message.startswith(expected)
    assert "\n" not in message
    assert "expected" in message


def test_missing_file_is_a_market_data_error(tmp_path):
    with pytest.raises(MarketDataError) as error:
        read_bars_csv(tmp_path / "META.csv", "META")
    assert str(error.value).startswith("META.csv: cannot read the file (No such file")
    assert "\n" not in str(error.value)


def test_undecodable_file_is_a_market_data_error(tmp_path):
    path = tmp_path / "META.csv"
    path.write_bytes(b"Date,Open\n\xff\xfe\x00garbage\n")
    with pytest.raises(MarketDataError, match=r"^META\.csv: cannot read the file"):
        read_bars_csv(path, "META")


def test_file_source_fetches_known_symbols_only():
    source = FileSource({"META": DATA / "META.csv"})
    assert source.name == "file"
    assert source.fetch("META").last.date == dt.date(2024, 7, 30)
    assert source.fetch("meta").symbol == "meta"
    with pytest.raises(MarketDataUnavailable) as error:
        source.fetch("AAPL")
    assert error.value.reason == "no price file"
    assert error.value.symbol == "AAPL"


# ---- Yahoo through real yfinance ------------------------------------------------------------

QUERY = r"https://query[12]\.finance\.yahoo\.com"
UNKNOWN = {
    "chart": {
        "result": None,
        "error": {"code": "Not Found", "description": "No data found, symbol may be delisted"},
    }
}


def _chart_json(symbol: str) -> dict:
    return json.loads((DATA / f"yahoo_chart_{symbol}_1d_1y.json").read_text())


def _expected_closes(symbol: str) -> dict[dt.date, float]:
    """Date (exchange time zone) -> real close, straight from the raw Yahoo response."""
    result = _chart_json(symbol)["chart"]["result"][0]
    zone = zoneinfo.ZoneInfo(result["meta"]["exchangeTimezoneName"])
    closes = result["indicators"]["quote"][0]["close"]
    return {
        dt.datetime.fromtimestamp(stamp, zone).date(): close
        for stamp, close in zip(result["timestamp"], closes, strict=True)
    }


def _reset_yfinance(cache_dir: Path) -> None:
    """Forget yfinance's process-wide state: the YfData singleton (session, cookie, crumb),
    its lru-cached requests, and the SQLite caches (time zones, cookies), moved to `cache_dir`."""
    import yfinance
    from yfinance import cache, data

    data.SingletonMeta._instances.pop(data.YfData, None)
    data.YfData.cache_get.cache_clear()
    yfinance.set_tz_cache_location(str(cache_dir))  # closes the open databases
    cache._TzCacheManager._tz_cache = None  # the cache objects keep the old database
    cache._CookieCacheManager._Cookie_cache = None
    cache._ISINCacheManager._isin_cache = None


@pytest.fixture
def yahoo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[responses.RequestsMock]:
    """Canned Yahoo: the cookie and crumb answered; add the chart answer with `_serve`."""
    monkeypatch.setenv("YF_DISABLE_CURL_CFFI", "1")
    import yfinance

    if yfinance._http.HAS_CURL_CFFI:
        pytest.fail("yfinance was imported before YF_DISABLE_CURL_CFFI=1 was set")
    # yfinance's pandas deprecations are not ours to fix. Added here, after the import: importing
    # yfinance puts its own "default" filter for its DeprecationWarnings first.
    warnings.filterwarnings("ignore", "The inplace keyword", DeprecationWarning)
    _reset_yfinance(tmp_path / "yfinance-cache")
    # A failed time-zone lookup falls back to `.info` at most twice per process: reset.
    monkeypatch.setattr(yfinance.base, "_tz_info_fetch_ctr", 0)
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        yield mock
    _reset_yfinance(tmp_path / "yfinance-cache")


def _serve(mock: responses.RequestsMock, symbol: str, answer: str) -> None:
    """(Re)program Yahoo: `answer` is ok, empty, unknown, 429 or down for the chart of `symbol`."""
    mock.reset()
    mock.get(re.compile(r"https://fc\.yahoo\.com.*"), status=404, body="")
    mock.get(re.compile(r"https://guce\.yahoo\.com/.*"), status=404, body="")
    mock.get(re.compile(QUERY + r"/v1/test/getcrumb.*"), body="test-crumb")
    chart = re.compile(QUERY + rf"/v8/finance/chart/{symbol}(\?.*)?$")
    if answer == "ok":
        mock.get(chart, json=_chart_json(symbol))
    elif answer == "empty":  # a known symbol with no trades in the range
        empty = _chart_json(symbol)
        result = empty["chart"]["result"][0]
        del result["timestamp"], result["events"]
        result["indicators"] = {"quote": [{}], "adjclose": [{}]}
        mock.get(chart, json=empty)
    elif answer == "unknown":  # what Yahoo answers for an unknown or delisted symbol
        mock.get(chart, status=404, json=UNKNOWN)
        mock.get(re.compile(QUERY + r"/v10/finance/quoteSummary/.*"), status=404, json={})
        mock.get(re.compile(QUERY + r"/v7/finance/quote.*"), status=404, json={})
    elif answer == "429":
        mock.get(chart, status=429, body="Too Many Requests")
    elif answer == "down":
        mock.get(chart, body=requests.ConnectionError("connection reset by peer"))
    else:
        raise ValueError(answer)


@pytest.mark.parametrize("symbol", ["META", "AAPL"])
def test_yahoo_history_through_real_yfinance(yahoo, symbol):
    _serve(yahoo, symbol, "ok")
    series = YahooSource(session=requests.Session()).fetch(symbol)

    expected = _expected_closes(symbol)
    assert [bar.date for bar in series.bars] == sorted(expected)
    assert series.last.date == max(expected) == dt.date(2025, 11, 26)
    assert series.last.close == pytest.approx(expected[max(expected)])
    assert series.source == "Yahoo Finance"
    assert series.symbol == symbol
    assert series.fetched_at.tzinfo is not None
    assert any("/v8/finance/chart/" in call.request.url for call in yahoo.calls)


def test_yahoo_bars_are_real_closes_not_dividend_adjusted(yahoo):
    _serve(yahoo, "META", "ok")
    series = YahooSource(session=requests.Session()).fetch("META")
    by_date = {bar.date: bar for bar in series.bars}
    assert by_date[dt.date(2025, 11, 26)].close == pytest.approx(633.61)
    assert by_date[dt.date(2025, 11, 26)].volume == 15186100
    assert by_date[dt.date(2025, 4, 25)].close == pytest.approx(547.27)
    # The first bars predate dividends paid in the year: adjusted closes would be lower.
    result = _chart_json("META")["chart"]["result"][0]
    adjusted = result["indicators"]["adjclose"][0]["adjclose"][0]
    assert series.bars[0].close == pytest.approx(result["indicators"]["quote"][0]["close"][0])
    assert series.bars[0].close > adjusted


FAILURES = {
    "429": (RateLimited, "Yahoo rate limit"),
    "empty": (MarketDataUnavailable, NO_DATA),
    "unknown": (MarketDataUnavailable, NO_DATA),
    "down": (MarketDataUnavailable, "Yahoo unreachable (ConnectionError)"),
}


@pytest.mark.parametrize("answer", FAILURES)
def test_yahoo_failures_become_market_data_unavailable(yahoo, answer):
    kind, reason = FAILURES[answer]
    _serve(yahoo, "META", answer)
    with pytest.raises(MarketDataUnavailable) as error:
        YahooSource(session=requests.Session()).fetch("META")
    assert type(error.value) is kind
    assert error.value.reason == reason
    assert error.value.symbol == "META"


# ---- Yahoo failures through MarketData ------------------------------------------------------


class Clock:
    def __init__(self) -> None:
        self.now = dt.datetime(2026, 11, 27, 14, 0, tzinfo=dt.UTC)

    def __call__(self) -> dt.datetime:
        return self.now


@pytest.fixture
def store(tmp_path: Path) -> BarStore:
    return BarStore(Database(f"sqlite:///{tmp_path / 'bot.db'}").ready())


def _market_data(store: BarStore | None, clock: Clock) -> MarketData:
    source = YahooSource(session=requests.Session())
    return MarketData(source, store, clock, ttl=lambda now: 300, timeout=10, backoff_seconds=300)


@pytest.mark.parametrize("answer", FAILURES)
async def test_yahoo_failure_falls_back_to_stored_bars(yahoo, store, answer):
    clock = Clock()
    _serve(yahoo, "META", "ok")
    fresh = await _market_data(store, clock).series("META")
    assert not fresh.is_stale

    _serve(yahoo, "META", answer)
    clock.now += dt.timedelta(hours=1)
    data = _market_data(store, clock)  # a restart: nothing in memory, the bars in the database
    stale = await data.series("META")

    assert stale.stale_reason == FAILURES[answer][1]
    assert stale.bars == fresh.bars
    assert stale.fetched_at == fresh.fetched_at
    assert stale.source == "Yahoo Finance"
    assert (data.upstream_fetches, data.upstream_errors) == (1, 1)


@pytest.mark.parametrize("answer", FAILURES)
async def test_yahoo_failure_with_nothing_stored_is_unavailable(yahoo, store, answer):
    _serve(yahoo, "META", answer)
    with pytest.raises(MarketDataUnavailable) as error:
        await _market_data(store, Clock()).series("META")
    assert error.value.reason == FAILURES[answer][1]
    assert store.load("META") is None


def test_a_french_briefing_says_yahoo_is_unreachable_in_french(yahoo, settings):
    from commands.services import Services
    from tests.harness.chat import Chat

    _serve(yahoo, "META", "down")
    services = Services(settings, market_source=YahooSource(session=requests.Session()))
    reply = Chat(services).send("/meta brief --lang fr").plain_text()
    # nothing stored: the bundled sample, and why, in the reader's language
    assert (
        "Pas de cours en direct ; échantillon fourni affiché jusqu’au 30 juil. 2024 "
        "(Yahoo injoignable (ConnectionError))" in reply
    )
    assert "unreachable" not in reply
    english = Chat(services).send("/meta brief").plain_text()  # the same reason, in English
    assert (
        "No live market data; showing the bundled sample to 30 Jul 2024 "
        "(Yahoo unreachable (ConnectionError))" in english
    )


def test_a_french_stock_reply_on_stored_bars_says_why_in_french(yahoo, settings):
    from commands.services import Services
    from tests.harness.chat import Chat

    def chat() -> Chat:  # a fresh process each time: nothing in memory, the bars in the database
        return Chat(Services(settings, market_source=YahooSource(session=requests.Session())))

    _serve(yahoo, "META", "ok")
    assert (
        "Données : Yahoo Finance, au 26 nov. 2025"
        in chat().send("/meta stock --lang fr").plain_text()
    )
    _serve(yahoo, "META", "429")
    reply = chat().send("/meta stock --lang fr").plain_text()
    assert "Données : Yahoo Finance indisponible (limite de requêtes Yahoo) ; données " in reply
    assert "rate limit" not in reply
