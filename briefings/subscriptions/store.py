"""The subscriptions table: the truth the scheduler is built from."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from briefings.storage.tables import deliveries, subscriptions
from briefings.subscriptions.model import Subscription


def _row_to_subscription(row: sa.Row) -> Subscription:
    hour, minute = (int(p) for p in row.time.split(":"))
    created = row.created_at if row.created_at.tzinfo else row.created_at.replace(tzinfo=dt.UTC)
    return Subscription(
        id=row.id,
        platform=row.platform,
        workspace=row.workspace,
        channel=row.channel,
        time=dt.time(hour, minute),
        zone=row.zone,
        language=row.language,
        cadence=row.cadence,
        created_by=row.created_by,
        created_at=created,
        paused_reason=row.paused_reason,
    )


@dataclass(frozen=True)
class SubscriptionRow:
    """One channel's subscription as an operator writes it (a line of an import file)."""

    platform: str
    workspace: str
    channel: str
    time: dt.time
    zone: str
    language: str
    cadence: str

    @property
    def settings(self) -> tuple[str, str, str, str]:
        return (self.time.strftime("%H:%M"), self.zone, self.language, self.cadence)

    def as_values(self) -> dict[str, object]:
        time, zone, language, cadence = self.settings
        return {
            "platform": self.platform,
            "workspace": self.workspace,
            "channel": self.channel,
            "time": time,
            "zone": zone,
            "language": language,
            "cadence": cadence,
        }


class SubscriptionStore:
    """Add, change, remove and list subscriptions; one per (platform, workspace, channel)."""

    def __init__(self, engine: Engine, on_change: Callable[[], None] | None = None) -> None:
        self.engine = engine
        self.on_change = on_change

    def _changed(self) -> None:
        if self.on_change:
            self.on_change()

    def save(
        self,
        platform: str,
        workspace: str,
        channel: str,
        time: dt.time,
        zone: str,
        language: str,
        cadence: str,
        created_by: str,
        now: dt.datetime,
    ) -> Subscription:
        """Create the channel's subscription, or replace its settings (which also resumes it)."""
        values = {
            "time": time.strftime("%H:%M"),
            "zone": zone,
            "language": language,
            "cadence": cadence,
            "created_by": created_by,
            "created_at": now,
            "paused_reason": None,
        }
        key = (
            (subscriptions.c.platform == platform)
            & (subscriptions.c.workspace == workspace)
            & (subscriptions.c.channel == channel)
        )
        with self.engine.begin() as conn:
            updated = conn.execute(sa.update(subscriptions).where(key).values(**values)).rowcount
            if not updated:
                conn.execute(
                    sa.insert(subscriptions).values(
                        platform=platform, workspace=workspace, channel=channel, **values
                    )
                )
            row = conn.execute(sa.select(subscriptions).where(key)).one()
        self._changed()
        return _row_to_subscription(row)

    def remove(self, platform: str, channel: str, workspace: str | None = None) -> int:
        """Remove the channel's subscription (and its delivery history); how many were removed."""
        key = (subscriptions.c.platform == platform) & (subscriptions.c.channel == channel)
        if workspace is not None:
            key &= subscriptions.c.workspace == workspace
        with self.engine.begin() as conn:
            ids = list(conn.scalars(sa.select(subscriptions.c.id).where(key)))
            if ids:
                conn.execute(sa.delete(deliveries).where(deliveries.c.subscription_id.in_(ids)))
                conn.execute(sa.delete(subscriptions).where(subscriptions.c.id.in_(ids)))
        if ids:
            self._changed()
        return len(ids)

    def get(self, platform: str, workspace: str, channel: str) -> Subscription | None:
        with self.engine.connect() as conn:
            row = conn.execute(
                sa.select(subscriptions).where(
                    (subscriptions.c.platform == platform)
                    & (subscriptions.c.workspace == workspace)
                    & (subscriptions.c.channel == channel)
                )
            ).one_or_none()
        return _row_to_subscription(row) if row else None

    def all(self, platform: str | None = None) -> list[Subscription]:
        query = sa.select(subscriptions).order_by(subscriptions.c.id)
        if platform:
            query = query.where(subscriptions.c.platform == platform)
        with self.engine.connect() as conn:
            return [_row_to_subscription(r) for r in conn.execute(query)]

    def pause(self, subscription_id: int, reason: str) -> None:
        """Stop posting to a channel that cannot receive posts, keeping the reason to show."""
        with self.engine.begin() as conn:
            conn.execute(
                sa.update(subscriptions)
                .where(subscriptions.c.id == subscription_id)
                .values(paused_reason=reason[:300])
            )
        self._changed()

    def last_delivery(self, subscription_id: int) -> sa.Row | None:
        with self.engine.connect() as conn:
            return conn.execute(
                sa.select(deliveries)
                .where(deliveries.c.subscription_id == subscription_id)
                .order_by(deliveries.c.local_date.desc())
                .limit(1)
            ).one_or_none()

    def save_many(
        self, rows: Sequence[SubscriptionRow], created_by: str, now: dt.datetime
    ) -> tuple[int, int]:
        """Create or change many channels' subscriptions in one transaction; a row already as
        written is left alone (creation time, pause and all). Returns (created, changed)."""
        table = subscriptions
        created: list[dict[str, object]] = []
        changed: list[dict[str, object]] = []
        with self.engine.begin() as conn:
            existing = {
                (r.platform, r.workspace, r.channel): r
                for r in conn.execute(
                    sa.select(
                        table.c.id,
                        table.c.platform,
                        table.c.workspace,
                        table.c.channel,
                        table.c.time,
                        table.c.zone,
                        table.c.language,
                        table.c.cadence,
                    )
                )
            }
            for row in rows:
                found = existing.get((row.platform, row.workspace, row.channel))
                if found is None:
                    created.append({**row.as_values(), "created_by": created_by, "created_at": now})
                elif (found.time, found.zone, found.language, found.cadence) != row.settings:
                    time, zone, language, cadence = row.settings
                    changed.append(
                        {"row_id": found.id, "t": time, "z": zone, "l": language, "c": cadence}
                    )
            if created:
                conn.execute(sa.insert(table), created)
            if changed:
                conn.execute(
                    sa.update(table)
                    .where(table.c.id == sa.bindparam("row_id"))
                    .values(
                        time=sa.bindparam("t"),
                        zone=sa.bindparam("z"),
                        language=sa.bindparam("l"),
                        cadence=sa.bindparam("c"),
                        created_by=created_by,
                        created_at=now,
                        paused_reason=None,
                    ),
                    changed,
                )
        if created or changed:
            self._changed()
        return len(created), len(changed)
