"""Invitations: the coordinator or a unit admin creates an account and a one-time, expiring
code; the person opens it and registers a passkey. Only a hash of the code is stored."""

import hashlib
import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlmodel import Session, col, select, update

from ipapp import policy
from ipapp.auth import passkeys
from ipapp.config import settings
from ipapp.db import transaction
from ipapp.domain.vocabulary import AccountStatus, PlanRole
from ipapp.i18n import translate
from ipapp.i18n.dates import format_when
from ipapp.models import Account, Invitation, Person, Plan, PlanMember, utcnow
from ipapp.services import audit
from ipapp.services.plan_access import AccessDenied, actor_for, plan_facts

INVITATION_LIFETIME = timedelta(days=7)
EMAIL = re.compile(r"^[^@\s]{1,64}@[^@\s]{1,250}\.[^@\s]{2,}$")
PHONE = re.compile(r"^\+?[0-9 ]{8,16}$")


class InvitationProblem(Exception):
    """Bad input or an unusable code. `.field`/`.code` name what, for a message in the person's language."""

    def __init__(self, code: str, field: str = ""):
        super().__init__(code)
        self.code = code
        self.field = field


@dataclass
class NewInvitation:
    code: str
    link: str
    person_name: str
    expires: str


@dataclass
class InvitationView:
    given_name: str
    person_name: str
    adds_key: bool = False  # the account is in use: the code adds one more key to it (recovery)


def _hash(code: str) -> str:
    return hashlib.sha256(code.encode()).hexdigest()


def require_inviter(session: Session, actor_person_id: int | None, plan_id: object,
                    now: datetime) -> tuple[Plan, policy.Decision]:
    if not isinstance(plan_id, int) or isinstance(plan_id, bool):
        raise AccessDenied("bad_plan_id")
    plan = session.get(Plan, plan_id)
    if plan is None:
        raise AccessDenied("no_such_plan")
    decision = policy.may_invite(actor_for(session, actor_person_id), plan_facts(session, plan), now)
    audit.record(
        session, actor_person_id=actor_person_id, actor_role=str(decision.acting_as), plan_id=plan.id,
        action="invite", section=None, allowed=decision.allowed, reason=decision.reason,
    )
    if not decision.allowed:
        raise AccessDenied(decision.reason)
    return plan, decision


def _clean(value: object, field: str, *, required: bool, limit: int, pattern: re.Pattern | None = None) -> str:
    text = value.strip() if isinstance(value, str) else None
    if text is None or (required and not text) or len(text) > limit:
        raise InvitationProblem("missing" if not text else "too_long", field)
    if text and pattern is not None and not pattern.match(text):
        raise InvitationProblem("invalid", field)
    return text


def issue_code(session: Session, account_id: int, actor_person_id: int | None, plan_id: int | None,
               role: str | None, now: datetime, *, kind: str = "first", needs_approval: bool = False) -> str:
    # A new code makes earlier unused ones useless: one live invitation per account.
    session.exec(
        update(Invitation)
        .where(Invitation.account_id == account_id, col(Invitation.used_at).is_(None),
               col(Invitation.revoked_at).is_(None))
        .values(revoked_at=now)
    )
    code = secrets.token_urlsafe(16)  # 128 bits: not guessable, short enough to read out
    session.add(Invitation(account_id=account_id, code_hash=_hash(code), created_by_person_id=actor_person_id,
                           plan_id=plan_id, plan_role=role, created_at=now,
                           expires_at=now + INVITATION_LIFETIME, kind=kind, needs_approval=needs_approval))
    return code


def pending_from(session: Session, person_id: int | None, now: datetime) -> int:
    """How many invitations this person made that are still waiting to be used."""
    return len(session.exec(
        select(Invitation.id).where(Invitation.created_by_person_id == person_id,
                                    col(Invitation.used_at).is_(None), col(Invitation.revoked_at).is_(None),
                                    Invitation.expires_at > now)
    ).all())


def made_since(session: Session, person_id: int | None, since: datetime) -> int:
    """How many invitations this person made since then, used or not."""
    return len(session.exec(
        select(Invitation.id).where(Invitation.created_by_person_id == person_id,
                                    Invitation.created_at >= since)
    ).all())


def invitation_result(code: str, person: Person, now: datetime, locale: str) -> NewInvitation:
    return NewInvitation(
        code=code,
        link=f"{settings().public_origin}/invitasjon/{code}",
        person_name=person.full_name,
        expires=format_when(now + INVITATION_LIFETIME, now, locale),
    )


@dataclass
class NewPerson:
    """Who is to be invited, checked: names, and an e-mail address and/or a phone number."""

    given_name: str
    family_name: str
    email: str
    phone: str
    relation: str


def check_new_person(form: object) -> NewPerson:
    if not isinstance(form, dict):
        raise InvitationProblem("invalid", "form")
    person = NewPerson(
        given_name=_clean(form.get("given_name"), "given_name", required=True, limit=200),
        family_name=_clean(form.get("family_name"), "family_name", required=True, limit=200),
        email=_clean(form.get("email", ""), "email", required=False, limit=320, pattern=EMAIL),
        phone=_clean(form.get("phone", ""), "phone", required=False, limit=40, pattern=PHONE),
        relation=_clean(form.get("relation", ""), "relation", required=False, limit=100),
    )
    if not person.email and not person.phone:
        raise InvitationProblem("missing", "email")
    return person


