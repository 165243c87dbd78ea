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

subscriptions = sa.Table(
    "subscriptions",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("platform", sa.String(20), nullable=False),
    sa.Column("workspace", sa.String(100), nullable=False),
    sa.Column("channel", sa.String(100), nullable=False),
    sa.Column("time", sa.String(5), nullable=False),  # HH:MM, 24 h, in `zone`
    sa.Column("zone", sa.String(64), nullable=False),  # IANA name
    sa.Column("language", sa.String(2), nullable=False),
    sa.Column("cadence", sa.String(20), nullable=False),  # daily | weekdays | trading-days
    sa.Column("created_by", sa.String(100), nullable=False),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("paused_reason", sa.String(300), nullable=True),  # set when posting cannot work
    sa.UniqueConstraint("platform", "workspace", "channel", name="uq_subscription_channel"),
)

deliveries = sa.Table(
    "deliveries",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column(
        "subscription_id",
        sa.Integer,
        sa.ForeignKey("subscriptions.id", ondelete="CASCADE"),
        nullable=False,
    ),
    sa.Column("local_date", sa.Date, nullable=False),
    sa.Column("state", sa.String(20), nullable=False),  # see subscriptions/claims.py
    sa.Column("late", sa.Boolean, nullable=False, default=False),
    sa.Column("claimed_by", sa.String(200), nullable=True),
    sa.Column("lease_until", sa.DateTime(timezone=True), nullable=True),
    sa.Column("message_id", sa.String(100), nullable=True),
    sa.Column("attempts", sa.Integer, nullable=False, default=0),
    sa.Column("last_error", sa.String(300), nullable=True),
    sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    sa.UniqueConstraint("subscription_id", "local_date", name="uq_delivery_day"),
)

channel_market = sa.Table(  # a channel's own peers, benchmark and move alerts (migration 0005)
    "channel_market",
    metadata,
    sa.Column("platform", sa.String(20), primary_key=True),
    sa.Column("workspace", sa.String(100), primary_key=True),
    sa.Column("channel", sa.String(100), primary_key=True),
    sa.Column("peers", sa.String(200), nullable=True),  # "GOOGL,MSFT,NVDA"; None: PEER_SYMBOLS
    sa.Column("benchmark", sa.String(20), nullable=True),  # None: BENCHMARK_SYMBOL
    sa.Column("alerts", sa.String(20), nullable=True),  # "2sigma" | "3%"; None: off
    sa.Column("language", sa.String(2), nullable=True),  # of the alerts' posts
    sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
)

alert_posts = sa.Table(  # the claim of a move alert: at most one per (channel, day, direction)
    "alert_posts",
    metadata,
    sa.Column("platform", sa.String(20), primary_key=True),
    sa.Column("workspace", sa.String(100), primary_key=True),
    sa.Column("channel", sa.String(100), primary_key=True),
    sa.Column("day", sa.Date, primary_key=True),  # the New York session
    sa.Column("direction", sa.String(4), primary_key=True),  # up | down
    sa.Column("state", sa.String(20), nullable=False),  # claimed | posted | failed
    sa.Column("change_pct", sa.Float, nullable=False),
    sa.Column("message_id", sa.String(100), nullable=True),
    sa.Column("claimed_at", sa.DateTime(timezone=True), nullable=False),
)

market_earnings = sa.Table(  # the last good earnings dates per symbol
    "market_earnings",
    metadata,
    sa.Column("symbol", sa.String(20), primary_key=True),
    sa.Column("day", sa.Date, primary_key=True),
    sa.Column("eps_estimate", sa.Float, nullable=True),
    sa.Column("reported_eps", sa.Float, nullable=True),
    sa.Column("surprise_pct", sa.Float, nullable=True),
    sa.Column("fetched_at", sa.DateTime(timezone=True), nullable=False),
)

# Sources added at run time (feeds, pages, PDFs) and the articles read from them. An article is
# one row per canonical URL, however many sources reach it (`source_articles`).
sources = sa.Table(
    "sources",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("url", sa.String(2000), nullable=False, unique=True),
    sa.Column("kind", sa.String(10), nullable=False),  # feed | page | pdf
    sa.Column("title", sa.String(500), nullable=False),
    sa.Column("etag", sa.String(300), nullable=True),
    sa.Column("last_modified", sa.String(100), nullable=True),
    sa.Column("added_by", sa.String(100), nullable=False),
    sa.Column("added_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("last_fetched", sa.DateTime(timezone=True), nullable=True),
    sa.Column("last_error", sa.String(300), nullable=True),
)

web_articles = sa.Table(
    "web_articles",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("url", sa.String(2000), nullable=False),
    sa.Column("canonical_url", sa.String(2000), nullable=False, unique=True),
    sa.Column("title", sa.String(500), nullable=False),
    sa.Column("published", sa.Date, nullable=True),
    sa.Column("language", sa.String(8), nullable=False),
    sa.Column("content_hash", sa.String(64), nullable=False),
    sa.Column("first_seen", sa.DateTime(timezone=True), nullable=False),
    sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
)

web_passages = sa.Table(
    "web_passages",
    metadata,
    sa.Column(
        "article_id",
        sa.Integer,
        sa.ForeignKey("web_articles.id", ondelete="CASCADE"),
        primary_key=True,
    ),
    sa.Column("position", sa.Integer, primary_key=True),
    sa.Column("text", sa.Text, nullable=False),
)

source_articles = sa.Table(
    "source_articles",
    metadata,
    sa.Column(
        "source_id", sa.Integer, sa.ForeignKey("sources.id", ondelete="CASCADE"), primary_key=True
    ),
    sa.Column(
        "article_id",
        sa.Integer,
        sa.ForeignKey("web_articles.id", ondelete="CASCADE"),
        primary_key=True,
    ),
)

# The company's headlines from Yahoo, kept for when Yahoo is away ("as of" in the briefing).
news_headlines = sa.Table(
    "news_headlines",
    metadata,
    sa.Column("symbol", sa.String(20), primary_key=True),
    sa.Column("url", sa.String(1000), primary_key=True),
    sa.Column("title", sa.String(500), nullable=False),
    sa.Column("publisher", sa.String(200), nullable=False),
    sa.Column("published", sa.DateTime(timezone=True), nullable=False),
    sa.Column("fetched_at", sa.DateTime(timezone=True), nullable=False),
)
