"""The outermost layer of every HTTP response and websocket: security headers on everything (the
hashed /assets/* scripts and stylesheets without the document-only ones), and only ipapp's own
origin may open the websocket (`/_event`) - a missing Origin included.

The Content-Security-Policy allows exactly the inline scripts of the page it is sent with (by
their SHA-256, read from the page's body: ipapp.api.document_scripts), and where a body is not read
(a 304, another kind of document) those of the whole production build, collected once; no others. Reflex runs `rx.call_script`
and its callbacks through `eval`, so 'unsafe-eval' stays until those are gone (see the notes).
"""

from __future__ import annotations

import functools
import logging
import re
from pathlib import Path
from urllib.parse import urlsplit

from ipapp.api import document_scripts
from ipapp.api.document_scripts import INLINE_SCRIPT
from ipapp.config import settings

log = logging.getLogger(__name__)

EVENT_PATH = "/_event"
IMMUTABLE = b"public, max-age=31536000, immutable"
PERMISSIONS = (
    "accelerometer=(), autoplay=(), camera=(), display-capture=(), geolocation=(), gyroscope=(), "
    "magnetometer=(), microphone=(), midi=(), payment=(), usb=(), serial=(), hid=(), "
    "screen-wake-lock=(), xr-spatial-tracking=(), browsing-topics=(), "
    "publickey-credentials-get=(self), publickey-credentials-create=(self)"
)


def static_dir() -> Path | None:
    try:
        from reflex.utils import prerequisites
        from reflex_base import constants

        return prerequisites.get_web_dir() / constants.Dirs.STATIC
    except Exception:  # no Reflex project here (a unit test): no build, no inline scripts
        return None


def inline_script_hashes(build: Path | None) -> list[str]:
    """'sha256-…' for every distinct inline script in the built HTML files: the policy of a
    response whose own scripts are not read (not an HTML page sent whole, a 304)."""
    found: set[str] = set()
    if build is not None and build.is_dir():
        for page in build.rglob("*.html"):
            found.update(document_scripts.script_hash(body) for body in INLINE_SCRIPT.findall(page.read_bytes()))
    return sorted(found)


def content_security_policy(origin: str, script_hashes: list[str]) -> str:
    parts = urlsplit(origin)
    socket = ("wss://" if parts.scheme == "https" else "ws://") + parts.netloc
    return "; ".join([
        "default-src 'self'",
        "script-src 'self' 'unsafe-eval' " + " ".join(script_hashes),
        "style-src 'self' 'unsafe-inline'",  # React style attributes and emotion's <style> tags
        "img-src 'self' data:",
        "font-src 'self' data:",
        f"connect-src 'self' {origin} {socket}",
        "manifest-src 'self'",
        "worker-src 'self'",
        "frame-ancestors 'none'",
        "frame-src 'none'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
    ])


@functools.cache
def security_headers() -> tuple[tuple[bytes, bytes], ...]:
    origin = settings().public_origin
    headers = [
        ("Content-Security-Policy", content_security_policy(origin, inline_script_hashes(static_dir()))),
        ("X-Content-Type-Options", "nosniff"),
        ("Referrer-Policy", "no-referrer"),  # invitation codes travel in URLs
        ("Permissions-Policy", PERMISSIONS),
        ("X-Frame-Options", "DENY"),
        ("Cross-Origin-Opener-Policy", "same-origin"),
    ]
    if origin.startswith("https://"):
        headers.append(("Strict-Transport-Security", "max-age=63072000; includeSubDomains"))
    return tuple((k.lower().encode(), v.encode()) for k, v in headers)


# What a document's headers say to the browser about that document (its scripts, frames, features)
# means nothing on a script or stylesheet it loads: the hashed /assets/* files go without them. The
# policy with every inline script's hash is ~2.5 KiB: sent on each of a first load's dozen scripts
# it was a fifth of the bytes. A worker's script gets its own policy: /sw.js is not under /assets/.
DOCUMENT_ONLY = (b"content-security-policy", b"permissions-policy", b"x-frame-options", b"cross-origin-opener-policy")


# Kinds a browser never runs as a document or a worker (SVG can carry scripts: not among them).
PLAIN_KINDS = (b"image/png", b"image/x-icon", b"text/css", b"application/manifest+json", b"text/javascript",
               b"application/javascript")


def _kind(headers: list[tuple[bytes, bytes]]) -> bytes:
    return next((v.split(b";")[0].strip().lower() for k, v in headers if k.lower() == b"content-type"), b"")


def _never_a_document(path: str, headers: list[tuple[bytes, bytes]]) -> bool:
    return _kind(headers) in PLAIN_KINDS and path != "/sw.js"


@functools.cache
def asset_headers() -> tuple[tuple[bytes, bytes], ...]:
    return tuple((name, value) for name, value in security_headers() if name not in DOCUMENT_ONLY)


# An SVG opened on its own is a document that could run scripts: it gets a policy of its own that
# allows none (the icon needs only its inline style), not the pages' ~2.5 KiB one.
SVG_POLICY = b"default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'"


@functools.cache
def svg_headers() -> tuple[tuple[bytes, bytes], ...]:
    return (*asset_headers(), (b"content-security-policy", SVG_POLICY))


# A hashed file never changes under its name and is cached for a year without asking again: its
# validators would only be bytes on every first load.
VALIDATORS = (b"etag", b"last-modified")


