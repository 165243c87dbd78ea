"""What went wrong with the database, in one line naming the file and the fix.

`problem_of(exc)` sorts an exception (SQLAlchemy's, the driver's, or our own StorageFaultError)
into "busy" (another writer holds the database: try again soon) or a StorageFault (the file is
gone, corrupt, read-only, full or unreadable: an operator must act). No SQLAlchemy import here,
so the router can ask cheaply.
"""

from __future__ import annotations

import contextlib
import contextvars
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass

BUSY = "busy"
LONG_WAIT = 30.0  # seconds a call waits for another writer by default (operators, the fan-out)
QUICK_WAIT = 1.5  # seconds for a command answered within a chat's 3-second window (Slack acks at 2)
# Seconds a database call may wait for another writer in this context (SQLite's busy timeout,
# set at each checkout): commands answered in a chat's 3-second window run with QUICK_WAIT, so
# they say "busy" instead of hanging.
DB_WAIT: contextvars.ContextVar[float] = contextvars.ContextVar("db_wait", default=LONG_WAIT)


@contextlib.contextmanager
def bounded_wait(seconds: float) -> Iterator[None]:
    """Database calls made in this context (and in threads started from it) wait at most
    `seconds` for another writer, then fail as busy."""
    token = DB_WAIT.set(seconds)
    try:
        yield
    finally:
        DB_WAIT.reset(token)


# SQLite primary result codes (sqlite_errorname without its extended suffix) -> our kinds.
_SQLITE_KINDS = {
    "SQLITE_BUSY": BUSY,
    "SQLITE_LOCKED": BUSY,
    "SQLITE_CORRUPT": "corrupt",
    "SQLITE_NOTADB": "corrupt",
    "SQLITE_READONLY": "readonly",
    "SQLITE_FULL": "full",
    "SQLITE_CANTOPEN": "cantopen",
    "SQLITE_IOERR": "io",
    "SQLITE_PERM": "readonly",
}
# The same, from the message, for drivers or versions without error names.
_SQLITE_MESSAGES = (
    ("database is locked", BUSY),
    ("database table is locked", BUSY),
    ("file is not a database", "corrupt"),
    ("database disk image is malformed", "corrupt"),
    ("readonly database", "readonly"),
    ("database or disk is full", "full"),
    ("unable to open database file", "cantopen"),
    ("disk i/o error", "io"),
)
# PostgreSQL SQLSTATEs: lock_not_available, query_canceled (lock/statement timeouts), disk_full,
# read_only_sql_transaction, data_corrupted, index_corrupted.
_PG_KINDS = {
    "55P03": BUSY,
    "57014": BUSY,
    "53100": "full",
    "25006": "readonly",
    "XX001": "corrupt",
    "XX002": "corrupt",
}

_FIXES = {
    "gone": "nothing is stored until then; put the file back (or restore a backup) and "
    "restart the bot, or restart it to start afresh with an empty database",
    "corrupt": "stop the bot, move the file aside (sqlite3 FILE '.recover' may save its data) "
    "or restore a backup, then start the bot again",
    "readonly": "make the file, its -wal and -shm files and their directory writable by the "
    "bot's user",
    "full": "free space on the disk that holds it",
    "cantopen": "check that its directory exists and is writable by the bot's user",
    "io": "check the disk that holds it (dmesg, the mount)",
}
_WHAT = {
    "gone": "is gone",
    "corrupt": "is corrupt or not a SQLite database",
    "readonly": "is read-only",
    "full": "cannot grow: the disk is full",
    "cantopen": "cannot be opened",
    "io": "cannot be read or written (I/O error)",
}


@dataclass(frozen=True)
class StorageFault:
    """A database problem an operator must fix: its kind, the file (or safe URL) and details."""

    kind: str  # one of _FIXES
    where: str
    detail: str = ""

    def line(self) -> str:
        """`database /data/bot.db is read-only (attempt to write...): make the file ...`."""
        detail = f" ({self.detail})" if self.detail else ""
        return f"database {self.where} {_WHAT[self.kind]}{detail}: {_FIXES[self.kind]}"


class StorageFaultError(Exception):
    """Raised instead of using a database that cannot be trusted (its file vanished)."""

    def __init__(self, fault: StorageFault) -> None:
        super().__init__(fault.line())
        self.fault = fault


def _causes(exc: BaseException) -> list[BaseException]:
    seen: list[BaseException] = []
    current: BaseException | None = exc
    while current is not None and current not in seen and len(seen) < 8:
        seen.append(current)
        current = getattr(current, "orig", None) or current.__cause__ or current.__context__
    return seen


def kind_of(exc: BaseException) -> str | None:
    """ "busy", a fault kind ("corrupt", "readonly", "full", ...), or None for anything else."""
    for cause in _causes(exc):
        if isinstance(cause, StorageFaultError):
            return cause.fault.kind
        if isinstance(cause, sqlite3.Error):
            name = (getattr(cause, "sqlite_errorname", "") or "").split("_")
            primary = "_".join(name[:2])
            if primary in _SQLITE_KINDS:
                return _SQLITE_KINDS[primary]
            message = str(cause).lower()
            for text, kind in _SQLITE_MESSAGES:
                if text in message:
                    return kind
        state = getattr(cause, "sqlstate", None) or getattr(cause, "pgcode", None)
        if isinstance(state, str) and state in _PG_KINDS:
            return _PG_KINDS[state]
    return None


def problem_of(exc: BaseException, where: str = "") -> str | StorageFault | None:
    """BUSY, a StorageFault (for `where`), or None when `exc` is no storage problem."""
    for cause in _causes(exc):
        if isinstance(cause, StorageFaultError):
            return cause.fault
    kind = kind_of(exc)
    if kind is None or kind == BUSY:
        return kind
    return StorageFault(kind, where or "(unknown)", _short(exc))


def _short(exc: BaseException) -> str:
    causes = _causes(exc)
    innermost = causes[1] if len(causes) > 1 else causes[0]
    return " ".join(str(innermost).split())[:120]
