"""A goal with its measures, the contacts, the meetings, the messages and the sharing list."""

import reflex as rx

from ipapp.components.cards import contact_card, measure_detail, meeting_card
from ipapp.components.shell import icon, link, page_shell
from ipapp.components.text import t
from ipapp.state.plan import PlanState
from ipapp.state.sharing import SharingState


def goal_page() -> rx.Component:
    goal = PlanState.goal
    return page_shell(
        rx.cond(goal, goal.title, t("goal.title_fallback")),
        "/",
        rx.cond(
            goal,
            rx.fragment(
                rx.el.p(goal.status_label, class_name="badge"),
                rx.cond(goal.description != "", rx.el.p(goal.description, class_name="lead")),
                rx.el.h2(t("goal.measures")),
                rx.cond(
                    goal.measures.length() > 0,
                    rx.el.div(rx.foreach(goal.measures, measure_detail), class_name="stack"),
                    rx.el.p(t("goal.no_measures"), class_name="muted"),
                ),
            ),
        ),
        link(icon("arrow-left"), rx.el.span(t("goal.back")), href="/", class_name="action-link"),
    )


def contacts_page() -> rx.Component:
    return page_shell(
        t("contacts.title"),
        "/",
        rx.cond(
            PlanState.contacts.length() > 0,
            rx.el.div(rx.foreach(PlanState.contacts, contact_card), class_name="stack"),
            rx.el.p(t("contacts.none"), class_name="muted"),
        ),
    )


def _meeting_list(meetings, empty_key: str) -> rx.Component:
    return rx.cond(
        meetings.length() > 0,
        rx.el.div(rx.foreach(meetings, lambda m: meeting_card(m)), class_name="stack"),
        rx.el.p(t(empty_key), class_name="muted"),
    )


def meetings_page() -> rx.Component:
    return page_shell(
        t("meetings.title"),
        "/moter",
        rx.el.h2(t("meetings.upcoming")),
        _meeting_list(PlanState.upcoming_meetings, "meetings.none_upcoming"),
        rx.el.h2(t("meetings.past")),
        _meeting_list(PlanState.past_meetings, "meetings.none_past"),
    )


def _message(message) -> rx.Component:
    return rx.el.li(
        rx.el.p(rx.el.strong(message.sender_name), " · ", message.sent, class_name="detail"),
        rx.el.p(message.body, class_name="prewrap"),
        class_name=rx.cond(message.from_me, "message message-mine", "message"),
    )


def _thread(thread) -> rx.Component:
    return rx.el.article(
        rx.el.h2(thread.subject),
        rx.cond(thread.awaiting_reply, rx.el.p(t("messages.awaiting_reply"), class_name="badge")),
        rx.el.ol(rx.foreach(thread.messages, _message), class_name="plain-list"),
        class_name="card",
    )


def messages_page() -> rx.Component:
    return page_shell(
        t("messages.title"),
        "/meldinger",
        rx.cond(
            PlanState.threads.length() > 0,
            rx.el.div(rx.foreach(PlanState.threads, _thread), class_name="stack"),
            rx.el.p(t("messages.none"), class_name="muted"),
        ),
    )


def _access_card(access) -> rx.Component:
    return rx.el.article(
        rx.el.h3(access.person_name),
        rx.cond(access.relation != "", rx.el.p(access.relation, class_name="detail")),
        rx.el.p(access.status_label, class_name="badge"),
        rx.el.p(rx.el.span(t("sharing.sections"), ": ", class_name="label"), access.sections,
                class_name="detail"),
        rx.el.p(rx.el.span(t("access.until"), " ", class_name="label"), access.until,
                class_name="detail"),
        rx.cond(
            access.is_revocable,
            rx.el.details(
                rx.el.summary(t("sharing.revoke")),
                rx.el.p(t("sharing.revoke_explained")),
                rx.el.button(t("sharing.revoke_confirm"), type="button",
                             on_click=SharingState.revoke(access.grant_id), class_name="button button-danger"),
            ),
        ),
        class_name="card",
    )


def _choice(input_type: str, name: str, value: str, label, checked: bool = False) -> rx.Component:
    return rx.el.label(
        rx.el.input(type=input_type, name=name, value=value, default_checked=checked),
        rx.el.span(label),
        class_name="choice",
    )


def _grant_form() -> rx.Component:
    return rx.el.form(
        rx.el.fieldset(
            rx.el.legend(t("sharing.who")),
            rx.foreach(
                SharingState.grantees,
                lambda g: _choice("radio", "grantee", g.person_id.to_string(),
                                  rx.cond(g.relation != "", g.name + " (" + g.relation + ")", g.name)),
            ),
        ),
        rx.el.fieldset(
            rx.el.legend(t("sharing.which_sections")),
            # Only the sections this person may give (a guardian is never offered the owner's notes).
            rx.foreach(SharingState.sections,
                       lambda c: _choice("checkbox", "section_" + c.key, "on", c.label)),
        ),
        rx.el.fieldset(
            rx.el.legend(t("sharing.until_when")),
            *[_choice("radio", "duration", value, t(f"sharing.duration.{value}"), value == "3m")
              for value in ("1m", "3m", "6m", "12m", "date")],
            rx.el.label(t("sharing.pick_date"), html_for="sharing-end-date"),
            rx.el.input(id="sharing-end-date", name="end_date", type="date", class_name="input"),
        ),
        rx.el.label(t("sharing.purpose"), html_for="sharing-purpose"),
        rx.el.input(id="sharing-purpose", name="purpose", max_length=500, class_name="input"),
        rx.el.button(t("sharing.save"), type="submit", class_name="button"),
        on_submit=SharingState.add_grant,
        reset_on_submit=False,
        id="grant-form",
        class_name="stack card",
    )


def sharing_page() -> rx.Component:
    return page_shell(
        t("sharing.title"),
        "/deling",
        rx.el.p(t("sharing.intro"), class_name="lead"),
        rx.cond(SharingState.notice != "", rx.el.p(SharingState.notice, role="status", class_name="notice")),
        rx.cond(SharingState.problem != "",
                rx.el.p(SharingState.problem, role="alert", class_name="notice notice-error")),
        link(icon("file-pen-line"), rx.el.span(t("consent.open")), href="/samtykke", class_name="action-link"),
        link(icon("eye"), rx.el.span(t("accesslog.open")), href="/innsyn", class_name="action-link"),
        rx.el.h2(t("sharing.current")),
        rx.cond(
            PlanState.access.length() > 0,
            rx.el.div(rx.foreach(PlanState.access, _access_card), class_name="stack"),
            rx.el.p(t("overview.no_access"), class_name="muted"),
        ),
        rx.el.h2(t("sharing.give")),
        _grant_form(),
    )
