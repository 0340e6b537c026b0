"""The unauthenticated routes under hostile input, and the headers on every response: bodies are
refused on their announced size and cut off at the limit, slow ones time out, any malformed or
deeply nested JSON is a 400 with one log line, and the edge adds the security headers."""

import asyncio
import logging

import brotli
import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Route
from starlette.testclient import TestClient

from ipapp.api import bodies, document_scripts, edge
from ipapp.api.passkey_routes import passkey_routes
from ipapp.api.session_routes import signed_in_response
from ipapp.config import reset_settings_cache

ORIGIN = "http://localhost:3000"
ROUTES = ("/auth/passkey/sign-in", "/auth/invitation/register")


@pytest.fixture
def client(demo_cast):
    return TestClient(Starlette(routes=passkey_routes()), base_url=ORIGIN, headers={"origin": ORIGIN},
                      raise_server_exceptions=False)


@pytest.mark.parametrize("route", ROUTES)
def test_an_announced_body_over_the_limit_is_refused_before_it_is_read(client, route):
    # The body is never sent: the refusal comes from the announcement alone.
    response = client.post(route, headers={"content-length": str(100 * 1024 * 1024)}, content=b"")
    assert response.status_code == 413


@pytest.mark.parametrize("route", ROUTES)
def test_a_chunked_body_is_cut_off_at_the_limit(demo_cast, route):
    """Straight through ASGI, so we see how much the route pulls: 16 MiB offered in 16 KiB chunks."""
    app = Starlette(routes=passkey_routes())
    pulled, answer = [], {}

    async def receive():
        pulled.append(1)
        return {"type": "http.request", "body": b"[" * 16 * 1024, "more_body": len(pulled) < 1000}

    async def send(message):
        if message["type"] == "http.response.start":
            answer["status"] = message["status"]

    scope = {"type": "http", "method": "POST", "path": route, "raw_path": route.encode(),
             "query_string": b"", "root_path": "", "scheme": "http", "server": ("localhost", 3000),
             "client": ("127.0.0.1", 50000), "http_version": "1.1", "asgi": {"version": "3.0"},
             "headers": [(b"host", b"localhost:3000"), (b"origin", ORIGIN.encode()),
                         (b"transfer-encoding", b"chunked")]}
    asyncio.run(app(scope, receive, send))
    assert answer["status"] == 413
    assert len(pulled) <= 6  # stopped just past 64 KiB


@pytest.mark.parametrize("route", ROUTES)
@pytest.mark.parametrize("body", [b"[" * 50_000, b'{"a":' * 10_000 + b"1" + b"}" * 10_000,
                                  b"\xff\xfe", b"", b"{", b'"\\ud800"x'])
def test_malformed_or_deeply_nested_json_is_a_400_with_one_log_line(client, route, body, caplog):
    with caplog.at_level(logging.INFO):
        response = client.post(route, content=body)
    assert response.status_code == 400
    assert response.json() == {"error": "failed"}
    assert not any(r.exc_info for r in caplog.records), "a traceback was logged"
    refusals = [r for r in caplog.records if "refused" in r.getMessage()]
    assert len(refusals) == 1


def test_a_body_that_trickles_in_times_out():
    async def scenario():
        async def receive():
            await asyncio.sleep(0.2)
            return {"type": "http.request", "body": b" ", "more_body": True}

        request = Request({"type": "http", "method": "POST", "headers": [(b"content-length", b"1000")]},
                          receive)
        with pytest.raises(bodies.BodyRefused) as refused:
            await bodies.read_json(request, timeout=0.5)
        return refused.value.status

    assert asyncio.run(scenario()) == 408


def _varied(request) -> Response:
    response = Response("ok", headers={"vary": "Accept-Encoding, Origin"})
    response.raw_headers += [(b"vary", b"Origin"), (b"vary", b"origin")]  # as Reflex's layers add it
    return response


