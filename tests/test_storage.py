"""The schema: migrations from scratch, the head revision start-up relies on, no data lost."""

from __future__ import annotations

import datetime as dt

from alembic.config import Config
from alembic.script import ScriptDirectory

from briefings.storage.database import HEAD_REVISION, MIGRATIONS, Database


def test_head_revision_constant_matches_the_migrations():
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    assert ScriptDirectory.from_config(config).get_current_head() == HEAD_REVISION


def test_a_new_database_is_migrated_to_head_and_a_restart_keeps_subscriptions(isolated_env):
    from briefings.subscriptions.store import SubscriptionStore

    url = f"sqlite:///{isolated_env / 'x.db'}"
    first = Database(url)
    first.migrate()
    assert first.current_revision() == HEAD_REVISION
    SubscriptionStore(first.engine).save(
        "console",
        "local",
        "c",
        dt.time(8, 30),
        "UTC",
        "en",
        "daily",
        "t",
        dt.datetime(2026, 1, 1, tzinfo=dt.UTC),
    )
    again = Database(url)
    again.migrate()
    assert [s.channel for s in SubscriptionStore(again.engine).all()] == ["c"]


def test_upgrading_an_older_schema_keeps_its_subscriptions(isolated_env):
    import sqlalchemy as sa
    from alembic import command

    url = f"sqlite:///{isolated_env / 'old.db'}"
    database = Database(url)
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["connection_engine"] = database.engine
    command.upgrade(config, "0003")  # the schema before Slack installations
    with database.engine.begin() as conn:
        conn.execute(
            sa.text(
                "INSERT INTO subscriptions (platform, workspace, channel, time, zone, language, "
                "cadence, created_by, created_at) VALUES ('slack', 'T1', 'C1', '08:30', "
                "'Europe/Paris', 'fr', 'weekdays', 'U1', '2026-01-01 00:00:00')"
            )
        )
    database.migrate()
    assert database.current_revision() == HEAD_REVISION
    from briefings.subscriptions.store import SubscriptionStore

    (kept,) = SubscriptionStore(database.engine).all()
    assert (kept.channel, kept.time_text, kept.zone, kept.cadence) == (
        "C1",
        "08:30",
        "Europe/Paris",
        "weekdays",
    )
