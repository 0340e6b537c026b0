"""Every public handler is an endpoint any browser can call with any arguments.

These call the handlers the way a forged websocket event would: wrong types, other people's ids,
demo sign-in outside demo mode. Each must change nothing and reveal nothing.
"""

import pytest
import reflex as rx
from sqlmodel import SQLModel

import ipapp.ipapp  # noqa: F401  (registers every page and state)
from ipapp import db
from ipapp.config import reset_settings_cache
from ipapp.demo.seed import DemoCast, load_demo
from ipapp.state.endpoints import rule_of
from ipapp.state.plan import PlanState
from ipapp.state.session import SessionState


@pytest.fixture
def cast(tmp_path, monkeypatch) -> DemoCast:
    monkeypatch.setenv("IPAPP_ENV", "development")
    monkeypatch.setenv("IPAPP_DEMO", "1")
    reset_settings_cache()
    engine = db.make_engine(f"sqlite:///{tmp_path}/state.sqlite3")
    SQLModel.metadata.create_all(engine)
    db.use_engine(engine)
    with db.transaction() as session:
        demo = load_demo(session)
    yield demo
    db.use_engine(None)
    reset_settings_cache()
    engine.dispose()


@pytest.fixture
def tab() -> PlanState:
    """A fresh tab's state tree, as the framework builds it; the plan state is a substate."""
    root = rx.State(_reflex_internal_init=True)
    session = root.get_substate(SessionState.get_full_name().split(".")[1:])
    return session.get_substate(PlanState.get_full_name().split(".")[2:])


def _sign_in(tab: PlanState, person_id: object):
    # As the browser does: the event goes to the session state; the plan state must see its result.
    return SessionState.sign_in_demo.fn(tab.parent_state, person_id)


def _nothing_signed_in(tab: PlanState) -> bool:
    return tab._person_id is None and tab._plan_id is None and not tab.signed_in


@pytest.mark.parametrize("forged", ["1", {"id": 1}, [1], None, True, 1.5, 2**60])
def test_demo_sign_in_with_payloads_of_the_wrong_type_is_refused_before_the_handler(cast, tab, forged):
    _sign_in(tab, forged)
    assert _nothing_signed_in(tab) and tab.sign_in_error == ""


@pytest.mark.parametrize("unknown", [-4, 0, 10**15])
def test_demo_sign_in_as_nobody_says_so_and_changes_nothing(cast, tab, unknown):
    _sign_in(tab, unknown)
    assert _nothing_signed_in(tab)
    assert tab.sign_in_error == "Det gikk ikke å logge inn. Prøv igjen."


def test_extra_or_missing_arguments_are_refused(cast, tab):
    SessionState.sign_in_demo.fn(tab.parent_state, cast.owner_id, cast.owner_id)
    SessionState.sign_in_demo.fn(tab.parent_state)
    assert _nothing_signed_in(tab)
    PlanState.load_overview.fn(tab, cast.plan_id)  # the plan is never the client's to choose
    assert tab.header is None


def _ipapp_states():
    pending, found = [rx.State], []
    while pending:
        cls = pending.pop()
        pending.extend(cls.get_substates())
        if cls.__module__.startswith("ipapp."):
            found.append(cls)
    return found


def test_every_event_handler_of_ours_is_a_declared_endpoint():
    undeclared = []
    states = _ipapp_states()
    assert SessionState in states and PlanState in states
    for cls in states:
        for name, handler in cls.event_handlers.items():
            if not handler.fn.__module__.startswith("ipapp."):
                continue  # Reflex's own (hydrate, setvar → only our declared set_* methods)
            if rule_of(handler.fn) is None:
                undeclared.append(f"{cls.__name__}.{name}")
    assert undeclared == []


def test_demo_sign_in_is_refused_outside_demo_mode(cast, tab, monkeypatch):
    monkeypatch.delenv("IPAPP_DEMO")
    reset_settings_cache()
    _sign_in(tab, cast.owner_id)
    assert _nothing_signed_in(tab)


def test_demo_sign_in_as_a_person_opens_their_plan(cast, tab):
    _sign_in(tab, cast.owner_id)
    assert tab._person_id == cast.owner_id and tab._plan_id == cast.plan_id and tab.signed_in


def test_pages_load_nothing_before_sign_in(cast, tab):
    for handler in (PlanState.load_overview, PlanState.load_contacts, PlanState.load_meetings,
                    PlanState.load_threads, PlanState.load_access, PlanState.load_goal):
        handler.fn(tab)
        assert tab.header is None and tab.goals == [] and tab.contacts == []
        assert tab.upcoming_meetings == [] and tab.threads == [] and tab.access == []


def test_next_of_kin_without_signed_consent_gets_a_clear_message_and_no_data(cast, tab):
    _sign_in(tab, cast.next_of_kin_id)
    PlanState.load_overview.fn(tab)
    assert tab.goals == [] and tab.header is None
    assert tab.error.startswith("Dette er ikke tilgjengelig for deg")


def test_language_accepts_only_known_codes(cast, tab):
    for forged in ["xx", {"nb": 1}, None, 3]:
        SessionState.set_language.fn(tab.parent_state, forged)
        assert tab.lang == "nb"
    SessionState.set_language.fn(tab.parent_state, "nn")
    assert tab.lang == "nn"


def test_sign_out_forgets_the_person_and_the_plan_data(cast, tab):
    _sign_in(tab, cast.owner_id)
    PlanState.load_overview.fn(tab)
    assert tab.goals
    SessionState.sign_out.fn(tab.parent_state)
    assert _nothing_signed_in(tab) and tab.goals == [] and tab.header is None
