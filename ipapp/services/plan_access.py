"""The facts the policy needs, read from the tables, and the one way services ask it.

Every decision made here is also written to the audit log when it concerns someone else's plan.
"""

import contextlib
import contextvars
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from functools import cached_property

from sqlalchemy import bindparam
from sqlmodel import Session, col, select

from ipapp import policy
from ipapp.db import CommitThenRaise
from ipapp.domain.vocabulary import PlanStatus, Section
from ipapp.models import (
    AccessGrant,
    AccessGrantSection,
    Account,
    Consent,
    ConsentGrant,
    CoordinatorSubstitute,
    Guardianship,
    Person,
    Plan,
    PlanCoordinator,
    PlanMember,
)
from ipapp.services import audit, read_cache


# Set while the app re-reads an open page on its own (a grant ended, someone else changed the plan):
# a refusal then is the app finding out, not the person trying, so it is not written to her log.
_app_recheck: contextvars.ContextVar[bool] = contextvars.ContextVar("ipapp_app_recheck", default=False)


@contextlib.contextmanager
def app_recheck(active: bool = True) -> Iterator[None]:
    """Reads inside are the app's own re-check of an open page when `active`."""
    token = _app_recheck.set(active)
    try:
        yield
    finally:
        _app_recheck.reset(token)


def audits_refusal() -> bool:
    """Whether a refusal now is a person's attempt, to be logged (not the app re-checking)."""
    return not _app_recheck.get()


class AccessDenied(CommitThenRaise):
    """The actor may not do this. Carries the policy's reason code, never shown to the person.

    Raising it inside db.transaction() keeps the audit event of the denial.
    """

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


def current_coordinator_id(session: Session, plan_id: int) -> int | None:
    row = session.exec(
        select(PlanCoordinator).where(
            PlanCoordinator.plan_id == plan_id, col(PlanCoordinator.assigned_until).is_(None)
        )
    ).first()
    return row.coordinator_person_id if row else None


def grant_sections(session: Session, grant_id: int) -> list[str]:
    return list(
        session.exec(
            select(AccessGrantSection.section).where(AccessGrantSection.grant_id == grant_id)
        ).all()
    )


def grant_fact(session: Session, grant: AccessGrant) -> policy.GrantFacts:
    return grant_facts_of(session, [grant])[grant.id]


def grant_facts_of(session: Session, grants: list[AccessGrant]) -> dict[int, policy.GrantFacts]:
    """The policy's facts of these grants in two queries, however many there are."""
    ids = [g.id for g in grants]
    if not ids:
        return {}
    sections: dict[int, set[str]] = {}
    for grant_id, section in session.exec(
        select(AccessGrantSection.grant_id, AccessGrantSection.section).where(col(AccessGrantSection.grant_id).in_(ids))
    ):
        sections.setdefault(grant_id, set()).add(section)
    signed: dict[int, list[bool]] = {}  # per grant: for each signed consent, is it withdrawn?
    for grant_id, withdrawn_at in session.exec(
        select(ConsentGrant.grant_id, Consent.withdrawn_at)
        .join(Consent, col(ConsentGrant.consent_id) == col(Consent.id))
        .where(col(ConsentGrant.grant_id).in_(ids), col(Consent.signed_at).is_not(None))
    ):
        signed.setdefault(grant_id, []).append(withdrawn_at is not None)
    # Effective only through a signed consent that is not withdrawn.
    return {
        grant.id: policy.GrantFacts(
            grantee_person_id=grant.grantee_person_id,
            sections=frozenset(Section(s) for s in sections.get(grant.id, ())),
            valid_from=grant.valid_from,
            valid_until=grant.valid_until,
            consent_signed=bool(signed.get(grant.id)),
            consent_withdrawn=bool(signed.get(grant.id)) and all(signed[grant.id]),
            revoked=grant.revoked_at is not None,
        )
        for grant in grants
    }


def _grant_facts(session: Session, plan_id: int) -> tuple[policy.GrantFacts, ...]:
    grants = list(session.exec(select(AccessGrant).where(AccessGrant.plan_id == plan_id).order_by(col(AccessGrant.id))))
    facts = grant_facts_of(session, grants)
    return tuple(facts[g.id] for g in grants)


