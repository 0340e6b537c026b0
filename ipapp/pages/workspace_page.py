""""Mine planer": every plan the person may open; for the plans she coordinates, what needs her."""

import reflex as rx

from ipapp.components.cards import when_loaded
from ipapp.components.shell import app_header, bottom_nav, icon, link, plain_link
from ipapp.components.text import t
from ipapp.state.workspace import WorkspaceState


def _missing(item) -> rx.Component:
    return rx.el.li(item.text)


def _plan(plan, index) -> rx.Component:
    return rx.el.article(
        rx.el.h2(plan.owner_name),
        rx.cond(plan.is_current, rx.el.p(t("workspace.current"), class_name="badge")),
        rx.cond(plan.closed, rx.el.p(t("plan.status.closed"), class_name="badge")),
        rx.cond(plan.coordinated, rx.el.dl(
            rx.el.dt(t("workspace.next_meeting")),
            rx.el.dd(rx.cond(plan.next_meeting != "", plan.next_meeting, t("workspace.no_meeting"))),
            rx.el.dt(t("workspace.unanswered")), rx.el.dd(plan.unanswered.to_string()),
            rx.el.dt(t("workspace.review_heading")),
            rx.el.dd(rx.cond(plan.review_overdue, rx.el.strong(plan.review), plan.review)),
            rx.el.dt(t("workspace.ending_soon")), rx.el.dd(plan.ending_soon.to_string()),
            class_name="facts",
        )),
        rx.cond(plan.missing.length() > 0, rx.el.div(
            rx.el.h3(t("overview.missing_heading"), class_name="subheading"),
            rx.el.ul(rx.foreach(plan.missing, _missing), class_name="missing-list"),
        )),
        rx.el.button(t("workspace.open"), rx.el.span(" ", plan.owner_name, class_name="visually-hidden"),
                     type="button", on_click=WorkspaceState.open_plan(index), class_name="button"),
        class_name="card stack",
    )


def workspace_page() -> rx.Component:
    return rx.fragment(
        plain_link(t("skip.to_main"), href="#main", class_name="skip-link"),
        app_header(),
        rx.el.main(
            rx.el.h1(t("workspace.title"), class_name="page-title"),
            rx.el.p(t("workspace.intro"), class_name="lead"),
            when_loaded(
                "/planer",
                rx.cond(WorkspaceState.plans.length() > 0, rx.cond(WorkspaceState.plans[0].coordinated, link(
                    icon("inbox"), rx.el.span(t("inbox.open")), href="/innboks", class_name="action-link"))),
                rx.cond(WorkspaceState.plans.length() > 0,
                        rx.el.div(rx.foreach(WorkspaceState.plans, _plan), class_name="stack"),
                        rx.el.p(t("error.no_plan"), class_name="muted")),
            ),
            id="main", tab_index=-1, class_name="main",
        ),
        bottom_nav("/planer"),
    )
