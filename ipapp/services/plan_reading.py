"""Reading a plan for a person: each section only if the policy allows it, each read audited."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlmodel import Session, col, select

from ipapp import policy
from ipapp.db import transaction
from ipapp.domain.vocabulary import Section
from ipapp.i18n import translate
from ipapp.i18n.dates import format_date, oslo_today, to_oslo
from ipapp.models import (
    AccessGrant,
    Contact,
    Goal,
    Measure,
    Message,
    MessageThread,
    Person,
    PlanMember,
    utcnow,
)
from ipapp.services import audit, read_cache
from ipapp.services.plan_access import (
    AccessDenied,
    PlanContext,
    audits_refusal,
    grant_facts_of,
    load_context,
    require,
)
from ipapp.services.meeting_reading import decisions_under_goals, meetings_in, next_meeting_in
from ipapp.services.message_reading import threads_in
from ipapp.services.views import (
    AccessView,
    ContactView,
    GoalSummary,
    GoalView,
    MeasureView,
    MeetingView,
    OverviewView,
    PlanHeader,
    ThreadView,
)

SECTION_ORDER = [s.value for s in Section]


def _phone_href(phone: str | None) -> str:
    return "tel:" + "".join(ch for ch in phone if ch in "0123456789+") if phone else ""


def _header(session: Session, ctx: PlanContext, locale: str = "nb") -> PlanHeader:
    plan = ctx.plan
    owner = session.get(Person, plan.owner_person_id)
    coordinator_id = ctx.facts.coordinator_person_id
    coordinator = session.get(Person, coordinator_id) if coordinator_id else None
    sharing = ctx.decide(policy.Action.MANAGE_SHARING, None)
    own_view = ctx.decide(policy.Action.READ, Section.ABOUT)
    start = format_date(plan.period_start, locale)
    period = (translate("plan.period_range", locale, start=start, end=format_date(plan.period_end, locale))
              if plan.period_end else translate("plan.period_open", locale, start=start))
    today = oslo_today(ctx.now)
    standing_in = [s for s in ctx.facts.substitutes if s.valid_until >= today]
    stand_in_names = {p.id: p.full_name for p in session.exec(select(Person).where(
        col(Person.id).in_({s.person_id for s in standing_in})))} if standing_in else {}
    return PlanHeader(
        substitutes=[f"{stand_in_names.get(s.person_id, '')}, {format_date(s.valid_from, locale)} – "
                     f"{format_date(s.valid_until, locale)}" for s in sorted(standing_in, key=lambda s: s.valid_from)],
        plan_id=plan.id,
        owner_name=owner.full_name,
        owner_given_name=owner.given_name,
        viewer_is_owner=ctx.is_owner,
        acting_as=str(own_view.acting_as),
        readable_sections=[s for s in SECTION_ORDER if s in ctx.readable],
        may_manage_sharing=sharing.allowed,
        writable_parts=sorted(policy.writable_parts(ctx.actor, ctx.facts, ctx.now)),
        closed=ctx.facts.closed,
        coordinator_name=coordinator.full_name if coordinator else "",
        period=period,
        next_review=format_date(plan.next_review_on, locale),
        review_overdue=plan.next_review_on < oslo_today(ctx.now),
        period_start=plan.period_start.isoformat(),
        period_end=plan.period_end.isoformat() if plan.period_end else "",
        next_review_on=plan.next_review_on.isoformat(),
        plan_version=plan.version,
    )


def _measure_views(session: Session, goal_ids: list[int], locale: str, with_phone: bool,
                   today) -> dict[int, list[MeasureView]]:
    """The measures under these goals, per goal, in two queries however many. The responsible
    person's name belongs to the goal; their phone number belongs to `contacts`, so it is only
    included for those who may read contacts."""
    measures = session.exec(
        select(Measure).where(col(Measure.goal_id).in_(goal_ids)).order_by(col(Measure.position), col(Measure.id))
    ).all() if goal_ids else []
    contact_ids = {m.responsible_contact_id for m in measures if m.responsible_contact_id}
    contacts = {c.id: c for c in session.exec(select(Contact).where(col(Contact.id).in_(contact_ids)))} \
        if contact_ids else {}
    views: dict[int, list[MeasureView]] = {goal_id: [] for goal_id in goal_ids}
    for m in measures:
        contact = contacts.get(m.responsible_contact_id)
        start = format_date(m.starts_on, locale)
        period = (
            translate("measure.period_range", locale, start=start, end=format_date(m.ends_on, locale))
            if m.ends_on
            else translate("measure.period_open", locale, start=start)
        )
        views[m.goal_id].append(
            MeasureView(
                id=m.id,
                name=m.name,
                provider=m.provider,
                frequency=m.frequency,
                responsible_name=contact.name if contact else "",
                responsible_phone=(contact.phone or "") if contact and with_phone else "",
                responsible_phone_href=_phone_href(contact.phone) if contact and with_phone else "",
                period=period,
                owner_contribution=m.owner_contribution,
                next_of_kin_contribution=m.next_of_kin_contribution,
                goal_id=m.goal_id,
                how=m.how,
                starts_on=m.starts_on.isoformat(),
                ends_on=m.ends_on.isoformat() if m.ends_on else "",
                responsible_contact_id=str(m.responsible_contact_id or ""),
                ended=m.ends_on is not None and m.ends_on < today,
                version=m.version,
            )
        )
    return views


def _goal_views(session: Session, ctx: PlanContext, goals: list[Goal], locale: str) -> list[GoalView]:
    measures = _measure_views(session, [g.id for g in goals], locale, _readable(ctx, Section.CONTACTS),
                              oslo_today(ctx.now))
    return [
        GoalView(
            id=goal.id,
            title=goal.title,
            description=goal.description,
            status_label=translate(f"goal.status.{goal.status}", locale),
            measures=measures[goal.id],
            status=goal.status,
            status_note=goal.status_note,
            version=goal.version,
        )
        for goal in goals
    ]


def _goals(session: Session, ctx: PlanContext, locale: str) -> list[GoalView]:
    require(session, ctx, policy.Action.READ, Section.GOALS, target="goals")
    goals = session.exec(
        select(Goal).where(Goal.plan_id == ctx.plan.id).order_by(col(Goal.position), col(Goal.id))
    ).all()
    return _goal_views(session, ctx, list(goals), locale)


def _threads_awaiting_reply(session: Session, ctx: PlanContext) -> int:
    """Threads whose last message is from the owner's side: the coordinator has yet to answer.
    One query: the messages of the plan's threads, newest last, keeping each thread's last."""
    coordinator = ctx.facts.coordinator_person_id
    last_sender: dict[int, int] = {}
    for thread_id, sender in session.exec(
        select(Message.thread_id, Message.sender_person_id)
        .join(MessageThread, col(MessageThread.id) == col(Message.thread_id))
        .where(MessageThread.plan_id == ctx.plan.id)
        .order_by(col(Message.sent_at), col(Message.id))
    ):
        last_sender[thread_id] = sender
    return sum(1 for sender in last_sender.values() if sender != coordinator)


def _access_views(session: Session, ctx: PlanContext, locale: str) -> list[AccessView]:
    grants = session.exec(
        select(AccessGrant)
        .where(AccessGrant.plan_id == ctx.plan.id)
        .order_by(col(AccessGrant.valid_until))
    ).all()
    facts = grant_facts_of(session, list(grants))
    grantees = {g.grantee_person_id for g in grants}
    members = {m.person_id: m for m in session.exec(
        select(PlanMember).where(PlanMember.plan_id == ctx.plan.id, col(PlanMember.person_id).in_(grantees)))
    } if grantees else {}
    names = {p.id: p.full_name for p in session.exec(select(Person).where(col(Person.id).in_(grantees)))} \
        if grantees else {}
    views = []
    for grant in grants:
        fact = facts[grant.id]
        section_names = ", ".join(
            translate(f"section.{s}", locale) for s in SECTION_ORDER if s in fact.sections
        )
        is_effective = fact in policy.effective_grants(ctx.facts, grant.grantee_person_id, ctx.now)
        if grant.revoked_at is not None:
            status = "revoked"
        elif grant.valid_until <= ctx.now:
            status = "expired"
        elif is_effective:
            status = "effective"
        elif not fact.consent_signed:
            status = "awaiting_signature"
        else:
            status = "not_effective"
        member = members.get(grant.grantee_person_id)
        views.append(
            AccessView(
                grant_id=grant.id,
                person_name=names.get(grant.grantee_person_id, ""),
                relation=member.relation if member else "",
                sections=section_names,
                section_keys=[s for s in SECTION_ORDER if s in fact.sections],
                # valid_until is exclusive: the last day is the Oslo date just before it.
                until=format_date(to_oslo(grant.valid_until - timedelta(microseconds=1)).date(), locale),
                status_label=translate(f"access.status.{status}", locale),
                is_effective=is_effective,
                is_revocable=status not in ("revoked", "expired"),
            )
        )
    return views


def _deny_whole_plan(session: Session, ctx: PlanContext, target: str) -> None:
    """Someone who may open no part of the plan tried to open it: logged as such, then refused."""
    why = ctx.decide(policy.Action.READ, Section.GOALS)  # the reason and relation, for the log
    if audits_refusal():
        audit.record(session, actor_person_id=ctx.actor.person_id, actor_role=str(why.acting_as),
                     plan_id=ctx.plan.id, action="read", section=None, allowed=False, reason=why.reason,
                     target=target)
    raise AccessDenied(why.reason)


def _readable(ctx: PlanContext, section: Section) -> bool:
    return ctx.decide(policy.Action.READ, section).allowed


def read_overview(person_id: int | None, plan_id: object, locale: str) -> OverviewView:
    """The overview: goals, the next meeting, messages awaiting reply, who can see the plan."""
    with transaction() as session:
        return overview_in(session, load_context(session, person_id, plan_id, utcnow()), locale)


def overview_in(session: Session, ctx: PlanContext, locale: str) -> OverviewView:
    """read_overview inside the caller's transaction, with the plan already loaded."""
    header = _header(session, ctx, locale)
    if not header.readable_sections:
        _deny_whole_plan(session, ctx, "overview")
    goals = [GoalSummary.of(g) for g in _goals(session, ctx, locale)] if _readable(ctx, Section.GOALS) else []
    next_meeting = None
    if _readable(ctx, Section.MEETINGS):
        require(session, ctx, policy.Action.READ, Section.MEETINGS, target="next_meeting")
        next_meeting = next_meeting_in(session, ctx, locale)
    awaiting = 0
    if _readable(ctx, Section.MESSAGES):
        require(session, ctx, policy.Action.READ, Section.MESSAGES, target="awaiting_reply")
        awaiting = _threads_awaiting_reply(session, ctx)
    # The overview answers "who can see my plan": current grants only (ended ones are on Deling).
    access = [a for a in _access_views(session, ctx, locale) if a.is_revocable] \
        if header.may_manage_sharing else []
    return OverviewView(
        header=header,
        goals=goals,
        next_meeting=next_meeting,
        threads_awaiting_reply=awaiting,
        access=access,
    )


