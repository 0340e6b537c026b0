"""The coordinating unit's plans: create one for a registered person, appoint or change its
coordinator, register guardianships, add people to it, close it with a reason. Only a unit admin
may (plan_setup.require_unit_admin); the unit sees who is on a plan, never what is in it.

Bad input is a FormProblem (nothing written), with these codes beside the usual ones:
one_plan_only ("Det skal bare utarbeides én individuell plan"), coordinator_inactive,
coordinator_is_owner, guardian_is_owner, already_on_plan.
"""

from dataclasses import dataclass, field
from datetime import date

from sqlmodel import Session, col, select

from ipapp.db import transaction
from ipapp.domain.vocabulary import AccountStatus, GuardianshipBasis, PlanRole, PlanStatus
from ipapp.i18n import translate
from ipapp.i18n.dates import format_date, oslo_today
from ipapp.models import Account, Guardianship, Person, Plan, PlanCoordinator, PlanMember, utcnow
from ipapp.services import reminders, versions
from ipapp.services.forms import Form
from ipapp.services.plan_access import AccessDenied
from ipapp.services.people_registry import account_of
from ipapp.services.plan_setup import audit_on_plan, require_unit_admin

BASES = frozenset(b.value for b in GuardianshipBasis)
MEMBER_ROLES = frozenset({PlanRole.PARTICIPANT.value, PlanRole.NEXT_OF_KIN.value, PlanRole.DELEGATE.value})


@dataclass(frozen=True)
class PlanPersonRow:
    id: int  # the guardianship's or membership's id (what "end" acts on)
    name: str
    detail: str  # "Forelder til mindreårig, fra 1. mars 2020 til 11. mai 2031" / "Tjenesteyter – fysioterapeut"


@dataclass(frozen=True)
class UnitPlanRow:
    id: int
    owner_name: str
    status: str  # active | closed
    period: str
    next_review: str
    coordinator: str
    former_coordinators: list[str] = field(default_factory=list)
    guardians: list[PlanPersonRow] = field(default_factory=list)
    members: list[PlanPersonRow] = field(default_factory=list)
    closed_reason: str = ""


def _active_account(session: Session, person_id: int | None) -> Account | None:
    account = account_of(session, person_id) if person_id is not None else None
    return account if account is not None and account.status != AccountStatus.DISABLED.value else None


def _plan(session: Session, plan_id: int) -> Plan:
    plan = session.get(Plan, plan_id)
    if plan is None:
        raise AccessDenied("no_such_plan")
    return plan


def create_plan_for(actor_person_id: int | None, owner_person_id: int | None, coordinator_person_id: int | None,
                    raw: object) -> int:
    """A plan for someone registered, with its period, first review date and coordinator."""
    form = Form(raw)
    now = utcnow()
    today = oslo_today(now)
    with transaction() as session:
        require_unit_admin(session, actor_person_id, f"person:{owner_person_id}:plan")
        if _active_account(session, owner_person_id) is None:
            form.problem("owner", "choose_one")
        elif session.exec(select(Plan.id).where(Plan.owner_person_id == owner_person_id,
                                                Plan.status == PlanStatus.ACTIVE.value)).first() is not None:
            form.problem("owner", "one_plan_only")
        _check_coordinator(form, session, coordinator_person_id, owner_person_id)
        start = form.day("period_start", required=True)
        review = form.day("next_review_on", required=True)
        if review and review < today:
            form.problem("next_review_on", "in_the_past")
        if start and review and review < start:
            form.problem("next_review_on", "end_before_start")
        form.done()
        plan = Plan(owner_person_id=owner_person_id, period_start=start, next_review_on=review)
        session.add(plan)
        session.flush()
        session.add(PlanCoordinator(plan_id=plan.id, coordinator_person_id=coordinator_person_id,
                                    assigned_from=now, assigned_by_person_id=actor_person_id))
        versions.record(session, plan.id, "plan", plan, "create", actor_person_id, now)
        reminders.review_changed(session, plan, now)  # its review date, in the same transaction
        audit_on_plan(session, actor_person_id, plan.id, f"plan:{plan.id}")
        audit_on_plan(session, actor_person_id, plan.id, f"coordinator:{coordinator_person_id}")
        return plan.id


def _check_coordinator(form: Form, session: Session, coordinator_person_id: int | None, owner_id: int) -> None:
    if coordinator_person_id is None:
        form.problem("coordinator", "choose_one")
    elif coordinator_person_id == owner_id:
        form.problem("coordinator", "coordinator_is_owner")
    elif _active_account(session, coordinator_person_id) is None:
        form.problem("coordinator", "coordinator_inactive")