def _one_vary(headers: list[tuple[bytes, bytes]]) -> list[tuple[bytes, bytes]]:
    """One Vary header, each name once: Reflex's CORS adds "Origin" again for every layer it
    passes ("Accept-Encoding, Origin, Origin, Origin" on a static file), which only costs bytes."""
    varies = [value for name, value in headers if name.lower() == b"vary"]
    if not varies:
        return headers
    names: dict[bytes, bytes] = {}
    for value in varies:
        for name in value.split(b","):
            if name.strip():
                names.setdefault(name.strip().lower(), name.strip())
    return [(k, v) for k, v in headers if k.lower() != b"vary"] + [(b"vary", b", ".join(names.values()))]


@functools.cache
def _our_header_names(immutable: bool) -> frozenset[bytes]:
    """Headers the edge sets itself: a copy from inside is dropped, never doubled."""
    return frozenset({name for name, _ in security_headers()} | ({b"cache-control"} if immutable else set()))


def _header(scope, name: bytes) -> str | None:
    for key, value in scope.get("headers", ()):
        if key == name:
            return value.decode("latin-1")
    return None


def origin_allowed(scope) -> bool:
    """The websocket (and engine.io's polling fallback) only from our own pages: the Origin must
    be the configured one. A missing Origin is refused: browsers always send it there."""
    expected = urlsplit(settings().public_origin)
    given = _header(scope, b"origin")
    if given is None:
        return False
    parts = urlsplit(given)
    return (parts.scheme, parts.netloc) == (expected.scheme, expected.netloc)


class _PageHold:
    """An HTML page's start is held until its body has come (pages are a few KiB; past
    MAX_HELD it goes out with every hash): then it is sent with a policy naming only the inline
    scripts this page holds."""

    MAX_HELD = 512 * 1024

    def __init__(self, send):
        self.send, self.start, self.chunks = send, None, []

    @property
    def holding(self) -> bool:
        return self.start is not None

    def hold(self, start: dict) -> None:
        self.start = start

    async def body(self, message: dict) -> None:
        """An http.response.body, or a file the server sends itself (http.response.pathsend, as
        granian does for static files): the start goes first, with this page's own policy."""
        if message["type"] == "http.response.pathsend":
            await self._start_with(_small_file(message.get("path", "")))
            await self.send(message)
            return
        self.chunks.append(message.get("body", b""))
        more = message.get("more_body", False)
        if more and sum(map(len, self.chunks)) <= self.MAX_HELD:
            return
        body = b"".join(self.chunks)
        await self._start_with(None if more else body)
        await self.send({"type": "http.response.body", "body": body, "more_body": more})

    async def _start_with(self, body: bytes | None) -> None:
        headers = self.start["headers"]
        encoding = next((v.strip().lower() for k, v in headers if k.lower() == b"content-encoding"), b"")
        hashes = None if body is None else document_scripts.inline_script_hashes(body, encoding)
        if hashes is not None:
            own = content_security_policy(settings().public_origin, list(hashes)).encode()
            headers = [(k, own if k == b"content-security-policy" else v) for k, v in headers]
        await self.send({**self.start, "headers": headers})
        self.start, self.chunks = None, []


def _small_file(path: str) -> bytes | None:
    """A page the server sends from disk, read to find its scripts (None when large or unreadable)."""
    try:
        file = Path(path)
        return file.read_bytes() if file.stat().st_size <= _PageHold.MAX_HELD else None
    except OSError:
        return None


def secure_edge(app):
    """api_transformer: wraps the whole backend (pages, routes, websocket)."""

    async def edge(scope, receive, send):
        kind = scope.get("type")
        path = scope.get("path", "")
        if kind in ("http", "websocket") and path.startswith(EVENT_PATH) and not origin_allowed(scope):
            log.warning("refused a %s to %s from another or no origin", kind, EVENT_PATH)
            if kind == "websocket":
                await send({"type": "websocket.close", "code": 1008})
            else:
                await send({"type": "http.response.start", "status": 403,
                            "headers": [(b"content-type", b"text/plain"), *security_headers()]})
                await send({"type": "http.response.body", "body": b"Forbidden"})
            return
        if kind != "http":
            await app(scope, receive, send)
            return
        immutable = path.startswith("/assets/")
        page = _PageHold(send) if scope.get("method") == "GET" else None

        async def with_headers(message):
            if message["type"] == "http.response.start":
                ours = _our_header_names(immutable)
                headers = [(k, v) for k, v in message.get("headers", ()) if k.lower() not in ours]
                headers = _one_vary(headers)
                if _kind(headers) == b"image/svg+xml":  # the icon sprite under /assets/ too
                    headers.extend(svg_headers())
                elif immutable or _never_a_document(path, headers):
                    headers.extend(asset_headers())
                else:
                    headers.extend(security_headers())
                    if page is not None and message.get("status") == 200 and _kind(headers) == b"text/html":
                        page.hold({**message, "headers": headers})  # its own policy once its body is read
                        return
                if immutable and message.get("status") == 200:
                    headers = [(k, v) for k, v in headers if k.lower() not in VALIDATORS]
                    headers.append((b"cache-control", IMMUTABLE))
                message = {**message, "headers": headers}
            elif page is not None and page.holding:
                await page.body(message)
                return
            await send(message)

        await app(scope, receive, with_headers)

    return edge
