"""The inline scripts of one HTML document, for its own Content-Security-Policy (ipapp.api.edge):
a page allows the few inline scripts it holds, not every page's (the build's whole list is some
2.5 KiB of headers on each document; a page's own is a few hashes).

The edge reads the body it is about to send, decoded as sent (brotli, gzip or plain), once per
distinct body: the built pages are static files, so a worker computes each page's hashes once."""

from __future__ import annotations

import base64
import gzip
import hashlib
import re
import threading
from collections import OrderedDict

import brotli

INLINE_SCRIPT = re.compile(rb"<script(?![^>]*\bsrc=)[^>]*>(.*?)</script>", re.S)
MAX_KEPT = 256  # distinct bodies (the build's pages in each encoding)
_kept: OrderedDict[bytes, tuple[str, ...]] = OrderedDict()
_lock = threading.Lock()


def script_hash(body: bytes) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(body).digest()).decode() + "'"


def _decoded(body: bytes, encoding: bytes) -> bytes | None:
    try:
        if encoding == b"br":
            return brotli.decompress(body)
        if encoding == b"gzip":
            return gzip.decompress(body)
    except Exception:  # noqa: BLE001 - not what it says it is: the caller falls back to every hash
        return None
    return body if encoding in (b"", b"identity") else None


def inline_script_hashes(body: bytes, encoding: bytes) -> tuple[str, ...] | None:
    """The 'sha256-…' of each distinct inline script in this document, sorted; None when the body
    cannot be read (an encoding not known here)."""
    key = hashlib.sha256(encoding + b"\0" + body).digest()
    with _lock:
        if key in _kept:
            _kept.move_to_end(key)
            return _kept[key]
    html = _decoded(body, encoding)
    if html is None:
        return None
    found = tuple(sorted({script_hash(script) for script in INLINE_SCRIPT.findall(html)}))
    with _lock:
        _kept[key] = found
        while len(_kept) > MAX_KEPT:
            _kept.popitem(last=False)
    return found
