"""Pages about the person rather than the plan: "Meg", the demo chooser and the sign-in page."""

import reflex as rx

from ipapp.components.cards import when_loaded
from ipapp.components.native_form import native_form
from ipapp.components.shell import icon, link, page_shell, plain_link
from ipapp.components.text import t
from ipapp.i18n import SUPPORTED_LOCALES
from ipapp.state.me import MeState
from ipapp.state.session import SessionState
from ipapp.state.sign_in import InvitationState, SignInState

STATEMENT_ROUTE = "/tilgjengelighet"  # the accessibility statement (ipapp.pages.statement_page)


def _language_option(code: str) -> rx.Component:
    return rx.el.label(
        rx.el.input(
            type="radio",
            name="language",
            value=code,
            checked=SessionState.lang == code,
            on_change=SessionState.set_language(code),
        ),
        rx.el.span(t(f"language.{code}"), lang=code),  # each language's name in itself
        class_name="choice",
    )


def language_chooser() -> rx.Component:
    """Here on Meg it is kept on the person; on the sign-in and invitation pages, on this device."""
    return rx.el.fieldset(
        rx.el.legend(t("me.language")),
        *[_language_option(code) for code in SUPPORTED_LOCALES],
        class_name="card",
    )


def _passkey_row(row, index) -> rx.Component:
    # The browser names a key by its place in the list (MeState._passkey_ids), never by its id.
    place = index.to_string()
    field_id = "passkey-label-" + place
    return rx.el.li(
        rx.el.p(rx.el.strong(row.label)),
        rx.el.p(t("me.passkey_added"), " ", row.added, class_name="detail"),
        rx.el.p(row.how, class_name=rx.cond(row.recovered, "notice", "detail")),
        rx.cond(row.last_used != "", rx.el.p(t("me.passkey_last_used"), " ", row.last_used, class_name="detail")),
        rx.el.details(
            rx.el.summary(t("me.passkey_rename"), rx.el.span(": ", row.label, class_name="visually-hidden")),
            rx.el.form(
                rx.el.input(type="hidden", name="choice", value=place),
                rx.el.label(t("me.passkey_name"), html_for=field_id),
                rx.el.input(id=field_id, name="label", default_value=row.label, required=True,
                            max_length=100, auto_complete="off", class_name="input"),
                rx.el.button(t("me.passkey_save"), type="submit", class_name="button"),
                on_submit=MeState.rename_from_form,
                reset_on_submit=False,
                class_name="stack",
            ),
        ),
        rx.el.details(
            rx.el.summary(t("me.passkey_remove"), rx.el.span(": ", row.label, class_name="visually-hidden")),
            rx.el.p(t("me.passkey_remove_warning")),
            rx.el.button(t("me.passkey_remove_confirm"), type="button",
                         on_click=MeState.remove_passkey(index), class_name="button button-danger"),
        ),
        class_name="access-row",
    )


def _sign_in_row(row) -> rx.Component:
    return rx.el.li(
        rx.el.p(rx.el.strong(row.when), " · ", row.method),
        rx.el.p(row.device, rx.cond(row.current, rx.el.span(" · ", t("me.this_device"))), class_name="detail"),
    )


def _sign_ins_section() -> rx.Component:
    return rx.el.section(
        rx.el.h2(t("me.sign_ins"), id="sign-ins-heading"),
        rx.el.p(t("me.sign_ins_intro"), class_name="detail"),
        when_loaded("/meg", rx.el.ul(rx.foreach(MeState.sign_ins, _sign_in_row), class_name="plain-list card")),
        aria_labelledby="sign-ins-heading",
    )


def _passkeys_section() -> rx.Component:
    return rx.el.section(
        rx.el.h2(t("me.passkeys"), id="passkeys-heading"),
        rx.el.div(
            rx.cond(MeState.notice != "", rx.el.p(MeState.notice, role="status", class_name="notice")),
            rx.cond(MeState.problem != "", rx.el.p(MeState.problem, role="alert", class_name="notice notice-error")),
            id="passkeys-result", tab_index=-1,
        ),
        when_loaded("/meg", rx.cond(
            MeState.passkeys.length() > 0,
            rx.el.ul(rx.foreach(MeState.passkeys, _passkey_row), class_name="plain-list card"),
            rx.el.p(t("me.no_passkeys"), class_name="muted"),
        )),
        rx.el.button(
            rx.cond(MeState.busy, t("invitation.busy"), t("me.passkey_add")),
            type="button",
            disabled=MeState.busy | (MeState.register_script == ""),
            on_click=[MeState.add_started,
                      rx.call_script(MeState.register_script, callback=MeState.add_result)],
            class_name="button button-secondary",
        ),
        aria_labelledby="passkeys-heading",
    )


def me_page() -> rx.Component:
    return page_shell(
        t("me.title"),
        "/meg",
        rx.el.section(
            rx.el.p(rx.el.strong(SessionState.viewer_name)),
            rx.el.p(SessionState.viewer_role, class_name="detail"),
            class_name="card",
        ),
        rx.cond(
            MeState.may_invite,
            link(icon("user-plus"), rx.el.span(t("invite.open")), href="/inviter", class_name="action-link"),
        ),
        rx.cond(
            MeState.may_name_substitutes,
            rx.fragment(
                link(icon("users"), rx.el.span(t("unit.people_title")), href="/enhet", class_name="action-link"),
                link(icon("folder-open"), rx.el.span(t("unit.plans_title")), href="/enhet/planer",
                     class_name="action-link"),
                link(icon("user-round-cog"), rx.el.span(t("substitute.open")), href="/vikar", class_name="action-link"),
            ),
        ),
        link(icon("bell"), rx.el.span(t("alerts.title")), href="/meg/varsler", class_name="action-link"),
        _passkeys_section(),
        _sign_ins_section(),
        language_chooser(),
        # A plain form: the route ends the session and removes the cookie, also without scripts.
        native_form(
            rx.el.button(t("me.sign_out"), type="submit", class_name="button"),
            action="/auth/sign-out",
            method="post",
        ),
        rx.el.button(t("me.sign_out_everywhere"), type="button", on_click=MeState.sign_out_everywhere,
                     class_name="button button-secondary"),
        _statement_link(),
    )


