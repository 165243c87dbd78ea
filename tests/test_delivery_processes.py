"""Real processes on one SQLite file: `deliver-due` twice at once, and SIGKILL mid fan-out."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time

import pytest

from tests.harness import ROOT
from tests.harness.delivery import META, posts, posts_per_channel

pytestmark = pytest.mark.process  # every test runs `python -m bot` processes

AT = "2026-11-30T07:31:00+00:00"  # 08:31 in Paris


def cli(*args: str, env: dict[str, str]) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "bot", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        env=env,
        cwd=ROOT,
    )


def environment(isolated_env) -> dict[str, str]:
    return {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "DATA_DIR": str(isolated_env / "data"),
        "MARKET_DATA_FILE": str(META),
    }


def add_subscriptions(env: dict[str, str], count: int) -> None:
    code = (
        "import datetime as dt; from commands.services import Services; from config import load_settings; "
        "s = Services(load_settings()).subscriptions\n"
        f"for n in range({count}): s.save('console', 'local', f'c{{n:03}}', dt.time(8, 30), "
        "'Europe/Paris', 'en', 'daily', 'test', dt.datetime(2026, 11, 30, tzinfo=dt.UTC))"
    )
    subprocess.run([sys.executable, "-c", code], env=env, cwd=ROOT, check=True)


def test_subscriptions_cli_contract(isolated_env):
    env = environment(isolated_env)

    def run(*a: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "bot", *a], capture_output=True, text=True, env=env, cwd=ROOT
        )

    added = run(
        "subscriptions",
        "add",
        "--channel",
        "C0BRIEFS01",
        "--time",
        "8:30am",
        "--zone",
        "Europe/Paris",
        "--lang",
        "fr",
        "--cadence",
        "weekdays",
        "--platform",
        "slack",
    )
    assert added.returncode == 0, added.stderr
    bad = run("subscriptions", "add", "--channel", "C2", "--time", "08:30", "--zone", "Paris")
    assert bad.returncode == 2 and len(bad.stderr.strip().splitlines()) == 1
    assert "Did you mean Europe/Paris?" in bad.stderr
    listed = json.loads(run("subscriptions", "list", "--json").stdout)
    assert [
        (s["platform"], s["channel"], s["time"], s["zone"], s["lang"], s["cadence"]) for s in listed
    ] == [("slack", "C0BRIEFS01", "08:30", "Europe/Paris", "fr", "weekdays")]
    assert json.loads(run("subscriptions", "list", "--json", "--platform", "discord").stdout) == []
    assert (
        run("subscriptions", "remove", "--channel", "C0BRIEFS01").returncode == 2
    )  # console by default
    assert (
        run("subscriptions", "remove", "--channel", "C0BRIEFS01", "--platform", "slack").returncode
        == 0
    )
    assert json.loads(run("subscriptions", "list", "--json").stdout) == []


def test_deliver_due_json_report(isolated_env):
    env = environment(isolated_env)
    add_subscriptions(env, 2)
    result = subprocess.run(
        [sys.executable, "-m", "bot", "deliver-due", "--at", AT, "--json"],
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
    )
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    report["delivered"].sort(key=lambda d: d["channel"])
    assert report == {
        "delivered": [
            {"platform": "console", "channel": "c000", "date": "2026-11-30", "late": False},
            {"platform": "console", "channel": "c001", "date": "2026-11-30", "late": False},
        ],
        "skipped": [],
    }
    assert "META briefing" in result.stderr  # the console's posts go to stderr


def test_two_deliver_due_processes_at_once_deliver_each_once(isolated_env, settings):
    env = environment(isolated_env)
    add_subscriptions(env, 60)
    first, second = (cli("deliver-due", "--at", AT, "--json", env=env) for _ in range(2))
    outputs = [json.loads(p.communicate(timeout=120)[0]) for p in (first, second)]
    assert first.returncode == 0 and second.returncode == 0
    assert sum(len(o["delivered"]) for o in outputs) == 60
    assert posts_per_channel(settings) == {f"c{n:03}": 1 for n in range(60)}


def test_sigkill_mid_fan_out_then_restart_delivers_each_exactly_once(isolated_env, settings):
    env = environment(isolated_env)
    add_subscriptions(env, 300)
    victim = cli("deliver-due", "--at", AT, env=env)
    deadline = time.monotonic() + 60
    while len(posts(settings)) < 20 and time.monotonic() < deadline and victim.poll() is None:
        time.sleep(0.01)
    victim.send_signal(signal.SIGKILL)
    victim.wait(timeout=30)
    posted_before = len(posts(settings))
    assert 0 < posted_before < 300, "the kill should land in the middle of the fan-out"
    restart = cli("deliver-due", "--at", "2026-11-30T07:35:00+00:00", "--json", env=env)
    restart.communicate(timeout=120)
    assert restart.returncode == 0
    assert posts_per_channel(settings) == {f"c{n:03}": 1 for n in range(300)}
