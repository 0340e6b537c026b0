"""Reading and signing the consent: the owner (or an acting guardian) signs exactly the text shown,
with their own passkey; withdrawing needs no signature and works at once."""

import logging
from dataclasses import dataclass

import reflex as rx

from ipapp.auth import passkeys
from ipapp.i18n.dates import format_when
from ipapp.models import utcnow
from ipapp.services import consents
from ipapp.services.plan_access import AccessDenied
from ipapp.state.endpoints import endpoint
from ipapp.state.session import SessionState

log = logging.getLogger(__name__)
# Error codes from consents.sign/signing_options and the browser, and the text each gets.
MESSAGES = {
    "changed": "consent.error.changed",
    "superseded": "consent.error.changed",
    "already_signed": "consent.error.already_signed",
    "no_passkey": "consent.error.no_passkey",
    "recovered_key_waiting": "consent.error.recovered_key_waiting",
    "nothing_to_consent": "consent.error.nothing_to_consent",
    "cancelled": "signin.error.cancelled",
    "NotAllowedError": "signin.error.cancelled",
    "AbortError": "signin.error.cancelled",
    "NotSupportedError": "signin.error.not_supported",
}
# The words of the link to where the person can put a refusal right (consents.put_right_at).
LINK_TEXTS = {"no_passkey": "consent.no_passkey_link"}


@dataclass
class ConsentDisplay:
    id: int
    version: int
    document: str
    document_sha256: str
    status_label: str
    awaiting: bool
    signed: bool
    signed_line: str  # "Signert av … 23. november kl. 18.00 – signaturen er kontrollert"


class ConsentState(SessionState):
    consent: ConsentDisplay | None = None
    sign_script: str = ""
    problem: str = ""
    problem_link: str = ""  # a page where she can put the problem right herself ("" for none)
    problem_link_text: str = ""
    notice: str = ""
    busy: bool = False
    loaded: bool = False

    def _say_problem(self, text: str = "", code: object = None) -> None:
        """Show `text`, or the message for a refusal `code` and the way to put it right (the
        service says where); with neither, no problem is shown."""
        if isinstance(code, str):
            text = self._text(MESSAGES.get(code, "consent.error.retry"))
        where = consents.put_right_at(code)
        self.problem = text
        self.problem_link = where if where and code in LINK_TEXTS else ""
        self.problem_link_text = self._text(LINK_TEXTS[code]) if self.problem_link else ""

    def _refresh(self) -> None:
        self.sign_script, self.busy = "", False
        try:
            view, verified = consents.current_consent_checked(self._person_id, self._plan_id)
        except AccessDenied:
            self.consent = None
            self._say_problem(self._text("error.not_available"))
            return
        if view is None:
            self.consent = None
            return
        signed_line = ""
        if view.signed_at is not None:
            key = "consent.signed_verified" if verified else "consent.signed_not_verified"
            signed_line = self._text(key, name=view.signer_name,
                                     when=format_when(view.signed_at, utcnow(), self.lang))
        self.consent = ConsentDisplay(
            id=view.id, version=view.version, document=view.document,
            document_sha256=view.document_sha256,
            status_label=self._text(f"consent.status.{view.status}"),
            awaiting=view.status == "awaiting_signature", signed=view.status == "signed",
            signed_line=signed_line,
        )
        if self.consent.awaiting:
            try:  # prepared now, so the passkey ceremony runs inside the tap
                options = consents.signing_options(self._person_id, self._plan_id, view.id, view.document_sha256)
                self.sign_script = passkeys.browser_script(passkeys.SIGN_IN_JS, options)
            except consents.ConsentError as refused:
                self._say_problem(code=refused.code)

    @rx.event
    @endpoint("signed_in")
    def load_consent(self):
        self.notice, self.loaded = "", False
        self._say_problem()
        try:  # a changed sharing setup gets its new version to sign
            consents.draft_consent(self._person_id, self._plan_id, self.lang)
        except consents.ConsentError as nothing_new:
            log.debug("no new consent version: %s", nothing_new.code)
        except AccessDenied:
            pass  # _refresh says so in the person's language
        self._refresh()
        self.loaded = True
        return self._set_html_lang()

    @rx.event
    @endpoint("signed_in")
    def sign_started(self):
        self.busy, self.notice = True, ""
        self._say_problem()

    @rx.event
    @endpoint("signed_in", dict)
    def sign_result(self, result: dict):
        if self.consent is None:
            return
        if "error" in result:
            error = result.get("error")
            self._say_problem(code=error if isinstance(error, str) else "")
            self._refresh()
            return
        try:
            consents.sign(self._person_id, self._plan_id, self.consent.id, result)
        except consents.ConsentError as refused:
            self._say_problem(code=refused.code)
        except AccessDenied:
            self._say_problem(self._text("error.not_available"))
        else:
            self.notice = self._text("consent.signed_now")
        self._refresh()

    @rx.event
    @endpoint("signed_in")
    def withdraw(self):
        if self.consent is None:
            return
        try:
            consents.withdraw(self._person_id, self._plan_id, self.consent.id)
        except (consents.ConsentError, AccessDenied):
            self._say_problem(self._text("consent.error.retry"))
        else:
            self.notice = self._text("consent.withdrawn_now")
            self._say_problem()
        self._refresh()
