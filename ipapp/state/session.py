"""Who is using this tab and in which language.

The person is resolved from the HttpOnly session cookie of the websocket handshake before every
event (see ipapp.state.endpoints); nothing that grants access is kept in client-settable state.
Every public handler here is reachable by any browser with any arguments.
"""

import contextvars
import functools
import json
import logging
from datetime import datetime
from http.cookies import CookieError, SimpleCookie

import reflex as rx

from ipapp.auth import demo, sessions
from ipapp.i18n import SUPPORTED_LOCALES, normalize_locale, translate
from ipapp.i18n.titles import page_title
from ipapp.services import menu, people
from ipapp.state.endpoints import endpoint

log = logging.getLogger(__name__)

DEMO_ROUTE = "/demo"
SIGN_IN_ROUTE = "/logg-inn"


@functools.lru_cache(maxsize=1024)  # a tab's events all carry its connection's one Cookie header
def session_cookie(cookie_header: str) -> str | None:
    try:
        jar = SimpleCookie(cookie_header or "")
    except CookieError:
        return None
    morsel = jar.get(sessions.SESSION_COOKIE)
    return morsel.value if morsel else None


# The token whose session ipapp.state.guard resolved, from this connection's cookie, for the event
# being processed: the handler need not ask the database again.
resolved_for: contextvars.ContextVar[str | None] = contextvars.ContextVar("ipapp_resolved_for", default=None)


def _reset_loaded(state: rx.State) -> None:
    locale = getattr(state, "locale", None)
    for substate in state.substates.values():
        substate.reset()
        _reset_loaded(substate)
    if locale is not None:
        state.locale = locale