def _in_transaction(person_id: int | None, plan_id: object, read_in, *args):
    with transaction() as session:
        return read_in(session, load_context(session, person_id, plan_id, utcnow()), *args)


@dataclass(frozen=True)
class SectionPage:
    header: PlanHeader
    content: object  # what the section's reader returned; None when it was refused
    denied: AccessDenied | None  # the section's refusal (already audited)
    watch: tuple[tuple, datetime | None]  # as access_watch


def open_section(person_id: int | None, plan_id: object, locale: str, read_in, *args) -> SectionPage:
    """A page of one section in one transaction: the header (AccessDenied when the viewer may
    open nothing of the plan), the section through `read_in(session, ctx, *args)` (one of the
    *_in readers below, called with `*args, locale`; its refusal is kept, audited, in `denied`),
    and what the tab watches."""
    with transaction() as session:
        ctx = load_context(session, person_id, plan_id, utcnow(), reading=True)
        header = header_in(session, ctx, locale)
        try:
            content, denied = read_in(session, ctx, *args, locale), None
        except AccessDenied as refused:
            content, denied = None, refused
        return SectionPage(header, content, denied, watch_in(ctx))


def read_header(person_id: int | None, plan_id: object, locale: str = "nb") -> PlanHeader:
    """Whose plan this is and what the viewer may open; denied when they may open nothing."""
    return _in_transaction(person_id, plan_id, header_in, locale)


