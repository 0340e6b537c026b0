"""The access log ("who has looked at my plan", innsynslogg) as the owner sees it.

Only those who may manage sharing on the plan (the owner, or an acting guardian) may see it; a
guardian's look is itself audited, the owner's is not (plan_access.require). Every audit event of
the plan is listed, newest first (the chain's id order), including denied attempts, except events
without a known person (no one was signed in: there is no "who") and the owner's own, but for a
new passkey or a recovery code on her account: someone who took over her account acts as her, and
she must be able to see that a key was added.

Each event is put into words by `describe` (ipapp.services.log_words, one table): what was done, to
whom, in plain language. Names, role labels (role.*), section labels (section.*) and dates are
display-ready; `text_key` and `text_params` are for the catalog (ipapp.i18n.catalog_log).
"""

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import and_, func, or_
from sqlmodel import Session, col, select

from ipapp import policy
from ipapp.db import transaction
from ipapp.domain.vocabulary import Section
from ipapp.i18n import translate
from ipapp.i18n.dates import format_when
from ipapp.models import AccessGrant, AuditEvent, CoordinatorSubstitute, Person, PlanMember, utcnow
from ipapp.services.log_words import FALLBACK, Known, describe, display_params, rule_for, target_ref
from ipapp.services.plan_access import PlanContext, load_context, require

MAX_PER_PAGE = 100
# How the policy judged the actor -> the role label shown. Grantees (and people the policy found
# no relation for) are shown by their role on the plan instead, e.g. "Pårørende".
ACTING_AS_ROLES = {"owner", "guardian", "coordinator", "unit_admin"}
SECTIONS = {s.value for s in Section}
# The owner's own events that she still sees: they change who can get into her account.
ACCOUNT_ACTIONS = ("recovery", "passkey")

# --- reading the log ----------------------------------------------------------------------------


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
    when: str  # to the minute, e.g. "i dag kl. 10.05"
    occurred_at: datetime  # naive UTC
    text_key: str = FALLBACK  # what was done, for the catalog (describe)
    text_params: dict[str, str] = field(default_factory=dict)  # display-ready


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


def who_looked(person_id: int | None, plan_id: object, *, page: int = 1, per_page: int = 20,
               only_person_id: object = None, locale: str = "nb", now: datetime | None = None) -> AccessLogPage:
    """One page of the plan's access log for `person_id`; raises AccessDenied unless they may manage
    sharing. A fixed number of queries however long the page (no lookup per event)."""
    now = now or utcnow()
    page = page if _is_id(page) else 1
    per_page = min(per_page, MAX_PER_PAGE) if _is_id(per_page) else 20
    with transaction() as session:
        ctx = load_context(session, person_id, plan_id, now)
        require(session, ctx, policy.Action.MANAGE_SHARING, None, target="access_log", reading=True)
        shown = _shown(ctx.plan.id, ctx.plan.owner_person_id)
        people = _people(session, shown)
        filters = shown
        if only_person_id is not None:
            # Anything but one of the people in the log (a stranger, a forged value) gives nothing.
            if not _is_id(only_person_id) or only_person_id not in {p.person_id for p in people}:
                return AccessLogPage([], page, per_page, 0, False, False, people)
            filters = (*shown, col(AuditEvent.actor_person_id) == only_person_id)
        total = session.exec(select(func.count()).select_from(AuditEvent).where(*filters)).one()
        events = session.exec(
            select(AuditEvent)
            .where(*filters)
            .order_by(col(AuditEvent.id).desc())
            .offset((page - 1) * per_page)
            .limit(per_page)
        ).all()
        roles = _plan_roles(session, ctx)
        known = _known(session, ctx.plan.id, events, {p.person_id: p.name for p in people})
        entries = [_entry(e, known, roles, now, locale) for e in events]
    return AccessLogPage(entries, page, per_page, total, page * per_page < total, page > 1, people)


