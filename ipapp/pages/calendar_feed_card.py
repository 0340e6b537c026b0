"""The private calendar feed on /meg/varsler (issue 12, item 6): what it is, whether hers is on,
and the buttons to make, replace or turn off the link. A new link is shown once, in a read-only
field with a copy button and a webcal:// link that opens it in the phone's calendar."""

import reflex as rx

from ipapp.components.shell import icon, plain_link, status_line
from ipapp.components.text import t
from ipapp.state.calendar_feed import COPY_SCRIPT, LINK_ID, RESULT_ID, CalendarFeedState as Feed

HINT_ID = "calfeed-link-hint"


def _status() -> rx.Component:
    return rx.el.div(
        rx.el.p(rx.el.strong(Feed.status_text)),
        rx.cond(Feed.used_text != "", rx.el.p(Feed.used_text, class_name="detail")),
    )


def _new_link() -> rx.Component:
    """Shown once, right after it is made."""
    return rx.cond(
        Feed.link != "",
        rx.el.div(
            rx.el.label(t("calfeed.link_label"), html_for=LINK_ID, class_name="label"),
            rx.el.p(t("calfeed.link_once"), id=HINT_ID, class_name="detail"),
            rx.el.input(id=LINK_ID, value=Feed.link, read_only=True, type="text", auto_complete="off",
                        spell_check=False, aria_describedby=HINT_ID, class_name="input"),
            rx.el.div(
                rx.el.button(t("calfeed.copy"), type="button",
                             on_click=rx.call_script(COPY_SCRIPT, callback=Feed.copy_result), class_name="button"),
                plain_link(icon("calendar-plus"), rx.el.span(t("calfeed.open_in_calendar")), href=Feed.webcal_link,
                        class_name="action-link"),
                class_name="button-row",
            ),
            class_name="field",
        ),
    )


def _buttons() -> rx.Component:
    return rx.cond(
        Feed.feed_on,
        rx.el.div(
            rx.el.button(t("calfeed.make_new"), type="button", on_click=Feed.make_link,
                         class_name="button button-secondary"),
            rx.el.button(t("calfeed.turn_off"), type="button", on_click=Feed.turn_off,
                         class_name="button button-secondary"),
            class_name="button-row",
        ),
        rx.el.button(t("calfeed.make"), type="button", on_click=Feed.make_link, class_name="button"),
    )


def calendar_feed_card() -> rx.Component:
    return rx.el.section(
        rx.el.h2(t("calfeed.heading"), id="calfeed-heading"),
        rx.el.p(t("calfeed.explained")),
        rx.el.p(t("calfeed.keep_secret")),
        rx.el.div(
            rx.cond(Feed.notice != "", rx.el.p(Feed.notice, role="status", class_name="notice")),
            rx.cond(Feed.problem != "", rx.el.p(Feed.problem, role="alert", class_name="notice notice-error")),
            id=RESULT_ID, tab_index=-1,
        ),
        rx.cond(Feed.loaded, rx.fragment(_status(), _new_link(), _buttons()), status_line(t("status.loading"))),
        aria_labelledby="calfeed-heading",
        class_name="card",
        # The link must not outlive the card on screen: leaving the page clears it from the state.
        on_unmount=Feed.forget_link,
    )
