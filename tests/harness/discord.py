"""A loopback fake of Discord's REST API (`/api/v10`) for the real discord.py to talk to.

It answers what login, command sync, interaction callbacks, edits of the original response,
follow-ups and channel posts need, keeps each interaction's messages as Discord documents them
(see `_callback`: what a deferral fixes, what the first follow-up after it does, what a button
press may change; `shown()` is what the channel or the asker sees; `messages` is every message
made, as it is now), records every call (method, path, query, JSON payload, uploaded files), and
can be scripted per route to fail: a 429 with `retry_after` and a `Via` header, a 403, a 404, a
500.

Point discord.py at it with `discord.http.Route.BASE = fake.api_url` (DISCORD_API_URL).
Also builds raw `INTERACTION_CREATE` payloads shaped as Discord documents them.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import itertools
import json
import re
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

APP_ID = "900000000000000001"
BOT_ID = "900000000000000001"
OWNER_ID = "900000000000000002"
GUILD_ID = "910000000000000001"
CHANNEL_ID = "920000000000000001"
USER_ID = "930000000000000001"

_ids = itertools.count(940000000000000001)


def snowflake() -> str:
    return str(next(_ids))


@dataclass
class UploadedFile:
    field: str
    filename: str
    content_type: str
    data: bytes


@dataclass
class Call:
    method: str
    path: str  # without /api/v10
    query: dict[str, str]
    json: Any
    files: list[UploadedFile] = field(default_factory=list)
    headers: dict[str, str] = field(default_factory=dict)
    status: int = 0  # what the fake answered

    @property
    def message(self) -> dict[str, Any] | None:
        """The message part of the payload: a callback's `data`, else the payload itself."""
        if not isinstance(self.json, dict):
            return None
        if self.path.endswith("/callback"):
            return self.json.get("data")
        return self.json


@dataclass
class Scripted:
    status: int
    body: Any
    headers: dict[str, str] = field(default_factory=dict)


EPHEMERAL = 64


@dataclass
class Original:
    """An interaction's original response: its message, and whether it is still "thinking…"."""

    message: dict[str, Any]
    loading: bool
    deleted: bool = False
    followups: list[dict[str, Any]] = field(default_factory=list)


def rate_limited(retry_after: float = 0.05) -> Scripted:
    """A per-route 429 as Discord (behind Google's front end) sends it."""
    return Scripted(
        429,
        {"message": "You are being rate limited.", "retry_after": retry_after, "global": False},
        {"Via": "1.1 google", "X-RateLimit-Scope": "user", "Retry-After": "1"},
    )


def error(status: int, code: int, message: str) -> Scripted:
    return Scripted(status, {"code": code, "message": message})


MISSING_ACCESS = error(403, 50001, "Missing Access")
MISSING_PERMISSIONS = error(403, 50013, "Missing Permissions")
UNKNOWN_CHANNEL = error(404, 10003, "Unknown Channel")
SERVER_ERROR = error(500, 0, "500: Internal Server Error")


def user_object(user_id: str = USER_ID, name: str = "ada", bot: bool = False) -> dict[str, Any]:
    return {
        "id": user_id,
        "username": name,
        "discriminator": "0",
        "global_name": name.title(),
        "avatar": None,
        "bot": bot,
        "public_flags": 0,
    }


def message_object(
    channel_id: str,
    payload: dict[str, Any] | None,
    files: list[UploadedFile],
    webhook: bool = False,
) -> dict[str, Any]:
    payload = payload or {}
    message = {
        "id": snowflake(),
        "channel_id": channel_id,
        "author": user_object(BOT_ID, "meta-briefings", bot=True),
        "content": payload.get("content") or "",
        "timestamp": dt.datetime.now(dt.UTC).isoformat(),
        "edited_timestamp": None,
        "tts": False,
        "mention_everyone": False,
        "mentions": [],
        "mention_roles": [],
        "attachments": [
            {
                "id": snowflake(),
                "filename": f.filename,
                "size": len(f.data),
                "url": f"https://cdn.example/{f.filename}",
                "proxy_url": f"https://cdn.example/{f.filename}",
            }
            for f in files
        ],
        "embeds": payload.get("embeds") or [],
        "components": payload.get("components") or [],
        "pinned": False,
        "type": 0,
        "flags": payload.get("flags", 0),
    }
    if "nonce" in payload:
        message["nonce"] = payload["nonce"]
    if webhook:
        message["webhook_id"] = APP_ID
        message["application_id"] = APP_ID
    return message


