""""Hvem har sett planen min": the owner's view of the access log."""

import reflex as rx

from ipapp.components.shell import page_shell, status_line
from ipapp.components.text import t
from ipapp.state.access_log import AccessLogState


def _row(row) -> rx.Component:
    return rx.el.li(
        rx.el.p(rx.el.strong(row.who)),
        rx.el.p(rx.cond(row.denied, rx.el.span(t("accesslog.denied_mark"), " ", class_name="label")),
                row.what),
        rx.el.p(row.when, class_name="detail"),
        class_name="access-row",
    )


def access_log_page() -> rx.Component:
    return page_shell(
        t("accesslog.title"),
        "/deling",
        # Someone who may not see the log gets the refusal alone, not the owner's wording and filter.
        rx.cond(
            AccessLogState.problem != "",
            rx.el.p(AccessLogState.problem, role="alert", class_name="notice notice-error"),
            rx.cond(AccessLogState.loaded, _the_log(), status_line(t("status.loading"))),
        ),
    )


def _the_log() -> rx.Component:
    return rx.fragment(
        rx.el.p(t("accesslog.intro_own"), class_name="lead"),
        rx.el.div(
            rx.el.label(t("accesslog.filter"), html_for="log-person"),
            rx.el.select(
                rx.el.option(t("accesslog.everyone"), value="0"),
                rx.foreach(AccessLogState.people,
                           lambda p: rx.el.option(p.name, value=p.id.to_string())),
                id="log-person",
                value=AccessLogState.only_person.to_string(),
                on_change=AccessLogState.filter_person,
                class_name="input",
            ),
            class_name="field",
        ),
        rx.cond(
            AccessLogState.rows.length() > 0,
            rx.el.ul(rx.foreach(AccessLogState.rows, _row), class_name="plain-list card"),
            rx.el.p(t("accesslog.none"), class_name="muted"),
        ),
        rx.el.nav(
            rx.cond(AccessLogState.has_previous,
                    rx.el.button(t("accesslog.previous"), type="button",
                                 on_click=AccessLogState.go_to_page(AccessLogState.page - 1),
                                 class_name="button button-secondary")),
            rx.cond(AccessLogState.has_next,
                    rx.el.button(t("accesslog.next"), type="button",
                                 on_click=AccessLogState.go_to_page(AccessLogState.page + 1),
                                 class_name="button button-secondary")),
            aria_label=t("accesslog.paging"),
            class_name="actions",
        ),
    )
