"""Tables for benchmark results, printed and appended to bench/RESULTS.md with the commit."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
from pathlib import Path

RESULTS = Path(__file__).resolve().parent / "RESULTS.md"


def _commit() -> str:
    try:
        return subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True, check=True
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


def table(title: str, header: list[str], rows: list[list[object]], notes: str = "") -> str:
    lines = [
        f"## {title}",
        "",
        f"commit {_commit()}, {os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f} at the end, "
        f"{dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC",
        "",
        "| " + " | ".join(header) + " |",
        "|" + "|".join("---" for _ in header) + "|",
    ]
    lines += ["| " + " | ".join(str(cell) for cell in row) + " |" for row in rows]
    if notes:
        lines += ["", notes]
    return "\n".join(lines) + "\n"


def publish(text: str) -> None:
    print(text)
    with RESULTS.open("a", encoding="utf-8") as out:
        out.write("\n" + text)
