"""A reminder on the phone, what its tap opens, and the next meeting without a network (issue 12),
on plans made through the services, in the production build at phone width.

- A push delivered to the real service worker with CDP's ServiceWorker.deliverPushMessage (no
  push service can be reached here, and none is needed for delivery) shows the notification the
  sender's own `notification()` made for a meeting the coordinator scheduled.
- Its tap: no browser lets a test click a notification, so the worker's own tap handler
  (onNotificationClick in sw.js, which the `notificationclick` listener only hands the event's
  notification to) is called inside the running worker with that very notification. It moves the
  open ipapp window to the meeting. Only the window's bring-to-front is left out: a browser allows
  that only in a real tap, and the handler goes on without it.
- Signed out, the same link goes through sign-in (passkey; national login on the production
  server) and back to that meeting; a planted return address of another site is never followed.
- Offline, after she chose "Vis neste møte når jeg er uten nett", the offline page shows the next
  meeting's time and place and the coordinator's phone; the copy is gone once she signs out.
"""

from __future__ import annotations

import json
import re
import secrets
from datetime import timedelta
from urllib.parse import urlsplit

import pytest
from conftest import ARTIFACTS
from living_plan import make_plan
from playwright.sync_api import expect
from shared_steps import valid_national_id, virtual_authenticator
from soft_authenticator import SoftAuthenticator
from sqlmodel import select

import devserver
from ipapp import db
from ipapp.i18n.dates import oslo_today
from ipapp.models import Meeting, Person, ReminderOutbox, utcnow
from ipapp.push.notifications import notification
from ipapp.services import invitations, meeting_editing, messaging, people_registry
from ipapp.services.offline_summary import when_in_words

pytestmark = pytest.mark.browser
PLACE = "Rådhuset, møterom 2"
PHONE = "+47 400 00 005"
NOTIFICATIONS_JS = """async (tag) => {
  const registration = await navigator.serviceWorker.ready;
  for (let tries = 0; tries < 100; tries++) {
    const shown = await registration.getNotifications(tag ? { tag } : undefined);
    if (shown.length) return shown.map((n) => ({ title: n.title, body: n.body, tag: n.tag, icon: n.icon,
                                                 lang: n.lang, url: n.data && n.data.url }));
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return [];
}"""
CLOSE_ALL_JS = """async (tag) => {
  const registration = await navigator.serviceWorker.ready;
  (await registration.getNotifications({ tag })).forEach((n) => n.close());
  for (let tries = 0; tries < 100 && (await registration.getNotifications({ tag })).length; tries++) {
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}"""
OFFLINE_COPY_JS = "localStorage.getItem('ipapp-offline')"


# --- set-up through the services -------------------------------------------------------------


def _plan(tag: str, app_url: str, *, owner_active: bool = True):
    """Maja's plan, her coordinator's work phone in the register, and a meeting in two days to
    which the coordinator invites her. Her passkey is a software one unless the test makes it."""
    plan = make_plan(tag)
    people_registry.correct_person(plan.admin_id, plan.coordinator_id, {
        "given_name": "Ingrid", "family_name": f"Koordinator{tag}", "email": f"ingrid{tag}@kommune.example",
        "phone": PHONE})
    if owner_active:
        phone = SoftAuthenticator(origin=app_url)
        code = plan.invitations["owner"].code
        invitations.redeem(code, phone.register(invitations.registration_options(code)), "Telefon")
    meeting_id = _schedule(plan, 2, PLACE)
    return plan, meeting_id


def _schedule(plan, days: int, place: str, title: str = "Ansvarsgruppemøte om bolig") -> int:
    return meeting_editing.schedule(plan.coordinator_id, plan.plan_id, {
        "kind": "responsibility_group", "title": title, "day": (oslo_today(utcnow()) + timedelta(days=days)).isoformat(),
        "start": "10:00", "end": "11:30", "location": place, f"person_{plan.owner_id}": "on"}).meeting_id


def _meeting(meeting_id: int) -> Meeting:
    with db.transaction() as session:
        return session.get(Meeting, meeting_id)


