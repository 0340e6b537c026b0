"""Settings from the environment, checked once. A bad combination is refused, never guessed around."""

import os
from urllib.parse import urlsplit
from dataclasses import dataclass
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DATA_DIR = PROJECT_ROOT / "data"
TIMEZONE = "Europe/Oslo"
TRUE_WORDS = {"1", "true", "yes", "on"}
# Only for development and tests; production refuses to start without its own key.
DEVELOPMENT_AUDIT_KEY = "ipapp-development-audit-key-not-secret"
DEVELOPMENT_IDENTITY_KEY = "ipapp-development-identity-key-not-secret"
MIN_KEY_LENGTH = 32  # HMAC-SHA256 keys: shorter ones are guessable in practice (a word, a date)
# Plain http is tolerated in production only on the machine itself (a local trial, the test provider).
LOOPBACK_HOSTS = {"localhost", "127.0.0.1", "::1"}


class ConfigError(Exception):
    """A setting that cannot work; the message is one line saying what to do."""


@dataclass(frozen=True)
class OidcSettings:
    issuer: str
    client_id: str
    client_secret: str
    min_acr: str  # e.g. "idporten-loa-substantial"; "" accepts any
    identity_claim: str  # e.g. "pid" (ID-porten's national identity number)
    acr_values: tuple[str, ...]  # acceptable levels, lowest first, to compare against min_acr


@dataclass(frozen=True)
class Settings:
    environment: str  # "development" or "production"
    demo_mode: bool
    database_url: str
    audit_key: str  # HMAC key for the audit chain
    public_origin: str = "http://localhost:3000"  # where people open ipapp (WebAuthn origin)
    identity_key: str = ""  # HMAC key for national identity numbers from OpenID Connect
    oidc: "OidcSettings | None" = None  # None: the national login is not configured

    @property
    def rp_id(self) -> str:
        """The WebAuthn relying party id: the origin's host name."""
        return urlsplit(self.public_origin).hostname or "localhost"

    @property
    def is_production(self) -> bool:
        return self.environment == "production"


def default_database_url(data_dir: Path = DEFAULT_DATA_DIR) -> str:
    return f"sqlite:///{data_dir / 'ipapp.sqlite3'}"


def load_settings(environ: dict[str, str] | None = None) -> Settings:
    """Read the IPAPP_* settings and DATABASE_URL. Production refuses demo mode, missing, public,
    short or shared keys, an unset or plain-http IPAPP_ORIGIN, and a plain-http OIDC issuer
    (plain http is tolerated only for localhost)."""
    env = os.environ if environ is None else environ
    environment = env.get("IPAPP_ENV", "production").strip().lower()
    if environment not in {"development", "production"}:
        raise ConfigError(
            f"IPAPP_ENV must be 'development' or 'production', not {environment!r}."
        )
    demo_mode = env.get("IPAPP_DEMO", "").strip().lower() in TRUE_WORDS
    if demo_mode and environment == "production":
        raise ConfigError(
            "Demo mode (IPAPP_DEMO) cannot be switched on when IPAPP_ENV=production: "
            "anyone could sign in as anyone. Remove IPAPP_DEMO or set IPAPP_ENV=development."
        )
    database_url = env.get("DATABASE_URL", "").strip() or default_database_url()
    audit_key = env.get("IPAPP_AUDIT_KEY", "").strip()
    if not audit_key:
        if environment == "production":
            raise ConfigError(
                "IPAPP_AUDIT_KEY is not set: production needs a secret key (32+ random characters) "
                "to chain the audit log."
            )
        audit_key = DEVELOPMENT_AUDIT_KEY
    if environment == "production":
        _check_production_key("IPAPP_AUDIT_KEY", audit_key)
    identity_key = env.get("IPAPP_IDENTITY_KEY", "").strip()
    if not identity_key:
        if environment == "production":
            raise ConfigError(
                "IPAPP_IDENTITY_KEY is not set: production needs a secret key (32+ random "
                "characters) to store national identity numbers only as keyed hashes."
            )
        identity_key = DEVELOPMENT_IDENTITY_KEY
    if environment == "production":
        _check_production_key("IPAPP_IDENTITY_KEY", identity_key)
        if identity_key == audit_key:
            # One leaked secret must not unlock both the audit chain and the identity hashes.
            raise ConfigError(
                "IPAPP_AUDIT_KEY and IPAPP_IDENTITY_KEY are the same: production needs two different secrets."
            )
    public_origin = env.get("IPAPP_ORIGIN", "").strip().rstrip("/")
    if not public_origin:
        if environment == "production":
            # Passkeys, cookies and sign-in redirects are bound to it: a guess would fail or mislead.
            raise ConfigError(
                "IPAPP_ORIGIN is not set: production needs the address people open, e.g. https://ipapp.example.no."
            )
        public_origin = "http://localhost:3000"
    if urlsplit(public_origin).scheme not in {"http", "https"} or not urlsplit(public_origin).hostname:
        raise ConfigError(f"IPAPP_ORIGIN must look like https://ipapp.example.no, not {public_origin!r}.")
    if environment == "production" and not _secure_or_loopback(public_origin):
        raise ConfigError(
            f"IPAPP_ORIGIN must use https:// in production (plain http only for localhost), not {public_origin!r}."
        )
    return Settings(
        environment=environment,
        demo_mode=demo_mode,
        database_url=database_url,
        audit_key=audit_key,
        public_origin=public_origin,
        identity_key=identity_key,
        oidc=_oidc_settings(env, environment),
    )


