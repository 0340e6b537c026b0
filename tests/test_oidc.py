"""Sign-in with OpenID Connect against a real provider (oidc-provider), over real HTTP.

Our routes run in uvicorn on 127.0.0.1; the provider on localhost (different hosts, so the two
never see each other's cookies). A "browser" is an httpx client with a cookie jar that follows
redirects by hand, so each test can stop at the callback and tamper with it. Tokens the provider
would never issue (wrong aud, iss, nonce, exp) are forged with its real private key.
"""

from __future__ import annotations

import asyncio
import json
import logging
import shutil
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import parse_qs, urlencode, urlsplit, urlunsplit

import httpx
import pytest
import uvicorn
from joserfc import jwt
from joserfc.jwk import KeySet, RSAKey
from sqlmodel import SQLModel, func, select
from starlette.applications import Starlette

from oidc_server import OidcProvider, oidc_provider  # noqa: F401  (the session's provider fixture)
from ipapp import db
from ipapp.api.oidc_routes import CALLBACK_PATH, FLOW_COOKIE, oidc_middleware, oidc_routes
from ipapp.auth import oidc, sessions
from ipapp.auth.oidc import OidcError, check_claims, national_id_hash
from ipapp.config import OidcSettings, reset_settings_cache, settings
from ipapp.models import Account, Person, SignInAttempt, WebSession

PID = "24117000000"  # a synthetic national identity number
UA = "Mozilla/5.0 (test phone)"
REFUSED = "/logg-inn?feil=innlogging"
UNKNOWN = "/logg-inn?feil=ukjent"


# --- servers -----------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def app_socket() -> Iterator[socket.socket]:
    """Our server's socket, bound before the provider starts so the redirect URI can be registered."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    yield sock
    sock.close()


@pytest.fixture(scope="session")
def app_origin(app_socket) -> str:
    return f"http://127.0.0.1:{app_socket.getsockname()[1]}"


@pytest.fixture(scope="session")
def oidc_redirect_uri(app_origin) -> str:
    return f"{app_origin}{CALLBACK_PATH}"


@pytest.fixture(scope="module")  # the environment is restored for other modules
def oidc_env(oidc_provider, app_origin) -> Iterator[OidcProvider]:  # noqa: F811
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("IPAPP_ENV", "development")
        mp.setenv("IPAPP_ORIGIN", app_origin)
        mp.setenv("IPAPP_OIDC_ISSUER", oidc_provider.issuer)
        mp.setenv("IPAPP_OIDC_CLIENT_ID", oidc_provider.client_id)
        mp.setenv("IPAPP_OIDC_CLIENT_SECRET", oidc_provider.client_secret)
        mp.setenv("IPAPP_OIDC_MIN_ACR", "idporten-loa-substantial")
        mp.setenv("IPAPP_OIDC_ACR_LEVELS", "idporten-loa-substantial,idporten-loa-high")
        mp.delenv("IPAPP_IDENTITY_KEY", raising=False)
        reset_settings_cache()
        yield oidc_provider
    reset_settings_cache()


@pytest.fixture(scope="module")
def app_server(oidc_env, app_socket, app_origin) -> Iterator[str]:
    """Our routes with the middleware the lead adds to the Reflex app, served by uvicorn."""
    app = Starlette(routes=oidc_routes(), middleware=oidc_middleware())
    server = uvicorn.Server(uvicorn.Config(app, log_config=None, log_level="warning", lifespan="off"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [app_socket]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        assert time.monotonic() < deadline, "uvicorn did not start"
        time.sleep(0.02)
    yield app_origin
    server.should_exit = True
    thread.join(timeout=5)


@pytest.fixture(scope="session")
def empty_database(tmp_path_factory) -> Path:
    """All tables, created once (that takes ~0.5 s); each test gets a copy."""
    path = tmp_path_factory.mktemp("oidc-db") / "empty.sqlite3"
    engine = db.make_engine(f"sqlite:///{path}")
    SQLModel.metadata.create_all(engine)
    engine.dispose()  # the last connection closing checkpoints the WAL into the file
    return path


@pytest.fixture
def database(tmp_path, empty_database, app_server) -> Iterator[None]:
    """A fresh SQLite database per test; settings re-read so a test's changes do not leak."""
    reset_settings_cache()
    shutil.copyfile(empty_database, tmp_path / "oidc.sqlite3")
    engine = db.make_engine(f"sqlite:///{tmp_path / 'oidc.sqlite3'}")
    db.use_engine(engine)
    yield
    db.use_engine(None)
    engine.dispose()
    reset_settings_cache()


