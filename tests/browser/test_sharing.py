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
    page.get_by_label("Siste dag med tilgang").fill("2020-01-01")
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

    revoked_before = page.locator("article.card").filter(has_text="Trukket tilbake").count()
    jonas.get_by_text("Trekk tilbake tilgangen").click()
    jonas.get_by_role("button", name="Ja, trekk tilbake").click()
    expect(page.get_by_role("status")).to_contain_text("Tilgangen er trukket tilbake")
    expect(page.locator("article.card").filter(has_text="Trukket tilbake")).to_have_count(revoked_before + 1)
    assert_accessible(page, "sharing-revoked")
