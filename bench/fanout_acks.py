"""Acks during the morning: `/meta help` and `/meta ask` (a distinct question each time) sent to
a real `python -m bot run --slack-mode http` while its scheduler posts 1,000 Slack briefings due
in the same minute, in the same process; fake Slack (its own process) adds 20 ms to every call.

The bot is started once and warmed (the embedded model's embeddings computed and cached in
DATA_DIR), stopped; the 1,000 subscriptions are imported (`python -m bot subscriptions import`)
for a minute far enough ahead (UTC); the bot is started again and warmed, then a steady stream of signed requests runs from before the minute until
every post is seen by the fake. Acks are split into those sent while the fan-out ran (first to
last chat.postMessage seen by the fake) and those sent before it (same process, idle).
"""

from __future__ import annotations

import asyncio
import datetime as dt
import os
import subprocess
import tempfile
import time
from pathlib import Path

import aiohttp

from bench.common import (
    META_CSV,
    FakeSlackProcess,
    Inbox,
    ServerProcess,
    bot_args,
    bot_env,
    cpu_seconds,
    free_port,
    median,
    percentile,
    response_urls,
    slack_user,
)
from bench.report import publish, table

SUBSCRIPTIONS = 1000
API_DELAY = 0.020
WORKERS = 2  # concurrent askers
PAUSE = 0.03  # seconds each asker waits between two requests
LEAD = 30.0  # seconds at least between the import and the minute the posts are due
BRIEF_FIRST = os.environ.get("BENCH_BRIEF_FIRST", "1") != "0"  # one /meta brief before
TOPICS = ("revenue", "ads", "AI", "Reality Labs", "costs", "users", "margins", "capex")


def _due_minute() -> dt.datetime:
    now = dt.datetime.now(dt.UTC)
    return (now + dt.timedelta(seconds=LEAD + 60)).replace(second=0, microsecond=0)


def _import(env: dict[str, str], tmp: Path, due: dt.datetime) -> None:
    lines = ["platform,channel,time,zone,language,cadence,workspace"]
    lines += [
        f"slack,C{n:06d},{due:%H:%M},UTC,{'fr' if n % 2 else 'en'},daily,T0BENCH"
        for n in range(SUBSCRIPTIONS)
    ]
    path = tmp / "subscriptions.csv"
    path.write_text("\n".join(lines) + "\n")
    done = subprocess.run(
        [*bot_args()[:2], "bot", "subscriptions", "import", str(path), "--json"],
        env=env,
        cwd=str(tmp),
        capture_output=True,
        text=True,
        timeout=120,
    )
    if done.returncode != 0 or f'"imported": {SUBSCRIPTIONS}' not in done.stdout:
        raise RuntimeError(f"import failed: {done.stdout} {done.stderr[-2000:]}")


class Load:
    """Signed `/meta help` and `/meta ask <distinct question>`, one after the other; each
    answer waited for (in the ack, or through its response_url after an empty ack)."""

    def __init__(self, user, url: str, inbox: Inbox) -> None:  # type: ignore[no-untyped-def]
        self.user, self.url, self.inbox, self.n = user, url, inbox, 0
        user.api = response_urls(inbox.url)
        self.samples: list[tuple[str, float, float, float]] = []  # kind, sent, ack, answer
        self.errors: list[str] = []

    def _next(self) -> tuple[str, str]:
        self.n += 1
        if self.n % 2:
            return "help", "/meta help"
        topic = TOPICS[self.n % len(TOPICS)]
        return "ask", f"/meta ask what changed in Meta's {topic} in quarter {self.n}?"

    async def one(self, session: aiohttp.ClientSession) -> None:
        kind, text = self._next()
        body = self.user.command_body(text)
        headers = self.user.signed_headers(body, "application/x-www-form-urlencoded")
        answered = self.inbox.expect(self.user.last_response_name)
        sent = time.perf_counter()
        async with session.post(self.url, data=body.encode(), headers=headers) as response:
            answer = await response.read()
        acked = time.perf_counter() - sent
        if response.status == 200 and not answer:  # answered through response_url
            try:
                await asyncio.wait_for(answered.wait(), 60)
                answer = b'"blocks"'
            except TimeoutError:
                answer = b"no answer through response_url"
        self.samples.append((kind, sent, acked, time.perf_counter() - sent))
        if response.status != 200 or b'"blocks"' not in answer:
            self.errors.append(f"{kind} {response.status} {answer[:120]!r}")

    async def run(self, until: asyncio.Event) -> None:
        connector = aiohttp.TCPConnector(limit=WORKERS)
        async with aiohttp.ClientSession(connector=connector) as session:

            async def worker() -> None:
                while not until.is_set():
                    await self.one(session)
                    await asyncio.sleep(PAUSE)

            await asyncio.gather(*(worker() for _ in range(WORKERS)))


