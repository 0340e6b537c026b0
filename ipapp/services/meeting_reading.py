"""Reading meetings: invitees and their answers, the goals a meeting concerns, its published
minutes and decisions, the reader's own invitation, and what an edit form starts from.
A fixed number of queries however many meetings, invitees and decisions."""

from dataclasses import dataclass, field

from sqlmodel import Session, col, select

from ipapp import policy
from ipapp.domain.vocabulary import Section
from ipapp.i18n import translate
from ipapp.i18n.dates import format_date, format_when, to_oslo
from ipapp.models import Contact, Decision, Goal, Guardianship, Meeting, MeetingGoal, MeetingInvitee, Person, PlanMember
from ipapp.services.plan_access import PlanContext, require


@dataclass
class InviteeView:
    name: str
    response_label: str
    comment: str = ""
    response: str = "pending"
    key: str = ""  # "person_12" / "contact_3": the edit form's checkbox


@dataclass
class DecisionView:
    id: int
    what: str
    responsible_name: str
    due: str
    status: str
    status_label: str
    goal_title: str
    meeting_title: str


@dataclass
class MeetingView:
    id: int
    title: str
    kind_label: str
    when: str
    place: str
    video_url: str
    agenda: str
    minutes: str
    invitees: list[InviteeView] = field(default_factory=list)
    kind: str = ""
    cancelled: bool = False
    cancel_reason: str = ""
    is_past: bool = False  # it has started: answers are closed, minutes may be written
    has_minutes: bool = False
    minutes_published: str = ""
    invited: bool = False  # the reader is invited
    my_response: str = ""
    my_comment: str = ""
    goal_titles: list[str] = field(default_factory=list)
    goal_keys: list[str] = field(default_factory=list)  # "goal_5": the edit form's checkboxes
    invitee_keys: list[str] = field(default_factory=list)  # "person_12" / "contact_3": the same
    decisions: list[DecisionView] = field(default_factory=list)
    day: str = ""  # YYYY-MM-DD in Oslo, and HH:MM: what the edit form starts from
    start: str = ""
    end: str = ""
    version: int = 1


def meeting_views(session: Session, ctx: PlanContext, meetings: list[Meeting], locale: str) -> list[MeetingView]:
    ids = [m.id for m in meetings]
    if not ids:
        return []
    invitees = session.exec(select(MeetingInvitee).where(col(MeetingInvitee.meeting_id).in_(ids))
                            .order_by(col(MeetingInvitee.id))).all()
    decisions = session.exec(select(Decision).where(col(Decision.meeting_id).in_(ids))
                             .order_by(col(Decision.id))).all()
    links = session.exec(select(MeetingGoal).where(col(MeetingGoal.meeting_id).in_(ids))).all()
    contact_ids = {i.contact_id for i in invitees if i.contact_id} | \
        {d.responsible_contact_id for d in decisions if d.responsible_contact_id}
    contacts = {c.id: c for c in session.exec(select(Contact).where(col(Contact.id).in_(contact_ids)))} \
        if contact_ids else {}
    person_ids = {i.person_id for i in invitees if i.person_id}
    people = {p.id: p.full_name for p in session.exec(select(Person).where(col(Person.id).in_(person_ids)))} \
        if person_ids else {}
    goal_ids = {link.goal_id for link in links} | {d.goal_id for d in decisions if d.goal_id}
    goals = {g.id: g.title for g in session.exec(select(Goal).where(col(Goal.id).in_(goal_ids)))} if goal_ids else {}
    me = ctx.actor.person_id
    by_meeting: dict[int, list[MeetingInvitee]] = {}
    for invitee in invitees:
        by_meeting.setdefault(invitee.meeting_id, []).append(invitee)
    titles = {m.id: m.title for m in meetings}
    decisions_of: dict[int, list[DecisionView]] = {}
    for d in decisions:
        decisions_of.setdefault(d.meeting_id, []).append(decision_view(d, contacts, goals, titles, locale))
    views = []
    for m in meetings:
        mine = [i for i in by_meeting.get(m.id, []) if i.person_id == me or
                (i.contact_id and contacts.get(i.contact_id) and contacts[i.contact_id].person_id == me)]
        local_start, local_end = to_oslo(m.starts_at), to_oslo(m.ends_at)
        linked = [link.goal_id for link in links if link.meeting_id == m.id]
        views.append(MeetingView(
            id=m.id, title=m.title, kind_label=translate(f"meeting.kind.{m.kind}", locale),
            when=format_when(m.starts_at, ctx.now, locale), place=m.location, video_url=m.video_url or "",
            agenda=m.agenda, minutes=m.minutes if m.minutes_published_at else "",
            invitees=[_invitee(i, contacts, people, locale) for i in by_meeting.get(m.id, [])],
            invitee_keys=[f"contact_{i.contact_id}" if i.contact_id else f"person_{i.person_id}"
                          for i in by_meeting.get(m.id, [])],
            kind=m.kind, cancelled=m.cancelled_at is not None, cancel_reason=m.cancel_reason,
            is_past=m.starts_at <= ctx.now, has_minutes=m.minutes_published_at is not None,
            minutes_published=format_when(m.minutes_published_at, ctx.now, locale) if m.minutes_published_at else "",
            invited=bool(mine), my_response=mine[0].response if mine else "", my_comment=mine[0].comment if mine else "",
            goal_titles=[goals[g] for g in linked if g in goals], goal_keys=[f"goal_{g}" for g in linked],
            decisions=decisions_of.get(m.id, []),
            day=local_start.date().isoformat(), start=local_start.strftime("%H:%M"), end=local_end.strftime("%H:%M"),
            version=m.version,
        ))
    return views