@pytest.fixture
def browser() -> Iterator[httpx.Client]:
    with httpx.Client(follow_redirects=False, headers={"User-Agent": UA}, timeout=10) as client:
        yield client


# --- helpers -----------------------------------------------------------------------------------


def make_account(pid: str | None = PID, status: str = "active") -> int:
    with db.transaction() as session:
        person = Person(given_name="Sofie", family_name="Test")
        session.add(person)
        session.flush()
        account = Account(person_id=person.id, status=status, national_id_hash=national_id_hash(pid) if pid else None)
        session.add(account)
        session.flush()
        return account.id


def count(model) -> int:
    with db.transaction() as session:
        return session.exec(select(func.count()).select_from(model)).one()


def authorize(browser: httpx.Client, origin: str, account: str = PID, acr: str | None = None) -> str:
    """Start at our app, sign in at the provider, and return the callback URL (not yet followed)."""
    start = browser.get(f"{origin}/auth/oidc/start")
    assert start.status_code == 302, start.text
    location = start.headers["location"]
    extra = {"login_hint": account, **({"test_acr": acr} if acr else {})}
    location += "&" + urlencode(extra)
    for _ in range(10):
        if location.startswith(f"{origin}{CALLBACK_PATH}"):
            return location
        response = browser.get(location)
        assert response.status_code in (302, 303), (response.status_code, response.text[:500])
        location = str(response.url.join(response.headers["location"]))
    raise AssertionError("the provider never redirected back")


def with_params(url: str, **changes: str | list[str] | None) -> str:
    """The URL with query parameters replaced (a list repeats one; None removes it)."""
    parts = urlsplit(url)
    query = parse_qs(parts.query)
    for name, value in changes.items():
        if value is None:
            query.pop(name, None)
        else:
            query[name] = value if isinstance(value, list) else [value]
    return urlunsplit(parts._replace(query=urlencode(query, doseq=True)))


def refused_codes(caplog) -> list[str]:
    prefix = "OpenID Connect sign-in refused: "
    return [r.getMessage()[len(prefix):].split(":")[0] for r in caplog.records if r.getMessage().startswith(prefix)]


def assert_no_session(response: httpx.Response, where: str = REFUSED) -> None:
    assert response.status_code == 303
    assert response.headers["location"] == where
    assert sessions.SESSION_COOKIE not in response.headers.get("set-cookie", "")
    assert count(WebSession) == 0
    assert count(SignInAttempt) >= 1  # counted against the client, to slow repeated tries down


@pytest.fixture
def caplog_oidc(caplog):
    caplog.set_level(logging.WARNING, logger="ipapp.api.oidc_routes")
    return caplog


# --- the whole flow ----------------------------------------------------------------------------


def test_start_asks_for_code_flow_with_pkce_nonce_state_and_acr(database, browser, app_server, oidc_env):
    response = browser.get(f"{app_server}/auth/oidc/start")
    assert response.status_code == 302
    url = urlsplit(response.headers["location"])
    query = {k: v[0] for k, v in parse_qs(url.query).items()}
    assert f"{url.scheme}://{url.netloc}" == oidc_env.issuer
    assert query["response_type"] == "code"
    assert query["client_id"] == oidc_env.client_id
    assert query["redirect_uri"] == f"{app_server}{CALLBACK_PATH}"
    assert query["scope"] == "openid"
    assert query["code_challenge_method"] == "S256" and len(query["code_challenge"]) >= 43
    assert len(query["state"]) >= 20 and len(query["nonce"]) >= 20
    assert query["acr_values"] == "idporten-loa-substantial"
    flow_cookie = response.headers["set-cookie"]
    assert flow_cookie.startswith(f"{FLOW_COOKIE}=") and "path=/auth/oidc" in flow_cookie
    assert "httponly" in flow_cookie.lower() and "samesite=lax" in flow_cookie.lower()


