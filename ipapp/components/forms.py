"""Form pieces for editing on a phone: a labelled field with its problem shown right under it
(linked with aria-describedby, marked aria-invalid), the result of the last save, a conflict
shown side by side, and a confirmation that asks once, plainly."""

import reflex as rx

from ipapp.components.shell import icon, link
from ipapp.components.text import t
from ipapp.state.editing import EditState
from ipapp.state.plan import PlanState


def dom_id(form_key) -> object:
    """The element id of a form: "goal:12" -> "form-goal-12" (a string Var: the same in the browser)."""
    return "form-" + form_key.replace(":", "-")


def _problem_key(form_key, name: str):
    return form_key + "." + name


def field(form_key, name: str, label_key: str, *, value="", kind: str = "text", rows: int = 0,
          required: bool = False, max_length: int | None = None, hint_key: str = "", problems=None,
          autocomplete: str = "") -> rx.Component:
    """One field (a select is choice_field). It keeps what was typed: it is uncontrolled
    (default_value), so a refused save loses nothing. `problems`: the state's "form.field" ->
    message dict (EditState's unless given)."""
    field_id = dom_id(form_key) + "-" + name
    problem = (EditState.problems if problems is None else problems).get(_problem_key(form_key, name), "")
    error_id = field_id + "-problem"
    common = dict(id=field_id, name=name, class_name="input", aria_invalid=rx.cond(problem != "", "true", "false"),
                  aria_describedby=rx.cond(problem != "", error_id, ""), required=required)
    if max_length:
        common["max_length"] = max_length
    if autocomplete:  # Reflex's name; an unknown prop ("autocomplete") would become a CSS rule
        common["auto_complete"] = autocomplete
    if rows:
        control = rx.el.textarea(default_value=value, rows=rows, **common)
    else:
        control = rx.el.input(type=kind, default_value=value, **common)
    return rx.el.div(
        rx.el.label(t(label_key), html_for=field_id),
        rx.cond(hint_key != "", rx.el.p(t(hint_key), class_name="detail")) if hint_key else rx.fragment(),
        control,
        rx.cond(problem != "", rx.el.p(problem, id=error_id, class_name="field-problem")),
        class_name="field",
    )


def choice_field(form_key, name: str, label_key: str, value, static: list, choices=None,
                 problems=None) -> rx.Component:
    """A select with fixed options (value, catalog key) and/or options from the state."""
    field_id = dom_id(form_key) + "-" + name
    problem = (EditState.problems if problems is None else problems).get(form_key + "." + name, "")
    error_id = field_id + "-problem"
    return rx.el.div(
        rx.el.label(t(label_key), html_for=field_id),
        rx.el.select(
            *[rx.el.option(t(key), value=v) for v, key in static],
            *([rx.foreach(choices, lambda c: rx.el.option(c[1], value=c[0]))] if choices is not None else []),
            id=field_id, name=name, default_value=value, class_name="input",
            aria_invalid=rx.cond(problem != "", "true", "false"), aria_describedby=rx.cond(problem != "", error_id, ""),
        ),
        rx.cond(problem != "", rx.el.p(problem, id=error_id, class_name="field-problem")),
        class_name="field",
    )


def someone_elses_field(field_id: str, name: str, label_key: str, input_type: str = "text",
                        required: bool = False) -> rx.Component:
    """A field about another person (the one invited, or the one she shares with), not the one
    typing: autocomplete off, so the browser offers none of her own name, email or phone."""
    return rx.el.div(
        rx.el.label(t(label_key), html_for=field_id),
        rx.el.input(id=field_id, name=name, type=input_type, auto_complete="off",
                    required=required, class_name="input"),
        class_name="field",
    )


def history_link(href, name=None) -> rx.Component:
    """"Se historikken", with the item's name for screen readers when several are on a page."""
    hidden = [rx.el.span(": ", name, class_name="visually-hidden")] if name is not None else []
    return link(icon("history"), rx.el.span(t("history.open")), *hidden, href=href, class_name="action-link")


def hidden(name: str, value) -> rx.Component:
    return rx.el.input(type="hidden", name=name, value=value)


def version_field(version_key) -> rx.Component:
    """The version the form started from (see PlanState.form_versions)."""
    return hidden("version", PlanState.form_versions.get(version_key, 0).to_string())


def edit_form(form_key, on_submit, *children, submit_key: str = "edit.save") -> rx.Component:
    return rx.el.form(
        *children,
        rx.el.button(t(submit_key), type="submit", class_name="button"),
        on_submit=on_submit,
        reset_on_submit=False,
        id=dom_id(form_key),
        class_name="stack",
        no_validate=True,  # our own messages, in the person's language, next to the field
    )


def confirm(summary_key: str, explained_key: str, button_key: str, action=None) -> rx.Component:
    """Ending or deleting: asks once, plainly, in words that say what happens. Without an
    `action` the button submits the form it is in."""
    button = rx.el.button(t(button_key), type="button", on_click=action, class_name="button button-danger") \
        if action is not None else rx.el.button(t(button_key), type="submit", class_name="button button-danger")
    return rx.el.details(rx.el.summary(t(summary_key)), rx.el.p(t(explained_key)), button, class_name="confirm")


def _conflict_row(row) -> rx.Component:
    return rx.el.tr(rx.el.th(row.label, scope="row"), rx.el.td(row.yours, class_name="prewrap"),
                    rx.el.td(row.theirs, class_name="prewrap"))


def edit_result() -> rx.Component:
    """Where focus goes after a save: what happened, read out by screen readers."""
    return rx.el.div(
        rx.cond(EditState.notice != "", rx.el.p(EditState.notice, role="status", class_name="notice")),
        rx.cond(EditState.refused != "", rx.el.p(EditState.refused, role="alert", class_name="notice notice-error")),
        rx.cond(
            EditState.conflict_form != "",
            rx.el.div(
                rx.el.p(t("edit.conflict"), role="alert", class_name="notice notice-error"),
                rx.el.table(
                    rx.el.thead(rx.el.tr(rx.el.th(t("edit.conflict_field"), scope="col"),
                                         rx.el.th(t("edit.conflict_yours"), scope="col"),
                                         rx.el.th(t("edit.conflict_theirs"), scope="col"))),
                    rx.el.tbody(rx.foreach(EditState.conflict_rows, _conflict_row)),
                    class_name="conflict-table",
                ),
                rx.el.div(
                    rx.el.button(t("edit.keep_theirs"), type="button", on_click=EditState.keep_theirs,
                                 class_name="button button-secondary"),
                    rx.el.button(t("edit.save_anyway"), type="button", on_click=EditState.save_anyway,
                                 class_name="button button-secondary"),
                    class_name="button-row",
                ),
                class_name="stack",
            ),
        ),
        id="edit-result",
        tab_index=-1,
        class_name="stack",
    )


def may_write(part: str):
    return PlanState.writable_parts.contains(part)
