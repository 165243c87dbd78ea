"""The bot's database: SQLAlchemy tables, Alembic migrations applied at start."""

from briefings.storage.database import Database

__all__ = ["Database"]
