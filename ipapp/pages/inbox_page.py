"""Innboks: the coordinator's messages across her plans, the longest wait first."""

import reflex as rx

from ipapp.components.cards import when_loaded
from ipapp.components.shell import app_header, bottom_nav, plain_link
from ipapp.components.text import t
from ipapp.pages.plan_pages import _part
from ipapp.state.inbox import InboxState

FILTER_KEYS = (("waiting", "inbox.show_waiting"), ("handled", "inbox.show_handled"), ("all", "inbox.show_all"))


def _filter(value: str, key: str) -> rx.Component:
    return rx.el.button(t(key), type="button", on_click=InboxState.filter_by(value),
                        aria_pressed=rx.cond(InboxState.show == value, "true", "false"),
                        class_name=rx.cond(InboxState.show == value, "button", "button button-secondary"))


def _item(item, index) -> rx.Component:
    choice = index.to_string()
    field_id = "inbox-answer-" + choice + "-body"
    return rx.el.article(
        rx.el.h2(item.subject),
        rx.el.p(rx.el.span(t("inbox.plan_of"), " ", class_name="label"), item.owner_name, class_name="detail"),
        rx.cond(item.waiting, rx.el.p(t("messages.awaiting_reply"), class_name="badge")),
        rx.cond(item.unread > 0, rx.el.p(t("messages.unread"), ": ", item.unread.to_string(), class_name="badge")),
        rx.el.p(rx.el.strong(item.last_sender), " · ", item.last_sent, class_name="detail"),
        rx.el.p(rx.foreach(item.last_parts, _part), class_name="prewrap"),
        rx.el.form(
            rx.el.input(type="hidden", name="choice", value=choice),
            rx.el.label(t("messages.reply_label"), html_for=field_id),
            rx.el.textarea(id=field_id, name="body", rows=3, class_name="input"),
            rx.el.button(t("messages.send"), type="submit", class_name="button"),
            on_submit=InboxState.answer, reset_on_submit=False, id="inbox-answer-" + choice, class_name="stack",
        ),
        rx.el.button(rx.cond(item.handled, t("messages.reopen"), t("messages.mark_handled")), type="button",
                     on_click=InboxState.handled(choice), class_name="button button-secondary"),
        class_name="card stack",
    )


def inbox_page() -> rx.Component:
    return rx.fragment(
        plain_link(t("skip.to_main"), href="#main", class_name="skip-link"),
        app_header(),
        rx.el.main(
            rx.el.h1(t("inbox.title"), class_name="page-title"),
            rx.el.div(*[_filter(v, k) for v, k in FILTER_KEYS], class_name="button-row", role="group",
                      aria_label=t("inbox.filter")),
            rx.cond(InboxState.plan_options.length() > 1, rx.el.form(
                rx.el.label(t("inbox.which_plan"), html_for="inbox-plan"),
                rx.el.select(rx.el.option(t("inbox.every_plan"), value=""),
                             rx.foreach(InboxState.plan_options, lambda o: rx.el.option(o[1], value=o[0])),
                             id="inbox-plan", name="only_plan", class_name="input"),
                rx.el.button(t("inbox.filter_apply"), type="submit", class_name="button button-secondary"),
                on_submit=InboxState.filter_plan, reset_on_submit=False, class_name="stack",
            )),
            rx.el.div(
                rx.cond(InboxState.notice != "", rx.el.p(InboxState.notice, role="status", class_name="notice")),
                rx.cond(InboxState.problem != "",
                        rx.el.p(InboxState.problem, role="alert", class_name="notice notice-error")),
                id="inbox-result", tab_index=-1,
            ),
            when_loaded(
                "/innboks",
                rx.cond(InboxState.items.length() > 0,
                        rx.el.div(rx.foreach(InboxState.items, _item), class_name="stack"),
                        rx.el.p(t("inbox.empty"), class_name="muted")),
            ),
            id="main", tab_index=-1, class_name="main",
        ),
        bottom_nav("/meldinger"),
    )
