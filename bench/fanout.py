"""Fan-out: 1,000 Slack subscriptions due in the same minute, posted through the real
SlackAdapter (slack_sdk's AsyncWebClient) to a loopback fake Slack whose every call takes 20 ms.

Two mornings in a row run in a child process of its own (`python -m bench.fanout --child URL`):
the first pays for a fresh process (market calendar, matplotlib), the next is a running bot's
morning. The fake Slack is a third process. Reported for each: time until all are delivered
(Deliveries.deliver_due), CPU, briefings built, ChartCache renders; the calls the fake saw;
resident memory before and at peak.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from bench.common import ROOT, FakeSlackProcess, rss_mb
from bench.report import publish, table

SUBSCRIPTIONS = 1000
DELIVERY_OPTIONS: dict[str, object] = {}  # the defaults (concurrency 32)
API_DELAY = 0.020
# Wednesday 31 July 2024, 08:30 in Paris: every subscription is due now.
AT = dt.datetime(2024, 7, 31, 6, 30, tzinfo=dt.UTC)
NEXT = AT + dt.timedelta(days=1)  # the next morning, in the same process


def child(api_url: str) -> dict[str, object]:
    from bot.adapters.slack import SlackAdapter
    from briefings.subscriptions.model import parse_time
    from commands.router import Router
    from commands.services import Services
    from config import load_settings
    from scheduling.fanout import Deliveries
    from tests.harness.slack import BOT_TOKEN, SIGNING_SECRET

    tmp = tempfile.mkdtemp(prefix="bench-fanout-")
    settings = load_settings(
        data_dir=Path(tmp) / "data",
        slack_bot_token=BOT_TOKEN,
        slack_signing_secret=SIGNING_SECRET,
        slack_api_url=api_url,
        slack_mode="http",
    )
    now = [AT]
    services = Services(
        settings, clock=lambda: now[0], price_files={"META": ROOT / "tests" / "data" / "META.csv"}
    )
    created = dt.datetime(2024, 1, 1, tzinfo=dt.UTC)
    for n in range(SUBSCRIPTIONS):
        services.subscriptions.save(
            "slack",
            "T0BENCH",
            f"C{n:06d}",
            parse_time("08:30"),
            "Europe/Paris",
            "fr" if n % 2 else "en",
            "daily",
            "bench",
            created,
        )
    router = Router(services)
    adapter = SlackAdapter(settings.slack, router)
    _ = services.knowledge.index

    async def one_pass(deliveries: Deliveries, at: dt.datetime) -> dict[str, object]:
        now[0] = at
        renders = services.market.charts.renders
        started, cpu = time.perf_counter(), time.process_time()
        report = await deliveries.deliver_due(at)
        return {
            "seconds": time.perf_counter() - started,
            "cpu_seconds": time.process_time() - cpu,
            "delivered": len(report.delivered),
            "failed": len(report.failed),
            "briefings_built": report.briefings_built,
            "renders": services.market.charts.renders - renders,
        }

    async def run() -> list[dict[str, object]]:
        await adapter.start()  # as `run` does: one connection pool for every call
        try:
            deliveries = Deliveries(services, {"slack": adapter}, **DELIVERY_OPTIONS)
            # the first morning of a fresh process, then the next one (imports, calendar warm)
            return [await one_pass(deliveries, AT), await one_pass(deliveries, NEXT)]
        finally:
            await adapter.stop()

    rss_before = rss_mb(_pid())
    cold, warm = asyncio.run(run())
    return {
        "cold": cold,
        "warm": warm,
        "rss_before_mb": rss_before,
        "rss_after_mb": rss_mb(_pid()),
        "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }


def _pid() -> int:
    import os

    return os.getpid()


def main() -> None:
    with FakeSlackProcess(delay=API_DELAY) as fake:
        done = subprocess.run(
            [sys.executable, "-m", "bench.fanout", "--child", fake.api_url],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=300,
        )
        if done.returncode != 0:
            raise RuntimeError("fan-out child failed:\n" + done.stderr[-3000:])
        result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
        calls = fake.stats()
    posts = calls.get("chat.postMessage", 0)
    cold, warm = result["cold"], result["warm"]
    rows = [["subscriptions due each morning", SUBSCRIPTIONS, SUBSCRIPTIONS]]

    def both(label: str, key: str, form: str = "{}") -> None:
        rows.append([label, form.format(cold[key]), form.format(warm[key])])

    rows.append(
        [
            "delivered / failed",
            f"{cold['delivered']} / {cold['failed']}",
            f"{warm['delivered']} / {warm['failed']}",
        ]
    )
    both("time until all delivered, s", "seconds", "{:.2f}")
    rows.append(
        [
            "posts per second",
            f"{cold['delivered'] / cold['seconds']:.0f}",
            f"{warm['delivered'] / warm['seconds']:.0f}",
        ]
    )
    both("CPU time of the process during the pass, s", "cpu_seconds", "{:.2f}")
    both("briefings built", "briefings_built")
    both("ChartCache renders", "renders")
    rows += [
        ["chat.postMessage calls, both mornings", posts, ""],
        [
            "chart uploads (files, completeUploadExternal), both mornings",
            f"{calls.get('upload', 0)}, {calls.get('files.completeUploadExternal', 0)}",
            "",
        ],
        [
            "other calls",
            ", ".join(
                f"{k} {v}"
                for k, v in sorted(calls.items())
                if k not in ("chat.postMessage", "upload", "files.completeUploadExternal")
            )
            or "none",
            "",
        ],
        ["RSS before the first pass, MB", f"{result['rss_before_mb']:.0f}", ""],
        ["RSS after both, MB", f"{result['rss_after_mb']:.0f}", ""],
        ["peak RSS of the process, MB", f"{result['peak_rss_mb']:.0f}", ""],
    ]
    seconds = float(warm["seconds"])
    met = (
        seconds < 2
        and posts == 2 * SUBSCRIPTIONS
        and calls.get("files.completeUploadExternal", 0) <= 4
        and warm["briefings_built"] == 2
    )
    notes = (
        f"{SUBSCRIPTIONS} Slack subscriptions at 08:30 Europe/Paris (half en, half fr) due "
        f"at the same minute, two mornings in a row in one process: "
        f"`Deliveries(services, {{'slack': SlackAdapter}}).deliver_due` (default concurrency, "
        f"the adapter started as `run` starts it) against a fake Slack (another process) adding "
        f"{API_DELAY * 1000:.0f} ms to every call. Time includes claiming all rows and building "
        f"that day's briefings and charts. Cached before the first morning: the knowledge "
        f"index only (so it also pays for loading the market calendar and importing "
        f"matplotlib); before the second: that, the calendar, the imports and the first "
        f"morning's chart files (the second day's report and charts are made again; the "
        f"charts come out identical, the data ending on 30 July, so they are not uploaded "
        f"again). Goal: the next morning in under "
        f"2 s, one call per channel (chat.postMessage) besides one chart upload per language: "
        f"{'met' if met else 'MISSED'}."
    )
    publish(
        table(
            "Fan-out: 1,000 Slack subscriptions in one minute",
            ["measure", "first morning (cold process)", "next morning"],
            rows,
            notes,
        )
    )


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--child":
        print(json.dumps(child(sys.argv[2])))
    else:
        main()
