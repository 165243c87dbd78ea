"""Slash commands while another process holds the SQLite database: a `sqlite3` process runs
`BEGIN EXCLUSIVE` on the bot's file for 30 s (and for 5 s); meanwhile one `/meta subscribe`,
then a `/meta help` every 2.5 s from other people and a `/meta insight`. How many are
acknowledged within Slack's 3 s, and what subscribe answered (in the ack or through its response_url). Loopback only."""

from __future__ import annotations

import concurrent.futures
import http.server
import json
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
import uuid
from pathlib import Path

from bench.common import (
    META_CSV,
    FakeSlackProcess,
    ServerProcess,
    bot_args,
    bot_env,
    free_port,
    response_urls,
    slack_user,
)
from bench.report import publish, table
from tests.harness.slack import visible_text

ACK_WINDOW = 3.0
LOCKER = (
    "import sqlite3, sys, time\n"
    "c = sqlite3.connect(sys.argv[1], isolation_level=None, timeout=30)\n"
    "c.execute('BEGIN EXCLUSIVE')\n"
    "print('locked', flush=True)\n"
    "time.sleep(float(sys.argv[2]))\n"
    "c.execute('COMMIT')\n"
)


class ThreadedInbox(http.server.ThreadingHTTPServer):
    """The commands' response_urls, served by this process: each answer's body by name."""

    def __init__(self) -> None:
        self.bodies: dict[str, bytes] = {}
        self.arrived: dict[str, threading.Event] = {}
        self.lock = threading.Lock()
        inbox = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                name = self.path.rsplit("/", 1)[-1]
                with inbox.lock:
                    inbox.bodies.setdefault(name, body)
                    event = inbox.arrived.setdefault(name, threading.Event())
                event.set()
                self.send_response(200)
                self.send_header("Content-Length", "2")
                self.end_headers()
                self.wfile.write(b"ok")

            def log_message(self, *_args: object) -> None:
                pass

        super().__init__(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.serve_forever, daemon=True).start()

    def url(self, name: str) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}/response/{name}"

    def wait(self, name: str, timeout: float) -> bytes | None:
        with self.lock:
            event = self.arrived.setdefault(name, threading.Event())
        return self.bodies.get(name) if event.wait(timeout) else None


def command(inbox: ThreadedInbox, url: str, user: str, line: str) -> tuple[float, float, str]:
    """POST a signed slash command; (seconds until the ack, seconds until the answer, its
    visible text). An empty ack's answer comes through the command's response_url."""
    tag = uuid.uuid4().hex  # a response_url of its own (each SlackUser numbers from 1)
    urls = response_urls(lambda name: inbox.url(f"{tag}-{name}"))
    asker = slack_user(urls, url, user=user)  # type: ignore[arg-type]
    body = asker.command_body(line)
    headers = asker.signed_headers(body, "application/x-www-form-urlencoded")
    started = time.perf_counter()
    request = urllib.request.Request(url, data=body.encode(), method="POST", headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            raw = response.read()
    except OSError as error:
        seconds = time.perf_counter() - started
        return seconds, seconds, f"error: {error}"
    acked = time.perf_counter() - started
    if not raw:
        raw = inbox.wait(f"{tag}-{asker.last_response_name}", 60) or b"(no answer)"
    answered = time.perf_counter() - started
    try:
        text = visible_text(json.loads(raw))
    except ValueError:
        text = raw.decode(errors="replace")
    return acked, answered, text


def locked_run(
    inbox: ThreadedInbox, server: ServerProcess, database: Path, hold: float, helps: int
) -> dict[str, object]:
    locker = subprocess.Popen(
        [sys.executable, "-c", LOCKER, str(database), str(hold)],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert locker.stdout is not None
    assert locker.stdout.readline().strip() == "locked"
    url = server.events_url
    with concurrent.futures.ThreadPoolExecutor(max_workers=helps + 4) as pool:
        subscribe = pool.submit(
            command, inbox, url, "U0SUB00001", "/meta subscribe 08:30 Europe/Paris"
        )
        time.sleep(0.2)
        insight = pool.submit(command, inbox, url, "U0INS00001", "/meta insight")
        help_calls = []
        for n in range(helps):
            help_calls.append(pool.submit(command, inbox, url, f"U0HLP{n:05d}", "/meta help"))
            time.sleep(min(2.5, hold / max(helps, 1)))
        sub_ack, sub_s, sub_text = subscribe.result()
        ins_ack, ins_s, ins_text = insight.result()
        help_s = [f.result()[0] for f in help_calls]
    locker.wait(hold + 30)
    return {
        "acks_s": max(sub_ack, ins_ack),
        "subscribe_s": sub_s,
        "subscribe": sub_text.splitlines()[0][:60] if sub_text else "",
        "insight_s": ins_s,
        "insight": ins_text.splitlines()[0][:40] if ins_text else "",
        "help_in_time": sum(s < ACK_WINDOW for s in help_s),
        "helps": len(help_s),
        "help_max_s": max(help_s),
    }


def main() -> None:
    rows = []
    inbox = ThreadedInbox()
    with tempfile.TemporaryDirectory() as tmp, FakeSlackProcess() as fake:
        data = Path(tmp) / "data"
        env = bot_env(fake, free_port(), data, MARKET_DATA_FILE=str(META_CSV))
        with ServerProcess(bot_args(), env, int(env["PORT"]), Path(tmp) / "bot.log") as server:
            command(inbox, server.events_url, "U0WARM0001", "/meta help")  # auth.test, imports
            command(inbox, server.events_url, "U0WARM0001", "/meta insight")
            for hold, helps in ((30.0, 11), (5.0, 2)):
                result = locked_run(inbox, server, data / "bot.db", hold, helps)
                rows.append(
                    [
                        f"{hold:g} s",
                        f"{result['acks_s']:.2f}",
                        f"{result['subscribe_s']:.2f} s: {result['subscribe']}",
                        f"{result['insight_s']:.2f} s: {result['insight']}",
                        f"{result['help_in_time']} of {result['helps']}",
                        f"{result['help_max_s']:.2f}",
                    ]
                )
                time.sleep(1)
    publish(
        table(
            "Slash commands while another process holds SQLite (BEGIN EXCLUSIVE)",
            [
                "lock held",
                "subscribe and insight acked within, s",
                "subscribe answered after",
                "insight answered after",
                "help within 3 s",
                "help max s",
            ],
            rows,
            "`python -m bot run --slack-mode http` on a SQLite file in DATA_DIR; a `sqlite3` "
            "process holds `BEGIN EXCLUSIVE` on it; one `/meta subscribe` first, an `/meta "
            "insight` 0.2 s later, then `/meta help` from other people spread over the lock. "
            "Slack shows `operation_timeout` for any ack after 3 s. An answer not ready within "
            "the bot's glance follows an empty ack through the command's response_url (served "
            "by the benchmark); 'answered after' is until the answer, in the ack or there.",
        )
    )


if __name__ == "__main__":
    main()
