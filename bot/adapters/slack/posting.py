"""Posting on Slack as Slack allows it: charts uploaded once and shown by file id, channels
joined when Slack refuses a post and before their history is read, and history read within
Slack's limits (outside the Marketplace: 15 messages a call, one call a minute per workspace).

A chart is uploaded once per (workspace, chart) with no channel (`files.completeUploadExternal`
without `channel_id`): a file of the bot's own, which an image block (`slack_file: {id}`) shows
in any channel the bot can post in, public briefings and ephemeral answers alike, where sharing
the file itself in a channel the bot was never invited to would be refused (`not_in_channel`).
"""

from __future__ import annotations

import asyncio
import datetime as dt
import hashlib
import logging
from collections import OrderedDict
from collections.abc import Callable, Mapping
from typing import Any

import aiohttp
from slack_sdk.errors import SlackApiError, SlackClientError
from slack_sdk.web.async_client import AsyncWebClient

from bot.adapters.slack.blocks import public_message, reply_lang
from chat.delivery import CheckDeferred, DeliveryError, OutcomeUnknown, Target
from chat.reply import Image, Reply

log = logging.getLogger(__name__)

METADATA_EVENT = "meta_briefing"
HISTORY_LIMIT = 15  # messages a conversations.history call may return (non-Marketplace apps)
HISTORY_EVERY = 60.0  # seconds between two such calls in one workspace
MARKETPLACE_HISTORY = (100, 1.2)  # Marketplace apps: Tier 3, about 50 calls a minute
MARKETPLACE_QUEUE = 30.0  # seconds a check may wait for its turn in a pass, else next sweep
HISTORY_MARGIN = dt.timedelta(minutes=5)  # read from this long before the post was sent (skew)
CACHED_CHARTS = 256
FILE_WAITS = (1.0, 2.0, 4.0)  # seconds before showing a just-uploaded file is tried again

# Errors a retry can't fix: the subscription should be marked, not retried.
PERMANENT_ERRORS = frozenset(
    {
        "not_in_channel",
        "channel_not_found",
        "is_archived",
        "access_denied",
        "account_inactive",
        "invalid_auth",
        "missing_scope",
    }
)
CANNOT_POST = frozenset({"not_in_channel", "channel_not_found", "is_archived", "access_denied"})

# What a Web API call raises once the SDK's own retries are spent.
API_ERRORS = (SlackClientError, aiohttp.ClientError, TimeoutError)


def error_code(exc: Exception) -> str:
    """Slack's error code (`channel_not_found`), or a short description without secrets."""
    if isinstance(exc, SlackApiError):
        data = exc.response.data if exc.response is not None else None
        if isinstance(data, Mapping) and data.get("error"):
            return str(data["error"])
        status = exc.response.status_code if exc.response is not None else "?"
        return f"http_{status}"
    if isinstance(exc, TimeoutError):
        return "timeout"
    return f"connection_error ({type(exc).__name__})"


def _answered(exc: Exception) -> bool:
    """Slack answered (an error body, a 5xx, a 429): the call had no effect."""
    return isinstance(exc, SlackApiError)


def _retry_after(exc: SlackApiError) -> float:
    headers = exc.response.headers if exc.response is not None else {}
    for name, value in (headers or {}).items():
        if name.lower() == "retry-after":
            values = value if isinstance(value, list) else [value]
            try:
                return float(values[0])
            except (ValueError, IndexError):
                break
    return HISTORY_EVERY


async def join(client: AsyncWebClient, channel: str) -> bool:
    """Join a public channel (`channels:join`); False (logged) where Slack refuses, such as a
    private channel, which needs an invitation."""
    try:
        await client.conversations_join(channel=channel)
        return True
    except API_ERRORS as exc:
        log.info("slack: could not join channel %s: %s", channel, error_code(exc))
        return False


