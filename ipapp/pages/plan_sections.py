"""Parts of the overview that keep the plan alive: what changed since the last visit, what the
plan lacks, adding and ordering goals, the plan period and review, and the plan on paper."""

import reflex as rx

from ipapp.components.cards import goal_card
from ipapp.components.forms import confirm, edit_form, field, may_write, version_field
from ipapp.components.shell import icon, link, plain_link
from ipapp.components.text import t
from ipapp.state.editing import EditState
from ipapp.state.plan import PlanState
from ipapp.state.session import SessionState


def _section(heading_key: str, section_id: str, *children) -> rx.Component:
    return rx.el.section(rx.el.h2(t(heading_key), id=f"{section_id}-heading"), *children,
                         id=section_id, aria_labelledby=f"{section_id}-heading")


def _change(change) -> rx.Component:
    return rx.el.li(
        rx.el.p(change.text),
        rx.el.p(change.when, class_name="detail"),
        rx.cond(change.history_href != "",
                link(t("history.open"), href=change.history_href, class_name="action-link")),
        class_name="access-row",
    )


def changes_section() -> rx.Component:
    return rx.cond(
        PlanState.changes.length() > 0,
        _section("overview.changes_heading", "changes",
                 rx.el.ul(rx.foreach(PlanState.changes, _change), class_name="plain-list card")),
    )


def _missing(item) -> rx.Component:
    return rx.el.li(rx.cond(item.href != "", link(item.text, href=item.href), rx.el.span(item.text)))


def missing_section() -> rx.Component:
    return rx.cond(
        PlanState.missing.length() > 0,
        _section("overview.missing_heading", "missing",
                 rx.el.ul(rx.foreach(PlanState.missing, _missing), class_name="missing-list card")),
    )


def _goal_with_moves(goal, index) -> rx.Component:
    count = PlanState.goals.length()
    return rx.el.div(
        goal_card(goal),
        rx.cond(
            may_write("goal_wording"),
            rx.el.div(
                rx.cond(index > 0, rx.el.button(
                    icon("arrow-up"), rx.el.span(t("edit.move_up")), type="button",
                    aria_label=t("edit.move_up") + ": " + goal.title,
                    on_click=EditState.move_goal(goal.id, -1), class_name="button button-secondary")),
                rx.cond(index < count - 1, rx.el.button(
                    icon("arrow-down"), rx.el.span(t("edit.move_down")), type="button",
                    aria_label=t("edit.move_down") + ": " + goal.title,
                    on_click=EditState.move_goal(goal.id, 1), class_name="button button-secondary")),
                class_name="button-row",
            ),
        ),
        class_name="stack",
    )


def goals_section() -> rx.Component:
    return _section(
        "overview.goals_heading", "goals",
        rx.cond(
            PlanState.goals.length() > 0,
            rx.el.div(rx.foreach(PlanState.goals, _goal_with_moves), class_name="stack"),
            rx.el.p(t("overview.no_goals"), class_name="muted"),
        ),
        rx.cond(
            may_write("goal_wording"),
            rx.el.details(
                rx.el.summary(t("edit.goal_add")),
                edit_form("goal:new", EditState.add_goal,
                          field("goal:new", "title", "field.goal.title", required=True, max_length=300,
                                hint_key="edit.goal_title_hint"),
                          field("goal:new", "description", "field.goal.description", rows=3),
                          submit_key="edit.goal_add"),
                class_name="card",
            ),
        ),
    )


def _plan_period_form() -> rx.Component:
    header = PlanState.header
    return rx.el.details(
        rx.el.summary(t("edit.plan_period")),
        edit_form("plan", EditState.save_plan_period, version_field("plan"),
                  field("plan", "period_start", "field.plan.period_start", value=header.period_start, kind="date",
                        required=True),
                  field("plan", "period_end", "field.plan.period_end", value=header.period_end, kind="date"),
                  field("plan", "next_review_on", "field.plan.next_review_on", value=header.next_review_on,
                        kind="date", required=True)),
        rx.el.form(version_field("plan"),
                   confirm("edit.plan_close", "edit.plan_close_explained", "edit.plan_close_confirm"),
                   on_submit=EditState.close_plan, reset_on_submit=False),
    )


def _document_href(path: str):
    return path + "?plan=" + PlanState.header.plan_id.to_string() + "&lang=" + SessionState.lang


def plan_section() -> rx.Component:
    header = PlanState.header
    return _section(
        "overview.plan_heading", "plan-period",
        rx.el.dl(
            rx.el.dt(t("overview.coordinator")),
            rx.el.dd(rx.cond(header.coordinator_name != "", header.coordinator_name, t("overview.no_coordinator"))),
            rx.cond(header.substitutes.length() > 0, rx.fragment(
                rx.el.dt(t("overview.substitute")),
                rx.el.dd(rx.el.ul(rx.foreach(header.substitutes, lambda line: rx.el.li(line)),
                                  class_name="missing-list")))),
            rx.el.dt(t("overview.period")), rx.el.dd(header.period),
            rx.cond(PlanState.participants.length() > 0, rx.fragment(
                rx.el.dt(t("overview.participants")),
                rx.el.dd(rx.el.ul(rx.foreach(PlanState.participants, lambda name: rx.el.li(name)),
                                  class_name="missing-list")))),
            rx.cond(PlanState.consent != "", rx.fragment(
                rx.el.dt(t("overview.consent")), rx.el.dd(PlanState.consent))),
            rx.el.dt(t("overview.next_review")),
            rx.el.dd(header.next_review, rx.cond(header.review_overdue,
                                                 rx.el.strong(" – ", t("overview.review_overdue")))),
            class_name="facts card",
        ),
        link(icon("history"), rx.el.span(t("history.open_plan")), href="/historikk/plan/0", class_name="action-link"),
        rx.cond(may_write("plan_period"), _plan_period_form()),
        plain_link(icon("file-down"), rx.el.span(t("document.download_pdf")),
                      href=_document_href("/utskrift.pdf"), class_name="action-link"),
        plain_link(icon("printer"), rx.el.span(t("document.open_print")), href=_document_href("/utskrift"),
                      class_name="action-link"),
        rx.el.details(
            rx.el.summary(t("document.earlier")),
            rx.el.form(
                rx.el.div(rx.el.label(t("document.earlier_date"), html_for="earlier-date"),
                          rx.el.input(id="earlier-date", name="dato", type="date", required=True, class_name="input"),
                          class_name="field"),
                rx.el.fieldset(
                    rx.el.legend(t("document.earlier_how")),
                    rx.el.label(rx.el.input(type="radio", name="format", value="print", default_checked=True),
                                rx.el.span(t("document.open_print")), class_name="choice"),
                    rx.el.label(rx.el.input(type="radio", name="format", value="pdf"),
                                rx.el.span(t("document.download_pdf")), class_name="choice"),
                ),
                rx.el.button(t("document.earlier_open"), type="submit", class_name="button button-secondary"),
                on_submit=PlanState.open_earlier,
                reset_on_submit=False,
                class_name="stack",
            ),
        ),
    )
