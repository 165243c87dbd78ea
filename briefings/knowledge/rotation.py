"""Fair rotation of insights: every candidate is shown once before any is shown again.

`/meta insight` moves on at each ask (InsightRotation, stored per scope); the briefing's insight
of the day is a function of the scope and the day (`of_the_day`), so it is the same all day.
"""

from __future__ import annotations

import datetime as dt
import hashlib
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


def of_the_day(scope: str, candidates: Sequence[str], day: dt.date) -> str:
    """The insight of `day` in `scope`: the same however often it is asked, the next one the
    next day. Days are cut into rounds of len(candidates): each round shows every candidate
    once, in an order of its own per scope and round, and never the same twice in a row across
    two rounds. Nothing is stored, so a scheduled post, `/meta brief` and `brief --date` agree."""
    if not candidates:
        raise ValueError("no candidates to rotate")
    ordered = sorted(set(candidates))
    if len(ordered) <= 2:
        return _shuffled(ordered, scope, 0)[day.toordinal() % len(ordered)]
    round_no, slot = divmod(day.toordinal(), len(ordered))
    this = _shuffled(ordered, scope, round_no)
    if this[0] == _shuffled(ordered, scope, round_no - 1)[-1]:
        this[0], this[1] = this[1], this[0]  # the last of a round is never repeated at once
    return this[slot]


def _shuffled(ordered: list[str], scope: str, round_no: int) -> list[str]:
    seed = hashlib.sha256(f"{scope}\x00{round_no}".encode()).digest()
    order = list(ordered)
    random.Random(seed).shuffle(order)
    return order
