"""How every write to a plan goes: one transaction, the item checked to be this plan's, the
policy asked for the part being changed, the decision audited, the version compared, the new
version stored, and open pages told after commit.

A refusal (AccessDenied) keeps only its audit event; a FormProblem or EditConflict writes nothing.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from sqlmodel import Session, SQLModel, func, select

from ipapp import live, policy
from ipapp.db import transaction
from ipapp.models import Decision, Goal, Measure, Meeting, utcnow
from ipapp.services import audit, versions
from ipapp.services.plan_access import AccessDenied, PlanContext, load_context


class EditConflict(Exception):
    """Someone else saved this item after the person opened it. `current` is the item as it is
    now (field -> value), to show beside what the person typed; nothing was written."""

    def __init__(self, current: dict, version: int):
        super().__init__("edit_conflict")
        self.current = current
        self.version = version


@dataclass
class Edit:
    session: Session
    ctx: PlanContext
    part: policy.Part
    changed: bool = field(default=False)

    @property
    def person_id(self) -> int | None:
        return self.ctx.actor.person_id

    def _audit(self, allowed: bool, reason: str, acting_as: str, target: str) -> None:
        audit.record(self.session, actor_person_id=self.person_id, actor_role=acting_as,
                     plan_id=self.ctx.plan.id, action="write", section=str(policy.PART_SECTION[self.part]),
                     allowed=allowed, reason=reason, target=target)

    def allow(self, target: str) -> policy.Decision:
        """Ask the policy for this part; audit the answer; AccessDenied when refused."""
        decision = policy.may_write(self.ctx.actor, self.ctx.facts, self.part, self.ctx.now)
        self._audit(decision.allowed, decision.reason, str(decision.acting_as), target)
        if not decision.allowed:
            raise AccessDenied(decision.reason)
        return decision

    def refuse(self, reason: str, target: str) -> None:
        """A forged or stale reference (another plan's item, one that does not exist)."""
        decision = policy.may_write(self.ctx.actor, self.ctx.facts, self.part, self.ctx.now)
        self._audit(False, reason, str(decision.acting_as), target)
        raise AccessDenied(reason)

    def item(self, model: type[SQLModel], raw_id: object, kind: str):
        """This plan's row of `model` with that id; a missing one or another plan's is refused
        alike (nothing tells them apart) and audited."""
        row = None
        if isinstance(raw_id, int) and not isinstance(raw_id, bool):
            row = self.session.get(model, raw_id)
        if row is None or plan_of(self.session, row) != self.ctx.plan.id:
            self.refuse("no_such_item", f"{kind}:{raw_id if isinstance(raw_id, int) else '?'}")
        return row

    def next_position(self, position_column, *where) -> int:
        """The place after the last of these rows (0 for the first)."""
        last = self.session.exec(select(func.max(position_column)).where(*where)).one()
        return 0 if last is None else last + 1

    def expect(self, row, version: int | None, entity: str) -> None:
        """The version the person started from must still be the current one."""
        if version != row.version:
            current = versions.snapshot(entity, row) if entity in versions.FIELDS else {"body": row.body}
            raise EditConflict(current, row.version)

    def saved(self, entity: str, row, change: str, **extra) -> None:
        """Store the row and its new version (create: 1; update/delete: one more)."""
        if change != "create":
            row.version += 1
        if hasattr(row, "updated_at"):
            row.updated_at = self.ctx.now
        self.session.add(row)
        self.session.flush()
        if entity in versions.FIELDS:
            versions.record(self.session, self.ctx.plan.id, entity, row, change, self.person_id, self.ctx.now,
                            **extra)
        self.changed = True


def plan_of(session: Session, row) -> int | None:
    """The plan a content row belongs to (a measure through its goal)."""
    if isinstance(row, Measure):
        goal = session.get(Goal, row.goal_id)
        return goal.plan_id if goal else None
    if isinstance(row, Decision):
        meeting = session.get(Meeting, row.meeting_id)
        return meeting.plan_id if meeting else None
    return getattr(row, "plan_id", None)


@contextmanager
def editing(person_id: int | None, plan_id: object, part: policy.Part) -> Iterator[Edit]:
    with transaction() as session:
        edit = Edit(session, load_context(session, person_id, plan_id, utcnow()), part)
        yield edit
        if edit.changed:  # open pages of this plan reload through the services, after commit
            live.after_commit(session, live.plan_topic(edit.ctx.plan.id), {"kind": "content"})
