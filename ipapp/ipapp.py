"""The Reflex app: pages, head tags and plain HTTP routes."""

import reflex as rx
from reflex_base.components.memo import memo
from reflex_components_core.core.banner import has_too_many_connection_errors
from starlette.applications import Starlette

from ipapp.api.edge import secure_edge
from ipapp.api.oidc_routes import oidc_middleware, oidc_routes
from ipapp.api.passkey_routes import passkey_routes
from ipapp.api.print_routes import print_routes
from ipapp.api.calendar_routes import calendar_routes
from ipapp.api.session_routes import session_routes

from ipapp.components.failure_notice import failure_notice, handler_failed
from ipapp.components.text import t
from ipapp.i18n import translate
from ipapp.pages.account_pages import STATEMENT_ROUTE, demo_page, invitation_page, me_page, not_found_page, sign_in_page
from ipapp.pages.statement_page import statement_page
from ipapp.pages.alerts_page import ALERTS_ROUTE, alerts_page
from ipapp.pages.access_log_page import access_log_page
from ipapp.pages.consent_page import consent_page
from ipapp.pages.invite_page import invite_page
from ipapp.pages.overview import overview_page
from ipapp.pages.content_pages import about_page, contacts_page, history_page, notes_page
from ipapp.pages.goal_page import goal_page
from ipapp.pages.inbox_page import inbox_page
from ipapp.pages.substitute_page import substitute_page
from ipapp.pages.unit_pages import people_page, plans_page
from ipapp.pages.meetings_page import meetings_page
from ipapp.pages.plan_pages import messages_page
from ipapp.pages.workspace_page import workspace_page
from ipapp.pages.sharing_page import sharing_page
from ipapp.state.plan import PlanState
from ipapp.state.access_log import AccessLogState
from ipapp.state.consent import ConsentState
from ipapp.state.invite import InviteState
from ipapp.state.me import MeState
from ipapp.state.alerts import AlertsState
from ipapp.state.calendar_feed import CalendarFeedState
from ipapp.state.session import SessionState
from ipapp.state.sharing import SharingState
from ipapp.state.guard import SessionGuard
from ipapp.state.sign_in import InvitationState, SignInState, StatementState
from ipapp.state.editing import EditState
from ipapp.state.workspace import WorkspaceState
from ipapp.state.inbox import InboxState
from ipapp.state.substitutes import SubstituteState
from ipapp.state.unit import UnitState
from ipapp.i18n.titles import page_title
from ipapp.services.reminders_worker import in_app_sender_lifespan


app = rx.App(
    html_lang="nb",
    api_transformer=[
        Starlette(routes=[*session_routes(), *passkey_routes(), *oidc_routes(), *print_routes(), *calendar_routes()], middleware=oidc_middleware()),
        secure_edge,  # outermost: headers on every response, only our Origin on the websocket
    ],
    stylesheets=["/ipapp.css"],
    head_components=[
        rx.el.meta(name="theme-color", content="#1f4e5f"),
        rx.el.link(rel="icon", href="/favicon.svg", type="image/svg+xml"),
        rx.el.meta(name="description", content=translate("app.description")),
        # Installable: the manifest, the home-screen icon and name on iOS, and the service worker
        # (assets/sw.js), registered after load by a static script (no inline script: the CSP).
        rx.el.link(rel="manifest", href="/manifest.webmanifest"),
        rx.el.link(rel="apple-touch-icon", href="/apple-touch-icon.png", sizes="180x180"),
        rx.el.meta(name="mobile-web-app-capable", content="yes"),
        rx.el.meta(name="apple-mobile-web-app-capable", content="yes"),
        rx.el.meta(name="apple-mobile-web-app-title", content=translate("pwa.short_name")),
        rx.el.script(src="/register-sw.js", defer=True),
    ],
    # No toasts: ipapp shows none, and a failed handler's notice is its own, in her language.
    toaster=None,
    backend_exception_handler=handler_failed,
)


def _connection_notice() -> rx.Component:
    """Instead of Reflex's English connection toast and its "Connection Error" title on every page:
    one alert in her language while the websocket cannot reconnect."""
    def connection_notice() -> rx.Component:
        return rx.cond(has_too_many_connection_errors,
                       rx.el.p(t("a11y.connection_lost"), role="alert", class_name="notice notice-error"))

    # Reflex's banner for a new deploy is plain English DOM: assets/register-sw.js takes its words
    # from these two hidden spans, which are in the tab's language.
    words = rx.el.div(rx.el.span(t("a11y.new_version"), id="ipapp-new-version-text"),
                      rx.el.span(t("a11y.reload"), id="ipapp-reload-text"), hidden=True)
    return rx.fragment(memo(connection_notice)(), words, failure_notice())  # its own component: it reads the event loop's context


