"""Account recovery that no one staff member can abuse.

A new sign-in code adds a passkey to an account. For someone who never signed in it is just her
invitation again. For an account in use, or for a plan's owner or a guardian at any time, whoever
holds the code could become that person, so (the design, README "Account recovery"):

- Linked to a national identity number: no code at all. She signs in with ID-porten (the national
  login proves it is her) and adds a passkey herself under Meg.
- Otherwise the code is made, but it works only once a unit admin who did not make it approves
  it (a second staff member, who checks with the person). A coordinator never recovers an owner or
  a guardian alone, and neither does a single unit admin.
- Every step is audited on her plans, so the owner's log says who made a recovery code for whom,
  who approved it and when it was used; the new key says so under Meg ("added with a recovery
  code made by ..."), and for 24 hours it cannot sign a consent (consent_signing).
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlmodel import Session, col, select

from ipapp import live
from ipapp.db import transaction
from ipapp.domain.vocabulary import AccountStatus
from ipapp.i18n.dates import format_when
from ipapp.models import Account, Guardianship, Invitation, PasskeyCredential, Person, PlanMember, utcnow
from ipapp.services import audit, invitations
from ipapp.services.invitations import NewInvitation
from ipapp.services.people_registry import account_of, has_passkey, plans_of
from ipapp.services.plan_access import AccessDenied, actor_for
from ipapp.services.plan_setup import require_unit_admin

RECOVERED_KEY_WAIT = timedelta(hours=24)


@dataclass(frozen=True)
class RecoveryResult:
    outcome: str  # "ready" (a first invitation again), "awaiting_approval" or "use_national_login"
    invitation: NewInvitation | None


@dataclass(frozen=True)
class PendingRecovery:
    id: int
    person_name: str
    made_by: str
    made: str  # "i dag kl. 10:14"
    own: bool  # made by the viewer: someone else must approve it


def _in_use(session: Session, account: Account) -> bool:
    return account.status == AccountStatus.ACTIVE.value or has_passkey(session, account.id)


def _speaks_for_owner(session: Session, plan, person_id: int) -> bool:
    """The owner, or anyone who has been her guardian: whoever holds their key signs her consents."""
    if person_id == plan.owner_person_id:
        return True
    return session.exec(select(Guardianship.id).where(Guardianship.owner_person_id == plan.owner_person_id,
                                                      Guardianship.guardian_person_id == person_id)).first() is not None


def audit_recovery(session: Session, actor_person_id: int | None, actor_role: str, person_id: int, reason: str,
                   allowed: bool = True) -> None:
    events = [dict(actor_person_id=actor_person_id, actor_role=actor_role, plan_id=plan_id, action="recovery",
                   section=None, allowed=allowed, reason=reason, target=f"person:{person_id}")
              for plan_id in [None, *sorted(plans_of(session, person_id))]]
    audit.record_many(session, events)


def request_code(actor_person_id: int | None, plan_id: object, person_id: object, locale: str) -> RecoveryResult:
    """A new code for someone on the plan (a lost phone), from whoever may invite to the plan."""
    if not isinstance(person_id, int) or isinstance(person_id, bool):
        raise AccessDenied("bad_person_id")
    now = utcnow()
    with transaction() as session:
        plan, decision = invitations.require_inviter(session, actor_person_id, plan_id, now)
        on_plan = person_id == plan.owner_person_id or session.exec(select(PlanMember.id).where(
            PlanMember.plan_id == plan.id, PlanMember.person_id == person_id)).first() is not None
        account, person = account_of(session, person_id), session.get(Person, person_id)
        if not on_plan or account is None or person is None:
            raise AccessDenied("not_on_plan")  # only people on this plan, never anyone else's
        role = str(decision.acting_as)
        in_use, speaks = _in_use(session, account), _speaks_for_owner(session, plan, person_id)
        if not in_use and not speaks:
            code = invitations.issue_code(session, account.id, actor_person_id, plan.id, None, now)
            return RecoveryResult("ready", invitations.invitation_result(code, person, now, locale))
        if account.national_id_hash:
            audit_recovery(session, actor_person_id, role, person_id, "use_national_login", allowed=False)
            return RecoveryResult("use_national_login", None)
        code = invitations.issue_code(session, account.id, actor_person_id, plan.id, None, now,
                                      kind="recovery", needs_approval=True)
        audit_recovery(session, actor_person_id, role, person_id, "issued")
        return RecoveryResult("awaiting_approval", invitations.invitation_result(code, person, now, locale))


def _waiting(session: Session, now: datetime):
    return select(Invitation).where(Invitation.kind == "recovery", col(Invitation.needs_approval),
                                    col(Invitation.approved_at).is_(None), col(Invitation.used_at).is_(None),
                                    col(Invitation.revoked_at).is_(None), Invitation.expires_at > now)


def pending(actor_person_id: int | None, locale: str = "nb") -> list[PendingRecovery]:
    """Recovery codes waiting for a unit admin's approval, oldest first (two queries)."""
    now = utcnow()
    with transaction() as session:
        if not actor_for(session, actor_person_id).is_unit_admin:
            return []
        rows = session.exec(_waiting(session, now).order_by(col(Invitation.created_at))).all()
        accounts = {a.id: a.person_id for a in session.exec(
            select(Account).where(col(Account.id).in_({r.account_id for r in rows})))}
        names = {p.id: p.full_name for p in session.exec(select(Person).where(col(Person.id).in_(
            set(accounts.values()) | {r.created_by_person_id for r in rows})))}
        return [PendingRecovery(r.id, names.get(accounts.get(r.account_id), ""), names.get(r.created_by_person_id, ""),
                                format_when(r.created_at, now, locale), r.created_by_person_id == actor_person_id)
                for r in rows]


