"""Append-only audit events, each chained to the previous one by an HMAC.

The key comes from configuration so that someone with only database access cannot rewrite the
chain. (Serialising concurrent writers and the verify command belong to the sharing issue.)
"""

import hashlib
import hmac
import json

from sqlmodel import Session, col, select

from ipapp.config import settings
from ipapp.models import AuditEvent, utcnow

GENESIS = "0" * 64


def _event_digest(key: bytes, prev_hash: str, fields: dict) -> str:
    payload = json.dumps(fields, sort_keys=True, separators=(",", ":"), default=str)
    return hmac.new(key, f"{prev_hash}|{payload}".encode(), hashlib.sha256).hexdigest()


def record(
    session: Session,
    *,
    actor_person_id: int | None,
    actor_role: str,
    plan_id: int | None,
    action: str,
    section: str | None,
    allowed: bool,
    reason: str,
    target: str = "",
) -> AuditEvent:
    last = session.exec(select(AuditEvent).order_by(col(AuditEvent.id).desc()).limit(1)).first()
    prev_hash = last.hash if last else GENESIS
    event = AuditEvent(
        occurred_at=utcnow(),
        actor_person_id=actor_person_id,
        actor_role=actor_role,
        plan_id=plan_id,
        action=action,
        section=section,
        target=target[:200],
        outcome="allowed" if allowed else "denied",
        reason=reason[:64],
        prev_hash=prev_hash,
        hash="",
    )
    fields = event.model_dump(exclude={"id", "hash", "prev_hash"})
    event.hash = _event_digest(settings().audit_key.encode(), prev_hash, fields)
    session.add(event)
    session.flush()
    return event
