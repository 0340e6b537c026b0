"""Renewal: a consent signed by a guardian who no longer acts for the owner (the guardianship
ended, or a parent's once the owner turned 16) must be signed anew, by the owner or by a guardian
who does act. The door is ipapp.services.consents."""

from datetime import datetime

from sqlmodel import Session, col, select

from ipapp import policy
from ipapp.db import transaction
from ipapp.domain.vocabulary import SignedAs
from ipapp.models import Consent, Plan, utcnow
from ipapp.services.consent_core import _int_id
from ipapp.services.plan_access import PlanContext, load_context, plan_facts, require


def guardian_lapsed(consent: Consent, facts: policy.PlanFacts, now: datetime) -> bool:
    """Signed by a guardian who no longer acts for the owner (ended, or the owner turned 16)."""
    if consent.signed_as != SignedAs.GUARDIAN.value:
        return False
    mine = [g for g in facts.guardianships if g.guardian_person_id == consent.signer_person_id]
    return not any(policy.guardian_is_acting(g, facts, policy.oslo_date(now)) for g in mine)


def renewal_needed(actor_person_id: int | None, plan_id: object) -> bool:
    """For the owner's overview: must a consent signed by a former guardian be signed anew?"""
    with transaction() as session:
        ctx = load_context(session, actor_person_id, plan_id, utcnow())
        require(session, ctx, policy.Action.MANAGE_SHARING, None, target="renewal", reading=True)
    return bool(consents_needing_renewal(plan_id, utcnow()))


def consents_needing_renewal(plan_id: object, now: datetime) -> list[int]:
    """Ids of the plan's standing consents signed by a guardian who no longer acts for the owner
    (guardianship ended, or a parent's after the owner turned 16): the owner, or a guardian who
    does act, should sign anew. A consent already followed by a newer signed version is renewed.
    """
    if _int_id(plan_id) is None:
        return []
    with transaction() as session:
        plan = session.get(Plan, plan_id)
        if plan is None:
            return []
        return needing_renewal_in(session, plan.id, plan_facts(session, plan), now)


def renewal_needed_in(session: Session, ctx: PlanContext) -> bool:
    """renewal_needed inside the caller's transaction, with the plan already loaded."""
    require(session, ctx, policy.Action.MANAGE_SHARING, None, target="renewal", reading=True)
    return bool(needing_renewal_in(session, ctx.plan.id, ctx.facts, ctx.now))


def needing_renewal_in(session: Session, plan_id: int, facts: policy.PlanFacts, now: datetime) -> list[int]:
    consents = session.exec(
        select(Consent)
        .where(Consent.plan_id == plan_id, col(Consent.signed_at).is_not(None),
               col(Consent.withdrawn_at).is_(None))
        .order_by(col(Consent.version))
    ).all()
    newest_standing = max((c.version for c in consents), default=0)
    return [c.id for c in consents if c.version == newest_standing and guardian_lapsed(c, facts, now)]
