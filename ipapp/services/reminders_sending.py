"""Deliver due reminders from the outbox, each once, however many senders run and however often
one is killed.

A sender claims a batch in one statement: due rows that are pending (and not waiting for a retry)
or whose claim's lease has run out become "sending" with locked_until = now + lease, which is
also the claim's token. On PostgreSQL the rows are picked FOR UPDATE SKIP LOCKED, so two senders
claim disjoint batches without waiting for each other. SQLite ignores that clause: its single
writer still makes the claim atomic, but the embedded default runs one sender (it says so).

Each row is then checked again (the meeting still on and at that time, the person still invited
and allowed to see it; the review date unchanged and the plan open; the grant still in force with
that end; and that she still wants this kind of reminder), sent to each of the person's devices outside any transaction, and
finished with an update that only lands while the lease is still ours. A sender killed in the
middle leaves "sending" rows whose lease runs out, and the next sender takes them; one stopped by
SIGTERM hands its unsent rows back at once. The one window left is a kill between the push
service's 201 and our commit; the Topic header makes the push service replace, not repeat, a
message still waiting for the phone.
"""

import json
import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import and_, or_, update
from sqlmodel import Session, col, select

from ipapp import policy
from ipapp.db import transaction
from ipapp.domain.vocabulary import OutboxStatus, ReminderKind
from ipapp.i18n import normalize_locale
from ipapp.models import Meeting, Message, Person, Plan, PushSubscription, ReminderOutbox, utcnow
from ipapp.push.notifications import notification, ttl_for
from ipapp.push.sender import Delivery, Outcome, PushSender, topic_for
from ipapp.services.plan_access import plan_facts
from ipapp.services import reminders_grants, reminders_meetings, reminders_review
from ipapp.services.reminder_preferences import Preferences, preferences_of
from ipapp.services.reminders import invited_people, may_see

log = logging.getLogger("ipapp.reminders")
BATCH_SIZE = 50
MAX_ATTEMPTS = 8  # then failed: about four hours of backing off
BACKOFF_SECONDS = 60  # the first retry; doubled each time, at most an hour (or what Retry-After says)
MAX_BACKOFF_SECONDS = 3600


@dataclass(frozen=True)
class Claim:
    row_id: int
    lease: datetime  # the row's locked_until while it is ours


@dataclass(frozen=True)
class _Prepared:
    message: dict
    ttl: int
    devices: list[tuple[int, str, str, str]]  # (subscription id, endpoint, p256dh, auth)


def _claimable(now: datetime):
    return or_(
        and_(col(ReminderOutbox.status) == OutboxStatus.PENDING.value, col(ReminderOutbox.due_at) <= now,
             or_(col(ReminderOutbox.locked_until).is_(None), col(ReminderOutbox.locked_until) <= now)),
        and_(col(ReminderOutbox.status) == OutboxStatus.SENDING.value, col(ReminderOutbox.locked_until) <= now),
    )


def backoff_seconds(attempts: int, retry_after: float | None) -> float:
    """Exponential from BACKOFF_SECONDS, never sooner than the push service asked."""
    exponential = min(BACKOFF_SECONDS * 2 ** max(attempts - 1, 0), MAX_BACKOFF_SECONDS)
    return max(exponential, retry_after or 0.0)


