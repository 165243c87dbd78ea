"""Pieces the benchmarks share: the fake Slack process, the bot as a subprocess, signed slash
commands (tests/harness/slack.py's SlackUser), percentiles and resident memory. Loopback only."""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
import os
import signal
import socket
import statistics
import subprocess
import sys
import time
import types
import urllib.request
from collections.abc import Callable, Sequence
from pathlib import Path

from aiohttp import web

from tests.harness.slack import BOT_TOKEN, SIGNING_SECRET, SlackUser

ROOT = Path(__file__).resolve().parent.parent
META_CSV = ROOT / "tests" / "data" / "META.csv"
HOST = "127.0.0.1"


def percentile(values: Sequence[float], pct: float) -> float:
    """Nearest-rank percentile (pct in 0..100) of `values`."""
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    rank = max(1, min(len(ordered), round(pct / 100 * len(ordered) + 0.5)))
    return ordered[rank - 1]


def median(values: Sequence[float]) -> float:
    return statistics.median(values) if values else float("nan")


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.1f}"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return int(sock.getsockname()[1])


def rss_mb(pid: int) -> float:
    """VmRSS of a process, in MB (from /proc/<pid>/status)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError(f"no VmRSS for pid {pid}")


def cpu_seconds(pid: int) -> float:
    """User + system CPU time a process has used so far (from /proc/<pid>/stat)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def http_get_json(url: str, timeout: float = 2.0) -> tuple[int, object]:
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            return response.status, json.loads(response.read() or b"null")
    except urllib.error.HTTPError as error:
        return error.code, None


class FakeSlackProcess:
    """bench/fake_slack.py in its own process: `.url` (ends with /), `.api_url`, `.stats()`."""

    def __init__(self, delay: float = 0.0) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-m", "bench.fake_slack", "--delay", str(delay)],
            cwd=ROOT,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        assert self.process.stdout is not None
        self.url = self.process.stdout.readline().strip()
        if not self.url.startswith("http://127.0.0.1:"):
            self.close()
            raise RuntimeError("the fake Slack did not start")

    @property
    def api_url(self) -> str:
        return self.url + "api/"

    def response_url(self, name: str) -> str:
        return f"{self.url}response/{name}"

    def stats(self) -> dict[str, int]:
        _status, body = http_get_json(self.url + "_stats")
        return dict(body or {})  # type: ignore[arg-type]

    def wait_for(self, method: str, count: int, timeout: float = 30.0) -> float:
        """Seconds until `method` reached `count` calls (polling every 5 ms)."""
        started = time.perf_counter()
        while self.stats().get(method, 0) < count:
            if time.perf_counter() - started > timeout:
                raise TimeoutError(f"{method}: {self.stats()} after {timeout} s")
            time.sleep(0.005)
        return time.perf_counter() - started

    def close(self) -> None:
        with contextlib.suppress(OSError):
            assert self.process.stdin is not None
            self.process.stdin.close()
        try:
            self.process.wait(5)
        except subprocess.TimeoutExpired:
            self.process.terminate()
            self.process.wait(5)

    def __enter__(self) -> FakeSlackProcess:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()


def bot_env(fake: FakeSlackProcess, port: int, data_dir: Path, **extra: str) -> dict[str, str]:
    """The environment of a bot in Slack HTTP mode against the fake: no Discord, no LLM."""
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("SLACK_", "DISCORD_", "MARKET_", "DATABASE_", "LLM_", "DATA_DIR"))
    }
    env.update(
        SLACK_BOT_TOKEN=BOT_TOKEN,
        SLACK_SIGNING_SECRET=SIGNING_SECRET,
        SLACK_API_URL=fake.api_url,
        SLACK_MODE="http",
        PORT=str(port),
        DATA_DIR=str(data_dir),
        YF_DISABLE_CURL_CFFI="1",
        PYTHONUNBUFFERED="1",
        PYTHONPATH=str(ROOT),
    )
    env.update(extra)
    return env


class ServerProcess:
    """A web server subprocess (the bot, or bench/bare_bolt.py) on `port`, logging to a file;
    `.started_s` is the wall time from spawn to the first `/healthz` 200."""

    def __init__(
        self, args: list[str], env: dict[str, str], port: int, log: Path, timeout: float = 30.0
    ) -> None:
        self.port = port
        self.log = log
        self._out = log.open("wb")
        started = time.perf_counter()
        self.process = subprocess.Popen(
            args,
            cwd=data_cwd(env),
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=self._out,
            stderr=subprocess.STDOUT,
        )
        self.started_s = self._wait_healthy(started, timeout)

    @property
    def base(self) -> str:
        return f"http://{HOST}:{self.port}"

    @property
    def events_url(self) -> str:
        return self.base + "/slack/events"

    @property
    def pid(self) -> int:
        return self.process.pid

    def _wait_healthy(self, started: float, timeout: float) -> float:
        while time.perf_counter() - started < timeout:
            if self.process.poll() is not None:
                raise RuntimeError(
                    f"server exited ({self.process.returncode}); see {self.log}:\n"
                    + self.log.read_text(errors="replace")[-2000:]
                )
            try:
                status, _ = http_get_json(self.base + "/healthz", timeout=0.5)
            except OSError:
                status = 0
            if status == 200:
                return time.perf_counter() - started
            time.sleep(0.005)
        self.stop()
        raise TimeoutError(f"no /healthz 200 within {timeout} s; see {self.log}")

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(5)
        self._out.close()

    def __enter__(self) -> ServerProcess:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.stop()


def data_cwd(env: dict[str, str]) -> str:
    """Servers run in their DATA_DIR's parent: no stray `.env` from the repository is read."""
    return str(Path(env["DATA_DIR"]).parent)


def bot_args() -> list[str]:
    return [sys.executable, "-m", "bot", "run", "--slack-mode", "http"]


def slack_user(fake: FakeSlackProcess, events_url: str, user: str = "U0BENCH001") -> SlackUser:
    """tests/harness/slack.py's SlackUser (signing, slash command bodies) with the fake's
    response_urls; its aiohttp session is not used (the load generator has its own)."""
    return SlackUser(events_url, response_urls(fake.response_url), user_id=user)  # type: ignore[arg-type]


def response_urls(url: Callable[[str], str]) -> types.SimpleNamespace:
    """What a SlackUser asks of its fake for slash commands: a response_url per name, and
    numbers that no other command of the benchmark has had."""
    return types.SimpleNamespace(response_url=url, next_id=itertools.count(1).__next__)


class Inbox:
    """The askers' response_urls, served by this process: when each answer arrived."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.arrived: dict[str, asyncio.Event] = {}

    def url(self, name: str) -> str:
        return f"http://127.0.0.1:{self.port}/response/{name}"

    def expect(self, name: str) -> asyncio.Event:
        return self.arrived.setdefault(name, asyncio.Event())

    async def _response(self, request: web.Request) -> web.Response:
        await request.read()
        self.expect(request.match_info["name"]).set()
        return web.Response(text="ok")

    async def serve(self) -> web.AppRunner:
        app = web.Application()
        app.router.add_post("/response/{name}", self._response)
        runner = web.AppRunner(app, access_log=None)
        await runner.setup()
        await web.TCPSite(runner, "127.0.0.1", self.port).start()
        return runner
