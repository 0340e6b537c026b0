""""Mine planer": every plan a person may open, to switch between them; for the plans she
coordinates, what needs her: the next meeting, unanswered messages, the review date, access
ending soon and what the plan lacks. A fixed number of queries however many plans.

The coordinator's standing on each plan is asked of the policy with the facts that decide it
(she is its current coordinator; whether it is closed): grants and guardianships give a
coordinator nothing more. Each plan's summary is a read of that plan, audited in its chain.
"""

from dataclasses import dataclass, field
from datetime import timedelta

from sqlmodel import Session, col, select

from ipapp import policy
from ipapp.db import transaction
from ipapp.domain.vocabulary import PlanStatus, Section
from ipapp.i18n import translate
from ipapp.i18n.dates import days_until, format_date, format_when, oslo_today
from ipapp.models import (
    AccessGrant,
    CoordinatorSubstitute,
    Meeting,
    Message,
    MessageThread,
    Person,
    Plan,
    PlanCoordinator,
    utcnow,
)
from ipapp.services import audit
from ipapp.services.plan_access import plans_for_person
from ipapp.services.plan_status import missing_for
from ipapp.services.views import MissingView

ENDING_SOON = timedelta(days=14)


@dataclass
class PlanSummary:
    plan_id: int
    owner_name: str
    is_current: bool
    coordinated: bool  # the rest is filled only for plans she coordinates
    next_meeting: str = ""
    unanswered: int = 0
    review: str = ""  # "Ny gjennomgang 3. mars 2027" / "... var 1. mars: 3 dager over tiden"
    review_overdue: bool = False
    ending_soon: int = 0
    closed: bool = False
    missing: list[MissingView] = field(default_factory=list)


def coordinated_plans(session: Session, person_id: int, now, section: Section = Section.GOALS) -> list[Plan]:
    """The plans she currently coordinates and may read `section` of, as the policy sees it."""
    plans = session.exec(
        select(Plan).join(PlanCoordinator, col(PlanCoordinator.plan_id) == col(Plan.id))
        .where(PlanCoordinator.coordinator_person_id == person_id, col(PlanCoordinator.assigned_until).is_(None))
        .order_by(col(Plan.id))
    ).all()
    standing_in = session.exec(
        select(CoordinatorSubstitute, Plan).join(Plan, col(Plan.id) == col(CoordinatorSubstitute.plan_id))
        .where(CoordinatorSubstitute.person_id == person_id)).all()
    substitutes: dict[int, list[policy.SubstituteFacts]] = {}
    for row, plan in standing_in:
        substitutes.setdefault(plan.id, []).append(policy.SubstituteFacts(person_id, row.valid_from, row.valid_until))
    by_id = {p.id: p for p in plans} | {plan.id: plan for _, plan in standing_in}
    actor = policy.Actor(person_id)
    # The facts that decide a coordinator's (or her stand-in's) standing: grants and guardianships
    # give a coordinator nothing more.
    return [p for _, p in sorted(by_id.items()) if policy.decide(
        actor, policy.PlanFacts(p.id, p.owner_person_id, None,
                                person_id if p.id in {q.id for q in plans} else None,
                                closed=p.status == PlanStatus.CLOSED.value,
                                substitutes=tuple(substitutes.get(p.id, ()))),
        policy.Action.READ, section, now).allowed]


def my_plans(person_id: int | None, current_plan_id: int | None, locale: str) -> list[PlanSummary]:
    if person_id is None:
        return []
    now = utcnow()
    today = oslo_today(now)
    with transaction() as session:
        coordinated = coordinated_plans(session, person_id, now)
        ids = [p.id for p in coordinated]
        others = [i for i in plans_for_person(session, person_id) if i not in ids]
        other_plans = list(session.exec(select(Plan).where(col(Plan.id).in_(others)))) if others else []
        owners = {p.id: p.full_name for p in session.exec(select(Person).where(
            col(Person.id).in_({p.owner_person_id for p in coordinated + other_plans})))}
        summaries = [_summary(p, owners, current_plan_id, coordinated=True) for p in coordinated]
        _fill_coordinated(session, summaries, coordinated, person_id, now, today, locale)
        summaries += [_summary(p, owners, current_plan_id, coordinated=False)
                      for p in sorted(other_plans, key=lambda p: others.index(p.id))]
        audit.record_many(session, [
            dict(actor_person_id=person_id, actor_role="coordinator", plan_id=plan_id, action="read",
                 section=None, allowed=True, reason="coordinator", target="workspace") for plan_id in ids])
        return summaries


def _summary(plan: Plan, owners: dict, current: int | None, coordinated: bool) -> PlanSummary:
    return PlanSummary(plan_id=plan.id, owner_name=owners.get(plan.owner_person_id, ""),
                       is_current=plan.id == current, coordinated=coordinated,
                       closed=plan.status == PlanStatus.CLOSED.value)


def _fill_coordinated(session: Session, summaries: list[PlanSummary], plans: list[Plan], person_id: int,
                      now, today, locale: str) -> None:
    ids = [p.id for p in plans]
    if not ids:
        return
    next_meeting: dict[int, Meeting] = {}
    for meeting in session.exec(select(Meeting).where(col(Meeting.plan_id).in_(ids), Meeting.ends_at > now)
                                .order_by(col(Meeting.starts_at))):
        next_meeting.setdefault(meeting.plan_id, meeting)
    last_sender: dict[int, tuple[int, int]] = {}  # thread -> (plan, sender of its last message)
    for thread_id, plan_id, sender in session.exec(
        select(Message.thread_id, MessageThread.plan_id, Message.sender_person_id)
        .join(MessageThread, col(MessageThread.id) == col(Message.thread_id))
        .where(col(MessageThread.plan_id).in_(ids)).order_by(col(Message.sent_at), col(Message.id))
    ):
        last_sender[thread_id] = (plan_id, sender)
    ending: dict[int, int] = {}
    for plan_id in session.exec(select(AccessGrant.plan_id).where(
            col(AccessGrant.plan_id).in_(ids), col(AccessGrant.revoked_at).is_(None),
            AccessGrant.valid_until > now, AccessGrant.valid_until <= now + ENDING_SOON)):
        ending[plan_id] = ending.get(plan_id, 0) + 1
    missing = missing_for(session, plans, {p.id: person_id for p in plans}, today, locale, now)
    by_id = {p.id: p for p in plans}
    for summary in summaries:
        plan = by_id[summary.plan_id]
        meeting = next_meeting.get(plan.id)
        summary.next_meeting = format_when(meeting.starts_at, now, locale) if meeting else ""
        summary.unanswered = sum(1 for p, sender in last_sender.values() if p == plan.id and sender != person_id)
        overdue = days_until(plan.next_review_on, now)
        summary.review_overdue = overdue < 0
        summary.review = translate("workspace.review_overdue" if overdue < 0 else "workspace.review", locale,
                                   day=format_date(plan.next_review_on, locale), days=-overdue)
        summary.ending_soon = ending.get(plan.id, 0)
        summary.missing = missing[plan.id]


def may_open(person_id: int | None, plan_id: object) -> bool:
    """Whether the person is connected to this plan at all (to switch to it); what they then see
    is decided on every read, as always."""
    if person_id is None or not isinstance(plan_id, int) or isinstance(plan_id, bool):
        return False
    with transaction() as session:
        return plan_id in plans_for_person(session, person_id)