class FakeDiscord:
    """`await fake.start()`, then `fake.api_url`; `fake.calls` is everything discord.py sent."""

    def __init__(self) -> None:
        self.calls: list[Call] = []
        self.commands: dict[str, list[dict[str, Any]]] = {}  # "global" or guild id -> commands
        self.originals: dict[str, Original] = {}  # interaction token -> its original response
        self._scripts: dict[tuple[str, str], deque[Scripted]] = {}
        self._always: dict[tuple[str, str], Scripted] = {}
        self._changed = asyncio.Condition()
        self._runner: web.AppRunner | None = None
        self.api_url = ""
        self.gateway_url = ""
        self.guild_count = 1  # the application's approximate_guild_count
        self.gateway_frames: list[dict[str, Any]] = []  # what the client sent on the gateway
        self._sockets: list[web.WebSocketResponse] = []
        self._sequence = itertools.count(1)
        self.messages: dict[str, dict[str, Any]] = {}  # id -> every message made, as it is now
        self.pressed: dict[str, str] = {}  # component interaction token -> its message's id

    # ---- scripting and inspection ------------------------------------------------------------

    def script(self, method: str, path: str, *responses: Scripted) -> None:
        """The next calls to `method path` get these answers, in order; then the normal one."""
        self._scripts.setdefault((method.upper(), path), deque()).extend(responses)

    def always(self, method: str, path: str, response: Scripted) -> None:
        """Every call to `method path` gets this answer."""
        self._always[(method.upper(), path)] = response

    def calls_to(self, method: str, pattern: str) -> list[Call]:
        regex = re.compile(pattern)
        return [c for c in self.calls if c.method == method.upper() and regex.fullmatch(c.path)]

    def messages_sent(self) -> list[Call]:
        """Every call that made or changed a message: callbacks with data, follow-ups, posts."""
        return [
            c
            for c in self.calls
            if c.message is not None
            and c.method in ("POST", "PATCH")
            and re.fullmatch(
                r"/(interactions/\d+/[^/]+/callback|webhooks/\d+/[^/]+(/messages/.+)?"
                r"|channels/\d+/messages)",
                c.path,
            )
            and (not c.path.endswith("/callback") or c.json.get("type") in (4, 7))
        ]

    async def wait_for(self, predicate: Callable[[FakeDiscord], bool], timeout: float = 60) -> None:
        """Wait until `predicate(fake)` holds (`timeout` only bounds a bot that never gets there)."""
        async with self._changed:
            await asyncio.wait_for(self._changed.wait_for(lambda: predicate(self)), timeout)

    # ---- server ----------------------------------------------------------------------------------

    async def start(self) -> str:
        app = web.Application(client_max_size=32 * 1024 * 1024)
        app.router.add_route("*", "/api/v10/{tail:.*}", self._handle)
        app.router.add_get("/gateway", self._gateway)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        host, port = self._runner.addresses[0][:2]
        self.api_url = f"http://{host}:{port}/api/v10"
        self.gateway_url = f"ws://{host}:{port}/gateway"
        return self.api_url

    async def close(self) -> None:
        for socket in self._sockets:
            await socket.close()
        if self._runner is not None:
            await self._runner.cleanup()

    # ---- gateway: HELLO, IDENTIFY -> READY, heartbeats, and events pushed by tests ---------------

    async def _gateway(self, request: web.Request) -> web.WebSocketResponse:
        socket = web.WebSocketResponse()
        await socket.prepare(request)
        self._sockets.append(socket)
        await socket.send_json({"op": 10, "s": None, "t": None, "d": {"heartbeat_interval": 45000}})
        async for frame in socket:
            if frame.type != web.WSMsgType.TEXT:
                break
            message = json.loads(frame.data)
            async with self._changed:
                self.gateway_frames.append(message)
                self._changed.notify_all()
            if message.get("op") == 1:
                await socket.send_json({"op": 11, "s": None, "t": None, "d": None})
            elif message.get("op") == 2:
                await self.push(
                    "READY",
                    {
                        "v": 10,
                        "user": user_object(BOT_ID, "meta-briefings", bot=True),
                        "guilds": [],
                        "session_id": "session-1",
                        "resume_gateway_url": self.gateway_url,
                        "application": {"id": APP_ID, "flags": 0},
                        "shard": [0, 1],
                    },
                )
        return socket

    async def push(self, event: str, data: dict[str, Any]) -> None:
        """Send a dispatch event (`INTERACTION_CREATE`, ...) to every connected client."""
        for socket in self._sockets:
            if not socket.closed:
                await socket.send_json({"op": 0, "s": next(self._sequence), "t": event, "d": data})

    @staticmethod
    def _json(status: int, body: Any, headers: dict[str, str] | None = None) -> web.Response:
        if status == 204:
            return web.Response(status=204, headers=headers)
        # exactly `application/json`: with a charset discord.py would treat the body as text
        return web.Response(
            status=status,
            body=json.dumps(body).encode(),
            headers={"Content-Type": "application/json", **(headers or {})},
        )

    async def _read(self, request: web.Request) -> tuple[Any, list[UploadedFile]]:
        kind = request.content_type
        files: list[UploadedFile] = []
        if kind == "multipart/form-data":
            payload: Any = None
            reader = await request.multipart()
            while (part := await reader.next()) is not None:
                data = await part.read()  # type: ignore[union-attr]
                if part.name == "payload_json":  # type: ignore[union-attr]
                    payload = json.loads(data)
                else:
                    files.append(
                        UploadedFile(
                            part.name or "",
                            part.filename or "",  # type: ignore[union-attr]
                            part.headers.get("Content-Type", ""),
                            bytes(data),
                        )
                    )  # type: ignore[union-attr]
            return payload, files
        if kind == "application/json":
            return await request.json(), files
        raw = await request.read()
        return (raw.decode() or None), files

    async def _handle(self, request: web.Request) -> web.Response:
        path = "/" + request.match_info["tail"]
        payload, files = await self._read(request)
        call = Call(
            request.method, path, dict(request.query), payload, files, dict(request.headers)
        )
        key = (request.method, path)
        if self._scripts.get(key):
            scripted = self._scripts[key].popleft()
        else:
            scripted = self._always.get(key) or self._route(call)
        call.status = scripted.status
        async with self._changed:
            self.calls.append(call)
            self._changed.notify_all()
        return self._json(scripted.status, scripted.body, scripted.headers)

    def _route(self, call: Call) -> Scripted:
        method, path, body = call.method, call.path, call.json
        authorised = call.headers.get("Authorization", "").startswith("Bot ")
        if not authorised and not path.startswith(("/interactions/", "/webhooks/")):
            return error(401, 0, "401: Unauthorized")
        if (method, path) == ("GET", "/users/@me"):
            return Scripted(200, user_object(BOT_ID, "meta-briefings", bot=True))
        if (method, path) == ("GET", "/gateway/bot"):  # AutoShardedClient asks for its shards
            return Scripted(
                200,
                {
                    "url": self.gateway_url,
                    "shards": 1,
                    "session_start_limit": {
                        "total": 1000,
                        "remaining": 999,
                        "reset_after": 0,
                        "max_concurrency": 1,
                    },
                },
            )
        if (method, path) == ("GET", "/oauth2/applications/@me"):
            return Scripted(
                200,
                {
                    "id": APP_ID,
                    "name": "Meta briefings",
                    "description": "",
                    "icon": None,
                    "bot_public": True,
                    "bot_require_code_grant": False,
                    "verify_key": "00",
                    "owner": user_object(OWNER_ID, "owner"),
                    "flags": 0,
                    "team": None,
                    "summary": "",
                    "rpc_origins": [],
                    "approximate_guild_count": self.guild_count,
                },
            )
        if method == "PUT" and (
            m := re.fullmatch(r"/applications/(\d+)(?:/guilds/(\d+))?/commands", path)
        ):
            guild = m.group(2)
            stored = [
                {
                    "description": "",  # Discord answers "" for a context-menu command
                    **c,
                    "id": snowflake(),
                    "application_id": m.group(1),
                    "version": snowflake(),
                    **({"guild_id": guild} if guild else {}),
                }
                for c in body
            ]
            self.commands[guild or "global"] = stored
            return Scripted(200, stored)
        if method == "POST" and (m := re.fullmatch(r"/interactions/(\d+)/([^/]+)/callback", path)):
            return self._callback(m.group(1), m.group(2), body or {}, call.files)
        if m := re.fullmatch(r"/webhooks/(\d+)/([^/]+)(?:/messages/([^/]+))?", path):
            return self._webhook(method, m.group(2), m.group(3), call)
        if method == "POST" and (m := re.fullmatch(r"/channels/(\d+)/messages", path)):
            return Scripted(200, self._made(message_object(m.group(1), body, call.files)))
        return error(404, 0, "404: Not Found")

    def _made(self, message: dict[str, Any]) -> dict[str, Any]:
        """Remember a new message (edits change it in place), and return it."""
        self.messages[message["id"]] = message
        return message

    def component_payload(
        self,
        message: dict[str, Any],
        custom_id: str,
        *,
        permissions: int | None = None,
        locale: str = "en-US",
    ) -> dict[str, Any]:
        """A press of the button `custom_id` on `message` (a component interaction, type 3),
        as Discord sends it; the fake remembers which message it is about."""
        payload = interaction_payload(
            "x", locale=locale, **({"permissions": permissions} if permissions else {})
        )
        payload["type"] = 3
        payload["data"] = {"custom_id": custom_id, "component_type": 2}
        payload["message"] = message
        self.pressed[payload["token"]] = message["id"]
        return payload

    # ---- interaction responses, as Discord keeps them ---------------------------------------------
    # One original response per interaction token (type 4, or type 5 "thinking…" until answered),
    # then follow-ups. What Discord documents, and this fake enforces:
    # - a second callback for the same interaction: 400, code 40060 (already acknowledged);
    # - a component interaction (a button press) may instead be answered by UPDATE_MESSAGE
    #   (type 7, changes the message the button is on) or DEFERRED_UPDATE_MESSAGE (type 6);
    #   its `@original` is then that message; types 6 and 7 on a slash command: 400, code 50035;
    # - `PATCH/DELETE .../messages/@original` without a live original: 404, code 10008;
    # - an edit never changes a message's ephemeral state (its `flags` are ignored);
    # - the first follow-up straight after a deferral edits the "thinking…" message instead of
    #   creating one (deprecated), its ephemeral flag ignored; after the original is answered,
    #   each follow-up is a new message with its own flags;
    # - once a deferred "thinking…" message is deleted, follow-ups and edits get 404, code 10008
    #   (discord-api-docs#3087); a follow-up before any callback: 404, code 10015.

    def _callback(
        self, interaction_id: str, token: str, body: dict[str, Any], files: list[UploadedFile]
    ) -> Scripted:
        kind = body.get("type")
        data = body.get("data") or {}
        if token in self.originals and kind in (4, 5, 6, 7, 9):
            return error(400, 40060, "Interaction has already been acknowledged.")
        pressed = self.messages.get(self.pressed.get(token, ""))
        if kind in (6, 7) and pressed is None:
            return error(400, 50035, "Invalid Form Body: interaction response type")
        result: dict[str, Any] = {
            "interaction": {
                "id": interaction_id,
                "type": 3 if token in self.pressed else 2,
                "response_message_loading": kind == 5,
                "response_message_ephemeral": bool(data.get("flags", 0) & EPHEMERAL),
            }
        }
        if kind in (6, 7) and pressed is not None:
            if kind == 7:
                self._edit(pressed, data, files)
                result["resource"] = {"type": 7, "message": pressed}
            self.originals[token] = Original(pressed, loading=False)
        if kind in (4, 5):
            message = self._made(message_object(CHANNEL_ID, data, files, webhook=True))
            self.originals[token] = Original(message, loading=kind == 5)
            result["interaction"]["response_message_id"] = message["id"]
            result["resource"] = {"type": kind, "message": message}
        return Scripted(200, result)

    def _webhook(self, method: str, token: str, message_id: str | None, call: Call) -> Scripted:
        original = self.originals.get(token)
        unknown_message = error(404, 10008, "Unknown Message")
        if message_id is None:  # a follow-up
            if method != "POST":
                return error(405, 0, "405: Method Not Allowed")
            if original is None:
                return error(404, 10015, "Unknown Webhook")
            if original.deleted and original.loading:
                return unknown_message
            if original.loading:  # the deprecated "follow-up edits the thinking message"
                self._edit(original.message, call.json, call.files)
                original.loading = False
                message = original.message
            else:
                message = self._made(
                    message_object(CHANNEL_ID, call.json, call.files, webhook=True)
                )
                original.followups.append(message)
            if call.query.get("wait") not in ("1", "true"):
                return Scripted(204, None)
            return Scripted(200, message)
        if message_id == "@original":
            if original is None or original.deleted:
                return unknown_message
            target = original.message
        else:
            found = [m for m in (original.followups if original else []) if m["id"] == message_id]
            if not found:
                return unknown_message
            target = found[0]
        if method == "DELETE":
            if target is original.message:  # type: ignore[union-attr]
                original.deleted = True  # type: ignore[union-attr]
            else:
                original.followups.remove(target)  # type: ignore[union-attr]
            return Scripted(204, None)
        if method == "PATCH":
            self._edit(target, call.json, call.files)
            if target is original.message:  # type: ignore[union-attr]
                original.loading = False  # type: ignore[union-attr]
            return Scripted(200, target)
        if method == "GET":
            return Scripted(200, target)
        return error(405, 0, "405: Method Not Allowed")

    @staticmethod
    def _edit(message: dict[str, Any], payload: Any, files: list[UploadedFile]) -> None:
        """Apply an edit; `flags` cannot change a message's ephemeral state."""
        payload = payload if isinstance(payload, dict) else {}
        for key in ("content", "embeds", "components"):
            if key in payload:
                message[key] = payload[key] or ([] if key != "content" else "")
        if files or "attachments" in payload:
            message["attachments"] = message_object(CHANNEL_ID, None, files)["attachments"]
        message["edited_timestamp"] = dt.datetime.now(dt.UTC).isoformat()

    def shown(self, *, public: bool) -> list[dict[str, Any]]:
        """The interaction messages that exist now (not deleted, no longer "thinking…"), seen by
        the whole channel (`public=True`) or by the asker alone."""
        messages: dict[str, dict[str, Any]] = {}  # by id: a pressed message is two originals
        for original in self.originals.values():
            if not original.deleted and not original.loading:
                messages[original.message["id"]] = original.message
            messages.update((m["id"], m) for m in original.followups)
        return [m for m in messages.values() if bool(m.get("flags", 0) & EPHEMERAL) is not public]


