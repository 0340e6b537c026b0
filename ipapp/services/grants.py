"""Giving and taking back access: the owner (or an acting guardian) grants a person some sections
until a date. A grant is only effective once a consent covering it is signed (ipapp.policy);
revoking takes effect at once. Bad input changes nothing and names what was wrong."""

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import NoReturn

from sqlmodel import Session, col, select, update

from ipapp import policy
from ipapp import live
from ipapp.live.changes import CHANGED
from ipapp.db import transaction
from ipapp.domain.ids import parse_id
from ipapp.domain.vocabulary import ContactRole, PlanRole, Section
from ipapp.i18n import translate
from ipapp.i18n.dates import oslo_datetime, oslo_today
from ipapp.models import (
    AccessGrant,
    AccessGrantSection,
    Contact,
    Person,
    PlanMember,
    utcnow,
)
from ipapp.services import audit, invitations, reminders
from ipapp.services.invitations import NewInvitation
from ipapp.services.plan_access import (
    AccessDenied,
    PlanContext,
    grant_fact,
    load_context,
    require,
)

LONGEST_GRANT = timedelta(days=5 * 366)  # a grant must end; five years is the outer limit
CONSENT_PAGE = "/samtykke"  # where the owner or an acting guardian reads and signs the consent


class GrantProblem(Exception):
    """Bad input: `.code` is a stable name for the message shown in the person's language;
    `.link` the page where she can do what the message asks of her ("" when there is none)."""

    def __init__(self, code: str, link: str = ""):
        super().__init__(code)
        self.code = code
        self.link = link


@dataclass
class Grantee:
    """Someone who can be given access. `key` is what the sharing form sends back: "person:<id>"
    for someone with an account, "contact:<id>" for a plan contact who will be invited."""

    key: str
    name: str
    relation: str
    needs_invitation: bool = False


NEW_PERSON = "new"
# An owner can make accounts (to share with someone new) and could redeem the codes herself, so
# both what is outstanding and what was made lately are capped.
PENDING_INVITATIONS_LIMIT = 10
INVITATIONS_PER_WINDOW, INVITATION_WINDOW = 20, timedelta(days=30)


def _people_with_accounts(session: Session, ctx: PlanContext, locale: str) -> dict[int, Grantee]:
    """The plan's members, and the coordinator (to share the owner's notes)."""
    people = {}
    for member in session.exec(
        select(PlanMember).where(PlanMember.plan_id == ctx.plan.id).order_by(col(PlanMember.id))
    ):
        person = session.get(Person, member.person_id)
        people[member.person_id] = Grantee(f"person:{member.person_id}", person.full_name, member.relation)
    coordinator = ctx.facts.coordinator_person_id
    if coordinator is not None and coordinator not in people:
        people[coordinator] = Grantee(f"person:{coordinator}", session.get(Person, coordinator).full_name,
                                      translate("role.coordinator", locale).lower())
    return people


def _as_new_person(contact: Contact) -> invitations.NewPerson | None:
    """What an invitation needs, from the contact's details: a first and last name, and a usable
    e-mail address or phone number. None when the details fall short (the coordinator can fix them)."""
    given, _, family = contact.name.strip().rpartition(" ")
    email = contact.email if contact.email and invitations.EMAIL.match(contact.email) else ""
    phone = contact.phone if contact.phone and invitations.PHONE.match(contact.phone) else ""
    if not given.strip() or not family or not (email or phone):
        return None
    return invitations.NewPerson(given_name=given.strip()[:200], family_name=family[:200], email=email,
                                 phone=phone, relation=contact.title[:100])  # a member's relation is shorter


def _contacts_to_invite(session: Session, ctx: PlanContext) -> dict[int, tuple[Contact, invitations.NewPerson]]:
    """The plan's contacts who have no account yet but can be invited, by contact id."""
    found = {}
    for contact in session.exec(
        select(Contact).where(Contact.plan_id == ctx.plan.id, col(Contact.person_id).is_(None))
        .order_by(col(Contact.position), col(Contact.id))
    ):
        if (new := _as_new_person(contact)) is not None:
            found[contact.id] = (contact, new)
    return found


def _grantees(session: Session, ctx: PlanContext, locale: str) -> list[Grantee]:
    people = list(_people_with_accounts(session, ctx, locale).values())
    contacts = [Grantee(f"contact:{c.id}", c.name, c.title, needs_invitation=True)
                for c, _ in _contacts_to_invite(session, ctx).values()]
    return people + contacts


