"""The living plan as its people use it, on a plan the test set up through the services (never
the demo): the coordinator's workspace and edits, the owner's "Endret siden sist", a goal's
history, rewording, a private note and the PDF; two people saving the same goal at once."""

import io
import re
from datetime import timedelta

import pytest
from living_plan import make_plan
from playwright.sync_api import expect
from pypdf import PdfReader
from shared_steps import virtual_authenticator

from ipapp.i18n.dates import format_date, oslo_today
from ipapp.models import utcnow
from ipapp.services import goal_editing, plan_editing

pytestmark = pytest.mark.browser


def _authenticator(page) -> None:
    virtual_authenticator(page)


def _register(page, invitation) -> None:
    """Open the invitation and make a passkey (Chromium's virtual authenticator)."""
    _authenticator(page)
    page.goto(invitation.link)
    page.get_by_role("button", name="Lag passnøkkel").click()
    page.wait_for_url(re.compile(r".*/(planer/?)?$"))


def _sign_out(page, app_url) -> None:
    page.goto(f"{app_url}/meg")
    page.get_by_role("button", name="Logg ut", exact=True).click()
    page.wait_for_url(re.compile(r".*/(demo|logg-inn)/?$"))


def _sign_in(page, app_url, lands_on: str) -> None:
    page.goto(f"{app_url}/logg-inn")
    page.get_by_role("button", name="Logg inn med passnøkkel").click()
    page.wait_for_url(re.compile(re.escape(app_url + lands_on.rstrip("/")) + "/?$"))


def _new_page(phone_context):
    page = phone_context().new_page()
    page.set_default_timeout(20_000)
    return page


def _saved(page, text: str) -> None:
    expect(page.locator("#edit-result")).to_contain_text(text)


@pytest.fixture
def story(app_database):
    return _story("Story")


@pytest.fixture
def second_story(app_database):
    return _story("Twice")


def _story(tag: str):
    """Maja's plan, her coordinator Ingrid, two goals in Maja's words and a physiotherapist."""
    plan = make_plan(tag)
    walk = goal_editing.add_goal(plan.owner_id, plan.plan_id, {"title": "Gå på tur hver uke"})
    bike = goal_editing.add_goal(plan.owner_id, plan.plan_id, {"title": "Lære å sykle"})
    physio = plan_editing.add_contact(plan.coordinator_id, plan.plan_id, {
        "role": "provider", "name": "Per Fysio", "title": "fysioterapeut", "phone": "+47 900 11 222"})
    return plan, walk, bike, physio


