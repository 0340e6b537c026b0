"""Server-side sessions. The browser holds only a random id in an HttpOnly cookie; the database
holds its SHA-256, who it belongs to, and when it ends (absolute expiry and idle timeout)."""

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlmodel import col, select, update

from ipapp import live
from ipapp.auth import session_cache
from ipapp.db import transaction
from ipapp.domain.vocabulary import AccountStatus
from ipapp.models import Account, WebSession, utcnow

SESSION_COOKIE = "ipapp_session"
SESSION_LIFETIME = timedelta(hours=12)
IDLE_TIMEOUT = timedelta(minutes=30)
# last_seen is written at most this often, so every websocket event does not write to the database.
TOUCH_INTERVAL = timedelta(seconds=60)


def _hash(raw_session_id: str) -> str:
    return hashlib.sha256(raw_session_id.encode()).hexdigest()


@dataclass(frozen=True)
class ActiveSession:
    session_id: int
    account_id: int
    person_id: int
    ends_at: datetime  # when it ends unless used again (idle) or at the latest (absolute)


def start_session(account_id: int, device_label: str = "", passkey_credential_id: int | None = None,
                  method: str = "passkey") -> str:
    """A new session (a new id at every sign-in); returns the raw id for the cookie, never stored.
    `method`: "passkey", "national" (ID-porten) or "demo", shown to the person under Meg."""
    raw = secrets.token_urlsafe(32)  # 256 bits
    now = utcnow()
    with transaction() as session:
        session.add(
            WebSession(
                session_hash=_hash(raw),
                account_id=account_id,
                passkey_credential_id=passkey_credential_id,
                device_label=device_label[:200],
                created_at=now,
                last_seen_at=now,
                expires_at=now + SESSION_LIFETIME,
                idle_timeout_seconds=int(IDLE_TIMEOUT.total_seconds()),
                method=method,
            )
        )
        account = session.get(Account, account_id)
        if account is not None:
            account.last_sign_in_at = now
            session.add(account)
    return raw


def resolve(raw_session_id: object) -> ActiveSession | None:
    """The live session for a cookie value, or None (unknown, revoked, expired, idle, or disabled).
    Answered from this worker's session_cache when the database said yes a few seconds ago."""
    if not isinstance(raw_session_id, str) or not 20 <= len(raw_session_id) <= 100:
        return None
    now = utcnow()
    session_hash = _hash(raw_session_id)
    known = session_cache.cached(session_hash, now)
    if known is not None:
        return known
    active = _resolve_in_database(session_hash, now)
    if active is not None:
        session_cache.remember(session_hash, active, now)
    return active


def _resolve_in_database(session_hash: str, now: datetime) -> ActiveSession | None:
    with transaction() as session:
        row = session.exec(
            select(WebSession).where(WebSession.session_hash == session_hash)
        ).first()
        if row is None or row.revoked_at is not None or row.expires_at <= now:
            return None
        if row.last_seen_at + timedelta(seconds=row.idle_timeout_seconds) <= now:
            return None
        account = session.get(Account, row.account_id)
        if account is None or account.status != AccountStatus.ACTIVE.value:
            return None
        if now - row.last_seen_at >= TOUCH_INTERVAL:
            row.last_seen_at = now
            session.add(row)
        idle_end = row.last_seen_at + timedelta(seconds=row.idle_timeout_seconds)
        return ActiveSession(session_id=row.id, account_id=row.account_id, person_id=account.person_id,
                             ends_at=min(row.expires_at, idle_end))


def _end(condition) -> None:
    """Revoke the sessions that match, and tell every worker: their open tabs are wiped at once."""
    with transaction() as session:
        ids = list(session.exec(select(WebSession.id).where(condition, col(WebSession.revoked_at).is_(None))))
        if not ids:
            return
        session.exec(update(WebSession).where(col(WebSession.id).in_(ids)).values(revoked_at=utcnow()))
        live.after_commit(session, live.SESSIONS_ENDED, {"kind": "ended", "sessions": ids})


def end_session(raw_session_id: object) -> None:
    if not isinstance(raw_session_id, str):
        return
    _end(WebSession.session_hash == _hash(raw_session_id))


def end_all_sessions(account_id: int) -> None:
    """"Sign out everywhere"."""
    _end(WebSession.account_id == account_id)


def end_sessions_of_credential(passkey_credential_id: int) -> None:
    """Removing a passkey ends the sessions it opened."""
    _end(WebSession.passkey_credential_id == passkey_credential_id)


def cookie_attributes(secure: bool) -> dict:
    """For Starlette's Response.set_cookie: HttpOnly, SameSite=Lax, Secure over https."""
    return {
        "key": SESSION_COOKIE,
        "httponly": True,
        "samesite": "lax",
        "secure": secure,
        "path": "/",
        "max_age": int(SESSION_LIFETIME.total_seconds()),
    }