def grantees(actor_person_id: int | None, plan_id: object, locale: str = "nb") -> list[Grantee]:
    with transaction() as session:
        ctx = sharing_context(session, actor_person_id, plan_id, "grantees", reading=True)
        return _grantees(session, ctx, locale)


def end_of(last_day: object, now: datetime) -> datetime:
    """The grant ends when the last day (Oslo) is over. Only real future dates are accepted."""
    if isinstance(last_day, str):
        try:
            last_day = date.fromisoformat(last_day)
        except ValueError:
            raise GrantProblem("bad_date") from None
    if not isinstance(last_day, date) or isinstance(last_day, datetime):
        raise GrantProblem("no_end_date")
    if last_day < oslo_today(now):
        raise GrantProblem("end_in_past")
    end = oslo_datetime(last_day + timedelta(days=1), 0)
    if end - now > LONGEST_GRANT:
        raise GrantProblem("too_long")
    return end


def _deny(session: Session, ctx: PlanContext, target: str, reason: str) -> NoReturn:
    """A refusal found after the sharing check passed (another plan's grant, the owner's notes
    asked for by a guardian): on the audit record like any other denial, then refused."""
    audit.record(session, actor_person_id=ctx.actor.person_id,
                 actor_role=str(ctx.decide(policy.Action.MANAGE_SHARING, None).acting_as),
                 plan_id=ctx.plan.id, action=str(policy.Action.MANAGE_SHARING), section=None,
                 allowed=False, reason=reason, target=target)
    raise AccessDenied(reason)


def may_give(session: Session, ctx: PlanContext, sections: list[str], target: str) -> None:
    decision = policy.may_grant(ctx.actor, ctx.facts, sections, ctx.now)
    if not decision.allowed:
        _deny(session, ctx, target, decision.reason)  # e.g. a guardian trying to share notes


def _checked_sections(session: Session, ctx: PlanContext, sections: object, target: str) -> list[str]:
    """The wanted sections, sorted; never more than this person may give (policy.may_grant)."""
    if not isinstance(sections, list | tuple) or not all(isinstance(s, str) for s in sections):
        raise GrantProblem("no_sections")
    wanted = sorted(set(sections))
    if not wanted:
        raise GrantProblem("no_sections")
    if any(s not in {x.value for x in Section} for s in wanted):
        raise GrantProblem("unknown_section")
    may_give(session, ctx, wanted, target)
    return wanted


def _checked_purpose(purpose: object) -> str:
    if not isinstance(purpose, str) or len(purpose) > 500:
        raise GrantProblem("bad_purpose")
    return purpose.strip()


def _add_grant(session: Session, ctx: PlanContext, grantee: int, sections: list[str], valid_until: datetime,
               purpose: str) -> int:
    same = _same_grant(session, ctx, grantee, sections, ctx.now)
    if same is not None:
        if same in policy.effective_grants(ctx.facts, grantee, ctx.now):
            raise GrantProblem("duplicate")  # she already has exactly this, in force
        # Saved before and not yet signed (or its consent withdrawn): what is missing is her signature.
        raise GrantProblem("duplicate_waiting", link=CONSENT_PAGE)
    grant = AccessGrant(plan_id=ctx.plan.id, grantee_person_id=grantee,
                        granted_by_person_id=ctx.actor.person_id, valid_from=ctx.now,
                        valid_until=valid_until, purpose=purpose)
    session.add(grant)
    session.flush()
    session.add_all([AccessGrantSection(grant_id=grant.id, section=s) for s in sections])
    return grant.id


def sharing_context(session: Session, actor_person_id: int | None, plan_id: object, target: str,
                     reading: bool = False) -> PlanContext:
    """Asked first, before any input is looked at: someone who may not manage sharing learns
    nothing from which input would have been refused."""
    ctx = load_context(session, actor_person_id, plan_id, utcnow())
    require(session, ctx, policy.Action.MANAGE_SHARING, None, target=target, reading=reading)
    return ctx


def create_grant(actor_person_id: int | None, plan_id: object, grantee_person_id: object,
                 sections: object, last_day: object, purpose: object = "") -> int:
    """A new grant to someone with an account, awaiting a signed consent. Returns its id."""
    with transaction() as session:
        ctx = sharing_context(session, actor_person_id, plan_id, "grant")
        wanted = _checked_sections(session, ctx, sections, "grant")
        valid_until, reason = end_of(last_day, ctx.now), _checked_purpose(purpose)
        if grantee_person_id not in _people_with_accounts(session, ctx, "nb"):
            raise GrantProblem("unknown_person")
        return _add_grant(session, ctx, grantee_person_id, wanted, valid_until, reason)


