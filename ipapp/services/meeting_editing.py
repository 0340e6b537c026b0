"""Writing meetings: the coordinator schedules, moves and cancels them, writes the minutes and the
decisions; each invitee answers. Times are typed in Europe/Oslo and stored as naive UTC.

Inviting someone who may not see `meetings` never grants it: the invitation is kept, and the
coordinator is told who cannot see it until the owner shares meetings with them.
"""

import re
from dataclasses import dataclass, field

from sqlmodel import col, delete, select

from ipapp import policy
from ipapp.domain.vocabulary import DecisionStatus, InviteeResponse, MeetingKind
from ipapp.i18n.dates import oslo_datetime
from ipapp.models import Contact, Decision, Goal, Guardianship, Meeting, MeetingGoal, MeetingInvitee, Person, PlanMember
from ipapp.policy import Part
from ipapp.services import reminders
from ipapp.services.editing import Edit, editing
from ipapp.services.forms import LONG_TEXT, Form

KINDS = frozenset(k.value for k in MeetingKind)
ANSWERS = frozenset({InviteeResponse.ACCEPTED.value, InviteeResponse.DECLINED.value, InviteeResponse.MAYBE.value})
_CLOCK = re.compile(r"([01][0-9]|2[0-3]):([0-5][0-9])")


@dataclass(frozen=True)
class MeetingSaved:
    meeting_id: int
    unseen: list[str] = field(default_factory=list)  # invited, but may not see meetings (yet)


def _clock(form: Form, name: str) -> tuple[int, int] | None:
    value = form.text(name, max_length=5, required=True)
    found = _CLOCK.fullmatch(value)
    if value and not found:
        form.problem(name, "not_a_time")
    return (int(found.group(1)), int(found.group(2))) if found else None


def _plan_people(edit: Edit) -> set[int]:
    """Everyone connected to the plan who can be invited as a person."""
    plan = edit.ctx.plan
    members = set(edit.session.exec(select(PlanMember.person_id).where(PlanMember.plan_id == plan.id)))
    guardians = set(edit.session.exec(select(Guardianship.guardian_person_id)
                                      .where(Guardianship.owner_person_id == plan.owner_person_id)))
    coordinator = {edit.ctx.facts.coordinator_person_id} - {None}
    return {plan.owner_person_id} | members | guardians | coordinator


def _chosen(form: Form, prefix: str) -> list[int]:
    ids = []
    for key, value in form.raw.items():
        if isinstance(key, str) and key.startswith(prefix) and value in ("on", True):
            raw = key.removeprefix(prefix)
            if raw.isascii() and raw.isdigit() and len(raw) < 12:
                ids.append(int(raw))
    return sorted(set(ids))


def _values(edit: Edit, form: Form, *, new_time_required: bool) -> dict:
    day = form.day("day", required=True)
    start, end = _clock(form, "start"), _clock(form, "end")
    video = form.text("video_url", max_length=500)
    values = {
        "kind": form.choice("kind", KINDS),
        "title": form.text("title", max_length=300, required=True),
        "location": form.text("location", max_length=300),
        "video_url": video or None,
        "agenda": form.text("agenda", max_length=LONG_TEXT),
    }
    if video and not re.fullmatch(r"https://[^\s]+", video):
        form.problem("video_url", "not_https")
    if day and start and end:
        values["starts_at"], values["ends_at"] = oslo_datetime(day, *start), oslo_datetime(day, *end)
        if values["ends_at"] <= values["starts_at"]:
            form.problem("end", "end_before_start")
        if new_time_required and values["starts_at"] <= edit.ctx.now:
            form.problem("day", "in_the_past")
    people, contacts, goals = _chosen(form, "person_"), _chosen(form, "contact_"), _chosen(form, "goal_")
    if set(people) - _plan_people(edit):
        form.problem("invitees", "not_on_this_plan")
    plan_contacts = {c.id: c for c in edit.session.exec(select(Contact).where(Contact.plan_id == edit.ctx.plan.id))}
    if set(contacts) - set(plan_contacts):
        form.problem("invitees", "not_on_this_plan")
    if goals and set(goals) - set(edit.session.exec(select(Goal.id).where(Goal.plan_id == edit.ctx.plan.id))):
        form.problem("goals", "not_on_this_plan")
    values["_people"], values["_contacts"], values["_goals"] = people, contacts, goals
    values["_plan_contacts"] = plan_contacts
    return values