def plan_facts(session: Session, plan: Plan) -> policy.PlanFacts:
    owner = session.get(Person, plan.owner_person_id)
    guardianships = session.exec(
        select(Guardianship).where(Guardianship.owner_person_id == plan.owner_person_id)
    ).all()
    return policy.PlanFacts(
        plan_id=plan.id,
        owner_person_id=plan.owner_person_id,
        owner_birth_date=owner.birth_date if owner else None,
        coordinator_person_id=current_coordinator_id(session, plan.id),
        guardianships=tuple(
            policy.GuardianshipFacts(
                guardian_person_id=g.guardian_person_id,
                basis=g.basis,
                valid_from=g.valid_from,
                valid_until=g.valid_until,
            )
            for g in guardianships
        ),
        grants=_grant_facts(session, plan.id),
        closed=plan.status == PlanStatus.CLOSED.value,
        substitutes=tuple(
            policy.SubstituteFacts(s.person_id, s.valid_from, s.valid_until)
            for s in session.exec(select(CoordinatorSubstitute).where(CoordinatorSubstitute.plan_id == plan.id))
        ),
    )


def plan_facts_of(session: Session, plans: list[Plan]) -> dict[int, policy.PlanFacts]:
    """plan_facts for several plans in a fixed number of queries however many (the same facts, in
    the same order: tests/test_offline_summary.py and test_calendar_feed.py compare the two)."""
    if not plans:
        return {}
    ids = [p.id for p in plans]
    owner_ids = {p.owner_person_id for p in plans}
    births = dict(session.exec(select(Person.id, Person.birth_date).where(col(Person.id).in_(owner_ids))).all())
    guardianships: dict[int, list[policy.GuardianshipFacts]] = {}
    for g in session.exec(select(Guardianship).where(col(Guardianship.owner_person_id).in_(owner_ids))
                          .order_by(col(Guardianship.id))):
        guardianships.setdefault(g.owner_person_id, []).append(
            policy.GuardianshipFacts(g.guardian_person_id, g.basis, g.valid_from, g.valid_until))
    coordinators: dict[int, int] = {}
    for plan_id, person_id in session.exec(
            select(PlanCoordinator.plan_id, PlanCoordinator.coordinator_person_id)
            .where(col(PlanCoordinator.plan_id).in_(ids), col(PlanCoordinator.assigned_until).is_(None))
            .order_by(col(PlanCoordinator.id))):
        coordinators.setdefault(plan_id, person_id)
    grants = list(session.exec(select(AccessGrant).where(col(AccessGrant.plan_id).in_(ids))
                               .order_by(col(AccessGrant.id))))
    grant_facts = grant_facts_of(session, grants)
    substitutes: dict[int, list[policy.SubstituteFacts]] = {}
    for s in session.exec(select(CoordinatorSubstitute).where(col(CoordinatorSubstitute.plan_id).in_(ids))
                          .order_by(col(CoordinatorSubstitute.id))):
        substitutes.setdefault(s.plan_id, []).append(policy.SubstituteFacts(s.person_id, s.valid_from, s.valid_until))
    return {
        plan.id: policy.PlanFacts(
            plan_id=plan.id,
            owner_person_id=plan.owner_person_id,
            owner_birth_date=births.get(plan.owner_person_id),
            coordinator_person_id=coordinators.get(plan.id),
            guardianships=tuple(guardianships.get(plan.owner_person_id, ())),
            grants=tuple(grant_facts[g.id] for g in grants if g.plan_id == plan.id),
            closed=plan.status == PlanStatus.CLOSED.value,
            substitutes=tuple(substitutes.get(plan.id, ())),
        )
        for plan in plans
    }


def actor_for(session: Session, person_id: int | None) -> policy.Actor:
    if person_id is None:
        return policy.Actor(person_id=None)
    account = session.exec(select(Account).where(Account.person_id == person_id)).first()
    return policy.Actor(person_id=person_id, is_unit_admin=bool(account and account.is_unit_admin))


@dataclass(frozen=True)
class PlanContext:
    """What a service knows after loading a plan for an actor."""

    plan: Plan
    facts: policy.PlanFacts
    actor: policy.Actor
    now: datetime

    def decide(self, action: policy.Action, section: Section | None) -> policy.Decision:
        return policy.decide(self.actor, self.facts, action, section, self.now)

    @cached_property  # a page asks several times per event; facts, actor and now never change
    def readable(self) -> frozenset[Section]:
        return policy.readable_sections(self.actor, self.facts, self.now)

    @property
    def is_owner(self) -> bool:
        return self.actor.person_id == self.plan.owner_person_id


# Every page event starts here: the plan and the reader's unit-admin mark in one query, built
# once (its SQL and cache key are not made again on each event).
_PLAN_AND_UNIT_ADMIN = (select(Plan, Account.is_unit_admin)
                        .outerjoin(Account, Account.person_id == bindparam("person"))
                        .where(Plan.id == bindparam("plan")))


