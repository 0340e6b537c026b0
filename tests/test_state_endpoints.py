"""Every public handler is an endpoint any browser can call with any arguments.

These call the handlers the way a forged websocket event would: wrong types, other people's ids,
demo sign-in outside demo mode. Each must change nothing and reveal nothing.
"""

import pytest
import reflex as rx
from reflex.istate.data import RouterData
from shared_steps import ipapp_states

import ipapp.ipapp  # noqa: F401  (registers every page and state)
from ipapp.auth import demo, sessions
from ipapp.demo.seed import DemoCast
from ipapp.state.endpoints import rule_of
from ipapp.state.plan import PlanState
from ipapp.state.session import SessionState


@pytest.fixture
def cast(demo_cast) -> DemoCast:
    return demo_cast  # tests/conftest.py: a fresh database with the demo plan


@pytest.fixture
def tab() -> PlanState:
    """A fresh tab's state tree, as the framework builds it; the plan state is a substate."""
    root = rx.State(_reflex_internal_init=True)
    session = root.get_substate(SessionState.get_full_name().split(".")[1:])
    return session.get_substate(PlanState.get_full_name().split(".")[2:])


def _sign_in(tab: PlanState, person_id: int) -> str:
    """A real session for the person, carried by this tab's websocket handshake cookie."""
    raw = sessions.start_session(demo.account_for_demo_person(person_id), "test")
    _use_cookie(tab, f"{sessions.SESSION_COOKIE}={raw}")
    return raw


def _use_cookie(tab: PlanState, cookie_header: str) -> None:
    root = tab.parent_state.parent_state
    root.router = RouterData.from_router_data({"headers": {"cookie": cookie_header}})


def _nothing_signed_in(tab: PlanState) -> bool:
    return tab._person_id is None and tab._plan_id is None and not tab.signed_in


def test_each_event_resolves_the_person_from_the_session_cookie(cast, tab):
    _sign_in(tab, cast.owner_id)
    PlanState.load_overview.fn(tab)
    assert tab._person_id == cast.owner_id and tab._plan_id == cast.plan_id and tab.signed_in
    assert tab.goals


@pytest.mark.parametrize("cookie", ["", "ipapp_session=", "ipapp_session=forged-value-123456789012345",
                                    "ipapp_session=\"", "other=1; ipapp_session"])
def test_a_missing_or_forged_cookie_gives_no_person(cast, tab, cookie):
    _use_cookie(tab, cookie)
    PlanState.load_overview.fn(tab)
    assert _nothing_signed_in(tab) and tab.goals == []


def test_a_session_ended_elsewhere_empties_an_open_page_at_the_next_event(cast, tab):
    raw = _sign_in(tab, cast.owner_id)
    PlanState.load_overview.fn(tab)
    assert tab.goals
    sessions.end_session(raw)  # e.g. "sign out everywhere" from another device
    PlanState.load_contacts.fn(tab)
    assert _nothing_signed_in(tab) and tab.goals == [] and tab.contacts == [] and tab.header is None


def test_switching_person_never_shows_the_previous_persons_data(cast, tab):
    _sign_in(tab, cast.owner_id)
    PlanState.load_overview.fn(tab)
    assert tab.access  # the owner sees who has access
    _sign_in(tab, cast.coordinator_id)
    PlanState.load_contacts.fn(tab)
    assert tab.access == [] and tab._person_id == cast.coordinator_id


def test_extra_or_wrongly_typed_arguments_are_refused_before_the_handler(cast, tab):
    _sign_in(tab, cast.owner_id)
    PlanState.load_overview.fn(tab, cast.plan_id)  # the plan is never the client's to choose
    assert tab.header is None and tab.goals == []
    for forged in [{"nb": 1}, None, 3, "x" * 20_000]:
        SessionState.set_language.fn(tab.parent_state, forged)
    SessionState.set_language.fn(tab.parent_state, "nn", "en")
    SessionState.set_language.fn(tab.parent_state, language="nn")  # a renamed payload key
    SessionState.set_language.fn(tab.parent_state, code={"x": 1})
    assert tab.lang == "nb"
    SessionState.set_language.fn(tab.parent_state, code="nn")  # as Reflex sends it: by name
    assert tab.lang == "nn"


def test_every_event_handler_of_ours_is_a_declared_endpoint():
    undeclared = []
    states = ipapp_states()
    assert SessionState in states and PlanState in states
    for cls in states:
        for name, handler in cls.event_handlers.items():
            if not handler.fn.__module__.startswith("ipapp."):
                continue  # Reflex's own (hydrate, setvar → only our declared set_* methods)
            if rule_of(handler.fn) is None:
                undeclared.append(f"{cls.__name__}.{name}")
    assert undeclared == []


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




@pytest.mark.parametrize("raw", ["", "0x1", "1.5", "-3", " 7", "²", "٣", "1" * 12, None, 7, ["1"]])
def test_ids_from_a_browser_are_plain_ascii_numbers_or_nothing(raw):
    from ipapp.domain.ids import parse_id

    assert parse_id(raw) is None


def test_a_plain_number_is_an_id():
    from ipapp.domain.ids import parse_id

    assert (parse_id("42"), parse_id("0"), parse_id("9" * 11)) == (42, 0, 99999999999)


