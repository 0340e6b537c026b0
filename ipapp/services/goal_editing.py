"""Writing goals and the services (measures) under them.

The owner (and an acting guardian) words her goals: adds, rewords, reorders them. The
coordinator does that too, and keeps each goal's status and every service under it.
Every function: the person and plan as the session knows them, the form as the browser sent it.
"""

from sqlmodel import col, select

from ipapp.domain.vocabulary import GoalStatus
from ipapp.i18n.dates import oslo_today
from ipapp.models import Contact, Goal, Measure
from ipapp.policy import Part
from ipapp.services.editing import Edit, editing
from ipapp.services.forms import LONG_TEXT, Form

GOAL_STATUSES = frozenset(s.value for s in GoalStatus)


def _goal_wording(form: Form) -> dict:
    return {
        "title": form.text("title", max_length=300, required=True),
        "description": form.text("description", max_length=LONG_TEXT),
    }


def add_goal(person_id: int | None, plan_id: object, raw: object) -> int:
    form = Form(raw)
    with editing(person_id, plan_id, Part.GOAL_WORDING) as edit:
        edit.allow("goal:new")
        values = _goal_wording(form)
        form.done()
        goal = Goal(plan_id=edit.ctx.plan.id, position=edit.next_position(Goal.position, Goal.plan_id == edit.ctx.plan.id),
                    **values)
        edit.saved("goal", goal, "create")
        return goal.id


def update_goal(person_id: int | None, plan_id: object, goal_id: object, raw: object) -> None:
    """Reword a goal (title and description)."""
    form = Form(raw)
    with editing(person_id, plan_id, Part.GOAL_WORDING) as edit:
        goal = edit.item(Goal, goal_id, "goal")
        edit.allow(f"goal:{goal.id}")
        values = _goal_wording(form)
        form.done()
        edit.expect(goal, form.version(), "goal")
        for name, value in values.items():
            setattr(goal, name, value)
        edit.saved("goal", goal, "update")


def set_goal_status(person_id: int | None, plan_id: object, goal_id: object, raw: object) -> None:
    """Active, achieved, paused or ended, with an optional note (the coordinator's part)."""
    form = Form(raw)
    with editing(person_id, plan_id, Part.GOAL_STATUS) as edit:
        goal = edit.item(Goal, goal_id, "goal")
        edit.allow(f"goal:{goal.id}")
        status = form.choice("status", GOAL_STATUSES)
        note = form.text("status_note", max_length=1000)
        form.done()
        edit.expect(goal, form.version(), "goal")
        goal.status, goal.status_note = status, note
        edit.saved("goal", goal, "update")


def _goals_in_order(edit: Edit) -> list[Goal]:
    return list(edit.session.exec(select(Goal).where(Goal.plan_id == edit.ctx.plan.id)
                                  .order_by(col(Goal.position), col(Goal.id))))


def _apply_order(edit: Edit, goals: list[Goal], ordered_ids: object) -> None:
    """Refused unless the list names each of the plan's goals exactly once."""
    by_id = {g.id: g for g in goals}
    valid = isinstance(ordered_ids, list) and all(isinstance(i, int) and not isinstance(i, bool)
                                                  for i in ordered_ids)
    if not valid or len(ordered_ids) != len(by_id) or set(ordered_ids) != set(by_id):
        edit.refuse("no_such_item", "goals:reorder")
    edit.allow("goals:reorder")
    for position, goal_id in enumerate(ordered_ids):
        goal = by_id[goal_id]
        if goal.position != position:
            goal.position = position
            edit.saved("goal", goal, "update")


def reorder_goals(person_id: int | None, plan_id: object, ordered_ids: object) -> None:
    """The plan's goals in this order."""
    with editing(person_id, plan_id, Part.GOAL_WORDING) as edit:
        _apply_order(edit, _goals_in_order(edit), ordered_ids)