# ---- raw INTERACTION_CREATE payloads -----------------------------------------------------------

MEMBER_PERMISSIONS = (
    0x400 | 0x800 | 0x4000 | 0x8000 | 0x80000000
)  # view, send, embed, attach, slash
MANAGE_CHANNELS = 0x10


def interaction_payload(
    sub: str,
    options: dict[str, Any] | None = None,
    *,
    kind: int = 2,
    focused: str | None = None,
    locale: str = "en-US",
    permissions: int = MEMBER_PERMISSIONS,
    guild: bool = True,
    option_types: dict[str, int] | None = None,
) -> dict[str, Any]:
    """`/meta <sub> name:value ...` as Discord sends it: type 2 (application command) or
    4 (autocomplete, with `focused` naming the option being typed)."""
    option_types = option_types or {}
    sub_options = []
    for name, value in (options or {}).items():
        option: dict[str, Any] = {
            "type": option_types.get(name, 5 if isinstance(value, bool) else 3),
            "name": name,
            "value": value,
        }
        if name == focused:
            option["focused"] = True
        sub_options.append(option)
    data: dict[str, Any] = {
        "id": snowflake(),
        "name": "meta",
        "type": 1,
        "options": [{"type": 1, "name": sub, "options": sub_options}],
    }
    payload: dict[str, Any] = {
        "id": snowflake(),
        "application_id": APP_ID,
        "type": kind,
        "data": data,
        "channel_id": CHANNEL_ID,
        "token": "interaction-token-" + snowflake(),
        "version": 1,
        "locale": locale,
        "app_permissions": str(MEMBER_PERMISSIONS),
        "entitlements": [],
        "attachment_size_limit": 10 * 1024 * 1024,
    }
    if guild:
        data["guild_id"] = GUILD_ID
        payload.update(
            guild_id=GUILD_ID,
            guild_locale="en-US",
            guild={"id": GUILD_ID, "locale": "en-US", "features": []},
            channel={
                "id": CHANNEL_ID,
                "type": 0,
                "guild_id": GUILD_ID,
                "name": "general",
                "position": 0,
                "permission_overwrites": [],
                "nsfw": False,
                "parent_id": None,
                "topic": None,
                "last_message_id": None,
                "rate_limit_per_user": 0,
                "flags": 0,
                "permissions": str(permissions),
            },
            member={
                "user": user_object(),
                "roles": [],
                "joined_at": "2024-01-01T00:00:00+00:00",
                "deaf": False,
                "mute": False,
                "flags": 0,
                "pending": False,
                "nick": None,
                "avatar": None,
                "premium_since": None,
                "permissions": str(permissions),
            },
            authorizing_integration_owners={"0": GUILD_ID},
            context=0,
        )
    else:
        payload.update(
            channel={
                "id": CHANNEL_ID,
                "type": 1,
                "recipients": [user_object()],
                "flags": 0,
                "last_message_id": None,
            },
            user=user_object(),
            authorizing_integration_owners={"1": USER_ID},
            context=1,
        )
    return payload