def test_the_coordinator_keeps_the_plan_and_the_owner_sees_what_changed(
        story, app_url, phone_context, page, assert_accessible, save_screenshot):
    plan, walk, bike, _ = story
    owner = page
    # Maja makes her passkey and looks at her plan once: her first visit.
    _register(owner, plan.invitations["owner"])
    expect(owner.get_by_role("heading", level=1)).to_have_text("Min plan")
    expect(owner.get_by_role("link", name="Gå på tur hver uke", exact=True)).to_be_visible()
    _sign_out(owner, app_url)

    # Ingrid signs in and lands on the plans she coordinates.
    ingrid = _new_page(phone_context)
    _register(ingrid, plan.invitations["coordinator"])
    _sign_out(ingrid, app_url)
    _sign_in(ingrid, app_url, "/planer")
    expect(ingrid.get_by_role("heading", name="Maja EierStory")).to_be_visible()
    expect(ingrid.get_by_text("Målet «Gå på tur hver uke» har ingen tiltak.")).to_be_visible()
    assert_accessible(ingrid, "living-workspace")
    save_screenshot(ingrid, "living-workspace")
    ingrid.get_by_role("button", name=re.compile("Åpne planen")).first.click()
    ingrid.wait_for_url(f"{app_url}/")
    expect(ingrid.get_by_role("heading", level=1)).to_have_text("Planen til Maja")
    expect(ingrid.locator(".app-header")).to_contain_text("Maja EierStory")  # whose plan this is

    # A service under the walking goal, with a responsible person.
    ingrid.get_by_role("link", name="Gå på tur hver uke", exact=True).click()
    ingrid.wait_for_url(re.compile(f"/mal/{walk}/?$"))
    ingrid.locator("summary", has_text="Legg til et tiltak").first.click()
    form = ingrid.locator(f"#form-measure-new-{walk}")
    form.get_by_label("Tiltak eller tjeneste").fill("Turgruppe med fysioterapeut")
    form.get_by_label("Ansvarlig").select_option(label="Per Fysio (fysioterapeut)")
    form.get_by_label("Hvor ofte").fill("hver onsdag")
    form.get_by_label("Fra", exact=True).fill(oslo_today(utcnow()).isoformat())
    form.get_by_role("button", name="Legg til et tiltak").click()
    _saved(ingrid, "Tiltaket er lagt til.")
    expect(ingrid.get_by_role("heading", name="Turgruppe med fysioterapeut")).to_be_visible()
    assert_accessible(ingrid, "living-goal-coordinator")

    # The old goal is reached: achieved, with a short note.
    ingrid.goto(f"{app_url}/mal/{bike}")
    ingrid.locator("summary", has_text="Endre status").first.click()
    status = ingrid.locator(f"#form-goal_status-{bike}")
    status.get_by_label("Status", exact=True).select_option(label="Nådd")
    status.get_by_label("Kommentar til status").fill("Syklet til skolen i mai")
    status.get_by_role("button", name="Lagre").click()
    _saved(ingrid, "Lagret.")
    expect(ingrid.locator("p.detail", has_text="Syklet til skolen i mai")).to_be_visible()
    expect(ingrid.locator("main .badge").first).to_have_text("Nådd")

    # The next review moves, in the plan's own section; a date in the past is refused in words.
    ingrid.goto(f"{app_url}/")
    ingrid.locator("summary", has_text="Endre planperiode og gjennomgang").first.click()
    period = ingrid.locator("#form-plan")
    period.get_by_label("Neste gjennomgang").fill((oslo_today(utcnow()) - timedelta(days=2)).isoformat())
    period.get_by_role("button", name="Lagre").click()
    expect(period.get_by_text("Datoen kan ikke ha vært.")).to_be_visible()
    new_review = oslo_today(utcnow()) + timedelta(days=90)
    period.get_by_label("Neste gjennomgang").fill(new_review.isoformat())
    period.get_by_role("button", name="Lagre").click()
    _saved(ingrid, "Lagret.")
    expect(ingrid.locator("#plan-period")).to_contain_text(format_date(new_review, "nb"))
    assert_accessible(ingrid, "living-overview-coordinator")
    save_screenshot(ingrid, "living-overview-coordinator")

    # Maja signs in again: what changed since her last visit, and by whom.
    _sign_in(owner, app_url, "/")
    changes = owner.locator("#changes")
    expect(changes).to_contain_text("Ingrid KoordinatorStory la til tiltaket «Turgruppe med fysioterapeut»")
    expect(changes).to_contain_text("Ingrid KoordinatorStory markerte målet «Lære å sykle» som nådd")
    expect(changes).to_contain_text("Ingrid KoordinatorStory endret planperioden eller gjennomgangen")
    assert_accessible(owner, "living-overview-owner")
    save_screenshot(owner, "living-overview-owner")

    # The goal's history, before and after in words.
    owner.goto(f"{app_url}/mal/{bike}")
    owner.get_by_role("link", name="Se historikken").first.click()
    owner.wait_for_url(re.compile(f"/historikk/mal/{bike}/?$"))
    newest = owner.locator("article").first
    expect(newest).to_contain_text("Endret")
    expect(newest).to_contain_text("Ingrid KoordinatorStory")
    expect(newest).to_contain_text("Før: Jobber med det")
    expect(newest).to_contain_text("Etter: Nådd")
    assert_accessible(owner, "living-history")
    save_screenshot(owner, "living-history")

    # She rewords her walking goal in her own words; she is offered no service form.
    owner.goto(f"{app_url}/mal/{walk}")
    expect(owner.get_by_text("Legg til et tiltak")).to_have_count(0)
    owner.locator("summary", has_text="Endre ordlyden").first.click()
    wording = owner.locator(f"#form-goal-{walk}")
    wording.get_by_label("Målet med dine ord").fill("")
    wording.get_by_role("button", name="Lagre").click()
    expect(wording.get_by_text("Fyll ut dette feltet.")).to_be_visible()  # nothing saved, in words
    wording.get_by_label("Målet med dine ord").fill("Gå tur i skogen med Luna hver uke")
    wording.get_by_role("button", name="Lagre").click()
    _saved(owner, "Lagret.")
    expect(owner.get_by_role("heading", level=1)).to_have_text("Gå tur i skogen med Luna hver uke")
    assert_accessible(owner, "living-goal-owner")

    # A private note.
    owner.goto(f"{app_url}/notater")
    owner.locator("summary", has_text="Skriv et notat").click()
    owner.locator("#form-note-new").get_by_label("Notat").fill("Spør Per om vi kan gå i skogen når det er glatt")
    owner.locator("#form-note-new").get_by_role("button", name="Lagre").click()
    _saved(owner, "Notatet er lagret.")
    expect(owner.locator("article p.prewrap", has_text="Spør Per om vi kan gå i skogen")).to_be_visible()
    expect(owner.locator("#form-note-new-body")).to_have_value("")  # the new-note form starts empty again
    assert_accessible(owner, "living-notes")
    save_screenshot(owner, "living-notes")

    # "Om meg", in her own words.
    owner.goto(f"{app_url}/om-meg")
    owner.locator("summary", has_text="Skriv eller endre").click()
    about = owner.locator("#form-about")
    about.get_by_label("Det som er viktig for meg").fill("Hunden min Luna, og å være ute.")
    about.get_by_role("button", name="Lagre").click()
    _saved(owner, "Lagret.")
    expect(owner.locator("main p.prewrap", has_text="Hunden min Luna")).to_be_visible()
    assert_accessible(owner, "living-about")

    # Ingrid adds the GP to the contacts; a bad phone number is explained next to the field.
    ingrid.goto(f"{app_url}/kontakter")
    ingrid.locator("summary", has_text="Legg til en kontakt").click()
    contact = ingrid.locator("#form-contact-new")
    contact.get_by_label("Rolle").select_option(label="Fastlege")
    contact.get_by_label("Navn").fill("Lise Lege")
    contact.get_by_label("Telefon").fill("ring meg")
    contact.get_by_role("button", name="Legg til en kontakt").click()
    expect(contact.get_by_text("Skriv et telefonnummer")).to_be_visible()
    expect(contact.get_by_label("Navn")).to_have_value("Lise Lege")  # what she typed is kept
    contact.get_by_label("Telefon").fill("+47 22 33 44 55")
    contact.get_by_role("button", name="Legg til en kontakt").click()
    _saved(ingrid, "Kontakten er lagt til.")
    expect(ingrid.get_by_role("heading", name="Lise Lege")).to_be_visible()
    assert_accessible(ingrid, "living-contacts-coordinator")
    save_screenshot(ingrid, "living-contacts-coordinator")

    # The plan on paper: the print view reads as a page of its own.
    owner.goto(f"{app_url}/")
    owner.get_by_role("link", name="Vis planen for utskrift").click()
    owner.wait_for_url(re.compile(r"/utskrift\?"))
    expect(owner.get_by_role("heading", level=1)).to_contain_text("Maja EierStory")
    expect(owner.get_by_text("Hunden min Luna, og å være ute.")).to_be_visible()
    assert_accessible(owner, "living-print-view")

    # The PDF: hers has her note; Ingrid's has the goals and never the note.
    owner.goto(f"{app_url}/")
    with owner.expect_download() as download:
        owner.get_by_role("link", name="Last ned som PDF").click()
    mine = _pdf_text(download.value)
    assert "Gå tur i skogen med Luna hver uke" in mine and "Spør Per om vi kan gå i skogen" in mine
    assert format_date(oslo_today(utcnow()), "nb") in mine
    ingrid.goto(f"{app_url}/")
    with ingrid.expect_download() as download:
        ingrid.get_by_role("link", name="Last ned som PDF").click()
    hers = _pdf_text(download.value)
    assert "Gå tur i skogen med Luna hver uke" in hers and "Turgruppe med fysioterapeut" in hers
    assert "Spør Per" not in hers