@dataclass
class Shared:
    grant_id: int
    invitation: NewInvitation | None  # when the person had no account: the code to send them


def share(actor_person_id: int | None, plan_id: object, who: object, sections: object, last_day: object,
          purpose: object = "", new_person: object = None, locale: str = "nb") -> Shared:
    """The sharing form: give someone on the plan, a contact without an account, or a new person
    (`who` is a Grantee key or "new") some sections until a day. A person without an account is
    invited in the same transaction, so a refused grant leaves no half-made account behind."""
    with transaction() as session:
        ctx = sharing_context(session, actor_person_id, plan_id, "grant")
        wanted = _checked_sections(session, ctx, sections, "grant")
        valid_until, reason = end_of(last_day, ctx.now), _checked_purpose(purpose)
        kind, _, raw_id = who.partition(":") if isinstance(who, str) else ("", "", "")
        ident = parse_id(raw_id)
        invitation = None
        if kind == "person" and ident in _people_with_accounts(session, ctx, locale):
            person_id = ident
        elif kind == "contact" and ident in (contacts := _contacts_to_invite(session, ctx)):
            person_id, invitation = _invite_contact(session, ctx, *contacts[ident], locale)
        elif kind == "contact" and ident is not None and _other_plans(session, Contact, ident, ctx):
            _deny(session, ctx, f"contact:{ident}", "other_plan")
        elif who == NEW_PERSON:
            try:
                new = invitations.check_new_person(new_person)
            except invitations.InvitationProblem as problem:
                raise GrantProblem(f"new_person.{problem.field}") from None
            person_id, invitation = _invite(session, ctx, new, PlanRole.DELEGATE, locale)
        else:
            raise GrantProblem("unknown_person")
        return Shared(_add_grant(session, ctx, person_id, wanted, valid_until, reason), invitation)


def _invite(session: Session, ctx: PlanContext, new: invitations.NewPerson, role: PlanRole,
            locale: str) -> tuple[int, NewInvitation]:
    decision = policy.may_invite_to_share(ctx.actor, ctx.facts, ctx.now)
    if not decision.allowed:
        _deny(session, ctx, "invite", decision.reason)
    if invitations.pending_from(session, ctx.actor.person_id, ctx.now) >= PENDING_INVITATIONS_LIMIT \
            or invitations.made_since(session, ctx.actor.person_id, ctx.now - INVITATION_WINDOW) >= INVITATIONS_PER_WINDOW:
        raise GrantProblem("too_many_invitations")
    person, invitation = invitations.invite_in(session, ctx.plan, ctx.actor.person_id, new, role.value,
                                               ctx.now, locale)
    # An account made from the sharing page is on the record like one made by the coordinator.
    decision = ctx.decide(policy.Action.MANAGE_SHARING, None)
    audit.record(session, actor_person_id=ctx.actor.person_id, actor_role=str(decision.acting_as),
                 plan_id=ctx.plan.id, action="invite", section=None, allowed=True, reason=decision.reason,
                 target=f"person:{person.id}")
    return person.id, invitation


def _invite_contact(session: Session, ctx: PlanContext, contact: Contact, new: invitations.NewPerson,
                    locale: str) -> tuple[int, NewInvitation]:
    """A contact gets an account from what the plan already knows about them, and is linked to it."""
    role = PlanRole.NEXT_OF_KIN if contact.role == ContactRole.NEXT_OF_KIN else PlanRole.PARTICIPANT
    person_id, invitation = _invite(session, ctx, new, role, locale)
    contact.person_id = person_id
    session.add(contact)
    return person_id, invitation


def _same_grant(session: Session, ctx: PlanContext, grantee: int, wanted: list[str],
                now: datetime) -> policy.GrantFacts | None:
    """The facts of a current grant to this person of exactly these sections, if there is one."""
    for grant in session.exec(
        select(AccessGrant).where(AccessGrant.plan_id == ctx.plan.id,
                                  AccessGrant.grantee_person_id == grantee,
                                  col(AccessGrant.revoked_at).is_(None),
                                  AccessGrant.valid_until > now)
    ):
        fact = grant_fact(session, grant)
        if sorted(fact.sections) == wanted:
            return fact
    return None


