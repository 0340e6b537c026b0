"""Append-only audit events, each chained to the previous one by an HMAC, and their verification.

One chain per plan (and one for events with no plan), so that writes to different plans never
wait for each other. The key comes from configuration so that someone with only database access
cannot rewrite a chain. A chain's order is the id order of its events.

Canonical form of an event (what the HMAC covers), so verify_chain recomputes it exactly:
    HMAC-SHA256(key, prev_hash + "|" + json)
where json is the object of the stored fields except id, prev_hash and hash (occurred_at,
actor_person_id, actor_role, plan_id, action, section, target, outcome, reason), keys sorted,
separators "," and ":", non-ASCII kept as \\u escapes, occurred_at as ISO 8601 with microseconds
("2026-03-01T12:00:00.000000", naive UTC) and missing values as null.

Concurrent writers: record() first takes the chain's lock in the caller's transaction, then reads
that chain's head, so two transactions can never both append after the same event (a fork). The
lock is held until that transaction ends:
- PostgreSQL: pg_advisory_xact_lock(AUDIT_CHAIN_LOCK, plan id or 0), one lock per chain; rows
  committed before it was granted are visible to the next statement (READ COMMITTED, the default).
- SQLite: a no-op UPDATE makes pysqlite BEGIN and SQLite take the RESERVED (write) lock, waiting
  up to the busy timeout; in WAL mode holding it means the head read next is the latest. (SQLite
  has one writer at a time anyway: per-plan chains pay off on PostgreSQL.)

Anchors: every ANCHOR_EVERY events of a chain record() also stores that chain's head (event id
and hash) in audit_anchor, so deleting a chain's newest events is detectable. Events after the last anchor can still
be cut off unnoticed, as can anchors and events removed together; only a copy of the head kept
outside the database protects against that.
"""

import hashlib
import hmac
import json
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, insert, text
from sqlmodel import Session, col, select

from ipapp.config import settings
from ipapp.models import AuditAnchor, AuditEvent, utcnow

GENESIS = "0" * 64
ANCHOR_EVERY = 100
# Any constant works; it only has to be the same in every ipapp process sharing a server, and
# differ from ipapp.startup.PG_MIGRATION_LOCK.
AUDIT_CHAIN_LOCK = 0x69706175
HASHED_FIELDS = (
    "occurred_at", "actor_person_id", "actor_role", "plan_id", "action", "section", "target",
    "outcome", "reason",
)
PROBLEMS = ("edited", "deleted", "inserted", "reordered", "truncated", "anchor_mismatch")


def canonical(event: AuditEvent) -> str:
    """The event's hashed fields as canonical JSON (see the module docstring)."""
    fields = {}
    for name in HASHED_FIELDS:
        value = getattr(event, name)
        fields[name] = value.isoformat(timespec="microseconds") if isinstance(value, datetime) else value
    return json.dumps(fields, sort_keys=True, separators=(",", ":"))


def digest(event: AuditEvent, prev_hash: str) -> str:
    message = f"{prev_hash}|{canonical(event)}".encode()
    return hmac.new(settings().audit_key.encode(), message, hashlib.sha256).hexdigest()


def lock_chain(session: Session, plan_id: int | None = None) -> None:
    """Hold this chain's write lock until the session's transaction ends (see the module docstring)."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:key, :chain)"),
                        {"key": AUDIT_CHAIN_LOCK, "chain": plan_id or 0})
    else:
        session.execute(text("UPDATE audit_anchor SET id = id WHERE 0"))


def _in_chain(column, plan_id: int | None):
    return col(column).is_(None) if plan_id is None else column == plan_id


def _head(session: Session, plan_id: int | None) -> AuditEvent | None:
    return session.exec(select(AuditEvent).where(_in_chain(AuditEvent.plan_id, plan_id))
                        .order_by(col(AuditEvent.id).desc()).limit(1)).first()


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
    lock_chain(session, plan_id)
    last = _head(session, plan_id)
    prev_hash = last.hash if last else GENESIS
    event = AuditEvent(
        occurred_at=utcnow(),  # taken under the lock, so time order follows chain order
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
    event.hash = digest(event, prev_hash)
    session.add(event)
    session.flush()
    if _events_since_last_anchor(session, plan_id) >= ANCHOR_EVERY:
        record_anchor(session, plan_id)
    return event


def _events_since_last_anchor(session: Session, plan_id: int | None) -> int:
    anchored = session.exec(select(func.max(AuditAnchor.event_id))
                            .where(_in_chain(AuditAnchor.plan_id, plan_id))).one() or 0
    return session.exec(select(func.count()).where(_in_chain(AuditEvent.plan_id, plan_id),
                                                   col(AuditEvent.id) > anchored)).one()


def record_anchor(session: Session, plan_id: int | None = None) -> AuditAnchor | None:
    """Store a chain's current head (event id and hash); None when it has no events yet."""
    lock_chain(session, plan_id)
    head = _head(session, plan_id)
    if head is None:
        return None
    anchor = AuditAnchor(event_id=head.id, hash=head.hash, plan_id=plan_id)
    session.add(anchor)
    session.flush()
    return anchor


# --- verification -----------------------------------------------------------------------------


@dataclass(frozen=True)
class ChainReport:
    ok: bool
    count: int  # events in the table
    first_bad_id: int | None = None  # the first event (id) where the chain is broken
    problem: str | None = None  # one of PROBLEMS

    def line(self) -> str:
        if self.ok:
            return f"audit chain ok ({self.count} events)"
        return f"audit chain broken: {self.problem} at event {self.first_bad_id} ({self.count} events)"