def _pdf_text(download) -> str:
    reader = PdfReader(io.BytesIO(open(download.path(), "rb").read()))
    return "\n".join(page.extract_text() for page in reader.pages)


def test_two_people_saving_the_same_goal_the_second_is_shown_both_texts(
        second_story, app_url, phone_context, page, assert_accessible, save_screenshot):
    plan, walk, _, _ = second_story
    owner, ingrid = page, _new_page(phone_context)
    _register(owner, plan.invitations["owner"])
    _register(ingrid, plan.invitations["coordinator"])
    for person in (owner, ingrid):
        person.goto(f"{app_url}/mal/{walk}")
        person.locator("summary", has_text="Endre ordlyden").first.click()
    ingrid.locator(f"#form-goal-{walk}").get_by_label("Målet med dine ord").fill("Gå tur to ganger i uka")
    ingrid.locator(f"#form-goal-{walk}").get_by_role("button", name="Lagre").click()
    _saved(ingrid, "Lagret.")
    # Maja's page shows Ingrid's title without a reload; her typing is not touched.
    expect(owner.get_by_role("heading", level=1)).to_have_text("Gå tur to ganger i uka")
    wording = owner.locator(f"#form-goal-{walk}")
    wording.get_by_label("Målet med dine ord").fill("Gå tur med Luna")
    wording.get_by_role("button", name="Lagre").click()
    result = owner.locator("#edit-result")
    expect(result).to_contain_text("Noen andre endret dette mens du skrev")
    expect(result.locator("table")).to_contain_text("Gå tur med Luna")
    expect(result.locator("table")).to_contain_text("Gå tur to ganger i uka")
    expect(owner.get_by_role("heading", level=1)).to_have_text("Gå tur to ganger i uka")  # not overwritten
    assert_accessible(owner, "living-conflict")
    save_screenshot(owner, "living-conflict")
    # Having seen both, she keeps hers: the next save is hers.
    owner.get_by_role("button", name="Jeg vil bruke min tekst").click()
    wording.get_by_role("button", name="Lagre").click()
    _saved(owner, "Lagret.")
    expect(owner.get_by_role("heading", level=1)).to_have_text("Gå tur med Luna")
    expect(ingrid.get_by_role("heading", level=1)).to_have_text("Gå tur med Luna")  # live on hers too