def _reminder_for(person_id: int, meeting_id: int) -> dict:
    """The JSON the sender pushes for this person's reminder of the meeting (the outbox row that
    scheduling wrote, through the sender's own `notification()`)."""
    with db.transaction() as session:
        row = session.exec(select(ReminderOutbox).where(ReminderOutbox.person_id == person_id,
                                                        ReminderOutbox.subject == f"meeting:{meeting_id}")).first()
        assert row is not None, "scheduling wrote no reminder for her"
        return notification(row.kind, json.loads(row.payload), row.plan_id, row.subject, "nb", utcnow())


def _signed_in(context, app_url: str, person_id: int) -> None:
    """Signed in through the demo route (the passkey ceremony has its own test below)."""
    response = context.request.post(f"{app_url}/auth/demo/{person_id}", headers={"Origin": app_url},
                                    max_redirects=0)
    assert response.status == 303


def _worker_in_control(page) -> None:
    page.evaluate("navigator.serviceWorker.ready.then(() => true)")
    page.wait_for_function("navigator.serviceWorker.controller !== null")


def _registration_id(page, app_url: str):
    """A CDP session and the worker's registration id, as CDP's ServiceWorker domain names it."""
    cdp = page.context.new_cdp_session(page)
    found: dict[str, str] = {}

    def updated(event):
        for registration in event["registrations"]:
            if not registration.get("isDeleted"):
                found[registration["scopeURL"]] = registration["registrationId"]

    cdp.on("ServiceWorker.workerRegistrationUpdated", updated)
    cdp.send("ServiceWorker.enable")
    for _ in range(100):
        if f"{app_url}/" in found:
            return cdp, found[f"{app_url}/"]
        page.wait_for_timeout(100)
    raise AssertionError(f"no service worker registration for {app_url}/: {found}")


def _worker(page):
    for _ in range(100):
        workers = [w for w in page.context.service_workers if "/sw.js" in w.url]
        if workers:
            return workers[0]
        page.wait_for_timeout(100)
    raise AssertionError("the service worker is not running")


def _linked(page, app_url: str, link: str, item: str):
    """The page the link names is open, with the linked item marked and its heading focused."""
    wanted = urlsplit(app_url + link)

    def at_link(url: str) -> bool:
        here = urlsplit(url)
        return (here.netloc, here.path.rstrip("/"), here.query) == (wanted.netloc, wanted.path, wanted.query)

    page.wait_for_url(at_link)
    expect(page.locator(f"#{item}").locator("h2, h3").first).to_be_focused()
    bar = page.locator(f"#{item}").evaluate(
        "e => { const s = getComputedStyle(e); return s.borderLeftWidth === '6px' || s.boxShadow.includes('6px 0px 0px'); }")
    assert bar, "the linked item is not marked"


_TAGS = iter("ABCDEFGHIJKLMNOPQRSTUVWXYZ")  # the tests share one database: each plan its own names


@pytest.fixture
def maja(app_database, app_url):
    return _plan(f"Varsel{next(_TAGS)}", app_url)


def _coordinator_name(plan) -> str:
    with db.transaction() as session:
        return session.get(Person, plan.coordinator_id).full_name


# --- the reminder and what its tap opens ------------------------------------------------------


