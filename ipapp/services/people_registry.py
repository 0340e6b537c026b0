"""The coordinating unit's register of people: register, correct, link a national identity
number, deactivate. Only a unit admin may (plan_setup.require_unit_admin); nobody is ever deleted,
since the audit log names them.

A national identity number is checked (ipapp.domain.national_id) and stored only as the keyed
hash that the national login compares (ipapp.auth.oidc.national_id_hash): never in clear, never
in a log or an audit row. A person without one signs in with passkeys only, through an invitation.

Every change to someone connected to a plan is audited on that plan too, so its owner reads in
her log who changed what about the people on her plan.
"""

from dataclasses import dataclass
from datetime import date

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select, update

from ipapp.auth import sessions
from ipapp.auth.oidc import national_id_hash
from ipapp.db import transaction
from ipapp.domain.national_id import NationalIdProblem, parse_national_id
from ipapp.domain.vocabulary import AccountStatus, PlanStatus
from ipapp.i18n.dates import format_date, oslo_today
from ipapp.models import (Account, Guardianship, Invitation, PasskeyCredential, Person, Plan, PlanCoordinator,
                          PlanMember, utcnow)
from ipapp.services import audit, invitations
from ipapp.services.forms import Form, FormProblem
from ipapp.services.invitations import NewInvitation
from ipapp.services.plan_access import AccessDenied
from ipapp.services.plan_setup import NewPersonResult, require_unit_admin


@dataclass(frozen=True)
class PersonRow:
    """One person as the coordinating unit sees them (no plan content)."""

    id: int
    name: str
    given_name: str
    family_name: str
    birth_date: str  # "12. mars 2009", or ""
    birth_date_iso: str  # for the correction form
    email: str
    phone: str
    national_id_linked: bool
    status: str  # invited | active | disabled
    is_unit_admin: bool
    has_active_plan: bool


def _national_id(form: Form, birth_date: date | None, today: date) -> str | None:
    """The keyed hash of the form's number (None when left empty); problems go on the form."""
    raw = form.text("national_id", max_length=20)
    if not raw:
        return None
    try:
        number = parse_national_id(raw, today=today)
    except NationalIdProblem as problem:
        form.problem("national_id", f"national_id_{problem.code}")
        return None
    if birth_date is not None and birth_date != number.birth_date:
        form.problem("birth_date", "birth_date_mismatch")
    return national_id_hash(number.digits)


def _person_fields(form: Form, today: date) -> dict:
    details = {
        "given_name": form.text("given_name", required=True),
        "family_name": form.text("family_name", required=True),
        "birth_date": form.day("birth_date"),
        "email": form.email("email") or None,
        "phone": form.phone("phone") or None,
    }
    if details["birth_date"] and details["birth_date"] > today:
        form.problem("birth_date", "in_the_future")
    return details


def _taken(session: Session, identity_hash: str | None, except_account: int | None = None) -> bool:
    if identity_hash is None:
        return False
    found = session.exec(select(Account.id).where(Account.national_id_hash == identity_hash)).first()
    return found is not None and found != except_account


def plans_of(session: Session, person_id: int) -> set[int]:
    """The plans someone is on: as owner, member, current coordinator, or guardian of the owner."""
    owned = set(session.exec(select(Plan.id).where(Plan.owner_person_id == person_id)).all())
    member = set(session.exec(select(PlanMember.plan_id).where(PlanMember.person_id == person_id)).all())
    coordinated = set(session.exec(select(PlanCoordinator.plan_id).where(
        PlanCoordinator.coordinator_person_id == person_id, col(PlanCoordinator.assigned_until).is_(None))).all())
    wards = select(Guardianship.owner_person_id).where(Guardianship.guardian_person_id == person_id)
    guarded = set(session.exec(select(Plan.id).where(col(Plan.owner_person_id).in_(wards))).all())
    return owned | member | coordinated | guarded


def audit_on_plans(session: Session, actor_person_id: int | None, person_id: int, target: str,
                   action: str = "set_up", reason: str = "unit_admin") -> None:
    """One audit row in each chain the change concerns: the installation's, and each plan's."""
    events = [dict(actor_person_id=actor_person_id, actor_role="unit_admin", plan_id=plan_id, action=action,
                   section=None, allowed=True, reason=reason, target=target)
              for plan_id in [None, *sorted(plans_of(session, person_id))]]
    audit.record_many(session, events)


def register_person(actor_person_id: int | None, raw: object, locale: str = "nb") -> NewPersonResult:
    """A new person with an invited account and a one-time code; with a national identity number
    she may instead sign in with the national login at once."""
    form = Form(raw)
    now = utcnow()
    today = oslo_today(now)
    with transaction() as session:
        require_unit_admin(session, actor_person_id, "person:new")
        details = _person_fields(form, today)
        identity = _national_id(form, details["birth_date"], today)
        if _taken(session, identity):
            form.problem("national_id", "national_id_taken")
        form.done()
        if identity is not None and details["birth_date"] is None:
            details["birth_date"] = parse_national_id(form.raw["national_id"]).birth_date
        person = Person(**details, locale=locale)
        session.add(person)
        session.flush()
        account = Account(person_id=person.id, status=AccountStatus.INVITED.value, national_id_hash=identity)
        session.add(account)
        try:
            session.flush()
        except IntegrityError:  # the same number registered at the same moment by a colleague
            raise FormProblem({"national_id": "national_id_taken"}) from None
        code = invitations.issue_code(session, account.id, actor_person_id, None, None, now)
        audit_on_plans(session, actor_person_id, person.id, f"person:{person.id}")
        if identity is not None:
            audit_on_plans(session, actor_person_id, person.id, f"identity:{person.id}:link")
        return NewPersonResult(person.id, invitations.invitation_result(code, person, now, locale))


