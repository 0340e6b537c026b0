"""No frame carries a person's plan to a connection whose own cookie is not that person's.

A tab token is no secret (sessionStorage, Math.random, in the websocket URL), and Reflex's own
hydrate sends a token's whole stored state before any handler of ours runs. These tests speak the
compiled frontend's socket.io protocol with the owner's tab token after she signed out, with no
cookie, another person's, and a made-up one, and send Reflex's built-in events too; then the same
through the UI in Chromium. The owner's content is known from the database: her contacts' phone
numbers and e-mail addresses, her goals, her messages.
"""

import re
import secrets

import httpx
import pytest
import socketio
from playwright.sync_api import expect
from sqlmodel import select

from ipapp import db
from ipapp.models import Account, Contact, Goal, MessageThread, Person, Plan
from ipapp.services import plan_reading
from raw_socket import (
    LOCALE_KEY,
    PLAN_STATE,
    ROOT_STATE,
    SESSION_STATE,
    event,
    hydrate,
    open_tab,
)

pytestmark = pytest.mark.browser
ON_LOAD = f"{ROOT_STATE}.reflex___state____on_load_internal_state"
UPDATE_VARS = f"{ROOT_STATE}.reflex___state____update_vars_internal_state"
FRONTEND_ERROR = f"{ROOT_STATE}.reflex___state____frontend_event_exception_state"
# The pages that hold plan content in server-side state, the living plan's too.
PAGES = ("/kontakter", "/meldinger", "/moter", "/", "/deling", "/notater", "/om-meg", "/mal/1", "/historikk/mal/1",
         "/planer", "/meg/varsler")


def _content_markers(plan_id: int, reader_id: int | None = None) -> dict[str, set[str]]:
    """The owner's content by section, leaving out what `reader_id` may read herself."""
    readable = set(plan_reading.access_watch(reader_id, plan_id)[0][0]) if reader_id else set()
    with db.transaction() as session:
        contacts = session.exec(select(Contact).where(Contact.plan_id == plan_id)).all()
        markers = {
            "contacts": {v for c in contacts for v in (c.phone, c.email) if v},
            "goals": {g.title for g in session.exec(select(Goal).where(Goal.plan_id == plan_id))},
            "messages": {t.subject for t in session.exec(select(MessageThread).where(MessageThread.plan_id == plan_id))},
        }
    return {section: found for section, found in markers.items() if section not in readable and found}


def _people() -> tuple[int, int, int]:
    with db.transaction() as session:
        plan = session.exec(select(Plan)).first()
        jonas = session.exec(select(Person).where(Person.given_name == "Jonas")).one()
        return plan.id, plan.owner_person_id, jonas.id


def _sign_in(app_url: str, person_id: int) -> str:
    response = httpx.post(f"{app_url}/auth/demo/{person_id}", headers={"Origin": app_url})
    assert response.status_code == 303, response.text
    return f"ipapp_session={response.cookies['ipapp_session']}"


def _sign_out(app_url: str, cookie: str) -> None:
    response = httpx.post(f"{app_url}/auth/sign-out", headers={"Origin": app_url, "Cookie": cookie})
    assert response.status_code == 303


def _built_ins(path: str) -> list[dict]:
    """Reflex's own handlers as any client can send them, then ours that read the plan."""
    return [
        event(f"{ROOT_STATE}.set_is_hydrated", {"value": True}, path),
        event(f"{ON_LOAD}.set_is_hydrated", {"value": True}, path),
        event(f"{ON_LOAD}.on_load_internal", {}, path),
        event(f"{UPDATE_VARS}.update_vars_internal", {"vars": {LOCALE_KEY: "nb"}}, path),
        event(f"{ROOT_STATE}.setvar", {"var_name": "is_hydrated", "value": True}, path),
        event(f"{PLAN_STATE}.setvar", {"var_name": "contacts", "value": []}, path),
        event(f"{FRONTEND_ERROR}.handle_frontend_exception", {"info": "x", "component_stack": ""}, path),
        event(f"{ROOT_STATE}.hydrate", {}, path),
        event(f"{PLAN_STATE}.load_contacts", {}, path),
        event(f"{PLAN_STATE}.load_threads", {}, path),
        event(f"{PLAN_STATE}.watch_access", {}, path),
    ]


