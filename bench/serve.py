"""Start-up and memory of the running bot: wall time from spawning `python -m bot run
--slack-mode http` to its first `/healthz` 200, resident memory (VmRSS) when idle, and after
the first briefing (a signed `/meta brief`, answered through its response_url to the fake
Slack; MARKET_DATA_FILE=tests/data/META.csv, so no network)."""

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

RUNS = 5
IDLE_SETTLE = 1.0  # seconds after /healthz before reading idle memory


def brief(fake: FakeSlackProcess, server: ServerProcess, run: int) -> tuple[int, float]:
    """POST a signed `/meta brief`; (ack status, seconds until its response_url call)."""
    user = slack_user(fake, server.events_url, user=f"U0BRIEF{run:03d}")
    body = user.command_body("/meta brief")
    before = fake.stats().get("response", 0)
    started = time.perf_counter()
    request = urllib.request.Request(
        server.events_url,
        data=body.encode(),
        method="POST",
        headers=user.signed_headers(body, "application/x-www-form-urlencoded"),
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        status = response.status
        response.read()
    fake.wait_for("response", before + 1, timeout=60)
    return status, time.perf_counter() - started


def main() -> None:
    starts, idle, after, briefs, acks = [], [], [], [], []
    with tempfile.TemporaryDirectory(prefix="bench-serve-") as tmp, FakeSlackProcess() as fake:
        for run in range(RUNS):
            data = Path(tmp) / f"data{run}"
            data.mkdir()
            port = free_port()
            env = bot_env(fake, port, data, MARKET_DATA_FILE=str(META_CSV))
            with ServerProcess(bot_args(), env, port, Path(tmp) / f"bot{run}.log") as bot:
                starts.append(bot.started_s)
                time.sleep(IDLE_SETTLE)
                idle.append(rss_mb(bot.pid))
                status, seconds = brief(fake, bot, run)
                acks.append(status)
                briefs.append(seconds)
                time.sleep(0.2)
                after.append(rss_mb(bot.pid))
    start_ms = median(starts) * 1000
    idle_mb = median(idle)
    rows = [
        [
            "spawn to /healthz 200, ms",
            f"{start_ms:.0f}",
            f"{min(starts) * 1000:.0f}–{max(starts) * 1000:.0f}",
            "< 2000",
            "met" if start_ms < 2000 else "MISSED",
        ],
        [
            "RSS idle, MB",
            f"{idle_mb:.0f}",
            f"{min(idle):.0f}–{max(idle):.0f}",
            "< 150",
            "met" if idle_mb < 150 else "MISSED",
        ],
        [
            "RSS after the first briefing, MB",
            f"{median(after):.0f}",
            f"{min(after):.0f}–{max(after):.0f}",
            "",
            "",
        ],
        [
            "first `/meta brief` to its response_url call, ms",
            f"{median(briefs) * 1000:.0f}",
            f"{min(briefs) * 1000:.0f}–{max(briefs) * 1000:.0f}",
            "",
            "",
        ],
    ]
    notes = (
        f"{RUNS} fresh starts of `python -m bot run --slack-mode http` (fresh DATA_DIR each, "
        f"so migrations run), fake Slack in another process; idle RSS read {IDLE_SETTLE:g} s "
        f"after the first /healthz 200; acks {sorted(set(acks))}."
    )
    publish(
        table(
            "Start-up and memory: `python -m bot run` (Slack HTTP mode)",
            ["measure", "median", "range", "goal", ""],
            rows,
            notes,
        )
    )


if __name__ == "__main__":
    main()
