"""Fixtures for the Discord tests: the loopback fake, and discord.py's globals put back."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator

import discord
import pytest

from tests.harness.discord import FakeDiscord


@pytest.fixture
def restore_discord_globals(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The adapter points discord.py's class-level URLs at the fake; put them back afterwards."""
    monkeypatch.setattr(discord.http.Route, "BASE", discord.http.Route.BASE)
    monkeypatch.setattr(
        discord.gateway.DiscordWebSocket,
        "DEFAULT_GATEWAY",
        discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY,
    )
    yield


@pytest.fixture
async def fake(restore_discord_globals: None) -> AsyncIterator[FakeDiscord]:
    server = FakeDiscord()
    await server.start()
    yield server
    await server.close()
