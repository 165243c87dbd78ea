"""The last good bars per symbol in the database: the fallback when upstream fails."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from briefings.market.bars import Bar, Series
from briefings.storage.tables import market_bars, market_fetches


class BarStore:
    """Saves and loads whole series (tables `market_bars`, `market_fetches`)."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def save(self, series: Series) -> None:
        """Replace the symbol's stored bars, source and fetch time in one transaction."""
        rows = [
            {
                "symbol": series.symbol,
                "date": bar.date,
                "open": bar.open,
                "high": bar.high,
                "low": bar.low,
                "close": bar.close,
                "volume": bar.volume,
            }
            for bar in series.bars
        ]
        with self.engine.begin() as connection:
            connection.execute(market_bars.delete().where(market_bars.c.symbol == series.symbol))
            connection.execute(
                market_fetches.delete().where(market_fetches.c.symbol == series.symbol)
            )
            if rows:
                connection.execute(market_bars.insert(), rows)
            connection.execute(
                market_fetches.insert().values(
                    symbol=series.symbol,
                    source=series.source,
                    fetched_at=series.fetched_at.astimezone(dt.UTC),
                )
            )

    def load(self, symbol: str) -> Series | None:
        """The stored series (stale_reason None), or None when nothing is stored."""
        with self.engine.connect() as connection:
            fetch = connection.execute(
                sa.select(market_fetches.c.source, market_fetches.c.fetched_at).where(
                    market_fetches.c.symbol == symbol
                )
            ).first()
            if fetch is None:
                return None
            rows = connection.execute(
                sa.select(
                    market_bars.c.date,
                    market_bars.c.open,
                    market_bars.c.high,
                    market_bars.c.low,
                    market_bars.c.close,
                    market_bars.c.volume,
                )
                .where(market_bars.c.symbol == symbol)
                .order_by(market_bars.c.date)
            ).all()
        if not rows:
            return None
        fetched_at = fetch.fetched_at
        if fetched_at.tzinfo is None:  # SQLite keeps no zone: stored as UTC
            fetched_at = fetched_at.replace(tzinfo=dt.UTC)
        return Series(
            symbol=symbol,
            bars=tuple(Bar(*row) for row in rows),
            source=fetch.source,
            fetched_at=fetched_at,
        )