def _shown(plan_id: int, owner_id: int) -> tuple:
    """The plan's events with a known actor other than the owner, and those that added a way into
    the owner's account whoever the actor."""
    about_her_account = and_(col(AuditEvent.action).in_(ACCOUNT_ACTIONS), AuditEvent.target == f"person:{owner_id}")
    return (
        col(AuditEvent.plan_id) == plan_id,
        col(AuditEvent.actor_person_id).is_not(None),
        or_(col(AuditEvent.actor_person_id) != owner_id, about_her_account),
    )


def _is_id(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= 1


def _people(session: Session, filters: tuple) -> list[AccessLogPerson]:
    rows = session.exec(
        select(Person)
        .where(col(Person.id).in_(select(AuditEvent.actor_person_id).where(*filters)))
        .order_by(Person.given_name, Person.family_name, Person.id)
    ).all()
    return [AccessLogPerson(p.id, p.full_name) for p in rows]


def _plan_roles(session: Session, ctx: PlanContext) -> dict[int, str]:
    """What each person is on this plan, for events whose actor the policy did not place (a new
    passkey is added by the person herself, outside any plan): the owner, a guardian, the
    coordinator, else their membership."""
    roles = {m.person_id: m.role for m in session.exec(select(PlanMember).where(PlanMember.plan_id == ctx.plan.id))}
    roles.update({g.guardian_person_id: "guardian" for g in ctx.facts.guardianships})
    if ctx.facts.coordinator_person_id is not None:
        roles[ctx.facts.coordinator_person_id] = "coordinator"
    roles[ctx.plan.owner_person_id] = "owner"
    return roles


def _known(session: Session, plan_id: int, events: list[AuditEvent], names: dict[int, str]) -> Known:
    """The people the page's events name, in at most three queries whatever the page's length:
    grants and stand-ins of this plan only (a forged id of another plan's names nobody), then the
    names not yet known."""
    wanted: dict[str, set[int]] = {"person": set(), "grant": set(), "substitute": set()}
    for event in events:
        rule = rule_for(event.action, event.target, event.reason) if event.outcome == "allowed" else None
        for kind, ids in wanted.items():
            if rule is not None and (ref := target_ref(event.target.split(":"), getattr(rule, kind))) is not None:
                ids.add(ref)
    grantees = _person_behind(session, AccessGrant.grantee_person_id, AccessGrant, wanted["grant"], plan_id)
    substitutes = _person_behind(session, CoordinatorSubstitute.person_id, CoordinatorSubstitute,
                                 wanted["substitute"], plan_id)
    missing = (wanted["person"] | set(grantees.values()) | set(substitutes.values())) - set(names)
    if missing:
        names = {**names, **{p.id: p.full_name for p in session.exec(select(Person).where(col(Person.id).in_(missing)))}}
    return Known(names, grantees, substitutes)


def _person_behind(session: Session, person_column, model, ids: set[int], plan_id: int) -> dict[int, int]:
    """row id -> person id, for those rows of `model` that belong to this plan."""
    if not ids:
        return {}
    rows = session.exec(select(model.id, person_column).where(col(model.id).in_(ids), model.plan_id == plan_id))
    return dict(rows.all())


def _entry(event: AuditEvent, known: Known, roles: dict[int, str], now: datetime, locale: str) -> AccessLogEntry:
    if event.actor_role in ACTING_AS_ROLES:
        role = event.actor_role
    else:  # grantee, or none: what they are on this plan, if anything
        role = roles.get(event.actor_person_id, "none")
    section = event.section
    key, params = describe(event, known)
    return AccessLogEntry(
        event_id=event.id,
        person_id=event.actor_person_id,
        person_name=known.names.get(event.actor_person_id, ""),
        role_label=translate(f"role.{role}", locale),
        action=event.action,
        outcome=event.outcome,
        section=section,
        section_label=translate(f"section.{section}", locale) if section in SECTIONS else "",
        when=format_when(event.occurred_at, now, locale),
        occurred_at=event.occurred_at,
        text_key=key,
        text_params=display_params(params, locale),
    )
