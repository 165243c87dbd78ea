"""The bot's database: SQLAlchemy tables, Alembic migrations applied at start."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from briefings.storage.database import Database

__all__ = ["Database"]


def __getattr__(name: str) -> object:
    """`Database` on first use: `briefings.storage.faults` stays importable without SQLAlchemy."""
    if name == "Database":
        from briefings.storage.database import Database

        return Database
    raise AttributeError(name)