def test_a_reminder_shows_and_its_tap_opens_that_meeting(maja, page, app_url, assert_accessible, save_screenshot):
    plan, meeting_id = maja
    page.context.grant_permissions(["notifications"], origin=app_url)
    _signed_in(page.context, app_url, plan.owner_id)
    page.goto(f"{app_url}/")
    expect(page.get_by_role("heading", level=1, name="Min plan")).to_be_visible()
    _worker_in_control(page)
    cdp, registration = _registration_id(page, app_url)

    message = _reminder_for(plan.owner_id, meeting_id)
    assert message["url"] == f"/moter?plan={plan.plan_id}&mote={meeting_id}"
    cdp.send("ServiceWorker.deliverPushMessage",
             {"origin": app_url, "registrationId": registration, "data": json.dumps(message)})
    shown = page.evaluate(NOTIFICATIONS_JS, message["tag"])
    assert [{k: n[k] for k in ("title", "body", "tag", "url")} for n in shown] == [
        {k: message[k] for k in ("title", "body", "tag", "url")}]
    assert shown[0]["title"].startswith("Møte ") and "kl. 10.00" in shown[0]["title"]
    assert shown[0]["icon"] == f"{app_url}/icon-192.png"
    assert PLACE not in json.dumps(shown) and "bolig" not in json.dumps(shown)  # nothing of it on a lock screen

    # A push it cannot read still says something, plainly, and opens the app's front page.
    for broken in ("not json {", json.dumps({"body": "no title"}), json.dumps(["a", "list"])):
        push = {"origin": app_url, "registrationId": registration, "data": broken}
        cdp.send("ServiceWorker.deliverPushMessage", push)
        generic = page.evaluate(NOTIFICATIONS_JS, "ip-generic")
        if not generic:
            # Chromium names a notification by its tag: a close of the last one still on its way
            # (on a slow machine, past the moment it left getNotifications) can close this one
            # as it appears. The same push again must then show it.
            cdp.send("ServiceWorker.deliverPushMessage", push)
            generic = page.evaluate(NOTIFICATIONS_JS, "ip-generic")
        assert [(n["title"], n["url"], n["lang"]) for n in generic] == [("Du har et nytt varsel fra ipapp", "/", "nb")]
        # Closed, and gone, before the next (and a moment more for the platform's own close).
        page.evaluate(CLOSE_ALL_JS, "ip-generic")
        page.wait_for_timeout(500)

    # Her tap: the worker's handler with the notification that is showing. The open window moves
    # to the meeting; the notification is gone.
    worker = _worker(page)
    opened = worker.evaluate("""async (tag) => {
        const [shown] = await self.registration.getNotifications({ tag });
        const url = shown.data.url;
        await onNotificationClick(shown);
        return url;
    }""", message["tag"])
    assert opened == message["url"]
    _linked(page, app_url, message["url"], f"mote-{meeting_id}")
    expect(page.locator(f"#mote-{meeting_id}")).to_contain_text(PLACE)
    assert page.evaluate(NOTIFICATIONS_JS.replace("tries < 100", "tries < 3"), message["tag"]) == []
    assert_accessible(page, "meeting-from-link")
    save_screenshot(page, "meeting-from-link")

    # Only a path of this site is ever opened; anything else opens the front page.
    targets = worker.evaluate("""() => ["//evil.example/moter", "https://evil.example/", "/\\\\evil.example",
        "\\\\\\\\evil.example", "javascript:alert(1)", " /moter", "/moter\\n", "http:/evil.example", 42, null,
        "/moter?plan=1&mote=2"].map(safeTarget)""")
    assert targets == ["/"] * 10 + ["/moter?plan=1&mote=2"]