async def warm(load: Load) -> None:
    """Ask until answers come in the ack, quickly: the embedded model loaded (its embeddings
    computed once and cached in DATA_DIR), the index built, Bolt warm."""
    async with aiohttp.ClientSession() as session:
        deadline = time.perf_counter() + 120
        while time.perf_counter() < deadline:
            await load.one(session)
            await load.one(session)
            if not load.errors[-2:] and load.samples[-1][3] < 0.5:
                break
            await asyncio.sleep(1.0)
    load.samples.clear()
    load.errors.clear()


async def first_start(fake: FakeSlackProcess, bot: ServerProcess) -> None:
    """Warm a first start (the embeddings computed and cached in DATA_DIR)."""
    inbox = Inbox(free_port())
    runner = await inbox.serve()
    await warm(Load(slack_user(fake, bot.events_url), bot.events_url, inbox))
    await runner.cleanup()


async def drive(
    fake: FakeSlackProcess, bot: ServerProcess, due: dt.datetime, brief_first: bool
) -> dict:
    inbox = Inbox(free_port())
    runner = await inbox.serve()
    load = Load(slack_user(fake, bot.events_url), bot.events_url, inbox)
    await warm(load)
    if brief_first:  # a bot that has made a briefing before (matplotlib, pandas imported)
        body = load.user.command_body("/meta brief")
        headers = load.user.signed_headers(body, "application/x-www-form-urlencoded")
        async with aiohttp.ClientSession() as session:
            await session.post(load.url, data=body.encode(), headers=headers)
        await asyncio.sleep(5.0)  # its answer goes through response_url
    wait = (due - dt.datetime.now(dt.UTC)).total_seconds() - 10
    if wait < 0:
        raise RuntimeError("the bot took too long to warm up: the minute has passed")
    await asyncio.sleep(wait)  # idle until 10 s before the minute
    stop = asyncio.Event()
    stream = asyncio.create_task(load.run(stop))
    first = last = None
    cpu_before = cpu_seconds(bot.pid)
    deadline = time.perf_counter() + 180
    async with aiohttp.ClientSession() as session:
        while time.perf_counter() < deadline:
            async with session.get(fake.url + "_stats") as response:
                posts = (await response.json()).get("chat.postMessage", 0)
            now = time.perf_counter()
            if posts and first is None:
                first = now
            if posts >= SUBSCRIPTIONS:
                last = now
                break
            await asyncio.sleep(0.01)
    await asyncio.sleep(1.0)  # a little after: acks as the pass ends
    stop.set()
    await stream
    await runner.cleanup()
    # the pass starts at the minute (claims, the day's briefings), before the first post
    start = time.perf_counter() - (dt.datetime.now(dt.UTC) - due).total_seconds()
    return {
        "start": start,
        "samples": load.samples,
        "errors": load.errors,
        "first": first,
        "last": last,
        "cpu": cpu_seconds(bot.pid) - cpu_before,
    }


