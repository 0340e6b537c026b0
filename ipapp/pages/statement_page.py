"""Tilgjengelighetserklæring (/tilgjengelighet): what ipapp does for accessibility, what is known not
to meet WCAG 2.1 AA yet, and how to report a problem. For everyone, signed in or not, so it is built
like the sign-in and 404 pages (no plan header, no menu); reached from Meg and from /logg-inn."""

import reflex as rx

from ipapp.components.shell import link
from ipapp.components.text import t
from ipapp.pages.account_pages import bare_page, language_chooser

DONE = ("keyboard", "structure", "contrast", "languages", "pdf", "checked")
KNOWN = ("screen_readers", "pdf", "zoom", "outside", "connection")


def _section(heading_id: str, heading_key: str, *content: rx.Component) -> rx.Component:
    return rx.el.section(rx.el.h2(t(heading_key), id=heading_id), *content, aria_labelledby=heading_id)


def _list(prefix: str, names: tuple[str, ...]) -> rx.Component:
    # role="list": Safari drops a list's semantics when its bullets are styled away.
    return rx.el.ul(*[rx.el.li(t(f"{prefix}.{name}")) for name in names], role="list", class_name="stack")


def statement_page() -> rx.Component:
    return bare_page(
        rx.el.h1(t("statement.title"), class_name="page-title"),
        rx.el.p(t("statement.intro"), class_name="lead"),
        _section("statement-rules", "statement.rules_heading", rx.el.p(t("statement.rules"))),
        _section("statement-done", "statement.done_heading", _list("statement.done", DONE)),
        _section("statement-known", "statement.known_heading", _list("statement.known", KNOWN)),
        _section("statement-report", "statement.report_heading",
                 rx.el.p(t("statement.report")), rx.el.p(t("statement.complaint"))),
        rx.el.p(t("statement.date"), class_name="detail"),
        link(t("notfound.back"), href="/", class_name="button button-block"),
        language_chooser(),
    )
