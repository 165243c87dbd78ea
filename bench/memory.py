"""Resident memory of `python -m bot run --slack-mode http`: idle on its first start (a fresh
DATA_DIR, so the database is created), idle after a restart, after the first briefing (a signed
`/meta brief`, answered through its response_url) and after the first `/meta ask` with the
embedded embedding model. Fake Slack in another process, MARKET_DATA_FILE: no network."""

from __future__ import annotations

import tempfile
import time
import urllib.request
from pathlib import Path

from bench.common import (
    META_CSV,
    FakeSlackProcess,
    ServerProcess,
    bot_args,
    bot_env,
    free_port,
    median,
    rss_mb,
    slack_user,
)
from bench.report import publish, table
from bench.serve import brief

RUNS = 3
SETTLE = 2.0  # seconds after /healthz before reading idle memory
GOALS = {"idle": 110.0, "brief": 200.0}


def ask(fake: FakeSlackProcess, server: ServerProcess, run: int) -> int:
    """POST a signed `/meta ask` (a question of its own per run) and wait for its answer (in
    the ack, or through its response_url after an empty ack); the ack's HTTP status."""
    user = slack_user(fake, server.events_url, user=f"U0ASK{run:03d}")
    body = user.command_body(f"/meta ask What does Meta spend on AI infrastructure, run {run}?")
    before = fake.stats().get("response", 0)
    request = urllib.request.Request(
        server.events_url,
        data=body.encode(),
        method="POST",
        headers=user.signed_headers(body, "application/x-www-form-urlencoded"),
    )
    with urllib.request.urlopen(request, timeout=120) as response:
        if not response.read():
            fake.wait_for("response", before + 1, timeout=120)
        return int(response.status)


def measure(fake: FakeSlackProcess, tmp: Path, run: int) -> dict[str, float]:
    data = tmp / f"data{run}"
    data.mkdir()
    env = bot_env(fake, free_port(), data, MARKET_DATA_FILE=str(META_CSV))
    figures: dict[str, float] = {}
    port = int(env["PORT"])
    with ServerProcess(bot_args(), env, port, tmp / f"first{run}.log") as bot:
        time.sleep(SETTLE)
        figures["fresh"] = rss_mb(bot.pid)
    with ServerProcess(bot_args(), env, port, tmp / f"again{run}.log") as bot:
        time.sleep(SETTLE)
        figures["idle"] = rss_mb(bot.pid)
        brief(fake, bot, run)
        time.sleep(0.5)
        figures["brief"] = rss_mb(bot.pid)
        ask(fake, bot, run)
        time.sleep(0.5)
        figures["ask"] = rss_mb(bot.pid)
    return figures


def main() -> None:
    runs = []
    with tempfile.TemporaryDirectory(prefix="bench-memory-") as tmp, FakeSlackProcess() as fake:
        for run in range(RUNS):
            runs.append(measure(fake, Path(tmp), run))

    def row(key: str, label: str) -> list[str]:
        values = [r[key] for r in runs]
        value = median(values)
        goal = GOALS.get(key if key != "fresh" else "idle")
        verdict = "" if goal is None else ("met" if value <= goal else "MISSED")
        return [
            label,
            f"{value:.0f}",
            f"{min(values):.0f}–{max(values):.0f}",
            f"≤ {goal:.0f}" if goal else "reported",
            verdict,
        ]

    rows = [
        row("fresh", "idle, first start (database created)"),
        row("idle", "idle, restarted"),
        row("brief", "after the first `/meta brief`"),
        row("ask", "after the first `/meta ask` (embedded model)"),
    ]
    notes = (
        f"VmRSS in MB, median of {RUNS} fresh DATA_DIRs; each started once (idle read "
        f"{SETTLE:g} s after /healthz 200), then restarted on the same database and read idle, "
        "after a signed `/meta brief` reached its response_url, and after a signed `/meta ask` "
        "with a distinct question was answered. A fresh database is migrated by a child "
        "`python -m bot migrate`, so Alembic is never loaded in the long-running process."
    )
    publish(
        table(
            "Memory: `python -m bot run` (Slack HTTP mode)",
            ["measure", "MB", "range", "goal", ""],
            rows,
            notes,
        )
    )


if __name__ == "__main__":
    main()
