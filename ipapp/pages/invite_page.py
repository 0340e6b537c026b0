"""Inviting people to the plan: for the coordinator and the coordinating unit."""

import reflex as rx

from ipapp.components.cards import invitation_code
from ipapp.components.forms import someone_elses_field
from ipapp.components.shell import page_shell
from ipapp.components.text import t
from ipapp.state.invite import ROLE_CHOICES, InviteState


def _result() -> rx.Component:
    invitation = InviteState.invitation
    outcome = InviteState.recovery_outcome
    return rx.fragment(
        rx.cond(
            outcome == "use_national_login",
            rx.el.section(
                rx.el.h2(t("recovery.no_code_heading"), id="invitation-result", tab_index=-1),
                rx.el.p(t("recovery.use_national_login")),
                class_name="card", role="status",
            ),
        ),
        rx.cond(
            invitation,
            rx.el.section(
                rx.el.h2(rx.cond(outcome == "awaiting_approval", t("recovery.made_heading"),
                                 t("invite.result_heading")), id="invitation-result", tab_index=-1),
                rx.el.p(t("invite.result_for"), " ", invitation.person_name),
                rx.cond(outcome == "awaiting_approval",
                        rx.el.p(t("recovery.awaiting_approval"), class_name="notice")),
                invitation_code(invitation, "invitation-link"),
                rx.el.p(t("invite.send_hint"), class_name="detail"),
                class_name="card",
                role="status",
            ),
        ),
    )


def _person(person) -> rx.Component:
    return rx.el.li(
        rx.el.p(rx.el.strong(person.name), " · ", person.role_label),
        rx.el.form(
            rx.el.input(type="hidden", name="person_id", value=person.person_id.to_string()),
            rx.el.button(t("invite.reinvite"), type="submit", class_name="button button-secondary"),
            on_submit=InviteState.reinvite,
        ),
        class_name="access-row",
    )


def invite_page() -> rx.Component:
    return page_shell(
        t("invite.title"),
        "/meg",
        rx.cond(
            InviteState.allowed,
            rx.fragment(
                rx.el.p(t("invite.intro"), class_name="lead"),
                rx.cond(
                    InviteState.plans.length() > 1,
                    rx.el.div(
                        rx.el.label(t("invite.plan"), html_for="invite-plan"),
                        rx.el.select(
                            rx.foreach(InviteState.plans,
                                       lambda p: rx.el.option(p.owner_name, value=p.plan_id.to_string())),
                            id="invite-plan",
                            value=InviteState.chosen_plan.to_string(),
                            on_change=InviteState.choose_plan,
                            class_name="input",
                        ),
                        class_name="field",
                    ),
                ),
                rx.cond(InviteState.problem != "",
                        rx.el.p(InviteState.problem, role="alert", class_name="notice notice-error")),
                _result(),
                rx.el.form(
                    someone_elses_field("invite-given_name", "given_name", "invite.given_name", required=True),
                    someone_elses_field("invite-family_name", "family_name", "invite.family_name", required=True),
                    someone_elses_field("invite-email", "email", "invite.email", input_type="email"),
                    someone_elses_field("invite-phone", "phone", "invite.phone", input_type="tel"),
                    rx.el.fieldset(
                        rx.el.legend(t("invite.role")),
                        *[
                            rx.el.label(
                                rx.el.input(type="radio", name="role", value=role,
                                            default_checked=role == "next_of_kin"),
                                rx.el.span(t(f"role.{role}")),
                                class_name="choice",
                            )
                            for role in ROLE_CHOICES
                        ],
                    ),
                    someone_elses_field("invite-relation", "relation", "invite.relation"),
                    rx.el.button(t("invite.create"), type="submit", class_name="button"),
                    on_submit=InviteState.create,
                    reset_on_submit=False,
                    class_name="stack card",
                ),
                rx.el.h2(t("invite.people_heading")),
                rx.el.p(t("invite.people_intro"), class_name="detail"),
                rx.el.ul(rx.foreach(InviteState.people, _person), class_name="plain-list card"),
            ),
            rx.el.p(t("error.not_available"), role="alert", class_name="notice notice-error"),
        ),
    )
