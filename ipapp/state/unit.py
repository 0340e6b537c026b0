"""The coordinating unit's screens: people (/enhet) and plans (/enhet/planer). Every choice the
browser sends is a place in a list this server made (never an id); the services check that the
person is a unit admin and decide everything else."""

import reflex as rx

from ipapp.domain.ids import at_place
from ipapp.services import people_registry, recovery, unit_plans
from ipapp.services.forms import FormProblem
from ipapp.services.invitations import NewInvitation
from ipapp.services.plan_access import AccessDenied
from ipapp.state.endpoints import endpoint
from ipapp.state.session import SessionState


class UnitState(SessionState):
    allowed: bool = False
    people: list[people_registry.PersonRow] = []
    plans: list[unit_plans.UnitPlanRow] = []
    person_options: list[list[str]] = []  # [place, name] of everyone who can sign in
    pending: list[recovery.PendingRecovery] = []
    notice: str = ""
    refused: str = ""
    problems: dict[str, str] = {}  # "form.field" -> message
    invitation: NewInvitation | None = None
    _choice_ids: list[int] = []

    def _refresh(self) -> None:
        try:
            self.people = people_registry.people_list(self._person_id, self.lang)
            self.plans = unit_plans.plans_list(self._person_id, self.lang)
            choices = unit_plans.choices(self._person_id)
        except AccessDenied:
            self.allowed, self.people, self.plans, self.person_options, self._choice_ids = False, [], [], [], []
            self.pending = []
            return
        self.allowed = True
        self._choice_ids = [person_id for person_id, _ in choices]
        self.person_options = [[str(i), name] for i, (_, name) in enumerate(choices)]
        self.pending = recovery.pending(self._person_id, self.lang)

    @rx.event
    @endpoint("signed_in")
    def load_unit(self):
        if (redirect := self._require_person()) is not None:
            return redirect
        self.notice, self.refused, self.problems, self.invitation = "", "", {}, None
        self._refresh()
        return self._set_html_lang()

    # --- choices by place ---------------------------------------------------------------------

    def _chosen(self, raw: object) -> int | None:
        return at_place(raw, self._choice_ids)

    def _listed(self, rows: list, raw: object):
        return at_place(raw, rows)

    # --- one way to run a change --------------------------------------------------------------

    def _run(self, form_key: str, change, done_key: str):
        """Run the service call; a problem goes under its field (and the page says so), a refusal
        in words; focus goes to the result either way."""
        self.notice, self.refused, self.problems, self.invitation = "", "", {}, None
        try:
            result = change()
        except FormProblem as problem:
            self.problems = {f"{form_key}.{name}": self._text(f"form.problem.{code}")
                             for name, code in problem.problems.items()}
            self.refused = self._text("unit.fix_the_form")
            return rx.set_focus("unit-result")
        except AccessDenied:
            self.refused = self._text("edit.refused")
            return rx.set_focus("unit-result")
        if isinstance(result, NewInvitation):
            self.invitation = result
        elif result is not None and hasattr(result, "invitation"):
            self.invitation = result.invitation
        self.notice = self._text(done_key)
        self._refresh()
        return rx.set_focus("unit-result")

    # --- people ------------------------------------------------------------------------------

    @rx.event
    @endpoint("signed_in", dict)
    def register(self, form: dict):
        return self._run("register", lambda: people_registry.register_person(self._person_id, form, self.lang),
                         "unit.registered")

    def _person(self, form: dict) -> int | None:
        row = self._listed(self.people, form.get("person"))
        return row.id if row is not None else None

    @rx.event
    @endpoint("signed_in", dict)
    def correct(self, form: dict):
        person_id = self._person(form)
        if person_id is None:
            return None
        return self._run(f"correct:{form.get('person')}",
                         lambda: people_registry.correct_person(self._person_id, person_id, form), "unit.corrected")

    @rx.event
    @endpoint("signed_in", dict)
    def link_identity(self, form: dict):
        person_id = self._person(form)
        if person_id is None:
            return None
        return self._run(f"identity:{form.get('person')}",
                         lambda: people_registry.link_identity(self._person_id, person_id, form), "unit.linked")

    @rx.event
    @endpoint("signed_in", str)
    def unlink_identity(self, place: str):
        person_id = self._person({"person": place})
        if person_id is None:
            return None
        return self._run(f"identity:{place}", lambda: people_registry.unlink_identity(self._person_id, person_id),
                         "unit.unlinked")

    @rx.event
    @endpoint("signed_in", str)
    def new_code(self, place: str):
        person_id = self._person({"person": place})
        if person_id is None:
            return None
        return self._run(f"person:{place}",
                         lambda: people_registry.new_code_for_invited(self._person_id, person_id, self.lang),
                         "unit.new_code_made")

    @rx.event
    @endpoint("signed_in", str)
    def deactivate(self, place: str):
        person_id = self._person({"person": place})
        if person_id is None:
            return None
        return self._run(f"person:{place}", lambda: people_registry.deactivate_person(self._person_id, person_id),
                         "unit.deactivated")

    @rx.event
    @endpoint("signed_in", str)
    def approve_recovery(self, place: str):
        row = self._listed(self.pending, place)
        if row is None:
            return None
        return self._run("recovery", lambda: recovery.decide(self._person_id, row.id, True), "unit.approved")

    @rx.event
    @endpoint("signed_in", str)
    def refuse_recovery(self, place: str):
        row = self._listed(self.pending, place)
        if row is None:
            return None
        return self._run("recovery", lambda: recovery.decide(self._person_id, row.id, False), "unit.refused_code")

    # --- plans -------------------------------------------------------------------------------

    @rx.event
    @endpoint("signed_in", dict)
    def create_plan(self, form: dict):
        owner, coordinator = self._chosen(form.get("owner")), self._chosen(form.get("coordinator"))
        return self._run("create", lambda: unit_plans.create_plan_for(self._person_id, owner, coordinator, form),
                         "unit.plan_created")

    def _plan(self, form: dict) -> unit_plans.UnitPlanRow | None:
        return self._listed(self.plans, form.get("plan"))

    @rx.event
    @endpoint("signed_in", dict)
    def change_coordinator(self, form: dict):
        plan = self._plan(form)
        if plan is None:
            return None
        coordinator = self._chosen(form.get("coordinator"))
        return self._run(f"coordinator:{form.get('plan')}",
                         lambda: unit_plans.change_coordinator(self._person_id, plan.id, coordinator),
                         "unit.coordinator_changed")

    @rx.event
    @endpoint("signed_in", dict)
    def add_guardian(self, form: dict):
        plan = self._plan(form)
        if plan is None:
            return None
        guardian = self._chosen(form.get("guardian"))
        return self._run(f"guardian:{form.get('plan')}",
                         lambda: unit_plans.add_guardianship(self._person_id, plan.id, guardian, form),
                         "unit.guardian_added")

    @rx.event
    @endpoint("signed_in", str)
    def end_guardian(self, places: str):
        plan_place, _, guardian_place = places.partition(":")
        plan = self._plan({"plan": plan_place})
        guardianship = self._listed(plan.guardians, guardian_place) if plan is not None else None
        if guardianship is None:
            return None
        return self._run(f"guardian:{plan_place}",
                         lambda: unit_plans.end_guardianship(self._person_id, plan.id, guardianship.id),
                         "unit.guardian_ended")

    @rx.event
    @endpoint("signed_in", dict)
    def add_member(self, form: dict):
        plan = self._plan(form)
        if plan is None:
            return None
        member = self._chosen(form.get("member"))
        return self._run(f"member:{form.get('plan')}",
                         lambda: unit_plans.add_member(self._person_id, plan.id, member, form), "unit.member_added")

    @rx.event
    @endpoint("signed_in", dict)
    def close_plan(self, form: dict):
        plan = self._plan(form)
        if plan is None:
            return None
        return self._run(f"close:{form.get('plan')}", lambda: unit_plans.close_plan(self._person_id, plan.id, form),
                         "unit.plan_closed")
