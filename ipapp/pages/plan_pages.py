"""The messages. A link to one conversation (/meldinger?plan=P&samtale=T, from a reminder) marks
it and moves focus to it (PlanState.load_threads)."""

import reflex as rx

from ipapp.components.forms import edit_form, edit_result, field, hidden, may_write
from ipapp.components.shell import page_shell, plain_link
from ipapp.state.editing import EditState
from ipapp.components.text import t
from ipapp.pages.meetings_page import link_missing_notice, linked_class
from ipapp.state.plan import PlanState


def _part(part) -> rx.Component:
    """Text as text; a link as a link that leaves ipapp safely. Never HTML from a person."""
    return rx.cond(part.href != "",
                   plain_link(part.text, href=part.href, rel="noopener noreferrer nofollow", target="_blank"),
                   rx.el.span(part.text))


def _message(message) -> rx.Component:
    return rx.el.li(
        rx.el.p(rx.el.strong(message.sender_name), " · ", message.sent, class_name="detail"),
        rx.el.p(rx.foreach(message.parts, _part), class_name="prewrap"),
        class_name=rx.cond(message.from_me, "message message-mine", "message"),
    )


def _reply_form(thread) -> rx.Component:
    key = "reply:" + thread.id.to_string()
    return edit_form(key, EditState.reply_thread, hidden("thread_id", thread.id.to_string()),
                     field(key, "body", "messages.reply_label", rows=3, required=True),
                     submit_key="messages.send")


def _thread(thread) -> rx.Component:
    return rx.el.article(
        rx.el.h2(thread.subject),
        rx.cond(thread.unread > 0, rx.el.p(t("messages.unread"), ": ", thread.unread.to_string(), class_name="badge")),
        rx.cond(thread.awaiting_reply, rx.el.p(t("messages.awaiting_reply"), class_name="badge")),
        rx.cond(thread.handled, rx.el.p(t("messages.handled"), class_name="badge")),
        rx.el.ol(rx.foreach(thread.messages, _message), class_name="plain-list"),
        rx.cond(may_write("messages"), rx.el.details(rx.el.summary(t("messages.reply")), _reply_form(thread))),
        rx.cond(may_write("message_handling"), rx.el.button(
            rx.cond(thread.handled, t("messages.reopen"), t("messages.mark_handled")), type="button",
            on_click=EditState.mark_handled(thread.id, ~thread.handled), class_name="button button-secondary")),
        id="samtale-" + thread.id.to_string(),
        class_name=linked_class(thread.id, "card stack"),
    )


def messages_page() -> rx.Component:
    return page_shell(
        t("messages.title"),
        "/meldinger",
        link_missing_notice("pwa.link.thread_missing"),
        edit_result(),
        rx.cond(may_write("messages"), rx.el.details(
            rx.el.summary(t("messages.new")),
            edit_form("thread:new", EditState.start_thread,
                      field("thread:new", "subject", "messages.subject", required=True, max_length=300),
                      field("thread:new", "body", "messages.body", rows=4, required=True),
                      submit_key="messages.send"),
            class_name="card",
        )),
        rx.cond(
            PlanState.threads.length() > 0,
            rx.el.div(rx.foreach(PlanState.threads, _thread), class_name="stack"),
            rx.el.p(t("messages.none"), class_name="muted"),
        ),
    )
