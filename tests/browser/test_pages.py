"""Every page, as the people who use it, at phone width: what each role sees, axe-core with no
serious or critical violations, a screenshot of each; and the coordinator inviting someone."""

import re

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

PAGES = [("/moter", "Møter"), ("/kontakter", "Kontakter"), ("/meldinger", "Meldinger"),
         ("/deling", "Deling"), ("/meg", "Meg")]


def _sign_in_as(page, app_url: str, name: str) -> None:
    page.goto(f"{app_url}/demo")
    page.get_by_role("button", name=re.compile(f"^Logg inn som {name}")).click()
    page.wait_for_url(re.compile(re.escape(app_url) + r"/(planer/?|enhet/?)?$"))
    if "/planer" in page.url:  # a coordinator lands on "Mine planer" (test_living_plan): open the plan
        expect(page.get_by_role("heading", level=1, name="Mine planer")).to_be_visible()
        page.goto(f"{app_url}/")
    if "/enhet" in page.url:  # the coordinating unit lands on its people (test_municipality_setup)
        expect(page.get_by_role("heading", level=1, name="Personer")).to_be_visible()
        page.goto(f"{app_url}/")
    expect(page.get_by_role("heading", level=1)).to_be_visible()


def test_the_owner_can_open_every_page(page, app_url, assert_accessible, save_screenshot):
    _sign_in_as(page, app_url, "Sofie")
    for path, title in PAGES:
        page.get_by_role("navigation", name="Hovedmeny").get_by_role("link", name=title).click() \
            if path != "/kontakter" else page.goto(f"{app_url}{path}")
        expect(page.get_by_role("heading", level=1, name=title)).to_be_visible()
        expect(page.get_by_role("status")).to_have_count(0)  # loaded, not "Henter …"
        assert_accessible(page, f"owner{path.replace('/', '-')}")
        save_screenshot(page, f"owner{path.replace('/', '-')}")
    page.goto(f"{app_url}/moter")
    expect(page.get_by_role("heading", name="Kommende møter")).to_be_visible()
    expect(page.get_by_role("heading", name="Tidligere møter")).to_be_visible()
    page.goto(f"{app_url}/kontakter")
    expect(page.get_by_role("link", name=re.compile(r"^Ring Mari Nilsen"))).to_have_attribute(
        "href", re.compile(r"^tel:\+47"))
    expect(page.get_by_role("link", name="Send e-post til Mari Nilsen")).to_have_attribute(
        "href", re.compile(r"^mailto:"))


def test_the_coordinator_sees_the_plan_but_not_the_sharing(page, app_url, assert_accessible, save_screenshot):
    _sign_in_as(page, app_url, "Mari")
    expect(page.get_by_role("heading", level=1, name="Planen til Sofie")).to_be_visible()
    expect(page.get_by_role("heading", name="Hvem kan se planen min")).to_have_count(0)
    assert_accessible(page, "coordinator-overview")
    save_screenshot(page, "coordinator-overview")
    page.goto(f"{app_url}/deling")
    expect(page.get_by_role("alert")).to_contain_text("ikke tilgjengelig")


def test_next_of_kin_without_a_signed_consent_sees_nothing_of_the_plan(page, app_url, assert_accessible):
    _sign_in_as(page, app_url, "Hanne")
    expect(page.get_by_role("alert")).to_contain_text("ikke tilgjengelig")
    expect(page.get_by_role("heading", name="Mål og tiltak")).to_have_count(0)
    assert_accessible(page, "next-of-kin-overview")


def test_the_coordinator_invites_someone_and_bad_input_keeps_what_was_typed(
    page, app_url, assert_accessible, save_screenshot
):
    _sign_in_as(page, app_url, "Mari")
    page.goto(f"{app_url}/meg")
    page.get_by_role("link", name="Inviter en person til planen").click()
    expect(page.get_by_role("heading", level=1, name="Inviter")).to_be_visible()
    assert_accessible(page, "invite")
    page.get_by_label("Fornavn").fill("Nora")
    page.get_by_label("Etternavn").fill("Lund")
    page.get_by_label("E-post").fill("nora.lund@example.com")
    page.get_by_label("Mobilnummer").fill("12")  # too short
    page.get_by_role("button", name="Lag invitasjon").click()
    expect(page.get_by_role("alert")).to_contain_text("Skriv mobilnummeret")
    expect(page.get_by_label("Fornavn")).to_have_value("Nora")  # nothing lost
    page.get_by_label("Mobilnummer").fill("+47 400 00 099")
    page.get_by_role("button", name="Lag invitasjon").click()
    expect(page.get_by_role("heading", name="Invitasjonen er klar")).to_be_visible()
    expect(page.get_by_label("Lenke")).to_have_value(re.compile(r"/invitasjon/[A-Za-z0-9_-]{20,}$"))
    expect(page.get_by_label("Fornavn")).to_have_value("")  # ready for the next person
    save_screenshot(page, "invite-created")


