"""Who a person is, in the roles that matter to the screens (the demo chooser and "Meg")."""

from dataclasses import dataclass

from sqlmodel import Session, col, select

from ipapp.db import transaction
from ipapp.domain.vocabulary import AccountStatus
from ipapp.i18n import SUPPORTED_LOCALES, translate
from ipapp.models import Account, Guardianship, Person, Plan, PlanCoordinator, PlanMember
from ipapp.services.plan_access import plans_for_person

# The order people are listed in: the owner first, the unit admin last.
ROLE_ORDER = ["owner", "guardian", "next_of_kin", "delegate", "participant", "coordinator", "unit_admin"]


@dataclass
class PersonView:
    id: int
    name: str
    role_label: str
    locale: str = "nb"  # the language she chose under Meg: hers on every device, and for what is sent to her


def role_key(session: Session, person_id: int) -> str:
    """The person's main role, for labels only; access is never decided from this."""
    if session.exec(select(Plan.id).where(Plan.owner_person_id == person_id)).first():
        return "owner"
    if session.exec(select(Guardianship.id).where(Guardianship.guardian_person_id == person_id)).first():
        return "guardian"
    member = session.exec(select(PlanMember).where(PlanMember.person_id == person_id)).first()
    if member:
        return member.role
    if session.exec(
        select(PlanCoordinator.id).where(
            PlanCoordinator.coordinator_person_id == person_id,
            col(PlanCoordinator.assigned_until).is_(None),
        )
    ).first():
        return "coordinator"
    account = session.exec(select(Account).where(Account.person_id == person_id)).first()
    if account and account.is_unit_admin:
        return "unit_admin"
    return "none"


def active_people(locale: str) -> list[PersonView]:
    """Everyone who can sign in, with their role, in role order."""
    with transaction() as session:
        rows = session.exec(
            select(Person)
            .join(Account, col(Account.person_id) == col(Person.id))
            .where(Account.status == AccountStatus.ACTIVE.value)
            .order_by(col(Person.id))
        ).all()
        keyed = [(role_key(session, p.id), p) for p in rows]
        keyed = [(k, p) for k, p in keyed if k in ROLE_ORDER]
        keyed.sort(key=lambda kp: ROLE_ORDER.index(kp[0]))
        return [
            PersonView(id=p.id, name=p.full_name, role_label=translate(f"role.{k}", locale))
            for k, p in keyed
        ]


def describe(person_id: int, locale: str) -> PersonView | None:
    """Who she is, her role in `locale` ("": in the language she chose under Meg)."""
    with transaction() as session:
        person = session.get(Person, person_id)
        if person is None:
            return None
        key = role_key(session, person_id)
        return PersonView(id=person.id, name=person.full_name,
                          role_label=translate(f"role.{key}", locale or person.locale),
                          locale=person.locale)


def is_unit_admin(person_id: int) -> bool:
    """Whether she works for the coordinating unit (for the menu; the unit's services check again)."""
    with transaction() as session:
        account = session.exec(select(Account).where(Account.person_id == person_id)).first()
        return bool(account and account.is_unit_admin)


def set_locale(person_id: int, locale: str) -> None:
    """Her choice under Meg, kept on her (reminders and e-mail use it later too)."""
    if locale not in SUPPORTED_LOCALES:
        return
    with transaction() as session:
        person = session.get(Person, person_id)
        if person is not None and person.locale != locale:
            person.locale = locale
            session.add(person)


def first_plan_for(person_id: int) -> int | None:
    """The plan to open after sign-in: the person's own, else the first they are connected to."""
    return starting_point(person_id)[0]


def starting_point(person_id: int) -> tuple[int | None, bool]:
    """After sign-in: the plan to open first, and whether "Mine planer" has something to offer
    (more than one plan to switch between, or plans she coordinates)."""
    with transaction() as session:
        plans = plans_for_person(session, person_id)
        coordinates = session.exec(select(PlanCoordinator.id).where(
            PlanCoordinator.coordinator_person_id == person_id,
            col(PlanCoordinator.assigned_until).is_(None))).first() is not None
        return (plans[0] if plans else None), len(plans) > 1 or coordinates


WORKSPACE_ROUTE = "/planer"
UNIT_ROUTE = "/enhet"


def landing_for_account(account_id: int) -> str:
    """Where sign-in lands: a coordinator on "Mine planer", the coordinating unit on its people,
    everyone else on their plan."""
    with transaction() as session:
        coordinates = session.exec(
            select(PlanCoordinator.id).join(Account, col(Account.person_id) == col(PlanCoordinator.coordinator_person_id))
            .where(Account.id == account_id, col(PlanCoordinator.assigned_until).is_(None))).first()
        if coordinates is not None:
            return WORKSPACE_ROUTE
        account = session.get(Account, account_id)
        return UNIT_ROUTE if account is not None and account.is_unit_admin else "/"
