"""Settings: read from the environment and a `.env` file, validated once at start."""

from config.settings import (
    DiscordSettings,
    LanguageModelSettings,
    MarketSettings,
    Settings,
    SettingsError,
    SlackSettings,
    load_settings,
)

__all__ = [
    "DiscordSettings",
    "LanguageModelSettings",
    "MarketSettings",
    "Settings",
    "SettingsError",
    "SlackSettings",
    "load_settings",
]
