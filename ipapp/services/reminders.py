"""The reminder outbox: rows written in the same transaction as the meeting or message that causes
them, so a reminder exists exactly when its cause was committed (reminders_sending delivers them).

Who gets a row (decided here, documented in the README):
- a meeting: every invited person (invited directly, or as a contact who is a person) who may see
  meetings when it is saved and has not declined; one row per default offset (24 h and 2 h before) whose time has not
  passed. People without a push subscription get rows too: the sender marks those rows failed
  ("no_subscription") when they are due, so turning "Varsler" on later still catches the next one.
- a new message from outside the owner's side (the coordinator, a stand-in, a grantee): the owner
  and any acting guardian who may read messages. The coordinator's side has the inbox.

A moved meeting moves its pending rows (same ids, new due time and key); one who is no longer
invited loses hers; a cancelled meeting withdraws them (deleted: nothing was sent). Rows already
sent stay, as the record of what reached her. The sender checks everything again before sending.
"""

import json
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlmodel import Session, col, delete, select

from ipapp import policy
from ipapp.db import transaction
from ipapp.domain.vocabulary import InviteeResponse, OutboxStatus, ReminderKind
from ipapp.i18n.dates import format_when
from ipapp.models import Contact, Meeting, MeetingInvitee, Message, MessageThread, ReminderOutbox
from ipapp.push.notifications import notification

MEETING_OFFSETS = (timedelta(hours=24), timedelta(hours=2))  # before the start, the default for everyone


def meeting_subject(meeting_id: int) -> str:
    return f"meeting:{meeting_id}"


def thread_subject(thread_id: int) -> str:
    return f"thread:{thread_id}"


def invited_people(session: Session, meeting_id: int) -> set[int]:
    """Persons invited to the meeting who have not declined: directly, or as a contact who is a
    person. Someone who said no is not reminded; changing her answer brings the reminders back."""
    declined = InviteeResponse.DECLINED.value
    direct = session.exec(select(MeetingInvitee.person_id).where(
        MeetingInvitee.meeting_id == meeting_id, col(MeetingInvitee.person_id).is_not(None),
        MeetingInvitee.response != declined)).all()
    through_contacts = session.exec(
        select(Contact.person_id).join(MeetingInvitee, col(MeetingInvitee.contact_id) == col(Contact.id))
        .where(MeetingInvitee.meeting_id == meeting_id, col(Contact.person_id).is_not(None),
               MeetingInvitee.response != declined)).all()
    return set(direct) | set(through_contacts)


def may_see(facts: policy.PlanFacts, person_id: int, section: policy.Section, now: datetime) -> bool:
    return policy.decide(policy.Actor(person_id), facts, policy.Action.READ, section, now).allowed


def _meeting_key(meeting: Meeting, person_id: int, offset_minutes: int) -> str:
    return f"meeting:{meeting.id}:{person_id}:{offset_minutes}:{meeting.starts_at:%Y%m%dT%H%M}"


def meeting_changed(session: Session, meeting: Meeting, facts: policy.PlanFacts, now: datetime) -> None:
    """Bring the meeting's pending reminders in line with it (call after its invitees are set)."""
    if meeting.cancelled_at is not None:
        meeting_cancelled(session, meeting)
        return
    session.flush()  # the invitees just added or removed
    wanted: dict[tuple[int, int], datetime] = {}
    for person_id in sorted(invited_people(session, meeting.id)):
        if not may_see(facts, person_id, policy.Section.MEETINGS, now):
            continue
        for offset in MEETING_OFFSETS:
            due = meeting.starts_at - offset
            if due > now:  # "i morgen" a minute before the meeting would be wrong: skip passed ones
                wanted[(person_id, int(offset.total_seconds() // 60))] = due
    subject = meeting_subject(meeting.id)
    rows = session.exec(select(ReminderOutbox).where(ReminderOutbox.subject == subject)).all()
    taken = {row.dedupe_key for row in rows}
    pending = {}
    for row in rows:
        if row.status == OutboxStatus.PENDING.value:
            pending[(row.person_id, json.loads(row.payload).get("offset"))] = row
    for (person_id, offset), due in wanted.items():
        key = _meeting_key(meeting, person_id, offset)
        payload = json.dumps({"meeting_id": meeting.id, "starts_at": meeting.starts_at.isoformat(), "offset": offset})
        row = pending.pop((person_id, offset), None)
        if row is not None and (row.dedupe_key == key or key not in taken):
            # Moved: the same row, due at the new time (attempts and errors start again).
            row.dedupe_key, row.due_at, row.payload = key, due, payload
            row.attempts, row.locked_until, row.last_error = 0, None, ""
            session.add(row)
        elif row is None and key not in taken:
            session.add(ReminderOutbox(person_id=person_id, plan_id=meeting.plan_id, kind=ReminderKind.MEETING.value,
                                       subject=subject, dedupe_key=key, payload=payload, due_at=due, created_at=now))
        elif row is not None:  # back to a time already reminded of: that reminder stands
            session.delete(row)
    for row in pending.values():  # no longer invited, may no longer see meetings, or too late now
        session.delete(row)


def meeting_cancelled(session: Session, meeting: Meeting) -> None:
    """Withdraw every reminder not yet sent (one being sent is stopped by the sender's own check)."""
    session.exec(delete(ReminderOutbox).where(ReminderOutbox.subject == meeting_subject(meeting.id),
                                              ReminderOutbox.status == OutboxStatus.PENDING.value))


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
    for person_id in sorted(owner_side - {sender}):
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
