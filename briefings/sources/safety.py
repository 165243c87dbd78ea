"""Which URLs the server may fetch for a person: http(s) only, and never a host that resolves to
a loopback, private, link-local, multicast or cloud-metadata address (unless
SOURCES_ALLOW_PRIVATE=yes lets the private ones through). The check runs on the addresses the
connection will use (a resolver in front of aiohttp's), so a name that resolves to 127.0.0.1,
or a redirect to one, is refused at connect time.
"""

from __future__ import annotations

import ipaddress
import socket
from typing import Any
from urllib.parse import urlsplit

from aiohttp.abc import AbstractResolver, ResolveResult
from aiohttp.resolver import ThreadedResolver

from chat.wording import Phrase, WordedError

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address

# Cloud instance-metadata endpoints: refused even with SOURCES_ALLOW_PRIVATE=yes.
METADATA = frozenset(
    ipaddress.ip_address(a)
    for a in ("169.254.169.254", "169.254.170.2", "fd00:ec2::254", "100.100.100.200")
)


class FetchRefused(WordedError):
    """A URL the bot will not fetch, or a fetch that failed; one line, worded for the reader."""


def address_refusal(address: IPAddress, allow_private: bool) -> str | None:
    """Why `address` may not be fetched (a short English word), or None when it may."""
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    if address in METADATA:
        return "metadata"
    if address.is_multicast:
        return "multicast"
    if address.is_unspecified:
        return "unspecified"
    if address.is_global:
        return None
    if allow_private and (address.is_private or address.is_loopback or address.is_link_local):
        return None
    if address.is_loopback:
        return "loopback"
    if address.is_link_local:
        return "link_local"
    return "private"


def check_url(url: str, allow_private: bool) -> str:
    """`url` when its scheme is http(s), it names a host, and that host, when an address, may be
    fetched; FetchRefused otherwise (host names are checked once resolved)."""
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError:
        raise FetchRefused("src_bad_url", url=_short(url)) from None
    if parts.scheme.lower() not in ("http", "https"):
        raise FetchRefused("src_bad_scheme", url=_short(url), scheme=parts.scheme or "none")
    host = parts.hostname
    if not host:
        raise FetchRefused("src_bad_url", url=_short(url))
    del port
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return url.strip()
    reason = address_refusal(address, allow_private)
    if reason:
        raise FetchRefused("src_private", host=host, kind=Phrase(f"src_addr_{reason}"))
    return url.strip()


class SafeResolver(AbstractResolver):
    """aiohttp's resolver, keeping only the addresses that may be fetched; none left: refused."""

    def __init__(self, allow_private: bool, inner: AbstractResolver | None = None) -> None:
        self.allow_private = allow_private
        self.inner = inner or ThreadedResolver()

    async def resolve(
        self, host: str, port: int = 0, family: socket.AddressFamily = socket.AF_INET
    ) -> list[ResolveResult]:
        results = await self.inner.resolve(host, port, family)
        kept, reasons = [], []
        for result in results:
            reason = address_refusal(ipaddress.ip_address(result["host"]), self.allow_private)
            if reason is None:
                kept.append(result)
            else:
                reasons.append(reason)
        if not kept:
            reason = reasons[0] if reasons else "unspecified"
            raise FetchRefused("src_private", host=host, kind=Phrase(f"src_addr_{reason}"))
        return kept

    async def close(self) -> None:
        await self.inner.close()


def _short(value: Any, limit: int = 80) -> str:
    text = " ".join(str(value).split())
    return text if len(text) <= limit else text[: limit - 1] + "…"
