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
"""

from __future__ import annotations

import asyncio
import itertools
import json
import time
import urllib.parse
from collections import defaultdict, deque
from dataclasses import dataclass, field
from typing import Any

import aiohttp
from aiohttp import web
from slack_sdk.signature import SignatureVerifier

BOT_TOKEN = "xoxb-test-0000-not-a-real-token"
SIGNING_SECRET = "test-signing-secret-0123456789abcdef"
TEAM_ID = "T0TEAM0001"
BOT_USER_ID = "U0BOT00001"


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

    def response_url(self, name: str) -> str:
        return f"{self.url}response/{name}"

    # ---- scripting and assertions ---------------------------------------------------------

    def script(self, method: str, *answers: Scripted) -> None:
        """The next calls to `method` get these answers, in order; then the usual ones."""
        self._scripts[method].extend(answers)
        self._held += [a for a in answers if a.gate is not None]

    def calls_to(self, method: str) -> list[Call]:
        return [c for c in self.calls if c.method == method]

    def succeeded(self, method: str) -> list[Call]:
        return [c for c in self.calls_to(method) if c.status == 200]

    def responses(self, name: str | None = None) -> list[dict[str, Any]]:
        """Bodies POSTed to response_urls (to `response/<name>` only, if given)."""
        return [
            c.params
            for c in self.calls_to("response")
            if name is None or c.path.endswith("/" + name)
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

        def enough() -> bool:
            return len(self.succeeded(method)) >= count

        async with self._changed:
            try:
                await asyncio.wait_for(self._changed.wait_for(enough), timeout)
            except TimeoutError:
                raise AssertionError(
                    f"{method} called {len(self.succeeded(method))} time(s), expected {count}; "
                    f"calls so far: {[c.method for c in self.calls]}"
                ) from None
        return self.succeeded(method)

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
        scripted = self._answer(method)
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
            "scope": "commands,chat:write,chat:write.public,files:write",
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
        if method == "chat.postMessage":
            channel = str(params.get("channel", ""))
            ts = f"{int(time.time())}.{next(self._ts):06d}"
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
            file_id = f"F{next(self._ids):09d}"
            return ok | {"upload_url": f"{self.url}upload/{file_id}", "file_id": file_id}
        if method == "files.completeUploadExternal":
            files = params.get("files") or []
            return ok | {"files": [{"id": f.get("id"), "title": f.get("title")} for f in files]}
        if method == "conversations.history":
            messages = self.messages.get(str(params.get("channel", "")), [])
            limit = int(params.get("limit") or 100)
            shown = [
                m
                if str(params.get("include_all_metadata")).lower() in ("1", "true")
                else {k: v for k, v in m.items() if k != "metadata"}
                for m in messages[:limit]
            ]
            return ok | {"messages": shown, "has_more": len(messages) > limit}
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
        ts = f"{int(time.time())}.{next(self._ts):06d}"
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
        message.update(text=params.get("text", ""), blocks=params.get("blocks", []))
        message["edited"] = {"user": BOT_USER_ID, "ts": f"{time.time():.6f}"}
        return {"ok": True, "channel": channel, "ts": ts, "text": message["text"]}

    def _replies(self, params: dict[str, Any]) -> dict[str, Any]:
        """`conversations.replies`: a thread's parent then its replies, oldest first."""
        channel, ts = str(params.get("channel", "")), str(params.get("ts", ""))
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

    async def _upload(self, request: web.Request) -> web.Response:
        raw = await request.read()  # raw bytes, whatever the Content-Type says
        scripted = self._answer("upload")
        await scripted.wait()
        params = {"file_id": request.match_info["file_id"], "length": len(raw)}
        await self._record(
            Call("upload", params, raw, dict(request.headers), scripted.status, request.path)
        )
        return web.Response(status=scripted.status, text=f"OK - {len(raw)}")

    async def _response(self, request: web.Request) -> web.Response:
        raw = await request.read()
        scripted = self._answer("response")
        await scripted.wait()
        params = json.loads(raw) if raw else {}
        name = request.match_info["id"]
        if scripted.status == 200 and params.get("replace_original") and name in self.pressed_on:
            self.replaced[self.pressed_on[name]] = params  # the pressed message, changed
        await self._record(
            Call("response", params, raw, dict(request.headers), scripted.status, request.path)
        )
        return web.Response(
            status=scripted.status, text="ok" if scripted.status == 200 else "error"
        )


# ---- Slack's side of a person's actions -----------------------------------------------------


@dataclass
class Ack:
    """What the bot answered Slack's POST within 3 seconds."""

    status: int
    body: str
    json: dict[str, Any] | None

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
        self._ids = itertools.count(1)
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
        n = next(self._ids)
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
        """Type `line` (e.g. `/meta ask Who?`) in the channel; return the bot's acknowledgement."""
        return await self.post(self.command_body(line), **signing)

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
        n = next(self._ids)
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
    n = next(user._ids)
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
        "event_id": f"Ev{next(user._ids):08d}",
        "event_time": int(time.time()),
        "authorizations": [{"team_id": user.team_id, "user_id": BOT_USER_ID, "is_bot": True}],
    }
    return await user.post(json.dumps(body), content_type="application/json")


async def mention(user: SlackUser, text: str, thread_ts: str | None = None) -> dict[str, Any]:
    """`@meta-briefings <text>` in the user's channel (a thread reply with `thread_ts`): the
    message is kept by the fake, and the `app_mention` event sent; returns the message."""
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
