"""Revocation and expiry take effect on a page that person already has open: the content leaves
their screen within a second, not at their next click."""

import re
import time
from datetime import timedelta

import pytest
from playwright.sync_api import expect
from sqlmodel import select

from ipapp import db
from ipapp.models import AccessGrant, AccessGrantSection, AuditEvent, Consent, ConsentGrant, Person, Plan, utcnow
from ipapp.services import grants

pytestmark = pytest.mark.browser
WITHIN_MS = 1000


def _people() -> tuple[int, int, int]:
    with db.transaction() as session:
        plan = session.exec(select(Plan)).first()
        hanne = session.exec(select(Person).where(Person.given_name == "Hanne")).one()
        return plan.id, plan.owner_person_id, hanne.id


def _signed_grant(plan_id: int, owner_id: int, grantee_id: int, lasts: timedelta) -> int:
    """A grant of goals with a signed consent (the signature ceremony has its own tests)."""
    now = utcnow()
    with db.transaction() as session:
        grant = AccessGrant(plan_id=plan_id, grantee_person_id=grantee_id, granted_by_person_id=owner_id,
                            valid_from=now - timedelta(seconds=1), valid_until=now + lasts)
        session.add(grant)
        session.flush()
        session.add(AccessGrantSection(grant_id=grant.id, section="goals"))
        version = len(session.exec(select(Consent).where(Consent.plan_id == plan_id)).all()) + 1
        consent = Consent(plan_id=plan_id, version=version, document=f"test consent {version}",
                          document_sha256="0" * 64, created_by_person_id=owner_id,
                          signer_person_id=owner_id, signed_as="owner", signed_at=now)
        session.add(consent)
        session.flush()
        session.add(ConsentGrant(consent_id=consent.id, grant_id=grant.id))
        return grant.id


def _open_overview_as_hanne(page, app_url) -> None:
    page.goto(f"{app_url}/demo")
    page.get_by_role("button", name=re.compile("^Logg inn som Hanne")).click()
    page.wait_for_url(f"{app_url}/")
    expect(page.get_by_role("heading", name="Mål og tiltak")).to_be_visible()


def _sign_in_as(page, app_url, name: str) -> None:
    page.goto(f"{app_url}/demo")
    page.get_by_role("button", name=re.compile(f"^Logg inn som {name}")).click()
    page.wait_for_url(f"{app_url}/")


def _menu(page):
    return page.get_by_role("navigation", name="Hovedmeny").get_by_role("link")


def _refusals_by(person_id: int, plan_id: int) -> int:
    with db.transaction() as session:
        return len(session.exec(select(AuditEvent).where(
            AuditEvent.actor_person_id == person_id, AuditEvent.plan_id == plan_id,
            AuditEvent.outcome == "denied")).all())


def test_revoking_empties_the_open_page_within_a_second(page, phone_context, app_url, app_database):
    """The owner takes access back on her phone; the other person's open page, idle, empties:
    the revoke notifies that plan's tabs (no tab polls the database). Her menu follows, and the
    app's own re-check of her idle page is not logged as her trying to open the plan."""
    plan_id, owner_id, hanne_id = _people()
    _signed_grant(plan_id, owner_id, hanne_id, timedelta(days=30))
    _open_overview_as_hanne(page, app_url)
    expect(_menu(page)).to_have_text(["Plan", "Meg"])  # goals only: no Møter, Meldinger, Deling
    refusals_before = _refusals_by(hanne_id, plan_id)

    owner = phone_context().new_page()
    _sign_in_as(owner, app_url, "Sofie")
    owner.goto(f"{app_url}/deling")
    hanne_card = (owner.locator("article.card").filter(has=owner.get_by_role("heading", name="Hanne Lindgren"))
                  .filter(has_text="Har tilgang nå"))
    expect(hanne_card.first).to_be_visible()
    page.wait_for_timeout(700)  # Hanne's page has settled; nothing is clicked there from here on
    hanne_card.first.get_by_text("Trekk tilbake tilgangen").click()
    hanne_card.first.get_by_role("button", name="Ja, trekk tilbake").click()
    expect(owner.get_by_role("status")).to_contain_text("Tilgangen er trukket tilbake")
    revoked_at = time.monotonic()
    expect(page.get_by_role("heading", name="Mål og tiltak")).to_have_count(0, timeout=WITHIN_MS)
    print(f"content gone {time.monotonic() - revoked_at:.2f} s after the owner saw the revocation")
    expect(page.get_by_role("alert")).to_contain_text("ikke tilgjengelig")
    expect(_menu(page)).to_have_text(["Meg"])
    assert _refusals_by(hanne_id, plan_id) == refusals_before, "the app's re-check was logged as her attempt"
    owner.goto(f"{app_url}/innsyn")
    expect(owner.get_by_role("heading", level=1, name="Hvem har sett planen min")).to_be_visible()
    # Her newest row is still her last real look, from before the revoke (other tests on the shared
    # demo database may have left older refusals of other people).
    hers = owner.locator("li.access-row").filter(has_text="Hanne Lindgren")
    expect(hers.first).to_be_visible()
    expect(hers.first).not_to_contain_text("Prøvde å åpne")


