"""The sharing page's actions: give a person some sections until a date, or take access back.
The services decide who may; each change needs a new signed consent before it takes effect."""

from dataclasses import dataclass

import reflex as rx

from ipapp.domain.vocabulary import Section
from ipapp.models import utcnow
from ipapp.services import grants
from ipapp.services.plan_access import AccessDenied
from ipapp.state.endpoints import endpoint
from ipapp.state.plan import PlanState
from ipapp.state.session import SessionState

SECTION_KEYS = [s.value for s in Section]


@dataclass
class SectionChoice:
    key: str
    label: str


class SharingState(SessionState):
    grantees: list[grants.Grantee] = []
    sections: list[SectionChoice] = []
    problem: str = ""
    notice: str = ""

    @rx.event
    @endpoint("signed_in")
    def load_grantees(self):
        self.problem, self.notice = "", ""
        try:
            self.grantees = grants.grantees(self._person_id, self._plan_id, self.lang)
            self.sections = [SectionChoice(key, label) for key, label in
                             grants.grantable_sections(self._person_id, self._plan_id, self.lang)]
        except AccessDenied:
            self.grantees, self.sections = [], []

    @rx.event
    @endpoint("signed_in", dict)
    def add_grant(self, form: dict):
        raw_person = form.get("grantee")
        person_id = int(raw_person) if isinstance(raw_person, str) and raw_person.isdigit() else None
        sections = [key for key in SECTION_KEYS if form.get(f"section_{key}") in ("on", True)]
        last_day = grants.last_day_for(form.get("duration"), form.get("end_date"), utcnow())
        try:
            if person_id is None:
                raise grants.GrantProblem("unknown_person")
            grants.create_grant(self._person_id, self._plan_id, person_id, sections, last_day,
                                form.get("purpose", ""))
        except grants.GrantProblem as problem:
            self.notice, self.problem = "", self._text(f"sharing.problem.{problem.code}")
            return None  # the form keeps what was chosen
        except AccessDenied:
            self.notice, self.problem = "", self._text("sharing.problem.not_allowed")
            return None
        self.problem, self.notice = "", self._text("sharing.saved_needs_consent")
        # Saved: clear the choices so a second tap does not try the same grant again.
        return [rx.call_script("document.getElementById('grant-form')?.reset()"), PlanState.load_access]

    @rx.event
    @endpoint("signed_in", int)
    def renew(self, grant_id: int):
        """One tap: three more months; the new consent version is then shown for signing."""
        try:
            grants.renew_grant(self._person_id, self._plan_id, grant_id)
        except (grants.GrantProblem, AccessDenied):
            self.notice, self.problem = "", self._text("sharing.problem.unknown_grant")
            return None
        return rx.redirect("/samtykke")

    @rx.event
    @endpoint("signed_in", int)
    def revoke(self, grant_id: int):
        try:
            grants.revoke_grant(self._person_id, self._plan_id, grant_id)
        except (grants.GrantProblem, AccessDenied):
            self.notice, self.problem = "", self._text("sharing.problem.unknown_grant")
            return None
        self.problem, self.notice = "", self._text("sharing.revoked")
        return PlanState.load_access
