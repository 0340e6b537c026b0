"""The coordinator's (or unit admin's) invitation screen: invite a new person to the plan, or send
someone a new code after a lost phone. The services decide who may; this only shows the result."""

import reflex as rx

from ipapp.services import invitations
from ipapp.services.plan_access import AccessDenied
from ipapp.state.endpoints import endpoint
from ipapp.state.session import SessionState

ROLE_CHOICES = ("next_of_kin", "delegate", "participant")
FORM_FIELDS = ("given_name", "family_name", "email", "phone", "relation")


class InviteState(SessionState):
    allowed: bool = False
    people: list[invitations.PlanPerson] = []
    problem: str = ""
    invitation: invitations.NewInvitation | None = None

    @rx.event
    @endpoint("signed_in")
    def load_invite(self):
        self.problem, self.invitation = "", None
        self.allowed = invitations.can_invite(self._person_id, self._plan_id)
        self.people = (
            invitations.people_on_plan(self._person_id, self._plan_id, self.lang) if self.allowed else []
        )
        return self._set_html_lang()

    @rx.event
    @endpoint("signed_in", dict)
    def create(self, form: dict):
        """Bad input gets a message naming the field; the form keeps what was typed."""
        try:
            self.invitation = invitations.create_invitation(self._person_id, self._plan_id, form, self.lang)
        except invitations.InvitationProblem as problem:
            self.invitation = None
            self.problem = self._text(f"invite.problem.{problem.field}")
            return None
        except AccessDenied:
            self.problem = self._text("error.not_available")
            return None
        self.problem = ""
        self.people = invitations.people_on_plan(self._person_id, self._plan_id, self.lang)
        # Done: empty the form so the same person is not invited twice by a second tap.
        return [rx.set_value(f"invite-{name}", "") for name in FORM_FIELDS] + [
            rx.set_focus("invitation-result")
        ]

    @rx.event
    @endpoint("signed_in", dict)
    def reinvite(self, form: dict):
        raw_id = form.get("person_id")
        if not (isinstance(raw_id, str) and raw_id.isdigit()):
            self.problem = self._text("error.not_available")
            return None
        try:
            self.invitation = invitations.reinvite(
                self._person_id, self._plan_id, int(raw_id), form.get("remove_passkeys") == "on", self.lang
            )
        except AccessDenied:
            self.problem = self._text("error.not_available")
            return None
        self.problem = ""
        return rx.set_focus("invitation-result")
