"""The consent: the exact text to be signed, the signature, and withdrawal."""

import reflex as rx

from ipapp.components.shell import icon, link, page_shell
from ipapp.components.text import t
from ipapp.state.consent import ConsentState


def _consent_body() -> rx.Component:
    consent = ConsentState.consent
    return rx.fragment(
        rx.el.p(consent.status_label, class_name="badge"),
        rx.el.p(t("consent.version"), " ", consent.version.to_string(), class_name="detail"),
        rx.el.h2(t("consent.text_heading")),
        # Exactly the stored text: this is what the signature covers.
        rx.el.div(consent.document, class_name="card prewrap consent-text"),
        rx.cond(consent.signed_line != "", rx.el.p(consent.signed_line, class_name="notice")),
        rx.cond(
            consent.awaiting,
            rx.el.button(
                rx.cond(ConsentState.busy, t("consent.sign_busy"), t("consent.sign")),
                type="button",
                disabled=ConsentState.busy | (ConsentState.sign_script == ""),
                on_click=[
                    ConsentState.sign_started,
                    rx.call_script(ConsentState.sign_script, callback=ConsentState.sign_result),
                ],
                class_name="button button-block",
            ),
        ),
        rx.cond(
            consent.signed,
            rx.el.details(
                rx.el.summary(t("consent.withdraw")),
                rx.el.p(t("consent.withdraw_explained")),
                rx.el.button(t("consent.withdraw_confirm"), type="button", on_click=ConsentState.withdraw,
                             class_name="button button-danger"),
            ),
        ),
    )


def _problem() -> rx.Component:
    """What stops the signing, and, when she can put it right herself, a link to where."""
    return rx.cond(
        ConsentState.problem != "",
        rx.el.div(
            rx.el.p(ConsentState.problem),
            rx.cond(
                ConsentState.problem_link != "",
                link(icon("key-round"), rx.el.span(ConsentState.problem_link_text),
                     href=ConsentState.problem_link, class_name="action-link"),
            ),
            role="alert",
            class_name="notice notice-error",
        ),
    )


def consent_page() -> rx.Component:
    return page_shell(
        t("consent.title"),
        "/deling",
        rx.cond(ConsentState.notice != "", rx.el.p(ConsentState.notice, role="status", class_name="notice")),
        _problem(),
        rx.cond(
            ConsentState.loaded,
            rx.cond(ConsentState.consent, _consent_body(),
                    rx.el.p(t("consent.error.nothing_to_consent"), class_name="muted")),
        ),
        link(icon("arrow-left"), rx.el.span(t("consent.back")), href="/deling", class_name="action-link"),
    )