def _owner_with_a_goal(tab: PlanState) -> tuple[str, int]:
    """Made through the services: a plan with the goal "Egen bolig", its owner signed in on this
    tab with the passkey she made from her invitation. Returns her cookie header and the goal."""
    from living_plan import make_plan
    from soft_authenticator import SoftAuthenticator

    from ipapp.services import goal_editing, invitations

    plan = make_plan()
    goal_id = goal_editing.add_goal(plan.coordinator_id, plan.plan_id, {"title": "Egen bolig"})
    code = plan.invitations["owner"].code
    phone = SoftAuthenticator(origin="http://localhost:3000")
    account_id, _ = invitations.redeem(code, phone.register(invitations.registration_options(code)), "Telefon")
    cookie = f"{sessions.SESSION_COOKIE}={sessions.start_session(account_id, 'test')}"
    _use_cookie(tab, cookie)
    return cookie, goal_id


def _open_goal_route(tab: PlanState, cookie: str, goal_id: int) -> None:
    """The tab is now on /mal/<id>, as the browser's router says (the id rides in the query)."""
    tab.parent_state.parent_state.router = RouterData.from_router_data(
        {"headers": {"cookie": cookie}, "pathname": f"/mal/{goal_id}", "query": {"goal_id": str(goal_id)}})


def test_a_tab_keeps_only_the_page_it_shows(service_engine, tab):
    """Made through the services: the owner opens the overview, then a goal, then the contacts. Each load leaves nothing of the page before in the tab's server-side state."""
    cookie, goal_id = _owner_with_a_goal(tab)
    PlanState.load_overview.fn(tab)
    assert [g.title for g in tab.goals] == ["Egen bolig"] and tab.missing
    _open_goal_route(tab, cookie, goal_id)
    PlanState.load_goal.fn(tab)
    assert tab.goal is not None and tab.goal.title == "Egen bolig"
    assert tab.goals == [] and tab.missing == [] and tab.participants == []  # the overview's are gone
    PlanState.load_contacts.fn(tab)
    assert tab.goal is None and tab.goal_choices == [] and tab.contact_choices == []


def test_a_new_device_speaks_her_language_from_the_first_frame_and_the_page_load_sends_none_of_it(
        service_engine, tab):
    """Made through the services: she chose nynorsk under Meg; this device has chosen nothing. The
    first event (the hydrate's) already gives her role and language in nynorsk; the page's load
    then changes nothing of the session's state (each of the page's texts listens to it: a second
    copy of the language would render them all again), nor the device's own choice."""
    from living_plan import make_plan
    from soft_authenticator import SoftAuthenticator

    from ipapp.services import invitations, people

    plan = make_plan()
    code = plan.invitations["owner"].code
    phone = SoftAuthenticator(origin="http://localhost:3000")
    account_id, _ = invitations.redeem(code, phone.register(invitations.registration_options(code)), "Telefon")
    people.set_locale(plan.owner_id, "nn")
    _use_cookie(tab, f"{sessions.SESSION_COOKIE}={sessions.start_session(account_id, 'test')}")
    session = tab.parent_state
    SessionState.load_not_found.fn(session)  # the first event binds the tab to her session
    assert (session.lang, session.viewer_role, session.locale) == ("nn", "Planeigar", "")
    session._clean()
    PlanState.load_overview.fn(tab)
    assert tab.loaded and tab.header is not None
    sent = {name for name in session.dirty_vars if not name.startswith("_")}  # "_" vars stay on the server
    assert sent == set() and session.locale == ""


def test_a_page_opened_again_as_it_was_marks_nothing_to_send(service_engine, tab):
    """Made through the services: the owner opens the overview, then a goal, each twice. The
    second load of each reads the plan again and finds the page as it was, so none of the tab's
    vars is set again: the load's delta is empty and only its title script goes."""
    cookie, goal_id = _owner_with_a_goal(tab)
    session = tab.parent_state

    def sent_by(load) -> set[str]:
        session._clean()
        load.fn(tab)
        return {name for state in (session, tab) for name in state.dirty_vars if not name.startswith("_")}

    assert {"goals", "loaded", "form_versions"} <= sent_by(PlanState.load_overview)
    assert sent_by(PlanState.load_overview) == set() and tab.loaded and tab.goals
    _open_goal_route(tab, cookie, goal_id)
    assert {"goal", "goals"} <= sent_by(PlanState.load_goal)
    assert sent_by(PlanState.load_goal) == set() and tab.goal.title == "Egen bolig"


def test_the_watcher_empties_a_page_through_its_background_proxy(tab):
    """The tab's watcher runs as a background task: there the state is Reflex's StateProxy,
    whose type is not the state's. Emptying the page through it must still compare and clear."""
    from reflex.istate.manager.memory import StateManagerMemory
    from reflex.istate.proxy import StateProxy
    from reflex_base.event.context import EventContext

    tab.consent, tab.threads_awaiting_reply = "Samtykke til 31. mars", 2

    async def enqueue(*_events, **_options):
        return None

    EventContext.set(EventContext(token="tab", state_manager=StateManagerMemory(), enqueue_impl=enqueue))
    proxy = StateProxy(tab)
    proxy._self_mutable = True  # as inside `async with self`
    proxy._clear_content()
    assert (tab.consent, tab.threads_awaiting_reply, tab.header) == ("", 0, None)
