"""A loopback fake Slack for benchmarks, run as its own process so it takes no CPU or memory
from the process being measured: `python -m bench.fake_slack [--delay SECONDS]`.

It is tests/harness/slack.py's FakeSlack (auth.test, chat.postMessage, file uploads,
response_urls), plus:

- `--delay`: every Web API call, upload and response_url call waits that long first;
- `GET /_stats`: how many calls reached it, per method (`{"chat.postMessage": 1000, ...}`);
- bodies are not kept (only counted), so a long run does not grow the fake.

It prints its base URL (`http://127.0.0.1:PORT/`) on the first line of stdout, then serves
until stdin closes or it is terminated.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from collections import Counter

from aiohttp import web

from tests.harness.slack import Call, FakeSlack, serve


class BenchSlack(FakeSlack):
    def __init__(self, delay: float = 0.0) -> None:
        super().__init__()
        self.delay = delay
        self.counts: Counter[str] = Counter()

    async def start(self) -> BenchSlack:
        app = web.Application(client_max_size=20 * 1024 * 1024)
        app.router.add_post("/api/{method}", self._delayed(self._api))
        app.router.add_get("/api/{method}", self._delayed(self._api))
        app.router.add_post("/upload/{file_id}", self._delayed(self._upload))
        app.router.add_post("/response/{id}", self._delayed(self._response))
        app.router.add_get("/_stats", self._stats)
        self._runner, url = await serve(app)
        self.url = url + "/"
        return self

    def _delayed(self, handler):  # type: ignore[no-untyped-def]
        async def wrapped(request: web.Request) -> web.Response:
            if self.delay:
                await asyncio.sleep(self.delay)
            return await handler(request)

        return wrapped

    async def _record(self, call: Call) -> None:
        key = call.method if call.status == 200 else f"{call.method}:{call.status}"
        self.counts[key] += 1
        # Keep nothing else: no bodies, no message history (conversations.history is unused).
        self.messages.clear()

    async def _stats(self, _request: web.Request) -> web.Response:
        return web.json_response(dict(self.counts))


async def main(delay: float) -> None:
    fake = await BenchSlack(delay).start()
    print(fake.url, flush=True)
    loop = asyncio.get_running_loop()
    # Serve until the parent closes our stdin (or kills us).
    await loop.run_in_executor(None, sys.stdin.read)
    await fake.close()


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--delay", type=float, default=0.0)
    asyncio.run(main(parser.parse_args().delay))
