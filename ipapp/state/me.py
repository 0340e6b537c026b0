""""Meg": the person's passkeys and devices. Every handler acts only on the signed-in person's
own account; the browser names a key by its place in the list this server made, never by its id."""

from dataclasses import dataclass

import reflex as rx

from ipapp.auth import passkeys
from ipapp.domain.ids import parse_id
from ipapp.i18n.dates import format_date, format_when, to_oslo
from ipapp.models import utcnow
from ipapp.services import accounts, invitations, plan_setup
from ipapp.state.endpoints import endpoint
from ipapp.state.session import SessionState


@dataclass
class PasskeyRow:
    label: str  # her name for it, else the device and date it was added
    added: str
    last_used: str
    how: str  # "Lagt til med en gjenopprettingskode laget av Ingrid Koordinator"
    recovered: bool


@dataclass
class SignInRow:
    when: str
    device: str
    method: str  # in words
    current: bool


class MeState(SessionState):
    passkeys: list[PasskeyRow] = []
    _passkey_ids: list[int] = []  # the ids behind `passkeys`, in the same order (server-side only)
    sign_ins: list[SignInRow] = []
    may_invite: bool = False
    may_name_substitutes: bool = False  # the coordinating unit
    register_script: str = ""
    busy: bool = False
    notice: str = ""
    problem: str = ""

    def _prepare_registration(self) -> None:
        """Options ready before the tap, so the ceremony runs inside the person's gesture."""
        try:
            options = accounts.new_passkey_options(self._person_id)
            self.register_script = passkeys.browser_script(passkeys.REGISTER_JS, options)
        except passkeys.PasskeyError:
            self.register_script = ""
        self.busy = False

    def _unnamed_label(self, key, first_agent: str) -> str:
        """A key (passkeys.PasskeyInfo) made before keys were named: the device of its first sign-in,
        if on record, and the date."""
        date = format_date(to_oslo(key.created_at).date(), self.lang)
        device = accounts.passkey_name(first_agent, self.lang)
        if device:
            return self._text("me.passkey_unnamed_device", device=device, date=date)
        return self._text("me.passkey_unnamed", date=date)

    def _refresh(self) -> None:
        now = utcnow()
        keys = accounts.my_passkeys(self._person_id)
        names = accounts.names_of({p.added_by_person_id for p in keys if p.added_by_person_id})
        agents = accounts.first_devices(self._person_id, [p.id for p in keys if not p.label])
        self._passkey_ids = [p.id for p in keys]
        self.passkeys = [
            PasskeyRow(
                label=p.label or self._unnamed_label(p, agents.get(p.id, "")),
                added=format_when(p.created_at, now, self.lang),
                last_used=format_when(p.last_used_at, now, self.lang) if p.last_used_at else "",
                how=self._text(f"me.passkey_via.{p.added_via}", name=names.get(p.added_by_person_id, "")),
                recovered=p.added_via == "recovery",
            )
            for p in keys
        ]
        self.sign_ins = [
            SignInRow(when=format_when(s.at, now, self.lang), device=s.device or self._text("me.device_unknown"),
                      method=self._text(f"me.sign_in_via.{s.method}"), current=s.current)
            for s in accounts.recent_sign_ins(self._person_id, self._session_id)
        ]

    @rx.event
    @endpoint("signed_in")
    def load_passkeys(self):
        self.notice, self.problem = "", ""
        self.may_invite = bool(invitations.plans_to_invite_to(self._person_id))
        self.may_name_substitutes = bool(plan_setup.substitute_choices(self._person_id)[0])
        self._refresh()
        self._prepare_registration()

    @rx.event
    @endpoint("signed_in")
    def add_started(self):
        self.busy, self.notice, self.problem = True, "", ""

    @rx.event
    @endpoint("signed_in", dict)
    def add_result(self, result: dict):
        if "error" in result:
            cancelled = result.get("error") in ("NotAllowedError", "AbortError")
            self.problem = self._text("invitation.error.cancelled" if cancelled else "invitation.error.register")
        else:
            # Named after this device ("Chrome på Android"), from the websocket handshake's user agent.
            name = accounts.passkey_name(self.router.headers.user_agent, self.lang)
            try:
                accounts.add_my_passkey(self._person_id, result, name)
            except passkeys.PasskeyError:
                self.problem = self._text("invitation.error.register")
            else:
                self.notice = self._text("me.passkey_added_now")
        self._refresh()
        self._prepare_registration()

    def _chosen(self, place: int | None) -> int | None:
        """The id of the key at this place in her list, or None for a place the list does not have."""
        return self._passkey_ids[place] if place is not None and 0 <= place < len(self._passkey_ids) else None

    @rx.event
    @endpoint("signed_in", dict)
    def rename_from_form(self, form: dict):
        """The rename form: `choice` is the key's place in the list, `label` its new name."""
        self.notice, self.problem = "", ""
        passkey_id = self._chosen(parse_id(form.get("choice")))  # a form sends text
        if passkey_id is None:
            self.problem = self._text("me.passkey_rename_failed")
            return rx.set_focus("passkeys-result")
        try:
            accounts.rename_my_passkey(self._person_id, passkey_id, form.get("label"))
        except passkeys.PasskeyError:
            self.problem = self._text("me.passkey_rename_failed")
            return rx.set_focus("passkeys-result")
        self.notice = self._text("me.passkey_renamed")
        self._refresh()
        return rx.set_focus("passkeys-result")

    @rx.event
    @endpoint("signed_in", int)
    def remove_passkey(self, choice: int):
        self.notice, self.problem = "", ""
        passkey_id = self._chosen(choice)
        try:
            if passkey_id is None:
                raise passkeys.PasskeyError("unknown_credential", "no such place in the list")
            accounts.remove_my_passkey(self._person_id, passkey_id)
        except passkeys.PasskeyError:
            self.problem = self._text("me.passkey_remove_failed")
            return rx.set_focus("passkeys-result")
        self.notice = self._text("me.passkey_removed")
        self._refresh()
        self._prepare_registration()  # the removed key may now be registered again
        return rx.set_focus("passkeys-result")

    @rx.event
    @endpoint("signed_in")
    def sign_out_everywhere(self):
        accounts.sign_out_everywhere(self._person_id)
        # This tab's session ended too: the next event finds no person and clears the page.
        return rx.redirect(self._sign_in_route())
