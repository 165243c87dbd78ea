"""Fair rotation of insights: every candidate is shown once before any is shown again."""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Sequence

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from briefings.storage.tables import insight_rotation


class InsightRotation:
    """Remembers, per scope (a channel, or a channel and topic), which passages were shown."""

    def __init__(self, engine: Engine, rng: random.Random | None = None) -> None:
        self.engine = engine
        self.rng = rng or random.Random()

    def next(self, scope: str, candidates: Sequence[str], now: dt.datetime) -> str:
        """Pick a candidate not yet shown in `scope`; start a new round when all have been."""
        if not candidates:
            raise ValueError("no candidates to rotate")
        table = insight_rotation
        with self.engine.begin() as conn:
            shown = set(conn.scalars(sa.select(table.c.passage_id).where(table.c.scope == scope)))
            remaining = [c for c in candidates if c not in shown]
            if not remaining:
                conn.execute(sa.delete(table).where(table.c.scope == scope))
                remaining = list(candidates)
            choice = self.rng.choice(remaining)
            conn.execute(sa.insert(table).values(scope=scope, passage_id=choice, shown_at=now))
        return choice
