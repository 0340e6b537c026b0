"""A goal with its services: the owner rewords it; the coordinator sets its status and keeps the
services (add, edit, move to another goal, end). Every item links to its history."""

import reflex as rx

from ipapp.components.cards import measure_detail
from ipapp.components.forms import (
    choice_field,
    confirm,
    edit_form,
    edit_result,
    field,
    hidden,
    history_link,
    may_write,
    version_field,
)
from ipapp.components.shell import icon, link, page_shell
from ipapp.components.text import t
from ipapp.domain.vocabulary import GoalStatus
from ipapp.state.editing import EditState
from ipapp.state.plan import PlanState


def _wording_form(goal) -> rx.Component:
    key = "goal:" + goal.id.to_string()
    return rx.el.details(
        rx.el.summary(t("edit.goal_reword")),
        edit_form(
            key, EditState.save_goal,
            hidden("goal_id", goal.id.to_string()), version_field(key),
            field(key, "title", "field.goal.title", value=goal.title, required=True, max_length=300),
            field(key, "description", "field.goal.description", value=goal.description, rows=3),
        ),
    )


def _status_form(goal) -> rx.Component:
    key = "goal_status:" + goal.id.to_string()
    return rx.el.details(
        rx.el.summary(t("edit.goal_status")),
        edit_form(
            key, EditState.save_goal_status,
            hidden("goal_id", goal.id.to_string()), version_field("goal:" + goal.id.to_string()),
            choice_field(key, "status", "field.goal.status", goal.status,
                    [(s.value, f"goal.status.{s.value}") for s in GoalStatus]),
            field(key, "status_note", "field.goal.status_note", value=goal.status_note, rows=2),
        ),
    )


def measure_fields(key, measure=None) -> list[rx.Component]:
    """The service's fields, empty for a new one."""
    def value(name: str):
        return getattr(measure, name) if measure is not None else ""

    return [
        field(key, "name", "field.measure.name", value=value("name"), required=True, max_length=300),
        field(key, "provider", "field.measure.provider", value=value("provider")),
        choice_field(key, "responsible_contact_id", "field.measure.responsible_contact_id",
                value("responsible_contact_id"), [("", "edit.nobody")], PlanState.contact_choices),
        field(key, "frequency", "field.measure.frequency", value=value("frequency"), hint_key="edit.frequency_hint"),
        field(key, "starts_on", "field.measure.starts_on", value=value("starts_on"), kind="date", required=True),
        field(key, "ends_on", "field.measure.ends_on", value=value("ends_on"), kind="date"),
        field(key, "how", "field.measure.how", value=value("how"), rows=2),
        field(key, "owner_contribution", "field.measure.owner_contribution", value=value("owner_contribution"),
              rows=2),
        field(key, "next_of_kin_contribution", "field.measure.next_of_kin_contribution",
              value=value("next_of_kin_contribution"), rows=2),
    ]


def _measure(measure) -> rx.Component:
    key = "measure:" + measure.id.to_string()
    return rx.el.div(
        measure_detail(measure),
        rx.cond(measure.ended, rx.el.p(t("edit.measure_is_ended"), class_name="badge")),
        history_link("/historikk/tiltak/" + measure.id.to_string(), measure.name),
        rx.cond(
            may_write("measures"),
            rx.fragment(
                rx.el.details(
                    rx.el.summary(t("edit.measure_edit")),
                    edit_form(
                        key, EditState.save_measure,
                        hidden("measure_id", measure.id.to_string()), version_field(key),
                        *measure_fields(key, measure),
                        choice_field(key, "goal_id", "field.measure.goal_id", measure.goal_id.to_string(), [],
                                PlanState.goal_choices),
                    ),
                ),
                rx.cond(
                    ~measure.ended,
                    rx.el.form(
                        hidden("measure_id", measure.id.to_string()), version_field(key),
                        confirm("edit.measure_end", "edit.measure_end_explained", "edit.measure_end_confirm"),
                        on_submit=EditState.end_measure,
                        reset_on_submit=False,
                    ),
                ),
            ),
        ),
        class_name="stack",
    )


def _new_measure(goal) -> rx.Component:
    key = "measure:new:" + goal.id.to_string()
    return rx.el.details(
        rx.el.summary(t("edit.measure_add")),
        edit_form(key, EditState.add_measure, hidden("goal_id", goal.id.to_string()), *measure_fields(key),
                  submit_key="edit.measure_add"),
        class_name="card",
    )


def _decision(decision) -> rx.Component:
    return rx.el.li(
        rx.el.p(rx.el.strong(decision.what)),
        rx.el.p(decision.meeting_title, class_name="detail"),
        rx.cond(decision.responsible_name != "", rx.el.p(t("decision.responsible"), ": ", decision.responsible_name,
                                                        class_name="detail")),
        rx.cond(decision.due != "", rx.el.p(t("decision.due"), ": ", decision.due, class_name="detail")),
        rx.el.p(decision.status_label, class_name="badge"),
        class_name="access-row",
    )


def goal_page() -> rx.Component:
    goal = PlanState.goal
    return page_shell(
        rx.cond(goal, goal.title, t("goal.title_fallback")),
        "/",
        edit_result(),
        rx.cond(
            goal,
            rx.fragment(
                rx.el.p(goal.status_label, class_name="badge"),
                rx.cond(goal.status_note != "", rx.el.p(goal.status_note, class_name="detail")),
                rx.cond(goal.description != "", rx.el.p(goal.description, class_name="lead prewrap")),
                history_link("/historikk/mal/" + goal.id.to_string()),
                rx.cond(may_write("goal_wording"), _wording_form(goal)),
                rx.cond(may_write("goal_status"), _status_form(goal)),
                rx.el.h2(t("goal.measures")),
                rx.cond(
                    goal.measures.length() > 0,
                    rx.el.div(rx.foreach(goal.measures, _measure), class_name="stack"),
                    rx.el.p(t("goal.no_measures"), class_name="muted"),
                ),
                rx.cond(may_write("measures"), _new_measure(goal)),
                rx.cond(goal.decisions.length() > 0, rx.fragment(
                    rx.el.h2(t("goal.decisions")),
                    rx.el.ul(rx.foreach(goal.decisions, _decision), class_name="plain-list card"),
                )),
            ),
        ),
        link(icon("arrow-left"), rx.el.span(t("goal.back")), href="/", class_name="action-link"),
    )
