"""Maja's first sharing, as she lives it on her phone (390x844), on a plan the test made through
the services: the passkey of her old phone is gone, so the consent page sends her to "Meg" to add
one; saving the same access again tells her it waits for her signature and takes her to it; and
once she has taken the last access back, the sharing page says that no one else has access."""

import re

import pytest
from living_plan import make_plan
from playwright.sync_api import expect
from soft_authenticator import SoftAuthenticator

from ipapp.models import utcnow
from ipapp.services import accounts, grants, invitations

pytestmark = pytest.mark.browser


@pytest.fixture
def first_use(app_database, app_url):
    """Maja's plan; her mother Mona given "Møter", waiting for Maja's signature. Maja made a
    passkey with her invitation on her old phone and has since taken that key away: she has none."""
    plan = make_plan("Forst")
    old_phone, code = SoftAuthenticator(origin=app_url), plan.invitations["owner"].code
    _, old_key = invitations.redeem(code, old_phone.register(invitations.registration_options(code)),
                                    "Gammel telefon")
    accounts.remove_my_passkey(plan.owner_id, old_key)
    grants.share(plan.owner_id, plan.plan_id, f"person:{plan.next_of_kin_id}", ["meetings"],
                 grants.last_day_for("3m", "", utcnow()))
    return plan


def _signed_in(page, app_url: str, person_id: int) -> None:
    """Signed in without a passkey (ID-porten in production; the test server has no OpenID
    provider, so its demo sign-in route stands in for it)."""
    response = page.request.post(f"{app_url}/auth/demo/{person_id}", headers={"Origin": app_url},
                                 max_redirects=0)
    assert response.status == 303


def _to_sharing(page) -> None:
    page.get_by_role("navigation", name="Hovedmeny").get_by_role("link", name="Deling").click()
    expect(page.get_by_role("heading", level=1, name="Deling")).to_be_visible()


def test_first_use_messages_send_the_owner_the_right_way(
        first_use, page, app_url, assert_accessible, save_screenshot):
    plan = first_use
    _signed_in(page, app_url, plan.owner_id)

    # 1 and 3. No passkey: the consent page says she can add one herself, and links to Meg.
    page.goto(f"{app_url}/samtykke")
    expect(page.get_by_role("heading", level=1, name="Samtykke")).to_be_visible()
    expect(page.locator(".consent-text")).to_contain_text(re.compile(r"Mona Mor\w* kan se «Møter»"))
    expect(page.get_by_text("Versjon 1", exact=True)).to_be_visible()  # her first consent
    expect(page.locator(".consent-text")).to_contain_text("versjon 1")
    alert = page.get_by_role("alert")
    expect(alert).to_contain_text("Du trenger en passnøkkel for å signere. Du kan legge den til selv under Meg.")
    expect(alert).not_to_contain_text("koordinatoren")
    expect(page.get_by_role("button", name="Signer med passnøkkel")).to_be_disabled()
    assert_accessible(page, "first-use-consent-no-passkey")
    save_screenshot(page, "first-use-consent-no-passkey")
    page.evaluate("window.__sameTab = true")  # gone if the link reloaded the page
    alert.get_by_role("link", name="Legg til en passnøkkel under Meg").click()
    page.wait_for_url(re.compile(r".*/meg/?$"))
    expect(page.get_by_role("heading", level=1, name="Meg")).to_be_visible()
    expect(page.get_by_role("button", name="Legg til en passnøkkel")).to_be_visible()
    assert page.evaluate("window.__sameTab === true"), "the link to Meg reloaded the page"

    # 2. The same access again, while it waits: she is told so, and the link takes her to sign it.
    _to_sharing(page)
    form = page.locator("#grant-form")
    form.get_by_role("radio", name=re.compile("^Mona Mor")).check()
    form.get_by_role("checkbox", name="Møter").check()
    form.get_by_role("radio", name="1 måned").check()
    form.get_by_role("button", name="Lagre").click()
    result = page.locator("#sharing-result")
    expect(result.get_by_role("alert")).to_contain_text(
        "Akkurat denne tilgangen er allerede lagret og venter på at du signerer samtykket.")
    expect(result).not_to_contain_text("har allerede akkurat denne tilgangen")
    waiting = page.locator("article.card").filter(has=page.get_by_role("heading", name=re.compile("^Mona Mor")))
    expect(waiting).to_have_count(1)  # nothing new was saved
    assert_accessible(page, "first-use-sharing-waiting")
    save_screenshot(page, "first-use-sharing-waiting")
    result.get_by_role("link", name="Les og signer samtykket").click()
    page.wait_for_url(re.compile(r".*/samtykke/?$"))
    expect(page.locator(".consent-text")).to_contain_text(re.compile(r"Mona Mor\w* kan se «Møter»"))
    expect(page.get_by_text("Venter på signatur", exact=True)).to_be_visible()

    # 4. She takes the last access back: "Hvem har tilgang" says that no one else has it now.
    _to_sharing(page)
    expect(page.locator("#sharing-no-one")).to_have_count(0)
    waiting.get_by_text("Trekk tilbake tilgangen").click()
    waiting.get_by_role("button", name="Ja, trekk tilbake").click()
    expect(page.get_by_role("status")).to_contain_text("Tilgangen er trukket tilbake")
    no_one = page.locator("h2:text-is('Hvem har tilgang') + p#sharing-no-one")  # right under the heading
    expect(no_one).to_have_text("Ingen andre har tilgang nå. Planen er ikke delt med noen.")
    expect(page.locator("article.card").filter(has_text="Mona Mor").filter(has_text="Trukket tilbake")).to_have_count(1)
    assert_accessible(page, "first-use-sharing-no-one")
    save_screenshot(page, "first-use-sharing-no-one")
