"""Who is using this tab and in which language. The person id lives only on the server.

Every public handler here is reachable by any browser with any arguments: each validates
its input and changes nothing when refused.
"""

import json
import logging

import reflex as rx

from ipapp.auth import demo
from ipapp.i18n import SUPPORTED_LOCALES, normalize_locale, translate
from ipapp.services import people
from ipapp.state.endpoints import endpoint

log = logging.getLogger(__name__)

DEMO_ROUTE = "/demo"
SIGN_IN_ROUTE = "/logg-inn"


class SessionState(rx.State):
    # The language is a preference, not a permission: a client may set it, so it is normalised on use.
    locale: str = rx.LocalStorage("nb", name="ipapp_locale", sync=True)

    # Server-side only (underscore vars are never sent to or accepted from the browser).
    _person_id: int | None = None
    _plan_id: int | None = None

    signed_in: bool = False
    viewer_name: str = ""
    viewer_role: str = ""
    demo_people: list[people.PersonView] = []
    sign_in_error: str = ""

    @rx.var
    def lang(self) -> str:
        return normalize_locale(self.locale)

    def _text(self, key: str, **params: object) -> str:
        return translate(key, self.lang, **params)

    def _set_html_lang(self):
        return rx.call_script(f"document.documentElement.lang = {json.dumps(self.lang)}")

    def _sign_in_route(self) -> str:
        return DEMO_ROUTE if demo.demo_mode_on() else SIGN_IN_ROUTE

    def _sign_in_redirect(self):
        return rx.redirect(self._sign_in_route())

    def _require_person(self):
        """For page loads: None when signed in, else the redirect to the sign-in page."""
        return self._sign_in_redirect() if self._person_id is None else None

    @rx.event
    @endpoint("anyone")
    def load_demo_chooser(self):
        if not demo.demo_mode_on():
            return rx.redirect(SIGN_IN_ROUTE)
        self.demo_people = people.active_people(self.lang)
        return self._set_html_lang()

    @rx.event
    @endpoint("anyone", int)
    def sign_in_demo(self, person_id: int):
        """Act as a demo person. Refused (nothing changes) outside demo mode or for unknown ids."""
        try:
            chosen = demo.sign_in_as(person_id)
        except demo.DemoSignInRefused as refused:
            log.warning("demo sign-in refused: %s", refused)
            self.sign_in_error = self._text("demo.error")
            return None
        viewer = people.describe(chosen, self.lang)
        self._person_id = chosen
        self._plan_id = people.first_plan_for(chosen)
        self.signed_in = True
        self.sign_in_error = ""
        self.viewer_name = viewer.name if viewer else ""
        self.viewer_role = viewer.role_label if viewer else ""
        return rx.redirect("/")

    @rx.event
    @endpoint("anyone")
    def sign_out(self):
        locale = self.locale
        for substate in self.substates.values():
            substate.reset()  # nothing of the plan stays in this tab's state
        self.reset()
        self.locale = locale
        return rx.redirect(self._sign_in_route())

    @rx.event
    @endpoint("anyone", str)
    def set_language(self, code: str):
        if code not in SUPPORTED_LOCALES:
            return None
        self.locale = code
        if self._person_id is not None:
            viewer = people.describe(self._person_id, self.lang)
            self.viewer_role = viewer.role_label if viewer else ""
        return self._set_html_lang()

    @rx.event
    @endpoint("anyone")
    def load_sign_in(self):
        if demo.demo_mode_on():
            return rx.redirect(DEMO_ROUTE)
        return self._set_html_lang()
