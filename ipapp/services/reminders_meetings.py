"""Meeting reminders in the outbox: one row per invited person who may see meetings, for each of
her own reminder times (ipapp.services.reminder_preferences) still ahead. The door for callers is
ipapp.services.reminders."""

from datetime import datetime, timedelta

from sqlmodel import Session, col, delete, or_, select

from ipapp import policy
from ipapp.domain.vocabulary import InviteeResponse, OutboxStatus, ReminderKind
from ipapp.models import Contact, Meeting, MeetingInvitee, Plan, ReminderOutbox
from ipapp.services.plan_access import plan_facts
from ipapp.services.reminder_preferences import Preferences, preferences_for
from ipapp.services.reminders_rows import Wanted, bring_in_line, may_see

SLOT = "offset"  # the payload's name for a row's slot: minutes before the start


def meeting_subject(meeting_id: int) -> str:
    return f"meeting:{meeting_id}"


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


def _wanted(meeting: Meeting, person_id: int, prefs: Preferences, now: datetime) -> list[Wanted]:
    found = []
    for minutes in prefs.meeting_offsets:
        due = meeting.starts_at - timedelta(minutes=minutes)
        if due > now:  # "i morgen" a minute before the meeting would be wrong: skip passed ones
            found.append(Wanted(
                person_id, minutes, ReminderKind.MEETING.value, meeting.plan_id, meeting_subject(meeting.id),
                f"meeting:{meeting.id}:{person_id}:{minutes}:{meeting.starts_at:%Y%m%dT%H%M}", due,
                {"meeting_id": meeting.id, "starts_at": meeting.starts_at.isoformat(), "offset": minutes}))
    return found


def meeting_changed(session: Session, meeting: Meeting, facts: policy.PlanFacts, now: datetime) -> None:
    """Bring the meeting's pending reminders in line with it (call after its invitees are set)."""
    if meeting.cancelled_at is not None:
        meeting_cancelled(session, meeting)
        return
    session.flush()  # the invitees just added or removed
    people = sorted(invited_people(session, meeting.id))
    prefs = preferences_for(session, people)  # one query for all of them
    wanted = [w for person_id in people if may_see(facts, person_id, policy.Section.MEETINGS, now)
              for w in _wanted(meeting, person_id, prefs[person_id], now)]
    rows = list(session.exec(select(ReminderOutbox).where(ReminderOutbox.subject == meeting_subject(meeting.id))))
    bring_in_line(session, rows, wanted, SLOT, now)


def meeting_cancelled(session: Session, meeting: Meeting) -> None:
    """Withdraw every reminder not yet sent (one being sent is stopped by the sender's own check)."""
    session.exec(delete(ReminderOutbox).where(ReminderOutbox.subject == meeting_subject(meeting.id),
                                              ReminderOutbox.status == OutboxStatus.PENDING.value))


def her_meetings_changed(session: Session, person_id: int, prefs: Preferences, now: datetime) -> None:
    """Her reminders for every meeting still ahead that she is invited to, after she chose other
    times: a fixed number of queries for her meetings, and the policy's facts once per plan."""
    declined = InviteeResponse.DECLINED.value
    direct = select(MeetingInvitee.meeting_id).where(MeetingInvitee.person_id == person_id,
                                                     MeetingInvitee.response != declined)
    through_contacts = (select(MeetingInvitee.meeting_id)
                        .join(Contact, col(MeetingInvitee.contact_id) == col(Contact.id))
                        .where(Contact.person_id == person_id, MeetingInvitee.response != declined))
    meetings = list(session.exec(select(Meeting).where(
        or_(col(Meeting.id).in_(direct), col(Meeting.id).in_(through_contacts)),
        col(Meeting.cancelled_at).is_(None), Meeting.starts_at > now).order_by(col(Meeting.id))))
    if not meetings:
        return
    plans = {p.id: p for p in session.exec(select(Plan).where(col(Plan.id).in_({m.plan_id for m in meetings})))}
    sees = {plan_id: may_see(plan_facts(session, plan), person_id, policy.Section.MEETINGS, now)
            for plan_id, plan in plans.items()}
    wanted = [w for m in meetings if sees.get(m.plan_id) for w in _wanted(m, person_id, prefs, now)]
    rows = list(session.exec(select(ReminderOutbox).where(
        ReminderOutbox.person_id == person_id, ReminderOutbox.kind == ReminderKind.MEETING.value,
        col(ReminderOutbox.subject).in_([meeting_subject(m.id) for m in meetings]))))
    bring_in_line(session, rows, wanted, SLOT, now)


def still_wanted(prefs: Preferences, payload: dict) -> bool:
    """For the sender: is this reminder's time still one she wants?"""
    return payload.get(SLOT) in prefs.meeting_offsets
