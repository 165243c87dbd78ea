"""One OpenAI-compatible chat-completions endpoint (Ollama, vLLM, llama.cpp's server, a hosted
API), through the `openai` client: a timeout per attempt, two attempts in all, no streaming.

Every failure (timeout, connection error, an HTTP error status, a refusal, an empty or malformed
reply) becomes ModelUnavailable with a short reason that is safe to log: never the API key,
never the prompt.
"""

from __future__ import annotations

import logging
import threading
from typing import TYPE_CHECKING, Any

from config import Settings

if TYPE_CHECKING:
    from openai import OpenAI

log = logging.getLogger(__name__)
MAX_TOKENS = 400
NO_KEY = "not-needed"  # local servers (Ollama, llama.cpp) want no key, but the client wants one


class ModelUnavailable(Exception):
    """The model gave no usable reply; the message is the reason, safe to log."""


class ChatModel:
    """Sends a conversation, returns the reply's text. Thread-safe; the client is built on first
    use, so that importing this module costs nothing."""

    def __init__(self, settings: Settings) -> None:
        if not settings.llm.enabled:
            raise ValueError("LLM_BASE_URL and LLM_MODEL are not set")
        self.base_url = str(settings.llm.base_url).rstrip("/")
        self.where = _safe_url(self.base_url)  # for logs: no user, password or query
        self.model = str(settings.llm.model)
        self.timeout = settings.llm.timeout
        self._api_key = settings.llm.api_key  # SecretStr: revealed only to the client
        self._client: OpenAI | None = None
        self._lock = threading.Lock()

    def __repr__(self) -> str:
        return f"ChatModel(model={self.model!r}, base_url={self.where!r})"

    @property
    def client(self) -> OpenAI:
        with self._lock:
            if self._client is None:
                from openai import OpenAI

                key = self._api_key.get_secret_value() if self._api_key else NO_KEY
                self._client = OpenAI(
                    base_url=self.base_url,
                    api_key=key,
                    timeout=self.timeout,
                    max_retries=1,  # two attempts in all
                )
            return self._client

    def complete(self, messages: list[dict[str, str]], purpose: str) -> str:
        """The reply's text; raises ModelUnavailable. Blocking: call it from a thread."""
        import openai

        try:
            response = self.client.chat.completions.create(
                model=self.model,
                messages=messages,  # type: ignore[arg-type]
                temperature=0,
                max_tokens=MAX_TOKENS,
                stream=False,
            )
        except openai.APITimeoutError:
            raise self._unavailable(purpose, f"timed out after {self.timeout:g} s") from None
        except openai.APIConnectionError:
            raise self._unavailable(purpose, "connection failed") from None
        except openai.APIStatusError as error:
            raise self._unavailable(purpose, f"HTTP {error.status_code}") from None
        except Exception as error:  # a malformed body, anything the client did not expect
            raise self._unavailable(purpose, f"unusable reply ({type(error).__name__})") from None
        return self._text(response, purpose)

    def _text(self, response: Any, purpose: str) -> str:
        try:
            choice = response.choices[0]
            message = choice.message
        except (AttributeError, IndexError, TypeError):
            raise self._unavailable(purpose, "malformed reply (no choices)") from None
        if getattr(message, "refusal", None) or choice.finish_reason == "content_filter":
            raise self._unavailable(purpose, "the model refused")
        content = message.content if isinstance(message.content, str) else None
        if not content or not content.strip():
            raise self._unavailable(purpose, "empty reply")
        return content

    def _unavailable(self, purpose: str, reason: str) -> ModelUnavailable:
        log.warning(
            "language model %s at %s: %s for %s; extractive fallback",
            self.model,
            self.where,
            reason,
            purpose,
        )
        return ModelUnavailable(reason)


def _safe_url(url: str) -> str:
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    host = parts.hostname or ""
    port = f":{parts.port}" if parts.port else ""
    return f"{parts.scheme}://{host}{port}{parts.path}"
