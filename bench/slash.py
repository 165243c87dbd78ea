"""Slash-command path: signed `/meta help` requests over loopback HTTP to the bot (a real
`python -m bot run --slack-mode http` subprocess), beside a bare slack-bolt AsyncApp that only
acks (bench/bare_bolt.py), at several concurrencies, in the same run.

`help` needs no data, so this is the bot's own overhead on the ack path: signature check,
Bolt's dispatch, the router, Block Kit rendering, logging, metrics. Both servers talk to the
same fake Slack (its own process). The load generator is an aiohttp client in this process,
with keep-alive connections (one per concurrent request). Each request has its own trigger_id
and response_url. (`ask` with distinct questions has its own benchmark: bench/ask_slack.py.)
"""

from __future__ import annotations

import asyncio
import tempfile
import time
from pathlib import Path

import aiohttp

from bench.common import (
    FakeSlackProcess,
    ServerProcess,
    bot_args,
    bot_env,
    cpu_seconds,
    free_port,
    median,
    percentile,
    slack_user,
)
from bench.report import publish, table

CONCURRENCY = (1, 16, 64)
GOAL_RATIO = 0.9  # the bot's requests per second at concurrency 16, against bare Bolt's
REQUESTS = 1500  # per concurrency, per server, per round
ROUNDS = 2  # bare then bot, then bot then bare: order effects cancel out
WARMUP = 300


def signed_requests(user, count: int) -> list[tuple[bytes, dict[str, str]]]:  # type: ignore[no-untyped-def]
    """`count` signed `/meta help` bodies, each with its own trigger_id and response_url."""
    out = []
    for _ in range(count):
        body = user.command_body("/meta help")
        out.append((body.encode(), user.signed_headers(body, "application/x-www-form-urlencoded")))
    return out


async def load(
    url: str, requests: list[tuple[bytes, dict[str, str]]], concurrency: int
) -> tuple[float, list[float], int, int]:
    """POST every request with `concurrency` in flight; (wall seconds, latencies, empty acks,
    errors). The bot acknowledges a command it has not answered within its glance with an
    empty 200 and answers through response_url (bare Bolt's acks are always empty)."""
    latencies: list[float] = []
    empty = errors = 0
    queue = iter(requests)
    connector = aiohttp.TCPConnector(limit=concurrency, force_close=False)
    async with aiohttp.ClientSession(connector=connector) as session:

        async def worker() -> None:
            nonlocal errors, empty
            for body, headers in queue:
                started = time.perf_counter()
                async with session.post(url, data=body, headers=headers) as response:
                    text = await response.read()
                latencies.append(time.perf_counter() - started)
                if response.status != 200:
                    errors += 1
                elif not text:
                    empty += 1

        started = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(concurrency)))
        wall = time.perf_counter() - started
    return wall, latencies, empty, errors


def measure(
    servers: dict[str, ServerProcess], fake: FakeSlackProcess
) -> dict[tuple[str, int], dict]:
    results: dict[tuple[str, int], dict] = {}
    users = {name: slack_user(fake, server.events_url) for name, server in servers.items()}
    for name, server in servers.items():  # warm up: imports, auth.test, the BM25 index
        asyncio.run(load(server.events_url, signed_requests(users[name], WARMUP), 16))
    for concurrency in CONCURRENCY:
        for round_ in range(ROUNDS):
            order = list(servers) if round_ % 2 == 0 else list(reversed(servers))
            for name in order:
                requests = signed_requests(users[name], REQUESTS)
                cpu = cpu_seconds(servers[name].pid)
                wall, latencies, empty, errors = asyncio.run(
                    load(servers[name].events_url, requests, concurrency)
                )
                cpu = cpu_seconds(servers[name].pid) - cpu
                entry = results.setdefault(
                    (name, concurrency), {"rps": [], "lat": [], "errors": 0, "cpu": [], "empty": 0}
                )
                entry["empty"] += empty
                entry["cpu"].append(cpu / len(requests))
                entry["rps"].append(len(requests) / wall)
                entry["lat"] += latencies
                entry["errors"] += errors
    return results


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="bench-slash-") as tmp, FakeSlackProcess() as fake:
        tmp_path = Path(tmp)
        bot_port, bare_port = free_port(), free_port()
        bot_env_ = bot_env(fake, bot_port, tmp_path / "bot-data")
        bare_env = bot_env(fake, bare_port, tmp_path / "bare-data")
        (tmp_path / "bot-data").mkdir()
        (tmp_path / "bare-data").mkdir()
        with (
            ServerProcess(bot_args(), bot_env_, bot_port, tmp_path / "bot.log") as bot,
            ServerProcess(
                [bot_args()[0], "-m", "bench.bare_bolt"], bare_env, bare_port, tmp_path / "bare.log"
            ) as bare,
        ):
            results = measure({"bare Bolt": bare, "bot": bot}, fake)
    rows = []
    for concurrency in CONCURRENCY:
        bare_rps = median(results[("bare Bolt", concurrency)]["rps"])
        for name in ("bare Bolt", "bot"):
            entry = results[(name, concurrency)]
            rps = median(entry["rps"])
            rows.append(
                [
                    concurrency,
                    name,
                    f"{rps:.0f}",
                    f"{rps / bare_rps:.2f}",
                    f"{percentile(entry['lat'], 50) * 1000:.1f}",
                    f"{percentile(entry['lat'], 99) * 1000:.1f}",
                    f"{median(entry['cpu']) * 1000:.2f}",
                    entry["empty"] if name == "bot" else "all",
                    entry["errors"],
                ]
            )
    c16_ratio = median(results[("bot", 16)]["rps"]) / median(results[("bare Bolt", 16)]["rps"])
    c16_p99 = percentile(results[("bot", 16)]["lat"], 99) * 1000
    verdict = (
        f"Goal at concurrency 16: bot ≥ {GOAL_RATIO} × bare Bolt's throughput (got "
        f"{c16_ratio:.2f}: {'met' if c16_ratio >= GOAL_RATIO else 'MISSED'}); p99 "
        f"{c16_p99:.1f} ms."
    )
    notes = (
        "Empty acks: the bot's help was not ready within its glance, so it was acknowledged "
        "with an empty 200 and answered through response_url (one more call, to the fake). "
        f"Signed `/meta help` over loopback HTTP (keep-alive), {REQUESTS} requests per "
        f"concurrency per server per round, {ROUNDS} rounds in alternating order after "
        f"{WARMUP} warm-up requests each; req/s is the median of the rounds, latencies are "
        "pooled over them. The bot is `python -m bot run --slack-mode http`; bare Bolt is "
        "bench/bare_bolt.py (an AsyncApp whose handler only acks). Load generator, both "
        "servers and the fake Slack share the 2 CPUs; server CPU ms/req is the server process's "
        "user+system time over the requests it served. Bolt polls for the ack every 10 ms "
        "(slack_bolt/listener/asyncio_runner.py), which sets both servers' floor at "
        "concurrency 1. " + verdict
    )
    publish(
        table(
            "Slash commands: `/meta help` ack path vs bare Bolt",
            [
                "concurrency",
                "server",
                "req/s",
                "vs bare",
                "p50 ms",
                "p99 ms",
                "server CPU ms/req",
                "empty acks",
                "errors",
            ],
            rows,
            notes,
        )
    )


if __name__ == "__main__":
    main()