def test_success_starts_a_session_for_the_linked_account(database, browser, app_server):
    account_id = make_account()
    response = browser.get(authorize(browser, app_server))
    assert response.status_code == 303 and response.headers["location"] == "/"
    cookie = next(c for c in response.headers.get_list("set-cookie") if c.startswith(f"{sessions.SESSION_COOKIE}="))
    attributes = [part.strip().lower() for part in cookie.split(";")]
    assert "httponly" in attributes and "samesite=lax" in attributes and "path=/" in attributes
    assert "secure" not in attributes  # plain http origin in the test; https turns it on
    raw = browser.cookies[sessions.SESSION_COOKIE]
    active = sessions.resolve(raw)
    assert active is not None and active.account_id == account_id
    with db.transaction() as session:
        assert session.exec(select(WebSession)).one().device_label == UA
    # The flow's state is used up: the flow cookie is emptied.
    assert FLOW_COOKIE not in browser.cookies
    assert count(SignInAttempt) == 0


def test_higher_acr_than_required_is_accepted(database, browser, app_server):
    account_id = make_account()
    browser.get(authorize(browser, app_server, acr="idporten-loa-high"))
    assert sessions.resolve(browser.cookies[sessions.SESSION_COOKIE]).account_id == account_id


def test_unknown_identity_gets_no_session_and_no_account(database, browser, app_server, caplog_oidc):
    make_account(pid="01010100000")
    response = browser.get(authorize(browser, app_server))
    assert_no_session(response, UNKNOWN)
    assert count(Account) == 1
    assert refused_codes(caplog_oidc) == ["unknown_identity"]
    with db.transaction() as session:
        attempt = session.exec(select(SignInAttempt)).one()
    # One failure, counted by the shared throttle for this client, never with its raw address.
    assert (attempt.kind, attempt.succeeded) == ("oidc", False)
    assert "127.0.0.1" not in attempt.client_key and len(attempt.client_key) == 64


def test_account_for_identity_finds_linked_accounts_and_activates_an_invited_one(database):
    active, invited = make_account(), make_account(pid="01010100000", status="invited")
    disabled = make_account(pid="02020200000", status="disabled")
    assert oidc.account_for_identity({"pid": PID}) == active
    # Registered with her number by the coordinating unit: her first national login is her sign-up.
    assert oidc.account_for_identity({"pid": "01010100000"}) == invited
    with db.transaction() as session:
        assert session.get(Account, invited).status == "active"
    assert oidc.account_for_identity({"pid": "02020200000"}) is None
    assert disabled
    assert oidc.account_for_identity({"pid": "99999999999"}) is None
    assert oidc.account_for_identity({"sub": PID}) is None  # the configured claim, not another
    assert count(Account) == 3  # an unknown identity never creates an account


def test_disabled_account_gets_no_session(database, browser, app_server, caplog_oidc):
    make_account(status="disabled")
    assert_no_session(browser.get(authorize(browser, app_server)), UNKNOWN)
    assert refused_codes(caplog_oidc) == ["unknown_identity"]


def test_too_low_acr_gets_no_session(database, browser, app_server, caplog_oidc):
    make_account()
    assert_no_session(browser.get(authorize(browser, app_server, acr="idporten-loa-low")))
    assert refused_codes(caplog_oidc) == ["acr"]


def test_missing_identity_claim_gets_no_session(database, browser, app_server, caplog_oidc):
    make_account()
    assert_no_session(browser.get(authorize(browser, app_server, account="nopid-1")))
    assert refused_codes(caplog_oidc) == ["claim"]


@pytest.mark.parametrize("state", ["forged-state-value-123456", None, ["", ""]])
def test_bad_or_missing_state_gets_no_session(database, browser, app_server, caplog_oidc, state):
    make_account()
    callback = authorize(browser, app_server)
    real_state = parse_qs(urlsplit(callback).query)["state"][0]
    if isinstance(state, list):
        state = [real_state, real_state]  # the real state twice is still refused
    assert_no_session(browser.get(with_params(callback, state=state)))
    assert refused_codes(caplog_oidc) == ["state"]


def test_callback_from_another_browser_is_refused(database, app_server, caplog_oidc):
    """Login CSRF: the attacker's own callback URL, opened in the victim's browser."""
    make_account()
    with httpx.Client(follow_redirects=False) as attacker, httpx.Client(follow_redirects=False) as victim:
        callback = authorize(attacker, app_server)
        victim.get(f"{app_server}/auth/oidc/start")  # even with a flow of its own going
        assert_no_session(victim.get(callback))
    assert refused_codes(caplog_oidc) == ["state"]


