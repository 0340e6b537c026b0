"""Only ipapp's own pages may talk to its backend: a websocket from another site is refused, and
the sign-in routes refuse cross-site posts (the served production app, real sockets)."""

import os
import re
from pathlib import Path

import httpx
import pytest
import simple_websocket

pytestmark = pytest.mark.browser


def _connect(app_url: str, origin: str) -> str:
    url = app_url.replace("http://", "ws://") + "/_event/?EIO=4&transport=websocket"
    ws = simple_websocket.Client.connect(url, headers={"Origin": origin})
    try:
        return str(ws.receive(timeout=60))  # the first connection to a fresh server can be slow
    finally:
        ws.close()


def test_the_websocket_accepts_our_origin_and_refuses_another_site(app_url):
    assert _connect(app_url, app_url).startswith("0{")  # the engine.io handshake
    with pytest.raises(simple_websocket.ConnectionError):
        _connect(app_url, "https://evil.example")


def test_routes_refuse_cross_site_posts_and_echo_no_foreign_origin(app_url):
    response = httpx.post(f"{app_url}/auth/demo/1", headers={"Origin": "https://evil.example"})
    assert response.status_code == 403 and "set-cookie" not in response.headers
    assert response.headers.get("access-control-allow-origin") in (None, app_url)


ROUTES = ("/", "/demo", "/logg-inn", "/kontakter", "/mal/1", "/deling", "/meg", "/samtykke", "/innsyn",
          "/inviter", "/invitasjon/not-a-real-code-3f9a", "/finnes-ikke", "/ping", "/_health",
          "/auth/oidc/start")
# Never a document nor a worker: without the document-only policies (tests below).
PLAIN = ("/ipapp.css", "/icon-192.png", "/manifest.webmanifest", "/register-sw.js")


def _check_headers(url: str, response: httpx.Response) -> None:
    headers = response.headers
    csp = headers.get("content-security-policy", "")
    for directive in ("default-src 'self'", "frame-ancestors 'none'", "object-src 'none'", "base-uri 'none'"):
        assert directive in csp, f"{url}: CSP lacks {directive!r}"
    script_src = csp.split("script-src", 1)[1].split(";", 1)[0]
    assert "'unsafe-inline'" not in script_src, f"{url}: inline scripts allowed wholesale"
    assert headers.get("x-content-type-options") == "nosniff", url
    assert headers.get("referrer-policy") == "no-referrer", url
    assert "camera=()" in headers.get("permissions-policy", ""), url


def test_every_route_answers_with_the_security_headers(app_url):
    with httpx.Client(follow_redirects=False) as client:
        for path in ROUTES:
            _check_headers(path, client.get(app_url + path))
        for path in ("/auth/sign-out", "/auth/demo/1", "/auth/passkey/sign-in", "/auth/invitation/register"):
            _check_headers(path, client.post(app_url + path, headers={"Origin": "https://evil.example"}))
        page = client.get(app_url + "/").text
        bundle = re.search(r'/assets/[^"\']+\.js', page).group(0)
        asset = client.get(app_url + bundle)
        assert asset.headers["cache-control"] == "public, max-age=31536000, immutable"
        # A script is never a document: nosniff, and none of the document-only policies (their bytes
        # were a fifth of a first load).
        assert asset.headers.get("x-content-type-options") == "nosniff"
        assert "content-security-policy" not in asset.headers and "permissions-policy" not in asset.headers
        _check_headers("/sw.js", client.get(app_url + "/sw.js"))  # a worker runs under its own policy
        # Hashed: cached a year without asking again, so no validators.
        assert "etag" not in asset.headers and "last-modified" not in asset.headers
        # An SVG opened as a document runs no script at all: a policy of its own that allows none.
        icon = client.get(app_url + "/favicon.svg")
        assert icon.status_code == 200 and icon.headers.get("x-content-type-options") == "nosniff"
        assert icon.headers["content-security-policy"].startswith("default-src 'none';")
        assert "script-src" not in icon.headers["content-security-policy"]
        for path in PLAIN:
            plain = client.get(app_url + path)
            assert plain.status_code == 200 and plain.headers.get("x-content-type-options") == "nosniff", path
            assert "content-security-policy" not in plain.headers, path


def test_engine_io_polling_and_a_websocket_without_origin_are_refused(app_url):
    polling = httpx.get(f"{app_url}/_event/?EIO=4&transport=polling")
    assert polling.status_code == 403
    url = app_url.replace("http://", "ws://") + "/_event/?EIO=4&transport=websocket"
    with pytest.raises(simple_websocket.ConnectionError):
        simple_websocket.Client.connect(url)  # no Origin header at all


def test_an_invitation_code_in_the_address_reaches_no_log(app_url):
    code = "leakcheck-7b1d2e9c4f"
    httpx.get(f"{app_url}/invitasjon/{code}")
    artifacts = os.environ.get("IPAPP_TEST_ARTIFACTS") or Path(__file__).resolve().parents[2] / "test-artifacts"
    log = (Path(artifacts) / "server.log").read_text(errors="replace")
    assert code not in log
