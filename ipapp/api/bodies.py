"""Reading a small JSON body from a browser that may be hostile: refused on its announced size
before anything is read, cut off at the limit when it is chunked, timed out when it trickles in,
and parsed so that no malformed or deeply nested body can raise past this function."""

from __future__ import annotations

import asyncio
import json
import logging

from starlette.requests import ClientDisconnect, Request

log = logging.getLogger(__name__)

MAX_BODY = 64 * 1024
BODY_TIMEOUT_SECONDS = 10.0


class BodyRefused(Exception):
    def __init__(self, status: int, why: str):
        super().__init__(why)
        self.status = status
        self.why = why


async def _read_limited(request: Request, limit: int) -> bytes:
    announced = request.headers.get("content-length")
    if announced is not None:
        if not announced.isascii() or not announced.isdigit():
            raise BodyRefused(400, "unreadable Content-Length")
        if int(announced) > limit:
            raise BodyRefused(413, "announced body over the limit")
    received = bytearray()
    async for chunk in request.stream():
        received += chunk
        if len(received) > limit:
            raise BodyRefused(413, "body over the limit")
    return bytes(received)


async def read_json(request: Request, limit: int = MAX_BODY, timeout: float = BODY_TIMEOUT_SECONDS) -> object:
    """The parsed body, or BodyRefused with the status to answer (400, 408 or 413)."""
    try:
        body = await asyncio.wait_for(_read_limited(request, limit), timeout)
    except asyncio.TimeoutError:
        raise BodyRefused(408, "body too slow") from None
    except ClientDisconnect:
        raise BodyRefused(400, "client went away") from None
    try:
        return json.loads(body)
    except (ValueError, RecursionError):  # RecursionError: '[[[[…' nested thousands deep
        raise BodyRefused(400, "not JSON") from None
