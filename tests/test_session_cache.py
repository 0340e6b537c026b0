"""An event's session is answered from this worker's cache when the database said yes a moment
ago, and never after the session ended: sign-out, "sign out everywhere", a removed passkey and a
disabled account end it at once here; another worker's news comes over Redis; a lost message
is bounded by MAX_AGE; a Redis reconnect forgets everything. From people the test made through
the services."""

import time
from datetime import timedelta

import pytest
from living_plan import make_plan
from shared_steps import counted
from soft_authenticator import SoftAuthenticator
from sqlmodel import select

from ipapp import db, live
from ipapp.auth import session_cache, sessions
from ipapp.live.bus import RECONNECTED, notify_sync
from ipapp.live.redis_bus import RedisBus
from ipapp.models import Account, WebSession, utcnow
from ipapp.services import invitations, people_registry

ORIGIN = "http://localhost:3000"  # tests/conftest.py service_engine sets this origin


@pytest.fixture
def plan(service_engine):
    session_cache._reset_for_tests()
    made = make_plan()
    _active(made, "owner")
    _active(made, "next_of_kin")
    yield made
    session_cache._reset_for_tests()


def _account_of(person_id: int) -> int:
    with db.transaction() as session:
        return session.exec(select(Account.id).where(Account.person_id == person_id)).one()


def _active(plan, role: str) -> None:
    """Her invitation redeemed with a passkey: an active account, as after a real sign-up."""
    phone, code = SoftAuthenticator(origin=ORIGIN), plan.invitations[role].code
    invitations.redeem(code, phone.register(invitations.registration_options(code)), "Telefon")


def _signed_in(person_id: int) -> str:
    return sessions.start_session(_account_of(person_id), "Telefon", method="demo")


def test_a_second_event_asks_the_database_nothing(plan):
    cookie = _signed_in(plan.owner_id)
    first = sessions.resolve(cookie)
    with counted() as statements:
        again = sessions.resolve(cookie)
    assert again == first and first.person_id == plan.owner_id
    assert statements == []
    assert sessions.resolve("x" * 43) is None  # an unknown cookie is asked every time, never kept


def test_every_way_a_session_ends_is_seen_at_once(plan):
    cookie = _signed_in(plan.owner_id)
    assert sessions.resolve(cookie) is not None
    sessions.end_session(cookie)
    assert sessions.resolve(cookie) is None

    everywhere = [_signed_in(plan.owner_id), _signed_in(plan.owner_id)]
    assert all(sessions.resolve(c) for c in everywhere)
    sessions.end_all_sessions(_account_of(plan.owner_id))
    assert [sessions.resolve(c) for c in everywhere] == [None, None]

    mother = _signed_in(plan.next_of_kin_id)
    assert sessions.resolve(mother) is not None
    people_registry.deactivate_person(plan.admin_id, plan.next_of_kin_id)  # the unit disables her account
    assert sessions.resolve(mother) is None


def test_a_lost_message_is_bounded_by_max_age(plan, monkeypatch):
    """A session revoked behind the cache's back (no news: as if Redis lost it) is refused at the
    latest MAX_AGE after the database last said yes."""
    cookie = _signed_in(plan.owner_id)
    assert sessions.resolve(cookie) is not None
    with db.transaction() as session:
        row = session.exec(select(WebSession)).all()[-1]
        row.revoked_at = utcnow()
        session.add(row)
    assert sessions.resolve(cookie) is not None  # still the cache's answer
    later = utcnow() + session_cache.MAX_AGE
    monkeypatch.setattr(sessions, "utcnow", lambda: later)
    assert sessions.resolve(cookie) is None


def test_a_reconnected_listener_forgets_everything(plan):
    cookie = _signed_in(plan.owner_id)
    sessions.resolve(cookie)
    notify_sync(RECONNECTED, {})
    with counted() as statements:
        sessions.resolve(cookie)
    assert statements  # asked the database again


def test_a_session_ended_on_another_worker_is_forgotten_here(plan, redis_url):
    """This process is worker B (its bus on Redis); worker A ends the session and publishes."""
    worker_a, worker_b = RedisBus(redis_url), RedisBus(redis_url)
    live.use_bus(worker_b)
    session_cache._reset_for_tests()
    try:
        cookie = _signed_in(plan.owner_id)
        sessions.resolve(cookie)  # B's listener starts ...
        time.sleep(0.3)  # ... subscribes, and forgets what it knew (it may have missed news)
        active = sessions.resolve(cookie)  # cached again
        with db.transaction() as session:  # what A's sign-out commits ...
            row = session.get(WebSession, active.session_id)
            row.revoked_at = utcnow()
            session.add(row)
        assert sessions.resolve(cookie) is not None  # ... B has not heard yet
        worker_a.publish(live.SESSIONS_ENDED, {"kind": "ended", "sessions": [active.session_id]})  # ... and says
        deadline = time.monotonic() + 2
        while sessions.resolve(cookie) is not None and time.monotonic() < deadline:
            time.sleep(0.01)
        assert sessions.resolve(cookie) is None
    finally:
        live.use_bus(None)
        worker_a.close(), worker_b.close()
        session_cache._reset_for_tests()


def test_the_cache_keeps_no_session_past_its_own_end(plan, monkeypatch):
    cookie = _signed_in(plan.owner_id)
    active = sessions.resolve(cookie)
    just_after = active.ends_at + timedelta(seconds=1)
    monkeypatch.setattr(sessions, "utcnow", lambda: just_after)
    assert sessions.resolve(cookie) is None