class ChartFiles:
    """Uploads each chart once per workspace and remembers its file id. Posts that want the
    same chart while it is being uploaded share that upload, and its failure: in a fan-out
    during an outage, one attempt fails for all, not one after the other."""

    def __init__(self) -> None:
        self._ids: OrderedDict[tuple[str, str], str] = OrderedDict()
        self._uploads: dict[tuple[str, str], asyncio.Task[str]] = {}
        self._digests: OrderedDict[int, tuple[bytes, str]] = OrderedDict()

    def _digest(self, png: bytes) -> str:
        """The chart's SHA-256, computed once per bytes object (a fan-out shows the same one
        in every channel)."""
        known = self._digests.get(id(png))
        if known is not None and known[0] is png:
            return known[1]
        digest = hashlib.sha256(png).hexdigest()
        self._digests[id(png)] = (png, digest)  # the bytes are kept: their id is not reused
        while len(self._digests) > CACHED_CHARTS:
            self._digests.popitem(last=False)
        return digest

    async def file_id(self, client: AsyncWebClient, workspace: str, image: Image) -> str:
        key = (workspace, self._digest(image.png))
        if key in self._ids:
            return self._ids[key]
        upload = self._uploads.get(key)
        if upload is None:
            upload = asyncio.ensure_future(self._upload(client, image))
            self._uploads[key] = upload
            upload.add_done_callback(lambda done: self._finished(key, done))
        return await asyncio.shield(upload)  # a cancelled poster leaves the upload to the others

    def _finished(self, key: tuple[str, str], done: asyncio.Task[str]) -> None:
        self._uploads.pop(key, None)
        if done.cancelled() or done.exception() is not None:
            return  # (the exception is read here, and raised in every poster that waited)
        self._ids[key] = done.result()
        while len(self._ids) > CACHED_CHARTS:
            self._ids.popitem(last=False)

    @staticmethod
    async def _upload(client: AsyncWebClient, image: Image) -> str:
        response = await client.files_upload_v2(  # no channel: a file of the bot's own
            file=image.png, filename=image.filename, title=image.alt, alt_txt=image.alt
        )
        file = response.get("file") or (response.get("files") or [{}])[0]
        return str(file["id"])

    async def files_for(
        self, client: AsyncWebClient, workspace: str, reply: Reply, required: bool
    ) -> dict[Image, str]:
        """The file ids of the reply's images. A chart Slack refuses for good is left out
        (logged); a transient failure raises a transient DeliveryError when `required` (a
        scheduled post waits for a later sweep rather than go out without its chart)."""
        files: dict[Image, str] = {}
        for image in reply.images:
            try:
                files[image] = await self.file_id(client, workspace, image)
            except API_ERRORS as exc:
                code = error_code(exc)
                transient = code not in PERMANENT_ERRORS and code != "file_uploads_disabled"
                log.warning("slack: chart upload failed: %s", code)
                if required and transient:
                    raise DeliveryError(f"chart upload: {code}") from None
        return files


class RenderedPosts:
    """A scheduled post's message (Block Kit, charts by file id) made once per reply object
    and workspace: a fan-out hands the same Reply to every channel with the same briefing."""

    def __init__(self, charts: ChartFiles, default_language: str) -> None:
        self.charts = charts
        self.default_language = default_language
        self._made: OrderedDict[tuple[int, str], tuple[Reply, dict[str, Any]]] = OrderedDict()

    async def message(self, client: AsyncWebClient, workspace: str, reply: Reply) -> dict[str, Any]:
        """The message to post (shared: copy it before adding to it). Charts are uploaded
        first; a transient upload failure raises a transient DeliveryError."""
        key = (id(reply), workspace)
        made = self._made.get(key)
        if made is not None and made[0] is reply:
            return made[1]
        files = await self.charts.files_for(client, workspace, reply, required=True)
        lang = reply_lang(reply, None, self.default_language)
        message = public_message(reply, lang, None, files)
        self._made[key] = (reply, message)  # the reply is kept: its id is not reused
        while len(self._made) > CACHED_CHARTS:
            self._made.popitem(last=False)
        return message


def _file_not_ready(exc: SlackApiError) -> bool:
    """Slack refused an image block's file: usually one it has not finished processing."""
    data = exc.response.data if exc.response is not None else None
    errors = data.get("errors") if isinstance(data, Mapping) else None
    return error_code(exc) == "invalid_blocks" and "slack_file" in str(errors)


def _has_images(message: dict[str, Any]) -> bool:
    return any(b.get("type") == "image" for b in message.get("blocks") or [])


def without_images(message: dict[str, Any]) -> dict[str, Any]:
    """The message without its image blocks (a chart Slack would not show)."""
    blocks = [b for b in message.get("blocks") or [] if b.get("type") != "image"]
    return {**message, "blocks": blocks}


async def post_message(client: AsyncWebClient, channel: str, message: dict[str, Any]) -> str:
    """chat.postMessage; where Slack answers `not_in_channel`, join the channel and post once
    more. Slack finishes an upload asynchronously, so an image block naming a file it has not
    processed yet is refused (nothing is posted): tried again after `FILE_WAITS`, then sent
    without the image. A lost answer raises OutcomeUnknown; refusals raise SlackApiError."""
    joined = False
    waits = iter(FILE_WAITS)
    while True:
        try:
            response = await client.chat_postMessage(
                channel=channel, unfurl_links=False, unfurl_media=False, **message
            )
            return str(response["ts"])
        except SlackApiError as exc:
            if not joined and error_code(exc) == "not_in_channel":
                joined = True
                if await join(client, channel):
                    continue
            elif _file_not_ready(exc) and _has_images(message):
                if (wait := next(waits, None)) is not None:
                    await asyncio.sleep(wait)
                else:
                    log.warning("slack: the chart's file was refused; posting without it")
                    message = without_images(message)
                continue
            raise
        except API_ERRORS as exc:
            raise OutcomeUnknown(error_code(exc)) from None