def test_expiry_empties_the_open_page_within_a_second(page, app_url, app_database):
    plan_id, owner_id, hanne_id = _people()
    grant_id = _signed_grant(plan_id, owner_id, hanne_id, timedelta(seconds=6))
    _open_overview_as_hanne(page, app_url)
    with db.transaction() as session:
        ends = session.get(AccessGrant, grant_id).valid_until
    remaining = (ends - utcnow()).total_seconds()
    assert remaining > 0.5, "the page took too long to open to observe the expiry"
    page.wait_for_timeout(remaining * 1000)
    expect(page.get_by_role("heading", name="Mål og tiltak")).to_have_count(0, timeout=WITHIN_MS)
    expect(page.get_by_role("alert")).to_contain_text("ikke tilgjengelig")


def test_owner_is_reminded_of_access_ending_soon_and_renews_with_one_tap(
    page, app_url, app_database, assert_accessible
):
    plan_id, owner_id, _ = _people()
    with db.transaction() as session:
        jonas = session.exec(select(Person).where(Person.given_name == "Jonas")).one().id
    _signed_grant(plan_id, owner_id, jonas, timedelta(days=5))
    try:
        page.goto(f"{app_url}/demo")
        page.get_by_role("button", name=re.compile("^Logg inn som Sofie")).click()
        page.wait_for_url(f"{app_url}/")
        reminder = page.locator(".notice").filter(has_text="Jonas Berg")
        expect(reminder).to_contain_text("Tilgangen slutter etter")
        assert_accessible(page, "overview-ending-soon")
        expect(reminder.get_by_role("button", name="La den gå ut")).to_be_visible()
        reminder.get_by_role("button", name="Forny i 3 måneder").click()
        page.wait_for_url(re.compile(r".*/samtykke/?$"))
        expect(page.locator(".consent-text")).to_contain_text("Jonas Berg")
        expect(page.get_by_role("button", name="Signer med passnøkkel")).to_be_visible()
    finally:  # leave the shared demo plan as other tests expect it
        with db.transaction() as session:
            for grant in session.exec(select(AccessGrant).where(AccessGrant.grantee_person_id == jonas)):
                grant.revoked_at = utcnow()
                session.add(grant)


def test_owner_lets_access_run_out_and_is_not_reminded_again(page, app_url, app_database, assert_accessible):
    plan_id, owner_id, _ = _people()
    with db.transaction() as session:
        jonas = session.exec(select(Person).where(Person.given_name == "Jonas")).one().id
    grant_id = _signed_grant(plan_id, owner_id, jonas, timedelta(days=3))
    try:
        page.goto(f"{app_url}/demo")
        page.get_by_role("button", name=re.compile("^Logg inn som Sofie")).click()
        page.wait_for_url(f"{app_url}/")
        reminder = page.locator(".notice").filter(has_text="Jonas Berg")
        reminder.get_by_role("button", name="La den gå ut").click()
        expect(page.get_by_role("status").filter(has_text="du får ikke flere påminnelser")).to_be_visible()
        expect(page.locator(".notice").filter(has_text="Tilgangen slutter etter")).to_have_count(0)
        assert_accessible(page, "overview-lapse-chosen")
        with db.transaction() as session:
            grant = session.get(AccessGrant, grant_id)
            assert grant.lapse_chosen_at is not None and grant.revoked_at is None  # it still runs
        page.reload()
        expect(page.get_by_role("heading", name="Hvem kan se planen", exact=False)).to_be_visible()
        expect(page.locator(".notice").filter(has_text="Jonas Berg")).to_have_count(0)
    finally:  # leave the shared demo plan as other tests expect it
        with db.transaction() as session:
            for grant in session.exec(select(AccessGrant).where(AccessGrant.grantee_person_id == jonas)):
                grant.revoked_at = utcnow()
                session.add(grant)