def change_coordinator(actor_person_id: int | None, plan_id: int, coordinator_person_id: int | None) -> None:
    """The new coordinator from now on; the old assignment ends and stays in the history. The old
    coordinator's open pages lose the plan at once (the write notifies the plan's sessions)."""
    form = Form({})
    now = utcnow()
    with transaction() as session:
        require_unit_admin(session, actor_person_id, f"plan:{plan_id}:coordinator")
        plan = _plan(session, plan_id)
        _check_coordinator(form, session, coordinator_person_id, plan.owner_person_id)
        current = session.exec(select(PlanCoordinator).where(PlanCoordinator.plan_id == plan_id,
                                                             col(PlanCoordinator.assigned_until).is_(None))).all()
        if any(c.coordinator_person_id == coordinator_person_id for c in current):
            form.problem("coordinator", "already_on_plan")
        form.done()
        for row in current:
            row.assigned_until = now
            session.add(row)
        session.flush()  # at most one current coordinator per plan (a partial unique index)
        session.add(PlanCoordinator(plan_id=plan_id, coordinator_person_id=coordinator_person_id,
                                    assigned_from=now, assigned_by_person_id=actor_person_id))
        plan.updated_at = now  # a plan row change: its open pages re-check access (ipapp.live.changes)
        session.add(plan)
        reminders.plan_people_changed(session, plan, now)  # the review reminders go to the new coordinator
        audit_on_plan(session, actor_person_id, plan_id, f"coordinator:{coordinator_person_id}")


def add_guardianship(actor_person_id: int | None, plan_id: int, guardian_person_id: int | None, raw: object) -> int:
    """A guardian of the plan's owner: a parent of a minor (which ends at 16 by itself, as the policy
    knows) or appointed by a court (vergemål), with the mandate in words and its dates."""
    form = Form(raw)
    with transaction() as session:
        require_unit_admin(session, actor_person_id, f"plan:{plan_id}:guardian")
        plan = _plan(session, plan_id)
        basis = form.choice("basis", BASES)
        scope = form.text("scope", max_length=500)
        first, last = form.day("valid_from", required=True), form.day("valid_until")
        if first and last and last < first:
            form.problem("valid_until", "end_before_start")
        if guardian_person_id == plan.owner_person_id:
            form.problem("guardian", "guardian_is_owner")
        elif _active_account(session, guardian_person_id) is None:
            form.problem("guardian", "choose_one")
        form.done()
        row = Guardianship(owner_person_id=plan.owner_person_id, guardian_person_id=guardian_person_id,
                           basis=basis, scope=scope, valid_from=first, valid_until=last)
        session.add(row)
        session.flush()
        reminders.plan_people_changed(session, plan, utcnow())  # she keeps the plan now: its reminders
        audit_on_plan(session, actor_person_id, plan_id, f"guardian:{guardian_person_id}")
        return row.id


def end_guardianship(actor_person_id: int | None, plan_id: int, guardianship_id: int) -> None:
    """Ends yesterday (Oslo): from today the guardian no longer acts. Kept as history."""
    from datetime import timedelta

    today = oslo_today(utcnow())
    with transaction() as session:
        require_unit_admin(session, actor_person_id, f"plan:{plan_id}:guardian:end")
        plan = _plan(session, plan_id)
        row = session.get(Guardianship, guardianship_id)
        if row is None or row.owner_person_id != plan.owner_person_id:
            raise AccessDenied("no_such_item")
        if row.valid_from >= today:
            session.delete(row)  # had not begun: nothing to keep
        else:
            row.valid_until = min(row.valid_until or today, today - timedelta(days=1))
            session.add(row)
        reminders.plan_people_changed(session, plan, utcnow())  # hers not yet sent are withdrawn
        audit_on_plan(session, actor_person_id, plan_id, f"guardian:{row.guardian_person_id}:end")


