"""The mobile shell: a header with whose plan this is, one main column, and the bottom navigation."""

import reflex as rx
from reflex_components_core.el.elements.inline import A
from reflex_components_core.react_router.dom import ReactRouterLink

from ipapp.components import icon_sprite
from ipapp.components.text import t
from ipapp.services import menu
from ipapp.state.plan import PlanState
from ipapp.state.session import SessionState

# Every page the menu can offer; each person is shown only those in SessionState.menu.
NAV_ITEMS = [
    (menu.PLAN, "nav.plan", "clipboard-list"),
    (menu.MEETINGS, "nav.meetings", "calendar-days"),
    (menu.MESSAGES, "nav.messages", "message-circle"),
    (menu.SHARING, "nav.sharing", "users"),
    (menu.UNIT, "nav.unit", "building-2"),
    (menu.ME, "nav.me", "circle-user-round"),
]


def icon(name: str) -> rx.Component:
    """A decorative icon: the text label beside it carries the meaning. Two plain elements that
    draw from the sprite (no component of its own to render or hydrate)."""
    return rx.el.svg(rx.el.svg.use(href=icon_sprite.href(name)), width="24", height="24",
                     aria_hidden="true", class_name="icon")


def link(*children, href, **props) -> rx.Component:
    """A link to another page of the app, followed without loading the page (the connection is
    kept): React Router's <Link>. (Plain anchors with one delegated click listener measured no
    different on the big plan's 118 links, and would lean on the router's internals.)"""
    return ReactRouterLink.create(*children, to=href, **props)


def plain_link(*children, href, **props) -> rx.Component:
    """A link the browser follows itself: a plain route of ours (a PDF, the print view, the
    national login), tel:, mailto:, webcal:, another site, or #main (the skip link: the browser
    moves focus there). A plain <a>: no component to render or hydrate."""
    return A.create(*children, href=href, **props)


def _nav_item(route: str, label_key: str, icon_name: str, active: str) -> rx.Component:
    is_current = route == active
    return rx.cond(
        SessionState.menu.contains(route),
        rx.el.li(
            link(
                icon(icon_name),
                rx.el.span(t(label_key)),
                href=route,
                class_name="nav-link",
                aria_current="page" if is_current else None,
            )
        ),
    )


def bottom_nav(active: str) -> rx.Component:
    return rx.el.nav(
        rx.el.ul(*[_nav_item(r, k, i, active) for r, k, i in NAV_ITEMS], class_name="nav-list"),
        aria_label=t("nav.label"),
        class_name="bottom-nav",
    )


def app_header() -> rx.Component:
    return rx.el.header(
        rx.el.div(
            rx.el.p(t("app.plan_kind"), class_name="header-kind"),
            rx.el.p(PlanState.owner_name, class_name="header-owner"),
        ),
        rx.cond(PlanState.has_workspace,
                link(icon("layout-list"), rx.el.span(t("workspace.title")), href="/planer", class_name="header-link")),
        class_name="app-header",
    )


def status_line(text) -> rx.Component:
    """Announced politely by screen readers; shown while a page loads."""
    return rx.el.p(text, role="status", class_name="status")


def page_shell(title, active: str, *content: rx.Component) -> rx.Component:
    """One page: header, a main column with the page's h1 (a text or Var), the bottom navigation."""
    return rx.fragment(
        plain_link(t("skip.to_main"), href="#main", class_name="skip-link"),
        app_header(),
        rx.el.main(
            rx.el.h1(title, class_name="page-title"),
            rx.cond(PlanState.security_notice != "",
                    rx.el.p(PlanState.security_notice, role="alert", class_name="notice notice-error")),
            rx.cond(
                PlanState.error != "",
                rx.el.p(PlanState.error, role="alert", class_name="notice notice-error"),
                rx.cond(
                    # is_hydrated turns off at once on a page change: no flash of the previous page's
                    # data, or of its "nothing here" texts, before this page's own has arrived.
                    PlanState.loaded & rx.State.is_hydrated,
                    rx.fragment(*content),
                    status_line(t("status.loading")),
                ),
            ),
            id="main",
            tab_index=-1,
            class_name="main",
        ),
        bottom_nav(active),
    )
