"""Slow clients cannot starve `/healthz`: a connection that never finishes its request head is
closed, and the bot lifts its open-files limit so a pile of them does not exhaust it."""

from __future__ import annotations

import asyncio
import contextlib
import resource
from collections.abc import AsyncIterator
from pathlib import Path

import aiohttp
import pytest

import bot.web
from bot.web import GuardedRunner, health_app
from tests.harness.bot_process import BotProcess, bot_env
from tests.harness.slack import FakeSlack

HEAD = b"POST /slack/events HTTP/1.1\r\nHost: bot\r\nContent-Type: application/x-www-form-urlencoded\r\n"


async def slow_clients(
    port: int, count: int
) -> list[tuple[asyncio.StreamReader, asyncio.StreamWriter]]:
    """`count` connections that each send half a request head and then nothing."""
    clients = []
    for _ in range(count):
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        writer.write(HEAD)
        # On a loaded machine the server may already have cut an early one off: that is fine.
        with contextlib.suppress(ConnectionError):
            await writer.drain()
        clients.append((reader, writer))
    return clients


async def hung_up(reader: asyncio.StreamReader) -> bool:
    """Whether the server closed this connection (an orderly close or a reset) without answering."""
    try:
        return await reader.read() == b""
    except ConnectionError:
        return True


async def healthz_answers(url: str, tries: int = 6, timeout: float = 5.0) -> int:
    """How many of `tries` requests to /healthz were answered 200 within `timeout` each."""
    answered = 0
    async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=timeout)) as session:
        for _ in range(tries):
            try:
                async with session.get(url + "/healthz") as response:
                    answered += response.status == 200
            except (aiohttp.ClientError, TimeoutError):
                pass
    return answered


@pytest.fixture
async def guarded(monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[tuple[int, str]]:
    monkeypatch.setattr(bot.web, "HEADER_TIMEOUT", 0.5)
    runner = GuardedRunner(health_app(lambda: {"ready": True}))
    await runner.setup()
    site = aiohttp.web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    yield port, f"http://127.0.0.1:{port}"
    await runner.cleanup()


async def test_a_connection_that_never_finishes_its_request_is_closed(
    guarded: tuple[int, str],
) -> None:
    port, url = guarded
    clients = await slow_clients(port, 50)
    assert await healthz_answers(url) == 6
    closed = await asyncio.wait_for(
        asyncio.gather(*(hung_up(reader) for reader, _writer in clients)), timeout=5
    )
    assert closed == [True] * 50  # the server hung up on every one of them, answering none
    for _reader, writer in clients:
        writer.close()


async def test_a_quick_request_on_the_same_server_is_not_cut_off(guarded: tuple[int, str]) -> None:
    _port, url = guarded
    await asyncio.sleep(0.8)  # longer than the head deadline: only silent connections are cut
    assert await healthz_answers(url, tries=3) == 3


@pytest.mark.process
async def test_the_bot_serves_healthz_beside_a_thousand_slow_connections(
    tmp_path: Path,
) -> None:
    """A process started with a soft limit of 256 open files (a container's default is often
    1,024) faces 1,024 slow clients: it lifts its limit and keeps answering /healthz."""
    if resource.getrlimit(resource.RLIMIT_NOFILE)[1] < 2_200:
        pytest.skip("the hard open-files limit here is too low to hold both sides")
    async with FakeSlack() as api:
        bot_process = await BotProcess(bot_env(api, tmp_path / "data"), open_files=256).start()
        try:
            port = int(bot_process.url.rsplit(":", 1)[1])
            clients = await slow_clients(port, 1_024)
            # Starved, a request is never answered; a test run's load on the machine may only
            # slow one down (one of six took more than 5 s in a full run on two cores).
            assert await healthz_answers(bot_process.url, timeout=15.0) == 6
            for _reader, writer in clients:
                writer.close()
        finally:
            await bot_process.stop(15)
