"""Access-ending reminders in the outbox: a week before an effective grant ends, those who manage
the plan's sharing (the owner, and guardians who act for her then) are told, so they can renew it
or let it run out. The door for callers is ipapp.services.reminders.

Only effective grants (a signed consent covers them; not revoked) whose ending nobody has dealt
with yet (lapse_chosen_at) get rows, unless she turned "access_ending" off. Due at 09:00 Oslo time
seven days before the day the access is gone, or at once when less is left. Signing, withdrawing,
revoking or changing a grant brings the plan's pending rows in line; the sender checks it all
again when they are due (also a renewal or "let it run out", which ipapp.services.grant_endings
records).
"""

from datetime import date, datetime, timedelta

from sqlmodel import Session, col, or_, select

from ipapp import policy
from ipapp.domain.vocabulary import PlanStatus, ReminderKind
from ipapp.i18n.dates import oslo_datetime, to_oslo
from ipapp.models import AccessGrant, Guardianship, Plan, ReminderOutbox
from ipapp.services.plan_access import grant_facts_of, plan_facts
from ipapp.services.reminder_preferences import preferences_for
from ipapp.services.reminders_rows import Wanted, bring_in_line

DAYS_BEFORE = 7
AT_HOUR = 9
SLOT = "grant_id"  # one reminder per grant and person


def grant_subject(grant_id: int) -> str:
    return f"grant:{grant_id}"


def last_day(grant: AccessGrant) -> date:
    """The last Oslo day the grant gives access (valid_until is the midnight after it)."""
    return to_oslo(grant.valid_until - timedelta(microseconds=1)).date()


def manages_sharing(facts: policy.PlanFacts, person_id: int, at: datetime) -> bool:
    return policy.decide(policy.Actor(person_id), facts, policy.Action.MANAGE_SHARING, None, at).allowed


def _effective(facts: policy.PlanFacts, fact: policy.GrantFacts, now: datetime) -> bool:
    return fact in policy.effective_grants(facts, fact.grantee_person_id, now)


def grants_changed(session: Session, plan: Plan, now: datetime, person_id: int | None = None) -> None:
    """Bring the plan's pending access-ending reminders in line with its grants and consents (for
    everyone, or only `person_id`). The facts are read here, after the change, never before it."""
    session.flush()
    facts = plan_facts(session, plan)
    query = select(ReminderOutbox).where(ReminderOutbox.plan_id == plan.id,
                                         ReminderOutbox.kind == ReminderKind.GRANT_EXPIRY.value)
    if person_id is not None:
        query = query.where(ReminderOutbox.person_id == person_id)
    rows = list(session.exec(query))
    wanted: list[Wanted] = []
    if plan.status == PlanStatus.ACTIVE.value:
        grants = list(session.exec(select(AccessGrant).where(
            AccessGrant.plan_id == plan.id, col(AccessGrant.revoked_at).is_(None),
            col(AccessGrant.lapse_chosen_at).is_(None), AccessGrant.valid_until > now).order_by(col(AccessGrant.id))))
        grant_facts = grant_facts_of(session, grants)
        sharers = {facts.owner_person_id} | {g.guardian_person_id for g in facts.guardianships}
        if person_id is not None:
            sharers &= {person_id}
        prefs = preferences_for(session, sharers)
        for grant in grants:
            if not _effective(facts, grant_facts[grant.id], now):
                continue  # awaiting a signature, or its consent withdrawn
            end = last_day(grant)
            due = max(oslo_datetime(end - timedelta(days=DAYS_BEFORE - 1), AT_HOUR), now)
            for who in sorted(sharers):
                if prefs[who].access_ending and manages_sharing(facts, who, due):
                    wanted.append(Wanted(
                        who, grant.id, ReminderKind.GRANT_EXPIRY.value, plan.id, grant_subject(grant.id),
                        f"grant:{grant.id}:{who}:{grant.valid_until:%Y%m%dT%H%M}", due,
                        {SLOT: grant.id, "valid_until": grant.valid_until.isoformat(), "last_day": end.isoformat()}))
    bring_in_line(session, rows, wanted, SLOT, now)


def her_grants_changed(session: Session, person_id: int, now: datetime) -> None:
    """After she changed her choices: her rows on every open plan she owns or is a guardian on."""
    owners = select(Guardianship.owner_person_id).where(Guardianship.guardian_person_id == person_id)
    plans = session.exec(select(Plan).where(
        or_(Plan.owner_person_id == person_id, col(Plan.owner_person_id).in_(owners)),
        Plan.status == PlanStatus.ACTIVE.value).order_by(col(Plan.id))).all()
    for plan in plans:
        grants_changed(session, plan, now, person_id=person_id)


def why_not(session: Session, plan: Plan, facts: policy.PlanFacts, person_id: int, payload: dict,
            now: datetime) -> str | None:
    """For the sender: why this access-ending reminder must not go out now, or None if it holds."""
    grant_id = payload.get(SLOT)
    grant = session.get(AccessGrant, grant_id) if isinstance(grant_id, int) else None
    if grant is None or grant.plan_id != plan.id:
        return "grant_gone"
    if plan.status != PlanStatus.ACTIVE.value:
        return "plan_closed"
    if grant.revoked_at is not None:
        return "grant_revoked"
    if grant.lapse_chosen_at is not None:
        return "ending_dealt_with"  # renewed, or she chose to let it run out
    if grant.valid_until.isoformat() != payload.get("valid_until"):
        return "grant_changed"
    if not _effective(facts, grant_facts_of(session, [grant])[grant.id], now):
        return "grant_not_effective"
    if not manages_sharing(facts, person_id, now):
        return "no_access"
    return None
