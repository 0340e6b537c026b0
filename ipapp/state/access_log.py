""""Hvem har sett planen min": who did what to the plan when, newest first, for the owner (or an
acting guardian). The service decides who may see the log and what each event is called (a
catalog key and its display-ready parameters); here it becomes text in the person's language."""

from dataclasses import dataclass

import reflex as rx

from ipapp.domain.ids import parse_id
from ipapp.services.access_log import who_looked
from ipapp.services.plan_access import AccessDenied
from ipapp.state.endpoints import endpoint
from ipapp.state.session import SessionState

PER_PAGE = 20


@dataclass
class LogRow:
    id: int
    who: str
    what: str
    when: str
    denied: bool


@dataclass
class LogPerson:
    id: int
    name: str


class AccessLogState(SessionState):
    rows: list[LogRow] = []
    people: list[LogPerson] = []
    page: int = 1
    total: int = 0
    has_next: bool = False
    has_previous: bool = False
    only_person: int = 0  # 0: everyone
    problem: str = ""
    loaded: bool = False

    def _load(self) -> None:
        try:
            result = who_looked(self._person_id, self._plan_id, page=self.page, per_page=PER_PAGE,
                                only_person_id=self.only_person or None, locale=self.lang)
        except AccessDenied:
            self.rows, self.people, self.problem = [], [], self._text("error.not_available")
            self.loaded = True
            return
        self.rows = [
            LogRow(id=e.event_id, who=f"{e.person_name} ({e.role_label.lower()})",
                   what=self._text(e.text_key, **e.text_params), when=e.when,
                   denied=e.outcome == "denied")
            for e in result.entries
        ]
        self.people = [LogPerson(id=p.person_id, name=p.name) for p in result.people]
        self.total, self.has_next, self.has_previous = result.total, result.has_next, result.has_previous
        self.problem, self.loaded = "", True

    @rx.event
    @endpoint("signed_in")
    def load_log(self):
        self.page, self.only_person, self.loaded = 1, 0, False
        self._load()
        return self._set_html_lang()

    @rx.event
    @endpoint("signed_in", str)
    def filter_person(self, value: str):
        self.only_person = parse_id(value) or 0
        self.page = 1
        self._load()

    @rx.event
    @endpoint("signed_in", int)
    def go_to_page(self, page: int):
        self.page = max(1, min(page, 10_000))
        self._load()
