"""Alembic environment: runs migrations on the engine handed over by `Database.migrate`."""

from alembic import context

from briefings.storage.tables import metadata

engine = context.config.attributes["connection_engine"]
with engine.begin() as connection:
    context.configure(connection=connection, target_metadata=metadata, render_as_batch=True)
    context.run_migrations()
