"""The owner shares part of her plan and takes it back, as she would on her phone."""

import re

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


def test_owner_gives_and_takes_back_access_and_bad_input_changes_nothing(
    page, app_url, assert_accessible, save_screenshot
):
    page.goto(f"{app_url}/demo")
    page.get_by_role("button", name=re.compile("^Logg inn som Sofie")).click()
    page.wait_for_url(f"{app_url}/")
    page.get_by_role("navigation", name="Hovedmeny").get_by_role("link", name="Deling").click()
    expect(page.get_by_role("heading", level=1, name="Deling")).to_be_visible()
    expect(page.get_by_role("heading", name="Gi noen tilgang")).to_be_visible()
    assert_accessible(page, "sharing")
    cards_before = page.locator("article.card").count()

    # No section chosen: a clear message, nothing saved, the choices kept.
    page.get_by_role("radio", name=re.compile("^Jonas Berg")).check()
    page.get_by_role("button", name="Lagre").click()
    expect(page.get_by_role("alert")).to_contain_text("Velg minst én del")
    expect(page.get_by_role("radio", name=re.compile("^Jonas Berg"))).to_be_checked()
    assert page.locator("article.card").count() == cards_before

    # A date in the past is refused too.
    page.get_by_role("checkbox", name="Møter").check()
    page.get_by_role("radio", name="Til en dato jeg velger").check()
    page.locator("#grant-form").get_by_label("Siste dag med tilgang").fill("2020-01-01")
    page.get_by_role("button", name="Lagre").click()
    expect(page.get_by_role("alert")).to_contain_text("Siste dag kan ikke være før i dag")

    page.get_by_role("radio", name="1 måned").check()
    page.get_by_role("button", name="Lagre").click()
    expect(page.get_by_role("status")).to_contain_text("signert samtykket")
    # Earlier tests may have left ended grants for Jonas: the new one is the one awaiting signature.
    jonas = (page.locator("article.card").filter(has=page.get_by_role("heading", name="Jonas Berg"))
             .filter(has_text="Venter på signatur"))
    expect(jonas).to_have_count(1)
    expect(jonas).to_contain_text("Møter")
    expect(page.get_by_role("checkbox", name="Møter")).not_to_be_checked()  # the form is cleared
    expect(page.get_by_role("radio", name=re.compile("^Mari Nilsen \\(koordinator\\)"))).to_be_visible()
    save_screenshot(page, "sharing-granted")

    # Change it: contacts as well. The old grant stops, the new one goes straight to signing.
    jonas.get_by_text("Endre tilgangen").click()
    expect(jonas.get_by_role("checkbox", name="Møter")).to_be_checked()  # the current choice
    jonas.get_by_role("checkbox", name="Kontakter").check()
    last_day = jonas.get_by_text(re.compile("^Til og med")).inner_text()
    expect(jonas.get_by_role("radio", name=re.compile("^Samme siste dag som nå"))).to_be_checked()
    assert_accessible(page, "sharing-change")
    jonas.get_by_role("button", name="Lagre og gå til signering").click()
    page.wait_for_url(re.compile(r".*/samtykke/?$"))
    expect(page.locator(".consent-text")).to_contain_text("Jonas Berg")
    expect(page.locator(".consent-text")).to_contain_text("Kontakter")
    page.get_by_role("navigation", name="Hovedmeny").get_by_role("link", name="Deling").click()
    jonas = (page.locator("article.card").filter(has=page.get_by_role("heading", name="Jonas Berg"))
             .filter(has_text="Venter på signatur"))
    expect(jonas).to_have_count(1)
    expect(jonas).to_contain_text("Kontakter, Møter")
    expect(jonas.get_by_text(re.compile("^Til og med"))).to_have_text(last_day)  # only the sections changed

    revoked_before = page.locator("article.card").filter(has_text="Trukket tilbake").count()
    jonas.get_by_text("Trekk tilbake tilgangen").click()
    jonas.get_by_role("button", name="Ja, trekk tilbake").click()
    expect(page.get_by_role("status")).to_contain_text("Tilgangen er trukket tilbake")
    expect(page.locator("article.card").filter(has_text="Trukket tilbake")).to_have_count(revoked_before + 1)
    page.get_by_text("Tilganger som er avsluttet").click()  # ended access is kept, folded away
    expect(page.locator("details[open] article.card").filter(has_text="Jonas Berg")
           .filter(has_text="Trukket tilbake").first).to_be_visible()
    assert_accessible(page, "sharing-revoked")