def header_in(session: Session, ctx: PlanContext, locale: str = "nb") -> PlanHeader:
    # Read once per change of the plan for this reader: every section's page shows it.
    header = read_cache.page(session, ctx, "header", (locale,), lambda: _header(session, ctx, locale))
    if not header.readable_sections and not header.may_manage_sharing:
        _deny_whole_plan(session, ctx, "header")
    return header


def read_goal(person_id: int | None, plan_id: object, goal_id: object, locale: str) -> GoalView:
    return _in_transaction(person_id, plan_id, goal_in, goal_id, locale)


def goal_in(session: Session, ctx: PlanContext, goal_id: object, locale: str) -> GoalView:
    if not isinstance(goal_id, int) or isinstance(goal_id, bool):
        raise AccessDenied("bad_goal_id")
    goal = session.get(Goal, goal_id)
    # A goal of another plan is treated exactly like a missing one: nothing leaks.
    if goal is None or goal.plan_id != ctx.plan.id:
        raise AccessDenied("no_such_goal")
    require(session, ctx, policy.Action.READ, Section.GOALS, target=f"goal:{goal.id}")
    view = _goal_views(session, ctx, [goal], locale)[0]
    view.decisions = decisions_under_goals(session, ctx, [goal.id], locale).get(goal.id, [])
    return view


