"""Per-channel market settings (peers, benchmark, move alerts), the move alerts posted (one per
channel, day and direction) and the last good earnings dates per symbol.

Revision ID: 0005
Revises: 0004
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"


def upgrade() -> None:
    op.create_table(
        "channel_market",
        sa.Column("platform", sa.String(20), primary_key=True),
        sa.Column("workspace", sa.String(100), primary_key=True),
        sa.Column("channel", sa.String(100), primary_key=True),
        sa.Column("peers", sa.String(200), nullable=True),
        sa.Column("benchmark", sa.String(20), nullable=True),
        sa.Column("alerts", sa.String(20), nullable=True),
        sa.Column("language", sa.String(2), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "alert_posts",
        sa.Column("platform", sa.String(20), primary_key=True),
        sa.Column("workspace", sa.String(100), primary_key=True),
        sa.Column("channel", sa.String(100), primary_key=True),
        sa.Column("day", sa.Date, primary_key=True),
        sa.Column("direction", sa.String(4), primary_key=True),
        sa.Column("state", sa.String(20), nullable=False),
        sa.Column("change_pct", sa.Float, nullable=False),
        sa.Column("message_id", sa.String(100), nullable=True),
        sa.Column("claimed_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "market_earnings",
        sa.Column("symbol", sa.String(20), primary_key=True),
        sa.Column("day", sa.Date, primary_key=True),
        sa.Column("eps_estimate", sa.Float, nullable=True),
        sa.Column("reported_eps", sa.Float, nullable=True),
        sa.Column("surprise_pct", sa.Float, nullable=True),
        sa.Column("fetched_at", sa.DateTime(timezone=True), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("market_earnings")
    op.drop_table("alert_posts")
    op.drop_table("channel_market")