def invite_in(session: Session, plan: Plan, actor_person_id: int, new: NewPerson, role: str,
              now: datetime, locale: str) -> tuple[Person, NewInvitation]:
    """Within the caller's transaction, after the caller asked the policy: a person with an
    invited account, connected to the plan in `role`, and their one-time code."""
    person = Person(given_name=new.given_name, family_name=new.family_name,
                    email=new.email or None, phone=new.phone or None)
    session.add(person)
    session.flush()
    account = Account(person_id=person.id, status=AccountStatus.INVITED.value)
    session.add(account)
    session.add(PlanMember(plan_id=plan.id, person_id=person.id, role=role, relation=new.relation))
    session.flush()
    code = issue_code(session, account.id, actor_person_id, plan.id, role, now)
    return person, invitation_result(code, person, now, locale)


def create_invitation(actor_person_id: int | None, plan_id: object, form: object, locale: str) -> NewInvitation:
    """A new person with an invited account, connected to the plan in a role; returns the code."""
    new = check_new_person(form)
    role = form.get("role")
    if role not in {r.value for r in PlanRole}:
        raise InvitationProblem("invalid", "role")
    now = utcnow()
    with transaction() as session:
        plan, _ = require_inviter(session, actor_person_id, plan_id, now)
        return invite_in(session, plan, actor_person_id, new, role, now, locale)[1]


def reinvite(actor_person_id: int | None, plan_id: object, person_id: object, locale: str):
    """A new code for someone already on the plan (a lost phone): see ipapp.services.recovery,
    which decides whether it works at once, after a second staff member's approval, or not at all."""
    from ipapp.services import recovery

    return recovery.request_code(actor_person_id, plan_id, person_id, locale)


def _usable(session: Session, code: object, now: datetime) -> Invitation:
    if not isinstance(code, str) or not 10 <= len(code) <= 64:
        raise InvitationProblem("unknown")
    invitation = session.exec(select(Invitation).where(Invitation.code_hash == _hash(code))).first()
    if invitation is None:
        raise InvitationProblem("unknown")
    if invitation.revoked_at is not None:
        raise InvitationProblem("revoked")
    if invitation.used_at is not None:
        raise InvitationProblem("used")
    if invitation.expires_at <= now:
        raise InvitationProblem("expired")
    if invitation.needs_approval and invitation.approved_at is None:
        raise InvitationProblem("awaiting_approval")  # a recovery code a second staff member must approve
    return invitation


def open_invitation(code: object) -> InvitationView:
    with transaction() as session:
        invitation = _usable(session, code, utcnow())
        account = session.get(Account, invitation.account_id)
        person = session.get(Person, account.person_id)
        in_use = invitation.kind == "recovery" or account.status == AccountStatus.ACTIVE.value
        return InvitationView(given_name=person.given_name, person_name=person.full_name, adds_key=in_use)


def registration_options(code: object) -> str:
    with transaction() as session:
        account_id = _usable(session, code, utcnow()).account_id
    return passkeys.registration_options(account_id)


def redeem(code: object, credential: object, label: object) -> tuple[int, int]:
    """Register the passkey and use up the code, once; returns (account_id, passkey id)."""
    from ipapp.services import recovery

    with transaction() as session:
        invitation = _usable(session, code, utcnow())
        account_id, invitation_id = invitation.account_id, invitation.id
    passkey_id = passkeys.finish_registration(account_id, credential, label if isinstance(label, str) else "")
    with transaction() as session:
        used = session.exec(
            update(Invitation)
            .where(Invitation.id == invitation_id, col(Invitation.used_at).is_(None),
                   col(Invitation.revoked_at).is_(None))
            .values(used_at=utcnow())
        )
        if used.rowcount != 1:  # a second tab won the race: this passkey must not stay
            session.rollback()
            passkeys.remove_passkey(account_id, passkey_id)
            raise InvitationProblem("used")
        account = session.get(Account, account_id)
        if account.status == AccountStatus.INVITED.value:
            account.status = AccountStatus.ACTIVE.value
            session.add(account)
        recovery.after_redeem(session, session.get(Invitation, invitation_id), passkey_id, account.person_id, utcnow())
    return account_id, passkey_id


@dataclass
class PlanPerson:
    person_id: int
    name: str
    role_label: str


def can_invite(actor_person_id: int | None, plan_id: object) -> bool:
    """For showing the invitation screen at all; every action asks the policy again."""
    if not isinstance(plan_id, int) or isinstance(plan_id, bool):
        return False
    with transaction() as session:
        plan = session.get(Plan, plan_id)
        if plan is None:
            return False
        facts = plan_facts(session, plan)
        return policy.may_invite(actor_for(session, actor_person_id), facts, utcnow()).allowed


def people_on_plan(actor_person_id: int | None, plan_id: object, locale: str) -> list[PlanPerson]:
    """The owner and the members, for re-inviting; only for those who may invite."""
    now = utcnow()
    with transaction() as session:
        plan, _ = require_inviter(session, actor_person_id, plan_id, now)
        rows = [(plan.owner_person_id, "owner")] + [
            (m.person_id, m.role)
            for m in session.exec(select(PlanMember).where(PlanMember.plan_id == plan.id)).all()
        ]
        return [
            PlanPerson(person_id=pid, name=session.get(Person, pid).full_name,
                       role_label=translate(f"role.{role}", locale))
            for pid, role in rows
        ]


@dataclass
class PlanChoice:
    plan_id: int
    owner_name: str


def plans_to_invite_to(actor_person_id: int | None) -> list[PlanChoice]:
    """The plans this person may invite to: for a unit admin every active plan (named by its
    owner, which is not plan content), for a coordinator the plans they coordinate."""
    now = utcnow()
    with transaction() as session:
        actor = actor_for(session, actor_person_id)
        choices = []
        for plan in session.exec(select(Plan).order_by(col(Plan.id))):
            if policy.may_invite(actor, plan_facts(session, plan), now).allowed:
                choices.append(PlanChoice(plan.id, session.get(Person, plan.owner_person_id).full_name))
        return choices
