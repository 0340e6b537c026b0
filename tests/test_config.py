"""Settings: demo mode can never be on in production, and production needs its own audit key."""

import pytest

from ipapp.config import ConfigError, default_database_url, load_settings


def test_production_is_the_default_and_has_no_demo():
    settings = load_settings({"IPAPP_AUDIT_KEY": "k" * 32})
    assert settings.is_production and not settings.demo_mode


@pytest.mark.parametrize("switch", ["1", "true", "yes", "on", "TRUE"])
def test_demo_mode_is_refused_in_production(switch):
    with pytest.raises(ConfigError, match="IPAPP_DEMO"):
        load_settings({"IPAPP_DEMO": switch, "IPAPP_AUDIT_KEY": "k" * 32})
    with pytest.raises(ConfigError, match="IPAPP_DEMO"):
        load_settings({"IPAPP_ENV": "production", "IPAPP_DEMO": switch, "IPAPP_AUDIT_KEY": "k" * 32})


def test_demo_mode_works_in_development():
    settings = load_settings({"IPAPP_ENV": "development", "IPAPP_DEMO": "1"})
    assert settings.demo_mode and not settings.is_production


def test_production_without_an_audit_key_is_refused():
    with pytest.raises(ConfigError, match="IPAPP_AUDIT_KEY"):
        load_settings({})


def test_an_unknown_environment_is_refused_rather_than_guessed():
    with pytest.raises(ConfigError, match="IPAPP_ENV"):
        load_settings({"IPAPP_ENV": "prod"})


def test_database_url_defaults_to_sqlite_under_data():
    settings = load_settings({"IPAPP_ENV": "development"})
    assert settings.database_url == default_database_url()
    assert settings.database_url.endswith("/data/ipapp.sqlite3")
    url = "postgresql://ipapp@127.0.0.1:5432/ipapp"
    assert load_settings({"IPAPP_ENV": "development", "DATABASE_URL": url}).database_url == url
