"""The delivery port: how the scheduler hands a briefing to a platform, without knowing which."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

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


class DeliveryPort(Protocol):
    platform: str

    async def deliver(self, target: Target, reply: Reply, delivery_id: str) -> str:
        """Post `reply` in the target channel and return the platform's message id.

        `delivery_id` is unique per (subscription, day): adapters pass it to the platform
        (Slack message metadata, Discord nonce) so a repeat after a crash can be recognised.
        Raise DeliveryError on failure.
        """
        ...


class RecoverablePort(DeliveryPort, Protocol):
    """A port that can tell whether a post went out before a crash (optional)."""

    async def find_delivery(self, target: Target, delivery_id: str) -> str | None:
        """The message id of an earlier post of `delivery_id` in the target channel, if any."""
        ...
