"""What a scheduling pass did: posts delivered, skipped, failed and left to retry."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from briefings.subscriptions.model import Subscription


@dataclass
class PassReport:
    delivered: list[dict[str, object]] = field(default_factory=list)
    skipped: list[dict[str, object]] = field(default_factory=list)
    failed: list[dict[str, object]] = field(default_factory=list)
    retrying: list[dict[str, object]] = field(default_factory=list)  # tried again at a later sweep
    briefings_built: int = 0
    seconds: float = 0.0

    def as_json(self) -> dict[str, object]:
        return {"delivered": self.delivered, "skipped": self.skipped + self.failed + self.retrying}


def duration(span: dt.timedelta) -> str:
    """'1 d 7 h 30 min'."""
    minutes = int(span.total_seconds() // 60)
    days, minutes = divmod(minutes, 24 * 60)
    hours, minutes = divmod(minutes, 60)
    parts = [
        f"{days} d" if days else "",
        f"{hours} h" if hours else "",
        f"{minutes} min" if minutes else "",
    ]
    return " ".join(p for p in parts if p) or "0 min"


def entry(sub: Subscription, day: dt.date, **extra: object) -> dict[str, object]:
    return {"platform": sub.platform, "channel": sub.channel, "date": day.isoformat(), **extra}
