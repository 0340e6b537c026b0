"""Giving and taking back access: the owner (or an acting guardian) grants a person some sections
until a date. A grant is only effective once a consent covering it is signed (ipapp.policy);
revoking takes effect at once. Bad input changes nothing and names what was wrong."""

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlmodel import Session, col, select, update

from ipapp import policy
from ipapp.db import transaction
from ipapp.domain.vocabulary import Section
from ipapp.i18n import translate
from ipapp.i18n.dates import oslo_datetime, oslo_today
from ipapp.models import AccessGrant, AccessGrantSection, Person, PlanMember, utcnow
from ipapp.services.plan_access import AccessDenied, PlanContext, grant_fact, load_context, require

LONGEST_GRANT = timedelta(days=5 * 366)  # a grant must end; five years is the outer limit


class GrantProblem(Exception):
    """Bad input: `.code` is a stable name for the message shown in the person's language."""

    def __init__(self, code: str):
        super().__init__(code)
        self.code = code


@dataclass
class Grantee:
    person_id: int
    name: str
    relation: str


def _grantees(session: Session, ctx: PlanContext, locale: str = "nb") -> list[Grantee]:
    """Who may receive a grant: the plan's members, and the coordinator (to share notes)."""
    people = []
    for member in session.exec(
        select(PlanMember).where(PlanMember.plan_id == ctx.plan.id).order_by(col(PlanMember.id))
    ):
        person = session.get(Person, member.person_id)
        people.append(Grantee(member.person_id, person.full_name, member.relation))
    coordinator = ctx.facts.coordinator_person_id
    if coordinator is not None and all(p.person_id != coordinator for p in people):
        people.append(Grantee(coordinator, session.get(Person, coordinator).full_name,
                              translate("role.coordinator", locale).lower()))
    return people


def grantees(actor_person_id: int | None, plan_id: object, locale: str = "nb") -> list[Grantee]:
    with transaction() as session:
        ctx = load_context(session, actor_person_id, plan_id, utcnow())
        require(session, ctx, policy.Action.MANAGE_SHARING, None, target="grantees", reading=True)
        return _grantees(session, ctx, locale)


def _end_of(last_day: object, now: datetime) -> datetime:
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


def create_grant(actor_person_id: int | None, plan_id: object, grantee_person_id: object,
                 sections: object, last_day: object, purpose: object = "") -> int:
    """A new grant, awaiting a signed consent. Returns its id."""
    now = utcnow()
    if not isinstance(sections, list | tuple) or not all(isinstance(s, str) for s in sections):
        raise GrantProblem("no_sections")
    wanted = sorted(set(sections))
    if not wanted:
        raise GrantProblem("no_sections")
    if any(s not in {x.value for x in Section} for s in wanted):
        raise GrantProblem("unknown_section")
    if not isinstance(purpose, str) or len(purpose) > 500:
        raise GrantProblem("bad_purpose")
    valid_until = _end_of(last_day, now)
    with transaction() as session:
        ctx = load_context(session, actor_person_id, plan_id, now)
        require(session, ctx, policy.Action.MANAGE_SHARING, None, target="grant", reading=False)
        decision = policy.may_grant(ctx.actor, ctx.facts, wanted, now)
        if not decision.allowed:
            raise AccessDenied(decision.reason)  # e.g. a guardian trying to share notes
        if grantee_person_id not in {g.person_id for g in _grantees(session, ctx)}:
            raise GrantProblem("unknown_person")
        if _same_grant_exists(session, ctx, grantee_person_id, wanted, now):
            raise GrantProblem("duplicate")
        grant = AccessGrant(plan_id=ctx.plan.id, grantee_person_id=grantee_person_id,
                            granted_by_person_id=actor_person_id, valid_from=now,
                            valid_until=valid_until, purpose=purpose.strip())
        session.add(grant)
        session.flush()
        session.add_all([AccessGrantSection(grant_id=grant.id, section=s) for s in wanted])
        return grant.id


def _same_grant_exists(session: Session, ctx: PlanContext, grantee: int, wanted: list[str],
                       now: datetime) -> bool:
    for grant in session.exec(
        select(AccessGrant).where(AccessGrant.plan_id == ctx.plan.id,
                                  AccessGrant.grantee_person_id == grantee,
                                  col(AccessGrant.revoked_at).is_(None),
                                  AccessGrant.valid_until > now)
    ):
        if sorted(grant_fact(session, grant).sections) == wanted:
            return True
    return False


