"""The reminder outbox: rows written in the same transaction as the meeting, message, review date
or grant that causes them, so a reminder exists exactly when its cause was committed
(reminders_sending delivers them). This module is the door; the work is split by cause into
reminders_meetings, reminders_review and reminders_grants (reminders_rows moves rows in line).

Who gets a row (decided here, documented in the README), each only as her own choices in "Varsler"
allow (ipapp.services.reminder_preferences; the defaults are everything on):
- a meeting: every invited person (invited directly, or as a contact who is a person) who may see
  meetings when it is saved and has not declined; one row per reminder time she chose (by default
  24 h and 2 h before) that has not passed. People without a push subscription get rows too: the
  sender marks those rows failed ("no_subscription") when they are due, so turning "Varsler" on
  later still catches the next one.
- a new message from outside the owner's side (the coordinator, a stand-in, a grantee): the owner
  and any acting guardian who may read messages. The coordinator's side has the inbox.
- the plan's review date: the owner, acting guardians and the coordinator, at 09:00 Oslo time 14
  days before and on the day (reminders_review).
- an effective grant's end: the owner and acting guardians (who manage sharing), at 09:00 Oslo
  time a week before, or at once when less is left (reminders_grants).

A moved meeting or review date moves its pending rows (same ids, new due time and key); one who is
no longer invited, or no longer keeps the plan, loses hers; a cancelled meeting, a closed plan, a
revoked grant or a withdrawn consent withdraws them (deleted: nothing was sent). Rows already sent
stay, as the record of what reached her. The sender checks everything again before sending.
"""

import json
from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session, col, delete, select

from ipapp import policy
from ipapp.db import transaction
from ipapp.domain.vocabulary import OutboxStatus, ReminderKind
from ipapp.i18n.dates import format_when
from ipapp.models import Message, MessageThread, Plan, ReminderOutbox
from ipapp.push.notifications import notification
from ipapp.services.reminder_preferences import Preferences, preferences_for
from ipapp.services.reminders_grants import grant_subject, grants_changed, her_grants_changed
from ipapp.services.reminders_meetings import (
    her_meetings_changed,
    invited_people,
    meeting_cancelled,
    meeting_changed,
    meeting_subject,
)
from ipapp.services.reminders_review import her_reviews_changed, review_changed, review_subject
from ipapp.services.reminders_rows import may_see

__all__ = [
    "SentReminder", "grant_subject", "grants_changed", "invited_people", "may_see", "meeting_cancelled",
    "meeting_changed", "meeting_subject", "message_posted", "plan_people_changed", "preferences_changed",
    "review_changed", "review_subject", "sent_to", "thread_subject",
]


def thread_subject(thread_id: int) -> str:
    return f"thread:{thread_id}"


def plan_people_changed(session: Session, plan: Plan, now: datetime) -> None:
    """Who keeps the plan changed (a coordinator, a guardian), or the plan was closed: its review
    and access-ending reminders follow."""
    review_changed(session, plan, now)
    grants_changed(session, plan, now)


def preferences_changed(session: Session, person_id: int, prefs: Preferences, now: datetime) -> None:
    """She saved other choices: her pending rows of every kind follow at once (sent ones stay)."""
    her_meetings_changed(session, person_id, prefs, now)
    if not prefs.new_message:
        session.exec(delete(ReminderOutbox).where(
            ReminderOutbox.person_id == person_id, ReminderOutbox.kind == ReminderKind.MESSAGE.value,
            ReminderOutbox.status == OutboxStatus.PENDING.value))
    her_reviews_changed(session, person_id, now)
    her_grants_changed(session, person_id, now)


def message_posted(session: Session, thread: MessageThread, message: Message, facts: policy.PlanFacts,
                   now: datetime) -> None:
    """A reminder, due now, for the owner and acting guardians, when the message comes from outside
    her side (the coordinator, a stand-in, someone granted messages); her side's own messages
    remind nobody."""
    sender = message.sender_person_id
    sender_relations = policy.acting_relations(policy.Actor(sender), facts, now)
    if sender_relations & {policy.ActingAs.OWNER, policy.ActingAs.GUARDIAN}:
        return
    from_coordinator = policy.ActingAs.COORDINATOR in sender_relations
    owner_side = {facts.owner_person_id} | {g.guardian_person_id for g in facts.guardianships}
    prefs = preferences_for(session, owner_side - {sender})  # one query for all of them
    for person_id in sorted(owner_side - {sender}):
        if not prefs[person_id].new_message:
            continue  # she turned message reminders off
        relations = policy.acting_relations(policy.Actor(person_id), facts, now)
        if not relations & {policy.ActingAs.OWNER, policy.ActingAs.GUARDIAN}:
            continue  # a guardian outside her dates, or a parent of someone now 16
        if not may_see(facts, person_id, policy.Section.MESSAGES, now):
            continue
        session.add(ReminderOutbox(
            person_id=person_id, plan_id=thread.plan_id, kind=ReminderKind.MESSAGE.value,
            subject=thread_subject(thread.id), dedupe_key=f"message:{message.id}:{person_id}",
            payload=json.dumps({"thread_id": thread.id, "message_id": message.id,
                                "from_coordinator": from_coordinator}),
            due_at=now, created_at=now))


@dataclass(frozen=True)
class SentReminder:
    kind: str  # ReminderKind value
    title: str  # what the notification said ("Møte i morgen kl. 10.00")
    sent: str  # when, in words ("i går kl. 10.00")
    url: str  # the page it opened


def sent_to(person_id: int | None, locale: str, now: datetime, limit: int = 50) -> list[SentReminder]:
    """The reminders that reached this person's devices, newest first (for the "Varsler" screen).
    Only her own: the person is the signed-in one, never an id from the browser."""
    if person_id is None:
        return []
    with transaction() as session:
        rows = session.exec(select(ReminderOutbox).where(
            ReminderOutbox.person_id == person_id, ReminderOutbox.status == OutboxStatus.SENT.value)
            .order_by(col(ReminderOutbox.sent_at).desc(), col(ReminderOutbox.id).desc()).limit(limit)).all()
    sent = []
    for row in rows:
        # Said as it was said when sent ("i morgen" then), from the row alone.
        shown = notification(row.kind, json.loads(row.payload), row.plan_id, row.subject, locale, row.sent_at)
        sent.append(SentReminder(row.kind, shown["title"], format_when(row.sent_at, now, locale), shown["url"]))
    return sent
