"""A channel's own market settings (peers, benchmark, move alerts) and the claims of its move
alerts: at most one post per (channel, New York day, direction), like briefings' claims."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError

from briefings.storage.tables import alert_posts, channel_market

SYMBOL = re.compile(r"^[A-Z0-9][A-Z0-9.\-^=]{0,14}$")
MAX_PEERS = 6
ALERT_LEASE = dt.timedelta(minutes=10)  # an alert left claimed or sending this long: its pass died
SIGMA = "2sigma"


def is_symbol(text: str) -> bool:
    """A ticker as Yahoo writes them: META, BRK-B, ^NDX, EURUSD=X."""
    return bool(SYMBOL.match(text))


def parse_threshold(text: str) -> str:
    """`2sigma` (beyond two standard deviations of daily moves) or `N%` (0.1 to 50); raises
    ValueError otherwise. Returns the canonical form: "2sigma", "3%", "2.5%"."""
    word = text.strip().lower().replace(" ", "")
    if word in ("2sigma", "2σ", "sigma"):
        return SIGMA
    if word.endswith("%"):
        value = float(word[:-1].replace(",", "."))  # ValueError for junk
        if 0.1 <= value <= 50:
            return f"{value:g}%"
    raise ValueError(text)


@dataclass(frozen=True)
class ChannelMarket:
    platform: str
    workspace: str
    channel: str
    peers: tuple[str, ...] | None = None  # None: PEER_SYMBOLS
    benchmark: str | None = None  # None: BENCHMARK_SYMBOL
    alerts: str | None = None  # "2sigma" | "3%"; None: off
    language: str | None = None


class ChannelMarketStore:
    """Table `channel_market` (one row per channel that changed a default) and `alert_posts`."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def get(self, platform: str, workspace: str, channel: str) -> ChannelMarket:
        with self.engine.connect() as connection:
            row = connection.execute(
                sa.select(channel_market).where(*self._key(platform, workspace, channel))
            ).first()
        return _model(row) if row else ChannelMarket(platform, workspace, channel)

    def every(self) -> dict[tuple[str, str, str], ChannelMarket]:
        """Every channel that changed a default, by (platform, workspace, channel): one query."""
        with self.engine.connect() as connection:
            rows = connection.execute(sa.select(channel_market)).all()
        return {(r.platform, r.workspace, r.channel): _model(r) for r in rows}

    def update(
        self, platform: str, workspace: str, channel: str, now: dt.datetime, **changes: object
    ) -> ChannelMarket:
        """Set some of peers (a tuple, or None for the default), benchmark, alerts, language."""
        values = dict(changes)
        if "peers" in values:
            peers = values["peers"]
            values["peers"] = ",".join(peers) if isinstance(peers, tuple) else None
        values["updated_at"] = now
        for _attempt in range(2):  # a concurrent first insert: update the row it made
            try:
                with self.engine.begin() as connection:
                    where = self._key(platform, workspace, channel)
                    done = connection.execute(channel_market.update().where(*where).values(values))
                    if done.rowcount == 0:
                        connection.execute(
                            channel_market.insert().values(
                                platform=platform, workspace=workspace, channel=channel, **values
                            )
                        )
                break
            except IntegrityError:
                continue
        return self.get(platform, workspace, channel)

    def with_alerts(self) -> list[ChannelMarket]:
        with self.engine.connect() as connection:
            rows = connection.execute(
                sa.select(channel_market).where(channel_market.c.alerts.is_not(None))
            ).all()
        return [_model(row) for row in rows]

    def claim_alert(
        self, where: ChannelMarket, day: dt.date, direction: str, change: float, now: dt.datetime
    ) -> str | None:
        """Claim the (channel, day, direction) alert: "new" for a first claim; the earlier
        state when an unfinished one is taken over (`retrying`: surely not posted; `claimed` or
        `sending` left by a pass that died more than ALERT_LEASE ago: maybe posted); None
        when it is posted, given up or being posted by a live pass."""
        try:
            with self.engine.begin() as connection:
                connection.execute(
                    alert_posts.insert().values(
                        platform=where.platform,
                        workspace=where.workspace,
                        channel=where.channel,
                        day=day,
                        direction=direction,
                        state="claimed",
                        change_pct=change,
                        claimed_at=now,
                    )
                )
            return "new"
        except IntegrityError:
            pass
        key = (
            *self._key(where.platform, where.workspace, where.channel, alert_posts),
            alert_posts.c.day == day,
            alert_posts.c.direction == direction,
        )
        with self.engine.begin() as connection:
            earlier = connection.execute(sa.select(alert_posts.c.state).where(*key)).scalar()
            unfinished = sa.or_(
                alert_posts.c.state == "retrying",
                sa.and_(
                    alert_posts.c.state.in_(("claimed", "sending")),
                    alert_posts.c.claimed_at < now - ALERT_LEASE,
                ),
            )
            taken = connection.execute(
                alert_posts.update()
                .where(*key, alert_posts.c.state == earlier, unfinished)
                .values(state="claimed", claimed_at=now)
            ).rowcount
        return str(earlier) if taken == 1 else None

    def record_alert(
        self,
        where: ChannelMarket,
        day: dt.date,
        direction: str,
        state: str,
        message_id: str | None,
    ) -> None:
        with self.engine.begin() as connection:
            connection.execute(
                alert_posts.update()
                .where(
                    *self._key(where.platform, where.workspace, where.channel, alert_posts),
                    alert_posts.c.day == day,
                    alert_posts.c.direction == direction,
                )
                .values(state=state, message_id=message_id)
            )

    def alerts_posted(self, where: ChannelMarket) -> list[tuple[dt.date, str, str]]:
        """(day, direction, state) of this channel's alerts, newest first."""
        with self.engine.connect() as connection:
            rows = connection.execute(
                sa.select(alert_posts.c.day, alert_posts.c.direction, alert_posts.c.state)
                .where(*self._key(where.platform, where.workspace, where.channel, alert_posts))
                .order_by(alert_posts.c.day.desc())
            ).all()
        return [(row.day, row.direction, row.state) for row in rows]

    @staticmethod
    def _key(platform: str, workspace: str, channel: str, table: sa.Table = channel_market):  # type: ignore[no-untyped-def]
        return (
            table.c.platform == platform,
            table.c.workspace == workspace,
            table.c.channel == channel,
        )


def _model(row: sa.Row) -> ChannelMarket:  # type: ignore[type-arg]
    return ChannelMarket(
        row.platform,
        row.workspace,
        row.channel,
        tuple(row.peers.split(",")) if row.peers else None,
        row.benchmark,
        row.alerts,
        row.language,
    )
