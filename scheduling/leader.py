"""One replica runs the fan-out at a time: a PostgreSQL session advisory lock.

The leader holds the lock on a connection of its own for as long as it lives; when it dies,
PostgreSQL drops the lock with its session and a standby takes it at its next sweep (within a
minute). Claims still guarantee exactly once if two passes ever overlap. SQLite has one writer
on one machine, so there every process may run passes (claims settle who posts what).
"""

from __future__ import annotations

import contextlib
import logging

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

log = logging.getLogger(__name__)
LOCK_KEY = 0x6D657461  # "meta"


class LeaderLock:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._connection: Connection | None = None
        self.is_leader = engine.dialect.name != "postgresql"

    def acquire(self) -> bool:
        """Try to become (or stay) the leader; never blocks."""
        if self.engine.dialect.name != "postgresql":
            return True
        try:
            if self._connection is not None:
                self._connection.execute(sa.text("SELECT 1"))  # still alive, still ours
                return True
            connection = self.engine.connect()
            got = connection.execute(
                sa.text("SELECT pg_try_advisory_lock(:key)"), {"key": LOCK_KEY}
            ).scalar()
            connection.commit()
            if got:
                self._connection = connection
                if not self.is_leader:
                    log.info("this replica now runs the scheduled deliveries (leader)")
                self.is_leader = True
                return True
            connection.close()
        except Exception:
            log.warning("leader lock check failed; standing by", exc_info=True)
            self._drop()
        if self.is_leader:
            log.info("another replica runs the scheduled deliveries; standing by")
        self.is_leader = False
        return False

    def _drop(self) -> None:
        if self._connection is not None:
            with contextlib.suppress(Exception):  # a dead connection is gone anyway
                self._connection.close()
        self._connection = None

    def release(self) -> None:
        if self._connection is not None:
            with contextlib.suppress(Exception):  # closing the session frees the lock anyway
                self._connection.execute(
                    sa.text("SELECT pg_advisory_unlock(:key)"), {"key": LOCK_KEY}
                )
                self._connection.commit()
        self._drop()
        self.is_leader = False