class ReminderSender:
    """One sender: claim, check, send, finish. `clock` gives naive UTC (tests pass their own)."""

    def __init__(self, push: PushSender, *, lease_seconds: int = 300, batch_size: int = BATCH_SIZE,
                 clock: Callable[[], datetime] = utcnow):
        self.push, self.lease_seconds, self.batch_size, self.clock = push, lease_seconds, batch_size, clock

    def claim(self) -> list[Claim]:
        now = self.clock()
        lease = now + timedelta(seconds=self.lease_seconds)
        pick = (select(ReminderOutbox.id).where(_claimable(now))
                .order_by(col(ReminderOutbox.due_at), col(ReminderOutbox.id))
                .limit(self.batch_size).with_for_update(skip_locked=True))
        with transaction() as session:
            ids = session.execute(
                update(ReminderOutbox)
                .where(col(ReminderOutbox.id).in_(pick.scalar_subquery()), _claimable(now))
                .values(status=OutboxStatus.SENDING.value, locked_until=lease, attempts=ReminderOutbox.attempts + 1)
                .returning(ReminderOutbox.id)).scalars().all()
        return [Claim(row_id, lease) for row_id in sorted(ids)]

    def release(self, claims: list[Claim]) -> None:
        """Hand unsent claims back (stopping): pending again at once, the attempt not counted."""
        with transaction() as session:
            for claim in claims:
                session.execute(update(ReminderOutbox).where(*self._ours(claim)).values(
                    status=OutboxStatus.PENDING.value, locked_until=None, attempts=ReminderOutbox.attempts - 1))

    @staticmethod
    def _ours(claim: Claim) -> tuple:
        return (col(ReminderOutbox.id) == claim.row_id, col(ReminderOutbox.status) == OutboxStatus.SENDING.value,
                col(ReminderOutbox.locked_until) == claim.lease)

    def deliver(self, claim: Claim) -> str:
        """Send one claimed reminder; returns the row's new status ("lost" if the lease was)."""
        now = self.clock()
        with transaction() as session:
            row = session.get(ReminderOutbox, claim.row_id)
            if row is None or row.status != OutboxStatus.SENDING.value or row.locked_until != claim.lease:
                return "lost"
            kind, dedupe_key, attempts = row.kind, row.dedupe_key, row.attempts
            prepared = _prepare(session, row, now)
            if isinstance(prepared, str):  # nothing to send, and never will be
                log.info("reminder %s not sent: %s", row.id, prepared)
                return self._finish(session, claim, OutboxStatus.FAILED, error=prepared, now=now)
        deliveries = []
        for subscription_id, endpoint, p256dh, auth in prepared.devices:
            delivery = self.push.send(endpoint, p256dh, auth, prepared.message, ttl=prepared.ttl,
                                      topic=topic_for(dedupe_key), urgency="high" if kind == "meeting" else "normal")
            deliveries.append((subscription_id, delivery))
            if delivery.outcome != Outcome.DELIVERED:
                log.info("reminder %s to device %s: %s %s %s", claim.row_id, subscription_id, delivery.outcome,
                         delivery.status or "", delivery.detail)
        return self._record(claim, deliveries, attempts)

    def _record(self, claim: Claim, deliveries: list[tuple[int, Delivery]], attempts: int) -> str:
        now = self.clock()
        outcomes = {d.outcome for _, d in deliveries}
        with transaction() as session:
            gone = [sid for sid, d in deliveries if d.outcome == Outcome.GONE]
            if gone:
                session.execute(update(PushSubscription).where(col(PushSubscription.id).in_(gone),
                                                               col(PushSubscription.revoked_at).is_(None))
                                .values(revoked_at=now))
            if Outcome.DELIVERED in outcomes:
                # One device took it: done. Retrying for another would repeat it on this one.
                return self._finish(session, claim, OutboxStatus.SENT, now=now, sent_at=now)
            if Outcome.RETRY in outcomes and attempts < MAX_ATTEMPTS:
                after = max((d.retry_after or 0.0) for _, d in deliveries if d.outcome == Outcome.RETRY)
                wait = backoff_seconds(attempts, after or None)
                status = [d.status for _, d in deliveries if d.outcome == Outcome.RETRY][0]
                return self._finish(session, claim, OutboxStatus.PENDING, now=now, locked_until=now + timedelta(
                    seconds=wait), error=f"retry after {wait:.0f} s ({status or 'no answer'})")
            reason = "gave_up" if Outcome.RETRY in outcomes else (
                "no_subscription" if outcomes == {Outcome.GONE} else "; ".join(sorted({d.detail for _, d in deliveries})))
            log.info("reminder %s not sent: %s", claim.row_id, reason)
            return self._finish(session, claim, OutboxStatus.FAILED, now=now, error=reason)

    def _finish(self, session: Session, claim: Claim, status: OutboxStatus, *, now: datetime, error: str = "",
                locked_until: datetime | None = None, sent_at: datetime | None = None) -> str:
        values = {"status": status.value, "locked_until": locked_until, "last_error": error[:500]}
        if sent_at is not None:
            values["sent_at"] = sent_at
        done = session.execute(update(ReminderOutbox).where(*self._ours(claim)).values(**values))
        if done.rowcount != 1:
            # Our lease ran out and another sender has the row: it decides. Say so, once.
            log.warning("reminder %s: lease lost before it could be marked %s", claim.row_id, status.value)
            return "lost"
        return status.value

    def run_once(self, stop: threading.Event | None = None) -> int:
        """Claim one batch and deliver it; the number of rows claimed. A stop request hands the
        rest of the batch back."""
        claims = self.claim()
        for at, claim in enumerate(claims):
            if stop is not None and stop.is_set():
                self.release(claims[at:])
                break
            self.deliver(claim)
        return len(claims)

    def run_until_idle(self, stop: threading.Event | None = None) -> None:
        while (stop is None or not stop.is_set()) and self.run_once(stop):
            pass


