"""Settings from the environment, checked once. A bad combination is refused, never guessed around."""

import os
from urllib.parse import urlsplit
from dataclasses import dataclass, field
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DATA_DIR = PROJECT_ROOT / "data"
TIMEZONE = "Europe/Oslo"
TRUE_WORDS = {"1", "true", "yes", "on"}
# Only for development and tests; production refuses to start without its own key.
DEVELOPMENT_AUDIT_KEY = "ipapp-development-audit-key-not-secret"
DEVELOPMENT_IDENTITY_KEY = "ipapp-development-identity-key-not-secret"
MIN_KEY_LENGTH = 32  # HMAC-SHA256 keys: shorter ones are guessable in practice (a word, a date)
# Web Push (VAPID) keys for development only, public here; production refuses them (push_problem).
DEVELOPMENT_VAPID_PRIVATE_KEY = "3Ed-RPihEz7PTWqdchkcMwsYfJNgpzbiU05NutOosYA"
DEVELOPMENT_VAPID_SUBJECT = "mailto:ipapp-development@localhost"
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
class PushSettings:
    """Web Push: VAPID keys, where push messages may go, and how the reminder sender runs."""

    vapid_private_key: str = ""  # base64url P-256 key (python -m ipapp.cli vapid-keys); "" = none
    vapid_public_key: str = ""  # derived from the private key; the browser's applicationServerKey
    vapid_subject: str = ""  # the JWT's "sub": mailto: or https: of whoever runs this installation
    allowed_hosts: tuple[str, ...] = ()  # push services we POST to (ipapp.push.endpoints)
    test_loopback: bool = False  # tests only: also http(s)://127.0.0.1:<port>; production refuses it
    timeout_seconds: float = 10.0  # per push request; pywebpush's default (None) waits forever
    in_app: bool = True  # the app's process runs a sender (ipapp.services.reminders_worker)
    lease_seconds: int = 300  # a claimed reminder is another sender's again after this
    poll_seconds: float = 30.0  # how often an idle sender looks for due reminders

    @property
    def has_keys(self) -> bool:
        return bool(self.vapid_private_key)


@dataclass(frozen=True)
class Settings:
    environment: str  # "development" or "production"
    demo_mode: bool
    database_url: str
    audit_key: str  # HMAC key for the audit chain
    public_origin: str = "http://localhost:3000"  # where people open ipapp (WebAuthn origin)
    identity_key: str = ""  # HMAC key for national identity numbers from OpenID Connect
    oidc: "OidcSettings | None" = None  # None: the national login is not configured
    push: PushSettings = field(default_factory=PushSettings)

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
        push=_push_settings(env, environment),
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


def _push_settings(env, environment: str) -> PushSettings:
    """IPAPP_VAPID_* and IPAPP_PUSH_*/IPAPP_REMINDERS_*. Keys are optional here (the app runs without
    push); a sender refuses to start in production without them (push_problem)."""
    from ipapp.push.endpoints import DEFAULT_PUSH_HOSTS, pattern_problem
    from ipapp.push.vapid import VapidKeyError, public_key_of

    production = environment == "production"
    private_key = env.get("IPAPP_VAPID_PRIVATE_KEY", "").strip()
    if not private_key and not production:
        private_key = DEVELOPMENT_VAPID_PRIVATE_KEY
    if production and private_key == DEVELOPMENT_VAPID_PRIVATE_KEY:
        raise ConfigError(
            "IPAPP_VAPID_PRIVATE_KEY is the development key from ipapp/config.py (public in the source): "
            "run python -m ipapp.cli vapid-keys once and keep its output in the configuration."
        )
    public_key = ""
    if private_key:
        try:
            public_key = public_key_of(private_key)
        except VapidKeyError:
            raise ConfigError(
                "IPAPP_VAPID_PRIVATE_KEY is not a P-256 private key: use the line python -m ipapp.cli vapid-keys prints."
            ) from None
        given_public = env.get("IPAPP_VAPID_PUBLIC_KEY", "").strip()
        if given_public and given_public.rstrip("=") != public_key:
            # Browsers subscribed with the public key: a mismatch would make every push fail (403).
            raise ConfigError("IPAPP_VAPID_PUBLIC_KEY does not belong to IPAPP_VAPID_PRIVATE_KEY: keep the pair together.")
    subject = env.get("IPAPP_VAPID_SUBJECT", "").strip() or ("" if production else DEVELOPMENT_VAPID_SUBJECT)
    if subject and not (subject.startswith("mailto:") or subject.startswith("https://")):
        raise ConfigError(f"IPAPP_VAPID_SUBJECT must be mailto:someone@example.no or an https:// address, not {subject!r}.")
    raw_hosts = env.get("IPAPP_PUSH_HOSTS", "").strip()
    hosts = tuple(h.strip().lower() for h in raw_hosts.split(",") if h.strip()) if raw_hosts else DEFAULT_PUSH_HOSTS
    for host in hosts:
        problem = pattern_problem(host)
        if problem:
            raise ConfigError(f"IPAPP_PUSH_HOSTS: {host!r} {problem}.")
    test_loopback = env.get("IPAPP_PUSH_TEST_LOOPBACK", "").strip().lower() in TRUE_WORDS
    if test_loopback and production:
        raise ConfigError(
            "IPAPP_PUSH_TEST_LOOPBACK is for the tests' push service on 127.0.0.1 only: remove it in production."
        )
    return PushSettings(
        vapid_private_key=private_key,
        vapid_public_key=public_key,
        vapid_subject=subject,
        allowed_hosts=hosts,
        test_loopback=test_loopback,
        timeout_seconds=_positive_number(env, "IPAPP_PUSH_TIMEOUT_SECONDS", 10.0, maximum=120.0),
        in_app=env.get("IPAPP_REMINDERS_IN_APP", "1").strip().lower() in TRUE_WORDS,
        lease_seconds=int(_positive_number(env, "IPAPP_REMINDERS_LEASE_SECONDS", 300, maximum=86400)),
        poll_seconds=_positive_number(env, "IPAPP_REMINDERS_POLL_SECONDS", 30.0, maximum=3600.0),
    )


def _positive_number(env, name: str, default: float, *, maximum: float) -> float:
    raw = env.get(name, "").strip()
    if not raw:
        return default
    try:
        value = float(raw)
    except ValueError:
        value = -1.0
    if not 0 < value <= maximum:
        raise ConfigError(f"{name} must be a number of seconds above 0 and at most {maximum:g}, not {raw!r}.")
    return value


def push_problem(settings: Settings) -> str | None:
    """Why a reminder sender may not start (None if it may): production needs its own VAPID keys
    and a subject, so push services know whom to contact."""
    if not settings.push.has_keys:
        return ("IPAPP_VAPID_PRIVATE_KEY is not set: production sends push reminders only with its own VAPID keys; "
                "run python -m ipapp.cli vapid-keys once and keep its output in the configuration.")
    if not settings.push.vapid_subject:
        return "IPAPP_VAPID_SUBJECT is not set: production needs mailto:someone@example.no (or an https:// address)."
    return None


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