def add_member(actor_person_id: int | None, plan_id: int, person_id: int | None, raw: object) -> None:
    """Someone on the plan: a service provider in the responsibility group, a next of kin or a
    delegate. Being on the plan shows nothing of it: only the owner's grants do."""
    form = Form(raw)
    with transaction() as session:
        require_unit_admin(session, actor_person_id, f"plan:{plan_id}:member")
        plan = _plan(session, plan_id)
        role = form.choice("role", MEMBER_ROLES)
        relation = form.text("relation", max_length=100)
        if person_id == plan.owner_person_id or _active_account(session, person_id) is None:
            form.problem("member", "choose_one")
        elif session.exec(select(PlanMember.id).where(PlanMember.plan_id == plan_id,
                                                      PlanMember.person_id == person_id)).first() is not None:
            form.problem("member", "already_on_plan")
        form.done()
        session.add(PlanMember(plan_id=plan_id, person_id=person_id, role=role, relation=relation))
        audit_on_plan(session, actor_person_id, plan_id, f"member:{person_id}")


def close_plan(actor_person_id: int | None, plan_id: int, raw: object) -> None:
    """Closed with a reason (moved, no longer wanted, deceased): read-only for everyone from now on."""
    form = Form(raw)
    now = utcnow()
    with transaction() as session:
        require_unit_admin(session, actor_person_id, f"plan:{plan_id}:close")
        plan = _plan(session, plan_id)
        reason = form.text("reason", max_length=500, required=True)
        if plan.status == PlanStatus.CLOSED.value:
            form.problem("reason", "already_closed")
        form.done()
        plan.status, plan.closed_at, plan.closed_reason, plan.updated_at = PlanStatus.CLOSED.value, now, reason, now
        plan.version += 1
        session.add(plan)
        versions.record(session, plan.id, "plan", plan, "update", actor_person_id, now)
        reminders.plan_people_changed(session, plan, now)  # closed: its reminders not yet sent are withdrawn
        audit_on_plan(session, actor_person_id, plan_id, f"plan:{plan_id}:close")


def plans_list(actor_person_id: int | None, locale: str = "nb") -> list[UnitPlanRow]:
    """Every plan with its people (never its content): five queries whatever their number."""
    today = oslo_today(utcnow())
    with transaction() as session:
        require_unit_admin(session, actor_person_id, "plans")
        plans = session.exec(select(Plan).order_by(col(Plan.status), col(Plan.id))).all()
        coordinators = session.exec(select(PlanCoordinator).order_by(col(PlanCoordinator.assigned_from))).all()
        guardianships = session.exec(select(Guardianship).order_by(col(Guardianship.valid_from))).all()
        members = session.exec(select(PlanMember).order_by(col(PlanMember.id))).all()
        names = {p.id: p.full_name for p in session.exec(select(Person))}
        rows = []
        for plan in plans:
            mine = [c for c in coordinators if c.plan_id == plan.id]
            current = [names.get(c.coordinator_person_id, "") for c in mine if c.assigned_until is None]
            rows.append(UnitPlanRow(
                id=plan.id, owner_name=names.get(plan.owner_person_id, ""),
                status=plan.status,
                period=_period(plan.period_start, plan.period_end, locale),
                next_review=format_date(plan.next_review_on, locale),
                coordinator=current[0] if current else "",
                former_coordinators=[names.get(c.coordinator_person_id, "") for c in mine if c.assigned_until],
                guardians=[PlanPersonRow(g.id, names.get(g.guardian_person_id, ""), _guardian_detail(g, locale))
                           for g in guardianships if g.owner_person_id == plan.owner_person_id
                           and (g.valid_until is None or g.valid_until >= today)],
                members=[PlanPersonRow(m.id, names.get(m.person_id, ""),
                                       translate(f"role.{m.role}", locale) + (f" – {m.relation}" if m.relation else ""))
                         for m in members if m.plan_id == plan.id],
                closed_reason=plan.closed_reason))
        return rows


def _period(start: date, end: date | None, locale: str) -> str:
    return f"{format_date(start, locale)} – {format_date(end, locale) if end else ''}".rstrip(" –")


def _guardian_detail(row: Guardianship, locale: str) -> str:
    basis = translate(f"setup.basis.{row.basis}", locale)
    period = _period(row.valid_from, row.valid_until, locale)
    return f"{basis}, {period}" + (f". {row.scope}" if row.scope else "")


def choices(actor_person_id: int | None) -> list[tuple[int, str]]:
    """Everyone who can sign in, by name, for the forms' person choices."""
    with transaction() as session:
        require_unit_admin(session, actor_person_id, "people")
        rows = session.exec(select(Person).join(Account, col(Account.person_id) == col(Person.id))
                            .where(Account.status != AccountStatus.DISABLED.value)
                            .order_by(col(Person.family_name), col(Person.given_name), col(Person.id))).all()
        return [(p.id, p.full_name) for p in rows]

