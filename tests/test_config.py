"""Settings: demo mode can never be on in production, and production needs its own secret keys,
an explicit https origin and an https OpenID Connect issuer."""

import pytest

from ipapp.config import (
    DEVELOPMENT_AUDIT_KEY,
    DEVELOPMENT_IDENTITY_KEY,
    ConfigError,
    default_database_url,
    load_settings,
)


def test_production_is_the_default_and_has_no_demo():
    settings = load_settings({"IPAPP_AUDIT_KEY": "k" * 32, "IPAPP_IDENTITY_KEY": "i" * 32,
                              "IPAPP_ORIGIN": "https://ipapp.example.no"})
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


# --- production start-up refusals ---------------------------------------------------------------

AUDIT_KEY = "f3Jq8vR2mXwL9cTz4bNe7hKp1sYd6gUa"  # 32 characters, as an operator would generate
IDENTITY_KEY = "Q7nV2rM9xB4kH8wC1tZ6pL3sF5jD0yGe"
PRODUCTION = {
    "IPAPP_ENV": "production",
    "IPAPP_AUDIT_KEY": AUDIT_KEY,
    "IPAPP_IDENTITY_KEY": IDENTITY_KEY,
    "IPAPP_ORIGIN": "https://ipapp.example.no",
    "IPAPP_OIDC_ISSUER": "https://idporten.no",
    "IPAPP_OIDC_CLIENT_ID": "ipapp",
    "IPAPP_OIDC_CLIENT_SECRET": "client-secret",
}


def test_a_correct_production_configuration_loads():
    settings = load_settings(PRODUCTION)
    assert settings.is_production and not settings.demo_mode
    assert (settings.audit_key, settings.identity_key) == (AUDIT_KEY, IDENTITY_KEY)
    assert settings.public_origin == "https://ipapp.example.no" and settings.oidc.issuer == "https://idporten.no"
    assert load_settings({k: v for k, v in PRODUCTION.items() if "OIDC" not in k}).oidc is None


@pytest.mark.parametrize("variable, value, reason", [
    ("IPAPP_AUDIT_KEY", DEVELOPMENT_AUDIT_KEY, "development key"),
    ("IPAPP_AUDIT_KEY", DEVELOPMENT_IDENTITY_KEY, "development key"),  # either public key, either place
    ("IPAPP_IDENTITY_KEY", DEVELOPMENT_IDENTITY_KEY, "development key"),
    ("IPAPP_IDENTITY_KEY", DEVELOPMENT_AUDIT_KEY, "development key"),
    ("IPAPP_AUDIT_KEY", AUDIT_KEY[:31], "shorter than 32"),
    ("IPAPP_IDENTITY_KEY", IDENTITY_KEY[:31], "shorter than 32"),
    ("IPAPP_AUDIT_KEY", "  " + AUDIT_KEY[:30] + "  ", "shorter than 32"),  # padding is stripped first
    ("IPAPP_IDENTITY_KEY", AUDIT_KEY, "the same"),
    ("IPAPP_ORIGIN", None, "not set"),  # no silent http://localhost:3000 in production
    ("IPAPP_ORIGIN", "  ", "not set"),
    ("IPAPP_ORIGIN", "http://ipapp.example.no", "https://"),
    ("IPAPP_ORIGIN", "http://10.0.0.5:3000", "https://"),
    ("IPAPP_ORIGIN", "http://localhost.example.no", "https://"),
    ("IPAPP_OIDC_ISSUER", "http://idporten.no", "https://"),
    ("IPAPP_OIDC_ISSUER", "http://test.idporten.no:8080/", "https://"),
    ("IPAPP_OIDC_ISSUER", "idporten.no", "https://"),
])
def test_production_refuses_an_unsafe_setting_in_one_line_naming_it(variable, value, reason):
    env = {**PRODUCTION, variable: value}
    if value is None:
        del env[variable]
    with pytest.raises(ConfigError) as caught:
        load_settings(env)
    message = str(caught.value)
    assert variable in message and reason in message and "\n" not in message
    # Keys are secrets: the message says what is wrong with one, never what it is.
    assert AUDIT_KEY[:30] not in message and IDENTITY_KEY[:30] not in message
    assert DEVELOPMENT_AUDIT_KEY not in message and DEVELOPMENT_IDENTITY_KEY not in message
    assert load_settings({**env, "IPAPP_ENV": "development"}).environment == "development"


@pytest.mark.parametrize("variable, value", [
    ("IPAPP_AUDIT_KEY", "x" * 32),  # exactly the minimum
    ("IPAPP_ORIGIN", "http://localhost:3000"),  # plain http on the machine itself
    ("IPAPP_ORIGIN", "http://127.0.0.1:8000"),
    ("IPAPP_ORIGIN", "http://[::1]:3000"),
    ("IPAPP_OIDC_ISSUER", "http://localhost:9000"),  # the tests' own provider
    ("IPAPP_OIDC_ISSUER", "http://127.0.0.1:9000"),
])
def test_production_accepts_the_edges(variable, value):
    assert load_settings({**PRODUCTION, variable: value}).is_production


def test_development_keeps_its_conveniences():
    settings = load_settings({
        "IPAPP_ENV": "development", "IPAPP_AUDIT_KEY": "short", "IPAPP_IDENTITY_KEY": "short",
        "IPAPP_ORIGIN": "http://192.168.1.20:3000", "IPAPP_OIDC_ISSUER": "http://provider.test",
        "IPAPP_OIDC_CLIENT_ID": "ipapp", "IPAPP_OIDC_CLIENT_SECRET": "s",
    })
    assert settings.audit_key == settings.identity_key == "short"
    assert settings.public_origin == "http://192.168.1.20:3000" and settings.oidc.issuer == "http://provider.test"
    assert load_settings({"IPAPP_ENV": "development"}).public_origin == "http://localhost:3000"
