"""Send one Web Push message with pywebpush 2.5.0, around its known pitfalls:

- it writes "aud" and "exp" into the vapid_claims dict it is given, so a shared dict would carry
  one push service's audience to the next: every send gets a fresh dict;
- ttl defaults to 0 (a phone that is offline for a second never gets it): the caller sets one;
- timeout=None means no timeout at all (a push service that hangs would hang the sender): set;
- it posts through requests, which follows redirects to any host (a push service, or a forged
  endpoint, could bounce us to 127.0.0.1 or 169.254.169.254): our session follows none;
- 404/410 mean the subscription is gone (delete it); 429 and 5xx are worth another try later,
  after Retry-After when the service says so.

The endpoint is checked against the allow-list here too, right before the request: a
subscription stored before the list shrank is not trusted for it.
"""

import base64
import binascii
import hashlib
import json
import logging
import time
from dataclasses import dataclass
from datetime import UTC
from email.utils import parsedate_to_datetime
from enum import StrEnum
from urllib.parse import urlsplit

import requests
from pywebpush import WebPushException, webpush

from ipapp.config import PushSettings
from ipapp.push.endpoints import check_endpoint
from ipapp.push.vapid import signer

log = logging.getLogger("ipapp.push")
VAPID_LIFETIME_SECONDS = 12 * 3600  # push services refuse a JWT that lives longer than 24 h
MAX_RETRY_AFTER_SECONDS = 6 * 3600  # a service asking for days is treated as asking for hours


class Outcome(StrEnum):
    DELIVERED = "delivered"  # the push service took it (201)
    GONE = "gone"  # 404/410 or a removed endpoint: delete the subscription
    RETRY = "retry"  # 429, 5xx, a timeout or no connection: try again later
    FAILED = "failed"  # the service refused this message (400, 401/403 wrong key, 413...)
    REFUSED = "refused"  # we did not send: the endpoint is not allowed, or the service redirected


@dataclass(frozen=True)
class Delivery:
    outcome: Outcome
    status: int | None = None  # the push service's HTTP status, when it answered
    retry_after: float | None = None  # seconds, when the service said (Retry-After)
    detail: str = ""  # for the log line


class _NoRedirects(requests.Session):
    """A session that never follows a redirect: the 3xx comes back as the answer."""

    def __init__(self) -> None:
        super().__init__()
        self.max_redirects = 0

    def request(self, method, url, *args, **kwargs):
        kwargs["allow_redirects"] = False
        return super().request(method, url, *args, **kwargs)


def topic_for(key: str) -> str:
    """A Topic header (RFC 8030: at most 32 base64url characters) for a dedupe key: a push service
    that still holds an undelivered message with this topic replaces it rather than adding one."""
    return base64.urlsafe_b64encode(hashlib.sha256(key.encode()).digest()[:24]).decode("ascii")


def retry_after_seconds(value: str | None, now: float | None = None) -> float | None:
    """Retry-After as seconds: a number of seconds, or an HTTP date; None if absent or unreadable."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return min(float(value), MAX_RETRY_AFTER_SECONDS)
    try:
        moment = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    now = time.time() if now is None else now
    return min(max(moment.timestamp() - now, 0.0), MAX_RETRY_AFTER_SECONDS)


def audience(endpoint: str) -> str:
    """The JWT's "aud": the push service's origin (scheme and host, and a port only if given)."""
    parts = urlsplit(endpoint)
    return f"{parts.scheme}://{parts.netloc}"


class PushSender:
    """Sends push messages for one process; safe to share between threads of one sender loop."""

    def __init__(self, push: PushSettings):
        if not push.has_keys:
            raise ValueError("no VAPID keys")
        self._push = push
        self._vapid = signer(push.vapid_private_key)
        self._http = _NoRedirects()

    def close(self) -> None:
        self._http.close()

    def claims_for(self, endpoint: str) -> dict:
        """A fresh claims dict for one request (pywebpush writes into the one it gets)."""
        return {"sub": self._push.vapid_subject, "aud": audience(endpoint),
                "exp": int(time.time()) + VAPID_LIFETIME_SECONDS}

    def send(self, endpoint: str, p256dh: str, auth: str, message: dict, *, ttl: int, topic: str | None = None,
             urgency: str = "normal") -> Delivery:
        check = check_endpoint(endpoint, self._push.allowed_hosts, test_loopback=self._push.test_loopback)
        if check.removed:
            return Delivery(Outcome.GONE, detail="removed by the browser")
        if not check.allowed:
            return Delivery(Outcome.REFUSED, detail=f"endpoint not allowed ({check.reason})")
        headers = {"Urgency": urgency}
        if topic:
            headers["Topic"] = topic
        try:
            response = webpush(
                {"endpoint": endpoint, "keys": {"p256dh": p256dh, "auth": auth}},
                data=json.dumps(message, ensure_ascii=False, separators=(",", ":")),
                vapid_private_key=self._vapid,
                vapid_claims=self.claims_for(endpoint),
                content_encoding="aes128gcm",
                timeout=self._push.timeout_seconds,
                ttl=max(int(ttl), 1),
                headers=headers,
                requests_session=self._http,
            )
        except WebPushException as exc:
            return _classify(exc)
        except requests.TooManyRedirects:
            return Delivery(Outcome.REFUSED, detail="the push service redirected (not followed)")
        except (requests.Timeout, requests.ConnectionError) as exc:
            return Delivery(Outcome.RETRY, detail=f"no answer ({type(exc).__name__})")
        except (ValueError, TypeError, binascii.Error) as exc:
            # Malformed keys in a stored subscription: it can never work.
            return Delivery(Outcome.GONE, detail=f"malformed subscription ({type(exc).__name__})")
        return Delivery(Outcome.DELIVERED, status=response.status_code)


def _classify(exc: WebPushException) -> Delivery:
    status = exc.status_code
    if status is None:
        return Delivery(Outcome.RETRY, detail=exc.message[:200])
    if status in (404, 410):
        return Delivery(Outcome.GONE, status=status, detail="the push service no longer knows it")
    if status == 429 or 500 <= status <= 599:
        return Delivery(Outcome.RETRY, status=status, retry_after=retry_after_seconds(exc.retry_after))
    if 300 <= status <= 399:
        return Delivery(Outcome.REFUSED, status=status, detail="the push service redirected (not followed)")
    return Delivery(Outcome.FAILED, status=status, detail=f"refused by the push service ({status})")
