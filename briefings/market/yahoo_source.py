"""Daily bars from Yahoo Finance through yfinance (imported on first fetch, not at start-up)."""

from __future__ import annotations

import datetime as dt
import math
import threading
from typing import Any

from briefings.market.bars import Bar, Intraday, MarketDataUnavailable, MinuteBar, Series
from briefings.market.earnings import Earnings, earnings_from_frame
from chat.wording import Phrase

NO_DATA = Phrase("reason.no_data")
RATE_LIMIT = Phrase("reason.rate_limit")
_caches_lock = threading.Lock()


def _open_caches() -> None:
    """Create yfinance's time-zone and cookie caches (SQLite files) in one thread at a time:
    their `initialise` is not thread-safe, and a briefing's first fetches run at once."""
    from yfinance import cache

    with _caches_lock:
        cache.get_tz_cache().initialise()
        cache.get_cookie_cache().initialise()


class RateLimited(MarketDataUnavailable):
    """Yahoo answered HTTP 429: back off for minutes before asking again."""


class YahooSource:
    """One `history()` call per fetch: unadjusted daily bars (the real closes)."""

    name = "yahoo"
    source = "Yahoo Finance"

    def __init__(self, session: Any = None, period: str = "5y") -> None:
        self.session = session
        self.period = period

    def fetch(self, symbol: str) -> Series:
        """The symbol's daily bars; raises RateLimited or MarketDataUnavailable."""
        frame = self._call(
            symbol,
            lambda ticker: ticker.history(
                period=self.period, interval="1d", auto_adjust=False, actions=False
            ),
        )
        bars = _bars(frame)
        if not bars:
            raise MarketDataUnavailable(symbol, NO_DATA)
        return Series(
            symbol=symbol,
            bars=bars,
            source=self.source,
            fetched_at=dt.datetime.now(dt.UTC),
        )

    def fetch_intraday(self, symbol: str) -> Intraday:
        """The latest session's 5-minute bars (regular hours, delayed as Yahoo serves them)."""
        frame = self._call(
            symbol,
            lambda ticker: ticker.history(
                period="1d", interval="5m", auto_adjust=False, actions=False, prepost=False
            ),
        )
        bars = _minute_bars(frame)
        if not bars:
            raise MarketDataUnavailable(symbol, NO_DATA)
        return Intraday(symbol, bars, self.source, dt.datetime.now(dt.UTC))

    def fetch_earnings(self, symbol: str) -> Earnings:
        """Past and upcoming earnings reports (`get_earnings_dates`: Yahoo's calendar page)."""
        frame = self._call(symbol, lambda ticker: ticker.get_earnings_dates(limit=12))
        earnings = earnings_from_frame(symbol, frame, self.source)
        if not earnings.events:
            raise MarketDataUnavailable(symbol, NO_DATA)
        return earnings

    def _call(self, symbol: str, call: Any) -> Any:
        import yfinance
        from yfinance.exceptions import YFRateLimitError, YFTickerMissingError

        # Raise instead of logging and returning an empty frame, so a network error
        # is not mistaken for an unknown symbol (the documented successor of raise_errors).
        yfinance.config.debug.hide_exceptions = False
        try:
            _open_caches()
            return call(yfinance.Ticker(symbol, session=self.session))
        except YFRateLimitError as exc:
            raise RateLimited(symbol, RATE_LIMIT) from exc
        except YFTickerMissingError as exc:
            raise MarketDataUnavailable(symbol, NO_DATA) from exc
        except Exception as exc:
            if _http_status(exc) == 404:  # Yahoo's answer for an unknown symbol
                raise MarketDataUnavailable(symbol, NO_DATA) from exc
            reason = Phrase("reason.unreachable", error=type(exc).__name__)
            raise MarketDataUnavailable(symbol, reason) from exc


def _bars(frame: Any) -> tuple[Bar, ...]:
    """DataFrame (tz-aware index) -> bars by exchange-local date; NaN rows dropped, last wins."""
    if frame is None or frame.empty:
        return ()
    by_date: dict[dt.date, Bar] = {}
    columns = frame[["Open", "High", "Low", "Close", "Volume"]]
    for stamp, open_, high, low, close, volume in columns.itertuples(name=None):
        prices = (float(open_), float(high), float(low), float(close))
        if not all(math.isfinite(price) for price in prices):
            continue
        shares = float(volume)
        day = stamp.date()
        by_date[day] = Bar(day, *prices, volume=int(shares) if math.isfinite(shares) else 0)
    return tuple(by_date[day] for day in sorted(by_date))


def _minute_bars(frame: Any) -> tuple[MinuteBar, ...]:
    """An intraday DataFrame (New York index) -> bars of its last session, NaN rows dropped."""
    if frame is None or frame.empty:
        return ()
    bars: list[MinuteBar] = []
    columns = frame[["Open", "High", "Low", "Close", "Volume"]]
    for stamp, open_, high, low, close, volume in columns.itertuples(name=None):
        prices = (float(open_), float(high), float(low), float(close))
        if not all(math.isfinite(price) for price in prices):
            continue
        shares = float(volume)
        moment = stamp.to_pydatetime()
        bars.append(MinuteBar(moment, *prices, volume=int(shares) if math.isfinite(shares) else 0))
    if not bars:
        return ()
    last_day = bars[-1].time.date()
    return tuple(b for b in bars if b.time.date() == last_day)


def _http_status(exc: BaseException) -> int | None:
    response = getattr(exc, "response", None)
    return getattr(response, "status_code", None)
