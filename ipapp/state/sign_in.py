"""Signing in with a passkey or the national login, opening an invitation, and the pages anyone
may read without signing in (the accessibility statement)."""

import json
import logging

import reflex as rx

from ipapp.auth import demo, passkeys
from ipapp.auth.oidc import client_key as address_key
from ipapp.config import settings
from ipapp.services import accounts, invitations, sign_in
from ipapp.state.endpoints import endpoint
from ipapp.state.session import SessionState

log = logging.getLogger(__name__)

# Failure codes from the OpenID Connect callback's redirect (?feil=...); nothing else is shown.
NATIONAL_LOGIN_FAILURES = {
    "innlogging": "signin.error.innlogging",
    "ukjent": "signin.error.ukjent",
    "for-mange": "signin.error.too_many",
}
# What the browser script or the route may answer, and the text each gets.
PASSKEY_MESSAGES = {
    "cancelled": "signin.error.cancelled",
    "NotAllowedError": "signin.error.cancelled",
    "AbortError": "signin.error.cancelled",
    "NotSupportedError": "signin.error.not_supported",
    "too_many": "signin.error.too_many",
    "used": "invitation.problem.used",
    "expired": "invitation.problem.expired",
    "revoked": "invitation.problem.revoked",
}


def _message_key(result: dict, fallback: str) -> str:
    error = result.get("error")
    return PASSKEY_MESSAGES.get(error, fallback) if isinstance(error, str) else fallback


class SignInState(SessionState):
    passkey_script: str = ""
    national_login_available: bool = False
    demo_available: bool = False
    busy: bool = False

    def _prepare(self) -> None:
        # A fresh single-use challenge; at most a few outstanding per client address.
        self.passkey_script = sign_in.sign_in_script(address_key(self.router.session.client_ip or "unknown"))

    @rx.event
    @endpoint("anyone")
    def load_sign_in(self):
        if self._person_id is not None:
            return rx.redirect("/")
        self.busy = False
        self.national_login_available = settings().oidc is not None
        self.demo_available = demo.demo_mode_on()
        failure = self.router.url.query_parameters.get("feil", "")
        key = NATIONAL_LOGIN_FAILURES.get(failure)
        self.sign_in_error = self._text(key) if key else ""
        self._prepare()
        return self._set_html_lang()

    @rx.event
    @endpoint("anyone")
    def passkey_started(self):
        self.busy = True
        self.sign_in_error = ""

    @rx.event
    @endpoint("anyone", dict)
    def passkey_result(self, result: dict):
        """The browser script's answer. On success the page is already reloading into the app."""
        if result.get("ok") is True:
            return None
        self.busy = False
        self.sign_in_error = self._text(_message_key(result, "signin.error.passkey"))
        self._prepare()  # the old challenge is spent or stale
        return None


def _client_key(ip: str) -> str:
    return address_key(ip or "unknown")  # the same key the HTTP routes count failures under


class InvitationState(SessionState):
    invited_name: str = ""
    adds_key: bool = False  # the code adds a key to an account already in use: say so plainly
    problem: str = ""
    register_script: str = ""
    busy: bool = False
    opened: bool = False

    def _code(self) -> str:
        return self.router._page.params.get("code", "")

    def _registration_script(self) -> str:
        # The new passkey is named after this device ("Safari på iPhone"), in the page's language.
        name = accounts.passkey_name(self.router.headers.user_agent, self.lang)
        return sign_in.invitation_script(self._code(), label_js=json.dumps(name))

    @rx.event
    @endpoint("anyone")
    def load_invitation(self):
        self.invited_name, self.problem, self.register_script, self.adds_key = "", "", "", False
        self.busy, self.opened = False, False
        client = _client_key(self.router.session.client_ip)
        if passkeys.too_many_failures(client, "invitation"):
            log.warning("invitation guesses slowed down for a client")
            self.problem = self._text("signin.error.too_many")
        else:
            try:
                view = invitations.open_invitation(self._code())
                self.invited_name, self.adds_key = view.given_name, view.adds_key
                self.register_script = self._registration_script()
            except invitations.InvitationProblem as problem:
                if problem.code == "unknown":
                    passkeys.record_failure(client, "invitation")
                self.problem = self._text(f"invitation.problem.{problem.code}")
            except passkeys.PasskeyError:
                self.problem = self._text("invitation.problem.unknown")
        self.opened = True
        return self._set_html_lang()

    @rx.event
    @endpoint("anyone")
    def register_started(self):
        self.busy = True
        self.sign_in_error = ""

    @rx.event
    @endpoint("anyone", dict)
    def register_result(self, result: dict):
        if result.get("ok") is True:
            return None
        self.busy = False
        key = _message_key(result, "invitation.error.register")
        # "Cancelled" here means no passkey was made (or the phone could not verify the person).
        self.sign_in_error = self._text(
            "invitation.error.cancelled" if key == "signin.error.cancelled" else key
        )
        try:  # a fresh challenge for another try, if the code still works
            self.register_script = self._registration_script()
        except (invitations.InvitationProblem, passkeys.PasskeyError):
            self.register_script = ""
        return None


class StatementState(SessionState):
    """The accessibility statement: the same for everyone, signed in or not."""

    @rx.event
    @endpoint("anyone")
    def load_statement(self):
        return self._set_html_lang()