async def dispatch(client: Any, payload: dict[str, Any]) -> None:
    """Feed an INTERACTION_CREATE to discord.py as the gateway would, and wait until the command
    tree has finished with it (discord.py runs each interaction in a 'CommandTree-invoker' task)."""
    client._connection.parse_interaction_create(payload)
    tasks = [
        t for t in asyncio.all_tasks() if t.get_name() == "CommandTree-invoker" and not t.done()
    ]
    await asyncio.gather(*tasks)


class DiscordUser:
    """A person using `/meta` on Discord: each action is the `INTERACTION_CREATE` Discord would
    send, handed to discord.py as its gateway does; the call returns once the bot has answered
    (what it answered is in the fake's calls).

        ada = DiscordUser(adapter.client)                       # a member, English, no rights
        await ada.command("ask", question="How does LLaMA make money?")
        await ada.autocomplete("insight", "topic", topic="rea")  # typing in the topic option
        manager = DiscordUser(adapter.client, permissions=MEMBER_PERMISSIONS | MANAGE_CHANNELS)
        await DiscordUser(adapter.client, in_guild=False).command("help")  # a direct message
    """

    def __init__(
        self,
        client: Any,
        *,
        locale: str = "en-US",
        permissions: int = MEMBER_PERMISSIONS,
        in_guild: bool = True,
    ) -> None:
        self.client = client
        self.locale = locale
        self.permissions = permissions
        self.in_guild = in_guild

    def payload(
        self, sub: str, options: dict[str, Any], kind: int = 2, focused: str | None = None
    ) -> dict[str, Any]:
        """The raw interaction this person's action makes (for tests that push it themselves)."""
        return interaction_payload(
            sub,
            options,
            kind=kind,
            focused=focused,
            locale=self.locale,
            permissions=self.permissions,
            guild=self.in_guild,
        )

    async def command(self, sub: str, **options: Any) -> None:
        """Run `/meta <sub> name:value ...` (an application command, type 2)."""
        await dispatch(self.client, self.payload(sub, options))

    async def autocomplete(self, sub: str, focused: str, **options: Any) -> None:
        """Type into option `focused` of `/meta <sub>` (an autocomplete request, type 4)."""
        await dispatch(self.client, self.payload(sub, options, kind=4, focused=focused))
