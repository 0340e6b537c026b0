"""What the plan lacks ("Planen mangler") and what changed since the reader's previous visit
("Endret siden sist"). Both are computed in a fixed number of queries, for one plan or many.
The caller has asked the policy; lines about a section appear only to its readers."""

import threading
from collections import OrderedDict
from datetime import date, datetime, timedelta

from sqlmodel import Session, col, select

from ipapp.domain.vocabulary import ContactRole, GoalStatus, MeetingKind
from ipapp.i18n import translate
from ipapp.i18n.dates import format_date, format_when, to_oslo
from ipapp.models import AboutMe, Consent, Contact, Goal, Measure, Meeting, Person, Plan, PlanMember, PlanVisit
from ipapp.services import versions
from ipapp.services.plan_access import PlanContext
from ipapp.services.views import ChangeView, MissingView

OPEN_GOALS = (GoalStatus.ACTIVE.value, GoalStatus.PAUSED.value)
MAX_CHANGES = 20
GROUP_MEETING_EVERY = timedelta(days=183)  # the usual local rule: the group meets at least twice a year
# Within one visit the last look is kept to the minute; the next visit may show again what
# changed in the last minute of this one, never less.
VISIT_GRANULARITY = timedelta(minutes=1)


def missing_for(session: Session, plans: list[Plan], coordinators: dict[int, int | None], today: date,
                locale: str, now: datetime) -> dict[int, list[MissingView]]:
    """Per plan: no coordinator, the review date passed, an open goal with no service, services
    with nobody responsible (one line per goal), no "about me", no signed consent, a past meeting
    without minutes, no responsibility-group meeting in the last six months. Five queries for any
    number."""
    ids = [p.id for p in plans]
    if not ids:
        return {}
    goals = session.exec(select(Goal).where(col(Goal.plan_id).in_(ids), col(Goal.status).in_(OPEN_GOALS))
                         .order_by(col(Goal.position), col(Goal.id))).all()
    goal_ids = [g.id for g in goals]
    measures = session.exec(select(Measure).where(col(Measure.goal_id).in_(goal_ids))
                            .order_by(col(Measure.position), col(Measure.id))).all() if goal_ids else []
    written = {a.plan_id for a in session.exec(select(AboutMe).where(col(AboutMe.plan_id).in_(ids)))
               if (a.what_matters or a.resources or a.needs).strip()}
    meetings = session.exec(select(Meeting).where(col(Meeting.plan_id).in_(ids), col(Meeting.cancelled_at).is_(None),
                                                  Meeting.starts_at <= now).order_by(col(Meeting.starts_at))).all()
    consented = set(session.exec(select(Consent.plan_id).where(
        col(Consent.plan_id).in_(ids), col(Consent.signed_at).is_not(None), col(Consent.withdrawn_at).is_(None))))
    with_measures: dict[int, list[Measure]] = {}
    for m in measures:
        with_measures.setdefault(m.goal_id, []).append(m)
    found: dict[int, list[MissingView]] = {plan_id: [] for plan_id in ids}

    def say(plan_id: int, key: str, href: str, **params) -> None:
        found[plan_id].append(MissingView(translate(f"missing.{key}", locale, **params), href))

    for plan in plans:
        if coordinators.get(plan.id) is None:
            say(plan.id, "no_coordinator", "")
        if plan.next_review_on < today:
            say(plan.id, "review_passed", "/#plan-period", day=format_date(plan.next_review_on, locale))
        if plan.id not in written:
            say(plan.id, "no_about", "/om-meg")
        if plan.id not in consented:
            say(plan.id, "no_consent", "/samtykke")
    last_group: dict[int, datetime] = {}
    for meeting in meetings:
        if meeting.minutes_published_at is None:
            say(meeting.plan_id, "meeting_without_minutes", "/moter", meeting=meeting.title)
        if meeting.kind == MeetingKind.RESPONSIBILITY_GROUP.value:
            last_group[meeting.plan_id] = meeting.starts_at
    for plan in plans:
        if plan.id not in last_group or last_group[plan.id] < now - GROUP_MEETING_EVERY:
            say(plan.id, "no_recent_group_meeting", "/moter")
    for goal in goals:
        under = with_measures.get(goal.id, [])
        if not under:
            say(goal.plan_id, "goal_without_service", f"/mal/{goal.id}", goal=goal.title)
        nobody = [m for m in under if m.responsible_contact_id is None and (m.ends_on is None or m.ends_on >= today)]
        if len(nobody) == 1:
            say(goal.plan_id, "service_without_responsible", f"/mal/{goal.id}", service=nobody[0].name)
        elif nobody:  # one line per goal, not per service: a big plan's list stays readable
            say(goal.plan_id, "services_without_responsible", f"/mal/{goal.id}", count=len(nobody), goal=goal.title)
    return found


# The last look of each (database, plan, reader, sign-in session) this worker noted: within
# VISIT_GRANULARITY of it the answer is known without a query. Another worker noting a look in the
# same sign-in session only moves seen_at; previous_seen_at changes with the sign-in session alone,
# which is in the key, so what is kept here stays true.
_recent_visits: OrderedDict = OrderedDict()
_recent_lock = threading.Lock()
MAX_RECENT_VISITS = 4096