def read_contacts(person_id: int | None, plan_id: object, locale: str) -> list[ContactView]:
    return _in_transaction(person_id, plan_id, contacts_in, locale)


def contacts_in(session: Session, ctx: PlanContext, locale: str) -> list[ContactView]:
    require(session, ctx, policy.Action.READ, Section.CONTACTS, target="contacts")
    contacts = session.exec(
        select(Contact).where(Contact.plan_id == ctx.plan.id).order_by(col(Contact.position))
    ).all()
    return [
        ContactView(
            id=c.id,
            name=c.name,
            role_label=translate(f"contact.role.{c.role}", locale),
            title=c.title,
            organisation=c.organisation,
            phone=c.phone or "",
            phone_href=_phone_href(c.phone),
            email=c.email or "",
            email_href=f"mailto:{c.email}" if c.email else "",
            role=c.role,
            version=c.version,
        )
        for c in contacts
    ]


def read_meetings(
    person_id: int | None, plan_id: object, locale: str
) -> tuple[list[MeetingView], list[MeetingView]]:
    """Upcoming meetings (soonest first) and past ones (latest first)."""
    return _in_transaction(person_id, plan_id, meetings_in, locale)


def read_threads(person_id: int | None, plan_id: object, locale: str) -> list[ThreadView]:
    return _in_transaction(person_id, plan_id, threads_in, locale)


def read_access(person_id: int | None, plan_id: object, locale: str) -> list[AccessView]:
    """Everyone with access or a pending grant: only for those who manage sharing."""
    return _in_transaction(person_id, plan_id, access_in, locale)


def access_in(session: Session, ctx: PlanContext, locale: str) -> list[AccessView]:
    require(
        session, ctx, policy.Action.MANAGE_SHARING, None, target="access_list", reading=True
    )
    return _access_views(session, ctx, locale)


def access_watch(person_id: int | None, plan_id: object) -> tuple[tuple, datetime | None]:
    """What the person may open on the plan right now (it changes when a grant is revoked, a
    consent withdrawn, a grant or guardianship ends), and the next instant it can change by the
    clock alone, so an open page is re-checked then instead of polling. Not a read of content,
    so nothing is audited."""
    with transaction() as session:
        try:
            ctx = load_context(session, person_id, plan_id, utcnow(), reading=True)
        except AccessDenied:
            return (), None
        return watch_in(ctx)


def watch_in(ctx: PlanContext) -> tuple[tuple, datetime | None]:
    """access_watch for a plan already loaded."""
    sharing = ctx.decide(policy.Action.MANAGE_SHARING, None).allowed
    fingerprint = (tuple(s for s in SECTION_ORDER if s in ctx.readable), sharing)
    return fingerprint, policy.next_change_at(ctx.facts, ctx.now)
