"""Settings: read from the environment and a `.env` file, validated once at start."""

from config.settings import Settings, SettingsError, load_settings

__all__ = ["Settings", "SettingsError", "load_settings"]
