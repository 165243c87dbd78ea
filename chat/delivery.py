"""The delivery port: how the scheduler hands a briefing to a platform, without knowing which."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Protocol, runtime_checkable

from chat.reply import Reply


@dataclass(frozen=True)
class Target:
    """Where a post goes."""

    platform: str
    workspace: str
    channel: str


class DeliveryError(Exception):
    """A post failed. `permanent` means retrying cannot help (the bot was removed from the
    channel, the channel is gone): the subscription is marked with `reason` instead."""

    def __init__(self, reason: str, permanent: bool = False) -> None:
        super().__init__(reason)
        self.reason = reason
        self.permanent = permanent


class OutcomeUnknown(DeliveryError):
    """The post was sent but its answer never came (a timeout, a dropped connection): it may
    be out. Posting again could post it twice; the fan-out asks `find_delivery` first."""


class CheckDeferred(DeliveryError):
    """`find_delivery` cannot tell yet (the platform's limit on reading history, or the bot
    had to join the channel first): ask again at a later sweep."""


class DeliveryPort(Protocol):
    platform: str

    async def deliver(self, target: Target, reply: Reply, delivery_id: str) -> str:
        """Post `reply` in the target channel and return the platform's message id.

        `delivery_id` is unique per (subscription, day): adapters pass it to the platform
        (Slack message metadata, Discord nonce) so a repeat after a crash can be recognised.
        Raise DeliveryError on failure: OutcomeUnknown when the post may have gone out, a
        transient one when it surely did not (retried at later sweeps), a permanent one when
        retrying cannot help.
        """
        ...


@runtime_checkable
class RecoverablePort(DeliveryPort, Protocol):
    """A port that can tell whether a post went out before a crash (optional)."""

    async def find_delivery(
        self, target: Target, delivery_id: str, since: dt.datetime | None = None
    ) -> str | None:
        """The message id of an earlier post of `delivery_id` in the target channel, if any
        (posted after `since`, when given). Raise CheckDeferred when it cannot tell yet."""
        ...


@runtime_checkable
class PreparingPort(DeliveryPort, Protocol):
    """A port with work to do before a post that posts nothing itself (Slack: uploading the
    charts): done before the post is recorded `sending`, so a failure or a crash there leaves
    nothing whose outcome is unknown."""

    async def prepare(self, target: Target, reply: Reply) -> None:
        """Raise DeliveryError on failure (transient: retried later; permanent: given up)."""
        ...
