"""Starting and ending sessions over plain HTTP: the cookie is HttpOnly and SameSite=Lax, demo
sign-in exists only in demo mode, cross-site posts are refused, and sign-out really ends it."""

import pytest
from sqlmodel import select
from starlette.applications import Starlette
from starlette.testclient import TestClient

from ipapp import db
from ipapp.api.session_routes import session_routes
from ipapp.auth import sessions
from ipapp.config import reset_settings_cache
from ipapp.demo.seed import DemoCast
from ipapp.models import Account, Person, WebSession

ORIGIN = "http://localhost:3000"


@pytest.fixture
def cast(demo_cast) -> DemoCast:
    return demo_cast  # tests/conftest.py: a fresh database with the demo plan


@pytest.fixture
def client():
    """Sends our Origin, as a browser does on a same-origin POST from our pages."""
    return TestClient(Starlette(routes=session_routes()), base_url=ORIGIN, follow_redirects=False,
                      headers={"origin": ORIGIN})


def _session_count() -> int:
    with db.transaction() as session:
        return len(session.exec(select(WebSession)).all())


def test_demo_sign_in_sets_an_httponly_lax_cookie_for_a_new_server_session(cast, client):
    response = client.post(f"/auth/demo/{cast.owner_id}", headers={"origin": ORIGIN})
    assert response.status_code == 303 and response.headers["location"] == "/"
    set_cookie = response.headers["set-cookie"].lower()
    assert "httponly" in set_cookie and "samesite=lax" in set_cookie and "path=/" in set_cookie
    raw = response.cookies[sessions.SESSION_COOKIE]
    assert len(raw) >= 32  # >= 128 bits of randomness, url-safe
    assert sessions.resolve(raw).person_id == cast.owner_id
    with db.transaction() as session:  # only the hash is stored
        assert session.exec(select(WebSession.session_hash)).all() != [raw]


def test_each_sign_in_gets_a_new_session_id(cast, client):
    first = client.post(f"/auth/demo/{cast.owner_id}").cookies[sessions.SESSION_COOKIE]
    second = client.post(f"/auth/demo/{cast.owner_id}").cookies[sessions.SESSION_COOKIE]
    assert first != second


@pytest.mark.parametrize("person", ["abc", "0", "999999", "-1", "1.0"])
def test_unknown_people_get_a_message_and_no_session(cast, client, person):
    response = client.post(f"/auth/demo/{person}", headers={"origin": ORIGIN})
    assert response.status_code in (303, 404)
    assert sessions.SESSION_COOKIE not in response.cookies and _session_count() == 0


def test_a_disabled_account_cannot_sign_in(cast, client):
    with db.transaction() as session:
        account = session.exec(select(Account).where(Account.person_id == cast.owner_id)).one()
        account.status = "disabled"
        session.add(account)
    response = client.post(f"/auth/demo/{cast.owner_id}")
    assert response.headers["location"] == "/demo?feil=1" and _session_count() == 0


def test_a_cross_site_post_is_refused(cast, client):
    response = client.post(f"/auth/demo/{cast.owner_id}", headers={"origin": "https://evil.example"})
    assert response.status_code == 403 and _session_count() == 0


def test_an_origin_that_merely_equals_the_host_header_is_refused(cast, client):
    """DNS rebinding: evil.example resolves to us, so Host and Origin agree - and are not ours."""
    response = client.post(f"/auth/demo/{cast.owner_id}",
                           headers={"host": "evil.example:3300", "origin": "http://evil.example:3300"})
    assert response.status_code == 403 and "set-cookie" not in response.headers and _session_count() == 0


@pytest.mark.parametrize("origin", [None, "null"])
@pytest.mark.parametrize("fetch_site", [None, "cross-site", "same-site", "none"])
def test_a_post_without_origin_is_refused_unless_the_browser_says_same_origin(cast, client, fetch_site, origin):
    """Chromium sends `Origin: null` on form posts from our pages (Referrer-Policy: no-referrer)."""
    client.headers.pop("origin")
    if origin:
        client.headers["origin"] = origin
    headers = {"sec-fetch-site": fetch_site} if fetch_site else {}
    response = client.post(f"/auth/demo/{cast.owner_id}", headers=headers)
    assert response.status_code == 403 and _session_count() == 0
    response = client.post(f"/auth/demo/{cast.owner_id}", headers={"sec-fetch-site": "same-origin"})
    assert response.status_code == 303 and _session_count() == 1


def test_a_same_origin_post_to_another_host_name_is_refused(cast, client):
    """Rebinding with a page that hides its Origin: the browser calls it same-origin, the Host is not ours."""
    client.headers["origin"] = "null"
    response = client.post(f"/auth/demo/{cast.owner_id}", headers={"host": "evil.example:3000",
                                                                   "sec-fetch-site": "same-origin"})
    assert response.status_code == 403 and _session_count() == 0


def test_sign_out_refuses_a_rebinding_origin(cast, client):
    raw = client.post(f"/auth/demo/{cast.owner_id}").cookies[sessions.SESSION_COOKIE]
    client.cookies.set(sessions.SESSION_COOKIE, raw)
    response = client.post("/auth/sign-out", headers={"host": "evil.example", "origin": "http://evil.example"})
    assert response.status_code == 403 and sessions.resolve(raw) is not None


def test_demo_sign_in_does_not_exist_outside_demo_mode(cast, client, monkeypatch):
    monkeypatch.delenv("IPAPP_DEMO")
    reset_settings_cache()
    response = client.post(f"/auth/demo/{cast.owner_id}")
    assert response.status_code == 404 and _session_count() == 0


def test_sign_out_ends_the_session_and_the_old_cookie_is_rejected(cast, client):
    raw = client.post(f"/auth/demo/{cast.owner_id}").cookies[sessions.SESSION_COOKIE]
    client.cookies.set(sessions.SESSION_COOKIE, raw)
    response = client.post("/auth/sign-out", headers={"origin": ORIGIN})
    assert response.status_code == 303 and response.headers["location"] == "/demo"
    assert 'ipapp_session="";' in response.headers["set-cookie"] or "max-age=0" in response.headers["set-cookie"].lower()
    assert sessions.resolve(raw) is None


def test_sessions_expire_when_idle_and_at_their_end(cast, client):
    from datetime import timedelta

    raw = client.post(f"/auth/demo/{cast.owner_id}").cookies[sessions.SESSION_COOKIE]
    with db.transaction() as session:
        row = session.exec(select(WebSession)).one()
        row.last_seen_at = row.last_seen_at - sessions.IDLE_TIMEOUT - timedelta(seconds=1)
        session.add(row)
    assert sessions.resolve(raw) is None
    raw = client.post(f"/auth/demo/{cast.owner_id}").cookies[sessions.SESSION_COOKIE]
    with db.transaction() as session:
        row = session.exec(select(WebSession).where(WebSession.revoked_at.is_(None))).all()[-1]
        row.expires_at = row.created_at
        session.add(row)
    assert sessions.resolve(raw) is None


def test_sign_out_everywhere_ends_every_session_of_the_account(cast, client):
    raws = [client.post(f"/auth/demo/{cast.owner_id}").cookies[sessions.SESSION_COOKIE] for _ in range(3)]
    with db.transaction() as session:
        person = session.get(Person, cast.owner_id)
        account_id = session.exec(select(Account.id).where(Account.person_id == person.id)).one()
    sessions.end_all_sessions(account_id)
    assert [sessions.resolve(raw) for raw in raws] == [None, None, None]