def revoke_grant(actor_person_id: int | None, plan_id: object, grant_id: object) -> None:
    """Revoke at once. Someone else's plan's grant, or an unknown id, is denied like any other."""
    now = utcnow()
    with transaction() as session:
        ctx = load_context(session, actor_person_id, plan_id, now)
        require(session, ctx, policy.Action.MANAGE_SHARING, None, target=f"revoke:{grant_id}",
                reading=False)
        if not isinstance(grant_id, int) or isinstance(grant_id, bool):
            raise GrantProblem("unknown_grant")
        revoked = session.exec(
            update(AccessGrant)
            .where(AccessGrant.id == grant_id, AccessGrant.plan_id == ctx.plan.id,
                   col(AccessGrant.revoked_at).is_(None))
            .values(revoked_at=now, revoked_by_person_id=actor_person_id)
        )
        if revoked.rowcount != 1:
            raise GrantProblem("unknown_grant")


DURATIONS = {"1m": 1, "3m": 3, "6m": 6, "12m": 12}


def last_day_for(choice: object, picked_date: object, now: datetime) -> object:
    """The last day from the form: a duration in months from today, or a picked date (as given,
    checked by create_grant). Anything else yields None, which create_grant refuses."""
    if choice in DURATIONS:
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
    """Effective grants that end within 14 days, soonest first: the owner is reminded of them."""
    from ipapp.i18n.dates import days_until, format_date, to_oslo

    now = utcnow()
    with transaction() as session:
        ctx = load_context(session, actor_person_id, plan_id, now)
        require(session, ctx, policy.Action.MANAGE_SHARING, None, target="ending_soon", reading=True)
        soon = []
        for grant in session.exec(
            select(AccessGrant).where(AccessGrant.plan_id == ctx.plan.id, AccessGrant.valid_until > now,
                                      AccessGrant.valid_until <= now + REMIND_BEFORE)
            .order_by(col(AccessGrant.valid_until))
        ):
            fact = grant_fact(session, grant)
            if fact not in policy.effective_grants(ctx.facts, grant.grantee_person_id, now):
                continue
            last_day = to_oslo(grant.valid_until - timedelta(microseconds=1)).date()
            soon.append(EndingSoon(
                grant_id=grant.id,
                person_name=session.get(Person, grant.grantee_person_id).full_name,
                sections=", ".join(translate(f"section.{s.value}", locale) for s in Section if s in fact.sections),
                last_day=format_date(last_day, locale),
                days_left=days_until(last_day, now),
            ))
        return soon


def renew_grant(actor_person_id: int | None, plan_id: object, grant_id: object) -> int:
    """One tap: the same person and sections for three more months, as a new grant that the next
    consent version covers. The old grant runs to its end, so nothing stops before the signature."""
    now = utcnow()
    with transaction() as session:
        ctx = load_context(session, actor_person_id, plan_id, now)
        require(session, ctx, policy.Action.MANAGE_SHARING, None, target=f"renew:{grant_id}", reading=False)
        if not isinstance(grant_id, int) or isinstance(grant_id, bool):
            raise GrantProblem("unknown_grant")
        old = session.get(AccessGrant, grant_id)
        if old is None or old.plan_id != ctx.plan.id or old.revoked_at is not None or old.valid_until <= now:
            raise GrantProblem("unknown_grant")
        sections = sorted(s.value for s in grant_fact(session, old).sections)
        decision = policy.may_grant(ctx.actor, ctx.facts, sections, now)
        if not decision.allowed:
            raise AccessDenied(decision.reason)
        last_day = last_day_for(RENEW_MONTHS, None, now)
        renewed = AccessGrant(plan_id=ctx.plan.id, grantee_person_id=old.grantee_person_id,
                              granted_by_person_id=actor_person_id, valid_from=now,
                              valid_until=_end_of(last_day, now), purpose=old.purpose)
        session.add(renewed)
        session.flush()
        session.add_all([AccessGrantSection(grant_id=renewed.id, section=s) for s in sections])
        return renewed.id


def grantable_sections(actor_person_id: int | None, plan_id: object, locale: str) -> list[tuple[str, str]]:
    """(key, label) of the sections this person may give others: never more than they may give
    (a guardian is never offered the owner's notes)."""
    now = utcnow()
    with transaction() as session:
        ctx = load_context(session, actor_person_id, plan_id, now)
        require(session, ctx, policy.Action.MANAGE_SHARING, None, target="grantable", reading=True)
        return [
            (s.value, translate(f"section.{s.value}", locale))
            for s in Section
            if policy.may_grant(ctx.actor, ctx.facts, [s], now).allowed
        ]
