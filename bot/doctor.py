"""`python -m bot doctor`: one line per check, with a fix hint; exit 1 when a required one fails."""

from __future__ import annotations

import asyncio
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from config import Settings, SettingsError, load_settings


@dataclass(frozen=True)
class Check:
    name: str
    ok: bool
    detail: str
    fix: str = ""
    required: bool = True

    def line(self) -> str:
        status = "ok  " if self.ok else ("FAIL" if self.required else "warn")
        hint = f" (fix: {self.fix})" if not self.ok and self.fix else ""
        return f"{status} {self.name}: {self.detail}{hint}"


def _data_dir(settings: Settings) -> Check:
    try:
        Path(settings.data_dir).mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=settings.data_dir):
            pass
        return Check("data folder", True, f"{settings.data_dir} is writable")
    except OSError as error:
        return Check(
            "data folder",
            False,
            f"{settings.data_dir}: {error.strerror}",
            "set DATA_DIR to a folder the bot may write to",
        )


def _database(settings: Settings) -> Check:
    import sqlalchemy as sa

    from briefings.storage import Database

    shown = sa.engine.make_url(settings.resolved_database_url).render_as_string(hide_password=True)
    try:
        database = Database(settings.resolved_database_url)
        database.migrate()
        with database.engine.connect() as conn:
            revision = conn.execute(sa.text("SELECT version_num FROM alembic_version")).scalar()
        return Check("database", True, f"{shown} reachable, migrated to {revision}")
    except Exception as error:
        return Check(
            "database",
            False,
            f"{shown} unreachable ({type(error).__name__})",
            "check DATABASE_URL and that the server is up; `python -m bot migrate`",
        )


def _slack(settings: Settings) -> Check:
    if settings.slack_oauth:
        return Check("slack", True, "many workspaces (OAuth): tokens come from installations")
    if not settings.slack_bot_token:
        missing = [
            name
            for name, value in (
                ("SLACK_SIGNING_SECRET", settings.slack_signing_secret),
                ("SLACK_APP_TOKEN", settings.slack_app_token),
            )
            if value
        ]
        if missing:
            return Check(
                "slack",
                False,
                f"SLACK_BOT_TOKEN is missing ({', '.join(missing)} is set)",
                "set SLACK_BOT_TOKEN (xoxb-...) from the app's OAuth & Permissions page",
            )
        return Check("slack", True, "not configured (SLACK_BOT_TOKEN unset)", required=False)
    from bot.adapters.slack import resolve_mode

    try:
        mode = resolve_mode(settings, None)
    except SettingsError as error:
        return Check("slack", False, str(error), "see README, Slack")
    from slack_sdk.errors import SlackApiError
    from slack_sdk.web.async_client import AsyncWebClient

    async def auth() -> str:
        client = AsyncWebClient(
            token=settings.slack_bot_token.get_secret_value(),  # type: ignore[union-attr]
            base_url=settings.slack_api_url,
            timeout=10,
        )
        response = await client.auth_test()
        return f"auth.test ok: team {response.get('team')}, bot {response.get('user')}, {mode} mode"

    try:
        return Check("slack", True, asyncio.run(auth()))
    except SlackApiError as error:
        code = error.response.get("error", "error")
        return Check(
            "slack",
            False,
            f"auth.test failed: {code}",
            "check SLACK_BOT_TOKEN (xoxb-...) and that the app is installed",
        )
    except Exception as error:
        return Check(
            "slack",
            False,
            f"Slack unreachable ({type(error).__name__})",
            "check the network and SLACK_API_URL",
        )


def _discord(settings: Settings) -> Check:
    if not settings.discord_token:
        return Check("discord", True, "not configured (DISCORD_TOKEN unset)", required=False)
    from bot.adapters.discord.invite import InviteError, application_id

    try:
        app_id = asyncio.run(
            application_id(settings.model_copy(update={"discord_application_id": None}))
        )
        return Check("discord", True, f"login ok, application {app_id}")
    except InviteError as error:
        return Check("discord", False, f"login failed: {error}", "check DISCORD_TOKEN")
    except Exception as error:
        return Check(
            "discord",
            False,
            f"Discord unreachable ({type(error).__name__})",
            "check the network and DISCORD_API_URL",
        )


def _yahoo(settings: Settings) -> Check:
    if settings.market_data_file:
        return Check("market data", True, f"price file {settings.market_data_file}", required=False)
    from briefings.market.bars import MarketDataUnavailable
    from briefings.market.yahoo_source import YahooSource

    try:
        series = YahooSource(period="5d").fetch(settings.company_symbol)
        return Check(
            "market data",
            True,
            f"Yahoo Finance reachable, {settings.company_symbol} last bar {series.last.date}",
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


CHECKS: list[Callable[[Settings], Check]] = [
    _data_dir,
    _database,
    _slack,
    _discord,
    _yahoo,
    _embeddings,
]


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
    for check in CHECKS:
        result = check(settings)
        print(result.line(), flush=True)
        failed |= not result.ok and result.required
    return 1 if failed else 0
