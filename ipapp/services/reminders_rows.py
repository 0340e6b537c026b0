"""Bringing the outbox rows of one cause (a meeting, a plan's review date, a plan's grants) in line
with the reminders wanted now: a pending row for the same person and slot moves (same id, new due
time and key), a missing one is added, one no longer wanted is deleted. Rows already sent or given
up on stay, as the record; a key already used by one of them is never written again, so moving
back to a time already reminded of does not remind twice."""

import json
from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session

from ipapp import policy
from ipapp.domain.vocabulary import OutboxStatus
from ipapp.models import ReminderOutbox


@dataclass(frozen=True)
class Wanted:
    person_id: int
    slot: int  # which of her reminders about the cause: minutes before a meeting, days before a review, a grant
    kind: str  # ReminderKind value
    plan_id: int
    subject: str  # "meeting:12", "review:3", "grant:8"
    dedupe_key: str  # changes when the cause's time does, so a moved reminder is a new one
    due_at: datetime  # naive UTC
    payload: dict


def may_see(facts: policy.PlanFacts, person_id: int, section: policy.Section, now: datetime) -> bool:
    return policy.decide(policy.Actor(person_id), facts, policy.Action.READ, section, now).allowed


def slot_of(row: ReminderOutbox, slot_key: str) -> object:
    try:
        return json.loads(row.payload).get(slot_key)
    except (ValueError, AttributeError):
        return None


def bring_in_line(session: Session, rows: list[ReminderOutbox], wanted: list[Wanted], slot_key: str,
                  now: datetime) -> None:
    """`rows`: every row (any status) of the causes and people `wanted` was worked out for;
    `slot_key`: the payload's name for the slot."""
    taken = {row.dedupe_key for row in rows}
    pending = {(row.person_id, slot_of(row, slot_key)): row for row in rows
               if row.status == OutboxStatus.PENDING.value}
    for want in wanted:
        payload = json.dumps(want.payload)
        row = pending.pop((want.person_id, want.slot), None)
        if row is not None and row.dedupe_key == want.dedupe_key and (
                row.due_at == want.due_at or max(row.due_at, want.due_at) <= now):
            if row.payload != payload:  # unchanged cause: a retry keeps its backoff
                row.payload = payload
                session.add(row)
        elif row is not None and (row.dedupe_key == want.dedupe_key or want.dedupe_key not in taken):
            # Moved: the same row, due at the new time (attempts and errors start again).
            row.dedupe_key, row.due_at, row.payload = want.dedupe_key, want.due_at, payload
            row.attempts, row.locked_until, row.last_error = 0, None, ""
            session.add(row)
        elif row is None and want.dedupe_key not in taken:
            session.add(ReminderOutbox(person_id=want.person_id, plan_id=want.plan_id, kind=want.kind,
                                       subject=want.subject, dedupe_key=want.dedupe_key, payload=payload,
                                       due_at=want.due_at, created_at=now))
        elif row is not None:  # back to a time already reminded of: that reminder stands
            session.delete(row)
    for row in pending.values():  # no longer wanted: nobody to tell, turned off, or too late now
        session.delete(row)
