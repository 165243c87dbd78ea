"""One database per bot: a SQLite file in DATA_DIR by default, any SQLAlchemy URL otherwise."""

from __future__ import annotations

import contextlib
import fcntl
import logging
from collections.abc import Iterator
from functools import cached_property
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from briefings.storage.faults import LONG_WAIT, StorageFault, problem_of
from briefings.storage.guard import StorageGuard, report

MIGRATIONS = Path(__file__).resolve().parent / "migrations"
# The newest migration. Start-up compares it with the database's and skips Alembic (which
# imports every migration file) when they match; tests/test_storage.py keeps it true.
HEAD_REVISION = "0006"
MIGRATION_LOCK_KEY = 0x6D696772  # "migr": the advisory lock migrating processes take turns on
log = logging.getLogger(__name__)


class Database:
    """Owns the engine and brings the schema up to date once."""

    def __init__(self, url: str) -> None:
        self.url = url
        self._migrated = False

    @cached_property
    def file(self) -> Path | None:
        """The SQLite file, or None (a server database, or SQLite in memory)."""
        path = self.url.removeprefix("sqlite:///")
        if not self.url.startswith("sqlite:///") or path in ("", ":memory:"):
            return None
        return Path(path)

    @cached_property
    def guard(self) -> StorageGuard:
        return StorageGuard(str(self.file) if self.file else self.safe_url, self.file)

    def health(self) -> StorageFault | None:
        """What makes the database unusable right now (never waits on it), or None."""
        if "engine" not in self.__dict__:
            return None  # never opened: nothing known yet
        return self.guard.check()

    @cached_property
    def engine(self) -> Engine:
        engine = self._create_engine()
        self.guard.attach(engine)
        return engine

    def _create_engine(self) -> Engine:
        if self.url.startswith("sqlite:///"):
            Path(self.url.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
            engine = sa.create_engine(self.url, connect_args={"timeout": LONG_WAIT})

            @sa.event.listens_for(engine, "connect")
            def _sqlite_pragmas(dbapi_connection, _record) -> None:  # type: ignore[no-untyped-def]
                cursor = dbapi_connection.cursor()
                cursor.execute("PRAGMA journal_mode=WAL")
                cursor.execute("PRAGMA synchronous=NORMAL")  # safe with WAL, far fewer fsyncs
                cursor.execute(f"PRAGMA busy_timeout={int(LONG_WAIT * 1000)}")
                cursor.close()

            return engine
        return sa.create_engine(self.url, pool_pre_ping=True)

    def current_revision(self) -> str | None:
        try:
            with self.engine.connect() as conn:
                return conn.execute(sa.text("SELECT version_num FROM alembic_version")).scalar()
        except sa.exc.DBAPIError as exc:
            if isinstance(problem_of(exc), StorageFault):
                raise  # a broken file is no new database
            return None  # no table yet: a new database

    def migrate(self) -> None:
        """Apply every pending Alembic migration (idempotent, once per process). Processes
        starting together take turns: one migrates under a lock, the others find it done."""
        if self._migrated:
            return
        try:
            if self.current_revision() == HEAD_REVISION:
                self._migrated = True
                return
            with self._migration_lock():
                if self.current_revision() != HEAD_REVISION:
                    self._upgrade()
        except sa.exc.SQLAlchemyError as exc:
            problem = problem_of(exc, self.guard.where)
            if isinstance(problem, StorageFault):
                report(problem)  # the one line that names the file and the fix
            else:
                log.error("database migration failed on %s: %s", self.safe_url, exc)
            raise
        self._migrated = True

    @property
    def safe_url(self) -> str:
        """The URL with any password hidden, for log lines."""
        return sa.make_url(self.url).render_as_string(hide_password=True)

    def _upgrade(self) -> None:
        from alembic import command
        from alembic.config import Config

        config = Config()
        config.set_main_option("script_location", str(MIGRATIONS))
        config.attributes["connection_engine"] = self.engine
        command.upgrade(config, "head")

    @contextlib.contextmanager
    def _migration_lock(self) -> Iterator[None]:
        """A lock every process migrating this database shares: a PostgreSQL advisory lock,
        or for SQLite an exclusive lock on a file beside the database."""
        if self.engine.dialect.name == "postgresql":
            with self.engine.connect() as conn:
                conn.execute(sa.text("SELECT pg_advisory_lock(:key)"), {"key": MIGRATION_LOCK_KEY})
                try:
                    yield
                finally:
                    conn.execute(
                        sa.text("SELECT pg_advisory_unlock(:key)"), {"key": MIGRATION_LOCK_KEY}
                    )
                    conn.commit()
            return
        path = self.url.removeprefix("sqlite:///")
        if not self.url.startswith("sqlite:///") or path in ("", ":memory:"):
            yield
            return
        with open(path + ".migrate-lock", "a") as lock_file:
            fcntl.flock(lock_file, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(lock_file, fcntl.LOCK_UN)

    def ready(self) -> Engine:
        """The engine, with the schema migrated."""
        self.migrate()
        return self.engine
