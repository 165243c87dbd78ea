"""Whether a claim's owner is alive: a process on this host, or (PostgreSQL) a session holding
its advisory lock; and stored times read back as UTC."""

from __future__ import annotations

import datetime as dt
import os
import socket
import zlib


def owner_is_dead(owner: str | None) -> bool:
    """True when the claim's owner is a process on this host that no longer runs."""
    if not owner or ":" not in owner:
        return False
    host, _, pid = owner.rpartition(":")
    if host != socket.gethostname() or not pid.isdigit() or int(pid) == os.getpid():
        return False
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        return False
    return False


def aware(moment: dt.datetime | None) -> dt.datetime | None:
    """A stored time as UTC-aware (SQLite gives it back naive)."""
    if moment is None or moment.tzinfo is not None:
        return moment
    return moment.replace(tzinfo=dt.UTC)


LIVENESS_LOCKS = 0x636C  # "cl": the class of the advisory locks that say an owner is alive


def liveness_key(owner: str) -> int:
    """The owner's advisory-lock key (a signed 32-bit int, as PostgreSQL's two-key form wants)."""
    return int.from_bytes(zlib.crc32(owner.encode()).to_bytes(4, "big"), "big", signed=True)