def correct_person(actor_person_id: int | None, person_id: int, raw: object) -> None:
    """Names, birth date and contact details put right (the number has its own link/unlink)."""
    form = Form(raw)
    today = oslo_today(utcnow())
    with transaction() as session:
        require_unit_admin(session, actor_person_id, f"person:{person_id}:correct")
        person = session.get(Person, person_id)
        if person is None:
            raise AccessDenied("no_such_item")
        details = _person_fields(form, today)
        form.done()
        for name, value in details.items():
            setattr(person, name, value)
        session.add(person)
        audit_on_plans(session, actor_person_id, person_id, f"person:{person_id}:correct")


def link_identity(actor_person_id: int | None, person_id: int, raw: object) -> None:
    """Link (or replace) the person's national identity number, so the national login finds her."""
    form = Form(raw)
    today = oslo_today(utcnow())
    with transaction() as session:
        require_unit_admin(session, actor_person_id, f"identity:{person_id}:link")
        person = session.get(Person, person_id)
        account = account_of(session, person_id)
        if person is None or account is None:
            raise AccessDenied("no_such_item")
        if not form.text("national_id", max_length=20):
            form.problem("national_id", "required")
        identity = _national_id(form, person.birth_date, today)
        if _taken(session, identity, except_account=account.id):
            form.problem("national_id", "national_id_taken")
        form.done()
        account.national_id_hash = identity
        session.add(account)
        audit_on_plans(session, actor_person_id, person_id, f"identity:{person_id}:link")


def unlink_identity(actor_person_id: int | None, person_id: int) -> None:
    with transaction() as session:
        require_unit_admin(session, actor_person_id, f"identity:{person_id}:unlink")
        account = account_of(session, person_id)
        if account is None:
            raise AccessDenied("no_such_item")
        account.national_id_hash = None
        session.add(account)
        audit_on_plans(session, actor_person_id, person_id, f"identity:{person_id}:unlink")


def deactivate_person(actor_person_id: int | None, person_id: int) -> None:
    """She can no longer sign in: the account is disabled, her sessions and codes end at once. Kept,
    never deleted (the audit log names her). A current coordinator is replaced on her plans first."""
    now = utcnow()
    with transaction() as session:
        require_unit_admin(session, actor_person_id, f"person:{person_id}:deactivate")
        account = account_of(session, person_id)
        if account is None or person_id == actor_person_id:
            raise FormProblem({"person": "cannot_deactivate_self" if account else "choose_one"})
        coordinating = session.exec(select(PlanCoordinator.id).join(Plan, col(Plan.id) == col(PlanCoordinator.plan_id))
                                    .where(PlanCoordinator.coordinator_person_id == person_id,
                                           col(PlanCoordinator.assigned_until).is_(None),
                                           Plan.status == PlanStatus.ACTIVE.value)).first()
        if coordinating is not None:
            raise FormProblem({"person": "still_coordinator"})
        account.status = AccountStatus.DISABLED.value
        session.add(account)
        account_id = account.id
        session.exec(update(Invitation).where(Invitation.account_id == account.id, col(Invitation.used_at).is_(None),
                                              col(Invitation.revoked_at).is_(None)).values(revoked_at=now))
        audit_on_plans(session, actor_person_id, person_id, f"person:{person_id}:deactivate")
    sessions.end_all_sessions(account_id)  # her open tabs are emptied at once, on every worker


def new_code_for_invited(actor_person_id: int | None, person_id: int, locale: str = "nb") -> NewInvitation:
    """A fresh first invitation for someone who never signed in (the old link is then void). For
    an account in use, a new code is account recovery: ipapp.services.recovery."""
    now = utcnow()
    with transaction() as session:
        require_unit_admin(session, actor_person_id, f"person:{person_id}:invite")
        account, person = account_of(session, person_id), session.get(Person, person_id)
        if account is None or person is None:
            raise AccessDenied("no_such_item")
        if account.status != AccountStatus.INVITED.value or has_passkey(session, account.id):
            raise AccessDenied("account_in_use")
        code = invitations.issue_code(session, account.id, actor_person_id, None, None, now)
        return invitations.invitation_result(code, person, now, locale)


def people_list(actor_person_id: int | None, locale: str = "nb") -> list[PersonRow]:
    """Everyone, by family name: three queries whatever their number."""
    with transaction() as session:
        require_unit_admin(session, actor_person_id, "people")
        people = session.exec(select(Person).order_by(col(Person.family_name), col(Person.given_name),
                                                      col(Person.id))).all()
        accounts = {a.person_id: a for a in session.exec(select(Account))}
        with_plan = set(session.exec(select(Plan.owner_person_id).where(Plan.status == PlanStatus.ACTIVE.value)))
        rows = []
        for person in people:
            account = accounts.get(person.id)
            rows.append(PersonRow(
                id=person.id, name=person.full_name, given_name=person.given_name, family_name=person.family_name,
                birth_date=format_date(person.birth_date, locale) if person.birth_date else "",
                birth_date_iso=person.birth_date.isoformat() if person.birth_date else "",
                email=person.email or "", phone=person.phone or "",
                national_id_linked=bool(account and account.national_id_hash),
                status=account.status if account else AccountStatus.DISABLED.value,
                is_unit_admin=bool(account and account.is_unit_admin), has_active_plan=person.id in with_plan))
        return rows


def account_of(session: Session, person_id: int | None) -> Account | None:
    return session.exec(select(Account).where(Account.person_id == person_id)).first()


def has_passkey(session: Session, account_id: int) -> bool:
    return session.exec(select(PasskeyCredential.id).where(PasskeyCredential.account_id == account_id)).first() \
        is not None