def _check_production_key(name: str, key: str) -> None:
    """Refuse a key anyone can read in this repository, or one short enough to guess; never echo it."""
    if key in {DEVELOPMENT_AUDIT_KEY, DEVELOPMENT_IDENTITY_KEY}:
        raise ConfigError(
            f"{name} is a development key from ipapp/config.py (public in the source): "
            f"production needs its own secret ({MIN_KEY_LENGTH}+ random characters)."
        )
    if len(key) < MIN_KEY_LENGTH:
        raise ConfigError(
            f"{name} is shorter than {MIN_KEY_LENGTH} characters: production needs {MIN_KEY_LENGTH}+ random characters."
        )


def _secure_or_loopback(url: str) -> bool:
    parts = urlsplit(url)
    return parts.scheme == "https" or (parts.scheme == "http" and parts.hostname in LOOPBACK_HOSTS)


def _oidc_settings(env, environment: str) -> OidcSettings | None:
    issuer = env.get("IPAPP_OIDC_ISSUER", "").strip()
    if not issuer:
        return None
    client_id = env.get("IPAPP_OIDC_CLIENT_ID", "").strip()
    client_secret = env.get("IPAPP_OIDC_CLIENT_SECRET", "").strip()
    if not client_id or not client_secret:
        raise ConfigError(
            "IPAPP_OIDC_ISSUER is set, so IPAPP_OIDC_CLIENT_ID and IPAPP_OIDC_CLIENT_SECRET are needed too."
        )
    if environment == "production" and not _secure_or_loopback(issuer):
        # Discovery, keys and the token exchange (client secret included) travel to the issuer.
        raise ConfigError(
            f"IPAPP_OIDC_ISSUER must use https:// in production (plain http only for localhost), not {issuer!r}."
        )
    levels = env.get("IPAPP_OIDC_ACR_LEVELS", "idporten-loa-substantial,idporten-loa-high")
    return OidcSettings(
        issuer=issuer.rstrip("/"),
        client_id=client_id,
        client_secret=client_secret,
        min_acr=env.get("IPAPP_OIDC_MIN_ACR", "idporten-loa-substantial").strip(),
        identity_claim=env.get("IPAPP_OIDC_IDENTITY_CLAIM", "pid").strip(),
        acr_values=tuple(level.strip() for level in levels.split(",") if level.strip()),
    )


_settings: Settings | None = None


def settings() -> Settings:
    """The process's settings, read on first use."""
    global _settings
    if _settings is None:
        _settings = load_settings()
    return _settings


def reset_settings_cache() -> None:
    """For tests that change the environment."""
    global _settings
    _settings = None
