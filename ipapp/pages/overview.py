"""The overview: what am I working towards, what happens next, who can see my plan."""

import reflex as rx

from ipapp.components.cards import meeting_card
from ipapp.components.forms import edit_result
from ipapp.pages.plan_sections import changes_section, goals_section, missing_section, plan_section
from ipapp.components.shell import icon, link, page_shell
from ipapp.components.text import t
from ipapp.state.plan import PlanState
from ipapp.state.sharing import SharingState
from ipapp.pages.offline_card import offline_refresher


def _next_meeting_section() -> rx.Component:
    return rx.el.section(
        rx.el.h2(t("overview.next_meeting_heading"), id="next-meeting-heading"),
        rx.cond(
            PlanState.next_meeting,
            meeting_card(PlanState.next_meeting, show_minutes=False),
            rx.el.p(t("overview.no_meetings"), class_name="muted"),
        ),
        link(icon("calendar-days"), rx.el.span(t("overview.all_meetings")), href="/moter",
             class_name="action-link"),
        aria_labelledby="next-meeting-heading",
    )


def _messages_section() -> rx.Component:
    return rx.el.section(
        rx.el.h2(t("overview.messages_heading"), id="messages-heading"),
        rx.cond(
            PlanState.threads_awaiting_reply > 0,
            rx.el.p(
                t("overview.awaiting_reply_count"), ": ", PlanState.threads_awaiting_reply.to_string()
            ),
            rx.el.p(t("overview.no_awaiting_reply"), class_name="muted"),
        ),
        link(icon("message-circle"), rx.el.span(t("overview.open_messages")), href="/meldinger",
             class_name="action-link"),
        aria_labelledby="messages-heading",
    )


def _access_row(access) -> rx.Component:
    return rx.el.li(
        rx.el.p(
            rx.el.strong(access.person_name),
            rx.cond(access.relation != "", rx.el.span(" (", access.relation, ")")),
        ),
        rx.el.p(access.sections, class_name="detail"),
        rx.el.p(t("access.until"), " ", access.until, " · ", access.status_label, class_name="detail"),
        class_name="access-row",
    )


def _ending_soon(item) -> rx.Component:
    return rx.el.div(
        rx.el.p(rx.el.strong(item.person_name), " – ", item.sections),
        rx.el.p(t("ending.last_day"), " ", item.last_day, class_name="detail"),
        rx.el.div(
            rx.el.button(t("ending.renew"), type="button", on_click=SharingState.renew(item.grant_id),
                         class_name="button button-secondary"),
            rx.el.button(t("ending.let_lapse_button"), type="button",
                         on_click=SharingState.let_lapse(item.grant_id), class_name="button button-secondary"),
            class_name="button-row",
        ),
        rx.el.p(t("ending.let_lapse"), class_name="detail"),
        class_name="notice",
        role="status",
    )


def _access_section() -> rx.Component:
    return rx.el.section(
        rx.el.h2(t("overview.access_heading"), id="access-heading"),
        rx.cond(SharingState.notice != "", rx.el.p(SharingState.notice, role="status", class_name="notice")),
        rx.foreach(PlanState.ending_soon, _ending_soon),
        rx.cond(
            PlanState.renewal_needed,
            rx.el.p(t("renewal.needed"), " ",
                    link(t("consent.open"), href="/samtykke"), class_name="notice", role="status"),
        ),
        rx.cond(
            PlanState.access.length() > 0,
            rx.el.ul(rx.foreach(PlanState.access, _access_row), class_name="plain-list card"),
            rx.el.p(t("overview.no_access"), class_name="muted"),
        ),
        link(icon("users"), rx.el.span(t("overview.open_sharing")), href="/deling",
             class_name="action-link"),
        aria_labelledby="access-heading",
    )


def _readable(section: str):
    return PlanState.readable_sections.contains(section)


def overview_page() -> rx.Component:
    return page_shell(
        PlanState.overview_title,
        "/",
        offline_refresher(),  # the installed app opens here: her offline copy is kept fresh
        rx.cond(PlanState.plan_closed, rx.el.p(t("overview.closed"), role="status", class_name="notice")),
        edit_result(),
        changes_section(),
        missing_section(),
        rx.cond(_readable("about"), rx.el.section(
            rx.el.h2(t("overview.about_heading"), id="about-heading"),
            link(icon("heart-handshake"), rx.el.span(t("overview.open_about")), href="/om-meg", class_name="action-link"),
            aria_labelledby="about-heading")),
        rx.cond(_readable("goals"), goals_section()),
        rx.cond(_readable("meetings"), _next_meeting_section()),
        rx.cond(_readable("messages"), _messages_section()),
        rx.cond(PlanState.may_manage_sharing, _access_section()),
        rx.cond(
            _readable("contacts"),
            rx.el.section(
                rx.el.h2(t("overview.contacts_heading"), id="contacts-heading"),
                link(icon("phone"), rx.el.span(t("overview.open_contacts")), href="/kontakter",
                     class_name="action-link"),
                aria_labelledby="contacts-heading",
            ),
        ),
        rx.cond(_readable("notes"), rx.el.section(
            rx.el.h2(t("overview.notes_heading"), id="notes-heading"),
            link(icon("notebook-pen"), rx.el.span(t("overview.open_notes")), href="/notater", class_name="action-link"),
            aria_labelledby="notes-heading")),
        rx.cond(PlanState.header, plan_section()),
    )
