"""Settings: demo mode can never be on in production, and production needs its own audit key."""

import pytest

from ipapp.config import ConfigError, default_database_url, load_settings


def test_production_is_the_default_and_has_no_demo():
    settings = load_settings({"IPAPP_AUDIT_KEY": "k" * 32, "IPAPP_IDENTITY_KEY": "i" * 32})
    assert settings.is_production and not settings.demo_mode


@pytest.mark.parametrize("switch", ["1", "true", "yes", "on", "TRUE"])
def test_demo_mode_is_refused_in_production(switch):
    with pytest.raises(ConfigError, match="IPAPP_DEMO"):
        load_settings({"IPAPP_DEMO": switch, "IPAPP_AUDIT_KEY": "k" * 32, "IPAPP_IDENTITY_KEY": "i" * 32})
    with pytest.raises(ConfigError, match="IPAPP_DEMO"):
        load_settings({"IPAPP_ENV": "production", "IPAPP_DEMO": switch, "IPAPP_AUDIT_KEY": "k" * 32, "IPAPP_IDENTITY_KEY": "i" * 32})


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


def test_production_without_an_identity_key_is_refused():
    with pytest.raises(ConfigError, match="IPAPP_IDENTITY_KEY"):
        load_settings({"IPAPP_AUDIT_KEY": "k" * 32})


def test_relying_party_id_is_the_origin_host_and_a_bad_origin_is_refused():
    settings = load_settings({"IPAPP_ENV": "development", "IPAPP_ORIGIN": "https://ipapp.example.no/"})
    assert settings.public_origin == "https://ipapp.example.no" and settings.rp_id == "ipapp.example.no"
    with pytest.raises(ConfigError, match="IPAPP_ORIGIN"):
        load_settings({"IPAPP_ENV": "development", "IPAPP_ORIGIN": "ipapp.example.no"})


def test_national_login_needs_its_client_credentials():
    base = {"IPAPP_ENV": "development", "IPAPP_OIDC_ISSUER": "http://localhost:9000"}
    with pytest.raises(ConfigError, match="IPAPP_OIDC_CLIENT_ID"):
        load_settings(base)
    oidc = load_settings({**base, "IPAPP_OIDC_CLIENT_ID": "ipapp", "IPAPP_OIDC_CLIENT_SECRET": "s"}).oidc
    assert oidc.min_acr == "idporten-loa-substantial" and oidc.identity_claim == "pid"
