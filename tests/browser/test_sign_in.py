"""Signing in as a person would: an invitation, a passkey made on the phone (Chromium's virtual
authenticator over CDP), signing out and in again with one tap, and what happens when the
authenticator cannot verify the user."""

import re

import pytest
from playwright.sync_api import expect
from sqlmodel import col, select

from ipapp import db
from ipapp.models import Invitation, PlanCoordinator
from ipapp.services import invitations

pytestmark = pytest.mark.browser
SIGN_INS = 20


def _invite(email: str) -> tuple[str, str]:
    with db.transaction() as session:
        row = session.exec(select(PlanCoordinator).where(col(PlanCoordinator.assigned_until).is_(None))).first()
        coordinator, plan_id = row.coordinator_person_id, row.plan_id
    form = {"given_name": "Ida", "family_name": "Testesen", "email": email, "role": "next_of_kin"}
    created = invitations.create_invitation(coordinator, plan_id, form, "nb")
    return created.code, created.link


def _authenticator(page, *, user_verified: bool = True) -> None:
    cdp = page.context.new_cdp_session(page)
    cdp.send("WebAuthn.enable")
    cdp.send("WebAuthn.addVirtualAuthenticator", {"options": {
        "protocol": "ctap2", "transport": "internal", "hasResidentKey": True,
        "hasUserVerification": True, "isUserVerified": user_verified,
        "automaticPresenceSimulation": True,
    }})


def _sign_out(page, app_url) -> None:
    page.goto(f"{app_url}/meg")
    page.get_by_role("button", name="Logg ut", exact=True).click()
    page.wait_for_url(re.compile(r".*/(demo|logg-inn)/?$"))


def test_invited_person_registers_a_passkey_then_signs_out_and_in_20_times(
    page, app_url, app_database, assert_accessible, save_screenshot
):
    code, link = _invite("ida.passkey@example.com")
    _authenticator(page)
    page.goto(link.replace(link.split("/invitasjon/")[0], app_url))
    create = page.get_by_role("button", name="Lag passnøkkel")
    expect(create).to_be_enabled()
    assert_accessible(page, "invitation")
    save_screenshot(page, "invitation")
    create.click()
    page.wait_for_url(f"{app_url}/")
    expect(page.get_by_role("heading", level=1)).to_be_visible()

    page.goto(f"{app_url}/meg")
    expect(page.get_by_role("heading", name="Passnøklene mine")).to_be_visible()
    expect(page.get_by_text("Ida Testesen")).to_be_visible()
    assert_accessible(page, "me-passkeys")
    save_screenshot(page, "me-passkeys")
    _sign_out(page, app_url)

    for attempt in range(SIGN_INS):
        page.goto(f"{app_url}/logg-inn")
        button = page.get_by_role("button", name="Logg inn med passnøkkel")
        expect(button).to_be_enabled()
        if attempt == 0:
            assert_accessible(page, "sign-in")
            save_screenshot(page, "sign-in")
        button.click()
        page.wait_for_url(f"{app_url}/")
        page.goto(f"{app_url}/meg")
        expect(page.get_by_text("Ida Testesen")).to_be_visible()
        _sign_out(page, app_url)

    # The invitation was used once and cannot be used again.
    page.goto(link.replace(link.split("/invitasjon/")[0], app_url))
    expect(page.get_by_role("alert")).to_contain_text("allerede brukt")


def test_a_passkey_without_user_verification_is_refused(page, app_url, app_database):
    code, link = _invite("ida.no-uv@example.com")
    _authenticator(page, user_verified=False)
    page.goto(link.replace(link.split("/invitasjon/")[0], app_url))
    page.get_by_role("button", name="Lag passnøkkel").click()
    # Our options require user verification, so Chromium refuses before anything reaches us.
    expect(page.get_by_role("alert")).to_contain_text("Passnøkkelen ble ikke laget")
    assert "/invitasjon/" in page.url
    with db.transaction() as session:  # nothing was used up: the person can try again
        invitation = session.exec(select(Invitation).order_by(col(Invitation.id).desc())).first()
        assert invitation.used_at is None


def test_signing_in_without_a_known_passkey_says_so_and_signs_in_no_one(page, app_url):
    _authenticator(page)  # an empty authenticator: no passkey for this site
    page.goto(f"{app_url}/logg-inn")
    button = page.get_by_role("button", name="Logg inn med passnøkkel")
    expect(button).to_be_enabled()
    button.click()
    expect(page.get_by_role("alert")).to_be_visible()
    assert page.url.rstrip("/").endswith("/logg-inn")