async def update_message(
    client: AsyncWebClient, channel: str, ts: str, message: dict[str, Any]
) -> None:
    """chat.update of a message the bot posted, its chart shown by file id like a post's: an
    image block naming a file Slack has not processed yet is tried again after `FILE_WAITS`,
    then the message changes without it."""
    waits = iter(FILE_WAITS)
    while True:
        try:
            await client.chat_update(
                channel=channel, ts=ts, text=message["text"], blocks=message["blocks"]
            )
            return
        except SlackApiError as exc:
            if not (_file_not_ready(exc) and _has_images(message)):
                raise
            if (wait := next(waits, None)) is not None:
                await asyncio.sleep(wait)
            else:
                log.warning("slack: the chart's file was refused; updating without it")
                message = without_images(message)


async def respond_with_charts(respond: Any, message: dict[str, Any]) -> Any:
    """Answer through response_url; a refused image block (a file still being processed) is
    tried again after `FILE_WAITS`, then the answer goes without it."""
    waits = iter(FILE_WAITS)
    while True:
        result = await respond(message)
        if getattr(result, "status_code", 200) != 400 or not _has_images(message):
            return result  # (Slack answers refused blocks with a 400)
        if (wait := next(waits, None)) is not None:
            await asyncio.sleep(wait)
        else:
            log.warning("slack: the chart's file was refused; answering without it")
            message = without_images(message)


class HistoryCheck:
    """Whether a briefing is already in a channel, read from its history by the delivery id in
    the message metadata, within Slack's limits: 15 messages a call, one call a minute per
    workspace (apps outside the Marketplace), or Tier 3 (SLACK_MARKETPLACE_APP: a call every
    1.2 s, queued for up to `MARKETPLACE_QUEUE` seconds). A call that cannot be made now raises
    CheckDeferred (the next sweep asks). The channel is joined before its first read: a read
    refused for want of membership would spend the minute's call."""

    def __init__(self, now: Callable[[], dt.datetime], marketplace: bool = False) -> None:
        self.now = now
        self.limit, self.every = (
            MARKETPLACE_HISTORY if marketplace else (HISTORY_LIMIT, HISTORY_EVERY)
        )
        self.queue = MARKETPLACE_QUEUE if marketplace else 0.0
        self._free_at: dict[str, float] = {}  # workspace -> when the next call is allowed
        self._cursors: dict[str, str] = {}  # delivery id -> where the next page starts
        self._joined: set[tuple[str, str]] = set()  # (workspace, channel) the bot is in

    async def _turn(self, workspace: str) -> None:
        """Wait for this workspace's next history call, if it comes within `queue` seconds;
        else CheckDeferred. Turns are taken in order of asking."""
        now = self.now().timestamp()
        free_at = self._free_at.get(workspace, 0.0)
        wait = free_at - now
        if wait > self.queue:
            raise CheckDeferred(f"history read allowed again in {wait:.0f} s")
        self._free_at[workspace] = max(now, free_at) + self.every
        if wait > 0:
            await asyncio.sleep(wait)

    async def find(
        self, client: AsyncWebClient, target: Target, delivery_id: str, since: dt.datetime | None
    ) -> str | None:
        await self._turn(target.workspace)
        now = self.now().timestamp()
        member = (target.workspace, target.channel)
        if member not in self._joined:  # once: a private channel refuses, invited or not
            await join(client, target.channel)
            self._joined.add(member)
        bare = AsyncWebClient(  # no retry handlers: a 429 here defers, it never waits
            token=client.token, base_url=client.base_url, session=client.session
        )
        params: dict[str, Any] = {"limit": self.limit, "include_all_metadata": True}
        if since is not None:
            params["oldest"] = f"{(since - HISTORY_MARGIN).timestamp():.6f}"
        if cursor := self._cursors.get(delivery_id):
            params["cursor"] = cursor
        try:
            response = await bare.conversations_history(channel=target.channel, **params)
        except SlackApiError as exc:
            code = error_code(exc)
            if code == "not_in_channel" and member in self._joined:  # removed since joined
                self._joined.discard(member)
                if await join(client, target.channel):
                    self._joined.add(member)
                    raise CheckDeferred("joined the channel to read its history") from None
            if code == "ratelimited":
                self._free_at[target.workspace] = now + _retry_after(exc)
                raise CheckDeferred("ratelimited") from None
            raise DeliveryError(code, permanent=code in PERMANENT_ERRORS) from None
        except API_ERRORS as exc:
            raise DeliveryError(error_code(exc)) from None
        for message in response.get("messages") or []:
            meta = message.get("metadata") or {}
            payload = meta.get("event_payload") or {}
            if (
                meta.get("event_type") == METADATA_EVENT
                and payload.get("delivery_id") == delivery_id
            ):
                self._cursors.pop(delivery_id, None)
                return str(message["ts"])
        next_cursor = (response.get("response_metadata") or {}).get("next_cursor")
        if response.get("has_more") and next_cursor:
            self._cursors[delivery_id] = str(next_cursor)
            raise CheckDeferred("more history to read")
        self._cursors.pop(delivery_id, None)
        return None
