"""The sharing story as the owner and her mother live it: Sofie makes a passkey, reads the consent
that says her mother may see goals and meetings, signs it; her mother then sees exactly that and
nothing else; Sofie takes it back and her mother's open page loses the content within a second."""

import re
import time

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import new_phone_context

pytestmark = pytest.mark.browser


def _authenticator(page) -> None:
    cdp = page.context.new_cdp_session(page)
    cdp.send("WebAuthn.enable")
    cdp.send("WebAuthn.addVirtualAuthenticator", {"options": {
        "protocol": "ctap2", "transport": "internal", "hasResidentKey": True,
        "hasUserVerification": True, "isUserVerified": True, "automaticPresenceSimulation": True}})


def _demo_sign_in(page, app_url, name) -> None:
    page.goto(f"{app_url}/demo")
    page.get_by_role("button", name=re.compile(f"^Logg inn som {name}")).click()
    page.wait_for_url(f"{app_url}/")


def test_owner_signs_a_consent_and_her_mother_sees_only_what_was_granted(
    page, browser, app_url, assert_accessible, save_screenshot
):
    _authenticator(page)
    _demo_sign_in(page, app_url, "Sofie")
    page.goto(f"{app_url}/meg")
    add = page.get_by_role("button", name="Legg til en passnøkkel")
    expect(add).to_be_enabled()
    add.click()
    expect(page.get_by_role("status")).to_contain_text("Passnøkkelen er lagt til")

    page.goto(f"{app_url}/deling")
    page.get_by_role("link", name="Les og signer samtykket").click()
    expect(page.get_by_role("heading", level=1, name="Samtykke")).to_be_visible()
    text = page.locator(".consent-text")
    expect(text).to_contain_text("Hanne Lindgren")
    expect(text).to_contain_text("Mål og tiltak")
    expect(text).to_contain_text("Møter")
    assert_accessible(page, "consent")
    sign = page.get_by_role("button", name="Signer med passnøkkel")
    expect(sign).to_be_enabled()
    sign.click()
    expect(page.get_by_role("status")).to_contain_text("Samtykket er signert")
    expect(page.get_by_text(re.compile(r"Signert av Sofie Lindgren Aas .*Signaturen er kontrollert"))).to_be_visible()
    save_screenshot(page, "consent-signed")

    mother = new_phone_context(browser).new_page()
    try:
        _demo_sign_in(mother, app_url, "Hanne")
        expect(mother.get_by_role("heading", name="Mål og tiltak")).to_be_visible()
        expect(mother.get_by_role("heading", name="Neste møte")).to_be_visible()
        expect(mother.get_by_role("heading", name="Meldinger")).to_have_count(0)
        assert_accessible(mother, "mother-overview")
        save_screenshot(mother, "mother-overview")
        mother.goto(f"{app_url}/kontakter")
        expect(mother.get_by_role("alert")).to_contain_text("ikke tilgjengelig")
        mother.goto(f"{app_url}/")
        expect(mother.get_by_role("heading", name="Mål og tiltak")).to_be_visible()
        mother.wait_for_timeout(700)

        page.goto(f"{app_url}/deling")
        hanne = page.locator("article.card").filter(has=page.get_by_role("heading", name="Hanne Lindgren"))
        expect(hanne).to_contain_text("Har tilgang nå")
        hanne.get_by_text("Trekk tilbake tilgangen").click()
        hanne.get_by_role("button", name="Ja, trekk tilbake").click()
        revoked = time.monotonic()
        expect(page.get_by_role("status")).to_contain_text("Tilgangen er trukket tilbake")
        expect(hanne).to_have_count(0)  # moved to the folded list of ended access
        expect(mother.get_by_role("heading", name="Mål og tiltak")).to_have_count(0, timeout=1000)
        print(f"mother's page emptied {time.monotonic() - revoked:.2f} s after the revocation was shown")
    finally:
        mother.context.close()

    # Sofie sees when her mother looked at what, and her own reads are not listed.
    page.goto(f"{app_url}/deling")
    page.get_by_role("link", name="Hvem har sett planen min").click()
    expect(page.get_by_role("heading", level=1, name="Hvem har sett planen min")).to_be_visible()
    log = page.locator("li.access-row")
    expect(log.filter(has_text="Hanne Lindgren").filter(has_text="Så på Mål og tiltak").first).to_be_visible()
    # Of her own doings only the keys added to her account are listed (a key someone else added
    # in her name must show): the passkey she made with her invitation above.
    expect(log.filter(has_text="Sofie Lindgren Aas").filter(has_not_text="passnøkkel")).to_have_count(0)
    expect(log.filter(has_text="Sofie Lindgren Aas").filter(has_text="La til en ny passnøkkel").first).to_be_visible()
    page.get_by_label("Vis bare").select_option(label="Hanne Lindgren")
    expect(log.filter(has_text="Mari Nilsen")).to_have_count(0)
    expect(log.first).to_contain_text("Hanne Lindgren")
    assert_accessible(page, "access-log")
    save_screenshot(page, "access-log")
