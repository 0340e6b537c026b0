"""The coordinator's (or unit admin's) invitation screen: invite a new person to the plan, or send
someone a new code after a lost phone. The services decide who may; this only shows the result."""

import reflex as rx

from ipapp.domain.ids import parse_id
from ipapp.services import invitations
from ipapp.services.plan_access import AccessDenied
from ipapp.state.endpoints import endpoint
from ipapp.state.session import SessionState

ROLE_CHOICES = ("next_of_kin", "delegate", "participant")
FORM_FIELDS = ("given_name", "family_name", "email", "phone", "relation")


class InviteState(SessionState):
    plans: list[invitations.PlanChoice] = []
    chosen_plan: int = 0  # the plan invitations go to (checked by the service every time)
    allowed: bool = False
    people: list[invitations.PlanPerson] = []
    problem: str = ""
    invitation: invitations.NewInvitation | None = None
    recovery_outcome: str = ""  # "", "ready", "awaiting_approval", "use_national_login"

    def _target_plan(self) -> int | None:
        return self.chosen_plan or self._plan_id

    def _load_people(self) -> None:
        self.allowed = invitations.can_invite(self._person_id, self._target_plan())
        self.people = (
            invitations.people_on_plan(self._person_id, self._target_plan(), self.lang) if self.allowed else []
        )

    @rx.event
    @endpoint("signed_in")
    def load_invite(self):
        self.problem, self.invitation, self.recovery_outcome = "", None, ""
        # A unit admin has no plan of their own: they choose among the plans they may invite to.
        self.plans = invitations.plans_to_invite_to(self._person_id)
        own = self._plan_id in {p.plan_id for p in self.plans}
        self.chosen_plan = self._plan_id if own else (self.plans[0].plan_id if self.plans else 0)
        self._load_people()
        return self._set_html_lang()

    @rx.event
    @endpoint("signed_in", str)
    def choose_plan(self, value: str):
        chosen = parse_id(value) or 0
        # Only a plan offered to this person; anything else changes nothing.
        if chosen in {p.plan_id for p in self.plans}:
            self.chosen_plan, self.invitation, self.problem, self.recovery_outcome = chosen, None, "", ""
            self._load_people()

    @rx.event
    @endpoint("signed_in", dict)
    def create(self, form: dict):
        """Bad input gets a message naming the field; the form keeps what was typed."""
        try:
            self.invitation = invitations.create_invitation(self._person_id, self._target_plan(), form, self.lang)
        except invitations.InvitationProblem as problem:
            self.invitation = None
            self.problem = self._text(f"invite.problem.{problem.field}")
            return None
        except AccessDenied:
            self.problem = self._text("error.not_available")
            return None
        self.problem, self.recovery_outcome = "", ""
        self.people = invitations.people_on_plan(self._person_id, self._target_plan(), self.lang)
        # Done: empty the form so the same person is not invited twice by a second tap.
        return [rx.set_value(f"invite-{name}", "") for name in FORM_FIELDS] + [
            rx.set_focus("invitation-result")
        ]

    @rx.event
    @endpoint("signed_in", dict)
    def reinvite(self, form: dict):
        person_id = parse_id(form.get("person_id"))
        if person_id is None:
            self.problem = self._text("error.not_available")
            return None
        try:
            result = invitations.reinvite(self._person_id, self._target_plan(), person_id, self.lang)
        except AccessDenied:
            self.problem = self._text("error.not_available")
            return None
        self.problem, self.invitation, self.recovery_outcome = "", result.invitation, result.outcome
        return rx.set_focus("invitation-result")
