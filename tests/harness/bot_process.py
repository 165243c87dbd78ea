"""Run the real bot (`python -m bot run`) as a subprocess against the loopback fake Slack."""

from __future__ import annotations

import asyncio
import datetime as dt
import os
import resource
import socket
import sys
from pathlib import Path

import aiohttp

from tests.harness import ROOT
from tests.harness.delivery import META
from tests.harness.slack import BOT_TOKEN, SIGNING_SECRET, TEAM_ID, FakeSlack


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def bot_env(
    api: FakeSlack, data_dir: Path, database_url: str | None = None, **extra: str
) -> dict[str, str]:
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "SLACK_BOT_TOKEN": BOT_TOKEN,
        "SLACK_SIGNING_SECRET": SIGNING_SECRET,
        "SLACK_API_URL": api.base_url,
        "PORT": str(free_port()),
        "DATA_DIR": str(data_dir),
        "MARKET_DATA_FILE": str(META),
        "SCHEDULER_SWEEP_SECONDS": "1",
        **extra,
    }
    env.pop("SLACK_APP_TOKEN", None)
    if database_url:
        env["DATABASE_URL"] = database_url
    else:
        env.pop("DATABASE_URL", None)
    return env


class BotProcess:
    def __init__(self, env: dict[str, str], open_files: int | None = None) -> None:
        self.env = env
        self.open_files = open_files  # a soft limit on open files for the process, if given
        self.url = f"http://127.0.0.1:{env['PORT']}"
        self.process: asyncio.subprocess.Process | None = None

    async def start(self, timeout: float = 30.0) -> BotProcess:
        self.stderr_path = Path(self.env["DATA_DIR"]) / "stderr.log"
        self.stderr_path.parent.mkdir(parents=True, exist_ok=True)
        with self.stderr_path.open("ab") as stderr:  # a file, not a pipe: a full pipe would block
            self.process = await asyncio.create_subprocess_exec(
                sys.executable,
                "-m",
                "bot",
                "run",
                "--slack-mode",
                "http",
                env=self.env,
                cwd=ROOT,
                stdout=asyncio.subprocess.DEVNULL,
                stderr=stderr,
                preexec_fn=self._limit_open_files if self.open_files else None,
            )
        deadline = asyncio.get_running_loop().time() + timeout
        async with aiohttp.ClientSession() as session:
            while asyncio.get_running_loop().time() < deadline:
                try:
                    async with session.get(self.url + "/healthz") as response:
                        if response.status == 200:
                            return self
                except aiohttp.ClientError:
                    pass
                if self.process.returncode is not None:
                    raise AssertionError(f"the bot exited with {self.process.returncode}")
                await asyncio.sleep(0.05)
        raise AssertionError("the bot did not become healthy in time")

    def _limit_open_files(self) -> None:
        _soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
        resource.setrlimit(resource.RLIMIT_NOFILE, (self.open_files, hard))

    @property
    def pid(self) -> int:
        assert self.process is not None
        return self.process.pid

    async def get(self, path: str) -> tuple[int, str]:
        async with aiohttp.ClientSession() as session, session.get(self.url + path) as response:
            return response.status, await response.text()

    async def stop(self, sig: int, timeout: float = 30.0) -> tuple[int, str]:
        """Send `sig`, wait for the exit; the exit code and everything it wrote on stderr."""
        assert self.process is not None
        self.process.send_signal(sig)
        await asyncio.wait_for(self.process.wait(), timeout)
        return self.process.returncode or 0, self.stderr_path.read_text(errors="replace")


def due_subscriptions(database_url: str, data_dir: Path, count: int) -> None:
    """`count` Slack subscriptions whose time today passed two minutes ago (owed right now)."""
    from commands.services import Services
    from config import load_settings

    now = dt.datetime.now(dt.UTC)
    at = (now - dt.timedelta(minutes=2)).time().replace(second=0, microsecond=0)
    overrides: dict[str, object] = {"data_dir": data_dir}
    if database_url:
        overrides["database_url"] = database_url
    store = Services(load_settings(**overrides)).subscriptions
    for n in range(count):
        store.save(
            "slack",
            TEAM_ID,
            f"C{n:05}",
            at,
            "UTC",
            "en",
            "daily",
            "test",
            now - dt.timedelta(days=2),
        )


def top_level_posts(api: FakeSlack) -> dict[str, int]:
    """Briefing messages per channel (thread replies and chart uploads excluded)."""
    return {
        channel: sum(1 for m in messages if "thread_ts" not in m)
        for channel, messages in api.messages.items()
    }