# Reminders: a sender thread in each backend worker while it serves (IPAPP_REMINDERS_IN_APP; on
# SQLite one worker sends, the others stand by). Never on import or in `reflex export`.
app.register_lifespan_task(in_app_sender_lifespan)

app.app_wraps[(5, "Overlay")] = lambda stateful: _connection_notice() if stateful else None

# Before every event, Reflex's built-ins included: refuse what no page sends, and bind the tab's
# state to this connection's session cookie (ipapp.state.guard).
app.add_middleware(SessionGuard(), index=0)

app.add_page(overview_page, route="/", title=page_title("/"),
             on_load=[PlanState.load_overview, SharingState.forget_notices, EditState.forget])
app.add_page(goal_page, route="/mal/[goal_id]", title=page_title("/mal/[goal_id]"),
             on_load=[PlanState.load_goal, EditState.forget])
app.add_page(contacts_page, route="/kontakter", title=page_title("/kontakter"),
             on_load=[PlanState.load_contacts, EditState.forget])
app.add_page(about_page, route="/om-meg", title=page_title("/om-meg"), on_load=[PlanState.load_about, EditState.forget])
app.add_page(notes_page, route="/notater", title=page_title("/notater"), on_load=[PlanState.load_notes, EditState.forget])
app.add_page(history_page, route="/historikk/[kind]/[item_id]", title=page_title("/historikk/[kind]/[item_id]"),
             on_load=PlanState.load_history)
app.add_page(substitute_page, route="/vikar", title=page_title("/vikar"),
             on_load=[PlanState.load_me, SubstituteState.load_substitutes])
app.add_page(people_page, route="/enhet", title=page_title("/enhet"),
             on_load=[PlanState.load_me, UnitState.load_unit])
app.add_page(plans_page, route="/enhet/planer", title=page_title("/enhet/planer"),
             on_load=[PlanState.load_me, UnitState.load_unit])
app.add_page(inbox_page, route="/innboks", title=page_title("/innboks"),
             on_load=[PlanState.load_me, InboxState.load_inbox])
app.add_page(workspace_page, route="/planer", title=page_title("/planer"),
             on_load=[PlanState.load_me, WorkspaceState.load_workspace])
app.add_page(meetings_page, route="/moter", title=page_title("/moter"),
             on_load=[PlanState.load_meetings, EditState.forget])
app.add_page(messages_page, route="/meldinger", title=page_title("/meldinger"),
             on_load=[PlanState.load_threads, EditState.forget])
app.add_page(sharing_page, route="/deling", title=page_title("/deling"), on_load=[PlanState.load_access, SharingState.load_grantees])
app.add_page(me_page, route="/meg", title=page_title("/meg"), on_load=[PlanState.load_me, MeState.load_passkeys])
app.add_page(alerts_page, route=ALERTS_ROUTE, title=page_title(ALERTS_ROUTE), on_load=[PlanState.load_me, AlertsState.load_alerts, CalendarFeedState.load_feed])
app.add_page(invite_page, route="/inviter", title=page_title("/inviter"),
             on_load=[PlanState.load_me, InviteState.load_invite])
app.add_page(consent_page, route="/samtykke", title=page_title("/samtykke"),
             on_load=[PlanState.load_me, ConsentState.load_consent])
app.add_page(access_log_page, route="/innsyn", title=page_title("/innsyn"),
             on_load=[PlanState.load_me, AccessLogState.load_log])
app.add_page(demo_page, route="/demo", title=page_title("/demo"), on_load=SessionState.load_demo_chooser)
app.add_page(sign_in_page, route="/logg-inn", title=page_title("/logg-inn"), on_load=SignInState.load_sign_in)
app.add_page(invitation_page, route="/invitasjon/[code]", title=page_title("/invitasjon/[code]"),
             on_load=InvitationState.load_invitation)
app.add_page(statement_page, route=STATEMENT_ROUTE, title=page_title(STATEMENT_ROUTE),
             on_load=StatementState.load_statement)
app.add_page(not_found_page, route="404", title=page_title("/404"), on_load=SessionState.load_not_found)
