"""Fan-out: 1,000 Slack subscriptions due in the same minute, posted through the real
SlackAdapter (slack_sdk's AsyncWebClient) to a loopback fake Slack whose every call takes 20 ms.

The pass runs in a child process of its own (`python -m bench.fanout --child URL`), so its peak
resident memory is that of the delivery alone; the fake Slack is a third process. Reported:
time until all are delivered (Deliveries.deliver_due), chat.postMessage and upload calls seen
by the fake, briefings built, ChartCache renders, resident memory before and at peak.
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

from bench.common import ROOT, FakeSlackProcess, rss_mb
from bench.report import publish, table

SUBSCRIPTIONS = 1000
DELIVERY_OPTIONS: dict[str, object] = {}  # the defaults (concurrency 32)
API_DELAY = 0.020
# Wednesday 31 July 2024, 08:30 in Paris: every subscription is due now.
AT = dt.datetime(2024, 7, 31, 6, 30, tzinfo=dt.UTC)


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
    services = Services(
        settings, clock=lambda: AT, price_files={"META": ROOT / "tests" / "data" / "META.csv"}
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

    cpu_seconds: list[float] = []

    async def run() -> tuple[float, object]:
        await adapter.start()  # as `run` does: one connection pool for every call
        try:
            deliveries = Deliveries(services, {"slack": adapter}, **DELIVERY_OPTIONS)
            started, cpu = time.perf_counter(), time.process_time()
            report = await deliveries.deliver_due(AT)
            cpu_seconds.append(time.process_time() - cpu)
            return time.perf_counter() - started, report
        finally:
            await adapter.stop()

    rss_before = rss_mb(_pid())
    seconds, report = asyncio.run(run())
    return {
        "seconds": seconds,
        "cpu_seconds": cpu_seconds[0],
        "delivered": len(report.delivered),  # type: ignore[attr-defined]
        "failed": len(report.failed),  # type: ignore[attr-defined]
        "briefings_built": report.briefings_built,  # type: ignore[attr-defined]
        "renders": services.market.charts.renders,
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
        result = json.loads(done.stdout.strip().splitlines()[-1])
        calls = fake.stats()
    posts = calls.get("chat.postMessage", 0)
    uploads = calls.get("upload", 0)
    seconds = float(result["seconds"])
    rows = [
        ["subscriptions due", SUBSCRIPTIONS],
        ["delivered / failed", f"{result['delivered']} / {result['failed']}"],
        ["time until all delivered, s", f"{seconds:.2f}"],
        ["posts per second", f"{result['delivered'] / seconds:.0f}"],
        ["CPU time of the process during the pass, s", f"{result['cpu_seconds']:.2f}"],
        ["chat.postMessage calls", posts],
        [
            "chart uploads (files, completeUploadExternal)",
            f"{uploads}, {calls.get('files.completeUploadExternal', 0)}",
        ],
        [
            "other calls",
            ", ".join(
                f"{k} {v}"
                for k, v in sorted(calls.items())
                if k not in ("chat.postMessage", "upload", "files.completeUploadExternal")
            )
            or "none",
        ],
        ["briefings built", result["briefings_built"]],
        ["ChartCache renders", result["renders"]],
        ["RSS before the pass, MB", f"{result['rss_before_mb']:.0f}"],
        ["RSS after the pass, MB", f"{result['rss_after_mb']:.0f}"],
        ["peak RSS of the process, MB", f"{result['peak_rss_mb']:.0f}"],
    ]
    met = (
        seconds < 10
        and posts == SUBSCRIPTIONS
        and result["briefings_built"] == 2
        and result["renders"] == 2
    )
    notes = (
        f"{SUBSCRIPTIONS} Slack subscriptions at 08:30 Europe/Paris (half en, half fr) due "
        f"at the same minute; `Deliveries(services, {{'slack': SlackAdapter}}).deliver_due` "
        f"(default concurrency) in a process of its own, against a fake Slack (a third "
        f"process) adding {API_DELAY * 1000:.0f} ms to every call. Time includes claiming "
        f"all {SUBSCRIPTIONS} rows. Goal: all delivered in under 10 s, one briefing and one "
        f"chart per language: {'met' if met else 'MISSED'}."
    )
    publish(
        table("Fan-out: 1,000 Slack subscriptions in one minute", ["measure", "value"], rows, notes)
    )


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--child":
        print(json.dumps(child(sys.argv[2])))
    else:
        main()
