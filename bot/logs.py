"""Logging: details (tracebacks included) to a log file; one-line warnings on stderr.

With LOG_FORMAT=json every record is a JSON line. Secrets never reach a log: settings hold
them as SecretStr, and the redacting filter masks any configured secret value that slips in.
"""

from __future__ import annotations

import atexit
import json
import logging
import sys
from logging.handlers import QueueHandler, QueueListener
from pathlib import Path
from queue import Queue

from pydantic import BaseModel

from bot.terminal import terminal_safe
from config import Settings


class OneLineFormatter(logging.Formatter):
    """No traceback on stderr: the message and the exception's type, on one line."""

    def format(self, record: logging.LogRecord) -> str:
        message = f"{record.levelname.lower()}: {record.getMessage()}"
        if record.exc_info and record.exc_info[0] is not None:
            message += f" ({record.exc_info[0].__name__}; details in the log file)"
        return terminal_safe(message.replace("\n", " "))


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": self.formatTime(record),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
        }
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False)


class RedactSecrets(logging.Filter):
    def __init__(self, secrets: list[str]) -> None:
        super().__init__()
        self.secrets = [s for s in secrets if len(s) >= 6]

    def filter(self, record: logging.LogRecord) -> bool:
        if self.secrets:
            message = record.getMessage()
            for secret in self.secrets:
                message = message.replace(secret, "***")
            record.msg, record.args = message, ()
        return True


def secret_values(settings: BaseModel) -> list[str]:
    values = []
    for name in type(settings).model_fields:
        value = getattr(settings, name)
        if isinstance(value, BaseModel):  # a group of settings
            values += secret_values(value)
        elif hasattr(value, "get_secret_value"):
            values.append(value.get_secret_value())
    return values


class SharedFormatter(logging.Formatter):
    """A formatter used by several handlers formats each record once."""

    def format(self, record: logging.LogRecord) -> str:
        done = record.__dict__.get("_formatted")
        if done is not None and done[0] is self:
            return str(done[1])
        text = super().format(record)
        record.__dict__["_formatted"] = (self, text)
        return text


class DeferredFlush:
    """A stream handler that writes at once but flushes when the listener's queue is empty
    (after a burst, not after every line); closing flushes too."""

    def flush(self) -> None:
        pass  # the listener calls flush_now()

    def flush_now(self) -> None:
        logging.StreamHandler.flush(self)  # type: ignore[arg-type]


class DeferredFileHandler(DeferredFlush, logging.FileHandler):
    def close(self) -> None:
        self.flush_now()
        super().close()


class BurstListener(QueueListener):
    """Redacts each record once (not once per handler), hands it to the handlers, and
    flushes them when no record is waiting."""

    def __init__(self, queue: Queue[logging.LogRecord], redact: logging.Filter, *handlers):  # type: ignore[no-untyped-def]
        super().__init__(queue, *handlers, respect_handler_level=True)
        self.redact = redact

    def prepare(self, record: logging.LogRecord) -> logging.LogRecord:
        self.redact.filter(record)
        return record

    def handle(self, record: logging.LogRecord) -> None:
        super().handle(record)
        if self.queue.empty():  # type: ignore[attr-defined]
            for handler in self.handlers:
                if isinstance(handler, DeferredFlush):
                    handler.flush_now()
                else:
                    handler.flush()


class StderrHandler(DeferredFlush, logging.StreamHandler):  # type: ignore[type-arg]
    """Writes to whatever sys.stderr is at the time of the record."""

    @property  # type: ignore[override]
    def stream(self):  # type: ignore[no-untyped-def]
        return sys.stderr

    @stream.setter
    def stream(self, _value) -> None:  # type: ignore[no-untyped-def]
        pass


def setup_logging(settings: Settings, service: bool = False, quiet: bool = False) -> None:
    """Configure the root logger. `service=True` (the running bot) logs INFO to stderr too;
    `quiet=True` (the console) logs to the file only, so nothing lands between chat lines.

    Records go through a queue: the event loop only enqueues them, and a listener thread
    formats, redacts and writes them (to stderr and DATA_DIR/bot.log)."""
    global _listener
    root = logging.getLogger()
    for handler in [h for h in root.handlers if getattr(h, "bot_handler", False)]:
        root.removeHandler(handler)
        handler.close()
    if _listener is not None:
        _listener.stop()
        _listener = None
    # DEBUG only when asked: otherwise every library debug call would build a record for nothing.
    root.setLevel(logging.DEBUG if settings.log.level == "DEBUG" else logging.INFO)
    redact = RedactSecrets(secret_values(settings))
    text_format = SharedFormatter("%(asctime)s %(levelname)s %(name)s: %(message)s")
    stderr = StderrHandler()
    if service:
        stderr.setLevel(settings.log.level)
        stderr.setFormatter(JsonFormatter() if settings.log.format == "json" else text_format)
    else:
        stderr.setLevel(logging.WARNING)
        stderr.setFormatter(OneLineFormatter())
    handlers: list[logging.Handler] = [stderr]
    try:
        Path(settings.storage.data_dir).mkdir(parents=True, exist_ok=True)
        file_handler = DeferredFileHandler(
            Path(settings.storage.data_dir) / "bot.log", encoding="utf-8"
        )
        file_handler.setLevel(logging.DEBUG if settings.log.level == "DEBUG" else logging.INFO)
        file_handler.setFormatter(JsonFormatter() if settings.log.format == "json" else text_format)
        handlers.append(file_handler)
    except OSError:
        pass  # a read-only data folder: stderr only
    if quiet and len(handlers) > 1:
        handlers.remove(stderr)
    queue: Queue[logging.LogRecord] = Queue()
    entry = QueueHandler(queue)
    entry.bot_handler = True  # type: ignore[attr-defined]
    root.addHandler(entry)
    _listener = BurstListener(queue, redact, *handlers)
    _listener.start()
    for noisy in ("alembic", "asyncio", "urllib3", "peewee", "matplotlib", "apscheduler"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
    logging.getLogger("yfinance").setLevel(logging.ERROR)  # its failures reach us as exceptions


_listener: QueueListener | None = None


@atexit.register
def _stop_listener() -> None:
    """Flush what is queued (at exit)."""
    global _listener
    if _listener is not None:
        _listener.stop()
        _listener = None