def test_owner_shares_with_a_contact_who_has_no_account_and_gets_an_invitation_to_send(
    page, app_url, assert_accessible, save_screenshot
):
    page.goto(f"{app_url}/demo")
    page.get_by_role("button", name=re.compile("^Logg inn som Sofie")).click()
    page.wait_for_url(f"{app_url}/")
    page.goto(f"{app_url}/deling")
    silje = page.get_by_role("radio", name=re.compile("^Silje Haugen \\(ergoterapeut\\) – får en invitasjon"))
    silje.check()
    page.get_by_role("checkbox", name="Mål og tiltak").check()
    page.get_by_role("button", name="Lagre").click()

    result = page.locator("#sharing-result")
    expect(result.get_by_role("heading", name="Send invitasjonen")).to_be_visible()
    expect(result).to_contain_text("Send lenken eller koden til Silje Haugen")
    link = result.get_by_label("Lenke").input_value()
    assert re.fullmatch(rf"{re.escape(app_url)}/invitasjon/[A-Za-z0-9_-]{{20,}}", link), link
    # She is now on the plan with an account: listed as a person, no longer as a contact to invite.
    expect(page.get_by_role("radio", name=re.compile("^Silje Haugen \\(ergoterapeut\\)$"))).to_be_visible()
    expect(page.locator("article.card").filter(has=page.get_by_role("heading", name="Silje Haugen"))
           ).to_contain_text("Venter på signatur")
    assert_accessible(page, "sharing-invited")
    save_screenshot(page, "sharing-invited")

    # The link works: it opens Silje's invitation (in a fresh browser, as on her phone).
    other = page.context.browser.new_context(viewport={"width": 390, "height": 844})
    try:
        invited = other.new_page()
        invited.goto(link)
        expect(invited.locator(".lead")).to_contain_text("Hei Silje")
    finally:
        other.close()


def test_someone_new_needs_a_name_and_a_way_to_reach_them(page, app_url):
    page.goto(f"{app_url}/demo")
    page.get_by_role("button", name=re.compile("^Logg inn som Sofie")).click()
    page.wait_for_url(f"{app_url}/")
    page.goto(f"{app_url}/deling")
    expect(page.locator("article.card")).not_to_have_count(0)  # the list has loaded (the demo has a grant)
    expect(page.get_by_role("radio", name=re.compile("^Hanne Lindgren"))).to_be_visible()
    cards_before = page.locator("article.card").count()
    page.get_by_text("Noen som ikke står på listen").click()
    # Not ticking "En annen person" first is fine: typed details say who is meant.
    page.get_by_label("Fornavn").fill("Ida")
    page.get_by_label("Etternavn").fill("Moe")
    page.get_by_role("checkbox", name="Møter").check()
    page.get_by_role("button", name="Lagre").click()
    expect(page.get_by_role("alert")).to_contain_text("e-postadresse, eller et mobilnummer")
    expect(page.get_by_label("Fornavn")).to_have_value("Ida")  # nothing typed is lost
    assert page.locator("article.card").count() == cards_before

    page.get_by_label("Mobilnummer").fill("+47 400 00 099")
    page.get_by_label("Forhold til planeieren").fill("venninne")
    page.get_by_role("button", name="Lagre").click()
    expect(page.locator("#sharing-result")).to_contain_text("Send lenken eller koden til Ida Moe")
    expect(page.locator("article.card").filter(has=page.get_by_role("heading", name="Ida Moe"))
           ).to_contain_text("venninne")
