"""Fetch one URL for a source, safely: every hop checked (`safety`), redirects followed by hand
(at most MAX_REDIRECTS, loops refused), a time limit on every fetch, bodies capped at
SOURCES_MAX_BYTES, and conditional GET (ETag / Last-Modified) for feeds."""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

import aiohttp

from briefings.sources.safety import FetchRefused, SafeResolver, check_url

log = logging.getLogger(__name__)
MAX_REDIRECTS = 5
USER_AGENT = "meta-briefing-bot/0.1 (+knowledge base sources)"
CHUNK = 64 * 1024


@dataclass(frozen=True)
class Fetched:
    """What a URL gave: its final URL (after redirects), status, type and body."""

    url: str
    status: int
    content_type: str
    body: bytes
    etag: str | None = None
    last_modified: str | None = None

    @property
    def not_modified(self) -> bool:
        return self.status == 304


class Fetcher:
    """Fetches URLs with the safety rules; one aiohttp session per `async with`."""

    def __init__(self, allow_private: bool, max_bytes: int, timeout: float = 15.0) -> None:
        self.allow_private = allow_private
        self.max_bytes = max_bytes
        self.timeout = timeout
        self._session: aiohttp.ClientSession | None = None

    async def __aenter__(self) -> Fetcher:
        connector = aiohttp.TCPConnector(resolver=SafeResolver(self.allow_private), limit=8)
        self._session = aiohttp.ClientSession(
            connector=connector,
            timeout=aiohttp.ClientTimeout(total=self.timeout, connect=min(self.timeout, 10)),
            headers={"User-Agent": USER_AGENT},
            trust_env=False,  # never through a proxy that would resolve names for us
        )
        return self

    async def __aexit__(self, *_: object) -> None:
        if self._session is not None:
            await self._session.close()
            self._session = None

    async def fetch(
        self, url: str, etag: str | None = None, last_modified: str | None = None
    ) -> Fetched:
        """The body at `url`; FetchRefused with one clear reason otherwise."""
        try:
            return await asyncio.wait_for(self._fetch(url, etag, last_modified), self.timeout)
        except TimeoutError:
            raise FetchRefused("src_timeout", seconds=f"{self.timeout:g}") from None

    async def _fetch(self, url: str, etag: str | None, last_modified: str | None) -> Fetched:
        assert self._session is not None, "use `async with Fetcher(...)`"
        seen: list[str] = []
        current = check_url(url, self.allow_private)
        headers = {}
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        while True:
            if current in seen:
                raise FetchRefused("src_redirect_loop")
            if len(seen) > MAX_REDIRECTS:
                raise FetchRefused("src_too_many_redirects", limit=MAX_REDIRECTS)
            seen.append(current)
            try:
                async with self._session.get(
                    current, headers=headers, allow_redirects=False
                ) as response:
                    if response.status in (301, 302, 303, 307, 308):
                        location = response.headers.get("Location")
                        if not location:
                            raise FetchRefused("src_http_status", status=response.status)
                        current = check_url(urljoin(current, location), self.allow_private)
                        continue
                    if response.status == 304:
                        return Fetched(current, 304, "", b"", etag, last_modified)
                    if response.status >= 400:
                        raise FetchRefused("src_http_status", status=response.status)
                    body = await self._read(response)
                    return Fetched(
                        url=current,
                        status=response.status,
                        content_type=response.headers.get("Content-Type", "")
                        .split(";")[0]
                        .strip()
                        .lower(),
                        body=body,
                        etag=response.headers.get("ETag"),
                        last_modified=response.headers.get("Last-Modified"),
                    )
            except FetchRefused:
                raise
            except aiohttp.InvalidURL:
                raise FetchRefused("src_bad_url", url=current[:80]) from None
            except (aiohttp.ClientError, OSError) as error:
                log.info("sources: fetching %s failed: %s", current, type(error).__name__)
                raise FetchRefused("src_unreachable", host=_host(current)) from None

    async def _read(self, response: aiohttp.ClientResponse) -> bytes:
        declared = response.content_length
        if declared is not None and declared > self.max_bytes:
            raise FetchRefused("src_too_big", limit=_megabytes(self.max_bytes))
        chunks, size = [], 0
        async for chunk in response.content.iter_chunked(CHUNK):
            size += len(chunk)
            if size > self.max_bytes:
                raise FetchRefused("src_too_big", limit=_megabytes(self.max_bytes))
            chunks.append(chunk)
        return b"".join(chunks)


def _host(url: str) -> str:
    return urlsplit(url).hostname or url[:60]


def _megabytes(size: int) -> str:
    return f"{size / 1_000_000:.3g} MB"