def test_replayed_callback_gets_no_second_session(database, browser, app_server, caplog_oidc):
    make_account()
    callback = authorize(browser, app_server)
    old_flow_cookie = browser.cookies[FLOW_COOKIE]
    assert browser.get(callback).headers["location"] == "/"
    browser.cookies.delete(sessions.SESSION_COOKIE)
    second = browser.get(callback)  # same browser: the state was used up
    assert second.headers["location"] == REFUSED
    assert sessions.SESSION_COOKIE not in second.headers.get("set-cookie", "")
    # With the flow cookie from before the first use the state passes, but the provider
    # refuses a code used once already.
    third = httpx.get(callback, headers={"Cookie": f"{FLOW_COOKIE}={old_flow_cookie}"})
    assert third.headers["location"] == REFUSED
    assert sessions.SESSION_COOKIE not in third.headers.get("set-cookie", "")
    assert count(WebSession) == 1
    assert refused_codes(caplog_oidc) == ["state", "code"]


@pytest.mark.parametrize(
    "iss",
    ["http://evil.example", None, "FORGED-SECOND", ""],
    ids=["foreign", "missing", "repeated", "empty"],
)
def test_authorization_response_iss_must_be_ours(database, browser, app_server, oidc_env, caplog_oidc, iss):
    """RFC 9207 (mix-up): the provider names itself in the response; another name is refused."""
    make_account()
    callback = authorize(browser, app_server)
    if iss == "FORGED-SECOND":
        iss = [oidc_env.issuer, "http://evil.example"]
    assert_no_session(browser.get(with_params(callback, iss=iss)))
    assert refused_codes(caplog_oidc) == ["iss"]


def test_attacker_error_on_callback_is_refused_and_not_echoed(database, browser, app_server, caplog_oidc):
    make_account()
    callback = authorize(browser, app_server)
    forged = with_params(callback, error="access_denied", error_description="<script>alert(1)</script>")
    response = browser.get(forged)
    assert_no_session(response)
    assert "script" not in response.text and "script" not in response.headers["location"]
    assert refused_codes(caplog_oidc) == ["provider"]


def test_forged_error_with_foreign_state_does_not_cancel_the_real_sign_in(database, browser, app_server):
    """A page the person visits can make their browser load a bogus callback mid-sign-in."""
    account_id = make_account()
    callback = authorize(browser, app_server)
    bogus = f"{app_server}{CALLBACK_PATH}?error=access_denied&state=attacker&iss=http://evil.example"
    assert_no_session(browser.get(bogus))
    assert browser.get(callback).headers["location"] == "/"
    assert sessions.resolve(browser.cookies[sessions.SESSION_COOKIE]).account_id == account_id


def test_discovery_issuer_must_match_the_configured_one(database, browser, app_server, oidc_env, monkeypatch, caplog_oidc):
    # The same provider under another name: its discovery document says "localhost", not this.
    monkeypatch.setenv("IPAPP_OIDC_ISSUER", oidc_env.issuer.replace("localhost", "127.0.0.1"))
    reset_settings_cache()
    response = browser.get(f"{app_server}/auth/oidc/start")
    assert response.status_code == 303 and response.headers["location"] == REFUSED
    assert any("discovery issuer" in r.getMessage() for r in caplog_oidc.records)


def test_routes_answer_404_when_oidc_is_not_configured(database, browser, app_server, monkeypatch):
    monkeypatch.delenv("IPAPP_OIDC_ISSUER")
    reset_settings_cache()
    assert browser.get(f"{app_server}/auth/oidc/start").status_code == 404
    assert browser.get(f"{app_server}{CALLBACK_PATH}?code=x&state=y").status_code == 404


# --- ID tokens forged with the provider's own key ----------------------------------------------


NONCE = "the-nonce-we-sent-0123456789"


def forge(provider: OidcProvider, key=None, alg: str = "RS256", **changes) -> str:
    now = int(time.time())
    claims = {
        "iss": provider.issuer, "aud": provider.client_id, "sub": PID, "pid": PID, "nonce": NONCE,
        "acr": "idporten-loa-substantial", "iat": now, "exp": now + 300,
    }
    claims.update(changes)
    claims = {k: v for k, v in claims.items() if v is not None}
    if key is None:
        key = KeySet.import_key_set(json.loads(provider.jwks_path.read_text())).keys[0]
    return jwt.encode({"alg": alg, "kid": key.kid}, claims, key, algorithms=[alg])