def test_a_link_to_a_thread_opens_it_and_a_link_to_what_she_may_not_see_shows_nothing_of_it(
        maja, page, app_url, assert_accessible, save_screenshot):
    plan, her_meeting = maja
    thread_id = messaging.start_thread(plan.coordinator_id, plan.plan_id,
                                       {"subject": "Om boligen", "body": "Hei Maja, har du fått brevet?"})
    other_thread = messaging.start_thread(plan.coordinator_id, plan.plan_id, {"subject": "Noe annet",
                                                                            "body": "Hei igjen"})
    other_tag = f"Fremmed{next(_TAGS)}"
    other, secret_meeting = _plan(other_tag, app_url, owner_active=False)
    secret_thread = messaging.start_thread(other.coordinator_id, other.plan_id, {"subject": "Hemmelig", "body": "Ikke for Maja"})
    _signed_in(page.context, app_url, plan.owner_id)

    page.goto(f"{app_url}/meldinger?plan={plan.plan_id}&samtale={thread_id}")
    _linked(page, app_url, f"/meldinger?plan={plan.plan_id}&samtale={thread_id}", f"samtale-{thread_id}")
    expect(page.locator(f"#samtale-{thread_id}")).to_contain_text("har du fått brevet?")
    # Only the linked one is marked; the other keeps its card exactly as it was.
    look = "e => [getComputedStyle(e).boxShadow, getComputedStyle(e).paddingLeft]"
    linked_look, other_look = (page.locator(f"#samtale-{t}").evaluate(look) for t in (thread_id, other_thread))
    assert other_look[0] == "none" and other_look[1] == linked_look[1] != "0px", (linked_look, other_look)
    assert_accessible(page, "thread-from-link")
    save_screenshot(page, "thread-from-link")

    # Another person's plan and meeting, named in a forged link: her own meetings, nothing of
    # theirs, and the same words as for a meeting that does not exist.
    for forged in (f"/moter?plan={other.plan_id}&mote={secret_meeting}", f"/moter?plan={plan.plan_id}&mote=999999"):
        page.goto(f"{app_url}{forged}")
        expect(page.get_by_text("Vi finner ikke møtet som lenken viser til. Her er møtene du kan se.")).to_be_visible()
        expect(page.locator(f"#mote-{her_meeting}")).to_be_visible()  # her own plan's
        expect(page.locator(f"#mote-{secret_meeting}")).to_have_count(0)
        expect(page.locator("body")).not_to_contain_text(f"Eier{other_tag}")
    page.goto(f"{app_url}/meldinger?plan={other.plan_id}&samtale={secret_thread}")
    expect(page.get_by_text("Vi finner ikke samtalen som lenken viser til. Her er samtalene du kan se.")).to_be_visible()
    expect(page.locator(f"#samtale-{thread_id}")).to_be_visible()
    expect(page.locator("body")).not_to_contain_text("Ikke for Maja")


# --- signed out: through sign-in and back -------------------------------------------------------


def test_signed_out_the_link_goes_through_sign_in_with_a_passkey_and_back_to_the_meeting(
        app_database, page, app_url):
    plan, meeting_id = _plan(f"Retur{next(_TAGS)}", app_url, owner_active=False)
    link = f"/moter?plan={plan.plan_id}&mote={meeting_id}"
    virtual_authenticator(page)
    invitation = plan.invitations["owner"].link
    page.goto(invitation.replace(invitation.split("/invitasjon/")[0], app_url))
    page.get_by_role("button", name="Lag passnøkkel").click()
    page.wait_for_url(f"{app_url}/")
    page.goto(f"{app_url}/meg")
    page.get_by_role("button", name="Logg ut", exact=True).click()
    page.wait_for_url(re.compile(r".*/(demo|logg-inn)/?$"))

    page.goto(f"{app_url}{link}")
    page.wait_for_url(re.compile(re.escape(app_url) + r"/demo/?$"))  # the sign-in page of this (demo) server
    expect(page.get_by_text("Ansvarsgruppemøte om bolig")).to_have_count(0)
    page.goto(f"{app_url}/logg-inn")
    page.get_by_role("button", name="Logg inn med passnøkkel").click()
    _linked(page, app_url, link, f"mote-{meeting_id}")
    # Followed once: the front page is the front page again.
    page.goto(f"{app_url}/")
    expect(page.get_by_role("heading", level=1, name="Min plan")).to_be_visible()
    assert page.evaluate("sessionStorage.getItem('ipapp-return')") is None

    # A return address planted in this tab, of another site or stale, is never followed.
    for planted in ("//evil.example/x", "https://evil.example/", "/\\evil.example", "\\\\evil.example",
                    "javascript:alert(1)", "/\t/evil.example"):
        page.evaluate("(to) => sessionStorage.setItem('ipapp-return', JSON.stringify({to, at: Date.now()}))", planted)
        page.goto(f"{app_url}/")
        expect(page.get_by_role("heading", level=1, name="Min plan")).to_be_visible()
        assert page.url == f"{app_url}/", (planted, page.url)
    page.evaluate("(to) => sessionStorage.setItem('ipapp-return', JSON.stringify({to, at: Date.now() - 31 * 60000}))",
                  link)
    page.goto(f"{app_url}/")
    expect(page.get_by_role("heading", level=1, name="Min plan")).to_be_visible()
    assert page.url == f"{app_url}/"


