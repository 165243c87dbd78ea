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
