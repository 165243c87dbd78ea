"""Slack: `/meta ...` slash commands and the Share button in, Block Kit out, briefings posted.

The adapter only translates. A slash command becomes a core Request (`commands.router.parse`), the
router answers with a Reply, and `bot.adapters.slack.blocks` renders it. Slack wants an HTTP
200 within 3 seconds, so:

- a quick command ready within `ANSWER_GLANCE` seconds is answered in the acknowledgement
  itself (an ephemeral message). One still running then (an `ask` queued behind others on a
  busy CPU) is acknowledged with an empty 200, which Slack shows as nothing, and answered
  through the command's `response_url` (`respond()`) as soon as it is ready; so the ack never
  waits on the work. If it is still running after `ACK_BUDGET` seconds, "Working on it…" is
  sent first;
- slow commands (`command.slow`: market data, charts) are acknowledged at once with "Working on
  it…" and answered later through `response_url`. A slow command still gets `SLOW_GLANCE`
  seconds, so bad input (`/meta stock 7y`) is answered in the ack like any other mistake;
- a reply with `public=True` (`/meta brief share`, `/meta stock 1y share`) is posted in the
  channel with `chat.postMessage`; its chart is uploaded once as a file of the bot's own and
  shown in the message by an image block (`bot.adapters.slack.posting`), and so are the charts
  of ephemeral answers. Where Slack answers `not_in_channel`, the bot joins the (public)
  channel and posts again; it also joins a public channel when it is subscribed.
- an ephemeral reply carries a "Share in channel" button whose value is the original request
  (command, text, lang); pressing it re-runs that request as the presser and posts the result
  publicly, with "Shared by <@presser>" (the id from Slack's signed payload).

HTTP mode serves `POST /slack/events` on the bot's own aiohttp server (beside `/healthz`);
Socket Mode connects out with the app-level token and needs no public URL.

Web API calls retry by themselves, within bounds: HTTP 429 after `Retry-After` (up to
`RATE_LIMIT_MAX_WAIT` seconds, `RATE_LIMIT_RETRIES` times), 500/503 with exponential backoff
(`SERVER_ERROR_RETRIES` times). A scheduled post that still fails is retried at later sweeps
(scheduling.fanout). Nothing from a traceback or a secret is ever sent to Slack or logged.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import logging
import re
from collections.abc import Awaitable, Callable, Mapping
from typing import Any

import aiohttp
from aiohttp import web
from slack_bolt.adapter.aiohttp import to_aiohttp_response, to_bolt_request
from slack_bolt.async_app import AsyncApp
from slack_bolt.authorization import AuthorizeResult
from slack_sdk.http_retry.async_handler import AsyncRetryHandler
from slack_sdk.http_retry.builtin_async_handlers import (
    AsyncRateLimitErrorRetryHandler,
    AsyncServerErrorRetryHandler,
)
from slack_sdk.web.async_client import AsyncWebClient

from bot.adapters.base import ChatAdapter
from bot.adapters.slack.blocks import (
    SHARE_ACTION,
    ephemeral_message,
    plain_message,
    public_message,
    read_share_value,
    reply_lang,
    t,
    unescape,
)
from bot.adapters.slack.gate import RequestGate, Verdict
from bot.adapters.slack.posting import (
    API_ERRORS,
    CANNOT_POST,
    METADATA_EVENT,
    PERMANENT_ERRORS,
    ChartFiles,
    HistoryCheck,
    RenderedPosts,
    error_code,
    join,
    post_message,
    respond_with_charts,
)
from bot.web import read_body
from chat.delivery import DeliveryError, OutcomeUnknown, Target
from chat.reply import Reply
from chat.request import Request
from chat.wording import say
from commands.base import reply_language
from commands.router import Router, parse
from config import SettingsError, SlackSettings

log = logging.getLogger(__name__)

EVENTS_PATH = "/slack/events"
ANSWER_GLANCE = 0.02  # seconds a quick command may take to be answered inside the ack
ACK_BUDGET = 2.0  # seconds after which a quick command's asker is told "Working on it…"
SLOW_GLANCE = 0.1  # seconds a slow one gets: bad input is still answered in the ack
RATE_LIMIT_RETRIES = 2
RATE_LIMIT_MAX_WAIT = 30  # a longer Retry-After fails the call instead of holding it
SERVER_ERROR_RETRIES = 2
STOP_GRACE = 10.0  # seconds stop() lets answers in progress finish
CONNECTIONS = 100  # kept-alive connections to Slack at most (a fan-out has fewer in flight)
KEEPALIVE = 30.0  # seconds an idle connection is kept for the next call
ClientFactory = Callable[[SlackSettings], AsyncWebClient]


class BoundedRateLimitRetryHandler(AsyncRateLimitErrorRetryHandler):
    """Retries a 429 after its `Retry-After`, unless Slack asks for a wait longer than
    `max_wait` seconds: then the call fails at once (and a delivery is retried later)."""

    def __init__(
        self, max_retry_count: int = RATE_LIMIT_RETRIES, max_wait: float = RATE_LIMIT_MAX_WAIT
    ) -> None:
        super().__init__(max_retry_count=max_retry_count)
        self.max_wait = max_wait

    async def _can_retry_async(self, *, state, request, response=None, error=None) -> bool:  # type: ignore[no-untyped-def]
        if not await super()._can_retry_async(
            state=state, request=request, response=response, error=error
        ):
            return False
        assert response is not None  # a 429 has a response
        for name, values in response.headers.items():
            if name.lower() == "retry-after":
                try:
                    return float(values[0]) <= self.max_wait
                except (ValueError, IndexError):
                    return True
        return True


class RedactSlackSecrets(logging.Filter):
    """Blanks tokens, verification tokens and response_urls (each a capability to post in a
    channel) in library log lines: slack-bolt logs the whole body of a request whose
    signature fails, and slack_sdk logs webhook URLs when it retries."""

    PATTERNS = (
        (re.compile(r"\b(token|response_url)=[^&\s,)'\"]+"), r"\1=(redacted)"),
        (
            re.compile(r"([\"'](?:token|response_url)[\"']\s*:\s*)[\"'][^\"']*[\"']"),
            r"\1'(redacted)'",
        ),
        (re.compile(r"https?(://|%3A%2F%2F)hooks\.slack\.com\S*", re.IGNORECASE), "(redacted url)"),
        (re.compile(r"\bx(?:ox[abeprs]|app)-[\w-]+"), "(redacted token)"),
    )

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except (TypeError, ValueError):
            return True
        for pattern, replacement in self.PATTERNS:
            message = pattern.sub(replacement, message)
        record.msg, record.args = message, None
        return True


def _library_logger() -> logging.Logger:
    """The base logger handed to slack-bolt (which copies its filters onto every logger it
    makes), with the redaction filter also set on the slack_sdk loggers that log URLs."""
    base = logging.getLogger("bot.adapters.slack.bolt")
    for logger in (
        base,
        logging.getLogger("slack_sdk.web.async_base_client"),
        logging.getLogger("slack_sdk.webhook.async_client"),
    ):
        if not any(isinstance(f, RedactSlackSecrets) for f in logger.filters):
            logger.addFilter(RedactSlackSecrets())
    return base


def retry_handlers() -> list[AsyncRetryHandler]:
    """429 and 5xx answers mean nothing was done, so they are retried here. A dropped
    connection is not: the message may be posted with its answer lost, and sending it again
    would post it twice; deliveries check the channel first (`find_delivery`)."""
    return [
        BoundedRateLimitRetryHandler(),
        AsyncServerErrorRetryHandler(max_retry_count=SERVER_ERROR_RETRIES),
    ]


SDK_LOGGERS = (
    "slack_sdk.web.async_base_client",
    "slack_sdk.webhook.async_client",
    "slack_sdk.webhook.client",
)


def settle_sdk_log_levels() -> None:
    """slack_sdk formats a debug line holding a request's whole body whenever its logger's own
    level is unset (it reads `logger.level`, not the effective level): about 0.1 ms of the event
    loop per post. Give those loggers the level they would log at anyway."""
    for name in SDK_LOGGERS:
        logger = logging.getLogger(name)
        if logger.level == logging.NOTSET:
            logger.setLevel(logger.getEffectiveLevel())


def build_client(config: SlackSettings, token: str | None = None) -> AsyncWebClient:
    """The Web API client: a bot token (SLACK_BOT_TOKEN, or a workspace's installation with
    OAuth), `SLACK_API_URL` (a loopback fake in tests), retries."""
    if token is None and config.bot_token is None and not config.oauth:
        raise SettingsError(
            "SLACK_BOT_TOKEN: required for Slack (or SLACK_CLIENT_ID and SLACK_CLIENT_SECRET)"
        )
    if token is None and config.bot_token is not None:
        token = config.bot_token.get_secret_value()
    return AsyncWebClient(token=token, base_url=config.api_url, retry_handlers=retry_handlers())


def resolve_mode(config: SlackSettings, mode: str | None) -> str:
    """`mode`, else SLACK_MODE, else Socket Mode when an app token is set, else HTTP."""
    chosen = mode or config.mode or ("socket" if config.app_token else "http")
    if chosen not in ("socket", "http"):
        raise SettingsError("SLACK_MODE: must be socket or http")
    if chosen == "socket" and config.app_token is None:
        raise SettingsError("SLACK_APP_TOKEN: required for Slack Socket Mode (xapp-...)")
    if chosen == "http" and config.signing_secret is None:
        raise SettingsError("SLACK_SIGNING_SECRET: required for Slack HTTP mode")
    if chosen == "socket" and config.oauth:
        raise SettingsError("SLACK_MODE: the OAuth install flow (SLACK_CLIENT_ID) needs HTTP mode")
    return chosen


class SlackAdapter(ChatAdapter):
    platform = "slack"

    def __init__(
        self,
        config: SlackSettings,
        router: Router,
        mode: str | None = None,
        client_factory: ClientFactory | None = None,
    ) -> None:
        super().__init__(router)
        self.config = config
        self.mode = resolve_mode(config, mode)
        self.client = (client_factory or build_client)(config)
        secret = config.signing_secret
        self.gate = RequestGate(secret.get_secret_value() if secret else "")
        self.installations = None
        oauth: dict[str, Any] = {}
        if config.oauth:
            from bot.adapters.slack.oauth import installation_store, oauth_flow

            engine = router.services.database.ready()
            self.installations = installation_store(config, engine)
            oauth = {
                "installation_store": self.installations,
                "oauth_flow": oauth_flow(config, engine, self.installations),
            }
        if not oauth:
            # Single workspace: authorize from the token itself, with no network call, so the
            # first command is not held inside Slack's 3 s by the auth.test Bolt would make.
            async def authorize(enterprise_id: str | None, team_id: str | None) -> AuthorizeResult:
                return self._authorization(enterprise_id, team_id)

            oauth = {"authorize": authorize}  # a plain function: Bolt passes arguments by name
        self._bot_ids: dict[str, str | None] = {"bot_user_id": None, "bot_id": None}
        self.app = AsyncApp(
            **oauth,
            # Bolt's own base client: no token (the authorize step gives each request its own).
            client=AsyncWebClient(base_url=config.api_url, retry_handlers=retry_handlers()),
            signing_secret=secret.get_secret_value() if secret else "",
            # Socket Mode requests come over our own authenticated socket, unsigned.
            request_verification_enabled=self.mode == "http",
            # AsyncApp has no token_verification_enabled: it calls auth.test on the first
            # request, not at start-up, so building the adapter makes no network call.
            process_before_response=False,
            name="meta-briefing-bot",
            logger=_library_logger(),
        )
        self.app.command("/meta")(self._on_command)
        self.app.action(SHARE_ACTION)(self._on_share)
        from bot.adapters.slack import events, home, interactions

        interactions.register(self)
        events.register(self)
        home.register(self)
        self.app.error(self._on_error)
        self._tasks: set[asyncio.Task[None]] = set()
        self.charts = ChartFiles()
        self._rendered = RenderedPosts(self.charts, self.settings.default_language)
        self.history = HistoryCheck(router.services.clock, config.marketplace_app)
        self._socket: Any = None
        self._session: aiohttp.ClientSession | None = None

    # ---- lifecycle -------------------------------------------------------------------------

    def add_routes(self, app: web.Application) -> None:
        if self.mode == "http":
            app.router.add_post(EVENTS_PATH, self.handle_http)
        flow = self.app.oauth_flow
        if flow is not None:
            app.router.add_get(flow.install_path, self.handle_oauth)
            app.router.add_get(flow.redirect_uri_path, self.handle_oauth)

    async def handle_oauth(self, request: web.Request) -> web.Response:
        """`GET /slack/install` (redirect to Slack) and `/slack/oauth_redirect` (store the
        installation), as slack-bolt's own aiohttp adapter does."""
        flow = self.app.oauth_flow
        assert flow is not None
        bolt_request = await to_bolt_request(request)
        if request.path == flow.install_path:
            return await to_aiohttp_response(await flow.handle_installation(bolt_request))
        return await to_aiohttp_response(await flow.handle_callback(bolt_request))

    async def client_for(self, workspace: str) -> AsyncWebClient:
        """The client for a workspace: the single bot token, or that workspace's installation."""
        if self.installations is None:
            return self.client
        bot = await self.installations.async_find_bot(enterprise_id=None, team_id=workspace or None)
        if bot is None:
            raise DeliveryError(
                f"the app is not installed in workspace {workspace}", permanent=True
            )
        client = build_client(self.config, bot.bot_token)
        client.session = self._session
        return client

    async def handle_http(self, request: web.Request) -> web.Response:
        """`POST /slack/events`: what `AsyncApp.web_app()` does, on the bot's own server, behind
        the gate: unsigned requests get 401 and are never logged, malformed signed ones 400,
        and a request already run (a replay, or Slack retrying it) is answered but not run."""
        raw = await read_body(request)
        checked = self.gate.check(raw, request.headers)
        if checked.verdict is Verdict.UNSIGNED:
            return web.Response(status=401, text="invalid request")
        if checked.verdict is Verdict.MALFORMED:
            return web.Response(status=400, text="malformed request")
        if checked.verdict is Verdict.REPLAY:
            log.info("slack: answered without running it again (%s)", checked.reason)
            return web.Response(status=200, headers={"X-Slack-No-Retry": "1"})
        bolt_response = await self.app.async_dispatch(await to_bolt_request(request))
        return await to_aiohttp_response(bolt_response)

    def _authorization(self, enterprise_id: str | None, team_id: str | None) -> AuthorizeResult:
        """The single workspace's authorization, built without a network call."""
        return AuthorizeResult(
            enterprise_id=enterprise_id,
            team_id=team_id,
            bot_token=self.client.token,
            **self._bot_ids,
        )

    async def start(self) -> None:
        settle_sdk_log_levels()
        # One connection pool for every Web API call (Bolt's per-request clients reuse it too);
        # without it slack_sdk opens a new connection per call.
        self._session = aiohttp.ClientSession(
            connector=aiohttp.TCPConnector(limit=CONNECTIONS, keepalive_timeout=KEEPALIVE)
        )
        self.client.session = self._session
        self.app.client.session = self._session
        if self.installations is None:
            try:  # learn the bot's ids once, outside any request; a failure is not fatal
                identity = await asyncio.wait_for(self.client.auth_test(), 10)
                self._bot_ids = {
                    "bot_user_id": identity.get("user_id"),
                    "bot_id": identity.get("bot_id"),
                }
            except (*API_ERRORS, TimeoutError) as exc:
                log.warning(
                    "slack: auth.test at start failed (%s); commands still work", error_code(exc)
                )
        if self.mode == "socket":
            from slack_bolt.adapter.socket_mode.async_handler import AsyncSocketModeHandler

            assert self.config.app_token is not None  # checked in resolve_mode
            self._socket = AsyncSocketModeHandler(
                self.app, self.config.app_token.get_secret_value()
            )
            await self._socket.connect_async()
        log.info("slack adapter in %s mode", self.mode)

    async def stop(self) -> None:
        if self._socket is not None:
            await self._socket.close_async()
            self._socket = None
        await self.drain(STOP_GRACE)
        if self._session is not None:
            self.client.session = self.app.client.session = None
            await self._session.close()
            self._session = None

    async def drain(self, timeout: float) -> None:
        """Let answers in progress finish (up to `timeout` seconds), then cancel the rest."""
        pending = set(self._tasks)
        if pending:
            _done, late = await asyncio.wait(pending, timeout=timeout)
            for task in late:
                task.cancel()

    def _spawn(
        self, work: Awaitable[None], what: str, respond: Any = None, lang: str = "en"
    ) -> None:
        """Run `work` after the acknowledgement; if it fails, log it and (when a response_url
        is at hand) apologise, so nobody is left with "Working on it…"."""

        async def guarded() -> None:
            try:
                await work
            except Exception as exc:
                log.error(
                    "slack: %s failed: %s",
                    what,
                    error_code(exc),
                    exc_info=not isinstance(exc, API_ERRORS),
                )
                if respond is not None:
                    with contextlib.suppress(Exception):
                        await respond(plain_message(say("internal_error", lang)))

        task = asyncio.get_running_loop().create_task(guarded())
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    # ---- slash command ---------------------------------------------------------------------

    def _lang(self, request: Request) -> str:
        """The asker's language for the adapter's own words ("Working on it…")."""
        return reply_language(request, self.router.services, self.router.command_for(request))

    async def _on_command(
        self, ack: Any, body: dict[str, Any], respond: Any, client: AsyncWebClient
    ) -> None:
        request = parse(
            unescape(str(body.get("text") or "")),
            platform="slack",
            workspace=str(body.get("team_id") or ""),
            channel=str(body.get("channel_id") or ""),
            user=str(body.get("user_id") or ""),
            can_manage_channel=True,  # Slack: anyone in the channel; the core rule decides
        )
        lang = self._lang(request)
        try:
            command = self.router.command_for(request)
            work = asyncio.ensure_future(self.router.handle(request))
            if command is not None and command.name == "subscribe":
                work.add_done_callback(
                    lambda done: self._join_when_subscribed(done, client, request)
                )
            # A slow command gets only a glance: enough for bad input, which fails at once.
            slow = command is not None and command.is_slow(self.settings)
            await asyncio.wait({work}, timeout=SLOW_GLANCE if slow else ANSWER_GLANCE)
            # A slow command's answer always comes through response_url (the same shape however
            # fast it was); only its mistakes are answered in the ack.
            in_ack = work.done() and not (slow and work.result().ok)
            if in_ack and not (work.result().public and work.result().ok):
                await ack(self._ephemeral(work.result(), request))
                return
            what = f"/meta {request.command}"
            if slow:
                await ack(plain_message(t(lang, "working")))
                answer = self._answer(request, work, respond, client)
            else:  # done and public (posted just after), or still running: nothing shown yet
                await ack()
                answer = self._answer_when_ready(request, work, respond, client, lang)
            self._spawn(answer, what, respond, lang)
        except Exception:
            log.exception("slack: /meta %s failed in channel %s", request.command, request.channel)
            if ack.response is None:
                await ack(plain_message(say("internal_error", lang)))

    def _join_when_subscribed(
        self, done: asyncio.Future[Reply], client: AsyncWebClient, request: Request
    ) -> None:
        """A subscribed public channel is joined, so that the bot may read its history (the
        check after a lost answer) and not only post in it."""
        if not done.cancelled() and done.exception() is None and done.result().ok:

            async def joined() -> None:
                await join(client, request.channel)

            self._spawn(joined(), f"joining channel {request.channel}")

    def _ephemeral(
        self, reply: Reply, request: Request, files: Mapping[Any, str] | None = None
    ) -> dict[str, Any]:
        lang = reply_lang(reply, request, self.settings.default_language)
        command = self.router.command_for(request)
        shareable = command is not None and not command.changes_channel and not reply.public
        return ephemeral_message(reply, request if shareable else None, lang, files)

    async def _answer(
        self,
        request: Request,
        work: Awaitable[Reply],
        respond: Any,
        client: AsyncWebClient,
        shared_by: str | None = None,
    ) -> None:
        """Send a finished reply: publicly if it is public (or shared), else to the asker."""
        reply = await work
        lang = reply_lang(reply, request, self.settings.default_language)
        if not (reply.ok and (reply.public or shared_by)):
            files = await self.charts.files_for(client, request.workspace, reply, required=False)
            await self._respond(respond, self._ephemeral(reply, request, files))
            return
        try:
            await self.post(
                request.channel,
                reply,
                lang,
                shared_by or request.user,
                client=client,
                workspace=request.workspace,
            )
        except OutcomeUnknown as exc:  # it may be in the channel: no apology for it
            log.warning("slack: no answer to a post in channel %s: %s", request.channel, exc)
        except API_ERRORS as exc:
            code = error_code(exc)
            log.warning("slack: cannot post in channel %s: %s", request.channel, code)
            key = t(lang, "cannot_post") if code in CANNOT_POST else say("internal_error", lang)
            await self._respond(respond, plain_message(key))

    async def _answer_when_ready(
        self,
        request: Request,
        work: asyncio.Future[Reply],
        respond: Any,
        client: AsyncWebClient,
        lang: str,
    ) -> None:
        """A quick command's answer after an empty ack; "Working on it…" first if it takes
        longer than `ACK_BUDGET`, so nobody waits on nothing."""
        await asyncio.wait({work}, timeout=max(0.0, ACK_BUDGET - ANSWER_GLANCE))
        if not work.done():
            await self._respond(respond, plain_message(t(lang, "working")))
        await self._answer(request, work, respond, client)

    async def _respond(self, respond: Any, message: dict[str, Any]) -> None:
        result = await respond_with_charts(respond, message)
        if getattr(result, "status_code", 200) != 200:
            log.warning("slack: response_url answered HTTP %s", result.status_code)

    # ---- the Share button ------------------------------------------------------------------

    async def _on_share(
        self, ack: Any, body: dict[str, Any], respond: Any, client: AsyncWebClient
    ) -> None:
        await ack()
        action: dict[str, Any] = next(
            (a for a in body.get("actions") or [] if a.get("action_id") == SHARE_ACTION), {}
        )
        shared = read_share_value(action.get("value", ""))
        user = str((body.get("user") or {}).get("id") or "")
        channel = str(
            (body.get("channel") or {}).get("id")
            or (body.get("container") or {}).get("channel_id")
            or ""
        )
        team = str(
            (body.get("team") or {}).get("id") or (body.get("user") or {}).get("team_id") or ""
        )
        command = self.router.commands.get(shared["command"]) if shared else None
        if shared is None or not channel or not user or command is None or command.changes_channel:
            log.warning("slack: ignored a share button press (unknown value or context)")
            return
        request = Request(
            command=shared["command"],
            text=shared["text"],
            lang=shared["lang"] or None,
            platform="slack",
            workspace=team,
            channel=channel,
            user=user,
            can_manage_channel=True,
        )
        work = asyncio.ensure_future(self.router.handle(request))
        self._spawn(
            self._answer(request, work, respond, client, user),
            "share",
            respond,
            self._lang(request),
        )

    async def _on_error(self, error: Exception) -> None:
        log.error("slack: unhandled error in a listener: %s", error_code(error))

    # ---- posting: shared replies and the scheduler's delivery port ------------------------

    async def post(
        self,
        channel: str,
        reply: Reply,
        lang: str,
        shared_by: str | None = None,
        metadata: dict[str, Any] | None = None,
        client: AsyncWebClient | None = None,
        workspace: str = "",
        chart_required: bool = False,
    ) -> str:
        """Post `reply` in `channel`, its charts shown by file id; return the message's ts.

        Charts are uploaded first (once per workspace and chart): nothing is posted before
        they are, so a failure there posts nothing (and `chart_required` makes a transient one
        a DeliveryError). A lost answer to the post raises OutcomeUnknown."""
        client = client or self.client
        files = await self.charts.files_for(client, workspace, reply, required=chart_required)
        message = public_message(reply, lang, shared_by, files)
        if metadata:
            message["metadata"] = metadata
        return await post_message(client, channel, message)

    async def prepare(self, target: Target, reply: Reply) -> None:
        """Upload the briefing's charts (once per workspace and chart), before the fan-out
        records the post as being sent: a crash here leaves nothing to check."""
        client = await self.client_for(target.workspace)
        await self.charts.files_for(client, target.workspace, reply, required=True)

    async def deliver(self, target: Target, reply: Reply, delivery_id: str) -> str:
        """Post a scheduled briefing with `delivery_id` in its metadata; return its ts."""
        metadata = {"event_type": METADATA_EVENT, "event_payload": {"delivery_id": delivery_id}}
        client = await self.client_for(target.workspace)
        try:
            message = await self._rendered.message(client, target.workspace, reply)
            return await post_message(client, target.channel, {**message, "metadata": metadata})
        except API_ERRORS as exc:  # Slack answered with an error: nothing was posted
            code = error_code(exc)
            raise DeliveryError(code, permanent=code in PERMANENT_ERRORS) from None

    async def find_delivery(
        self, target: Target, delivery_id: str, since: dt.datetime | None = None
    ) -> str | None:
        """The ts of a message carrying `delivery_id` in the channel's history (since `since`),
        if any: after a crash or a lost answer, it tells whether the post went out. Within
        Slack's limits; raises CheckDeferred when it cannot tell yet."""
        client = await self.client_for(target.workspace)
        return await self.history.find(client, target, delivery_id, since)
