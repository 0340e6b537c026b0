"""A push service on loopback for the tests, and the fake browsers subscribed to it.

Each fake browser has its own P-256 key pair and 16-byte auth secret (made with `cryptography`,
as a browser makes them for pushManager.subscribe). Every POST is recorded: its headers, the
VAPID JWT verified with py_vapid against the key in the Authorization header, and the body
decrypted with that browser's private key (http_ece, aes128gcm, RFC 8291). Answers are 201
unless a script says otherwise: a status with headers, or "hang" (no answer until released).
"""

import base64
import contextlib
import json
import os
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import http_ece
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from py_vapid import jwt as vapid_jwt


def b64url(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii")


@dataclass
class FakeBrowser:
    """One browser's push subscription: what PushSubscription.toJSON() gives the page."""

    endpoint: str
    private_key: ec.EllipticCurvePrivateKey = field(default_factory=lambda: ec.generate_private_key(ec.SECP256R1()))
    auth_secret: bytes = field(default_factory=lambda: os.urandom(16))

    @property
    def token(self) -> str:
        return self.endpoint.rsplit("/", 1)[1]

    def subscription(self) -> dict:
        public = self.private_key.public_key().public_bytes(serialization.Encoding.X962,
                                                            serialization.PublicFormat.UncompressedPoint)
        return {"endpoint": self.endpoint, "keys": {"p256dh": b64url(public), "auth": b64url(self.auth_secret)}}

    def decrypt(self, body: bytes) -> dict:
        plain = http_ece.decrypt(body, private_key=self.private_key, auth_secret=self.auth_secret, version="aes128gcm")
        return json.loads(plain)


@dataclass
class Received:
    token: str
    path: str
    headers: dict  # lower-case names
    body: bytes
    message: dict | None = None  # decrypted
    claims: dict | None = None  # the verified VAPID JWT's claims
    vapid_key: str = ""  # the "k" of the Authorization header
    answered: int | None = None  # the status we answered with; None: no answer (hang)
    problem: str = ""  # why decrypting or verifying failed


class PushService:
    """ThreadingHTTPServer on 127.0.0.1 with a free port; use as a context manager."""

    def __init__(self):
        self.browsers: dict[str, FakeBrowser] = {}
        self.received: list[Received] = []
        self._scripts: dict[str | None, list] = {}
        self._lock = threading.Lock()
        self.release = threading.Event()  # lets hanging requests go (they then get no answer)
        service = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 - http.server's name
                service._handle(self)

            def log_message(self, *args):  # quiet
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def origin(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    def __enter__(self) -> "PushService":
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.release.set()
        self._server.shutdown()
        self._server.server_close()

    def browser(self) -> FakeBrowser:
        fake = FakeBrowser(f"{self.origin}/push/{b64url(os.urandom(12))}")
        self.browsers[fake.token] = fake
        return fake

    def script(self, *answers, token: str | None = None) -> None:
        """The next answers, in order, for one browser (or any): (status, headers) or "hang"."""
        with self._lock:
            self._scripts.setdefault(token, []).extend(answers)

    def _next_answer(self, token: str):
        with self._lock:
            for key in (token, None):
                if self._scripts.get(key):
                    return self._scripts[key].pop(0)
        return (201, {})

    def delivered(self) -> list[Received]:
        """What the service accepted (answered 201), in order."""
        with self._lock:
            return [r for r in self.received if r.answered == 201]

    def _handle(self, request: BaseHTTPRequestHandler) -> None:
        length = int(request.headers.get("Content-Length") or 0)
        body = request.rfile.read(length)
        token = request.path.rsplit("/", 1)[-1]
        got = Received(token, request.path, {k.lower(): v for k, v in request.headers.items()}, body)
        self._open(got)
        with self._lock:
            self.received.append(got)
        answer = self._next_answer(token)
        if answer == "hang":
            self.release.wait(60)
            request.close_connection = True
            return
        status, headers = answer
        got.answered = status  # before the answer leaves: the sender may look as soon as it has it
        request.send_response(status)
        for name, value in {"Content-Length": "0", **headers}.items():
            request.send_header(name, value)
        request.end_headers()

    def _open(self, got: Received) -> None:
        try:
            scheme, _, params = got.headers.get("authorization", "").partition(" ")
            assert scheme.lower() == "vapid", f"authorization scheme {scheme!r}"
            parts = dict(p.split("=", 1) for p in params.split(","))
            got.vapid_key = parts["k"]
            got.claims = vapid_jwt.decode(parts["t"], parts["k"])  # raises unless the signature holds
            browser = self.browsers.get(got.token)
            if browser is not None and got.body:
                got.message = browser.decrypt(got.body)
        except Exception as exc:  # noqa: BLE001 - recorded for the test to assert on
            got.problem = f"{type(exc).__name__}: {exc}"


@contextlib.contextmanager
def loopback_push(monkeypatch, timeout_seconds: int | None = None):
    """The loopback push service, with the allow-list extended for 127.0.0.1 by the explicit
    test-only override (never by default), for one test."""
    from ipapp.config import reset_settings_cache

    monkeypatch.setenv("IPAPP_PUSH_TEST_LOOPBACK", "1")
    if timeout_seconds is not None:
        monkeypatch.setenv("IPAPP_PUSH_TIMEOUT_SECONDS", str(timeout_seconds))
    reset_settings_cache()
    try:
        with PushService() as service:
            yield service
    finally:
        reset_settings_cache()