class SessionState(rx.State):
    # The language is a preference, not a permission: a client may set it, so it is normalised on use.
    # "" = not chosen on this device: then the signed-in person's own choice (Person.locale) applies.
    locale: str = rx.LocalStorage("", name="ipapp_locale", sync=True)

    # Server-side only (underscore vars are never sent to or accepted from the browser),
    # refreshed from the session cookie before every event.
    _session_id: int | None = None  # the sign-in session this tab's state was built under
    _session_ends_at: datetime | None = None
    _person_id: int | None = None
    _plan_id: int | None = None
    _person_locale: str = ""  # her choice under Meg, read at sign-in
    _is_unit_admin: bool = False

    signed_in: bool = False
    has_workspace: bool = False  # "Mine planer": several plans to switch between, or plans she coordinates
    viewer_name: str = ""
    viewer_role: str = ""
    # The bottom menu's pages: only those she may use now (ipapp.services.menu), set at sign-in and
    # again by every plan page's load, so it follows her access on an open page.
    menu: list[str] = []
    demo_people: list[people.PersonView] = []
    sign_in_error: str = ""
    # Said on her open pages when a recovery code just added a key to her account (PlanState's watcher).
    security_notice: str = ""

    @rx.var
    def lang(self) -> str:
        # This device's choice, else the one she made under Meg. Not copied into `locale` on a new
        # device: the hydrate snapshot may not write browser storage, so the copy came with the page's
        # load and made every text of the page (each listens to this state) render a second time.
        return normalize_locale(self.locale or self._person_locale)

    def _show(self, **values) -> None:
        """Set what the page shows. A value equal to what the tab already has is not set again, so
        it is not sent again: opening the overview anew sends only what changed, and a page's
        load that finds nothing to clear sends no delta (and no render) for it."""
        # In a background task `self` is Reflex's StateProxy (type() tells it, __class__ does not);
        # the values are read on the state it wraps, and set through the proxy.
        state = self if type(self) is self.__class__ else self.__wrapped__
        fields = self.__class__.__fields__
        for name, value in values.items():
            # The stored value itself: reading the attribute would wrap a list or a dict in a
            # MutableProxy (which tracks edits in place), most of what this comparison cost.
            if fields[name]._get_raw(state) != value:
                setattr(self, name, value)

    def _text(self, key: str, **params: object) -> str:
        return translate(key, self.lang, **params)

    def _set_html_lang(self):
        """Every page load ends here: the page in her language, its <html lang> and its title."""
        return _language_script(self.lang, page_title(self.router.route_id, self.lang))

    def _sign_in_route(self) -> str:
        return DEMO_ROUTE if demo.demo_mode_on() else SIGN_IN_ROUTE

    def _sign_in_redirect(self):
        return rx.redirect(self._sign_in_route())

    def _require_person(self):
        """For page loads: None when signed in, else the redirect to the sign-in page."""
        return self._sign_in_redirect() if self._person_id is None else None

    def _resolve_session(self) -> None:
        """Who sends this event. The guard has already bound the state to this connection's cookie
        (ipapp.state.guard); a handler called any other way (a unit test) resolves it here."""
        if resolved_for.get() == self.router.session.client_token:
            return
        active = sessions.resolve(session_cookie(self.router.headers.cookie))
        root = self._session_root()
        if root._session_id != (active.session_id if active else None) or (active is None and root._person_id):
            _reset_loaded(root)
            root._adopt(active)
        if active is not None:
            root._session_ends_at = active.ends_at

    def _adopt(self, active: sessions.ActiveSession | None) -> None:
        """A freshly wiped state now belongs to this session (None: to nobody)."""
        person_id = active.person_id if active else None
        self._session_id = active.session_id if active else None
        self._session_ends_at = active.ends_at if active else None
        self._person_id = person_id
        self._plan_id, self.has_workspace = people.starting_point(person_id) if person_id else (None, False)
        viewer = people.describe(person_id, self.locale) if person_id else None  # "": in hers
        self.signed_in = viewer is not None
        self._person_locale = viewer.locale if viewer else ""
        self.viewer_name = viewer.name if viewer else ""
        self.viewer_role = viewer.role_label if viewer else ""
        self.menu, self._is_unit_admin = menu.menu_at_sign_in(person_id, self._plan_id, self.lang) \
            if viewer is not None else ([], False)

    async def _refresh_session(self) -> None:
        """For background tasks, inside `async with self`: ask the cookie again, now."""
        from ipapp.state.guard import bind

        await bind(self, sessions.resolve(session_cookie(self.router.headers.cookie)))

    def _session_root(self) -> "SessionState":
        state = self
        while type(state) is not SessionState:
            state = state.parent_state
        return state

    @rx.event
    @endpoint("anyone")
    def load_demo_chooser(self):
        if not demo.demo_mode_on():
            return rx.redirect(SIGN_IN_ROUTE)
        self.demo_people = people.active_people(self.lang)
        failed = "feil" in self.router.url.query_parameters
        self.sign_in_error = self._text("demo.error") if failed else ""
        return self._set_html_lang()

    @rx.event
    @endpoint("anyone")
    def load_not_found(self):
        """The page for an address we do not have: only its language and title."""
        return self._set_html_lang()

    @rx.event
    @endpoint("anyone", str)
    def set_language(self, code: str):
        if code not in SUPPORTED_LOCALES:
            return None
        self.locale = code
        if self._person_id is not None:
            people.set_locale(self._person_id, code)
            self._person_locale = code
            viewer = people.describe(self._person_id, self.lang)
            self.viewer_role = viewer.role_label if viewer else ""
        return self._set_html_lang()


@functools.lru_cache(maxsize=256)
def _language_script(lang: str, title: str):
    """<html lang> and the title, as one script event: made once per language and title (building
    an event inspects its handler's signature; the event itself is frozen, safe to send again)."""
    script = f"document.documentElement.lang = {json.dumps(lang)};"
    if title:
        # The page's built-in (bokmål) <title> may be rendered again after this script has run
        # on a full load: keep this page's title in her language until the next page sets its own.
        # The whole document is watched (a string compared per batch of changes): React hoists the
        # <title> into <head>, Preact leaves it where the page renders it, in <body>.
        script += (f" window.__ipappTitle && window.__ipappTitle.disconnect();"
                   f" {{ const want = {json.dumps(title)}, path = location.pathname; document.title = want;"
                   " const guard = window.__ipappTitle = new MutationObserver(() => {"
                   " if (location.pathname !== path) guard.disconnect();"
                   " else if (document.title !== want) document.title = want; });"
                   " guard.observe(document.documentElement,"
                   " {subtree: true, childList: true, characterData: true}); }")
    return rx.call_script(script)