# --- the next meeting offline -------------------------------------------------------------------


def test_offline_the_app_shows_the_next_meeting_she_chose_to_keep_until_she_signs_out(
        maja, page, app_url, assert_accessible, save_screenshot):
    plan, meeting_id = maja
    when = when_in_words(_meeting(meeting_id).starts_at, "nb")
    _signed_in(page.context, app_url, plan.owner_id)
    page.goto(f"{app_url}/")
    expect(page.get_by_role("heading", level=1, name="Min plan")).to_be_visible()
    _worker_in_control(page)

    page.goto(f"{app_url}/meg/varsler")
    switch = page.get_by_role("switch", name="Vis neste møte når jeg er uten nett")
    expect(switch).to_be_enabled()
    expect(switch).not_to_be_checked()
    expect(page.get_by_text("Da lagres tid og sted for de neste møtene dine")).to_be_visible()
    assert page.evaluate(OFFLINE_COPY_JS) is None  # nothing until she asks
    switch.click()
    expect(page.locator("#offline-result")).to_have_text("Lagret på denne telefonen.")
    expect(switch).to_be_checked()
    copy = json.loads(page.evaluate(OFFLINE_COPY_JS))
    assert [m["place"] for m in copy["meetings"]] == [PLACE] and "bolig" not in json.dumps(copy)
    assert_accessible(page, "alerts-offline-on")
    save_screenshot(page, "alerts-offline-on")

    page.context.set_offline(True)
    page.goto(f"{app_url}/")
    expect(page.get_by_role("heading", level=1, name="Du er uten nett")).to_be_visible()
    card = page.locator("section").filter(has=page.get_by_role("heading", level=2, name="Neste møte"))
    expect(card).to_contain_text(when)
    expect(card).to_contain_text(f"Sted: {PLACE}")
    expect(card).to_contain_text(f"Koordinator: {_coordinator_name(plan)}, tlf. {PHONE}")
    expect(card.get_by_role("link", name=PHONE)).to_have_attribute("href", "tel:+4740000005")
    expect(page.locator("body")).not_to_contain_text("bolig")  # no title, no name of the plan's owner
    expect(page.locator("body")).not_to_contain_text("Maja")
    assert_accessible(page, "offline-next-meeting")
    save_screenshot(page, "offline-next-meeting")

    # Online again: the meetings page renews the copy (the meeting moved to another room).
    page.context.set_offline(False)
    meeting_editing.update(plan.coordinator_id, plan.plan_id, meeting_id, {
        "kind": "responsibility_group", "title": "Ansvarsgruppemøte om bolig",
        "day": (oslo_today(utcnow()) + timedelta(days=2)).isoformat(), "start": "10:00", "end": "11:30",
        "location": "Helsehuset", f"person_{plan.owner_id}": "on", "version": "1"})
    page.goto(f"{app_url}/moter")
    expect(page.get_by_role("heading", level=1, name="Møter")).to_be_visible()
    page.wait_for_function(f"({OFFLINE_COPY_JS} || '').includes('Helsehuset')")

    # Off removes it; on again, and "Logg ut" removes it.
    page.goto(f"{app_url}/meg/varsler")
    expect(switch).to_be_checked()
    switch.click()
    expect(page.locator("#offline-result")).to_have_text("Slettet fra denne telefonen.")
    expect(switch).not_to_be_checked()
    assert page.evaluate(OFFLINE_COPY_JS) is None
    switch.click()
    expect(switch).to_be_checked()
    page.goto(f"{app_url}/meg")
    page.get_by_role("button", name="Logg ut", exact=True).click()
    page.wait_for_url(re.compile(r".*/(demo|logg-inn)/?$"))
    assert page.evaluate(OFFLINE_COPY_JS) is None
    page.context.set_offline(True)
    page.goto(f"{app_url}/moter")
    expect(page.get_by_role("heading", level=1, name="Du er uten nett")).to_be_visible()
    expect(page.get_by_role("heading", name="Neste møte")).to_have_count(0)  # what it showed before
    expect(page.locator("body")).not_to_contain_text(PLACE)
    page.context.set_offline(False)

    # A session ended from another device lands on the sign-in page: the copy goes there too.
    _signed_in(page.context, app_url, plan.owner_id)
    page.goto(f"{app_url}/meg/varsler")
    switch.click()
    expect(switch).to_be_checked()
    page.goto(f"{app_url}/meg")
    page.get_by_role("button", name="Logg ut på alle enheter").click()
    page.wait_for_url(re.compile(r".*/(demo|logg-inn)/?$"))
    page.wait_for_function(f"{OFFLINE_COPY_JS} === null")