def decide(actor_person_id: int | None, invitation_id: int, approve: bool) -> None:
    """A unit admin approves (the code then works) or refuses (it never will) a recovery code that
    someone else made."""
    now = utcnow()
    with transaction() as session:
        require_unit_admin(session, actor_person_id, f"recovery:{invitation_id}")
        row = session.exec(_waiting(session, now).where(Invitation.id == invitation_id)).first()
        if row is None:
            raise AccessDenied("no_such_item")
        person_id = session.get(Account, row.account_id).person_id
        if row.created_by_person_id == actor_person_id:
            audit_recovery(session, actor_person_id, "unit_admin", person_id, "own_code", allowed=False)
            raise AccessDenied("own_code")
        if approve:
            row.approved_by_person_id, row.approved_at = actor_person_id, now
        else:
            row.revoked_at = now
        session.add(row)
        audit_recovery(session, actor_person_id, "unit_admin", person_id, "approved" if approve else "refused")


def after_redeem(session: Session, invitation: Invitation, passkey_id: int, person_id: int, now: datetime) -> None:
    """Within redeem's transaction: what the new key is and who may know (her log, her Meg)."""
    key = session.get(PasskeyCredential, passkey_id)
    key.added_via = "recovery" if invitation.kind == "recovery" else "invitation"
    key.added_by_person_id = invitation.created_by_person_id
    session.add(key)
    if invitation.kind == "recovery":  # one row in her log: the code was used, a key was added
        key.may_sign_from = now + RECOVERED_KEY_WAIT
        audit_recovery(session, person_id, "none", person_id, "used")
        live.after_commit(session, live.person_topic(person_id), {"kind": "security"})  # her open pages say so
        return
    events = [dict(actor_person_id=person_id, actor_role="none", plan_id=plan_id, action="passkey", section=None,
                   allowed=True, reason=key.added_via, target=f"person:{person_id}")
              for plan_id in sorted(plans_of(session, person_id))]
    audit.record_many(session, events)
