"""Quote coalescing: 500 concurrent `stock` requests on a cold cache against a market source
that takes 300 ms, then 500 warm requests. In-process, through Router.handle, so each request
also builds its figures and its reply (the chart comes from ChartCache: one render per key).

The source answers every symbol (META, QQQ, GOOGL, MSFT) with the real bars of
tests/data/META.csv after sleeping 0.3 s, and counts its calls per symbol.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path

from bench.common import META_CSV, percentile
from bench.report import publish, table
from briefings.market.bars import Series
from briefings.market.csv_source import read_bars_csv
from chat.request import Request
from commands.router import Router
from commands.services import Services
from config import load_settings

COLD = 500
WARM = 500
FETCH_SECONDS = 0.3
# 31 July 2024, 14:00 UTC: the market is open, the day after the CSV's last bar.
NOW = dt.datetime(2024, 7, 31, 14, 0, tzinfo=dt.UTC)


class SlowSource:
    """A market source taking FETCH_SECONDS per fetch, counting fetches per symbol."""

    name = "bench source"

    def __init__(self) -> None:
        self.bars = read_bars_csv(META_CSV, "META")
        self.fetches: Counter[str] = Counter()
        self._lock = threading.Lock()

    def fetch(self, symbol: str) -> Series:
        with self._lock:
            self.fetches[symbol] += 1
        time.sleep(FETCH_SECONDS)
        return Series(
            symbol=symbol, bars=self.bars.bars, source=self.name, fetched_at=dt.datetime.now(dt.UTC)
        )


async def timed(router: Router, request: Request) -> tuple[float, bool]:
    started = time.perf_counter()
    reply = await router.handle(request)
    return time.perf_counter() - started, bool(reply.ok and reply.images)


def request(n: int) -> Request:
    return Request(
        "stock",
        "",
        platform="slack",
        workspace="T0BENCH",
        channel=f"C{n:05d}",
        user=f"U{n:05d}",
        can_manage_channel=True,
    )


async def run(data_dir: Path) -> dict[str, object]:
    settings = load_settings(data_dir=data_dir)
    source = SlowSource()
    services = Services(settings, clock=lambda: NOW, market_source=source)
    router = Router(services)
    _ = services.knowledge.index, services.market.data  # built before the clock starts

    started = time.perf_counter()
    cold = await asyncio.gather(*(timed(router, request(n)) for n in range(COLD)))
    cold_wall = time.perf_counter() - started

    warm_seq = [await timed(router, request(n)) for n in range(WARM)]

    started = time.perf_counter()
    warm_burst = await asyncio.gather(*(timed(router, request(n)) for n in range(WARM)))
    burst_wall = time.perf_counter() - started
    return {
        "cold": cold,
        "cold_wall": cold_wall,
        "warm_seq": warm_seq,
        "warm_burst": warm_burst,
        "burst_wall": burst_wall,
        "fetches": dict(source.fetches),
        "renders": services.market.charts.renders,
        "hits": services.market.data.cache_hits,
    }


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="bench-quotes-") as tmp:
        result = asyncio.run(run(Path(tmp) / "data"))
    fetches: dict[str, int] = result["fetches"]  # type: ignore[assignment]
    rows = []
    for label, key in (
        ("cold, 500 at once", "cold"),
        ("warm, one at a time", "warm_seq"),
        ("warm, 500 at once", "warm_burst"),
    ):
        samples = result[key]
        lat = [s[0] for s in samples]  # type: ignore[union-attr]
        ok = sum(s[1] for s in samples)  # type: ignore[union-attr]
        wall = {"cold": result["cold_wall"], "warm_burst": result["burst_wall"]}.get(key)
        rows.append(
            [
                label,
                len(lat),
                ok,
                f"{percentile(lat, 50) * 1000:.1f}",
                f"{percentile(lat, 99) * 1000:.1f}",
                f"{max(lat) * 1000:.1f}",
                f"{wall:.2f}" if wall is not None else "–",
            ]
        )
    one_each = all(count == 1 for count in fetches.values()) and len(fetches) == 4
    warm_p99 = percentile([s[0] for s in result["warm_seq"]], 99) * 1000  # type: ignore[union-attr]
    notes = (
        f"Upstream fetches per symbol: {', '.join(f'{k} {v}' for k, v in sorted(fetches.items()))} "
        f"(goal: exactly one each: {'met' if one_each else 'MISSED'}); chart renders "
        f"{result['renders']}; cache hits {result['hits']}. Warm p99 one at a time "
        f"{warm_p99:.1f} ms (goal < 20 ms: {'met' if warm_p99 < 20 else 'MISSED'}). "
        f"In-process `Router.handle(Request('stock'))`; source sleeps {FETCH_SECONDS * 1000:.0f} ms "
        'and returns tests/data/META.csv\'s bars for every symbol; "ok" counts replies with a '
        'chart. "500 at once" latencies include waiting for the other 499 on one event loop.'
    )
    publish(
        table(
            "Quote coalescing: `stock` on a cold cache, then warm",
            ["phase", "requests", "ok", "p50 ms", "p99 ms", "max ms", "wall s"],
            rows,
            notes,
        )
    )


if __name__ == "__main__":
    main()
