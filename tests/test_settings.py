"""Settings: environment and .env, empty means unset, errors name the variable only."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.adapters.registry import configured
from config import SettingsError, load_settings


def test_defaults(monkeypatch):
    monkeypatch.delenv("DATA_DIR")
    settings = load_settings()
    assert settings.storage.data_dir == Path("data")
    assert settings.storage.resolved_database_url == "sqlite:///data/bot.db"
    assert settings.market.company_symbol == "META"
    assert configured(settings) == []


def test_empty_string_counts_as_unset(monkeypatch):
    monkeypatch.setenv("DATABASE_URL", "")
    monkeypatch.setenv("PORT", "")
    settings = load_settings()
    assert settings.storage.database_url is None
    assert settings.port == 3000


def test_dotenv_file_is_read(isolated_env):
    (isolated_env / ".env").write_text("DEFAULT_LANGUAGE=fr\nPEER_SYMBOLS=googl, msft ,amzn\n")
    settings = load_settings()
    assert settings.default_language == "fr"
    assert settings.market.peers == ["GOOGL", "MSFT", "AMZN"]


def test_bad_value_names_the_variable_and_hides_secrets(monkeypatch):
    monkeypatch.setenv("DEFAULT_LANGUAGE", "de")
    monkeypatch.setenv("SLACK_BOT_TOKEN", "xoxb-very-secret")
    with pytest.raises(SettingsError) as error:
        load_settings()
    assert "DEFAULT_LANGUAGE" in str(error.value)
    assert "xoxb-very-secret" not in str(error.value)


def test_secrets_are_not_shown_in_repr(monkeypatch):
    monkeypatch.setenv("SLACK_BOT_TOKEN", "xoxb-very-secret")
    assert "xoxb-very-secret" not in repr(load_settings())


def test_every_setting_is_documented_in_env_example():
    from config.settings import variable_names
    from tests.harness import ROOT

    documented = (ROOT / ".env.example").read_text()
    readme = (ROOT / "README.md").read_text()
    for name in variable_names():
        assert f"{name.upper()}=" in documented, f"{name.upper()} missing from .env.example"
        assert name.upper() in readme, f"{name.upper()} missing from README"
