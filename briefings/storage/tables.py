"""Table definitions (SQLAlchemy Core). Every change here comes with an Alembic migration."""

from __future__ import annotations

import sqlalchemy as sa

metadata = sa.MetaData()

insight_rotation = sa.Table(
    "insight_rotation",
    metadata,
    sa.Column("scope", sa.String(200), primary_key=True),
    sa.Column("passage_id", sa.String(200), primary_key=True),
    sa.Column("shown_at", sa.DateTime(timezone=True), nullable=False),
)

market_bars = sa.Table(
    "market_bars",
    metadata,
    sa.Column("symbol", sa.String(20), primary_key=True),
    sa.Column("date", sa.Date, primary_key=True),
    sa.Column("open", sa.Float, nullable=False),
    sa.Column("high", sa.Float, nullable=False),
    sa.Column("low", sa.Float, nullable=False),
    sa.Column("close", sa.Float, nullable=False),
    sa.Column("volume", sa.BigInteger, nullable=False),
)

market_fetches = sa.Table(
    "market_fetches",
    metadata,
    sa.Column("symbol", sa.String(20), primary_key=True),
    sa.Column("source", sa.String(100), nullable=False),
    sa.Column("fetched_at", sa.DateTime(timezone=True), nullable=False),
)
