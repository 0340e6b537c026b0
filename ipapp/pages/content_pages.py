"""The contacts (kept by the coordinator), "Om meg" (the owner's own words), "Mine notater"
(private unless she shares them) and an item's history."""

import reflex as rx

from ipapp.components.cards import contact_card, when_loaded
from ipapp.components.forms import (
    choice_field,
    confirm,
    edit_form,
    edit_result,
    field,
    hidden,
    history_link,
    may_write,
    version_field,
)
from ipapp.components.shell import icon, link, page_shell
from ipapp.components.text import t
from ipapp.domain.vocabulary import ContactRole
from ipapp.state.editing import EditState
from ipapp.state.plan import PlanState

ROLES = [(r.value, f"contact.role.{r.value}") for r in ContactRole]


def _contact_fields(key, contact=None) -> list[rx.Component]:
    def value(name: str):
        return getattr(contact, name) if contact is not None else ""

    return [
        choice_field(key, "role", "field.contact.role", value("role") if contact is not None else "provider", ROLES),
        field(key, "name", "field.contact.name", value=value("name"), required=True, max_length=200),
        field(key, "title", "field.contact.title", value=value("title")),
        field(key, "organisation", "field.contact.organisation", value=value("organisation")),
        field(key, "phone", "field.contact.phone", value=value("phone"), kind="tel"),
        field(key, "email", "field.contact.email", value=value("email"), kind="email"),
    ]


def _contact(contact) -> rx.Component:
    key = "contact:" + contact.id.to_string()
    return rx.el.div(
        contact_card(contact),
        history_link("/historikk/kontakt/" + contact.id.to_string(), contact.name),
        rx.cond(may_write("contacts"), rx.fragment(
            rx.el.details(
                rx.el.summary(t("edit.contact_edit")),
                edit_form(key, EditState.save_contact, hidden("contact_id", contact.id.to_string()),
                          version_field(key), *_contact_fields(key, contact)),
            ),
            rx.el.form(hidden("contact_id", contact.id.to_string()), version_field(key),
                       confirm("edit.contact_delete", "edit.contact_delete_explained", "edit.contact_delete_confirm"),
                       on_submit=EditState.delete_contact, reset_on_submit=False),
        )),
        class_name="stack",
    )


def contacts_page() -> rx.Component:
    return page_shell(
        t("contacts.title"),
        "/",
        edit_result(),
        when_loaded("/kontakter", rx.cond(
            PlanState.contacts.length() > 0,
            rx.el.div(rx.foreach(PlanState.contacts, _contact), class_name="stack"),
            rx.el.p(t("contacts.none"), class_name="muted"),
        )),
        rx.cond(may_write("contacts"), rx.el.details(
            rx.el.summary(t("edit.contact_add")),
            edit_form("contact:new", EditState.add_contact, *_contact_fields("contact:new"),
                      submit_key="edit.contact_add"),
            class_name="card",
        )),
    )


def _about_text(label_key: str, value) -> rx.Component:
    return rx.fragment(rx.el.h2(t(label_key)),
                       rx.cond(value != "", rx.el.p(value, class_name="prewrap"),
                               rx.el.p(t("about.not_written"), class_name="muted")))


def about_page() -> rx.Component:
    about = PlanState.about
    return page_shell(
        t("about.title"),
        "/",
        edit_result(),
        when_loaded("/om-meg", rx.cond(about, rx.fragment(
            rx.el.p(t("about.intro"), class_name="lead"),
            _about_text("field.about_me.what_matters", about.what_matters),
            _about_text("field.about_me.resources", about.resources),
            _about_text("field.about_me.needs", about.needs),
            rx.cond(about.updated != "", rx.el.p(t("about.updated"), " ", about.updated, class_name="detail")),
            rx.cond(about.version > 0, link(icon("history"), rx.el.span(t("history.open")),
                                            href="/historikk/om-meg/0", class_name="action-link")),
            rx.cond(may_write("about"), rx.el.details(
                rx.el.summary(t("edit.about_edit")),
                edit_form("about", EditState.save_about, version_field("about"),
                          field("about", "what_matters", "field.about_me.what_matters", value=about.what_matters,
                                rows=4),
                          field("about", "resources", "field.about_me.resources", value=about.resources, rows=4),
                          field("about", "needs", "field.about_me.needs", value=about.needs, rows=4)),
                class_name="card",
            )),
        ))),
        link(icon("arrow-left"), rx.el.span(t("goal.back")), href="/", class_name="action-link"),
    )


def _note(note) -> rx.Component:
    key = "note:" + note.id.to_string()
    return rx.el.article(
        rx.el.p(note.body, class_name="prewrap"),
        rx.el.p(t("notes.written"), " ", note.written,
                rx.cond(note.edited != "", rx.el.span(" · ", t("notes.edited"), " ", note.edited)), class_name="detail"),
        rx.cond(may_write("notes"), rx.fragment(
            rx.el.details(
                rx.el.summary(t("edit.note_edit")),
                edit_form(key, EditState.save_note, hidden("note_id", note.id.to_string()), version_field(key),
                          field(key, "body", "field.note.body", value=note.body, rows=4, required=True)),
            ),
            confirm("edit.note_delete", "edit.note_delete_explained", "edit.note_delete_confirm",
                    EditState.delete_note(note.id)),
        )),
        class_name="card",
    )


def notes_page() -> rx.Component:
    return page_shell(
        t("notes.title"),
        "/",
        rx.el.p(t("notes.private"), class_name="lead"),
        edit_result(),
        rx.cond(may_write("notes"), rx.el.details(
            rx.el.summary(t("edit.note_add")),
            edit_form("note:new", EditState.add_note,
                      field("note:new", "body", "field.note.body", rows=4, required=True)),
            class_name="card",
        )),
        when_loaded("/notater", rx.cond(
            PlanState.notes.length() > 0,
            rx.el.div(rx.foreach(PlanState.notes, _note), class_name="stack"),
            rx.el.p(t("notes.none"), class_name="muted"),
        )),
        link(icon("arrow-left"), rx.el.span(t("goal.back")), href="/", class_name="action-link"),
    )


def _field_change(change) -> rx.Component:
    return rx.el.li(
        rx.el.p(rx.el.strong(change.label)),
        rx.cond(change.before != "", rx.el.p(rx.el.span(t("history.before"), ": ", class_name="label"),
                                             rx.el.del_(change.before, class_name="prewrap"), class_name="detail")),
        rx.el.p(rx.el.span(t("history.after"), ": ", class_name="label"),
                rx.el.ins(change.after, class_name="prewrap"), class_name="detail"),
    )


def _entry(entry) -> rx.Component:
    return rx.el.article(
        rx.el.h2(entry.change_label, " · ", entry.when),
        rx.el.p(t("history.by"), " ", entry.who, class_name="detail"),
        rx.cond(entry.fields.length() > 0,
                rx.el.ul(rx.foreach(entry.fields, _field_change), class_name="plain-list")),
        class_name="card",
    )


def history_page() -> rx.Component:
    view = PlanState.history
    return page_shell(
        rx.cond(view, t("history.title") + ": " + view.title, t("history.title")),
        "/",
        when_loaded("/historikk/[kind]/[item_id]",
                    rx.cond(view, rx.el.div(rx.foreach(view.steps, _entry), class_name="stack"))),
        link(icon("arrow-left"), rx.el.span(t("goal.back")), href="/", class_name="action-link"),
    )