def current_grant(session: Session, ctx: PlanContext, grant_id: object) -> AccessGrant:
    """A grant of this plan that has not been revoked or run out; anything else is unknown."""
    if not isinstance(grant_id, int) or isinstance(grant_id, bool):
        raise GrantProblem("unknown_grant")
    grant = session.get(AccessGrant, grant_id)
    if grant is not None and grant.plan_id != ctx.plan.id:
        _deny(session, ctx, f"grant:{grant_id}", "other_plan")
    if grant is None or grant.revoked_at is not None or grant.valid_until <= ctx.now:
        raise GrantProblem("unknown_grant")
    return grant


def _other_plans(session: Session, model: type, ident: int, ctx: PlanContext) -> bool:
    row = session.get(model, ident)
    return row is not None and row.plan_id != ctx.plan.id


def revoke_grant(actor_person_id: int | None, plan_id: object, grant_id: object) -> None:
    """Revoke at once. Someone else's plan's grant, or an unknown id, is denied like any other."""
    with transaction() as session:
        ctx = sharing_context(session, actor_person_id, plan_id, f"revoke:{grant_id}")
        if not isinstance(grant_id, int) or isinstance(grant_id, bool):
            raise GrantProblem("unknown_grant")
        if _other_plans(session, AccessGrant, grant_id, ctx):
            _deny(session, ctx, f"grant:{grant_id}", "other_plan")
        revoked = session.exec(
            update(AccessGrant)
            .where(AccessGrant.id == grant_id, AccessGrant.plan_id == ctx.plan.id,
                   col(AccessGrant.revoked_at).is_(None))
            .values(revoked_at=ctx.now, revoked_by_person_id=ctx.actor.person_id)
        )
        if revoked.rowcount != 1:
            raise GrantProblem("unknown_grant")
        reminders.grants_changed(session, ctx.plan, ctx.now)  # its access-ending reminders are withdrawn
        live.after_commit(session, live.plan_topic(ctx.plan.id), CHANGED)


SAME_LAST_DAY = "same"  # a change of sections only: the grant keeps its last day


def change_grant(actor_person_id: int | None, plan_id: object, grant_id: object, sections: object,
                 last_day: object) -> int:
    """Other sections or another last day for the same person: the old grant stops now and the
    new one waits for the next signed consent. Access never runs ahead of a signature: until the
    owner signs, the person sees nothing of this grant. Returns the new grant's id."""
    with transaction() as session:
        ctx = sharing_context(session, actor_person_id, plan_id, f"change:{grant_id}")
        old = current_grant(session, ctx, grant_id)
        # Changing replaces the whole grant: whoever may not give all of it may not change it
        # (a guardian would otherwise silently drop the owner's notes from it).
        may_give(session, ctx, sorted(grant_fact(session, old).sections), f"change:{grant_id}")
        wanted = _checked_sections(session, ctx, sections, f"change:{grant_id}")
        valid_until = old.valid_until if last_day == SAME_LAST_DAY else end_of(last_day, ctx.now)
        if wanted == sorted(grant_fact(session, old).sections) and valid_until == old.valid_until:
            raise GrantProblem("unchanged")
        old.revoked_at, old.revoked_by_person_id = ctx.now, ctx.actor.person_id
        session.add(old)
        session.flush()  # the old grant no longer counts as "the same grant" below
        reminders.grants_changed(session, ctx.plan, ctx.now)  # the old one's ending reminders are withdrawn
        return _add_grant(session, ctx, old.grantee_person_id, wanted, valid_until, old.purpose)


DURATIONS = {"1m": 1, "3m": 3, "6m": 6, "12m": 12}


def last_day_for(choice: object, picked_date: object, now: datetime) -> object:
    """The last day from the form: a duration in months from today, or a picked date (as given,
    checked by create_grant). Anything else yields None, which create_grant refuses."""
    if isinstance(choice, str) and choice in DURATIONS:
        today = oslo_today(now)
        months = today.month - 1 + DURATIONS[choice]
        year, month = today.year + months // 12, months % 12 + 1
        for day in (today.day, 30, 29, 28):  # the same date, or the month's last day
            try:
                return date(year, month, day)
            except ValueError:
                continue
    if choice == "date":
        return picked_date if isinstance(picked_date, str) and picked_date else None
    return None


def grantable_sections(actor_person_id: int | None, plan_id: object, locale: str) -> list[tuple[str, str]]:
    """(key, label) of the sections this person may give others: never more than they may give
    (a guardian is never offered the owner's notes)."""
    with transaction() as session:
        ctx = sharing_context(session, actor_person_id, plan_id, "grantable", reading=True)
        return [
            (s.value, translate(f"section.{s.value}", locale))
            for s in Section
            if policy.may_grant(ctx.actor, ctx.facts, [s], ctx.now).allowed
        ]
