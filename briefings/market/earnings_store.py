"""The last good earnings dates per symbol in the database (table `market_earnings`): what the
briefing shows when Yahoo's calendar fails, like the stored daily bars."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from briefings.market.earnings import Earnings, EarningsEvent
from briefings.storage.tables import market_earnings


class EarningsStore:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def save(self, earnings: Earnings, now: dt.datetime) -> None:
        rows = [
            {
                "symbol": earnings.symbol,
                "day": e.day,
                "eps_estimate": e.eps_estimate,
                "reported_eps": e.reported_eps,
                "surprise_pct": e.surprise_pct,
                "fetched_at": now,
            }
            for e in earnings.events
        ]
        with self.engine.begin() as connection:
            connection.execute(
                market_earnings.delete().where(market_earnings.c.symbol == earnings.symbol)
            )
            if rows:
                connection.execute(market_earnings.insert(), rows)

    def load(self, symbol: str, source: str) -> Earnings | None:
        with self.engine.connect() as connection:
            rows = connection.execute(
                sa.select(
                    market_earnings.c.day,
                    market_earnings.c.eps_estimate,
                    market_earnings.c.reported_eps,
                    market_earnings.c.surprise_pct,
                )
                .where(market_earnings.c.symbol == symbol)
                .order_by(market_earnings.c.day)
            ).all()
        if not rows:
            return None
        return Earnings(symbol, tuple(EarningsEvent(*row) for row in rows), source)
