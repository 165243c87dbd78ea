"""Slack installations for many workspaces (slack_sdk's own table shapes) and OAuth states.

Revision ID: 0004
Revises: 0003
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"


def _tables(metadata: sa.MetaData) -> list[sa.Table]:
    # Imported here: Alembic loads every revision file on each start, and this one is heavy.
    from slack_sdk.oauth.installation_store.sqlalchemy import SQLAlchemyInstallationStore
    from slack_sdk.oauth.state_store.sqlalchemy import SQLAlchemyOAuthStateStore

    return [
        SQLAlchemyInstallationStore.build_installations_table(metadata, "slack_installations"),
        SQLAlchemyInstallationStore.build_bots_table(metadata, "slack_bots"),
        SQLAlchemyOAuthStateStore.build_oauth_states_table(metadata, "slack_oauth_states"),
    ]


def upgrade() -> None:
    for table in _tables(sa.MetaData()):
        table.create(bind=op.get_bind())


def downgrade() -> None:
    for table in reversed(_tables(sa.MetaData())):
        table.drop(bind=op.get_bind())