def _visit_as_owner(app_url: str, token: str, cookie: str, markers: dict[str, set[str]]) -> None:
    """The owner opens her pages in this tab; her content is on the wire (the markers are real)."""
    seen = "\n".join(open_tab(app_url, token, cookie, hydrate(path)).text() for path in PAGES)
    for section, found in markers.items():
        assert any(m in seen for m in found), f"the owner's {section} never reached her own tab"


def _assert_nothing_of(run, markers: dict[str, set[str]], who: str) -> None:
    assert run.connected and run.frames, f"{who}: the tab got no frames at all"
    text = run.text()
    leaked = {section: sorted(m for m in found if m in text) for section, found in markers.items()}
    assert not any(leaked.values()), f"{who} received the owner's content: {leaked}"


@pytest.mark.parametrize("who", ["no cookie", "another person's cookie", "a made-up cookie"])
def test_after_sign_out_the_tab_token_carries_nothing_of_the_owner(app_url, app_database, who):
    plan_id, owner_id, jonas_id = _people()
    token = secrets.token_hex(16)
    owner = _sign_in(app_url, owner_id)
    _visit_as_owner(app_url, token, owner, _content_markers(plan_id))
    _sign_out(app_url, owner)

    cookie = {"no cookie": None, "another person's cookie": _sign_in(app_url, jonas_id),
              "a made-up cookie": "ipapp_session=" + secrets.token_urlsafe(32)}[who]
    markers = _content_markers(plan_id, jonas_id if cookie and who.startswith("another") else None)
    for path in PAGES:
        _assert_nothing_of(open_tab(app_url, token, cookie, hydrate(path), _built_ins(path)), markers, who)


UNIT_STATE = f"{SESSION_STATE}.ipapp___state___unit____unit_state"
UNIT_PAGES = ("/enhet", "/enhet/planer")


@pytest.mark.parametrize("who", ["no cookie", "a made-up cookie"])
def test_after_the_unit_admin_signs_out_the_tab_token_carries_nothing_of_the_register(app_url, app_database, who):
    """The coordinating unit's register (everyone's e-mail address) on a tab, then sign-out: the
    same tab token gets none of it back, whatever it sends."""
    with db.transaction() as session:
        admin_id = session.exec(select(Account.person_id).where(Account.is_unit_admin)).first()
        emails = {p.email for p in session.exec(select(Person)) if p.email}
    token = secrets.token_hex(16)
    admin = _sign_in(app_url, admin_id)
    seen = "\n".join(open_tab(app_url, token, admin, hydrate(path)).text() for path in UNIT_PAGES)
    assert any(email in seen for email in emails), "the register never reached the unit admin's own tab"
    _sign_out(app_url, admin)
    cookie = None if who == "no cookie" else "ipapp_session=" + secrets.token_urlsafe(32)
    for path in UNIT_PAGES:
        run = open_tab(app_url, token, cookie, hydrate(path),
                       _built_ins(path) + [event(f"{UNIT_STATE}.load_unit", {}, path)])
        _assert_nothing_of(run, {"register": emails}, who)


def test_another_persons_cookie_on_a_signed_in_owners_tab_token_gets_nothing(app_url, app_database):
    """The owner is still signed in; someone presents her tab token with his own cookie."""
    plan_id, owner_id, jonas_id = _people()
    token = secrets.token_hex(16)
    owner = _sign_in(app_url, owner_id)
    _visit_as_owner(app_url, token, owner, _content_markers(plan_id))
    jonas = _sign_in(app_url, jonas_id)
    markers = _content_markers(plan_id, jonas_id)
    for path in PAGES:
        _assert_nothing_of(open_tab(app_url, token, jonas, hydrate(path), _built_ins(path)), markers, "Jonas")
    # and the owner, back on her own tab, finds her plan again (nothing was broken for her)
    assert _content_markers(plan_id)["contacts"] & open_tab(app_url, token, owner, hydrate("/kontakter")).strings()


