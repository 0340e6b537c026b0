"""Setting up people and plans: the coordinating unit (koordinerende enhet) creates a plan for
its owner, names a coordinator, and hands out the invitations.

Only a unit admin may; the first unit admin of an installation is made once, when there is none.
Each new person gets an invited account and a one-time code (ipapp.services.invitations).
The screens for this are the unit admin's (a later issue); tests and commands call these.
"""

from dataclasses import dataclass
from datetime import date

from sqlmodel import Session, col, select

from ipapp.db import transaction
from ipapp.domain.vocabulary import AccountStatus
from ipapp.models import Account, CoordinatorSubstitute, Guardianship, Person, Plan, PlanCoordinator, utcnow
from ipapp.services import audit, invitations, reminders, versions
from ipapp.services.invitations import NewInvitation, check_new_person
from ipapp.services.plan_access import AccessDenied, actor_for


@dataclass(frozen=True)
class NewPersonResult:
    person_id: int
    invitation: NewInvitation


@dataclass(frozen=True)
class NewPlan:
    plan_id: int
    owner_person_id: int
    invitation: NewInvitation


def _new_person(session: Session, form: object, actor_person_id: int | None, plan_id: int | None,
                locale: str, *, unit_admin: bool = False, birth_date: date | None = None) -> NewPersonResult:
    details = check_new_person(form)
    now = utcnow()
    person = Person(given_name=details.given_name, family_name=details.family_name, birth_date=birth_date,
                    email=details.email or None, phone=details.phone or None)
    session.add(person)
    session.flush()
    account = Account(person_id=person.id, status=AccountStatus.INVITED.value, is_unit_admin=unit_admin)
    session.add(account)
    session.flush()
    code = invitations.issue_code(session, account.id, actor_person_id or person.id, plan_id, None, now)
    return NewPersonResult(person.id, invitations.invitation_result(code, person, now, locale))


def require_unit_admin(session: Session, actor_person_id: int | None, target: str) -> None:
    """Only the coordinating unit sets up people and plans; every attempt is audited."""
    actor = actor_for(session, actor_person_id)
    audit.record(session, actor_person_id=actor_person_id, actor_role="unit_admin" if actor.is_unit_admin else "none",
                 plan_id=None, action="set_up", section=None, allowed=actor.is_unit_admin,
                 reason="unit_admin" if actor.is_unit_admin else "not_unit_admin", target=target)
    if not actor.is_unit_admin:
        raise AccessDenied("not_unit_admin")


def first_unit_admin(form: object, locale: str = "nb", force: bool = False) -> NewPersonResult:
    """The installation's first unit admin (from the operator's command line); refused once there
    is one unless `force` (another one, e.g. when the only administrator has left)."""
    with transaction() as session:
        exists = session.exec(select(Account.id).where(Account.is_unit_admin)).first() is not None
        if exists and not force:
            raise AccessDenied("unit_admin_exists")
        result = _new_person(session, form, None, None, locale, unit_admin=True)
        audit.record(session, actor_person_id=result.person_id, actor_role="unit_admin", plan_id=None,
                     action="set_up", section=None, allowed=True,
                     reason="forced_unit_admin" if exists else "first_unit_admin",
                     target=f"person:{result.person_id}")
        return result


def add_coordinator(actor_person_id: int | None, form: object, locale: str = "nb") -> NewPersonResult:
    """A coordinator's account (they see a plan only once they are named its coordinator)."""
    with transaction() as session:
        require_unit_admin(session, actor_person_id, "coordinator:new")
        return _new_person(session, form, actor_person_id, None, locale)


def create_plan(actor_person_id: int | None, owner_form: object, *, birth_date: date | None,
                coordinator_person_id: int | None, period_start: date, next_review_on: date,
                locale: str = "nb") -> NewPlan:
    """A plan for a new owner, with its coordinator, and the owner's invitation."""
    with transaction() as session:
        require_unit_admin(session, actor_person_id, "plan:new")
        details = check_new_person(owner_form)
        owner = Person(given_name=details.given_name, family_name=details.family_name, birth_date=birth_date,
                       email=details.email or None, phone=details.phone or None)
        session.add(owner)
        session.flush()
        plan = Plan(owner_person_id=owner.id, period_start=period_start, next_review_on=next_review_on)
        session.add(plan)
        session.flush()
        account = Account(person_id=owner.id, status=AccountStatus.INVITED.value)
        session.add(account)
        session.flush()
        now = utcnow()
        code = invitations.issue_code(session, account.id, actor_person_id, plan.id, None, now)
        if coordinator_person_id is not None:
            if session.get(Person, coordinator_person_id) is None:
                raise ValueError("no such coordinator")
            session.add(PlanCoordinator(plan_id=plan.id, coordinator_person_id=coordinator_person_id,
                                        assigned_by_person_id=actor_person_id))
        versions.record(session, plan.id, "plan", plan, "create", actor_person_id, now)
        reminders.review_changed(session, plan, now)  # its review date, in the same transaction
        audit_on_plan(session, actor_person_id, plan.id, f"plan:{plan.id}")
        if coordinator_person_id is not None:
            audit_on_plan(session, actor_person_id, plan.id, f"coordinator:{coordinator_person_id}")
        return NewPlan(plan.id, owner.id, invitations.invitation_result(code, owner, now, locale))


