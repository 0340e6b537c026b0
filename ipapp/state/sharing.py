"""The sharing page's actions: give a person some sections until a date, change it, take it back,
renew it or let it run out. The services decide who may; every change needs a new signed consent
before it gives anything."""

from dataclasses import dataclass

import reflex as rx

from ipapp.domain.ids import parse_id
from ipapp.domain.vocabulary import Section
from ipapp.models import utcnow
from ipapp.services import grant_endings, grants
from ipapp.services.invitations import NewInvitation
from ipapp.services.plan_access import AccessDenied
from ipapp.state.endpoints import endpoint
from ipapp.state.plan import PlanState
from ipapp.state.session import SessionState

SECTION_KEYS = [s.value for s in Section]
NEW_PERSON_FIELDS = ("given_name", "family_name", "email", "phone", "relation")
REFUSED = object()  # what SharingState._attempt gives when the service said no
# The words of the link a refusal comes with (the service gives where it leads, GrantProblem.link).
LINK_TEXTS = {"duplicate_waiting": "consent.open"}


@dataclass
class SectionChoice:
    key: str
    label: str


def _sections_in(form: dict) -> list[str]:
    return [key for key in SECTION_KEYS if form.get(f"section_{key}") in ("on", True)]


def _last_day_in(form: dict):
    return grants.last_day_for(form.get("duration"), form.get("end_date"), utcnow())


class SharingState(SessionState):
    grantees: list[grants.Grantee] = []
    sections: list[SectionChoice] = []
    problem: str = ""
    problem_link: str = ""  # where she can do what the problem asks of her ("" for nowhere)
    problem_link_text: str = ""
    notice: str = ""
    invitation: NewInvitation | None = None  # for a person who had no account: the code to send
    invitation_hint: str = ""

    def _problem(self, code: str, link: str = "") -> None:
        self.notice, self.invitation = "", None
        if code.startswith("new_person."):  # the new person's details: the invitation's messages
            self.problem = self._text(f"invite.problem.{code.removeprefix('new_person.')}")
        else:
            self.problem = self._text(f"sharing.problem.{code}")
        self.problem_link = link if link and code in LINK_TEXTS else ""
        self.problem_link_text = self._text(LINK_TEXTS[code]) if self.problem_link else ""

    def _say(self, notice: str = "") -> None:
        """No problem (any more); `notice` says what was done."""
        self._show(problem="", problem_link="", problem_link_text="", notice=notice)

    @rx.event
    @endpoint("signed_in")
    def load_grantees(self):
        self._say()
        self.invitation = None
        try:
            self.grantees = grants.grantees(self._person_id, self._plan_id, self.lang)
            self.sections = [SectionChoice(key, label) for key, label in
                             grants.grantable_sections(self._person_id, self._plan_id, self.lang)]
        except AccessDenied:
            self.grantees, self.sections = [], []

    @rx.event
    @endpoint("signed_in")
    def forget_notices(self):
        """A page that shows this state's notices opens without an earlier page's message."""
        self._say()
        self._show(invitation=None)

    def _attempt(self, service, *args, denied: str):
        """Call a sharing service for this person's plan. A refusal shows its message (`denied`
        for an AccessDenied) and gives REFUSED; the form keeps what was chosen."""
        try:
            return service(self._person_id, self._plan_id, *args)
        except grants.GrantProblem as problem:
            self._problem(problem.code, problem.link)
        except AccessDenied:
            self._problem(denied)
        return REFUSED

    @rx.event
    @endpoint("signed_in", dict)
    def add_grant(self, form: dict):
        new_person = {name: form.get(f"new_{name}", "") for name in NEW_PERSON_FIELDS}
        who = form.get("grantee")
        if not who and any(isinstance(v, str) and v.strip() for v in new_person.values()):
            who = grants.NEW_PERSON  # details typed in, the "someone else" choice not ticked
        shared = self._attempt(grants.share, who, _sections_in(form), _last_day_in(form),
                               form.get("purpose", ""), new_person, self.lang, denied="not_allowed")
        if shared is REFUSED:
            return rx.set_focus("sharing-result")
        self._say(self._text("sharing.saved_needs_consent"))
        self.invitation = shared.invitation
        if shared.invitation is not None:  # they now have an account: list them as such
            self.invitation_hint = self._text("sharing.invitation_hint", name=shared.invitation.person_name)
            self.grantees = grants.grantees(self._person_id, self._plan_id, self.lang)
        # Saved: clear the choices so a second tap does not try the same grant again.
        return [rx.call_script("document.getElementById('grant-form')?.reset()"), PlanState.load_access,
                rx.set_focus("sharing-result")]

    @rx.event
    @endpoint("signed_in", dict)
    def change_grant(self, form: dict):
        """Other sections or another last day: then straight to the consent to sign."""
        last_day = grants.SAME_LAST_DAY if form.get("duration") == grants.SAME_LAST_DAY else _last_day_in(form)
        if self._attempt(grants.change_grant, parse_id(form.get("grant_id")), _sections_in(form), last_day,
                         denied="not_allowed") is REFUSED:
            return rx.set_focus("sharing-result")
        return rx.redirect("/samtykke")

    @rx.event
    @endpoint("signed_in", int)
    def renew(self, grant_id: int):
        """One tap: three more months; the new consent version is then shown for signing."""
        if self._attempt(grant_endings.renew_grant, grant_id, denied="unknown_grant") is REFUSED:
            return None
        return rx.redirect("/samtykke")

    @rx.event
    @endpoint("signed_in", int)
    def let_lapse(self, grant_id: int):
        """The owner saw that it ends and is content: no more reminders about it."""
        if self._attempt(grant_endings.let_lapse, grant_id, denied="unknown_grant") is REFUSED:
            return None
        self._say(self._text("ending.lapse_chosen"))
        return PlanState.load_overview

    @rx.event
    @endpoint("signed_in", int)
    def revoke(self, grant_id: int):
        if self._attempt(grants.revoke_grant, grant_id, denied="unknown_grant") is REFUSED:
            return None
        self._say(self._text("sharing.revoked"))
        self.invitation = None
        return PlanState.load_access