# A page's read needs only the plan row's number (and the mark) while this worker holds the row
# at that number: plain SQL, no ORM object made per event.
_PLAN_TABLE, _ACCOUNT_TABLE = Plan.__table__, Account.__table__
_SEQ_AND_UNIT_ADMIN = (select(_PLAN_TABLE.c.change_seq, _ACCOUNT_TABLE.c.is_unit_admin)
                       .select_from(_PLAN_TABLE.outerjoin(_ACCOUNT_TABLE,
                                                          _ACCOUNT_TABLE.c.person_id == bindparam("person")))
                       .where(_PLAN_TABLE.c.id == bindparam("plan")))


def load_context(session: Session, person_id: int | None, plan_id: object, now: datetime,
                 reading: bool = False) -> PlanContext:
    """The plan and the actor's standing on it. An unknown or malformed plan id is simply denied.
    `reading`: the caller only reads the plan row (a page's read), so it may be this worker's
    copy at the row's current number (read_cache.plan_at), not attached to this session."""
    if not isinstance(plan_id, int) or isinstance(plan_id, bool):
        raise AccessDenied("bad_plan_id")
    if reading and person_id is not None:
        found = session.connection().execute(_SEQ_AND_UNIT_ADMIN, {"plan": plan_id, "person": person_id}).first()
        if found is None:
            raise AccessDenied("no_such_plan")
        plan = read_cache.plan_at(session, plan_id, found.change_seq, lambda: session.get(Plan, plan_id))
        is_unit_admin = found.is_unit_admin
    elif person_id is None:
        plan, is_unit_admin = session.get(Plan, plan_id), False
    else:
        found = session.exec(_PLAN_AND_UNIT_ADMIN, params={"plan": plan_id, "person": person_id}).first()
        plan, is_unit_admin = found if found is not None else (None, False)
    if plan is None:
        raise AccessDenied("no_such_plan")
    actor = policy.Actor(person_id=person_id, is_unit_admin=bool(is_unit_admin))
    return PlanContext(plan, read_cache.facts_of(session, plan, lambda: plan_facts(session, plan)), actor, now)


def require(
    session: Session,
    context: PlanContext,
    action: policy.Action,
    section: Section | None,
    target: str = "",
    reading: bool | None = None,
) -> policy.Decision:
    """Ask the policy; audit every decision except the owner reading their own plan; raise if denied.

    `reading` marks a look rather than a change (defaults to action == READ); e.g. the owner
    viewing their own sharing list is a look that needs MANAGE_SHARING.
    """
    decision = context.decide(action, section)
    read_cache.record_require(action, section, target, reading)
    is_read = action == policy.Action.READ if reading is None else reading
    if not (context.is_owner and is_read and decision.allowed) and (decision.allowed or audits_refusal()):
        audit.record(
            session,
            actor_person_id=context.actor.person_id,
            actor_role=str(decision.acting_as),
            plan_id=context.plan.id,
            action=str(action),
            section=str(section) if section else None,
            allowed=decision.allowed,
            reason=decision.reason,
            target=target,
        )
    if not decision.allowed:
        raise AccessDenied(decision.reason)
    return decision


def plans_for_person(session: Session, person_id: int) -> list[int]:
    """The plans a person is connected to, their own first (for choosing what to open)."""
    own = session.exec(select(Plan.id).where(Plan.owner_person_id == person_id)).all()
    guarded_owners = session.exec(
        select(Guardianship.owner_person_id).where(Guardianship.guardian_person_id == person_id)
    ).all()
    guarded = session.exec(select(Plan.id).where(col(Plan.owner_person_id).in_(guarded_owners))).all()
    coordinated = session.exec(
        select(PlanCoordinator.plan_id).where(
            PlanCoordinator.coordinator_person_id == person_id,
            col(PlanCoordinator.assigned_until).is_(None),
        )
    ).all()
    member = session.exec(select(PlanMember.plan_id).where(PlanMember.person_id == person_id)).all()
    granted = session.exec(
        select(AccessGrant.plan_id).where(AccessGrant.grantee_person_id == person_id)
    ).all()
    standing_in = session.exec(
        select(CoordinatorSubstitute.plan_id).where(CoordinatorSubstitute.person_id == person_id)
    ).all()
    ordered: list[int] = []
    for plan_id in [*own, *guarded, *coordinated, *standing_in, *member, *granted]:
        if plan_id not in ordered:
            ordered.append(plan_id)
    return ordered
