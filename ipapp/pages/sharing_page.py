"""Deling: who has access to what until when, changing or taking it back, and giving someone new
access (a person on the plan, a contact who gets an invitation, or someone else)."""

import reflex as rx

from ipapp.components.cards import invitation_code
from ipapp.components.forms import someone_elses_field
from ipapp.components.shell import icon, link, page_shell
from ipapp.components.text import t
from ipapp.state.plan import PlanState
from ipapp.state.sharing import SharingState

DURATIONS = ("1m", "3m", "6m", "12m", "date")


def _choice(input_type: str, name: str, value, label, checked=False) -> rx.Component:
    return rx.el.label(
        rx.el.input(type=input_type, name=name, value=value, default_checked=checked),
        rx.el.span(label),
        class_name="choice",
    )


def _section_choices(checked=None) -> rx.Component:
    """Only the sections this person may give (a guardian is never offered the owner's notes)."""
    return rx.el.fieldset(
        rx.el.legend(t("sharing.which_sections")),
        rx.foreach(SharingState.sections,
                   lambda c: _choice("checkbox", "section_" + c.key, "on", c.label,
                                     checked(c.key) if checked else False)),
    )


def _duration_choices(date_id, current_last_day=None) -> rx.Component:
    """For a change, the first choice (and the default) is to keep the current last day."""
    keep = [_choice("radio", "duration", "same", rx.el.span(t("sharing.duration.same"), " (", current_last_day, ")"),
                    True)] if current_last_day is not None else []
    return rx.el.fieldset(
        rx.el.legend(t("sharing.until_when")),
        *keep,
        *[_choice("radio", "duration", value, t(f"sharing.duration.{value}"), value == "3m" and not keep)
          for value in DURATIONS],
        rx.el.label(t("sharing.pick_date"), html_for=date_id),
        rx.el.input(id=date_id, name="end_date", type="date", class_name="input"),
    )


def _change_form(access) -> rx.Component:
    return rx.el.details(
        rx.el.summary(t("sharing.change")),
        rx.el.form(
            rx.el.p(t("sharing.change_explained"), class_name="detail"),
            rx.el.input(type="hidden", name="grant_id", value=access.grant_id.to_string()),
            _section_choices(checked=lambda key: access.section_keys.contains(key)),
            _duration_choices("change-end-date-" + access.grant_id.to_string(), access.until),
            rx.el.button(t("sharing.change_save"), type="submit", class_name="button"),
            on_submit=SharingState.change_grant,
            reset_on_submit=False,
            class_name="stack",
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
            rx.fragment(
                _change_form(access),
                rx.el.details(
                    rx.el.summary(t("sharing.revoke")),
                    rx.el.p(t("sharing.revoke_explained")),
                    rx.el.button(t("sharing.revoke_confirm"), type="button",
                                 on_click=SharingState.revoke(access.grant_id),
                                 class_name="button button-danger"),
                ),
            ),
        ),
        class_name="card",
    )


def _grantee_label(g) -> rx.Component:
    named = rx.cond(g.relation != "", g.name + " (" + g.relation + ")", g.name)
    return rx.cond(g.needs_invitation,
                   rx.el.span(named, " – ", t("sharing.will_be_invited")), named)


def _someone_else() -> rx.Component:
    return rx.el.details(
        rx.el.summary(t("sharing.someone_else")),
        _choice("radio", "grantee", "new", t("sharing.someone_else_choice")),
        rx.el.p(t("sharing.someone_else_hint"), class_name="detail"),
        someone_elses_field("sharing-new-given_name", "new_given_name", "invite.given_name"),
        someone_elses_field("sharing-new-family_name", "new_family_name", "invite.family_name"),
        someone_elses_field("sharing-new-email", "new_email", "invite.email", "email"),
        someone_elses_field("sharing-new-phone", "new_phone", "invite.phone", "tel"),
        someone_elses_field("sharing-new-relation", "new_relation", "invite.relation"),
        class_name="stack",
    )


def _grant_form() -> rx.Component:
    return rx.el.form(
        rx.el.fieldset(
            rx.el.legend(t("sharing.who")),
            rx.foreach(SharingState.grantees, lambda g: _choice("radio", "grantee", g.key, _grantee_label(g))),
            _someone_else(),
        ),
        _section_choices(),
        _duration_choices("sharing-end-date"),
        rx.el.label(t("sharing.purpose"), html_for="sharing-purpose"),
        rx.el.input(id="sharing-purpose", name="purpose", max_length=500, class_name="input"),
        rx.el.button(t("sharing.save"), type="submit", class_name="button"),
        on_submit=SharingState.add_grant,
        reset_on_submit=False,
        id="grant-form",
        class_name="stack card",
    )


def _invitation() -> rx.Component:
    invitation = SharingState.invitation
    return rx.cond(
        invitation,
        rx.el.section(
            rx.el.h3(t("sharing.invitation_heading")),
            rx.el.p(SharingState.invitation_hint),
            invitation_code(invitation, "sharing-invitation-link"),
            class_name="card",
        ),
    )


def _result() -> rx.Component:
    """What the last action did, where focus goes after it (read out by screen readers)."""
    return rx.el.div(
        rx.cond(SharingState.notice != "", rx.el.p(SharingState.notice, role="status", class_name="notice")),
        rx.cond(
            SharingState.problem != "",
            rx.el.div(
                rx.el.p(SharingState.problem),
                # e.g. the same grant again while it waits: to the consent where she signs it
                rx.cond(SharingState.problem_link != "",
                        link(icon("file-pen-line"), rx.el.span(SharingState.problem_link_text),
                             href=SharingState.problem_link, class_name="action-link")),
                role="alert",
                class_name="notice notice-error",
            ),
        ),
        _invitation(),
        id="sharing-result",
        tab_index=-1,
        class_name="stack",
    )


def sharing_page() -> rx.Component:
    return page_shell(
        t("sharing.title"),
        "/deling",
        rx.el.p(t("sharing.intro"), class_name="lead"),
        _result(),
        link(icon("file-pen-line"), rx.el.span(t("consent.open")), href="/samtykke", class_name="action-link"),
        link(icon("eye"), rx.el.span(t("accesslog.open")), href="/innsyn", class_name="action-link"),
        rx.el.h2(t("sharing.current")),
        # Ended and revoked grants are listed too (below), so an empty "current" part is told
        # by whether any grant is still current, not by the list's length.
        rx.cond(
            PlanState.access.contains(True, "is_revocable"),
            rx.el.div(rx.foreach(PlanState.access, lambda a: rx.cond(a.is_revocable, _access_card(a))),
                      class_name="stack"),
            rx.el.p(t("sharing.no_one"), id="sharing-no-one", class_name="muted"),
        ),
        # Ended grants stay visible (the owner's record of what was shared) but out of the way.
        rx.cond(
            PlanState.access.contains(False, "is_revocable"),
            rx.el.details(
                rx.el.summary(t("sharing.ended")),
                rx.el.div(rx.foreach(PlanState.access, lambda a: rx.cond(~a.is_revocable, _access_card(a))),
                          class_name="stack"),
            ),
        ),
        rx.el.h2(t("sharing.give")),
        _grant_form(),
    )
