"""METRICS_PORT: `/metrics` on PORT (unset), nowhere (`off`), or on a listener of its own."""

from __future__ import annotations

import socket
from collections.abc import AsyncIterator

import aiohttp
import pytest

from bot.app import BotRunner
from commands.router import parse
from config import SettingsError, load_settings


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


async def get(url: str) -> tuple[int, str]:
    async with aiohttp.ClientSession() as session, session.get(url) as response:
        return response.status, await response.text()


async def refused(url: str) -> bool:
    try:
        await get(url)
    except aiohttp.ClientConnectionError:
        return True
    return False


@pytest.fixture
async def running(isolated_env: object, request: pytest.FixtureRequest) -> AsyncIterator[BotRunner]:
    """A BotRunner (no chat platform) on a free PORT, METRICS_PORT as the test's param."""
    settings = load_settings(port=free_port(), **request.param)
    runner = BotRunner(settings)
    await runner.start()
    await runner.router.handle(parse("/meta help", can_manage_channel=False, platform="slack"))
    yield runner
    await runner.stop()


def base(runner: BotRunner) -> str:
    return f"http://127.0.0.1:{runner.settings.port}"


@pytest.mark.parametrize("running", [{}], indirect=True)
async def test_unset_serves_metrics_on_port_as_before(running: BotRunner) -> None:
    status, text = await get(base(running) + "/metrics")
    assert status == 200
    assert 'meta_bot_commands_total{command="help",outcome="ok",platform="slack"} 1.0' in text


@pytest.mark.parametrize("running", [{"metrics_port": "off"}], indirect=True)
async def test_off_serves_metrics_nowhere(running: BotRunner) -> None:
    assert (await get(base(running) + "/metrics"))[0] == 404
    assert (await get(base(running) + "/healthz"))[0] == 200  # everything else as before
    assert running.settings.metrics_address is None


METRICS = free_port()


@pytest.mark.parametrize("running", [{"metrics_port": f"127.0.0.1:{METRICS}"}], indirect=True)
async def test_its_own_port_serves_metrics_there_only(running: BotRunner) -> None:
    assert (await get(base(running) + "/metrics"))[0] == 404
    status, text = await get(f"http://127.0.0.1:{METRICS}/metrics")
    assert status == 200 and "meta_bot_commands_total" in text
    assert (await get(f"http://127.0.0.1:{METRICS}/healthz"))[0] == 404  # /metrics alone
    await running.stop()
    assert await refused(f"http://127.0.0.1:{METRICS}/metrics")  # closed with the bot


def test_the_setting_reads_off_a_port_or_an_address(isolated_env: object) -> None:
    assert load_settings().metrics_port is None
    assert load_settings(metrics_port="0").metrics_port == "off"
    assert load_settings(metrics_port="OFF").metrics_address is None
    assert load_settings(metrics_port="9100").metrics_address == ("0.0.0.0", 9100)
    assert load_settings(metrics_port="localhost:9100").metrics_address == ("127.0.0.1", 9100)
    assert load_settings(metrics_port="[::1]:9100").metrics_address == ("::1", 9100)


@pytest.mark.parametrize("value", ["nine", "70000", "example.com:9100", "3000"])
def test_a_bad_value_is_named_without_echoing_it(isolated_env: object, value: str) -> None:
    with pytest.raises(SettingsError) as caught:
        load_settings(metrics_port=value, port=3000)
    assert str(caught.value).startswith("invalid setting METRICS_PORT: ")
    assert value not in str(caught.value).replace("PORT", "")