def verify_chain(session: Session) -> ChainReport:
    """Every chain (each plan's, and the one of events with no plan): the first problem found in
    any of them, in the order of the events' ids, or ok with the number of events in the table."""
    count = _count(session)
    chains = set(session.exec(select(AuditEvent.plan_id).distinct())) | \
        set(session.exec(select(AuditAnchor.plan_id).distinct()))
    problems = [r for r in (_verify_one(session, plan_id, count) for plan_id in chains) if not r.ok]
    if problems:
        return min(problems, key=lambda r: r.first_bad_id or 0)
    return ChainReport(True, count)


def _verify_one(session: Session, plan_id: int | None, total: int) -> ChainReport:
    """Walk one chain in id order, then check its anchors. Stops at the first problem.

    A row whose HMAC does not match its content is "inserted" when the chain continues past it
    (the next row links to the row before it), else "edited". A row that is intact but does not
    link to the row before it is "reordered" when the event it links to is elsewhere in the
    table, else "deleted" (the event it links to is gone).
    """
    # Anchors first: one stored meanwhile by a writer always points at an event the walk sees.
    anchors = list(session.exec(select(AuditAnchor).where(_in_chain(AuditAnchor.plan_id, plan_id))
                                .order_by(col(AuditAnchor.id))))
    count, head_id, expected = 0, None, GENESIS
    rows = session.exec(select(AuditEvent).where(_in_chain(AuditEvent.plan_id, plan_id))
                        .order_by(col(AuditEvent.id)).execution_options(yield_per=1000))
    current = next(rows, None)
    while current is not None:
        following = next(rows, None)  # one row of lookahead, never the whole table in memory
        problem = _link_problem(session, current, following, expected)
        if problem:
            return ChainReport(False, total, current.id, problem)
        count, head_id, expected = count + 1, current.id, current.hash
        current = following
    return _check_anchors(anchors, session, total, head_id)


def _link_problem(session: Session, row: AuditEvent, following: AuditEvent | None, expected: str) -> str | None:
    intact = hmac.compare_digest(digest(row, row.prev_hash), row.hash)
    if intact and row.prev_hash == expected:
        return None
    if not intact:
        return "inserted" if following is not None and following.prev_hash == expected else "edited"
    linked = session.exec(select(AuditEvent.id).where(AuditEvent.hash == row.prev_hash)).first()
    return "reordered" if linked is not None else "deleted"


def _count(session: Session) -> int:
    return session.exec(select(func.count()).select_from(AuditEvent)).one()


def _check_anchors(anchors: list[AuditAnchor], session: Session, count: int, head_id: int | None) -> ChainReport:
    previous_event_id = 0
    for anchor in anchors:
        if head_id is None or anchor.event_id > head_id:
            return ChainReport(False, count, anchor.event_id, "truncated")
        event = session.get(AuditEvent, anchor.event_id)
        if event is None or event.hash != anchor.hash or anchor.event_id < previous_event_id \
                or event.plan_id != anchor.plan_id:
            return ChainReport(False, count, anchor.event_id, "anchor_mismatch")
        previous_event_id = anchor.event_id
    return ChainReport(True, count)


def record_many(session: Session, events: list[dict]) -> None:
    """Several events (record()'s keyword arguments each), at most one per chain, in a fixed
    number of queries however many chains: the locks in chain order (so two writers never wait
    on each other in a circle), the heads, the inserts, the anchor counts."""
    if not events:
        return
    chains = sorted({e["plan_id"] or 0 for e in events})
    if len(chains) != len(events):
        raise ValueError("record_many takes at most one event per chain")
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:key, c) FROM unnest(CAST(:chains AS integer[])) AS c "
                             "ORDER BY c"), {"key": AUDIT_CHAIN_LOCK, "chains": chains})
    else:
        session.execute(text("UPDATE audit_anchor SET id = id WHERE 0"))
    plan_ids = [c for c in chains if c]
    heads_query = select(func.max(AuditEvent.id)).group_by(AuditEvent.plan_id)
    heads_query = heads_query.where(col(AuditEvent.plan_id).in_(plan_ids) | col(AuditEvent.plan_id).is_(None)) \
        if 0 in chains else heads_query.where(col(AuditEvent.plan_id).in_(plan_ids))
    heads = {e.plan_id or 0: e.hash for e in session.exec(select(AuditEvent).where(col(AuditEvent.id).in_(heads_query)))}
    now = utcnow()
    rows = []
    for given in sorted(events, key=lambda e: e["plan_id"] or 0):
        prev_hash = heads.get(given["plan_id"] or 0, GENESIS)
        event = AuditEvent(occurred_at=now, actor_person_id=given["actor_person_id"], actor_role=given["actor_role"],
                           plan_id=given["plan_id"], action=given["action"], section=given["section"],
                           target=given.get("target", "")[:200], outcome="allowed" if given["allowed"] else "denied",
                           reason=given["reason"][:64], prev_hash=prev_hash, hash="")
        event.hash = digest(event, prev_hash)
        rows.append(event.model_dump(exclude={"id"}))
    session.flush()
    session.execute(insert(AuditEvent), rows)  # one statement (executemany) for all of them
    last_anchor = func.coalesce(select(func.max(AuditAnchor.event_id))
                                .where(AuditAnchor.plan_id == AuditEvent.plan_id).scalar_subquery(), 0)
    counts = dict(session.exec(select(AuditEvent.plan_id, func.count())
                               .where(col(AuditEvent.plan_id).in_(plan_ids), col(AuditEvent.id) > last_anchor)
                               .group_by(AuditEvent.plan_id)).all()) if plan_ids else {}
    for plan_id, count in counts.items():
        if count >= ANCHOR_EVERY:
            record_anchor(session, plan_id)
    if 0 in chains and _events_since_last_anchor(session, None) >= ANCHOR_EVERY:
        record_anchor(session, None)