def verify(id_token: str) -> dict:
    config = settings().oidc
    return asyncio.run(oidc.verify_id_token(oidc.oauth_client(config), {"id_token": id_token}, NONCE, config))


def test_a_correctly_forged_token_passes(oidc_env):
    """The control: the forging is right, so each refusal below is about the one claim changed."""
    assert verify(forge(oidc_env))["pid"] == PID


def _claims_id(changes: dict) -> str:
    """The test's name: the same in every pytest-xdist worker, so times are named, not printed."""
    times = {"exp": "an hour ago", "iat": "in an hour"}
    return json.dumps({k: times[k] if k in times else v for k, v in changes.items()})


@pytest.mark.parametrize(
    ("changes", "code"),
    [
        ({"nonce": "another-nonce"}, "nonce"),
        ({"nonce": None}, "nonce"),
        ({"aud": "another-client"}, "aud"),
        ({"aud": ["another-client"]}, "aud"),
        ({"aud": ["OUR-CLIENT", "another-client"]}, "aud"),  # several audiences and no azp
        ({"aud": ["OUR-CLIENT", "another-client"], "azp": "another-client"}, "aud"),
        ({"iss": "http://evil.example"}, "iss"),
        ({"iss": None}, "iss"),
        ({"exp": int(time.time()) - 3600}, "exp"),
        ({"iat": int(time.time()) + 3600}, "exp"),
        ({"acr": "idporten-loa-low"}, "acr"),
        ({"pid": None}, "claim"),
    ],
    ids=lambda v: _claims_id(v) if isinstance(v, dict) else v,
)
def test_forged_token_is_refused_with_the_right_code(oidc_env, changes, code):
    if isinstance(changes.get("aud"), list):
        changes = {**changes, "aud": [oidc_env.client_id if a == "OUR-CLIENT" else a for a in changes["aud"]]}
    with pytest.raises(OidcError) as refused:
        verify(forge(oidc_env, **changes))
    assert refused.value.code == code


def test_token_signed_with_another_key_is_refused(oidc_env):
    stranger = RSAKey.generate_key(2048, parameters={"kid": "stranger"})
    with pytest.raises(OidcError) as refused:
        verify(forge(oidc_env, key=stranger))
    assert refused.value.code == "signature"


def test_token_signed_with_the_client_secret_is_refused(oidc_env):
    """HS256 with the client secret: anyone holding the secret could mint identities."""
    from joserfc.jwk import OctKey

    secret_key = OctKey.import_key(oidc_env.client_secret, {"kid": "hs"})
    with pytest.raises(OidcError) as refused:
        verify(forge(oidc_env, key=secret_key, alg="HS256"))
    assert refused.value.code == "signature"


def test_unsigned_token_is_refused(oidc_env):
    header = "eyJhbGciOiJub25lIn0"  # {"alg":"none"}
    payload = forge(oidc_env).split(".")[1]
    with pytest.raises(OidcError) as refused:
        verify(f"{header}.{payload}.")
    assert refused.value.code == "signature"


# --- the claim checks on their own -------------------------------------------------------------


CONFIG = OidcSettings(
    issuer="https://idporten.no", client_id="ipapp", client_secret="s", min_acr="idporten-loa-substantial",
    identity_claim="pid", acr_values=("idporten-loa-substantial", "idporten-loa-high"),
)
NOW = 1_800_000_000


def claims(**changes) -> dict:
    base = {
        "iss": "https://idporten.no", "aud": "ipapp", "exp": NOW + 120, "iat": NOW, "nonce": NONCE,
        "acr": "idporten-loa-substantial", "pid": PID,
    }
    base.update(changes)
    return {k: v for k, v in base.items() if v is not None}


def test_check_claims_accepts_a_good_token_and_returns_the_identity():
    assert check_claims(claims(), oidc=CONFIG, expected_nonce=NONCE, now=NOW) == PID
    assert check_claims(claims(aud=["ipapp", "x"], azp="ipapp"), oidc=CONFIG, expected_nonce=NONCE, now=NOW) == PID


