"""Which topics a flushed row concerns, for rows written through the ORM. Bulk UPDATE statements
bypass the flush, so the services that use them call `after_commit` themselves.

Reminders too: a committed outbox row that is pending and due within the sender's poll interval
(a message's reminder, due at once; a meeting moved to soon) rings `reminders_bell`, which this
process's sender waits on, and is published on REMINDERS_TOPIC for senders in other processes
(over Redis: ipapp.services.reminders_worker relays it to their bell). Rows due later are found by
the sender's own sleep until the earliest due time.
"""

import threading
from datetime import timedelta

from sqlalchemy import event as sa_event
from sqlalchemy.orm import Session

from ipapp.config import settings
from ipapp.domain.vocabulary import OutboxStatus
from ipapp.live import after_commit, person_topic, plan_topic
from ipapp.models import (
    AccessGrant,
    Consent,
    CoordinatorSubstitute,
    Guardianship,
    Plan,
    PlanCoordinator,
    PlanMember,
    ReminderOutbox,
    utcnow,
)

CHANGED = {"kind": "access"}
REMINDERS_TOPIC = "reminders"  # carries no ids: a sender only needs to look
REMINDERS_DUE = {"kind": "reminders_due"}
reminders_bell = threading.Event()  # set after a commit with due-soon reminders; the sender clears it
_RING = "ipapp_reminders_ring"


def _topics(row: object) -> list[str]:
    if isinstance(row, Plan) and row.id is not None:
        return [plan_topic(row.id)]
    if isinstance(row, (AccessGrant, Consent, PlanMember, PlanCoordinator, CoordinatorSubstitute)):
        return [plan_topic(row.plan_id)]
    if isinstance(row, Guardianship):
        return [person_topic(row.guardian_person_id)]
    return []


def _due_soon(rows) -> bool:
    """Is one of these an outbox row a sender should look at before its poll interval is over?"""
    horizon = None
    for row in rows:
        if not isinstance(row, ReminderOutbox) or row.status != OutboxStatus.PENDING.value or row.due_at is None:
            continue
        horizon = horizon or utcnow() + timedelta(seconds=settings().push.poll_seconds)
        if row.due_at <= horizon:
            return True
    return False


@sa_event.listens_for(Session, "before_flush")
def _note_changes(session: Session, _flush_context, _instances) -> None:
    for row in (*session.new, *session.dirty, *session.deleted):
        for topic in _topics(row):
            after_commit(session, topic, CHANGED)
    if not session.info.get(_RING) and _due_soon((*session.new, *session.dirty)):
        session.info[_RING] = True
        after_commit(session, REMINDERS_TOPIC, REMINDERS_DUE)


@sa_event.listens_for(Session, "after_commit")
def _ring_for_reminders(session: Session) -> None:
    if session.info.pop(_RING, False):
        reminders_bell.set()  # after the commit: a sender woken sooner would not see the rows yet


@sa_event.listens_for(Session, "after_rollback")
def _forget_reminders(session: Session) -> None:
    session.info.pop(_RING, None)