# --- the national login, on the production server ------------------------------------------------


@pytest.fixture(scope="module")
def production(app_server, tmp_path_factory):
    """The production app (no demo, OpenID Connect on) on the shared build's port, with an empty,
    migrated database; the demo server again after this module (as test_municipality_setup)."""
    import subprocess
    import sys

    from oidc_server import running_provider

    from ipapp.api.oidc_routes import CALLBACK_PATH

    tmp = tmp_path_factory.mktemp("production-push")
    port = app_server.port
    with running_provider(f"http://localhost:{port}{CALLBACK_PATH}") as provider:
        env = {
            "DATABASE_URL": f"sqlite:///{tmp / 'ipapp.sqlite3'}",
            "IPAPP_ENV": "production",
            "IPAPP_ORIGIN": f"http://localhost:{port}",
            "IPAPP_AUDIT_KEY": secrets.token_urlsafe(32),
            "IPAPP_IDENTITY_KEY": secrets.token_urlsafe(32),
            "IPAPP_OIDC_ISSUER": provider.issuer,
            "IPAPP_OIDC_CLIENT_ID": provider.client_id,
            "IPAPP_OIDC_CLIENT_SECRET": provider.client_secret,
            "REFLEX_STATES_WORKDIR": str(tmp / "states"),
        }
        migrated = subprocess.run([sys.executable, "-m", "ipapp.cli", "migrate"], env=devserver.tool_env(env),
                                  capture_output=True, text=True, timeout=120)
        assert migrated.returncode == 0, migrated.stderr
        app_server.stop()
        server = devserver.Server(port, ARTIFACTS / "web", ARTIFACTS / "server-production.log", env)
        try:
            server.start(timeout=120)
            yield server.url, env
        finally:
            server.stop()
            app_server.start(timeout=120)


def test_signed_out_the_link_goes_through_the_national_login_and_back_to_the_meeting(
        production, phone_context, monkeypatch):
    from ipapp.config import reset_settings_cache

    url, env = production
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    reset_settings_cache()
    engine = db.make_engine(env["DATABASE_URL"])
    db.use_engine(engine)
    try:
        plan = make_plan()  # Maja, born 2 April 2001, and her coordinator, on the empty install
        number = valid_national_id("020401", 500)
        people_registry.link_identity(plan.admin_id, plan.owner_id, {"national_id": number})
        meeting_id = _schedule(plan, 3, PLACE)
    finally:
        db.use_engine(None)
        engine.dispose()
        reset_settings_cache()

    page = phone_context().new_page()
    page.set_default_timeout(20_000)
    link = f"/moter?plan={plan.plan_id}&mote={meeting_id}"
    page.goto(f"{url}{link}")
    page.wait_for_url(re.compile(re.escape(url) + r"/logg-inn/?$"))

    def with_hint(route):  # the test provider signs in whoever login_hint names (test_municipality_setup)
        response = route.fetch(max_redirects=0)
        route.fulfill(response=response,
                      headers={**response.headers, "location": response.headers["location"] + f"&login_hint={number}"})

    page.route(f"{url}/auth/oidc/start", with_hint)
    page.get_by_role("link", name="Logg inn med ID-porten").click()
    _linked(page, url, link, f"mote-{meeting_id}")
    expect(page.locator(f"#mote-{meeting_id}")).to_contain_text(PLACE)