def move_goal(person_id: int | None, plan_id: object, goal_id: object, step: int) -> None:
    """One place up (step -1) or down (+1); at the top or bottom nothing moves."""
    with editing(person_id, plan_id, Part.GOAL_WORDING) as edit:
        goals = _goals_in_order(edit)
        order = [g.id for g in goals]
        if goal_id not in order:
            edit.refuse("no_such_item", f"goal:{goal_id if isinstance(goal_id, int) else '?'}")
        index = order.index(goal_id)
        target = index + (1 if step > 0 else -1)
        if 0 <= target < len(order):
            order[index], order[target] = order[target], order[index]
        _apply_order(edit, goals, order)


# --- services under a goal ------------------------------------------------------------------------


def _measure_values(edit: Edit, form: Form) -> dict:
    values = {
        "name": form.text("name", max_length=300, required=True),
        "provider": form.text("provider"),
        "frequency": form.text("frequency"),
        "starts_on": form.day("starts_on", required=True),
        "ends_on": form.day("ends_on"),
        "owner_contribution": form.text("owner_contribution", max_length=LONG_TEXT),
        "next_of_kin_contribution": form.text("next_of_kin_contribution", max_length=LONG_TEXT),
        "how": form.text("how", max_length=LONG_TEXT),
        "responsible_contact_id": form.optional_id("responsible_contact_id"),
    }
    if values["starts_on"] and values["ends_on"] and values["ends_on"] < values["starts_on"]:
        form.problem("ends_on", "end_before_start")
    contact_id = values["responsible_contact_id"]
    if contact_id is not None:
        contact = edit.session.get(Contact, contact_id)
        if contact is None or contact.plan_id != edit.ctx.plan.id:
            form.problem("responsible_contact_id", "not_on_this_plan")
    return values


def _responsible_name(edit: Edit, measure: Measure) -> str:
    contact = edit.session.get(Contact, measure.responsible_contact_id) if measure.responsible_contact_id else None
    return contact.name if contact else ""


def add_measure(person_id: int | None, plan_id: object, goal_id: object, raw: object) -> int:
    form = Form(raw)
    with editing(person_id, plan_id, Part.MEASURES) as edit:
        goal = edit.item(Goal, goal_id, "goal")
        edit.allow(f"goal:{goal.id}:measure:new")
        values = _measure_values(edit, form)
        form.done()
        measure = Measure(goal_id=goal.id, position=edit.next_position(Measure.position, Measure.goal_id == goal.id),
                          **values)
        edit.saved("measure", measure, "create", responsible_name=_responsible_name(edit, measure))
        return measure.id


def update_measure(person_id: int | None, plan_id: object, measure_id: object, raw: object) -> None:
    """Edit a service, or move it to another goal of the plan (the form's goal_id)."""
    form = Form(raw)
    with editing(person_id, plan_id, Part.MEASURES) as edit:
        measure = edit.item(Measure, measure_id, "measure")
        edit.allow(f"measure:{measure.id}")
        values = _measure_values(edit, form)
        goal_id = form.optional_id("goal_id")
        if goal_id is not None:
            goal = edit.session.get(Goal, goal_id)
            if goal is None or goal.plan_id != edit.ctx.plan.id:
                form.problem("goal_id", "not_on_this_plan")
        form.done()
        edit.expect(measure, form.version(), "measure")
        for name, value in values.items():
            setattr(measure, name, value)
        if goal_id is not None:
            measure.goal_id = goal_id
        edit.saved("measure", measure, "update", responsible_name=_responsible_name(edit, measure))


def end_measure(person_id: int | None, plan_id: object, measure_id: object, raw: object) -> None:
    """The service stops: its last day is today (kept, with its history)."""
    form = Form(raw)
    with editing(person_id, plan_id, Part.MEASURES) as edit:
        measure = edit.item(Measure, measure_id, "measure")
        edit.allow(f"measure:{measure.id}:end")
        edit.expect(measure, form.version(), "measure")
        today = oslo_today(edit.ctx.now)
        measure.ends_on = max(today, measure.starts_on)
        edit.saved("measure", measure, "update", responsible_name=_responsible_name(edit, measure))