def _invite(edit: Edit, meeting: Meeting, values: dict) -> list[str]:
    """Set the invitees and goals (answers of those still invited are kept); who cannot see it."""
    existing = {(i.person_id, i.contact_id): i for i in edit.session.exec(
        select(MeetingInvitee).where(MeetingInvitee.meeting_id == meeting.id))}
    wanted = {(p, None) for p in values["_people"]} | {(None, c) for c in values["_contacts"]}
    for key, invitee in existing.items():
        if key not in wanted:
            edit.session.delete(invitee)
    # People first, then contacts, each in id order: the list reads the same every time.
    for person_id, contact_id in sorted(wanted - set(existing), key=lambda k: (k[0] is None, k[0] or 0, k[1] or 0)):
        edit.session.add(MeetingInvitee(meeting_id=meeting.id, person_id=person_id, contact_id=contact_id))
    edit.session.exec(delete(MeetingGoal).where(MeetingGoal.meeting_id == meeting.id))
    edit.session.add_all([MeetingGoal(meeting_id=meeting.id, goal_id=g) for g in values["_goals"]])
    contacts = values["_plan_contacts"]
    persons = set(values["_people"]) | {contacts[c].person_id for c in values["_contacts"] if contacts[c].person_id}
    unseen_ids = [p for p in sorted(persons) if not policy.decide(
        policy.Actor(p), edit.ctx.facts, policy.Action.READ, policy.Section.MEETINGS, edit.ctx.now).allowed]
    names = {p.id: p.full_name for p in edit.session.exec(select(Person).where(col(Person.id).in_(unseen_ids)))} \
        if unseen_ids else {}
    unseen = [names[p] for p in unseen_ids if p in names]
    unseen += [contacts[c].name for c in values["_contacts"] if not contacts[c].person_id]  # no account at all
    return unseen


def _meeting_fields(values: dict) -> dict:
    return {k: v for k, v in values.items() if not k.startswith("_")}


def schedule(person_id: int | None, plan_id: object, raw: object) -> MeetingSaved:
    form = Form(raw)
    with editing(person_id, plan_id, Part.MEETINGS) as edit:
        edit.allow("meeting:new")
        values = _values(edit, form, new_time_required=True)
        form.done()
        meeting = Meeting(plan_id=edit.ctx.plan.id, created_by_person_id=person_id, created_at=edit.ctx.now,
                          **_meeting_fields(values))
        edit.saved("meeting", meeting, "create")
        unseen = _invite(edit, meeting, values)
        reminders.meeting_changed(edit.session, meeting, edit.ctx.facts, edit.ctx.now)  # same transaction
        return MeetingSaved(meeting.id, unseen)


def update(person_id: int | None, plan_id: object, meeting_id: object, raw: object) -> MeetingSaved:
    """Edit or move a meeting that has not been cancelled; a new time may not be in the past."""
    form = Form(raw)
    with editing(person_id, plan_id, Part.MEETINGS) as edit:
        meeting = edit.item(Meeting, meeting_id, "meeting")
        edit.allow(f"meeting:{meeting.id}")
        values = _values(edit, form, new_time_required=False)
        moved = values.get("starts_at") not in (None, meeting.starts_at)
        if moved and values["starts_at"] <= edit.ctx.now:
            form.problem("day", "in_the_past")
        if meeting.cancelled_at is not None:
            form.problem("title", "cancelled")
        form.done()
        edit.expect(meeting, form.version(), "meeting")
        for name, value in _meeting_fields(values).items():
            setattr(meeting, name, value)
        unseen = _invite(edit, meeting, values)
        edit.saved("meeting", meeting, "update")
        reminders.meeting_changed(edit.session, meeting, edit.ctx.facts, edit.ctx.now)  # moves its reminders
        return MeetingSaved(meeting.id, unseen)


def cancel(person_id: int | None, plan_id: object, meeting_id: object, raw: object) -> None:
    form = Form(raw)
    with editing(person_id, plan_id, Part.MEETINGS) as edit:
        meeting = edit.item(Meeting, meeting_id, "meeting")
        edit.allow(f"meeting:{meeting.id}:cancel")
        reason = form.text("reason", max_length=500, required=True)
        form.done()
        edit.expect(meeting, form.version(), "meeting")
        meeting.cancelled_at, meeting.cancel_reason = edit.ctx.now, reason
        edit.saved("meeting", meeting, "update")
        reminders.meeting_cancelled(edit.session, meeting)  # withdraws those not yet sent