@pytest.mark.parametrize(
    ("changes", "code"),
    [
        ({"iss": "https://idporten.no/"}, "iss"),  # exactly, not "the same after normalising"
        ({"aud": "ipapp2"}, "aud"),
        ({"aud": {"ipapp": 1}}, "aud"),
        ({"azp": "other"}, "aud"),
        ({"exp": NOW - 61}, "exp"),
        ({"exp": True}, "exp"),
        ({"exp": float("nan")}, "exp"),
        ({"exp": str(NOW + 120)}, "exp"),
        ({"iat": NOW + 3600}, "exp"),  # issued in the future
        ({"iat": NOW - 86400, "exp": NOW + 60}, "exp"),  # an old token kept alive
        ({"iat": None}, "exp"),
        ({"nonce": NONCE + "x"}, "nonce"),
        ({"nonce": ["x"]}, "nonce"),
        ({"acr": "idporten-loa-low"}, "acr"),
        ({"acr": "Level4"}, "acr"),  # unknown levels count as too low
        ({"acr": None}, "acr"),
        ({"pid": ""}, "claim"),
        ({"pid": 24117000000}, "claim"),
    ],
)
def test_check_claims_refuses(changes, code):
    with pytest.raises(OidcError) as refused:
        check_claims(claims(**changes), oidc=CONFIG, expected_nonce=NONCE, now=NOW)
    assert refused.value.code == code


def test_check_claims_refuses_when_we_have_no_nonce():
    with pytest.raises(OidcError) as refused:
        check_claims(claims(nonce=""), oidc=CONFIG, expected_nonce="", now=NOW)
    assert refused.value.code == "nonce"


def test_acr_order_comes_from_configuration():
    high_only = OidcSettings(**{**CONFIG.__dict__, "min_acr": "idporten-loa-high"})
    with pytest.raises(OidcError):
        check_claims(claims(), oidc=high_only, expected_nonce=NONCE, now=NOW)
    assert check_claims(claims(acr="idporten-loa-high"), oidc=high_only, expected_nonce=NONCE, now=NOW) == PID
    # A minimum that is not among the levels is a configuration mistake: refuse everyone.
    typo = OidcSettings(**{**CONFIG.__dict__, "min_acr": "idporten-loa-substansial"})
    with pytest.raises(OidcError):
        check_claims(claims(acr="idporten-loa-high"), oidc=typo, expected_nonce=NONCE, now=NOW)
    any_level = OidcSettings(**{**CONFIG.__dict__, "min_acr": ""})
    assert check_claims(claims(acr="whatever"), oidc=any_level, expected_nonce=NONCE, now=NOW) == PID


def test_national_id_hash_is_keyed_and_hides_the_number(monkeypatch):
    reset_settings_cache()
    first = national_id_hash(PID)
    assert first == national_id_hash(PID) and len(first) == 64 and PID not in first
    monkeypatch.setenv("IPAPP_IDENTITY_KEY", "another-key-of-enough-length-0123456789")
    reset_settings_cache()
    assert national_id_hash(PID) != first
    reset_settings_cache()


def test_oidc_error_codes_are_a_closed_set():
    with pytest.raises(ValueError):
        OidcError("typo")


def test_repeated_failures_from_one_client_slow_down_the_national_login(tmp_path, monkeypatch):
    """Five failed callbacks from one address and the next start is refused for a while."""
    from starlette.applications import Starlette
    from starlette.testclient import TestClient

    from ipapp.api.oidc_routes import oidc_middleware, oidc_routes
    from ipapp.config import reset_settings_cache

    monkeypatch.setenv("IPAPP_ENV", "development")
    monkeypatch.setenv("IPAPP_OIDC_ISSUER", "http://127.0.0.1:9")  # never reached: refused first
    monkeypatch.setenv("IPAPP_OIDC_CLIENT_ID", "ipapp")
    monkeypatch.setenv("IPAPP_OIDC_CLIENT_SECRET", "secret")
    reset_settings_cache()
    engine = db.make_engine(f"sqlite:///{tmp_path}/throttle.sqlite3")
    SQLModel.metadata.create_all(engine)
    db.use_engine(engine)
    try:
        client = TestClient(Starlette(routes=oidc_routes(), middleware=oidc_middleware()),
                            follow_redirects=False)
        for _ in range(5):  # callbacks with no flow cookie: each one fails and is counted
            assert "feil=innlogging" in client.get("/auth/oidc/callback?code=x&state=y").headers["location"]
        assert client.get("/auth/oidc/start").headers["location"].endswith("feil=for-mange")
    finally:
        db.use_engine(None)
        reset_settings_cache()
        engine.dispose()
