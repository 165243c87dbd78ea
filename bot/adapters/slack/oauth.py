"""Slack for many workspaces: Bolt's OAuth install flow, installations kept in the bot's database.

slack_sdk's SQLAlchemy stores are synchronous; Bolt's AsyncApp wants async ones, so each call
runs in a thread. The tables come from slack_sdk's own builders, created by our migration 0004.
"""

from __future__ import annotations

import asyncio
from typing import Any

from slack_bolt.oauth.async_oauth_flow import AsyncOAuthFlow
from slack_bolt.oauth.async_oauth_settings import AsyncOAuthSettings
from slack_sdk.oauth.installation_store.async_installation_store import AsyncInstallationStore
from slack_sdk.oauth.installation_store.models.bot import Bot
from slack_sdk.oauth.installation_store.models.installation import Installation
from slack_sdk.oauth.installation_store.sqlalchemy import SQLAlchemyInstallationStore
from slack_sdk.oauth.state_store.async_state_store import AsyncOAuthStateStore
from slack_sdk.oauth.state_store.sqlalchemy import SQLAlchemyOAuthStateStore
from slack_sdk.web.async_client import AsyncWebClient
from sqlalchemy.engine import Engine

from config import SlackSettings

INSTALLATIONS_TABLE = "slack_installations"
BOTS_TABLE = "slack_bots"
STATES_TABLE = "slack_oauth_states"
INSTALL_PATH = "/slack/install"
REDIRECT_PATH = "/slack/oauth_redirect"
BOT_SCOPES = [
    "commands",
    "chat:write",
    "chat:write.public",
    "channels:join",
    "files:write",
    "channels:history",
    "groups:history",
]
AUTHORIZE_URL = "https://slack.com/oauth/v2/authorize"


class ThreadedInstallationStore(AsyncInstallationStore):
    """slack_sdk's SQLAlchemy installation store, each call in a thread."""

    def __init__(self, store: SQLAlchemyInstallationStore) -> None:
        self.store = store

    @property
    def logger(self) -> Any:
        return self.store.logger

    async def async_save(self, installation: Installation) -> None:
        await asyncio.to_thread(self.store.save, installation)

    async def async_save_bot(self, bot: Bot) -> None:
        await asyncio.to_thread(self.store.save_bot, bot)

    async def async_find_bot(
        self,
        *,
        enterprise_id: str | None,
        team_id: str | None,
        is_enterprise_install: bool | None = False,
    ) -> Bot | None:
        return await asyncio.to_thread(
            self.store.find_bot,
            enterprise_id=enterprise_id,
            team_id=team_id,
            is_enterprise_install=is_enterprise_install,
        )

    async def async_find_installation(
        self,
        *,
        enterprise_id: str | None,
        team_id: str | None,
        user_id: str | None = None,
        is_enterprise_install: bool | None = False,
    ) -> Installation | None:
        return await asyncio.to_thread(
            self.store.find_installation,
            enterprise_id=enterprise_id,
            team_id=team_id,
            user_id=user_id,
            is_enterprise_install=is_enterprise_install,
        )

    async def async_delete_bot(self, *, enterprise_id: str | None, team_id: str | None) -> None:
        await asyncio.to_thread(self.store.delete_bot, enterprise_id=enterprise_id, team_id=team_id)

    async def async_delete_installation(
        self, *, enterprise_id: str | None, team_id: str | None, user_id: str | None = None
    ) -> None:
        await asyncio.to_thread(
            self.store.delete_installation,
            enterprise_id=enterprise_id,
            team_id=team_id,
            user_id=user_id,
        )


class ThreadedStateStore(AsyncOAuthStateStore):
    """slack_sdk's SQLAlchemy OAuth state store (CSRF protection), each call in a thread."""

    def __init__(self, store: SQLAlchemyOAuthStateStore) -> None:
        self.store = store

    @property
    def logger(self) -> Any:
        return self.store.logger

    async def async_issue(self, *args: Any, **kwargs: Any) -> str:
        return await asyncio.to_thread(self.store.issue, *args, **kwargs)

    async def async_consume(self, state: str) -> bool:
        return await asyncio.to_thread(self.store.consume, state)


def installation_store(config: SlackSettings, engine: Engine) -> ThreadedInstallationStore:
    assert config.client_id
    return ThreadedInstallationStore(
        SQLAlchemyInstallationStore(
            client_id=config.client_id,
            engine=engine,
            installations_table_name=INSTALLATIONS_TABLE,
            bots_table_name=BOTS_TABLE,
        )
    )


def oauth_flow(
    config: SlackSettings, engine: Engine, store: ThreadedInstallationStore
) -> AsyncOAuthFlow:
    """The install flow: `/slack/install` redirects to Slack, `/slack/oauth_redirect` stores
    the installation (`oauth.v2.access` through SLACK_API_URL)."""
    assert config.client_id and config.client_secret
    states = ThreadedStateStore(
        SQLAlchemyOAuthStateStore(expiration_seconds=600, engine=engine, table_name=STATES_TABLE)
    )
    oauth_settings = AsyncOAuthSettings(
        client_id=config.client_id,
        client_secret=config.client_secret.get_secret_value(),
        scopes=BOT_SCOPES,
        installation_store=store,
        state_store=states,
        install_path=INSTALL_PATH,
        redirect_uri_path=REDIRECT_PATH,
        install_page_rendering_enabled=False,  # /slack/install redirects straight to Slack
        authorization_url=AUTHORIZE_URL,
    )
    return AsyncOAuthFlow(client=AsyncWebClient(base_url=config.api_url), settings=oauth_settings)
