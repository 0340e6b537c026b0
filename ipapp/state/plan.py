"""What the plan pages show. Data comes only from ipapp.services; access is decided there."""

import logging

import reflex as rx

from ipapp.services import plan_reading
from ipapp.services.plan_access import AccessDenied
from ipapp.services.views import (
    AccessView,
    ContactView,
    GoalView,
    MeetingView,
    PlanHeader,
    ThreadView,
)
from ipapp.state.endpoints import endpoint
from ipapp.state.session import SessionState

log = logging.getLogger(__name__)


def _parse_id(raw: object) -> int | None:
    """A route's id as an int, or None for anything that is not a plain positive number."""
    return int(raw) if isinstance(raw, str) and raw.isdigit() and len(raw) < 12 else None


class PlanState(SessionState):
    loaded: bool = False
    error: str = ""
    header: PlanHeader | None = None
    goals: list[GoalView] = []
    next_meeting: MeetingView | None = None
    threads_awaiting_reply: int = 0
    access: list[AccessView] = []
    next_review: str = ""
    goal: GoalView | None = None
    contacts: list[ContactView] = []
    upcoming_meetings: list[MeetingView] = []
    past_meetings: list[MeetingView] = []
    threads: list[ThreadView] = []

    @rx.var
    def owner_name(self) -> str:
        return self.header.owner_name if self.header else ""

    @rx.var
    def overview_title(self) -> str:
        if self.header is None:
            return self._text("overview.title_unknown")
        if self.header.viewer_is_owner:
            return self._text("overview.title_own")
        return self._text("overview.title_other", name=self.header.owner_given_name)

    @rx.var
    def viewer_is_owner(self) -> bool:
        return bool(self.header and self.header.viewer_is_owner)

    @rx.var
    def may_manage_sharing(self) -> bool:
        return bool(self.header and self.header.may_manage_sharing)

    @rx.var
    def readable_sections(self) -> list[str]:
        return self.header.readable_sections if self.header else []

    def _start(self):
        """Common start of every page load: clear what was shown, check sign-in, set language."""
        self.loaded = False
        self.error = ""
        redirect = self._require_person()
        if redirect is not None:
            self.header = None
            return redirect
        if self._plan_id is None:
            self.error = self._text("error.no_plan")
            self.loaded = True
        return None

    def _denied(self, denied: AccessDenied):
        log.info("access denied: %s", denied.reason)
        self.error = self._text("error.not_available")
        self.loaded = True

    def _load_header(self) -> bool:
        try:
            self.header = plan_reading.read_header(self._person_id, self._plan_id)
            return True
        except AccessDenied as denied:
            self.header = None
            self._denied(denied)
            return False

    @rx.event
    @endpoint("signed_in")
    def load_overview(self):
        if (redirect := self._start()) is not None or self.loaded:
            return redirect
        try:
            overview = plan_reading.read_overview(self._person_id, self._plan_id, self.lang)
        except AccessDenied as denied:
            self.header = None
            self._denied(denied)
            return self._set_html_lang()
        self.header = overview.header
        self.goals = overview.goals
        self.next_meeting = overview.next_meeting
        self.threads_awaiting_reply = overview.threads_awaiting_reply
        self.access = overview.access
        self.next_review = overview.next_review
        self.loaded = True
        return self._set_html_lang()

    @rx.event
    @endpoint("signed_in")
    def load_me(self):
        """"Meg" works for everyone signed in, also those who may open no plan (to sign out)."""
        if (redirect := self._require_person()) is not None:
            return redirect
        self.error = ""
        try:
            self.header = plan_reading.read_header(self._person_id, self._plan_id)
        except AccessDenied:
            self.header = None  # the page needs no plan; the header just shows no owner
        self.loaded = True
        return self._set_html_lang()

    @rx.event
    @endpoint("signed_in")
    def load_goal(self):
        if (redirect := self._start()) is not None or self.loaded:
            return redirect
        self.goal = None
        goal_id = _parse_id(self.router._page.params.get("goal_id"))
        if self._load_header():
            try:
                self.goal = plan_reading.read_goal(self._person_id, self._plan_id, goal_id, self.lang)
            except AccessDenied as denied:
                self._denied(denied)
        self.loaded = True
        return self._set_html_lang()

    @rx.event
    @endpoint("signed_in")
    def load_contacts(self):
        return self._load_section("contacts", plan_reading.read_contacts)

    @rx.event
    @endpoint("signed_in")
    def load_meetings(self):
        return self._load_section("meetings", plan_reading.read_meetings)

    @rx.event
    @endpoint("signed_in")
    def load_threads(self):
        return self._load_section("threads", plan_reading.read_threads)

    @rx.event
    @endpoint("signed_in")
    def load_access(self):
        return self._load_section("access", plan_reading.read_access)

    def _load_section(self, name: str, reader):
        if (redirect := self._start()) is not None or self.loaded:
            return redirect
        if self._load_header():
            try:
                result = reader(self._person_id, self._plan_id, self.lang)
            except AccessDenied as denied:
                result = None
                self._denied(denied)
            if name == "meetings":
                self.upcoming_meetings, self.past_meetings = result or ([], [])
            else:
                setattr(self, name, result or [])
        self.loaded = True
        return self._set_html_lang()