def _statement_link() -> rx.Component:
    return link(icon("accessibility"), rx.el.span(t("statement.title")), href=STATEMENT_ROUTE,
                class_name="action-link")


def _demo_person(person) -> rx.Component:
    # A form post: the route sets the HttpOnly session cookie and the page reloads with it.
    return rx.el.li(
        native_form(
            rx.el.button(
                rx.el.span(t("demo.sign_in_as"), " ", person.name, class_name="button-main"),
                rx.el.span(person.role_label, class_name="button-sub"),
                type="submit",
                class_name="button button-block",
            ),
            action="/auth/demo/" + person.id.to_string(),
            method="post",
        )
    )


def bare_page(*content: rx.Component) -> rx.Component:
    return rx.el.main(*content, id="main", class_name="main main-bare")


def demo_page() -> rx.Component:
    return bare_page(
        rx.el.h1(t("demo.title"), class_name="page-title"),
        rx.el.p(t("demo.intro"), class_name="lead"),
        rx.cond(
            SessionState.sign_in_error != "",
            rx.el.p(SessionState.sign_in_error, role="alert", class_name="notice notice-error"),
        ),
        rx.cond(
            SessionState.demo_people.length() > 0,
            rx.el.ul(rx.foreach(SessionState.demo_people, _demo_person), class_name="plain-list stack"),
            rx.el.p(t("status.loading"), role="status", class_name="status"),
        ),
    )


def sign_in_page() -> rx.Component:
    return bare_page(
        rx.el.h1(t("signin.title"), class_name="page-title"),
        rx.el.p(t("signin.passkey_help"), class_name="lead"),
        rx.cond(
            SignInState.sign_in_error != "",
            rx.el.p(SignInState.sign_in_error, role="alert", class_name="notice notice-error"),
        ),
        rx.el.div(
            rx.el.button(
                rx.cond(SignInState.busy, t("signin.passkey_busy"), t("signin.passkey")),
                type="button",
                disabled=SignInState.busy | (SignInState.passkey_script == ""),
                # The options are prepared at page load, so the ceremony runs inside the tap.
                on_click=[
                    SignInState.passkey_started,
                    rx.call_script(SignInState.passkey_script, callback=SignInState.passkey_result),
                ],
                class_name="button button-block",
            ),
            rx.cond(
                SignInState.national_login_available,
                rx.fragment(
                    # The browser itself follows it (the route redirects to ID-porten and back): a
                    # client-side link would stay in the app and show "not found".
                    plain_link(t("signin.national"), href="/auth/oidc/start",
                                  class_name="button button-block button-secondary"),
                    rx.el.p(t("signin.national_help"), class_name="detail"),
                ),
            ),
            class_name="stack",
        ),
        rx.el.h2(t("signin.what_is_passkey")),
        rx.el.p(t("signin.passkey_explained")),
        rx.el.p(t("signin.no_account")),
        rx.cond(SignInState.demo_available, rx.el.p(link(t("signin.try_demo"), href="/demo"))),
        language_chooser(),
        _statement_link(),
    )


def not_found_page() -> rx.Component:
    """An address we do not have: said plainly, in her language, with the way back."""
    return bare_page(
        rx.el.h1(t("notfound.title"), class_name="page-title"),
        rx.el.p(t("notfound.explain"), class_name="lead"),
        link(t("notfound.back"), href="/", class_name="button button-block"),
        language_chooser(),
    )


def invitation_page() -> rx.Component:
    return bare_page(
        rx.el.h1(t("invitation.title"), class_name="page-title"),
        rx.cond(
            InvitationState.problem != "",
            rx.el.p(InvitationState.problem, role="alert", class_name="notice notice-error"),
            rx.cond(
                InvitationState.opened,
                rx.fragment(
                    rx.el.p(t("invitation.hello"), " ", InvitationState.invited_name, "!", class_name="lead"),
                    rx.cond(InvitationState.adds_key,
                            rx.el.p(t("invitation.adds_key"), class_name="notice"),
                            rx.el.p(t("invitation.explain"))),
                    rx.el.p(t("signin.passkey_explained")),
                    rx.cond(
                        InvitationState.sign_in_error != "",
                        rx.el.p(InvitationState.sign_in_error, role="alert", class_name="notice notice-error"),
                    ),
                    rx.el.button(
                        rx.cond(InvitationState.busy, t("invitation.busy"), t("invitation.create_passkey")),
                        type="button",
                        disabled=InvitationState.busy | (InvitationState.register_script == ""),
                        on_click=[
                            InvitationState.register_started,
                            rx.call_script(InvitationState.register_script,
                                           callback=InvitationState.register_result),
                        ],
                        class_name="button button-block",
                    ),
                ),
                rx.el.p(t("status.loading"), role="status", class_name="status"),
            ),
        ),
        language_chooser(),
    )
