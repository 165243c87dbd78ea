"""Run every benchmark: `python -m bench` (or `make bench`). Each prints its table and appends
it to bench/RESULTS.md. Everything runs on 127.0.0.1, bounded in count and time. A benchmark
that fails is reported and the others still run; the exit code is then 1."""

import sys
import time
import traceback

from bench import (
    ask_slack,
    db_lock,
    fanout,
    fanout_acks,
    memory,
    quotes,
    retrieval,
    serve,
    slash,
    startup,
)

BENCHMARKS = (
    ("start-up of `python -m bot ask`", startup.main),
    ("slash-command ack path vs bare Bolt", slash.main),
    ("quote coalescing", quotes.main),
    ("fan-out of 1,000 subscriptions", fanout.main),
    ("acks during the fan-out", fanout_acks.main),
    ("start-up and memory of `python -m bot run`", serve.main),
    ("`ask` retrieval", retrieval.main),
    ("slash commands while SQLite is locked", db_lock.main),
    ("memory of `python -m bot run`", memory.main),
    ("`/meta ask` over Slack HTTP mode, distinct questions", ask_slack.main),
)

if __name__ == "__main__":
    failed = []
    for name, run in BENCHMARKS:
        started = time.perf_counter()
        try:
            run()
        except Exception:
            traceback.print_exc()
            failed.append(name)
        print(f"({name}: {time.perf_counter() - started:.0f} s)\n", flush=True)
    if failed:
        print("failed: " + "; ".join(failed), file=sys.stderr)
        sys.exit(1)
