"""Insight rotation: which passages each channel has already been shown.

Revision ID: 0001
Revises:
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None


def upgrade() -> None:
    op.create_table(
        "insight_rotation",
        sa.Column("scope", sa.String(200), primary_key=True),
        sa.Column("passage_id", sa.String(200), primary_key=True),
        sa.Column("shown_at", sa.DateTime(timezone=True), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("insight_rotation")
