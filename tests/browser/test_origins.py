"""Only ipapp's own pages may talk to its backend: a websocket from another site is refused, and
the sign-in routes refuse cross-site posts (the served production app, real sockets)."""

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
