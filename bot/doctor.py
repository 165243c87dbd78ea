"""`python -m bot doctor`: one line per check, with a fix hint; exit 1 when a required one fails."""

from __future__ import annotations

import logging
import tempfile
from collections.abc import Callable
from pathlib import Path

from bot.adapters import registry
from bot.checks import Check
from config import Settings, SettingsError, load_settings

__all__ = ["Check", "doctor"]


def _data_dir(settings: Settings) -> Check:
    try:
        Path(settings.storage.data_dir).mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=settings.storage.data_dir):
            pass
        return Check("data folder", True, f"{settings.storage.data_dir} is writable")
    except OSError as error:
        return Check(
            "data folder",
            False,
            f"{settings.storage.data_dir}: {error.strerror}",
            "set DATA_DIR to a folder the bot may write to",
        )


def _database(settings: Settings) -> Check:
    import sqlalchemy as sa

    from briefings.storage import Database

    shown = sa.engine.make_url(settings.storage.resolved_database_url).render_as_string(
        hide_password=True
    )
    database = Database(settings.storage.resolved_database_url)
    guard_log = logging.getLogger("briefings.storage.guard")
    level = guard_log.level
    guard_log.setLevel(logging.CRITICAL)  # a fault is this check's own line, not a log line too
    try:
        database.migrate()
        with database.engine.connect() as conn:
            revision = conn.execute(sa.text("SELECT version_num FROM alembic_version")).scalar()
        return Check("database", True, f"{shown} reachable, migrated to {revision}")
    except Exception as error:
        from briefings.storage.faults import StorageFault, problem_of

        fault = problem_of(error, str(database.file) if database.file else shown)
        if isinstance(fault, StorageFault):  # the file is there but unusable: say how to fix it
            what, _, fix = fault.line().removeprefix("database ").partition(": ")
            return Check("database", False, what, fix)
        return Check(
            "database",
            False,
            f"{shown} unreachable ({type(error).__name__})",
            "check DATABASE_URL and that the server is up; `python -m bot migrate`",
        )
    finally:
        guard_log.setLevel(level)


def _yahoo(settings: Settings) -> Check:
    if settings.market.data_file:
        return Check("market data", True, f"price file {settings.market.data_file}", required=False)
    from briefings.market.bars import MarketDataUnavailable
    from briefings.market.yahoo_source import YahooSource

    try:
        series = YahooSource(period="5d").fetch(settings.market.company_symbol)
        return Check(
            "market data",
            True,
            f"Yahoo Finance reachable, {settings.market.company_symbol} last bar {series.last.date}",
            required=False,
        )
    except MarketDataUnavailable as error:
        return Check(
            "market data",
            False,
            f"Yahoo Finance: {error.reason}",
            "the bot will answer from stored bars, labelled; check the network",
            required=False,
        )


def _embeddings(settings: Settings) -> Check:
    """Which back-end `ask`'s semantic retrieval uses ("lexical only because ..." if none)."""
    from briefings.knowledge.embeddings import embedder_for

    embedder, described = embedder_for(settings)
    return Check("embeddings", embedder is not None, described, "see README, ask", required=False)


def checks() -> list[Callable[[Settings], Check | None]]:
    """The storage, each platform's own check (from the registry), the market data, then
    the embeddings `ask` uses."""
    return [_data_dir, _database, *(p.health for p in registry.PLATFORMS), _yahoo, _embeddings]


def doctor() -> int:
    try:
        settings = load_settings()
    except SettingsError as error:
        print(Check("settings", False, str(error), "see .env.example").line())
        return 1
    from bot.logs import setup_logging

    setup_logging(settings)
    print(Check("settings", True, "valid").line())
    failed = False
    for check in checks():
        result = check(settings)
        if result is None:
            continue
        print(result.line(), flush=True)
        failed |= not result.ok and result.required
    return 1 if failed else 0
