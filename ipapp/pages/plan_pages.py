"""A goal with its measures, the contacts, the meetings and the messages."""

import reflex as rx

from ipapp.components.cards import contact_card, measure_detail, meeting_card
from ipapp.components.shell import icon, link, page_shell
from ipapp.components.text import t
from ipapp.state.plan import PlanState


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