def _invitee(i: MeetingInvitee, contacts: dict, people: dict, locale: str) -> InviteeView:
    name = contacts[i.contact_id].name if i.contact_id and i.contact_id in contacts else people.get(i.person_id, "")
    key = f"contact_{i.contact_id}" if i.contact_id else f"person_{i.person_id}"
    return InviteeView(name=name, response_label=translate(f"invitee.{i.response}", locale), comment=i.comment,
                       response=i.response, key=key)


def decision_view(d: Decision, contacts: dict, goals: dict, meeting_titles: dict, locale: str) -> DecisionView:
    contact = contacts.get(d.responsible_contact_id)
    return DecisionView(id=d.id, what=d.what, responsible_name=contact.name if contact else "",
                        due=format_date(d.due_on, locale) if d.due_on else "", status=d.status,
                        status_label=translate(f"decision.status.{d.status}", locale),
                        goal_title=goals.get(d.goal_id, ""), meeting_title=meeting_titles.get(d.meeting_id, ""))


def meetings_in(session: Session, ctx: PlanContext, locale: str) -> tuple[list[MeetingView], list[MeetingView]]:
    """Upcoming meetings (soonest first) and past ones (latest first); cancelled ones are in neither."""
    upcoming, past, _ = _meetings_split(session, ctx, locale)
    return upcoming, past


def _meetings_split(session: Session, ctx: PlanContext, locale: str):
    require(session, ctx, policy.Action.READ, Section.MEETINGS, target="meetings")
    meetings = list(session.exec(select(Meeting).where(Meeting.plan_id == ctx.plan.id)
                                 .order_by(col(Meeting.starts_at))))
    views = meeting_views(session, ctx, meetings, locale)
    upcoming = [v for m, v in zip(meetings, views) if m.ends_at > ctx.now and not v.cancelled]
    past = [v for m, v in zip(meetings, views) if m.ends_at <= ctx.now and not v.cancelled]
    cancelled = [v for v in views if v.cancelled]
    return upcoming, list(reversed(past)), list(reversed(cancelled))


def next_meeting_in(session: Session, ctx: PlanContext, locale: str) -> MeetingView | None:
    """The next meeting that will take place (a cancelled one is not "next")."""
    upcoming = session.exec(select(Meeting).where(Meeting.plan_id == ctx.plan.id, Meeting.ends_at > ctx.now,
                                                  col(Meeting.cancelled_at).is_(None))
                            .order_by(col(Meeting.starts_at))).first()
    return meeting_views(session, ctx, [upcoming], locale)[0] if upcoming else None


