"""The goal page's read: the goal with its services, and for someone who keeps the services the
choices their forms offer (the plan's contacts as responsible people, its goals to move to)."""

from dataclasses import dataclass, field

from sqlmodel import Session, col, select

from ipapp import policy
from ipapp.models import Contact, Goal
from ipapp.services import read_cache
from ipapp.services.plan_access import PlanContext
from ipapp.services.plan_reading import goal_in
from ipapp.services.views import GoalView


@dataclass
class GoalPage:
    goal: GoalView
    contact_choices: list[list[str]] = field(default_factory=list)  # [id, "Name (title)"]
    goal_choices: list[list[str]] = field(default_factory=list)  # [id, title]


def goal_page_in(session: Session, ctx: PlanContext, goal_id: object, locale: str) -> GoalPage:
    """The page, read once per change of the plan for this reader (read_cache.page)."""
    if not isinstance(goal_id, int) or isinstance(goal_id, bool):
        return _goal_page(session, ctx, goal_id, locale)  # refused by goal_in, never kept
    return read_cache.page(session, ctx, "goal", (goal_id, locale), lambda: _goal_page(session, ctx, goal_id, locale))


def _goal_page(session: Session, ctx: PlanContext, goal_id: object, locale: str) -> GoalPage:
    goal = goal_in(session, ctx, goal_id, locale)
    if not policy.may_write(ctx.actor, ctx.facts, policy.Part.MEASURES, ctx.now).allowed:
        return GoalPage(goal)
    contacts = session.exec(select(Contact).where(Contact.plan_id == ctx.plan.id)
                            .order_by(col(Contact.position), col(Contact.id))).all()
    goals = session.exec(select(Goal.id, Goal.title).where(Goal.plan_id == ctx.plan.id)
                         .order_by(col(Goal.position), col(Goal.id))).all()
    return GoalPage(
        goal,
        [[str(c.id), f"{c.name} ({c.title})" if c.title else c.name] for c in contacts],
        [[str(goal_id), title] for goal_id, title in goals],
    )
