""""Mine planer": the plans a person may open, and switching between them without signing out.
The chosen plan is kept server-side and every read checks the person against it again."""

import reflex as rx

from ipapp.services import workspace
from ipapp.state.endpoints import endpoint
from ipapp.state.session import SessionState


class WorkspaceState(SessionState):
    plans: list[workspace.PlanSummary] = []
    loaded: bool = False

    @rx.event
    @endpoint("signed_in")
    def load_workspace(self):
        if (redirect := self._require_person()) is not None:
            return redirect
        self.plans = workspace.my_plans(self._person_id, self._plan_id, self.lang)
        self.loaded = True
        return self._set_html_lang()

    @rx.event
    @endpoint("signed_in", int)
    def open_plan(self, choice: int):
        """The `choice`-th plan of the list this server made for her (never a plan id from the
        browser), checked again before it becomes the tab's plan."""
        if not 0 <= choice < len(self.plans):
            return None
        plan_id = self.plans[choice].plan_id
        if not workspace.may_open(self._person_id, plan_id):
            return None  # no longer hers to open: nothing changes
        self._session_root()._plan_id = plan_id
        return rx.redirect("/")