def test_the_unit_admin_invites_without_seeing_any_plan_content(page, app_url, assert_accessible):
    _sign_in_as(page, app_url, "Kari")
    expect(page.get_by_role("alert")).to_contain_text("ikke knyttet til noen plan")  # no plan content
    expect(page.get_by_role("heading", name="Mål og tiltak")).to_have_count(0)
    page.goto(f"{app_url}/meg")
    page.get_by_role("link", name="Inviter en person til planen").click()
    expect(page.get_by_role("heading", level=1, name="Inviter")).to_be_visible()
    page.get_by_label("Fornavn").fill("Per")
    page.get_by_label("Etternavn").fill("Dahl")
    page.get_by_label("Mobilnummer").fill("+47 400 00 098")
    page.get_by_role("radio", name="Tjenesteyter").check()
    page.get_by_role("button", name="Lag invitasjon").click()
    expect(page.get_by_role("heading", name="Invitasjonen er klar")).to_be_visible()
    assert_accessible(page, "unit-admin-invite")


def test_an_address_we_do_not_have_says_so_in_norwegian_with_the_way_back(page, app_url, assert_accessible):
    page.goto(f"{app_url}/finnes-ikke")
    expect(page.get_by_role("heading", level=1, name="Fant ikke siden")).to_be_visible()
    expect(page.get_by_text("404: Page not found")).to_have_count(0)
    assert_accessible(page, "not-found")
    page.get_by_label("Nynorsk").click()
    expect(page.get_by_role("heading", level=1, name="Fann ikkje sida")).to_be_visible()
    # Set by the language's script, which may run just after the render that shows the heading.
    expect(page).to_have_title("Fann ikkje sida · ipapp")
    page.get_by_label("Bokmål").click()  # this device's choice back, for the tests after
    expect(page.get_by_role("heading", level=1, name="Fant ikke siden")).to_be_visible()
    page.get_by_role("link", name="Til forsiden").click()
    page.wait_for_url(re.compile(r".*/(demo|logg-inn)/?$"))  # signed out: the way in


@pytest.mark.parametrize("name, offered", [
    ("Sofie", ["Plan", "Møter", "Meldinger", "Deling", "Meg"]),  # the owner
    ("Erik", ["Plan", "Møter", "Meldinger", "Deling", "Meg"]),  # her guardian
    ("Mari", ["Plan", "Møter", "Meldinger", "Meg"]),  # the coordinator: no Deling
    ("Kari", ["Enheten", "Meg"]),  # the coordinating unit: no plan's pages
    ("Hanne", ["Meg"]),  # next of kin whose consent is not signed: nothing of the plan
])
def test_the_menu_offers_each_person_only_what_she_may_open(page, app_url, name, offered):
    _sign_in_as(page, app_url, name)
    page.goto(f"{app_url}/meg")
    expect(page.get_by_role("heading", level=1, name="Meg")).to_be_visible()
    menu = page.get_by_role("navigation", name="Hovedmeny").get_by_role("link")
    expect(menu).to_have_text(offered)
    for label in offered:  # and every page offered opens without "ikke tilgjengelig"
        page.get_by_role("navigation", name="Hovedmeny").get_by_role("link", name=label).click()
        expect(page.get_by_role("heading", level=1)).to_be_visible()
        expect(page.get_by_role("status")).to_have_count(0)
        expect(page.get_by_text("ikke tilgjengelig")).to_have_count(0)


def test_someone_who_may_not_see_the_log_gets_the_refusal_alone(page, app_url, assert_accessible):
    _sign_in_as(page, app_url, "Hanne")
    page.goto(f"{app_url}/innsyn")
    expect(page.get_by_role("alert")).to_contain_text("ikke tilgjengelig")
    main = page.get_by_role("main")
    expect(main).not_to_contain_text("Ingen andre har sett planen")  # the owner's wording is not hers
    expect(page.get_by_label("Vis bare")).to_have_count(0)
    assert_accessible(page, "next-of-kin-log")
