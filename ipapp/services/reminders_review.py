"""Review-date reminders in the outbox: the plan is reviewed at least yearly, and those who keep it
are told ahead. The door for callers is ipapp.services.reminders.

Who: the owner, her guardians who act for her on the day, and the current coordinator (who all
read the plan), each unless she turned "review_due" off. When: at 09:00 Oslo time 14 days before
the review date, and on the day; times already passed are skipped. A new date moves the pending
rows, a closed plan withdraws them; the sender checks it all again when they are due.
"""

from datetime import datetime, timedelta

from sqlmodel import Session, col, or_, select

from ipapp import policy
from ipapp.domain.vocabulary import PlanStatus, ReminderKind
from ipapp.i18n.dates import oslo_datetime
from ipapp.models import Guardianship, Plan, PlanCoordinator, ReminderOutbox
from ipapp.services.plan_access import plan_facts
from ipapp.services.reminder_preferences import Preferences, preferences_for
from ipapp.services.reminders_rows import Wanted, bring_in_line

DAYS_BEFORE = (14, 0)  # two weeks ahead, to plan the meeting; and the day itself
AT_HOUR = 9  # Oslo time: a morning notice, never at midnight
SLOT = "days_before"
KEEPERS = frozenset({policy.ActingAs.OWNER, policy.ActingAs.GUARDIAN, policy.ActingAs.COORDINATOR})


def review_subject(plan_id: int) -> str:
    return f"review:{plan_id}"


def _keeping(facts: policy.PlanFacts, person_id: int, at: datetime) -> frozenset[policy.ActingAs]:
    """How the person keeps the plan at that moment (owner, acting guardian, coordinator), if at all."""
    return policy.acting_relations(policy.Actor(person_id), facts, at) & KEEPERS


def keeps(facts: policy.PlanFacts, person_id: int, at: datetime) -> bool:
    """Would she be told of this plan's review date (reminder_preferences offers the choice)."""
    return bool(_keeping(facts, person_id, at))


def _candidates(facts: policy.PlanFacts) -> set[int]:
    guardians = {g.guardian_person_id for g in facts.guardianships}
    return ({facts.owner_person_id, facts.coordinator_person_id} | guardians) - {None}


def review_changed(session: Session, plan: Plan, now: datetime, facts: policy.PlanFacts | None = None,
                   person_id: int | None = None) -> None:
    """Bring the plan's pending review reminders in line with its review date and its people (all
    of them, or only `person_id`'s). Call after the plan, its coordinator or guardians changed."""
    session.flush()
    if facts is None:
        facts = plan_facts(session, plan)
    query = select(ReminderOutbox).where(ReminderOutbox.subject == review_subject(plan.id))
    if person_id is not None:
        query = query.where(ReminderOutbox.person_id == person_id)
    rows = list(session.exec(query))
    wanted: list[Wanted] = []
    if plan.status == PlanStatus.ACTIVE.value:
        people = _candidates(facts) if person_id is None else _candidates(facts) & {person_id}
        prefs = preferences_for(session, people)
        for who in sorted(people):
            wanted += _wanted(plan, facts, who, prefs[who], now)
    bring_in_line(session, rows, wanted, SLOT, now)


def _wanted(plan: Plan, facts: policy.PlanFacts, person_id: int, prefs: Preferences, now: datetime) -> list[Wanted]:
    if not prefs.review_due:
        return []
    found = []
    review_on = plan.next_review_on
    for days in DAYS_BEFORE:
        due = oslo_datetime(review_on - timedelta(days=days), AT_HOUR)
        relations = _keeping(facts, person_id, due)
        if due <= now or not relations:  # passed, or a guardianship that has ended by then
            continue
        found.append(Wanted(
            person_id, days, ReminderKind.REVIEW.value, plan.id, review_subject(plan.id),
            f"review:{plan.id}:{person_id}:{days}:{review_on:%Y%m%d}", due,
            {"review_on": review_on.isoformat(), SLOT: days,
             # what the notification calls it: "your plan", or "a plan you coordinate"
             "as": "coordinator" if policy.ActingAs.COORDINATOR in relations else "owner"}))
    return found


def her_reviews_changed(session: Session, person_id: int, now: datetime) -> None:
    """After she changed her choices: her rows on every open plan she owns, coordinates or is a
    guardian on (the policy's facts once per plan, never per row)."""
    owners = select(Guardianship.owner_person_id).where(Guardianship.guardian_person_id == person_id)
    coordinated = select(PlanCoordinator.plan_id).where(PlanCoordinator.coordinator_person_id == person_id,
                                                        col(PlanCoordinator.assigned_until).is_(None))
    plans = session.exec(select(Plan).where(
        or_(Plan.owner_person_id == person_id, col(Plan.owner_person_id).in_(owners), col(Plan.id).in_(coordinated)),
        Plan.status == PlanStatus.ACTIVE.value).order_by(col(Plan.id))).all()
    for plan in plans:
        review_changed(session, plan, now, person_id=person_id)


def why_not(plan: Plan, facts: policy.PlanFacts, person_id: int, payload: dict, now: datetime) -> str | None:
    """For the sender: why this review reminder must not go out now, or None if it still holds."""
    if plan.status != PlanStatus.ACTIVE.value:
        return "plan_closed"
    if plan.next_review_on.isoformat() != payload.get("review_on"):
        return "review_moved"
    if not _keeping(facts, person_id, now):
        return "no_access"
    return None