def answer(person_id: int | None, plan_id: object, meeting_id: object, raw: object) -> None:
    """An invitee's answer (and comment), which she may change until the meeting starts."""
    form = Form(raw)
    with editing(person_id, plan_id, Part.MEETING_REPLY) as edit:
        meeting = edit.item(Meeting, meeting_id, "meeting")
        mine = _my_invitation(edit, meeting.id)
        if mine is None:
            edit.refuse("not_invited", f"meeting:{meeting.id}:answer")
        edit.allow(f"meeting:{meeting.id}:answer")
        response = form.choice("response", ANSWERS)
        comment = form.text("comment", max_length=500)
        if meeting.cancelled_at is not None or meeting.starts_at <= edit.ctx.now:
            form.problem("response", "too_late")
        form.done()
        mine.response, mine.comment, mine.responded_at = response, comment, edit.ctx.now
        edit.session.add(mine)
        reminders.meeting_changed(edit.session, meeting, edit.ctx.facts, edit.ctx.now)  # no reminders if declined
        edit.changed = True


def _my_invitation(edit: Edit, meeting_id: int) -> MeetingInvitee | None:
    mine = edit.session.exec(select(MeetingInvitee).where(MeetingInvitee.meeting_id == meeting_id,
                                                          MeetingInvitee.person_id == edit.person_id)).first()
    if mine is None:  # invited as a contact who is this person
        mine = edit.session.exec(
            select(MeetingInvitee).join(Contact, col(Contact.id) == col(MeetingInvitee.contact_id))
            .where(MeetingInvitee.meeting_id == meeting_id, Contact.person_id == edit.person_id)).first()
    return mine


def write_minutes(person_id: int | None, plan_id: object, meeting_id: object, raw: object) -> None:
    """Publish the minutes; a correction is a new version (the history keeps every one)."""
    form = Form(raw)
    with editing(person_id, plan_id, Part.MEETINGS) as edit:
        meeting = edit.item(Meeting, meeting_id, "meeting")
        edit.allow(f"meeting:{meeting.id}:minutes")
        minutes = form.text("minutes", max_length=LONG_TEXT * 4, required=True)
        if meeting.starts_at > edit.ctx.now:
            form.problem("minutes", "not_yet")
        form.done()
        edit.expect(meeting, form.version(), "meeting")
        meeting.minutes, meeting.minutes_published_at = minutes, edit.ctx.now
        edit.saved("meeting", meeting, "update")


def add_decision(person_id: int | None, plan_id: object, meeting_id: object, raw: object) -> int:
    form = Form(raw)
    with editing(person_id, plan_id, Part.MEETINGS) as edit:
        meeting = edit.item(Meeting, meeting_id, "meeting")
        edit.allow(f"meeting:{meeting.id}:decision")
        what = form.text("what", max_length=1000, required=True)
        due = form.day("due_on")
        contact_id, goal_id = form.optional_id("responsible_contact_id"), form.optional_id("goal_id")
        for name, model, chosen in (("responsible_contact_id", Contact, contact_id), ("goal_id", Goal, goal_id)):
            row = edit.session.get(model, chosen) if chosen is not None else None
            if chosen is not None and (row is None or row.plan_id != edit.ctx.plan.id):
                form.problem(name, "not_on_this_plan")
        form.done()
        decision = Decision(meeting_id=meeting.id, goal_id=goal_id, what=what, responsible_contact_id=contact_id,
                            due_on=due, created_at=edit.ctx.now)
        edit.saved("decision", decision, "create")
        return decision.id


def set_decision_status(person_id: int | None, plan_id: object, decision_id: object, status: object) -> None:
    with editing(person_id, plan_id, Part.MEETINGS) as edit:
        decision = edit.item(Decision, decision_id, "decision")
        edit.allow(f"decision:{decision.id}")
        if status not in (DecisionStatus.OPEN.value, DecisionStatus.DONE.value):
            edit.refuse("bad_status", f"decision:{decision.id}")
        decision.status = status
        edit.saved("decision", decision, "update")

