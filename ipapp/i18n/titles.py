"""Each page's title, by route: built into the page in bokmål, and set again in the tab's own
language when the page loads (SessionState._set_html_lang)."""

from ipapp.i18n import DEFAULT_LOCALE, translate

PAGE_TITLES = {
    "/": "overview.title_own",
    "/mal/[goal_id]": "goal.title_fallback",
    "/kontakter": "contacts.title",
    "/om-meg": "about.title",
    "/notater": "notes.title",
    "/historikk/[kind]/[item_id]": "history.title",
    "/vikar": "substitute.title",
    "/enhet": "unit.people_title",
    "/enhet/planer": "unit.plans_title",
    "/innboks": "inbox.title",
    "/planer": "workspace.title",
    "/moter": "meetings.title",
    "/meldinger": "messages.title",
    "/deling": "sharing.title",
    "/meg": "me.title",
    "/meg/varsler": "alerts.title",
    "/inviter": "invite.title",
    "/samtykke": "consent.title",
    "/innsyn": "accesslog.title",
    "/demo": "demo.title",
    "/logg-inn": "signin.title",
    "/invitasjon/[code]": "invitation.title",
    "/404": "notfound.title",
    "/tilgjengelighet": "statement.title",
}


def page_title(route: object, locale: str = DEFAULT_LOCALE) -> str:
    """"Min plan · ipapp" for the route ("" for one we do not know)."""
    route = route.strip("/") if isinstance(route, str) else ""
    key = PAGE_TITLES.get("/" if route in ("", "index") else f"/{route}")  # "/meg/", "index" as the router has them
    return f"{translate(key, locale)} · ipapp" if key else ""
