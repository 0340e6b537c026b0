""""Vikar for koordinator": the coordinating unit names a stand-in for a dated period."""

import reflex as rx

from ipapp.components.cards import when_loaded
from ipapp.components.shell import app_header, bottom_nav, plain_link
from ipapp.components.text import t
from ipapp.state.substitutes import SubstituteState


def _select(name: str, label_key: str, options) -> rx.Component:
    return rx.el.div(
        rx.el.label(t(label_key), html_for=f"substitute-{name}"),
        rx.el.select(rx.foreach(options, lambda o: rx.el.option(o[1], value=o[0])), id=f"substitute-{name}",
                     name=name, class_name="input"),
        class_name="field",
    )


def _date(name: str, label_key: str) -> rx.Component:
    problem = SubstituteState.problems.get(name, "")
    return rx.el.div(
        rx.el.label(t(label_key), html_for=f"substitute-{name}"),
        rx.el.input(type="date", id=f"substitute-{name}", name=name, class_name="input",
                    aria_invalid=rx.cond(problem != "", "true", "false")),
        rx.cond(problem != "", rx.el.p(problem, class_name="field-problem")),
        class_name="field",
    )


def _current(item, index) -> rx.Component:
    return rx.el.li(
        rx.el.p(rx.el.strong(item.person_name), " – ", t("substitute.for"), " ", item.plan_owner),
        rx.el.p(item.period, class_name="detail"),
        rx.el.button(t("substitute.end"), type="button", on_click=SubstituteState.end(index.to_string()),
                     class_name="button button-secondary"),
        class_name="access-row",
    )


def substitute_page() -> rx.Component:
    return rx.fragment(
        plain_link(t("skip.to_main"), href="#main", class_name="skip-link"),
        app_header(),
        rx.el.main(
            rx.el.h1(t("substitute.title"), class_name="page-title"),
            rx.el.div(rx.cond(SubstituteState.notice != "", rx.el.p(SubstituteState.notice, role="status",
                                                                    class_name="notice")),
                      rx.cond(SubstituteState.problems.get("person", "") != "",
                              rx.el.p(SubstituteState.problems.get("person", ""), role="alert",
                                      class_name="notice notice-error")),
                      id="substitute-result", tab_index=-1),
            when_loaded("/vikar", rx.cond(SubstituteState.allowed, rx.fragment(
                rx.el.p(t("substitute.intro"), class_name="lead"),
                rx.el.form(
                    _select("plan", "substitute.plan", SubstituteState.plan_options),
                    _select("person", "substitute.person", SubstituteState.person_options),
                    _date("valid_from", "substitute.from"),
                    _date("valid_until", "substitute.until"),
                    rx.el.button(t("substitute.add"), type="submit", class_name="button"),
                    on_submit=SubstituteState.add, reset_on_submit=False, class_name="stack card", no_validate=True,
                ),
                rx.el.h2(t("substitute.current")),
                rx.cond(SubstituteState.current.length() > 0,
                        rx.el.ul(rx.foreach(SubstituteState.current, _current), class_name="plain-list card"),
                        rx.el.p(t("substitute.none"), class_name="muted")),
            ), rx.el.p(t("error.not_available"), class_name="muted"))),
            id="main", tab_index=-1, class_name="main",
        ),
        bottom_nav("/meg"),
    )
