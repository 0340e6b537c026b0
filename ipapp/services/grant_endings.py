"""Grants that are about to end: the owner is reminded two weeks ahead and, with one tap, renews
(a new grant for the next consent to cover) or lets it run out. Either way the ending is then
dealt with (`lapse_chosen_at`): no more reminders, and a second tap is refused."""

from dataclasses import dataclass
from datetime import timedelta

from sqlmodel import Session, col, select

from ipapp import policy
from ipapp.services import reminders
from ipapp.db import transaction
from ipapp.domain.vocabulary import Section
from ipapp.i18n import translate
from ipapp.i18n.dates import days_until, format_date, to_oslo
from ipapp.models import AccessGrant, AccessGrantSection, Person
from ipapp.services.grants import (
    GrantProblem,
    current_grant,
    end_of,
    last_day_for,
    may_give,
    sharing_context,
)
from ipapp.services.plan_access import PlanContext, grant_fact, grant_facts_of, require

REMIND_BEFORE = timedelta(days=14)
RENEW_MONTHS = "3m"


@dataclass
class EndingSoon:
    grant_id: int
    person_name: str
    sections: str
    last_day: str
    days_left: int


def ending_soon(actor_person_id: int | None, plan_id: object, locale: str) -> list[EndingSoon]:
    """Effective grants that end within 14 days, soonest first, unless the owner chose to let
    them lapse."""
    with transaction() as session:
        ctx = sharing_context(session, actor_person_id, plan_id, "ending_soon", reading=True)
        return _ending_soon(session, ctx, locale)


def ending_soon_in(session: Session, ctx: PlanContext, locale: str) -> list[EndingSoon]:
    """ending_soon inside the caller's transaction, with the plan already loaded."""
    require(session, ctx, policy.Action.MANAGE_SHARING, None, target="ending_soon", reading=True)
    return _ending_soon(session, ctx, locale)


def _ending_soon(session: Session, ctx: PlanContext, locale: str) -> list[EndingSoon]:
    grants = list(session.exec(
        select(AccessGrant).where(AccessGrant.plan_id == ctx.plan.id, AccessGrant.valid_until > ctx.now,
                                  AccessGrant.valid_until <= ctx.now + REMIND_BEFORE,
                                  col(AccessGrant.lapse_chosen_at).is_(None))
        .order_by(col(AccessGrant.valid_until))
    ))
    facts = grant_facts_of(session, grants)
    grantees = {g.grantee_person_id for g in grants}
    names = {p.id: p.full_name for p in session.exec(select(Person).where(col(Person.id).in_(grantees)))} \
        if grantees else {}
    soon = []
    for grant in grants:
        fact = facts[grant.id]
        if fact not in policy.effective_grants(ctx.facts, grant.grantee_person_id, ctx.now):
            continue
        last_day = to_oslo(grant.valid_until - timedelta(microseconds=1)).date()
        soon.append(EndingSoon(
            grant_id=grant.id,
            person_name=names.get(grant.grantee_person_id, ""),
            sections=", ".join(translate(f"section.{s.value}", locale) for s in Section if s in fact.sections),
            last_day=format_date(last_day, locale),
            days_left=days_until(last_day, ctx.now),
        ))
    return soon


def _ending_not_dealt_with(session, ctx, grant_id: object) -> AccessGrant:
    grant = current_grant(session, ctx, grant_id)
    if grant.lapse_chosen_at is not None:
        raise GrantProblem("ending_dealt_with")
    return grant


def renew_grant(actor_person_id: int | None, plan_id: object, grant_id: object) -> int:
    """One tap: the same person and sections for three more months, as a new grant that the next
    consent version covers. The old grant runs to its end, so nothing stops before the signature."""
    with transaction() as session:
        ctx = sharing_context(session, actor_person_id, plan_id, f"renew:{grant_id}")
        old = _ending_not_dealt_with(session, ctx, grant_id)
        sections = sorted(s.value for s in grant_fact(session, old).sections)
        may_give(session, ctx, sections, f"renew:{grant_id}")
        old.lapse_chosen_at = ctx.now  # its ending is dealt with: the renewal takes over
        session.add(old)
        renewed = AccessGrant(plan_id=ctx.plan.id, grantee_person_id=old.grantee_person_id,
                              granted_by_person_id=ctx.actor.person_id, valid_from=ctx.now,
                              valid_until=end_of(last_day_for(RENEW_MONTHS, None, ctx.now), ctx.now),
                              purpose=old.purpose)
        session.add(renewed)
        session.flush()
        session.add_all([AccessGrantSection(grant_id=renewed.id, section=s) for s in sections])
        reminders.grants_changed(session, ctx.plan, ctx.now)  # the old one's "ends soon" is withdrawn
        return renewed.id


def let_lapse(actor_person_id: int | None, plan_id: object, grant_id: object) -> None:
    """The owner has seen that it ends and is content: it runs to its last day, no more reminders."""
    with transaction() as session:
        ctx = sharing_context(session, actor_person_id, plan_id, f"let_lapse:{grant_id}")
        grant = _ending_not_dealt_with(session, ctx, grant_id)
        grant.lapse_chosen_at = ctx.now
        session.add(grant)
        reminders.grants_changed(session, ctx.plan, ctx.now)  # no more "ends soon" for it