def _edge_client() -> TestClient:
    inner = Starlette(routes=[Route("/x", lambda r: PlainTextResponse("ok")),
                              Route("/assets/app-abc123.js", lambda r: PlainTextResponse(
                                  "js", headers={"etag": '"abc"', "last-modified": "Tue, 01 Dec 2026 10:00:00 GMT"})),
                              Route("/mark.svg", lambda r: Response("<svg/>", media_type="image/svg+xml")),
                              Route("/assets/icons-abc123.svg", lambda r: Response(
                                  "<svg/>", media_type="image/svg+xml", headers={"etag": '"abc"'})),
                              Route("/varied", _varied),
                              Route("/page", lambda r: Response(PAGE, media_type="text/html")),
                              Route("/page.br", lambda r: Response(brotli.compress(PAGE), media_type="text/html",
                                                                   headers={"content-encoding": "br"}))])
    return TestClient(edge.secure_edge(inner), base_url=ORIGIN)


def test_every_response_carries_the_security_headers(demo_cast):
    for path in ("/x", "/missing"):
        headers = _edge_client().get(path).headers
        csp = headers["content-security-policy"]
        for directive in ("frame-ancestors 'none'", "object-src 'none'", "base-uri 'none'",
                          f"connect-src 'self' {ORIGIN} ws://localhost:3000"):
            assert directive in csp
        assert "'unsafe-inline'" not in csp.split("script-src", 1)[1].split(";", 1)[0]
        assert headers["x-content-type-options"] == "nosniff"
        assert headers["referrer-policy"] == "no-referrer"
        assert "camera=()" in headers["permissions-policy"]
        assert "strict-transport-security" not in headers  # plain http: no HSTS
    asset = _edge_client().get("/assets/app-abc123.js").headers
    assert asset["cache-control"] == "public, max-age=31536000, immutable"
    # A hashed script or stylesheet is never a document: none of a document's policies, still nosniff.
    assert asset["x-content-type-options"] == "nosniff" and asset["referrer-policy"] == "no-referrer"
    assert not {"content-security-policy", "permissions-policy", "x-frame-options"} & set(asset)
    assert "etag" not in asset and "last-modified" not in asset  # never asked again: no validators
    svg = _edge_client().get("/mark.svg").headers  # an SVG opened alone is a document: no script at all
    assert svg["content-security-policy"] == "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'"
    assert svg["x-content-type-options"] == "nosniff"
    sprite = _edge_client().get("/assets/icons-abc123.svg").headers  # the icon sprite: both at once
    assert sprite["content-security-policy"] == svg["content-security-policy"]
    assert sprite["cache-control"] == "public, max-age=31536000, immutable" and "etag" not in sprite


def test_vary_names_each_header_once():
    """Reflex's CORS adds "Origin" once more for each layer a response passes."""
    response = _edge_client().get("/varied")
    assert response.headers.get_list("vary") == ["Accept-Encoding, Origin"]


def test_on_https_hsts_is_sent_and_the_session_cookie_is_secure(demo_cast, monkeypatch):
    monkeypatch.setenv("IPAPP_ORIGIN", "https://ipapp.example.no")
    reset_settings_cache()
    edge.security_headers.cache_clear()
    edge.asset_headers.cache_clear()
    edge.svg_headers.cache_clear()
    edge._our_header_names.cache_clear()
    try:
        headers = _edge_client().get("/x").headers
        assert headers["strict-transport-security"].startswith("max-age=")
        assert "connect-src 'self' https://ipapp.example.no wss://ipapp.example.no" in headers["content-security-policy"]
        cookie = signed_in_response("raw-session-id").headers["set-cookie"].lower()
        assert "secure" in cookie and "httponly" in cookie
    finally:
        edge.security_headers.cache_clear()
        edge.asset_headers.cache_clear()
        edge.svg_headers.cache_clear()
        edge._our_header_names.cache_clear()
        reset_settings_cache()


PAGE = b"<html><script>window.a = 1</script><script src='/a.js'></script><script>window.b = 2</script></html>"


