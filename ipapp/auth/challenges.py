"""Server-side WebAuthn challenges: random (or given) bytes, kept only as a SHA-256 hash,
bound to one purpose and optionally one account, valid for two minutes, usable exactly once.

The browser never tells us which challenge it means by anything but the challenge itself
(it comes back inside clientDataJSON), so the hash is the lookup key.
"""

import hashlib
import secrets
from datetime import timedelta

from sqlmodel import col, delete, select, update

from ipapp.db import transaction
from ipapp.models import AuthChallenge, utcnow

PURPOSES = frozenset({"register", "authenticate", "sign_consent"})
CHALLENGE_LIFETIME = timedelta(minutes=2)
PURGE_GRACE = timedelta(minutes=1)  # an expired challenge still explains a late answer briefly
RANDOM_CHALLENGE_BYTES = 32
# A given challenge (consent signing: SHA-256 of the document plus a nonce) must still be
# unguessable and unique, so it may not be shorter than a random one.
MIN_CHALLENGE_BYTES = 32
MAX_CHALLENGE_BYTES = 1024
# Outstanding (unused, unexpired) challenges kept per client address and per account: a signed-out
# tab reloading the sign-in page in a loop replaces its own oldest ones instead of filling the table.
MAX_OUTSTANDING = 8


def _hash(challenge: bytes) -> str:
    return hashlib.sha256(challenge).hexdigest()


def _check_purpose(purpose: str) -> None:
    # A wrong purpose is a programming error on our side, not browser input.
    if purpose not in PURPOSES:
        raise ValueError(f"unknown challenge purpose {purpose!r}")


def issue(purpose: str, account_id: int | None = None, challenge: bytes | None = None,
          client: str | None = None) -> bytes:
    """Store a new challenge and return its bytes (32 random bytes unless one is given).

    `client` is a keyed hash of the requesting address (ipapp.auth.oidc.client_key). Expired
    challenges are purged here, as the app runs, and each client and account keeps at most
    MAX_OUTSTANDING outstanding ones (the oldest give way)."""
    _check_purpose(purpose)
    if challenge is None:
        challenge = secrets.token_bytes(RANDOM_CHALLENGE_BYTES)
    elif not isinstance(challenge, bytes) or not MIN_CHALLENGE_BYTES <= len(challenge) <= MAX_CHALLENGE_BYTES:
        raise ValueError(f"a given challenge must be {MIN_CHALLENGE_BYTES}-{MAX_CHALLENGE_BYTES} bytes")
    now = utcnow()
    with transaction() as session:
        session.exec(delete(AuthChallenge).where(AuthChallenge.expires_at < now - PURGE_GRACE))
        for owner in ((AuthChallenge.client_key == client) if client else None,
                      (AuthChallenge.account_id == account_id) if account_id is not None else None):
            if owner is None:
                continue
            keep = select(AuthChallenge.id).where(
                owner, col(AuthChallenge.used_at).is_(None), AuthChallenge.expires_at > now
            ).order_by(col(AuthChallenge.id).desc()).limit(MAX_OUTSTANDING - 1)
            session.exec(delete(AuthChallenge).where(
                owner, col(AuthChallenge.used_at).is_(None), col(AuthChallenge.id).not_in(keep)))
        session.add(
            AuthChallenge(
                purpose=purpose,
                challenge_hash=_hash(challenge),
                account_id=account_id,
                client_key=client,
                created_at=now,
                expires_at=now + CHALLENGE_LIFETIME,
            )
        )
    return challenge


def consume(purpose: str, challenge: bytes, account_id: int | None = None) -> bool:
    """True exactly once for a challenge we issued for this purpose and this account, before it expires.

    The account must match exactly: a challenge bound to an account is refused without that
    account, and an unbound one is refused with an account, so issuer and consumer must agree.
    A single conditional UPDATE marks it used, so of two concurrent consumers only one sees a row.
    """
    _check_purpose(purpose)
    if not isinstance(challenge, bytes) or not challenge or len(challenge) > MAX_CHALLENGE_BYTES:
        return False
    if account_id is not None and not isinstance(account_id, int):
        return False
    now = utcnow()
    account_matches = (
        col(AuthChallenge.account_id).is_(None)
        if account_id is None
        else AuthChallenge.account_id == account_id
    )
    with transaction() as session:
        result = session.exec(
            update(AuthChallenge)
            .where(
                AuthChallenge.challenge_hash == _hash(challenge),
                AuthChallenge.purpose == purpose,
                account_matches,
                col(AuthChallenge.used_at).is_(None),
                AuthChallenge.expires_at > now,
            )
            .values(used_at=now)
        )
        return result.rowcount == 1


def purge_expired(older_than: timedelta = timedelta(hours=1)) -> int:
    """Delete challenges that expired more than `older_than` ago; returns how many (housekeeping)."""
    cutoff = utcnow() - older_than
    with transaction() as session:
        result = session.exec(delete(AuthChallenge).where(AuthChallenge.expires_at < cutoff))
        return result.rowcount