def main() -> None:
    with (
        tempfile.TemporaryDirectory(prefix="bench-acks-") as tmp,
        FakeSlackProcess(delay=API_DELAY) as fake,
    ):
        data = Path(tmp) / "data"
        data.mkdir()
        port = free_port()
        env = bot_env(fake, port, data, MARKET_DATA_FILE=str(META_CSV))
        with ServerProcess(bot_args(), env, port, Path(tmp) / "first.log") as bot:
            asyncio.run(first_start(fake, bot))
        due = _due_minute()  # then the subscriptions, and a restarted bot
        _import(env, Path(tmp), due)
        with ServerProcess(bot_args(), env, port, Path(tmp) / "bot.log") as bot:
            result = asyncio.run(drive(fake, bot, due, BRIEF_FIRST))
        calls = fake.stats()
    start, first, last = result["start"], result["first"], result["last"]
    if first is None or last is None:
        raise RuntimeError(f"the fan-out did not finish: {calls}")
    rows = []
    during_p99: dict[str, float] = {}
    for kind in ("help", "ask"):
        for label, inside in (("idle, before", False), ("during the fan-out", True)):
            chosen = [
                (ack, answer)
                for k, sent, ack, answer in result["samples"]
                if k == kind and (start <= sent <= last if inside else sent < start)
            ]
            acks = [ack for ack, _ in chosen]
            answers = [answer for _, answer in chosen]
            p99 = percentile(acks, 99) * 1000
            if inside:
                during_p99[kind] = p99
            rows.append(
                [
                    f"/meta {kind}",
                    label,
                    len(acks),
                    f"{median(acks) * 1000:.1f}",
                    f"{p99:.1f}",
                    f"{max(acks, default=float('nan')) * 1000:.1f}",
                    f"{median(answers) * 1000:.1f}",
                    f"{percentile(answers, 99) * 1000:.1f}",
                ]
            )
    met = all(v < 200 for v in during_p99.values())
    slowest = sorted((s for s in result["samples"] if start <= s[1] <= last), key=lambda s: -s[2])[
        :4
    ]
    slowest_text = ", ".join(
        f"{k} {ack * 1000:.0f} ms sent {sent - start:.2f} s after the minute"
        for k, sent, ack, _answer in slowest
    )
    notes = (
        f"{SUBSCRIPTIONS} Slack subscriptions due at {due:%H:%M} UTC, posted by the scheduler of "
        f"`python -m bot run --slack-mode http` (MARKET_DATA_FILE, embedded embedding model) "
        f"against a fake Slack adding {API_DELAY * 1000:.0f} ms to every call; fan-out seen by "
        f"the fake: first chat.postMessage {first - start:.2f} s after the minute, the "
        f"{SUBSCRIPTIONS}th {last - start:.2f} s after it ({calls.get('chat.postMessage', 0)} posts, "
        f"{calls.get('files.completeUploadExternal', 0)} chart uploads). {WORKERS} askers in "
        f"this process, {PAUSE * 1000:.0f} ms apart, alternate `/meta help` and `/meta ask` "
        f"with a question never asked before (no reply reused); ack = HTTP response time of "
        f"the signed request; answer = until the answer is in the ack or reaches the command's "
        f"response_url (served by the benchmark) after an empty ack; 'during' = sent from the minute (the pass begins: claims, "
        f"briefings, charts) to the last post. Bot CPU from 10 s before the minute to 1 s after the last post: "
        f"{result['cpu']:.1f} s; "
        f"{'one `/meta brief` answered before (as in a bot that has made a briefing)' if BRIEF_FIRST else 'no briefing made before (matplotlib first imported during the pass)'}; errors {len(result['errors'])} {result['errors'][:3]}. Slowest acks during: {slowest_text}. Goal: p99 ack under 200 ms during "
        f"the fan-out for both: {'met' if met else 'MISSED'}."
    )
    publish(
        table(
            "Acks while 1,000 briefings are posted (same `run` process)",
            [
                "command",
                "when",
                "requests",
                "ack p50 ms",
                "ack p99 ms",
                "ack max ms",
                "answer p50 ms",
                "answer p99 ms",
            ],
            rows,
            notes,
        )
    )


if __name__ == "__main__":
    main()
