"""The coordinating unit names a stand-in for a coordinator who is away. Choices are places in
lists this server made (never ids from the browser); the service checks the unit admin."""

import reflex as rx

from ipapp.domain.ids import at_place, parse_id
from ipapp.services import plan_setup
from ipapp.services.forms import FormProblem
from ipapp.services.plan_access import AccessDenied
from ipapp.state.endpoints import endpoint
from ipapp.state.session import SessionState


class SubstituteState(SessionState):
    plan_options: list[list[str]] = []  # [place, owner's name]
    person_options: list[list[str]] = []  # [place, name]
    current: list[plan_setup.SubstituteView] = []
    allowed: bool = False
    notice: str = ""
    problems: dict[str, str] = {}
    _plan_ids: list[int] = []
    _person_ids: list[int] = []

    def _refresh(self) -> None:
        plans, people = plan_setup.substitute_choices(self._person_id)
        self.allowed = bool(plans)
        self._plan_ids, self._person_ids = [p for p, _ in plans], [p for p, _ in people]
        self.plan_options = [[str(i), name] for i, (_, name) in enumerate(plans)]
        self.person_options = [[str(i), name] for i, (_, name) in enumerate(people)]
        self.current = plan_setup.substitutes(self._person_id, self.lang)

    @rx.event
    @endpoint("signed_in")
    def load_substitutes(self):
        if (redirect := self._require_person()) is not None:
            return redirect
        self.notice, self.problems = "", {}
        self._refresh()
        return self._set_html_lang()

    @rx.event
    @endpoint("signed_in", dict)
    def add(self, form: dict):
        self.notice, self.problems = "", {}
        plan_id, person_id = at_place(form.get("plan"), self._plan_ids), at_place(form.get("person"), self._person_ids)
        if plan_id is None or person_id is None:
            self.problems = {"person": self._text("form.problem.choose_one")}
            return rx.set_focus("substitute-person")
        try:
            plan_setup.add_substitute(self._person_id, plan_id, person_id, form)
        except FormProblem as problem:
            self.problems = {k: self._text(f"form.problem.{v}") for k, v in problem.problems.items()}
            return rx.set_focus("substitute-result")
        except AccessDenied:
            self.notice = self._text("edit.refused")
            return rx.set_focus("substitute-result")
        self.notice = self._text("substitute.added")
        self._refresh()
        return rx.set_focus("substitute-result")

    @rx.event
    @endpoint("signed_in", str)
    def end(self, place: str):
        index = parse_id(place)
        if index is None or index >= len(self.current):
            return None
        try:
            plan_setup.end_substitute(self._person_id, self.current[index].id)
        except AccessDenied:
            self.notice = self._text("edit.refused")
            return None
        self.notice = self._text("substitute.ended")
        self._refresh()
        return rx.set_focus("substitute-result")
