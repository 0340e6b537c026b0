"""The outermost layer of every HTTP response and websocket: security headers on everything (the
hashed /assets/* scripts and stylesheets without the document-only ones), and only ipapp's own
origin may open the websocket (`/_event`) - a missing Origin included.

The Content-Security-Policy allows exactly the inline scripts the production build contains (by
their SHA-256, collected from the built HTML once) and no others. Reflex runs `rx.call_script`
and its callbacks through `eval`, so 'unsafe-eval' stays until those are gone (see the notes).
"""

from __future__ import annotations

import base64
import functools
import hashlib
import logging
import re
from pathlib import Path
from urllib.parse import urlsplit

from ipapp.config import settings

log = logging.getLogger(__name__)

EVENT_PATH = "/_event"
INLINE_SCRIPT = re.compile(rb"<script(?![^>]*\bsrc=)[^>]*>(.*?)</script>", re.S)
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
    """'sha256-…' for every distinct inline script in the built HTML files."""
    found: set[str] = set()
    if build is not None and build.is_dir():
        for page in build.rglob("*.html"):
            for body in INLINE_SCRIPT.findall(page.read_bytes()):
                found.add("'sha256-" + base64.b64encode(hashlib.sha256(body).digest()).decode() + "'")
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


def _never_a_document(path: str, headers: list[tuple[bytes, bytes]]) -> bool:
    kind = next((v.split(b";")[0].strip().lower() for k, v in headers if k.lower() == b"content-type"), b"")
    return kind in PLAIN_KINDS and path != "/sw.js"


@functools.cache
def asset_headers() -> tuple[tuple[bytes, bytes], ...]:
    return tuple((name, value) for name, value in security_headers() if name not in DOCUMENT_ONLY)


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

        async def with_headers(message):
            if message["type"] == "http.response.start":
                ours = _our_header_names(immutable)
                headers = [(k, v) for k, v in message.get("headers", ()) if k.lower() not in ours]
                headers.extend(asset_headers() if immutable or _never_a_document(path, headers)
                               else security_headers())
                if immutable and message.get("status") == 200:
                    headers.append((b"cache-control", IMMUTABLE))
                message = {**message, "headers": headers}
            await send(message)

        await app(scope, receive, with_headers)

    return edge
