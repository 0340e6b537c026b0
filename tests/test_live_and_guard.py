"""The live seam and the event guard, without a browser: events leave only after commit; one
watcher per tab however often it is asked; the next scheduled change is the right instant; and
the guard refuses what no page of ours sends, Reflex's built-ins included."""

import asyncio
from datetime import date, datetime, timedelta

import pytest
from sqlmodel import select

from ipapp import db, live, policy
from ipapp.domain.vocabulary import Section
from ipapp.live.bus import MemoryBus
from ipapp.models import AccessGrant, Plan
from ipapp.services import grants
from ipapp.state import plan as _plan_state  # noqa: F401  (registers PlanState, as the app does)
from ipapp.state import tabs
from ipapp.state.guard import _refusal
from raw_socket import LOCALE_KEY, PLAN_STATE, ROOT_STATE, SESSION_STATE
from shared_steps import listening

ON_LOAD = f"{ROOT_STATE}.reflex___state____on_load_internal_state"
UPDATE_VARS = f"{ROOT_STATE}.reflex___state____update_vars_internal_state"
ROUTER = {"pathname": "/", "asPath": "/", "query": {}}


@pytest.fixture
def bus():
    live.use_bus(MemoryBus())
    yield
    live.use_bus(None)


def test_a_revoke_notifies_its_plan_after_commit_and_a_refused_one_says_nothing(demo_cast, bus):
    with db.transaction() as session:
        plan_id = session.exec(select(Plan)).first().id
        grant = session.exec(select(AccessGrant).where(AccessGrant.revoked_at.is_(None))).first()
    got = listening({live.plan_topic(plan_id)}, lambda: grants.revoke_grant(demo_cast.owner_id, plan_id, grant.id))
    assert got == [{"kind": "access", "topic": f"plan:{plan_id}"}]

    def refused():
        with pytest.raises(grants.GrantProblem):
            grants.revoke_grant(demo_cast.owner_id, plan_id, grant.id)  # already revoked
    assert listening({live.plan_topic(plan_id)}, refused) == []


def test_a_rolled_back_write_publishes_nothing(demo_cast, bus):
    def write_then_fail():
        with pytest.raises(RuntimeError):
            with db.transaction() as session:
                plan = session.exec(select(Plan)).first()
                plan.status = plan.status
                session.add(plan)
                live.after_commit(session, live.plan_topic(plan.id), {"kind": "access"})
                session.flush()
                raise RuntimeError("boom")
    assert listening({"plan:1", "plan:2"}, write_then_fail) == []


def test_a_tab_gets_one_watcher_however_often_it_asks():
    async def scenario():
        started = []

        async def watcher():
            if not tabs.claim_watch("tab-1"):
                return False
            try:
                started.append(1)
                await asyncio.sleep(0.05)
                return True
            finally:
                tabs.release_watch("tab-1")

        results = await asyncio.gather(*(watcher() for _ in range(100)))
        again = await watcher()  # the first one ended: a new page may start one again
        return results.count(True), len(started), again, tabs.watcher_count()

    assert asyncio.run(scenario()) == (1, 2, True, 0)


def _facts(**kw) -> policy.PlanFacts:
    return policy.PlanFacts(plan_id=1, owner_person_id=1, owner_birth_date=kw.get("birth"),
                            coordinator_person_id=None, guardianships=kw.get("guardianships", ()),
                            grants=kw.get("grants", ()))


def test_the_next_scheduled_change_is_the_first_boundary_after_now():
    now = datetime(2026, 12, 1, 12, 0)
    grant = policy.GrantFacts(2, frozenset({Section.GOALS}), now - timedelta(days=1), now + timedelta(hours=3),
                              True, False, False)
    later = policy.GrantFacts(3, frozenset({Section.GOALS}), now + timedelta(days=2), now + timedelta(days=9),
                              True, False, False)
    assert policy.next_change_at(_facts(grants=(grant, later)), now) == now + timedelta(hours=3)
    assert policy.next_change_at(_facts(), now) is None
    # a parent acts until the owner turns 16: midnight in Oslo (23:00 UTC in winter)
    parent = policy.GuardianshipFacts(4, "parent_of_minor", date(2020, 1, 1), None)
    facts = _facts(birth=date(2010, 12, 5), guardianships=(parent,))
    assert policy.next_change_at(facts, now) == datetime(2026, 12, 4, 23, 0)
    # a guardianship ending on a summer day ends at the next Oslo midnight (22:00 UTC)
    court = policy.GuardianshipFacts(4, "court_appointed", date(2020, 1, 1), date(2027, 6, 30))
    assert policy.next_change_at(_facts(guardianships=(court,)), now) == datetime(2027, 6, 30, 22, 0)


@pytest.mark.parametrize("name,payload", [
    (f"{PLAN_STATE}.setvar", {"var_name": "contacts", "value": []}),
    (f"{ROOT_STATE}.setvar", {"var_name": "is_hydrated", "value": True}),
    (f"{SESSION_STATE}.setvar", {"var_name": "locale", "value": "nb"}),
    (f"{ROOT_STATE}.set_is_hydrated", {"value": "\ud800"}),
    (f"{ON_LOAD}.set_is_hydrated", {"value": "yes"}),
    (f"{UPDATE_VARS}.update_vars_internal", {"vars": {LOCALE_KEY: "\ud800"}}),
    (f"{UPDATE_VARS}.update_vars_internal", {"vars": {f"{PLAN_STATE}.contacts": "[]"}}),
    (f"{SESSION_STATE}.set_language", {"code": "\udfff"}),
    (f"{SESSION_STATE}.set_language", {"code": [[[[[[[[[[[[[[["nb"]]]]]]]]]]]]]]]}),
    (f"{ROOT_STATE}.hydrate", {"x": 1}),
    (f"{ROOT_STATE}.no_such_handler", {}),
    ("not_a_state.handler", {}),
])
def test_the_guard_refuses_events_no_page_sends(name, payload):
    assert _refusal(name, payload, ROUTER) is not None


@pytest.mark.parametrize("name,payload", [
    (f"{ROOT_STATE}.hydrate_and_load", {"vars": {LOCALE_KEY: "nn"}, "hashes": ["abc"]}),
    (f"{ROOT_STATE}.set_is_hydrated", {"value": True}),
    (f"{ON_LOAD}.on_load_internal", {}),
    (f"{UPDATE_VARS}.update_vars_internal", {"vars": {LOCALE_KEY: "en"}}),
    (f"{SESSION_STATE}.set_language", {"code": "nn"}),
    (f"{PLAN_STATE}.load_overview", {}),
])
def test_the_guard_lets_through_what_our_pages_send(name, payload):
    assert _refusal(name, payload, ROUTER) is None


def test_a_bad_string_in_the_route_is_refused_too():
    assert _refusal(f"{PLAN_STATE}.load_overview", {}, {"pathname": "/\ud800", "query": {}}) is not None
