"""The access log ("who has looked at my plan", innsynslogg) as the owner sees it.

Only those who may manage sharing on the plan (the owner, or an acting guardian) may see it; a
guardian's look is itself audited, the owner's is not (plan_access.require). Every audit event of
the plan is listed, newest first (the chain's id order), including denied attempts, except the
owner's own and events without a known person (no one was signed in: there is no "who").

Texts: names, role labels (role.*), section labels (section.*) and dates are display-ready; the
action ("read", "write", "manage_sharing", ...) and outcome ("allowed"/"denied") are raw codes for
the page to put into words.
"""

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import func
from sqlmodel import Session, col, select

from ipapp import policy
from ipapp.db import transaction
from ipapp.domain.vocabulary import Section
from ipapp.i18n import translate
from ipapp.i18n.dates import format_when
from ipapp.models import AuditEvent, Person, PlanMember, utcnow
from ipapp.services.plan_access import load_context, require

MAX_PER_PAGE = 100
# How the policy judged the actor -> the role label shown. Grantees (and people the policy found
# no relation for) are shown by their role on the plan instead, e.g. "Pårørende".
ACTING_AS_ROLES = {"owner", "guardian", "coordinator", "unit_admin"}
SECTIONS = {s.value for s in Section}


@dataclass
class AccessLogEntry:
    event_id: int
    person_id: int
    person_name: str
    role_label: str
    action: str  # raw code: "read", "write", "manage_sharing", ...
    outcome: str  # raw code: "allowed" | "denied"
    section: str | None
    section_label: str  # "" when the event concerns no section
    when: str
    occurred_at: datetime  # naive UTC


@dataclass
class AccessLogPerson:
    """Someone who appears in the log: the choices for the person filter."""

    person_id: int
    name: str


@dataclass
class AccessLogPage:
    entries: list[AccessLogEntry]
    page: int
    per_page: int
    total: int
    has_next: bool
    has_previous: bool
    people: list[AccessLogPerson] = field(default_factory=list)


def who_looked(
    person_id: int | None,
    plan_id: object,
    *,
    page: int = 1,
    per_page: int = 20,
    only_person_id: object = None,
    locale: str = "nb",
    now: datetime | None = None,
) -> AccessLogPage:
    """One page of the plan's access log for `person_id`; raises AccessDenied unless they may manage sharing."""
    now = now or utcnow()
    page = page if _is_id(page) else 1
    per_page = min(per_page, MAX_PER_PAGE) if _is_id(per_page) else 20
    with transaction() as session:
        ctx = load_context(session, person_id, plan_id, now)
        require(session, ctx, policy.Action.MANAGE_SHARING, None, target="access_log", reading=True)
        owner_id = ctx.plan.owner_person_id
        others = (
            col(AuditEvent.plan_id) == ctx.plan.id,
            col(AuditEvent.actor_person_id).is_not(None),
            col(AuditEvent.actor_person_id) != owner_id,
        )
        people = _people(session, others)
        filters = others
        if only_person_id is not None:
            # Anything but one of the people in the log (the owner, a forged value) gives nothing.
            if not _is_id(only_person_id) or only_person_id not in {p.person_id for p in people}:
                return AccessLogPage([], page, per_page, 0, False, False, people)
            filters = (*others, col(AuditEvent.actor_person_id) == only_person_id)
        total = session.exec(select(func.count()).select_from(AuditEvent).where(*filters)).one()
        events = session.exec(
            select(AuditEvent)
            .where(*filters)
            .order_by(col(AuditEvent.id).desc())
            .offset((page - 1) * per_page)
            .limit(per_page)
        ).all()
        roles = _plan_roles(session, ctx.plan.id)
        names = {p.person_id: p.name for p in people}
        entries = [_entry(e, names, roles, now, locale) for e in events]
    return AccessLogPage(entries, page, per_page, total, page * per_page < total, page > 1, people)


def _is_id(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= 1


def _people(session: Session, filters: tuple) -> list[AccessLogPerson]:
    rows = session.exec(
        select(Person)
        .where(col(Person.id).in_(select(AuditEvent.actor_person_id).where(*filters)))
        .order_by(Person.given_name, Person.family_name, Person.id)
    ).all()
    return [AccessLogPerson(p.id, p.full_name) for p in rows]


def _plan_roles(session: Session, plan_id: int) -> dict[int, str]:
    members = session.exec(select(PlanMember).where(PlanMember.plan_id == plan_id)).all()
    return {m.person_id: m.role for m in members}


def _entry(
    event: AuditEvent, names: dict[int, str], roles: dict[int, str], now: datetime, locale: str
) -> AccessLogEntry:
    if event.actor_role in ACTING_AS_ROLES:
        role = event.actor_role
    else:  # grantee, or none: what they are on this plan, if anything
        role = roles.get(event.actor_person_id, "none")
    section = event.section
    return AccessLogEntry(
        event_id=event.id,
        person_id=event.actor_person_id,
        person_name=names.get(event.actor_person_id, ""),
        role_label=translate(f"role.{role}", locale),
        action=event.action,
        outcome=event.outcome,
        section=section,
        section_label=translate(f"section.{section}", locale) if section in SECTIONS else "",
        when=format_when(event.occurred_at, now, locale),
        occurred_at=event.occurred_at,
    )
