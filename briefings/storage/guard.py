"""Watching a SQLite file while the bot runs: how long a call may wait for another writer, a
file deleted or replaced under the bot, and the faults (read-only, full, corrupt) writes meet.

SQLite keeps writing to a deleted file's inode, so nothing would ever fail and everything
would vanish at the next start: each checkout compares the path's inode with the one opened
first and refuses to go on when they differ, and once the file is gone every later checkout
refuses too. Connections opened after the first never create the file (`mode=rw`): a pool
refilling after the deletion would otherwise start an empty database the inode check may not
tell apart (a freed inode number is often reused at once).
"""

from __future__ import annotations

import logging
import threading
import time
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from briefings.storage.faults import (
    BUSY,
    DB_WAIT,
    StorageFault,
    StorageFaultError,
    problem_of,
)

log = logging.getLogger(__name__)

REPORT_EVERY = 60.0  # seconds between two log lines for the same fault
_STICKY = ("gone", "corrupt")  # only a restart (after the fix) clears these
_reported: dict[tuple[str, str], float] = {}
_report_lock = threading.Lock()


def report(fault: StorageFault) -> None:
    """Log the fault's one line, at most once a minute per fault (every caller may call)."""
    key = (fault.kind, fault.where)
    now = time.monotonic()
    with _report_lock:
        if now - _reported.get(key, -REPORT_EVERY) < REPORT_EVERY:
            return
        _reported[key] = now
    log.error("%s", fault.line())


def _identity(path: Path) -> tuple[int, int] | None:
    try:
        stat = path.stat()
    except FileNotFoundError:
        return None
    return stat.st_dev, stat.st_ino


class StorageGuard:
    """One database's watchman, attached to its engine's events: `path` is the SQLite file
    (None for a server database, whose faults are only recorded as calls meet them)."""

    def __init__(self, where: str, path: Path | None = None) -> None:
        self.where = where
        self.path = path
        self.fault: StorageFault | None = None
        self._identity: tuple[int, int] | None = None
        self._lock = threading.Lock()

    def attach(self, engine: Engine) -> None:
        if self.path is not None:
            sa.event.listen(engine, "do_connect", self._opening)
        sa.event.listen(engine, "connect", self._connected)
        sa.event.listen(engine, "checkout", self._checkout)
        sa.event.listen(engine, "checkin", self._checkin)
        sa.event.listen(engine, "before_cursor_execute", self._executing)
        sa.event.listen(engine, "commit", self._committing)
        sa.event.listen(engine, "handle_error", self._failed)

    # ---- what health checks ask -----------------------------------------------------------

    def check(self) -> StorageFault | None:
        """The fault that makes the database unusable now, or None (no SQL: never waits)."""
        if self.fault is not None and self.fault.kind in _STICKY:
            return self.fault
        if (gone := self._vanished()) is not None:
            return gone
        return self.fault

    def _vanished(self) -> StorageFault | None:
        if self._identity is None or self.path is None:
            return None  # not opened yet, or no file
        now = _identity(self.path)
        if now == self._identity:
            return None
        detail = "deleted while the bot runs" if now is None else "replaced while the bot runs"
        fault = StorageFault("gone", self.where, detail)
        self._record(fault)
        return fault

    # ---- engine events ----------------------------------------------------------------------

    def _refusal(self) -> StorageFault | None:
        """Why no connection may be used now: the file gone (now or before), else None."""
        if self.fault is not None and self.fault.kind == "gone":
            return self.fault
        return self._vanished()

    def _opening(
        self, _dialect: Any, _record: Any, cargs: list[Any], cparams: dict[str, Any]
    ) -> None:
        """Every connection after the first opens the existing file only (SQLite's `mode=rw`)."""
        if self._identity is None or self.path is None:
            return  # the first connection may create the file
        if (gone := self._refusal()) is not None:
            raise StorageFaultError(gone)
        cargs[0] = self.path.absolute().as_uri() + "?mode=rw"
        cparams["uri"] = True

    def _connected(self, _dbapi: Any, _record: Any) -> None:
        with self._lock:
            if self._identity is None and self.path is not None:
                self._identity = _identity(self.path)

    def _checkout(self, dbapi: Any, record: Any, _proxy: Any) -> None:
        if (gone := self._refusal()) is not None:
            raise StorageFaultError(gone)
        wait_ms = int(DB_WAIT.get() * 1000)
        if self.path is not None and record.info.get("busy_timeout") != wait_ms:
            dbapi.execute(f"PRAGMA busy_timeout={wait_ms}")
            record.info["busy_timeout"] = wait_ms

    def _executing(self, conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        if statement.lstrip()[:6].upper() not in ("SELECT", "PRAGMA"):
            conn.info["wrote"] = True

    def _committing(self, conn: Any) -> None:
        if conn.info.get("wrote"):
            conn.info["commit_pending"] = True

    def _checkin(self, _dbapi: Any, record: Any) -> None:
        if record is None:
            return
        committed = record.info.pop("commit_pending", False)
        record.info.pop("wrote", None)
        if committed and self.fault is not None and self.fault.kind not in _STICKY:
            log.info("database %s takes writes again", self.where)
            self.fault = None

    def _failed(self, context: Any) -> None:
        if context.connection is not None:
            context.connection.info.pop("commit_pending", None)
        problem = problem_of(context.original_exception, self.where)
        if isinstance(problem, StorageFault):
            self._record(problem)
        elif problem == BUSY:
            log.debug("database %s busy: another writer holds it", self.where)

    def _record(self, fault: StorageFault) -> None:
        if self.fault is None or self.fault.kind not in _STICKY:
            self.fault = fault
        report(fault)
