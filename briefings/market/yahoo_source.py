"""Daily bars from Yahoo Finance through yfinance (imported on first fetch, not at start-up)."""

from __future__ import annotations

import datetime as dt
import math
from typing import Any

from briefings.market.bars import Bar, MarketDataUnavailable, Series
from chat.wording import Phrase

NO_DATA = Phrase("reason.no_data")
RATE_LIMIT = Phrase("reason.rate_limit")


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
        import yfinance
        from yfinance.exceptions import YFRateLimitError, YFTickerMissingError

        # Raise instead of logging and returning an empty frame, so a network error
        # is not mistaken for an unknown symbol (the documented successor of raise_errors).
        yfinance.config.debug.hide_exceptions = False
        try:
            frame = yfinance.Ticker(symbol, session=self.session).history(
                period=self.period, interval="1d", auto_adjust=False, actions=False
            )
        except YFRateLimitError as exc:
            raise RateLimited(symbol, RATE_LIMIT) from exc
        except YFTickerMissingError as exc:
            raise MarketDataUnavailable(symbol, NO_DATA) from exc
        except Exception as exc:
            if _http_status(exc) == 404:  # Yahoo's answer for an unknown symbol
                raise MarketDataUnavailable(symbol, NO_DATA) from exc
            reason = Phrase("reason.unreachable", error=type(exc).__name__)
            raise MarketDataUnavailable(symbol, reason) from exc
        bars = _bars(frame)
        if not bars:
            raise MarketDataUnavailable(symbol, NO_DATA)
        return Series(
            symbol=symbol,
            bars=bars,
            source=self.source,
            fetched_at=dt.datetime.now(dt.UTC),
        )


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


def _http_status(exc: BaseException) -> int | None:
    response = getattr(exc, "response", None)
    return getattr(response, "status_code", None)
