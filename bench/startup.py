"""Start-up cost of `python -m bot ask`, beside `python -c pass` in the same run."""

from __future__ import annotations

import statistics
import subprocess
import sys
import time
from pathlib import Path

from bench.report import publish, table

ROOT = Path(__file__).resolve().parent.parent
RUNS = 15


def _median_seconds(args: list[str]) -> float:
    times = []
    for _ in range(RUNS):
        started = time.perf_counter()
        subprocess.run(args, cwd=ROOT, capture_output=True, check=True)
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def main() -> None:
    baseline = _median_seconds([sys.executable, "-c", "pass"])
    ask = _median_seconds([sys.executable, "-m", "bot", "ask", "What does LLaMA stand for?"])
    rows = [
        ["python -c pass", f"{baseline * 1000:.0f}", "1.0"],
        ["python -m bot ask", f"{ask * 1000:.0f}", f"{ask / baseline:.1f}"],
    ]
    publish(
        table(
            "Start-up: `python -m bot ask`",
            ["command", "median ms", "ratio"],
            rows,
            f"{RUNS} runs each, wall time of the whole process.",
        )
    )


if __name__ == "__main__":
    main()