def test_text_that_is_not_unicode_is_refused_and_the_tab_stays_connected(app_url, app_database):
    _, owner_id, _ = _people()
    owner = _sign_in(app_url, owner_id)
    bad = "\ud800"  # a lone surrogate: valid JSON escape, not valid UTF-8
    run = open_tab(app_url, secrets.token_hex(16), owner, hydrate("/meg"), [
        event(f"{ROOT_STATE}.set_is_hydrated", {"value": bad}, "/meg"),
        event(f"{ON_LOAD}.set_is_hydrated", {"value": bad}, "/meg"),
        event(f"{UPDATE_VARS}.update_vars_internal", {"vars": {LOCALE_KEY: bad}}, "/meg"),
        event(f"{SESSION_STATE}.set_language", {"code": bad}, "/meg"),
        event(f"{PLAN_STATE}.load_me", {}, f"/meg{bad}"),
        event(f"{SESSION_STATE}.set_language", {"code": "nn"}, "/meg"),
    ], listen=3.0)
    assert not run.disconnected_early, "a bad string dropped the connection"
    assert '"nn"' in run.text(), "the valid event after the bad ones was not answered"
    # The valid choice is kept on her (Meg's language is the person's); the bad ones changed nothing.
    from ipapp import db
    from ipapp.models import Person
    from ipapp.services import people

    with db.transaction() as session:
        assert session.get(Person, owner_id).locale == "nn"
    people.set_locale(owner_id, "nb")  # the other tests read her pages in bokmål


def test_a_websocket_without_our_origin_is_refused(app_url):
    for origin in (None, "https://evil.example", "null"):
        with pytest.raises(socketio.exceptions.ConnectionError):
            open_tab(app_url, secrets.token_hex(16), None, hydrate("/"), origin=origin)


def test_after_sign_out_in_chromium_no_frame_carries_the_owners_plan_and_the_next_person_sees_only_his(
    page, app_url, app_database
):
    """The same through the UI: one tab (one sessionStorage token), the owner signs out from Meg,
    and Jonas signs in at the same device."""
    plan_id, _, jonas_id = _people()
    frames: list[str] = []
    page.on("websocket", lambda ws: ws.on("framereceived", lambda payload: frames.append(str(payload))))

    page.goto(f"{app_url}/demo")
    page.get_by_role("button", name=re.compile("^Logg inn som Sofie")).click()
    page.wait_for_url(f"{app_url}/")
    owner_markers = _content_markers(plan_id)
    page.goto(f"{app_url}/kontakter")
    expect(page.locator("a[href^='tel:']").first).to_be_visible()  # her contacts have arrived
    page.goto(f"{app_url}/meldinger")
    expect(page.get_by_text(sorted(owner_markers["messages"])[0]).first).to_be_visible()
    assert any(m in "".join(frames) for m in owner_markers["contacts"])

    page.goto(f"{app_url}/meg")
    expect(page.get_by_role("button", name="Logg ut", exact=True)).to_be_visible()
    page.wait_for_timeout(1000)  # every frame of the owner's own /meg has arrived
    before_sign_out = len(frames)
    page.get_by_role("button", name="Logg ut", exact=True).click()
    page.wait_for_url(re.compile(r".*/demo/?$"))
    page.get_by_role("button", name=re.compile("^Logg inn som Jonas")).click()
    page.wait_for_url(f"{app_url}/")
    page.goto(f"{app_url}/kontakter")
    page.wait_for_timeout(1000)
    after = "".join(frames[before_sign_out:])
    markers = _content_markers(plan_id, jonas_id)
    leaked = {s: sorted(m for m in found if m in after) for s, found in markers.items()}
    assert not any(leaked.values()), f"frames after sign-out carried the owner's content: {leaked}"


def test_signing_out_everywhere_empties_the_other_open_tabs_at_once(page, phone_context, app_url, app_database):
    """Her phone shows Kontakter; on another device she signs out everywhere. The phone's page
    leaves her plan without a click, and its server-side state is gone."""
    def sign_in(tab):
        tab.goto(f"{app_url}/demo")
        tab.get_by_role("button", name=re.compile("^Logg inn som Sofie")).click()
        tab.wait_for_url(f"{app_url}/")

    sign_in(page)
    page.goto(f"{app_url}/kontakter")
    expect(page.get_by_role("heading", name="Kontakter", exact=True)).to_be_visible()
    other = phone_context().new_page()
    sign_in(other)
    other.goto(f"{app_url}/meg")
    other.get_by_role("button", name="Logg ut på alle enheter").click()
    page.wait_for_url(re.compile(r".*/demo/?$"), timeout=3000)  # no click on the phone
    expect(page.get_by_role("button", name=re.compile("^Logg inn som Sofie"))).to_be_visible()
