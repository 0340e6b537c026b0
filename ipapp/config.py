"""Settings from the environment, checked once. A bad combination is refused, never guessed around."""

import os
from dataclasses import dataclass
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DATA_DIR = PROJECT_ROOT / "data"
TIMEZONE = "Europe/Oslo"
TRUE_WORDS = {"1", "true", "yes", "on"}
# Only for development and tests; production refuses to start without its own key.
DEVELOPMENT_AUDIT_KEY = "ipapp-development-audit-key-not-secret"


class ConfigError(Exception):
    """A setting that cannot work; the message is one line saying what to do."""


@dataclass(frozen=True)
class Settings:
    environment: str  # "development" or "production"
    demo_mode: bool
    database_url: str
    audit_key: str  # HMAC key for the audit chain

    @property
    def is_production(self) -> bool:
        return self.environment == "production"


def default_database_url(data_dir: Path = DEFAULT_DATA_DIR) -> str:
    return f"sqlite:///{data_dir / 'ipapp.sqlite3'}"


def load_settings(environ: dict[str, str] | None = None) -> Settings:
    """Read IPAPP_ENV, IPAPP_DEMO and DATABASE_URL; refuse demo mode in production."""
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
    return Settings(
        environment=environment,
        demo_mode=demo_mode,
        database_url=database_url,
        audit_key=audit_key,
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