def add_guardian(actor_person_id: int | None, plan_id: int, form: object, *, basis: str, valid_from: date,
                 valid_until: date | None = None, locale: str = "nb") -> NewPersonResult:
    """A guardian of the plan's owner (a parent of a minor, or appointed by a court), invited."""
    with transaction() as session:
        require_unit_admin(session, actor_person_id, f"plan:{plan_id}:guardian")
        plan = session.get(Plan, plan_id)
        if plan is None:
            raise AccessDenied("no_such_plan")
        result = _new_person(session, form, actor_person_id, plan.id, locale)
        session.add(Guardianship(owner_person_id=plan.owner_person_id, guardian_person_id=result.person_id,
                                 basis=basis, valid_from=valid_from, valid_until=valid_until))
        reminders.plan_people_changed(session, plan, utcnow())  # she keeps the plan now: its reminders
        audit_on_plan(session, actor_person_id, plan.id, f"guardian:{result.person_id}")
        return result


def assign_coordinator(actor_person_id: int | None, plan_id: int, coordinator_person_id: int) -> None:
    """A new coordinator for the plan from now on (ipapp.services.unit_plans.change_coordinator)."""
    from ipapp.services.unit_plans import change_coordinator

    change_coordinator(actor_person_id, plan_id, coordinator_person_id)


def audit_on_plan(session: Session, actor_person_id: int | None, plan_id: int, target: str) -> None:
    """On the plan's own chain: its owner reads who set up what about the people on her plan."""
    audit.record(session, actor_person_id=actor_person_id, actor_role="unit_admin", plan_id=plan_id,
                 action="set_up", section=None, allowed=True, reason="unit_admin", target=target)


# --- a substitute coordinator -------------------------------------------------------------------


@dataclass(frozen=True)
class SubstituteView:
    id: int
    plan_owner: str
    person_name: str
    period: str  # "1. juli 2027 – 14. juli 2027"
    current: bool  # today is within it


def substitute_choices(actor_person_id: int | None) -> tuple[list[tuple[int, str]], list[tuple[int, str]]]:
    """For the unit admin's form: every plan (by its owner's name) and everyone who coordinates or
    has coordinated a plan (a stand-in is a colleague)."""
    with transaction() as session:
        if not actor_for(session, actor_person_id).is_unit_admin:
            return [], []
        plans = session.exec(select(Plan, Person).join(Person, col(Person.id) == col(Plan.owner_person_id))
                             .where(Plan.status == "active").order_by(col(Plan.id))).all()
        colleagues = session.exec(select(Person).where(col(Person.id).in_(
            select(PlanCoordinator.coordinator_person_id))).order_by(col(Person.family_name), col(Person.id))).all()
        return ([(plan.id, owner.full_name) for plan, owner in plans],
                [(p.id, p.full_name) for p in colleagues])


def add_substitute(actor_person_id: int | None, plan_id: int, person_id: int, raw: object) -> int:
    """`person_id` stands in as the plan's coordinator from one Oslo date to another (both kept)."""
    from ipapp.i18n.dates import oslo_today
    from ipapp.services.forms import Form

    form = Form(raw)
    with transaction() as session:
        require_unit_admin(session, actor_person_id, f"plan:{plan_id}:substitute")
        first, last = form.day("valid_from", required=True), form.day("valid_until", required=True)
        if first and last and last < first:
            form.problem("valid_until", "end_before_start")
        if last and last < oslo_today(utcnow()):
            form.problem("valid_until", "in_the_past")
        if session.get(Plan, plan_id) is None or session.get(Person, person_id) is None:
            form.problem("person", "choose_one")
        form.done()
        row = CoordinatorSubstitute(plan_id=plan_id, person_id=person_id, valid_from=first, valid_until=last,
                                    granted_by_person_id=actor_person_id)
        session.add(row)
        session.flush()
        audit.record(session, actor_person_id=actor_person_id, actor_role="unit_admin", plan_id=plan_id,
                     action="set_up", section=None, allowed=True, reason="unit_admin", target=f"substitute:{row.id}")
        return row.id


def end_substitute(actor_person_id: int | None, substitute_id: int) -> None:
    """From today on the stand-in no longer acts (one that had not begun is removed)."""
    from datetime import timedelta

    from ipapp.i18n.dates import oslo_today

    with transaction() as session:
        row = session.get(CoordinatorSubstitute, substitute_id)
        require_unit_admin(session, actor_person_id, f"substitute:{substitute_id}:end")
        if row is None:
            raise AccessDenied("no_such_item")
        today = oslo_today(utcnow())
        if row.valid_from >= today:
            session.delete(row)
        else:
            row.valid_until = min(row.valid_until, today - timedelta(days=1))
            session.add(row)


def substitutes(actor_person_id: int | None, locale: str = "nb") -> list[SubstituteView]:
    from ipapp.i18n.dates import format_date, oslo_today

    with transaction() as session:
        if not actor_for(session, actor_person_id).is_unit_admin:
            return []
        today = oslo_today(utcnow())
        rows = session.exec(select(CoordinatorSubstitute).where(CoordinatorSubstitute.valid_until >= today)
                            .order_by(col(CoordinatorSubstitute.valid_from))).all()
        plans = {p.id: p for p in session.exec(select(Plan).where(col(Plan.id).in_({r.plan_id for r in rows})))}
        names = {p.id: p.full_name for p in session.exec(select(Person).where(col(Person.id).in_(
            {r.person_id for r in rows} | {p.owner_person_id for p in plans.values()})))}
        return [SubstituteView(r.id, names.get(plans[r.plan_id].owner_person_id, ""), names.get(r.person_id, ""),
                               f"{format_date(r.valid_from, locale)} – {format_date(r.valid_until, locale)}",
                               r.valid_from <= today <= r.valid_until) for r in rows]