def decisions_under_goals(session: Session, ctx: PlanContext, goal_ids: list[int], locale: str) -> dict[int, list]:
    """The decisions linked to these goals, per goal, for readers of meetings (three queries)."""
    if not goal_ids or not ctx.decide(policy.Action.READ, Section.MEETINGS).allowed:
        return {}
    decisions = session.exec(select(Decision).where(col(Decision.goal_id).in_(goal_ids)).order_by(col(Decision.id))).all()
    if not decisions:
        return {}
    contact_ids = {d.responsible_contact_id for d in decisions if d.responsible_contact_id}
    contacts = {c.id: c for c in session.exec(select(Contact).where(col(Contact.id).in_(contact_ids)))} \
        if contact_ids else {}
    titles = {m.id: m.title for m in session.exec(select(Meeting).where(
        col(Meeting.id).in_({d.meeting_id for d in decisions})))}
    out: dict[int, list] = {}
    for d in decisions:
        out.setdefault(d.goal_id, []).append(decision_view(d, contacts, {}, titles, locale))
    return out


@dataclass
class MeetingsPage:
    upcoming: list[MeetingView]
    past: list[MeetingView]
    cancelled: list[MeetingView] = field(default_factory=list)  # with the reason the invitees see
    # For whoever keeps the meetings: who can be invited, which goals, who can be responsible.
    invite_choices: list[list[str]] = field(default_factory=list)  # ["person_12", "Name (role)"]
    goal_choices: list[list[str]] = field(default_factory=list)  # ["goal_5", title] / [id, title]
    contact_choices: list[list[str]] = field(default_factory=list)  # [id, "Name (title)"]


def meetings_page_in(session: Session, ctx: PlanContext, locale: str) -> MeetingsPage:
    upcoming, past, cancelled = _meetings_split(session, ctx, locale)
    if not policy.may_write(ctx.actor, ctx.facts, policy.Part.MEETINGS, ctx.now).allowed:
        return MeetingsPage(upcoming, past, cancelled)
    plan = ctx.plan
    member_rows = session.exec(select(PlanMember, Person).join(Person, col(Person.id) == col(PlanMember.person_id))
                               .where(PlanMember.plan_id == plan.id).order_by(col(PlanMember.id))).all()
    guardian_ids = set(session.exec(select(Guardianship.guardian_person_id)
                                    .where(Guardianship.owner_person_id == plan.owner_person_id)))
    others = session.exec(select(Person).where(col(Person.id).in_(guardian_ids | {plan.owner_person_id}))).all()
    choices = [[f"person_{p.id}", f"{p.full_name} ({translate('role.owner' if p.id == plan.owner_person_id else 'role.guardian', locale)})"]
               for p in sorted(others, key=lambda p: (p.id != plan.owner_person_id, p.id))]
    choices += [[f"person_{person.id}", f"{person.full_name} ({member.relation or translate(f'role.{member.role}', locale)})"]
                for member, person in member_rows if person.id not in guardian_ids | {plan.owner_person_id}]
    linked = {person.id for _, person in member_rows} | guardian_ids | {plan.owner_person_id}
    contacts = session.exec(select(Contact).where(Contact.plan_id == plan.id)
                            .order_by(col(Contact.position), col(Contact.id))).all()
    choices += [[f"contact_{c.id}", f"{c.name} ({c.title or translate(f'contact.role.{c.role}', locale)})"]
                for c in contacts if c.person_id not in linked or c.person_id is None]
    goals = session.exec(select(Goal.id, Goal.title).where(Goal.plan_id == plan.id)
                         .order_by(col(Goal.position), col(Goal.id))).all()
    return MeetingsPage(upcoming, past, cancelled, choices, [[str(g), title] for g, title in goals],
                        [[str(c.id), f"{c.name} ({c.title})" if c.title else c.name] for c in contacts])
