"""Yahoo behind a proxy that accepts connections and never answers: `stock` says market data
is unavailable within MARKET_FETCH_TIMEOUT, the console leaves at once, and a running bot
exits within SHUTDOWN_TIMEOUT, however stuck the threads waiting on Yahoo are."""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.harness import ROOT
from tests.harness.bot_process import BotProcess, bot_env
from tests.harness.slack import FakeSlack, SlackUser

pytestmark = [pytest.mark.process]


@pytest.fixture
def silent_proxy() -> Iterator[str]:
    """A loopback 'proxy' that takes every connection and never says a word."""
    server = socket.create_server(("127.0.0.1", 0))
    held: list[socket.socket] = []
    stop = threading.Event()

    def accept() -> None:
        server.settimeout(0.2)
        while not stop.is_set():
            try:
                held.append(server.accept()[0])
            except TimeoutError:
                continue
            except OSError:
                return

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.getsockname()[1]}"
    stop.set()
    thread.join(2)
    for conn in held:
        conn.close()
    server.close()


def hung_yahoo_env(proxy: str, data_dir: Path, **extra: str) -> dict[str, str]:
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "DATA_DIR": str(data_dir),
        "HTTPS_PROXY": proxy,
        "HTTP_PROXY": proxy,
        "YF_DISABLE_CURL_CFFI": "1",
        "MARKET_FETCH_TIMEOUT": "2",
        **extra,
    }
    for name in ("MARKET_DATA_FILE", "NO_PROXY", "no_proxy", "DATABASE_URL"):
        env.pop(name, None)
    return env


def test_stock_answers_unavailable_within_the_fetch_timeout(
    silent_proxy: str, tmp_path: Path
) -> None:
    started = time.monotonic()
    result = subprocess.run(
        [sys.executable, "-m", "bot", "stock"],
        env=hung_yahoo_env(silent_proxy, tmp_path / "data"),
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    elapsed = time.monotonic() - started
    assert "unavailable" in result.stdout.lower(), result.stdout + result.stderr
    assert "Traceback" not in result.stdout + result.stderr
    assert elapsed < 20, f"took {elapsed:.0f} s (fetch timeout 2 s); it used to take 162 s"


def test_the_console_leaves_at_once_after_a_stuck_fetch(silent_proxy: str, tmp_path: Path) -> None:
    started = time.monotonic()
    result = subprocess.run(
        [sys.executable, "-m", "bot", "console"],
        env=hung_yahoo_env(silent_proxy, tmp_path / "data"),
        cwd=ROOT,
        input="/meta stock\nexit\n",
        capture_output=True,
        text=True,
        timeout=120,
    )
    elapsed = time.monotonic() - started
    assert "unavailable" in result.stdout.lower(), result.stdout + result.stderr
    assert elapsed < 20, f"took {elapsed:.0f} s; it used to take 145 s"


async def test_sigterm_exits_within_the_shutdown_timeout_with_a_fetch_stuck(
    silent_proxy: str, tmp_path: Path
) -> None:
    async with FakeSlack() as api:
        env = bot_env(api, tmp_path / "data")
        env.update(hung_yahoo_env(silent_proxy, tmp_path / "data", SHUTDOWN_TIMEOUT="3"))
        env["MARKET_FETCH_TIMEOUT"] = "60"  # the fetch is still stuck when SIGTERM comes
        bot = await BotProcess(env).start()
        user = SlackUser(bot.url + "/slack/events", api)
        ack = await user.command("/meta stock")
        assert ack.status == 200
        await asyncio.sleep(0.5)  # the fetch is under way, stuck on the proxy
        started = time.monotonic()
        code, stderr = await bot.stop(signal.SIGTERM, timeout=60)
        elapsed = time.monotonic() - started
        assert elapsed < 3 + 5, f"exited {elapsed:.0f} s after SIGTERM (SHUTDOWN_TIMEOUT=3)"
        assert "Traceback" not in stderr
        assert code in (0, -signal.SIGTERM, 128 + signal.SIGTERM)
