"""/meg/varsler: reminders on this phone, which reminders, what was sent, the next meeting
offline, and the private calendar feed (issue 12)."""

import reflex as rx

from ipapp.components.cards import when_loaded
from ipapp.components.shell import icon, link, page_shell
from ipapp.components.text import t
from ipapp.pages.calendar_feed_card import calendar_feed_card
from ipapp.pages.offline_card import offline_card
from ipapp.state.alerts import AlertsState

ALERTS_ROUTE = "/meg/varsler"


def alerts_page() -> rx.Component:
    return page_shell(
        t("alerts.title"),
        "/meg",
        when_loaded(ALERTS_ROUTE, _devices_section(), _preferences_section(), _sent_section()),
        offline_card(),
        calendar_feed_card(),
        link(icon("arrow-left"), rx.el.span(t("alerts.back_to_me")), href="/meg", class_name="action-link"),
    )


def _result(area_id: str, notice, problem) -> rx.Component:
    return rx.el.div(
        rx.cond(notice != "", rx.el.p(notice, role="status", class_name="notice")),
        rx.cond(problem != "", rx.el.p(problem, role="alert", class_name="notice notice-error")),
        id=area_id, tab_index=-1,
    )


def _support_note() -> rx.Component:
    """What this browser cannot do, said plainly (iOS: only from the home screen)."""
    return rx.match(
        AlertsState.support,
        ("ios_home_screen", rx.el.p(t("alerts.ios_home_screen"), class_name="notice")),
        ("unsupported", rx.el.p(t("alerts.unsupported"), class_name="notice")),
        ("denied", rx.el.p(t("alerts.denied_in_browser"), class_name="notice")),
        rx.fragment(),
    )


def _device_row(row, index) -> rx.Component:
    # The browser names a device by its place in the list (AlertsState._device_ids), never by its id.
    return rx.el.li(
        rx.el.p(rx.el.strong(row.label), rx.cond(row.current, rx.el.span(" (", t("alerts.this_device"), ")"))),
        rx.el.p(row.added, class_name="detail"),
        rx.el.div(
            # Named for its device, its visible words first ("Send et prøvevarsel: Chrome på Android"):
            # a hidden span after them would be read with a stray space before the colon.
            rx.el.button(t("alerts.send_test"), aria_label=t("alerts.send_test") + ": " + row.label,
                         type="button", on_click=AlertsState.send_test(index), class_name="button button-secondary"),
            rx.el.button(t("alerts.turn_off"), aria_label=t("alerts.turn_off") + ": " + row.label,
                         type="button", on_click=AlertsState.turn_off(index), class_name="button button-secondary"),
            class_name="button-row",
        ),
        class_name="access-row",
    )


def _devices_section() -> rx.Component:
    return rx.el.section(
        rx.el.h2(t("alerts.devices_heading"), id="alerts-devices-heading"),
        rx.el.p(t("alerts.explained"), class_name="detail"),
        _support_note(),
        _result("alerts-result", AlertsState.notice, AlertsState.problem),
        rx.cond(
            AlertsState.devices.length() > 0,
            rx.el.ul(rx.foreach(AlertsState.devices, _device_row), class_name="plain-list card"),
            rx.el.p(t("alerts.no_devices"), class_name="muted"),
        ),
        rx.cond(
            ~AlertsState.this_device_on & (AlertsState.support != "unsupported") & (AlertsState.support != "ios_home_screen"),
            rx.el.button(
                rx.cond(AlertsState.busy, t("alerts.turning_on"), t("alerts.turn_on")),
                type="button",
                disabled=AlertsState.busy | (AlertsState.subscribe_script == ""),
                on_click=[AlertsState.turn_on_started,
                          rx.call_script(AlertsState.subscribe_script, callback=AlertsState.turn_on_result)],
                class_name="button",
            ),
        ),
        aria_labelledby="alerts-devices-heading",
    )


def _offset_select(name: str, label_key: str, value) -> rx.Component:
    field_id = "preferences-" + name.replace("_", "-")
    problem = AlertsState.form_problems.get(name, "")
    error_id = field_id + "-problem"
    return rx.el.div(
        rx.el.label(t(label_key), html_for=field_id),
        rx.el.select(
            rx.foreach(AlertsState.offsets, lambda label, i: rx.el.option(label, value=i.to_string())),
            rx.el.option(t("alerts.offset.off"), value="off"),
            id=field_id, name=name, default_value=value, class_name="input",
            aria_invalid=rx.cond(problem != "", "true", "false"), aria_describedby=rx.cond(problem != "", error_id, ""),
        ),
        rx.cond(problem != "", rx.el.p(problem, id=error_id, class_name="field-problem")),
        class_name="field",
    )


def _switch(name: str, label_key: str, checked) -> rx.Component:
    return rx.el.label(
        rx.el.input(type="checkbox", name=name, value="on", default_checked=checked),
        rx.el.span(t(label_key)),
        class_name="choice",
    )


def _preferences_section() -> rx.Component:
    return rx.el.section(
        rx.el.h2(t("alerts.which_heading"), id="alerts-which-heading"),
        _result("preferences-result", AlertsState.preferences_notice, AlertsState.preferences_problem),
        rx.el.form(
            rx.el.fieldset(
                rx.el.legend(t("alerts.meetings_legend")),
                _offset_select("meeting_first", "alerts.meeting_first", AlertsState.meeting_first),
                _offset_select("meeting_second", "alerts.meeting_second", AlertsState.meeting_second),
            ),
            rx.el.fieldset(
                rx.el.legend(t("alerts.other_legend")),
                _switch("new_message", "alerts.new_message", AlertsState.new_message),
                rx.cond(AlertsState.review_due_offered,
                        _switch("review_due", "alerts.review_due", AlertsState.review_due)),
                rx.cond(AlertsState.access_ending_offered,
                        _switch("access_ending", "alerts.access_ending", AlertsState.access_ending)),
            ),
            rx.el.button(t("alerts.save"), type="submit", class_name="button"),
            on_submit=AlertsState.save_preferences,
            reset_on_submit=False,
            class_name="stack",
        ),
        aria_labelledby="alerts-which-heading",
    )


def _sent_row(row) -> rx.Component:
    return rx.el.li(
        link(row.title, href=row.url),
        rx.el.p(t("alerts.sent_at"), " ", row.sent, class_name="detail"),
        class_name="access-row",
    )


def _sent_section() -> rx.Component:
    return rx.el.section(
        rx.el.h2(t("alerts.sent_heading"), id="alerts-sent-heading"),
        rx.cond(
            AlertsState.sent.length() > 0,
            rx.el.ul(rx.foreach(AlertsState.sent, _sent_row), class_name="plain-list card"),
            rx.el.p(t("alerts.none_sent"), class_name="muted"),
        ),
        aria_labelledby="alerts-sent-heading",
    )
