"""The meetings and the messages."""

import reflex as rx

from ipapp.components.cards import meeting_card
from ipapp.components.shell import page_shell
from ipapp.components.text import t
from ipapp.state.plan import PlanState


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