def _still_chosen(prefs: Preferences, kind: str, payload: dict) -> bool:
    if kind == ReminderKind.MEETING.value:
        return reminders_meetings.still_wanted(prefs, payload)
    return {ReminderKind.MESSAGE.value: prefs.new_message, ReminderKind.REVIEW.value: prefs.review_due,
            ReminderKind.GRANT_EXPIRY.value: prefs.access_ending}.get(kind, False)


def _prepare(session: Session, row: ReminderOutbox, now: datetime) -> _Prepared | str:
    """What to send and to which devices, or why nothing will be (a short code for last_error)."""
    person = session.get(Person, row.person_id)
    plan = session.get(Plan, row.plan_id) if row.plan_id is not None else None
    if person is None or plan is None:
        return "person_or_plan_gone"
    try:
        payload = json.loads(row.payload)
    except ValueError:
        return "bad_payload"
    if not isinstance(payload, dict):
        return "bad_payload"
    facts = plan_facts(session, plan)
    if row.kind == ReminderKind.MEETING.value:
        meeting = session.get(Meeting, payload["meeting_id"]) if isinstance(payload.get("meeting_id"), int) else None
        if meeting is None or meeting.cancelled_at is not None:
            return "meeting_gone"
        if meeting.starts_at.isoformat() != payload.get("starts_at"):
            return "meeting_moved"
        if meeting.starts_at <= now:
            return "meeting_started"
        if row.person_id not in invited_people(session, meeting.id):
            return "not_invited"
        if not may_see(facts, row.person_id, policy.Section.MEETINGS, now):
            return "no_access"
    elif row.kind == ReminderKind.MESSAGE.value:
        message_id = payload.get("message_id")
        if not isinstance(message_id, int) or session.get(Message, message_id) is None:
            return "message_gone"
        if not may_see(facts, row.person_id, policy.Section.MESSAGES, now):
            return "no_access"
    elif row.kind == ReminderKind.REVIEW.value:
        if (why := reminders_review.why_not(plan, facts, row.person_id, payload, now)) is not None:
            return why
    elif row.kind == ReminderKind.GRANT_EXPIRY.value:
        if (why := reminders_grants.why_not(session, plan, facts, row.person_id, payload, now)) is not None:
            return why
    else:
        return "unsupported_kind"
    if not _still_chosen(preferences_of(session, row.person_id), row.kind, payload):
        return "preference_off"  # she turned this kind (or this meeting time) off after it was written
    devices = session.exec(select(PushSubscription).where(PushSubscription.person_id == row.person_id,
                                                          col(PushSubscription.revoked_at).is_(None))
                           .order_by(col(PushSubscription.id))).all()
    if not devices:
        return "no_subscription"
    message = notification(row.kind, payload, row.plan_id, row.subject, normalize_locale(person.locale), now)
    return _Prepared(message, ttl_for(row.kind, payload, now), [(d.id, d.endpoint, d.p256dh, d.auth) for d in devices])
