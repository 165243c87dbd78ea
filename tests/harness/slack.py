"""A loopback stand-in for Slack: its Web API (`https://slack.com/api/`), file upload URLs and
`response_url`s, plus `SlackUser`, which does what Slack does when a person types `/meta ...`
or presses a button: POST a signed request to the bot's `/slack/events`.

    async with FakeSlack() as api:
        settings = load_settings(slack_api_url=api.base_url, ...)
        api.script("chat.postMessage", rate_limited(retry_after=1), default())
        ...
        assert api.calls_to("chat.postMessage")[0].params["channel"] == "C1"

Parameters are merged from the query string, a form body and a JSON body (AsyncWebClient sends
most parameters in the query string of a POST, `chat.postMessage` as JSON); values that are JSON
text (`blocks`, `metadata`, `files`) are decoded. Upload URLs take raw bytes and are never parsed
as a form. Payloads follow Slack's documented shapes.

It refuses what Slack refuses: channels are public unless added to `private_channels`, and the
bot is a member only of `members` (`conversations.join` adds a public one). `chat.postMessage`
outside membership needs `chat:write.public` and a public channel; `files.completeUploadExternal`
with a `channel_id`, and `conversations.history`, need membership (`not_in_channel`). History
answers at most 15 messages a call and one call a minute (`marketplace=False`, Slack's rule for
apps outside the Marketplace). An image block's `slack_file` must name a file the bot uploaded.
`outage(seconds, status)` answers every Web API call with a 5xx or a 429 until it ends.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import itertools
import json
import time
import urllib.parse
from collections import defaultdict, deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import aiohttp
from aiohttp import web
from slack_sdk.signature import SignatureVerifier

BOT_TOKEN = "xoxb-test-0000-not-a-real-token"
SIGNING_SECRET = "test-signing-secret-0123456789abcdef"
TEAM_ID = "T0TEAM0001"
BOT_USER_ID = "U0BOT00001"
SCOPES = frozenset(
    {
        "commands",
        "chat:write",
        "chat:write.public",
        "files:write",
        "channels:history",
        "groups:history",
        "channels:join",
    }
)
HISTORY_MAX = 15  # messages per conversations.history call, apps outside the Marketplace
HISTORY_EVERY = 60.0  # seconds between conversations.history calls, same apps


@dataclass
class Scripted:
    """One scripted answer: `body=None` means "let the fake answer as usual".

    `delay`: seconds the fake waits before answering (a slow Slack). `gate`: the fake answers
    only once the test calls `release()` (a Slack that hangs until the test has seen what it
    wanted meanwhile). `reset`: drop the connection without an HTTP answer, either "before"
    doing anything (the call is recorded with status 0 and has no effect) or "after" doing what
    was asked (a message is posted, the answer is lost on the way back)."""

    status: int = 200
    body: dict[str, Any] | str | None = None
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0
    reset: str | None = None  # None, "before" or "after"
    gate: asyncio.Event | None = None

    def release(self) -> None:
        """Let a held call be answered."""
        assert self.gate is not None, "only held() answers wait for a release"
        self.gate.set()

    async def wait(self) -> None:
        """What the fake does before answering: the delay, then the gate."""
        if self.delay:
            await asyncio.sleep(self.delay)
        if self.gate is not None:
            await self.gate.wait()


def default() -> Scripted:
    return Scripted()


def api_error(code: str) -> Scripted:
    return Scripted(200, {"ok": False, "error": code})


def rate_limited(retry_after: int = 1) -> Scripted:
    return Scripted(429, {"ok": False, "error": "ratelimited"}, {"Retry-After": str(retry_after)})


def server_error(status: int = 500) -> Scripted:
    return Scripted(status, "<html><body>Internal Server Error</body></html>")


def slow(seconds: float) -> Scripted:
    """The usual answer, `seconds` late."""
    return Scripted(delay=seconds)


def held() -> Scripted:
    """The usual answer, once the test calls `.release()` on this script (until then the call
    hangs, and is not recorded as answered)."""
    return Scripted(gate=asyncio.Event())


def connection_reset(when: str = "before") -> Scripted:
    """The connection dropped: "before" the call had any effect, or "after" it (lost answer)."""
    if when not in ("before", "after"):
        raise ValueError(when)
    return Scripted(status=0, reset=when)


def _drop(request: web.Request) -> web.Response:
    """Close the connection under the client (no HTTP answer at all)."""
    if request.transport is not None:
        request.transport.abort()
    return web.Response(status=204)  # never reaches the client


@dataclass
class Call:
    """One request that reached the fake."""

    method: str  # "chat.postMessage", "upload", "response"
    params: dict[str, Any]
    raw: bytes
    headers: dict[str, str]
    status: int = 200
    path: str = ""
    in_place_of_ack: bool = False  # a response_url answer that followed an empty ack


def _maybe_json(value: Any) -> Any:
    if isinstance(value, str) and value[:1] in ("[", "{"):
        try:
            return json.loads(value)
        except ValueError:
            return value
    return value


class FakeSlack:
    """Slack's Web API on 127.0.0.1 (port 0): records every call, answers as Slack documents,
    or with scripted answers per method (429 with Retry-After, error bodies, 500s)."""

    def __init__(self, token: str = BOT_TOKEN) -> None:
        self.token = token
        self.calls: list[Call] = []
        self.messages: dict[str, list[dict[str, Any]]] = defaultdict(
            list
        )  # channel -> newest first
        self._scripts: dict[str, deque[Scripted]] = defaultdict(deque)
        self._ts = itertools.count(1)
        self._ids = itertools.count(1)
        self._changed = asyncio.Condition()
        self._runner: web.AppRunner | None = None
        self.url = ""
        self.latency = 0.0  # seconds added to every Web API call (a slow Slack)
        self.tokens = {token}  # bot tokens the fake accepts (one per installed workspace)
        self.oauth_grants: dict[str, dict[str, Any]] = {}  # OAuth code -> oauth.v2.access body
        self._held: list[Scripted] = []
        # response_url name -> the message (ts) whose button made it; ts -> what replaced it
        self.pressed_on: dict[str, str] = {}
        self.replaced: dict[str, dict[str, Any]] = {}
        self.views: dict[str, dict[str, Any]] = {}  # user id -> published Home tab view
        self.members: set[str] = set()  # channels the bot is a member of
        self.private_channels: set[str] = set()  # every other channel is public
        self.scopes: set[str] = set(SCOPES)
        self.marketplace = False  # outside the Marketplace: history is capped and rate-limited
        self.clock: Callable[[], float] = time.monotonic  # seconds, for the rate limit and outages
        self.wall: Callable[[], float] = time.time  # seconds since the epoch, for message ts
        self.files: dict[str, dict[str, Any]] = {}  # file id -> {"uploaded", "completed", ...}
        # Slack finishes a completed upload asynchronously: an image block naming the file is
        # refused ("invalid slack file") for this many seconds after files.completeUploadExternal.
        self.file_processing = 0.0
        self._history_at: float | None = None
        self._outage: tuple[float, int] | None = None  # (until, status)

    # ---- lifecycle ------------------------------------------------------------------------

    async def start(self) -> FakeSlack:
        app = web.Application(client_max_size=20 * 1024 * 1024)
        app.router.add_post("/api/{method}", self._api)
        app.router.add_get("/api/{method}", self._api)
        app.router.add_post("/upload/{file_id}", self._upload)
        app.router.add_post("/response/{id}", self._response)
        self._runner, url = await serve(app)
        self.url = url + "/"
        return self

    async def close(self) -> None:
        for scripted in self._held:  # never leave a call hanging behind the test
            scripted.release()
        if self._runner is not None:
            await self._runner.cleanup()

    async def __aenter__(self) -> FakeSlack:
        return await self.start()

    async def __aexit__(self, *_exc: object) -> None:
        await self.close()

    @property
    def base_url(self) -> str:
        """What `AsyncWebClient(base_url=...)` wants: ends with `/`."""
        return self.url + "api/"

    def next_id(self) -> int:
        """A number no other id of this fake has had (files, views, response_urls)."""
        return next(self._ids)

    def response_url(self, name: str) -> str:
        return f"{self.url}response/{name}"

    # ---- scripting and assertions ---------------------------------------------------------

    def script(self, method: str, *answers: Scripted) -> None:
        """The next calls to `method` get these answers, in order; then the usual ones."""
        self._scripts[method].extend(answers)
        self._held += [a for a in answers if a.gate is not None]

    def outage(self, seconds: float = 3600.0, status: int = 503) -> None:
        """Every Web API call answers `status` (a 5xx, or 429 with Retry-After) for `seconds`
        on the fake's clock, or until `restore()`."""
        self._outage = (self.clock() + seconds, status)

    def restore(self) -> None:
        """End an outage."""
        self._outage = None

    def _outage_answer(self) -> Scripted | None:
        if self._outage is None:
            return None
        until, status = self._outage
        left = until - self.clock()
        if left <= 0:
            self._outage = None
            return None
        if status == 429:
            return rate_limited(max(1, int(left + 0.999)))
        return server_error(status)

    def follow(self, clock: Callable[[], dt.datetime]) -> None:
        """Read time from the bot's clock (a FakeClock): rate limits, outages, message ts."""
        self.clock = self.wall = lambda: clock().timestamp()

    def join(self, *channels: str) -> None:
        """Make the bot a member of `channels` (an invitation)."""
        self.members.update(channels)

    def uploaded_file_ids(self) -> set[str]:
        """Ids of the files the bot uploaded and completed."""
        return {fid for fid, f in self.files.items() if f["completed"]}

    def posted(self, channel: str) -> list[dict[str, Any]]:
        """Top-level messages in `channel`, oldest first."""
        return [m for m in reversed(self.messages[channel]) if not m.get("thread_ts")]

    def calls_to(self, method: str) -> list[Call]:
        return [c for c in self.calls if c.method == method]

    def succeeded(self, method: str) -> list[Call]:
        return [c for c in self.calls_to(method) if c.status == 200]

    def responses(self, name: str | None = None, *, all_: bool = False) -> list[dict[str, Any]]:
        """Bodies POSTed to response_urls (to `response/<name>` only, if given), besides the
        answers that stood in for an empty ack (`SlackUser.command` returns those) unless
        `all_`."""
        return [
            c.params
            for c in self.calls_to("response")
            if (name is None or c.path.endswith("/" + name)) and (all_ or not c.in_place_of_ack)
        ]

    def sent_text(self) -> str:
        """Everything the bot sent to Slack, as one string (for "never sends X" assertions)."""
        return "\n".join(
            json.dumps(c.params, ensure_ascii=False) for c in self.calls if c.method != "upload"
        )

    async def wait_for(self, method: str, count: int = 1, timeout: float = 60.0) -> list[Call]:
        """Wait until `method` was called `count` times (successfully, for API methods).

        The wait ends as soon as the calls arrive; `timeout` only bounds a bot that never
        makes them, generously, as a busy machine can take seconds to render a chart."""
        await self.wait_until(
            lambda: len(self.succeeded(method)) >= count,
            lambda: f"{count} successful {method} (only {len(self.succeeded(method))})",
            timeout,
        )
        return self.succeeded(method)

    async def wait_until(
        self, condition: Callable[[], bool], what: str | Callable[[], str], timeout: float = 60.0
    ) -> None:
        """Wait until `condition()` holds, checked after each call; `what` (or what it returns
        then) names it if the bot never gets there within `timeout`."""
        async with self._changed:
            try:
                await asyncio.wait_for(self._changed.wait_for(condition), timeout)
            except TimeoutError:
                named = what() if callable(what) else what
                raise AssertionError(
                    f"never {named}; calls so far: {[c.method for c in self.calls]}"
                ) from None

    async def first_answer(
        self, name: str, calls_before: int, timeout: float = 60.0
    ) -> dict[str, Any] | None:
        """After an empty ack: the first message POSTed to `response/<name>`, or None once the
        bot posts in a channel instead (a public reply)."""

        def answered() -> list[Call]:
            return [c for c in self.calls_to("response") if c.path.endswith("/" + name)]

        def arrived() -> bool:
            later = self.calls[calls_before:]
            return bool(answered()) or any(c.method == "chat.postMessage" for c in later)

        async with self._changed:
            try:
                await asyncio.wait_for(self._changed.wait_for(arrived), timeout)
            except TimeoutError:
                raise AssertionError(f"no answer to {name} after an empty ack") from None
        if not (answers := answered()):
            return None
        answers[0].in_place_of_ack = True
        return answers[0].params

    # ---- handlers -------------------------------------------------------------------------

    async def _record(self, call: Call) -> None:
        self.calls.append(call)
        async with self._changed:
            self._changed.notify_all()

    async def _params(self, request: web.Request, raw: bytes) -> dict[str, Any]:
        params: dict[str, Any] = dict(request.query)
        ctype = request.content_type
        if ctype == "application/x-www-form-urlencoded":
            params.update(urllib.parse.parse_qsl(raw.decode(), keep_blank_values=True))
        elif ctype == "application/json" and raw:
            params.update(json.loads(raw))
        elif ctype.startswith("multipart/"):
            form = await request.post()
            params.update({k: v for k, v in form.items() if isinstance(v, str)})
        return {k: _maybe_json(v) for k, v in params.items()}

    def _answer(self, method: str) -> Scripted:
        queue = self._scripts.get(method)
        return queue.popleft() if queue else Scripted()

    async def _api(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        raw = await request.read()
        params = await self._params(request, raw)
        headers = dict(request.headers)
        scripted = self._outage_answer() or self._answer(method)
        if method == "conversations.history" and scripted.body is None and scripted.reset is None:
            scripted = self._history_rate_limited() or scripted
        if self.latency:
            await asyncio.sleep(self.latency)
        await scripted.wait()
        if scripted.reset == "before":
            await self._record(Call(method, params, raw, headers, 0, request.path))
            return _drop(request)
        if scripted.body is None:
            auth = request.headers.get("Authorization", "")
            token = params.get("token") or auth.removeprefix("Bearer ").strip()
            if method == "oauth.v2.access":  # authenticated by client id and secret
                body: dict[str, Any] | str = self._oauth_access(params)
            elif not token:
                body = {"ok": False, "error": "not_authed"}
            elif token not in self.tokens:
                body = {"ok": False, "error": "invalid_auth"}
            else:
                body = self._default(method, params)
        else:
            body = scripted.body
        if scripted.reset == "after":
            await self._record(Call(method, params, raw, headers, 0, request.path))
            return _drop(request)
        await self._record(Call(method, params, raw, headers, scripted.status, request.path))
        if isinstance(body, str):
            return web.Response(
                status=scripted.status,
                text=body,
                headers=scripted.headers,
                content_type="text/html",
            )
        return web.json_response(body, status=scripted.status, headers=scripted.headers)

    def grant(self, code: str, team_id: str, bot_token: str) -> None:
        """Make `code` an OAuth code that installs the app in `team_id` with `bot_token`."""
        self.oauth_grants[code] = {
            "ok": True,
            "access_token": bot_token,
            "token_type": "bot",
            "scope": ",".join(sorted(SCOPES)),
            "bot_user_id": "U0BOT0TWO1",
            "app_id": "A0METABOT1",
            "team": {"id": team_id, "name": f"Team {team_id}"},
            "enterprise": None,
            "authed_user": {"id": "U0INSTALL1"},
            "is_enterprise_install": False,
        }

    def _oauth_access(self, params: dict[str, Any]) -> dict[str, Any]:
        grant = self.oauth_grants.get(str(params.get("code", "")))
        if grant is None:
            return {"ok": False, "error": "invalid_code"}
        self.tokens.add(grant["access_token"])
        return grant

    def _default(self, method: str, params: dict[str, Any]) -> dict[str, Any]:
        ok: dict[str, Any] = {"ok": True}
        if method == "auth.test":
            return ok | {
                "url": "https://example.slack.com/",
                "team": "Example",
                "user": "meta-bot",
                "team_id": TEAM_ID,
                "user_id": BOT_USER_ID,
                "bot_id": "B0BOT00001",
                "is_enterprise_install": False,
            }
        if method == "chat.postMessage" and block_errors(params.get("blocks") or []):
            return {
                "ok": False,
                "error": "invalid_blocks",
                "errors": block_errors(params["blocks"]),
            }
        if method == "chat.postMessage":
            channel = str(params.get("channel", ""))
            if refused := self._cannot_post(channel):
                return {"ok": False, "error": refused}
            if bad := self._bad_blocks(params.get("blocks")):
                return {"ok": False, "error": "invalid_blocks", "errors": [bad]}
            ts = f"{int(self.wall())}.{next(self._ts):06d}"
            message = {
                "type": "message",
                "user": BOT_USER_ID,
                "bot_id": "B0BOT00001",
                "ts": ts,
                "text": params.get("text", ""),
                "blocks": params.get("blocks", []),
            }
            if params.get("metadata"):
                message["metadata"] = params["metadata"]
            if params.get("thread_ts"):
                message["thread_ts"] = params["thread_ts"]
            self.messages[channel].insert(0, message)
            return ok | {"channel": channel, "ts": ts, "message": message}
        if method == "chat.update":
            return self._update(params)
        if method == "conversations.replies":
            return self._replies(params)
        if method == "views.publish":
            return self._publish(params)
        if method == "files.getUploadURLExternal":
            if "files:write" not in self.scopes:
                return {"ok": False, "error": "missing_scope", "needed": "files:write"}
            file_id = f"F{next(self._ids):09d}"
            self.files[file_id] = {
                "uploaded": False,
                "completed": False,
                "filename": params.get("filename"),
                "channels": [],
            }
            return ok | {"upload_url": f"{self.url}upload/{file_id}", "file_id": file_id}
        if method == "files.completeUploadExternal":
            files = params.get("files") or []
            known = [self.files.get(str(f.get("id"))) for f in files]
            if not files or any(f is None or not f["uploaded"] for f in known):
                return {"ok": False, "error": "file_not_found"}
            channel = params.get("channel_id")
            if channel and channel not in self.members:
                return {"ok": False, "error": "not_in_channel"}
            for entry in known:
                assert entry is not None
                entry["completed"] = True
                entry["ready_at"] = self.clock() + self.file_processing
                if channel:
                    entry["channels"].append(channel)
            return ok | {"files": [{"id": f.get("id"), "title": f.get("title")} for f in files]}
        if method == "conversations.join":
            channel = str(params.get("channel", ""))
            if "channels:join" not in self.scopes:
                return {"ok": False, "error": "missing_scope", "needed": "channels:join"}
            if channel in self.private_channels:
                return {"ok": False, "error": "method_not_supported_for_channel_type"}
            already = channel in self.members
            self.members.add(channel)
            answer = ok | {"channel": {"id": channel, "is_channel": True, "is_member": True}}
            if already:
                answer["warning"] = "already_in_channel"
            return answer
        if method == "conversations.history":
            return self._history(params)
        if method == "users.info":
            user = str(params.get("user", ""))
            return ok | {
                "user": {
                    "id": user,
                    "team_id": TEAM_ID,
                    "name": user.lower(),
                    "real_name": f"Person {user}",
                    "tz": "Europe/Paris",
                }
            }
        return {"ok": False, "error": "unknown_method"}

    def add_message(
        self, channel: str, user: str, text: str, thread_ts: str | None = None
    ) -> dict[str, Any]:
        """A message a person wrote (Slack keeps it: `conversations.replies` returns it)."""
        ts = f"{int(self.wall())}.{next(self._ts):06d}"
        message = {"type": "message", "user": user, "ts": ts, "text": text}
        if thread_ts:
            message["thread_ts"] = thread_ts
        self.messages[channel].insert(0, message)
        return message

    def message(self, channel: str, ts: str) -> dict[str, Any] | None:
        return next((m for m in self.messages.get(channel, []) if m["ts"] == ts), None)

    def _update(self, params: dict[str, Any]) -> dict[str, Any]:
        """`chat.update`: only a message the bot posted, found by channel and ts."""
        channel, ts = str(params.get("channel", "")), str(params.get("ts", ""))
        message = self.message(channel, ts)
        if message is None:
            return {"ok": False, "error": "message_not_found"}
        if message.get("user") != BOT_USER_ID:
            return {"ok": False, "error": "cant_update_message"}
        if not params.get("text") and not params.get("blocks"):
            return {"ok": False, "error": "no_text"}
        blocks = params.get("blocks") or []
        if errors := block_errors(blocks) or [e for e in [self._bad_blocks(blocks)] if e]:
            return {"ok": False, "error": "invalid_blocks", "errors": errors}
        message.update(text=params.get("text", ""), blocks=params.get("blocks", []))
        message["edited"] = {"user": BOT_USER_ID, "ts": f"{self.wall():.6f}"}
        return {"ok": True, "channel": channel, "ts": ts, "text": message["text"]}

    def _replies(self, params: dict[str, Any]) -> dict[str, Any]:
        """`conversations.replies`: a thread's parent then its replies, oldest first (members
        only, as for history)."""
        channel, ts = str(params.get("channel", "")), str(params.get("ts", ""))
        if channel not in self.members and not channel.startswith("D"):  # its own DMs: always
            return {"ok": False, "error": "not_in_channel"}
        thread = [
            m for m in self.messages.get(channel, []) if m["ts"] == ts or m.get("thread_ts") == ts
        ]
        if not thread:
            return {"ok": False, "error": "thread_not_found"}
        return {"ok": True, "messages": sorted(thread, key=lambda m: float(m["ts"]))}

    def _publish(self, params: dict[str, Any]) -> dict[str, Any]:
        """`views.publish`: a Home tab view for one user, within Slack's 100 blocks."""
        view = params.get("view")
        user = str(params.get("user_id", ""))
        if not user or not isinstance(view, dict) or view.get("type") != "home":
            return {"ok": False, "error": "invalid_arguments"}
        if len(view.get("blocks") or []) > 100:
            return {"ok": False, "error": "invalid_blocks"}
        self.views[user] = view
        return {"ok": True, "view": {"id": f"V{next(self._ids):09d}", **view}}

    def _cannot_post(self, channel: str) -> str | None:
        """Slack's refusal of a post in `channel`, if any: outside membership, only public
        channels, and only with `chat:write.public`."""
        if channel in self.members:
            return None
        if channel in self.private_channels:
            return "channel_not_found"  # a private channel the bot is not in does not exist to it
        return None if "chat:write.public" in self.scopes else "not_in_channel"

    def _bad_blocks(self, blocks: Any) -> str | None:
        """Why Slack would refuse these blocks (its own words): an image block must have alt
        text and either an image_url or a `slack_file` naming a file the bot uploaded, once
        Slack has finished processing it."""
        for n, block in enumerate(blocks if isinstance(blocks, list) else []):
            if not isinstance(block, dict) or block.get("type") != "image":
                continue
            if not block.get("alt_text"):
                return f"must provide alt_text [json-pointer:/blocks/{n}/alt_text]"
            slack_file = block.get("slack_file")
            if isinstance(slack_file, dict):
                file = self.files.get(str(slack_file.get("id")))
                if file is None or not file["completed"] or self.clock() < file["ready_at"]:
                    return f"invalid slack file [json-pointer:/blocks/{n}/slack_file]"
            elif not block.get("image_url"):
                return f"must provide image_url or slack_file [json-pointer:/blocks/{n}]"
        return None

    def _history(self, params: dict[str, Any]) -> dict[str, Any]:
        """conversations.history as a bot token sees it: members only, newest first, within
        `oldest`/`latest`, 15 messages a call and a call a minute outside the Marketplace."""
        channel = str(params.get("channel", ""))
        if channel not in self.members:
            return {"ok": False, "error": "not_in_channel"}
        limit = int(params.get("limit") or 100)
        if not self.marketplace:
            limit = min(limit, HISTORY_MAX)
        oldest = float(params.get("oldest") or 0)
        latest = float(params.get("latest") or 0) or float("inf")
        messages = [
            m
            for m in self.messages.get(channel, [])
            if not m.get("thread_ts") and oldest < float(m["ts"]) < latest
        ]
        start = int(params.get("cursor") or 0)
        page = messages[start : start + limit]
        with_metadata = str(params.get("include_all_metadata")).lower() in ("1", "true")
        shown = [
            m if with_metadata else {k: v for k, v in m.items() if k != "metadata"} for m in page
        ]
        more = len(messages) > start + limit
        answer: dict[str, Any] = {"ok": True, "messages": shown, "has_more": more}
        if more:
            answer["response_metadata"] = {"next_cursor": str(start + limit)}
        return answer

    def _history_rate_limited(self) -> Scripted | None:
        """A 429 when conversations.history is called again within the minute."""
        if self.marketplace:
            return None
        now = self.clock()
        if self._history_at is not None and now - self._history_at < HISTORY_EVERY:
            return rate_limited(max(1, int(HISTORY_EVERY - (now - self._history_at) + 0.999)))
        self._history_at = now
        return None

    async def _upload(self, request: web.Request) -> web.Response:
        raw = await request.read()  # raw bytes, whatever the Content-Type says
        scripted = self._outage_answer() or self._answer("upload")
        await scripted.wait()
        params = {"file_id": request.match_info["file_id"], "length": len(raw)}
        if scripted.status == 200 and params["file_id"] in self.files:
            self.files[params["file_id"]]["uploaded"] = True
        await self._record(
            Call("upload", params, raw, dict(request.headers), scripted.status, request.path)
        )
        return web.Response(status=scripted.status, text=f"OK - {len(raw)}")

    async def _response(self, request: web.Request) -> web.Response:
        raw = await request.read()
        scripted = self._outage_answer() or self._answer("response")
        await scripted.wait()
        params = json.loads(raw) if raw else {}
        status = scripted.status
        blocks = params.get("blocks") or []
        if status == 200 and (block_errors(blocks) or self._bad_blocks(blocks)):
            status = 400  # what Slack answers a response_url post with blocks it refuses
        name = request.match_info["id"]
        if status == 200 and params.get("replace_original") and name in self.pressed_on:
            self.replaced[self.pressed_on[name]] = params  # the pressed message, changed
        await self._record(
            Call("response", params, raw, dict(request.headers), status, request.path)
        )
        text = "ok" if status == 200 else "invalid_blocks" if status == 400 else "error"
        return web.Response(status=status, text=text)


# ---- what Slack refuses in Block Kit ---------------------------------------------------------

SECTION_TEXT_MAX = 3000
FIELD_TEXT_MAX = 2000
HEADER_TEXT_MAX = 150
BLOCKS_MAX = 50


def block_errors(blocks: Any) -> list[str]:
    """Why Slack would answer `invalid_blocks` (empty list: it would accept them), for the rules
    the bot meets: at most 50 blocks; no empty text object anywhere; a section's text at most
    3,000 characters, each of at most 10 fields 2,000, a section with text or fields; a header's
    plain text at most 150. Block types this does not know are not judged."""
    if not isinstance(blocks, list):
        return ["blocks must be a list"]
    errors: list[str] = []
    if len(blocks) > BLOCKS_MAX:
        errors.append(f"more than {BLOCKS_MAX} blocks")

    def texts(value: Any, where: str) -> None:  # every text object, however deep
        if isinstance(value, dict):
            is_text = value.get("type") in ("mrkdwn", "plain_text") and "text" in value
            if is_text and (not isinstance(value["text"], str) or not value["text"]):
                errors.append(f"{where}: must be more than 0 characters")
            for key, inner in value.items():
                texts(inner, f"{where}/{key}")
        elif isinstance(value, list):
            for n, inner in enumerate(value):
                texts(inner, f"{where}/{n}")

    for n, block in enumerate(blocks):
        where = f"[json-pointer:/blocks/{n}]"
        texts(block, where)
        kind = block.get("type") if isinstance(block, dict) else None
        if kind == "section":
            text, fields = block.get("text"), block.get("fields")
            if not text and not fields:
                errors.append(f"{where}: a section needs text or fields")
            if isinstance(text, dict) and len(str(text.get("text", ""))) > SECTION_TEXT_MAX:
                errors.append(f"{where}/text: must be less than {SECTION_TEXT_MAX + 1} characters")
            if isinstance(fields, list):
                if len(fields) > 10:
                    errors.append(f"{where}/fields: must have at most 10 items")
                for m, item in enumerate(fields):
                    if len(str(item.get("text", ""))) > FIELD_TEXT_MAX:
                        errors.append(f"{where}/fields/{m}: too long")
        elif (
            kind == "header"
            and len(str((block.get("text") or {}).get("text", ""))) > HEADER_TEXT_MAX
        ):
            errors.append(f"{where}/text: must be less than {HEADER_TEXT_MAX + 1} characters")
    return errors


# ---- Slack's side of a person's actions -----------------------------------------------------


@dataclass
class Ack:
    """What the bot answered Slack's POST within 3 seconds."""

    status: int
    body: str
    json: dict[str, Any] | None
    late: bool = False  # the ack was empty; this is the first message through response_url

    @property
    def text(self) -> str:
        """Every text a person would read in the acknowledgement (Slack-escaped)."""
        return visible_text(self.json) if self.json is not None else self.body

    @property
    def ephemeral(self) -> bool:
        return self.json is not None and self.json.get("response_type", "ephemeral") == "ephemeral"


def visible_text(message: dict[str, Any]) -> str:
    """The text of a message's blocks (or its `text` when it has none)."""
    blocks = message.get("blocks") or []
    if not blocks:
        return str(message.get("text", ""))
    parts: list[str] = []
    for block in blocks:
        if isinstance(block.get("text"), dict):
            parts.append(block["text"]["text"])
        parts += [f["text"] for f in block.get("fields", [])]
        parts += [e["text"] for e in block.get("elements", []) if isinstance(e.get("text"), str)]
        parts += [
            e["text"]["text"] for e in block.get("elements", []) if isinstance(e.get("text"), dict)
        ]
    return "\n".join(parts)


def buttons(message: dict[str, Any]) -> list[dict[str, Any]]:
    return [
        element
        for block in message.get("blocks") or []
        if block.get("type") == "actions"
        for element in block.get("elements", [])
        if element.get("type") == "button"
    ]


class SlackUser:
    """A person in a channel, as the bot sees them through Slack's signed requests."""

    def __init__(
        self,
        events_url: str,
        api: FakeSlack,
        *,
        secret: str = SIGNING_SECRET,
        user_id: str = "U0ALICE001",
        channel_id: str = "C0GENERAL1",
        team_id: str = TEAM_ID,
    ) -> None:
        self.events_url = events_url
        self.api = api
        self.secret = secret
        self.user_id = user_id
        self.channel_id = channel_id
        self.team_id = team_id
        self.last_response_name = ""

    def signed_headers(
        self, body: str, content_type: str, timestamp: int | None = None, secret: str | None = None
    ) -> dict[str, str]:
        ts = str(int(time.time()) if timestamp is None else timestamp)
        signature = SignatureVerifier(secret or self.secret).generate_signature(
            timestamp=ts, body=body
        )
        return {
            "Content-Type": content_type,
            "X-Slack-Request-Timestamp": ts,
            "X-Slack-Signature": signature,
        }

    async def post(
        self, body: str, content_type: str = "application/x-www-form-urlencoded", **signing: Any
    ) -> Ack:
        headers = self.signed_headers(body, content_type, **signing)
        async with (
            aiohttp.ClientSession() as session,
            session.post(self.events_url, data=body.encode(), headers=headers) as response,
        ):
            text = await response.text()
            data = None
            if response.content_type == "application/json" and text:
                data = json.loads(text)
            return Ack(response.status, text, data)

    def command_body(self, line: str) -> str:
        """`/meta ask ...` as Slack sends it (application/x-www-form-urlencoded)."""
        command, _, text = line.strip().partition(" ")
        n = self.api.next_id()  # unique across users, as Slack's response_urls are
        self.last_response_name = f"cmd{n}"
        return urllib.parse.urlencode(
            {
                "token": "deprecated-verification-token",
                "team_id": self.team_id,
                "team_domain": "example",
                "channel_id": self.channel_id,
                "channel_name": "general",
                "user_id": self.user_id,
                "user_name": "alice",
                "command": command,
                "text": text,
                "api_app_id": "A0METABOT1",
                "is_enterprise_install": "false",
                "response_url": self.api.response_url(self.last_response_name),
                "trigger_id": f"{n}.{n}.abcdef",
            }
        )

    async def command(self, line: str, **signing: Any) -> Ack:
        """Type `line` (e.g. `/meta ask Who?`) in the channel; return what the asker sees
        first: the bot's acknowledgement or, when that is empty (a command still running
        after the bot's glance), the first message through the command's response_url."""
        calls_before = len(self.api.calls)
        ack = await self.post(self.command_body(line), **signing)
        if ack.status != 200 or ack.body:
            return ack
        message = await self.api.first_answer(self.last_response_name, calls_before)
        if message is None:  # a public reply: posted in the channel
            return ack
        return Ack(ack.status, json.dumps(message), message, late=True)

    async def press(
        self,
        button: dict[str, Any],
        message_ts: str = "1700000000.000100",
        *,
        message: dict[str, Any] | None = None,
        ephemeral: bool = True,
    ) -> Ack:
        """Press a button of an (ephemeral) message: a signed `block_actions` payload. With
        `message` (the one the button is on), its actions block's block_id is sent, as Slack
        does; `ephemeral=False` is a press on a channel message (`message_ts` its ts)."""
        n = self.api.next_id()
        self.last_response_name = f"action{n}"
        self.api.pressed_on[self.last_response_name] = message_ts
        block_id = next(
            (
                b.get("block_id", "b1")
                for b in (message or {}).get("blocks") or []
                if b.get("type") == "actions" and button in b.get("elements", [])
            ),
            "b1",
        )
        payload = {
            "type": "block_actions",
            "user": {
                "id": self.user_id,
                "username": "alice",
                "name": "alice",
                "team_id": self.team_id,
            },
            "api_app_id": "A0METABOT1",
            "token": "deprecated-verification-token",
            "container": {
                "type": "message",
                "message_ts": message_ts,
                "channel_id": self.channel_id,
                "is_ephemeral": ephemeral,
            },
            "trigger_id": f"{n}.{n}.abcdef",
            "team": {"id": self.team_id, "domain": "example"},
            "enterprise": None,
            "is_enterprise_install": False,
            "channel": {"id": self.channel_id, "name": "general"},
            "state": {"values": {}},
            "response_url": self.api.response_url(self.last_response_name),
            "actions": [
                {
                    "action_id": button["action_id"],
                    "block_id": block_id,
                    "text": button["text"],
                    "value": button.get("value", ""),
                    "type": "button",
                    "action_ts": f"{time.time():.6f}",
                }
            ],
        }
        if message is not None and not ephemeral:
            payload["message"] = message
        return await self.post(urllib.parse.urlencode({"payload": json.dumps(payload)}))


async def shortcut(user: SlackUser, callback_id: str, text: str) -> Ack:
    """A message shortcut (`message_action`) used on a message saying `text`, signed."""
    n = user.api.next_id()
    user.last_response_name = f"shortcut{n}"
    payload = {
        "type": "message_action",
        "callback_id": callback_id,
        "trigger_id": f"{n}.{n}.abcdef",
        "action_ts": f"{time.time():.6f}",
        "message_ts": "1700000000.000900",
        "team": {"id": user.team_id, "domain": "example"},
        "user": {"id": user.user_id, "name": "alice", "team_id": user.team_id},
        "channel": {"id": user.channel_id, "name": "general"},
        "message": {
            "type": "message",
            "user": "U0BOB00001",
            "ts": "1700000000.000900",
            "text": text,
        },
        "response_url": user.api.response_url(user.last_response_name),
        "token": "deprecated-verification-token",
        "is_enterprise_install": False,
        "enterprise": None,
    }
    return await user.post(urllib.parse.urlencode({"payload": json.dumps(payload)}))


async def send_event(user: SlackUser, event: dict[str, Any]) -> Ack:
    """An Events API `event_callback` carrying `event`, signed, as Slack POSTs it (JSON)."""
    body = {
        "token": "deprecated-verification-token",
        "team_id": user.team_id,
        "api_app_id": "A0METABOT1",
        "event": event,
        "type": "event_callback",
        "event_id": f"Ev{user.api.next_id():08d}",
        "event_time": int(time.time()),
        "authorizations": [{"team_id": user.team_id, "user_id": BOT_USER_ID, "is_bot": True}],
    }
    return await user.post(json.dumps(body), content_type="application/json")


async def mention(user: SlackUser, text: str, thread_ts: str | None = None) -> dict[str, Any]:
    """`@meta-briefings <text>` in the user's channel (a thread reply with `thread_ts`): the
    message is kept by the fake, and the `app_mention` event sent; returns the message. Slack
    sends `app_mention` only from a channel the app is a member of: the bot is made one."""
    user.api.members.add(user.channel_id)
    message = user.api.add_message(user.channel_id, user.user_id, text, thread_ts)
    event = {
        "type": "app_mention",
        "user": user.user_id,
        "text": text,
        "ts": message["ts"],
        "channel": user.channel_id,
        "event_ts": message["ts"],
        **({"thread_ts": thread_ts} if thread_ts else {}),
    }
    await send_event(user, event)
    return message


async def direct_message(user: SlackUser, text: str, dm: str = "D0ALICEDM1") -> dict[str, Any]:
    """A direct message to the bot (a `message` event with `channel_type: im`)."""
    message = user.api.add_message(dm, user.user_id, text)
    event = {
        "type": "message",
        "channel_type": "im",
        "user": user.user_id,
        "text": text,
        "ts": message["ts"],
        "channel": dm,
        "event_ts": message["ts"],
    }
    await send_event(user, event)
    return message


async def serve(app: web.Application) -> tuple[web.AppRunner, str]:
    """Serve an aiohttp app on 127.0.0.1 (a free port); return its runner and base URL."""
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    return runner, f"http://127.0.0.1:{port}"
