"""The private calendar feed in a real Chromium, on a plan made through the services: Maja's
mother, granted the meetings, makes a calendar link on /meg/varsler with the keyboard only,
copies it, her calendar fetches it (a calendar with the meeting's title and time, nothing else),
the link is shown only once, and when she turns it off the same address answers 404."""

import re

import pytest
from icalendar import Calendar
from living_plan import make_plan
from playwright.sync_api import expect
from soft_authenticator import SoftAuthenticator

from ipapp.i18n.dates import oslo_today
from ipapp.models import utcnow
from ipapp.services import consents, grants, invitations, meeting_editing

pytestmark = pytest.mark.browser
ALERTS = "/meg/varsler"
MAX_TABS = 80


def _active(invitation, app_url: str) -> SoftAuthenticator:
    phone = SoftAuthenticator(origin=app_url)
    invitations.redeem(invitation.code, phone.register(invitations.registration_options(invitation.code)), "Telefon")
    return phone


@pytest.fixture
def mother(app_database, app_url):
    """Maja's plan, a meeting on it, and her mother Mona granted the meetings (Maja signed)."""
    from datetime import timedelta

    plan = make_plan("Feed")
    owner_phone = _active(plan.invitations["owner"], app_url)
    _active(plan.invitations["next_of_kin"], app_url)
    grants.share(plan.owner_id, plan.plan_id, f"person:{plan.next_of_kin_id}", ["meetings"],
                 grants.last_day_for("3m", "", utcnow()))
    draft = consents.draft_consent(plan.owner_id, plan.plan_id)
    options = consents.signing_options(plan.owner_id, plan.plan_id, draft.id, draft.document_sha256)
    consents.sign(plan.owner_id, plan.plan_id, draft.id, owner_phone.authenticate(options))
    meeting_editing.schedule(plan.coordinator_id, plan.plan_id, {
        "kind": "responsibility_group", "title": "Ansvarsgruppemøte om bolig",
        "day": (oslo_today(utcnow()) + timedelta(days=3)).isoformat(), "start": "10:00", "end": "11:30",
        "location": "Rådhuset, møterom 2", "agenda": "Søknad om omsorgsbolig",
        f"person_{plan.owner_id}": "on", f"person_{plan.next_of_kin_id}": "on"})
    return plan


def _signed_in(phone_context, app_url: str, person_id: int):
    """Her browser, signed in (the demo route: the passkey ceremony is covered by test_sign_in),
    allowed to use the clipboard as a person's browser is after her tap."""
    context = phone_context(permissions=["clipboard-read", "clipboard-write"])
    response = context.request.post(f"{app_url}/auth/demo/{person_id}", headers={"Origin": app_url},
                                    max_redirects=0)
    assert response.status == 303
    page = context.new_page()
    page.set_default_timeout(20_000)
    return page


def _press_by_keyboard(page, name: str) -> None:
    """Tab from the top of the page to the button named `name`, then Enter: no mouse."""
    page.locator("body").evaluate("b => { b.tabIndex = -1; b.focus(); b.removeAttribute('tabindex'); }")
    for _ in range(MAX_TABS):
        page.keyboard.press("Tab")
        focused = page.evaluate("() => [document.activeElement.tagName, document.activeElement.textContent.trim()]")
        if focused == ["BUTTON", name]:
            page.keyboard.press("Enter")
            return
    raise AssertionError(f"Tab never reached the button {name!r}")


def test_make_copy_fetch_and_turn_off_the_calendar_link(mother, app_url, phone_context, assert_accessible,
                                                        save_screenshot):
    page = _signed_in(phone_context, app_url, mother.next_of_kin_id)
    page.goto(f"{app_url}{ALERTS}")
    card = page.locator("section", has=page.get_by_role("heading", name="Kalender", exact=True))
    expect(card.get_by_text("Du har ingen kalenderlenke nå.")).to_be_visible()
    expect(card.get_by_text("Alle som har lenken, kan se tid og tittel på møtene.")).to_be_visible()
    assert_accessible(page, "calendar-feed-off")

    _press_by_keyboard(page, "Lag kalenderlenke")
    expect(card.get_by_role("status").filter(has_text="Kalenderlenken er laget.")).to_be_visible()
    field = card.get_by_label("Kalenderlenken din")
    expect(field).to_have_value(re.compile(rf"^{re.escape(app_url)}/kalender/feed/[A-Za-z0-9_-]{{43}}\.ics$"))
    expect(field).to_have_attribute("readonly", "")
    url = field.input_value()
    open_link = card.get_by_role("link", name="Åpne i kalenderen")
    expect(open_link).to_have_attribute("href", "webcal://" + url.split("://", 1)[1])
    expect(card.get_by_text(re.compile(r"^Kalenderlenken er på\. Den ble laget i dag kl\. \d\d\.\d\d\.$"))).to_be_visible()
    expect(card.get_by_role("button", name="Lag ny lenke (den gamle slutter å virke)")).to_be_visible()

    _press_by_keyboard(page, "Kopier lenken")
    expect(card.get_by_role("status").filter(has_text="Lenken er kopiert.")).to_be_visible()
    assert page.evaluate("navigator.clipboard.readText()") == url
    assert_accessible(page, "calendar-feed-made")
    save_screenshot(page, "calendar-feed-made")

    # Her calendar app fetches it: no cookie needed, and only title and time.
    calendar_app = phone_context()
    answer = calendar_app.request.get(url)
    assert answer.status == 200 and answer.headers["content-type"].startswith("text/calendar")
    assert answer.headers["cache-control"] == "no-store"
    events = Calendar.from_ical(answer.body()).walk("VEVENT")
    assert [str(e["summary"]) for e in events] == ["Ansvarsgruppemøte om bolig"]
    assert "LOCATION" not in events[0] and "DESCRIPTION" not in events[0]
    assert "Rådhuset" not in answer.text() and "omsorgsbolig" not in answer.text()

    # Shown once: leaving the page (in the app) and coming back, or reloading, the link is gone.
    page.get_by_role("link", name="Tilbake til Meg").click()
    expect(page).to_have_url(f"{app_url}/meg")
    page.get_by_role("link", name="Varsler og kalender").click()
    expect(card.get_by_text(re.compile(r"^Kalenderen hentet møtene sist i dag kl\. \d\d\.\d\d\.$"))).to_be_visible()
    expect(card.get_by_label("Kalenderlenken din")).to_have_count(0)
    page.reload()
    expect(card.get_by_text(re.compile(r"^Kalenderen hentet møtene sist i dag kl\. \d\d\.\d\d\.$"))).to_be_visible()
    expect(card.get_by_label("Kalenderlenken din")).to_have_count(0)
    assert url not in page.content()
    assert_accessible(page, "calendar-feed-on")
    save_screenshot(page, "calendar-feed-on")

    _press_by_keyboard(page, "Slå av kalenderlenken")
    expect(card.get_by_role("status").filter(has_text="Kalenderlenken er slått av.")).to_be_visible()
    expect(card.get_by_text("Du har ingen kalenderlenke nå.")).to_be_visible()
    expect(card.get_by_role("button", name="Lag kalenderlenke")).to_be_visible()
    gone = calendar_app.request.get(url)
    assert gone.status == 404 and "Denne kalenderlenken virker ikke." in gone.text()
