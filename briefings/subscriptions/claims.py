"""Delivery claims: one row per (subscription, local date), taken before anything is posted.

Inserting the row is the claim: the unique key makes a second claim fail, so a restart, a
second scheduler or a re-fired job never posts twice. A claim holds a lease; a claim whose
owner died (lease run out, a dead process on this host, or on PostgreSQL an owner on any host
whose session is gone) may be taken over.

States: `claimed` (held, nothing sent) -> `sending` (recorded just before the platform is
called) -> `delivered`. A claim found in `sending` has an unknown outcome (a crash, a lost
answer): only then does the new owner ask the platform whether the post went out. `retrying`:
a transient failure that surely posted nothing, taken again at a later sweep; `failed`: a
permanent error, or the grace period ran out; `missed`: the bot was not running in time.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import os
import socket
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import IntegrityError

from briefings.storage.tables import deliveries
from briefings.subscriptions.liveness import (
    LIVENESS_LOCKS,
    aware,
    liveness_key,
    owner_is_dead,
)

LEASE = dt.timedelta(minutes=10)
BATCH = 500  # rows a statement claims or marks at most
T = TypeVar("T")
OWNER = f"{socket.gethostname()}:{os.getpid()}"


@dataclass(frozen=True)
class Claim:
    delivery_id: int
    subscription_id: int
    day: dt.date
    late: bool
    taken_over: bool  # taken from an earlier owner or an earlier pass
    sent_at: dt.datetime | None = None  # sent then, outcome unknown: check before posting again

    @property
    def key(self) -> str:
        """The id given to platforms to recognise this post (Slack metadata, Discord nonce)."""
        return f"brief-{self.subscription_id}-{self.day.isoformat()}"


def _chunks(items: list[T]) -> list[list[T]]:
    """`items` cut into lists of at most BATCH (within every database's bound parameters)."""
    return [items[n : n + BATCH] for n in range(0, len(items), BATCH)]


def _dialect_insert(engine: Engine) -> Callable[..., Any]:
    """INSERT with ON CONFLICT DO NOTHING for the database at hand (SQLite or PostgreSQL)."""
    from sqlalchemy.dialects import postgresql, sqlite

    return postgresql.insert if engine.dialect.name == "postgresql" else sqlite.insert


class ClaimStore:
    """Claims on one database. On PostgreSQL, an owner holds a session advisory lock for as
    long as it lives, so any host can tell at once that a claim's owner is gone."""

    def __init__(self, engine: Engine, owner: str = OWNER) -> None:
        self.engine = engine
        self.owner = owner
        self._liveness: Connection | None = None

    def _hold_liveness(self) -> None:
        """Take this owner's liveness lock (PostgreSQL), once, on a connection of its own."""
        if self.engine.dialect.name != "postgresql" or self._liveness is not None:
            return  # (a store whose try failed tries again at each claim: cheap, and harmless)
        connection = self.engine.connect()
        got = connection.execute(
            sa.text("SELECT pg_try_advisory_lock(:cls, :key)"),
            {"cls": LIVENESS_LOCKS, "key": liveness_key(self.owner)},
        ).scalar()
        connection.commit()
        if not got:  # another store of this same owner (this process) holds it: alive already
            connection.close()
            return
        self._liveness = connection

    def close(self) -> None:
        """Let go of the liveness lock (a clean stop; a crash lets go by itself)."""
        if self._liveness is not None:
            with contextlib.suppress(Exception):
                self._liveness.close()
            self._liveness = None

    def _owner_gone(self, conn: Connection, owner: str | None) -> bool:
        """True when the claim's owner is known to be dead: a process of this host that no
        longer runs, or (PostgreSQL) an owner whose session, and so its lock, is gone."""
        if not owner or owner == self.owner:
            return False
        if owner_is_dead(owner):
            return True
        if self.engine.dialect.name != "postgresql":
            return False
        free = conn.execute(
            sa.text("SELECT pg_try_advisory_xact_lock(:cls, :key)"),
            {"cls": LIVENESS_LOCKS, "key": liveness_key(owner)},
        ).scalar()
        return bool(free)

    def claim(
        self, subscription_id: int, day: dt.date, late: bool, now: dt.datetime
    ) -> Claim | None:
        """Take the (subscription, day) delivery; None if someone else has it or it is done."""
        self._hold_liveness()
        try:
            with self.engine.begin() as conn:
                result = conn.execute(
                    sa.insert(deliveries).values(
                        subscription_id=subscription_id,
                        local_date=day,
                        state="claimed",
                        late=late,
                        claimed_by=self.owner,
                        lease_until=now + LEASE,
                        attempts=0,
                        updated_at=now,
                    )
                )
                key = result.inserted_primary_key
                assert key is not None  # an INSERT always has one
                return Claim(key[0], subscription_id, day, late, False)
        except IntegrityError:
            return self._take_over(subscription_id, day, now)

    def claim_many(
        self, wanted: list[tuple[int, dt.date, bool]], now: dt.datetime
    ) -> dict[tuple[int, dt.date], Claim]:
        """Claim many (subscription, day, late) at once, one INSERT per `BATCH` rows in one
        transaction: the ones this process now holds, keyed by (subscription, day). Rows that
        exist already are read in one query; only those still open are tried for take-over."""
        if not wanted:
            return {}
        self._hold_liveness()
        insert = _dialect_insert(self.engine)
        claims: dict[tuple[int, dt.date], Claim] = {}
        with self.engine.begin() as conn:
            for chunk in _chunks(wanted):
                rows = [
                    {
                        "subscription_id": sub,
                        "local_date": day,
                        "state": "claimed",
                        "late": late,
                        "claimed_by": self.owner,
                        "lease_until": now + LEASE,
                        "attempts": 0,
                        "updated_at": now,
                    }
                    for sub, day, late in chunk
                ]
                # One statement with rows as parameters: compiled once and cached, then sent
                # as multi-row INSERTs by SQLAlchemy ("insertmanyvalues"), RETURNING included.
                statement = (
                    insert(deliveries)
                    .on_conflict_do_nothing(index_elements=["subscription_id", "local_date"])
                    .returning(
                        deliveries.c.id,
                        deliveries.c.subscription_id,
                        deliveries.c.local_date,
                        deliveries.c.late,
                    )
                )
                for r in conn.execute(statement, rows):
                    claims[(r.subscription_id, r.local_date)] = Claim(
                        r.id, r.subscription_id, r.local_date, r.late, False
                    )
        for sub, day in self._open([(s, d) for s, d, _ in wanted if (s, d) not in claims]):
            if (taken := self._take_over(sub, day, now)) is not None:
                claims[(sub, day)] = taken
        return claims

    def _open(self, keys: list[tuple[int, dt.date]]) -> list[tuple[int, dt.date]]:
        """Of these (subscription, day), the ones whose row is still open (claimed, sending,
        retrying): one query per `BATCH`, so a sweep over posts already delivered stays cheap."""
        wanted, found = set(keys), []
        with self.engine.connect() as conn:
            for chunk in _chunks(keys):
                rows = conn.execute(
                    sa.select(deliveries.c.subscription_id, deliveries.c.local_date).where(
                        deliveries.c.subscription_id.in_({sub for sub, _ in chunk})
                        & deliveries.c.local_date.in_({day for _, day in chunk})
                        & deliveries.c.state.in_(("claimed", "sending", "retrying"))
                    )
                )
                found += [(r.subscription_id, r.local_date) for r in rows]
        return [key for key in found if key in wanted]

    def _take_over(self, subscription_id: int, day: dt.date, now: dt.datetime) -> Claim | None:
        """Take a claim whose owner is gone or whose lease ran out (`claimed`: nothing was
        sent; `sending`: the outcome is unknown), or one left `retrying` by an earlier pass."""
        with self.engine.begin() as conn:
            row = conn.execute(
                sa.select(deliveries).where(
                    (deliveries.c.subscription_id == subscription_id)
                    & (deliveries.c.local_date == day)
                )
            ).one_or_none()
            if row is None or row.state not in ("claimed", "sending", "retrying"):
                return None
            lease = aware(row.lease_until)
            held = lease is not None and lease > now
            if row.state != "retrying" and held and not self._owner_gone(conn, row.claimed_by):
                return None
            same = (
                (deliveries.c.id == row.id)
                & (deliveries.c.state == row.state)
                & (
                    deliveries.c.lease_until.is_(None)
                    if row.lease_until is None
                    else deliveries.c.lease_until == row.lease_until
                )
            )
            if row.claimed_by is not None:
                same = same & (deliveries.c.claimed_by == row.claimed_by)
            values: dict[str, object] = {"claimed_by": self.owner, "lease_until": now + LEASE}
            if row.state == "retrying":
                values |= {"state": "claimed", "updated_at": now}
            taken = conn.execute(sa.update(deliveries).where(same).values(**values)).rowcount
        if not taken:
            return None
        sent_at = aware(row.updated_at) if row.state == "sending" else None
        return Claim(row.id, subscription_id, day, row.late, True, sent_at)

    def sending(self, claim: Claim, now: dt.datetime) -> Claim:
        """Record that the post is about to be sent (so a crash leaves `sending`, not `claimed`)."""
        return self.sending_many([claim], now)[0]

    def sending_many(self, claims: list[Claim], now: dt.datetime) -> list[Claim]:
        """`sending` for many posts about to be sent, in one statement per `BATCH`."""
        with self.engine.begin() as conn:
            for chunk in _chunks(claims):
                conn.execute(
                    sa.update(deliveries)
                    .where(
                        deliveries.c.id.in_([c.delivery_id for c in chunk])
                        & (deliveries.c.claimed_by == self.owner)
                    )
                    .values(state="sending", lease_until=now + LEASE, updated_at=now)
                )
        return [dataclasses.replace(claim, sent_at=now) for claim in claims]

    def retrying(self, claim: Claim, reason: str, attempts: int, now: dt.datetime) -> None:
        """A transient failure that posted nothing: a later sweep takes it again."""
        self._finish(claim, now, state="retrying", last_error=reason[:300], attempts=attempts)

    def unknown(self, claim: Claim, reason: str, attempts: int) -> None:
        """Sent, outcome unknown, and the platform cannot be asked yet: left `sending`, its
        lease let go, its time of sending kept, for a later sweep to check."""
        with self.engine.begin() as conn:
            conn.execute(
                sa.update(deliveries)
                .where(
                    (deliveries.c.id == claim.delivery_id) & (deliveries.c.claimed_by == self.owner)
                )
                .values(
                    state="sending",
                    lease_until=None,
                    last_error=reason[:300],
                    **({"attempts": attempts} if attempts else {}),
                )
            )

    def settle_missed(
        self, keys: list[tuple[int, dt.date]], now: dt.datetime
    ) -> dict[tuple[int, dt.date], str | None]:
        """Posts past the grace period, read in one query and written in one transaction: one
        still owed (retrying, or unknown and not held) becomes `failed`, its reason returned;
        one never claimed is recorded `missed` (None), once; any other is left as it is."""
        settled: dict[tuple[int, dt.date], str | None] = {}
        rows: list[sa.Row[Any]] = []
        wanted = set(keys)
        with self.engine.connect() as conn:
            for chunk in _chunks(keys):
                rows += conn.execute(
                    sa.select(deliveries).where(
                        deliveries.c.subscription_id.in_({sub for sub, _ in chunk})
                        & deliveries.c.local_date.in_({day for _, day in chunk})
                    )
                ).all()
        rows = [r for r in rows if (r.subscription_id, r.local_date) in wanted]
        present = {(r.subscription_id, r.local_date) for r in rows}
        absent = [key for key in keys if key not in present]
        owed = [r for r in rows if r.state in ("claimed", "sending", "retrying")]
        if not absent and not owed:
            return settled
        insert = _dialect_insert(self.engine)
        with self.engine.begin() as conn:
            for chunk in _chunks(absent):
                missed = [
                    {
                        "subscription_id": sub,
                        "local_date": day,
                        "state": "missed",
                        "late": True,
                        "attempts": 0,
                        "last_error": "missed: the bot was not running within the grace period",
                        "updated_at": now,
                    }
                    for sub, day in chunk
                ]
                statement = (
                    insert(deliveries)
                    .values(missed)
                    .on_conflict_do_nothing(index_elements=["subscription_id", "local_date"])
                    .returning(deliveries.c.subscription_id, deliveries.c.local_date)
                )
                for r in conn.execute(statement):
                    settled[(r.subscription_id, r.local_date)] = None
            for row in owed:
                lease = aware(row.lease_until)
                if row.state != "retrying" and lease is not None and lease > now:
                    continue  # held: its owner is still at it
                reason = f"gave up after the grace period: {row.last_error or row.state}"[:300]
                if conn.execute(
                    sa.update(deliveries)
                    .where((deliveries.c.id == row.id) & (deliveries.c.state == row.state))
                    .values(state="failed", last_error=reason, lease_until=None, updated_at=now)
                ).rowcount:
                    settled[(row.subscription_id, row.local_date)] = reason
        return settled

    def _finish(self, claim: Claim, now: dt.datetime, **values: object) -> None:
        with self.engine.begin() as conn:
            conn.execute(
                sa.update(deliveries)
                .where(
                    (deliveries.c.id == claim.delivery_id) & (deliveries.c.claimed_by == self.owner)
                )
                .values(lease_until=None, updated_at=now, **values)
            )

    def delivered(self, claim: Claim, message_id: str, attempts: int, now: dt.datetime) -> None:
        self.delivered_many([(claim, message_id, attempts)], now)

    def delivered_many(self, done: list[tuple[Claim, str, int]], now: dt.datetime) -> None:
        """`delivered` for many posts (claim, message id, attempts), in one transaction."""
        if not done:
            return
        with self.engine.begin() as conn:
            conn.execute(
                sa.update(deliveries)
                .where(
                    (deliveries.c.id == sa.bindparam("row_id"))
                    & (deliveries.c.claimed_by == self.owner)
                )
                .values(
                    state="delivered",
                    message_id=sa.bindparam("message"),
                    attempts=sa.bindparam("tries"),
                    lease_until=None,
                    updated_at=now,
                ),
                [{"row_id": c.delivery_id, "message": m[:100], "tries": n} for c, m, n in done],
            )

    def failed(self, claim: Claim, reason: str, attempts: int, now: dt.datetime) -> None:
        self._finish(claim, now, state="failed", last_error=reason[:300], attempts=attempts)

    def release(self, claim: Claim, now: dt.datetime) -> None:
        """Give the claim back untouched (shutdown before posting): another run may take it."""
        with self.engine.begin() as conn:
            conn.execute(  # an unknown outcome stays recorded, for the next owner to check
                sa.update(deliveries)
                .where(
                    (deliveries.c.id == claim.delivery_id)
                    & (deliveries.c.claimed_by == self.owner)
                    & (deliveries.c.state == "sending")
                )
                .values(lease_until=None)
            )
            conn.execute(
                sa.delete(deliveries).where(
                    (deliveries.c.id == claim.delivery_id)
                    & (deliveries.c.claimed_by == self.owner)
                    & (deliveries.c.state == "claimed")
                )
            )

    def states(self) -> dict[str, int]:
        """How many deliveries are in each state (for operators and metrics)."""
        with self.engine.connect() as conn:
            rows = conn.execute(
                sa.select(deliveries.c.state, sa.func.count()).group_by(deliveries.c.state)
            )
            return {state: count for state, count in rows}
