"""What `POST /slack/events` checks before anything trusts a request: the signature over the
raw body, the timestamp window, replays of a request already run, and Slack's own retries.

Nothing from an unsigned request is logged but its size and the reason it was refused, at
most one line every `LOG_EVERY` seconds (with a count of the others)."""

from __future__ import annotations

import json
import logging
import time
import urllib.parse
from collections import OrderedDict
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from enum import Enum

from slack_sdk.signature import Clock, SignatureVerifier

log = logging.getLogger(__name__)

WINDOW = 300  # seconds: Slack's signatures are valid for five minutes
MAX_REMEMBERED = 50_000  # signatures kept for replay detection (about 5 MB at most)
LOG_EVERY = 10.0  # seconds between two log lines about refused requests


class Verdict(Enum):
    RUN = "run"  # a fresh, signed request: hand it to Bolt
    REPLAY = "replay"  # signed, but already run (a replay, or Slack retrying): answer, run nothing
    UNSIGNED = "unsigned"  # 401
    MALFORMED = "malformed"  # signed, but not a payload Slack sends: 400


@dataclass(frozen=True)
class Checked:
    verdict: Verdict
    reason: str = ""


class RequestGate:
    """Decides what to do with one request to `/slack/events`, before Bolt sees it."""

    def __init__(self, signing_secret: str, clock: Callable[[], float] = time.time) -> None:
        # No secret (Socket Mode, where nothing comes over HTTP): every request is unsigned.
        self._verifier = (
            SignatureVerifier(signing_secret, clock=_Clock(clock)) if signing_secret else None
        )
        self._clock = clock
        self._seen: OrderedDict[str, float] = OrderedDict()
        self._refused = _RefusalLog(clock)

    def check(self, raw: bytes, headers: Mapping[str, str]) -> Checked:
        stamp = headers.get("X-Slack-Request-Timestamp", "")
        signature = headers.get("X-Slack-Signature", "")
        reason = self._unsigned_reason(raw, stamp, signature)
        if reason:
            self._refused.note(len(raw), reason)
            return Checked(Verdict.UNSIGNED, reason)
        if headers.get("X-Slack-Retry-Num"):
            return Checked(Verdict.REPLAY, "slack retry " + headers.get("X-Slack-Retry-Reason", ""))
        if not self._first_time(signature):
            return Checked(Verdict.REPLAY, "replayed signature")
        malformed = _malformed(raw, headers.get("Content-Type", ""))
        if malformed:
            log.warning("slack: refused a signed request (%s bytes): %s", len(raw), malformed)
            return Checked(Verdict.MALFORMED, malformed)
        return Checked(Verdict.RUN)

    def _unsigned_reason(self, raw: bytes, stamp: str, signature: str) -> str:
        if not (stamp.isascii() and stamp.isdigit()):
            return "no valid timestamp"
        if abs(self._clock() - int(stamp)) > WINDOW:
            return "timestamp outside the five-minute window"
        if not signature:
            return "no signature"
        try:
            body = raw.decode("utf-8")
        except UnicodeDecodeError:
            return "body is not UTF-8"
        if self._verifier is None or not self._verifier.is_valid(body, stamp, signature):
            return "bad signature"
        return ""

    def _first_time(self, signature: str) -> bool:
        """Remember a signature for the window; False if it was already seen within it."""
        now = self._clock()
        while self._seen:
            oldest, seen_at = next(iter(self._seen.items()))
            if now - seen_at <= WINDOW and len(self._seen) < MAX_REMEMBERED:
                break
            del self._seen[oldest]
        if signature in self._seen:
            return False
        self._seen[signature] = now
        return True


def _malformed(raw: bytes, content_type: str) -> str:
    """Why a signed body is not one Slack sends, or ''. Slash commands and interactions are
    form-encoded (interactions carry a JSON object in `payload`); events are a JSON object."""
    text = raw.decode("utf-8")
    if content_type.startswith("application/json"):
        try:
            return "" if isinstance(json.loads(text), dict) else "JSON body is not an object"
        except ValueError:
            return "body is not JSON"
    form = urllib.parse.parse_qs(text, keep_blank_values=True)
    if "payload" in form:
        try:
            payload = json.loads(form["payload"][0])
        except ValueError:
            return "payload is not JSON"
        if not isinstance(payload, dict):
            return "payload is not a JSON object"
    return ""


class _Clock(Clock):
    """slack_sdk's SignatureVerifier wants an object with `now()`."""

    def __init__(self, clock: Callable[[], float]) -> None:
        self._clock = clock

    def now(self) -> float:
        return self._clock()


class _RefusalLog:
    """One warning line every LOG_EVERY seconds about refused requests, however many come."""

    def __init__(self, clock: Callable[[], float]) -> None:
        self._clock = clock
        self._last = -LOG_EVERY
        self._quiet = 0

    def note(self, size: int, reason: str) -> None:
        now = self._clock()
        if now - self._last < LOG_EVERY:
            self._quiet += 1
            return
        others = f" ({self._quiet} more refused since the last line)" if self._quiet else ""
        log.warning("slack: refused an unsigned request (%s bytes): %s%s", size, reason, others)
        self._last, self._quiet = now, 0