def visit(session: Session, ctx: PlanContext, session_id: int | None) -> datetime | None:
    """Note this look at the plan; the end of the reader's previous visit (their last look in an
    earlier sign-in session), or None on their first."""
    person_id = ctx.actor.person_id
    key = (str(session.get_bind().url), ctx.plan.id, person_id, session_id)
    with _recent_lock:
        kept = _recent_visits.get(key)
    if kept is not None and timedelta(0) <= ctx.now - kept[0] < VISIT_GRANULARITY:
        return kept[1]  # the same visit, a moment ago: no query, no write on every page load
    row = session.exec(select(PlanVisit).where(PlanVisit.plan_id == ctx.plan.id,
                                               PlanVisit.person_id == person_id)).first()
    if row is None:
        session.add(PlanVisit(plan_id=ctx.plan.id, person_id=person_id, session_id=session_id, seen_at=ctx.now))
        return None  # kept only once it is read back: this transaction may still roll back
    if row.session_id != session_id:
        row.previous_seen_at, row.session_id = row.seen_at, session_id
    elif ctx.now - row.seen_at < VISIT_GRANULARITY:
        _keep_visit(key, row.seen_at, row.previous_seen_at)
        return row.previous_seen_at
    row.seen_at = ctx.now
    session.add(row)
    _keep_visit(key, row.seen_at, row.previous_seen_at)
    return row.previous_seen_at


def _keep_visit(key: tuple, seen_at: datetime, previous_seen_at: datetime | None) -> None:
    with _recent_lock:
        _recent_visits[key] = (seen_at, previous_seen_at)
        _recent_visits.move_to_end(key)
        while len(_recent_visits) > MAX_RECENT_VISITS:
            _recent_visits.popitem(last=False)


def _label(entity: str, values: dict, locale: str) -> str:
    name = values.get("title") or values.get("name") or ""
    return translate(f"change.what.{entity}", locale, name=name)


def changes_since(session: Session, ctx: PlanContext, since: datetime | None, locale: str) -> list[ChangeView]:
    """What others changed after `since`, in the sections the reader may see, newest first."""
    if since is None:
        return []
    readable = ctx.readable
    entities = {e for e, section in versions.ENTITY_SECTION.items() if section in readable}
    changes = [v for v in versions.since(session, ctx.plan.id, since, entities)
               if v.changed_by_person_id != ctx.actor.person_id][:MAX_CHANGES]
    who_ids = {v.changed_by_person_id for v in changes if v.changed_by_person_id}
    names = {p.id: p.full_name for p in session.exec(select(Person).where(col(Person.id).in_(who_ids)))} \
        if who_ids else {}
    views = []
    for v in changes:
        who = names.get(v.changed_by_person_id) or translate("change.someone", locale)
        change = _status_change(v) or v.change
        views.append(ChangeView(
            text=translate(f"change.{change}", locale, who=who, what=_label(v.entity, v.values, locale)),
            when=format_when(v.changed_at, ctx.now, locale),
            history_href="" if v.change == "delete" else history_href(v.entity, v.entity_id),
        ))
    return views


def _status_change(v: versions.Version) -> str | None:
    """A goal reached or ended says so ("markerte målet ... som nådd"), not just "endret"."""
    if v.entity == "goal" and v.change == "update":
        return {GoalStatus.ACHIEVED.value: "achieve", GoalStatus.ENDED.value: "end"}.get(v.values.get("status"))
    return None


def history_href(entity: str, entity_id: int) -> str:
    return f"/historikk/{HISTORY_KIND[entity]}/{entity_id}"


HISTORY_KIND = {"goal": "mal", "measure": "tiltak", "contact": "kontakt", "about_me": "om-meg", "plan": "plan",
                "meeting": "mote", "decision": "vedtak"}
KIND_ENTITY = {kind: entity for entity, kind in HISTORY_KIND.items()}
SECTION_OF_KIND = {kind: versions.ENTITY_SECTION[entity] for kind, entity in KIND_ENTITY.items()}


def participants(session: Session, ctx: PlanContext, locale: str) -> list[str]:
    """Who takes part: the responsibility group (from the contacts) and the people connected to
    the plan, as "Name (role)". Two queries. Only for readers of contacts (the caller asks)."""
    group = session.exec(select(Contact).where(Contact.plan_id == ctx.plan.id,
                                               Contact.role == ContactRole.RESPONSIBILITY_GROUP.value)
                         .order_by(col(Contact.position), col(Contact.id))).all()
    names = [f"{c.name} ({c.title or translate('contact.role.responsibility_group', locale)})" for c in group]
    for member, person in session.exec(select(PlanMember, Person).join(Person, col(Person.id) == col(PlanMember.person_id))
                                       .where(PlanMember.plan_id == ctx.plan.id).order_by(col(PlanMember.id))):
        line = f"{person.full_name} ({member.relation or translate(f'role.{member.role}', locale)})"
        if line not in names:
            names.append(line)
    return names


def consent_state(session: Session, ctx: PlanContext, locale: str, at: datetime | None = None) -> str:
    """The consent to the plan in words: signed when, withdrawn, or not signed (as it stood at
    `at`, or now)."""
    at = at or ctx.now
    latest = session.exec(select(Consent).where(Consent.plan_id == ctx.plan.id, col(Consent.signed_at).is_not(None),
                                                Consent.signed_at <= at)
                          .order_by(col(Consent.signed_at).desc())).first()
    if latest is None:
        return translate("document.consent_none", locale)
    if latest.withdrawn_at is not None and latest.withdrawn_at <= at:
        return translate("document.consent_withdrawn", locale, day=format_date(to_oslo(latest.withdrawn_at).date(), locale))
    return translate("document.consent_signed", locale, day=format_date(to_oslo(latest.signed_at).date(), locale))
