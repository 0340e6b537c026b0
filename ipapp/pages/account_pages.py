"""Pages about the person rather than the plan: "Meg", the demo chooser and the sign-in page."""

import reflex as rx

from ipapp.components.native_form import native_form
from ipapp.components.shell import page_shell
from ipapp.components.text import t
from ipapp.i18n import SUPPORTED_LOCALES
from ipapp.state.session import SessionState


def _language_option(code: str) -> rx.Component:
    return rx.el.label(
        rx.el.input(
            type="radio",
            name="language",
            value=code,
            checked=SessionState.lang == code,
            on_change=SessionState.set_language(code),
        ),
        rx.el.span(t(f"language.{code}")),
        class_name="choice",
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
        rx.el.fieldset(
            rx.el.legend(t("me.language")),
            *[_language_option(code) for code in SUPPORTED_LOCALES],
            class_name="card",
        ),
        # A plain form: the route ends the session and removes the cookie, also without scripts.
        native_form(
            rx.el.button(t("me.sign_out"), type="submit", class_name="button"),
            action="/auth/sign-out",
            method="post",
        ),
    )


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


def _bare_page(*content: rx.Component) -> rx.Component:
    return rx.el.main(*content, id="main", class_name="main main-bare")


def demo_page() -> rx.Component:
    return _bare_page(
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
    return _bare_page(
        rx.el.h1(t("signin.title"), class_name="page-title"),
        rx.cond(
            SessionState.sign_in_error != "",
            rx.el.p(SessionState.sign_in_error, role="alert", class_name="notice notice-error"),
        ),
        rx.cond(
            SessionState.national_login_available,
            rx.el.div(
                # A plain link: the route redirects to ID-porten and back, no script needed.
                rx.el.a(t("signin.national"), href="/auth/oidc/start", class_name="button button-block"),
                rx.el.p(t("signin.national_help"), class_name="detail"),
                class_name="stack",
            ),
            rx.el.p(t("signin.not_yet"), class_name="lead"),
        ),
    )