def test_a_page_allows_only_its_own_inline_scripts_brotli_or_plain(demo_cast, monkeypatch):
    """Not the whole build's list (some 2.5 KiB on every document): the two scripts this page holds,
    read from the body as sent; a 304 or a HEAD, whose body is not read, gets the build's list."""
    own = sorted(document_scripts.script_hash(s) for s in (b"window.a = 1", b"window.b = 2"))
    monkeypatch.setattr(edge, "inline_script_hashes", lambda build: ["'sha256-every-page'"])
    edge.security_headers.cache_clear()
    try:
        for path in ("/page", "/page.br"):
            answer = _edge_client().get(path, headers={"accept-encoding": "br"})
            script_src = answer.headers["content-security-policy"].split("script-src", 1)[1].split(";", 1)[0]
            assert script_src.split()[2:] == own, path
            assert "frame-ancestors 'none'" in answer.headers["content-security-policy"]
            assert "camera=()" in answer.headers["permissions-policy"]
            assert answer.content == PAGE  # the body itself untouched
        head = _edge_client().head("/page").headers["content-security-policy"]
        assert "'sha256-every-page'" in head
    finally:
        edge.security_headers.cache_clear()


def test_a_page_the_server_sends_from_disk_gets_its_own_policy_and_goes_out_as_sent(demo_cast, tmp_path):
    """granian sends static files itself (http.response.pathsend): the start waits for it, the
    file is read for its scripts, and the pathsend goes on unchanged after the start."""
    page = tmp_path / "index.html.br"
    page.write_bytes(brotli.compress(PAGE))

    async def inner(scope, receive, send):
        await send({"type": "http.response.start", "status": 200,
                    "headers": [(b"content-type", b"text/html; charset=utf-8"), (b"content-encoding", b"br")]})
        await send({"type": "http.response.pathsend", "path": str(page)})

    sent = []

    async def record(message):
        sent.append(message)

    scope = {"type": "http", "method": "GET", "path": "/", "headers": [],
             "extensions": {"http.response.pathsend": {}}}
    asyncio.run(edge.secure_edge(inner)(scope, None, record))
    assert [m["type"] for m in sent] == ["http.response.start", "http.response.pathsend"]
    policy = dict(sent[0]["headers"])[b"content-security-policy"].decode()
    own = sorted(document_scripts.script_hash(s) for s in (b"window.a = 1", b"window.b = 2"))
    assert policy.split("script-src", 1)[1].split(";", 1)[0].split()[2:] == own
    assert sent[1]["path"] == str(page)


def test_inline_scripts_of_the_build_are_allowed_by_their_hash(tmp_path):
    (tmp_path / "index.html").write_text("<html><script>alert(1)</script><script src='/a.js'></script></html>")
    assert edge.inline_script_hashes(tmp_path) == ["'sha256-bhHHL3z2vDgxUt0W3dWQOrprscmda2Y5pLsLg4GF+pI='"]


def test_a_signed_out_tab_cannot_fill_the_challenge_table(demo_cast):
    """300 sign-in page loads from one address keep a handful of challenges, and expired ones
    are purged as the app runs (not only by a housekeeping job)."""
    from datetime import timedelta

    from sqlmodel import func, select, update

    from ipapp import db
    from ipapp.auth import challenges, passkeys
    from ipapp.auth.oidc import client_key
    from ipapp.models import AuthChallenge, utcnow

    mine, theirs = client_key("203.0.113.7"), client_key("198.51.100.9")
    for _ in range(300):
        passkeys.authentication_options(mine)
    last = challenges.issue("authenticate", client=theirs)
    with db.transaction() as session:
        count = lambda who: session.exec(select(func.count()).where(AuthChallenge.client_key == who)).one()
        assert count(mine) == challenges.MAX_OUTSTANDING and count(theirs) == 1
        session.exec(update(AuthChallenge).values(expires_at=utcnow() - timedelta(minutes=5)))
    challenges.issue("authenticate", client=theirs)
    with db.transaction() as session:
        assert session.exec(select(func.count()).select_from(AuthChallenge)).one() == 1
    assert not challenges.consume("authenticate", last)  # expired and purged: refused, as before
