"""The responsibility group's loop and the coordinator's inbox, in three browser contexts, on a
plan the test set up through the services: a meeting scheduled, answered by the owner and her
mother, its minutes and decisions; a question to the coordinator answered from her inbox and
shown on the owner's open page without a reload."""

import re
from datetime import timedelta

import pytest
from icalendar import Calendar
from living_plan import make_plan
from playwright.sync_api import expect
from soft_authenticator import SoftAuthenticator
from sqlalchemy import update

from ipapp import db
from ipapp.i18n.dates import oslo_today
from ipapp.models import Meeting, utcnow
from ipapp.services import consents, goal_editing, grants, invitations, plan_editing, plan_setup

pytestmark = pytest.mark.browser


def _active(invitation, app_url: str) -> SoftAuthenticator:
    phone = SoftAuthenticator(origin=app_url)
    invitations.redeem(invitation.code, phone.register(invitations.registration_options(invitation.code)), "Telefon")
    return phone


@pytest.fixture
def loop(app_database, app_url):
    return _loop("Loop", app_url)


@pytest.fixture
def standing_in(app_database, app_url):
    return _loop("Sub", app_url)


def _loop(tag: str, app_url: str):
    """Maja's plan: her goal, a housing officer, her mother granted meetings (Maja signed)."""
    plan = make_plan(tag)
    owner_phone = _active(plan.invitations["owner"], app_url)
    _active(plan.invitations["next_of_kin"], app_url)
    _active(plan.invitations["coordinator"], app_url)
    goal = goal_editing.add_goal(plan.owner_id, plan.plan_id, {"title": "Bo for meg selv"})
    plan_editing.add_contact(plan.coordinator_id, plan.plan_id, {"role": "provider", "name": "Per Bolig",
                                                                 "title": "boligkontoret"})
    grants.share(plan.owner_id, plan.plan_id, f"person:{plan.next_of_kin_id}", ["meetings"],
                 grants.last_day_for("3m", "", utcnow()))
    draft = consents.draft_consent(plan.owner_id, plan.plan_id)
    options = consents.signing_options(plan.owner_id, plan.plan_id, draft.id, draft.document_sha256)
    consents.sign(plan.owner_id, plan.plan_id, draft.id, owner_phone.authenticate(options))
    return plan, goal


def _signed_in(phone_context, app_url: str, person_id: int):
    """A browser of that person, signed in (the demo route: the passkey ceremony itself is
    covered by test_sign_in and test_living_plan)."""
    context = phone_context()
    response = context.request.post(f"{app_url}/auth/demo/{person_id}", headers={"Origin": app_url},
                                    max_redirects=0)
    assert response.status == 303
    page = context.new_page()
    page.set_default_timeout(20_000)
    return page


def _saved(page, text: str) -> None:
    expect(page.locator("#edit-result")).to_contain_text(text)


def test_the_meeting_loop_and_the_inbox(loop, app_url, phone_context, assert_accessible, save_screenshot):
    plan, goal = loop
    coordinator = _signed_in(phone_context, app_url, plan.coordinator_id)
    owner = _signed_in(phone_context, app_url, plan.owner_id)
    mother = _signed_in(phone_context, app_url, plan.next_of_kin_id)

    # The coordinator schedules a responsibility-group meeting.
    coordinator.goto(f"{app_url}/moter")
    coordinator.locator("summary", has_text="Sett opp et møte").click()
    form = coordinator.locator("#form-meeting-new")
    form.get_by_label("Tittel").fill("Ansvarsgruppemøte om bolig")
    form.get_by_label("Dag").fill((oslo_today(utcnow()) + timedelta(days=3)).isoformat())
    form.get_by_label("Starter kl.").fill("10:00")
    form.get_by_label("Slutter kl.").fill("09:00")
    form.get_by_label("Sted").fill("Rådhuset, møterom 2")
    form.get_by_label("Maja EierLoop (Planeier)").check()
    form.get_by_label(re.compile("Mona MorLoop")).check()
    form.get_by_label("Bo for meg selv").check()
    form.get_by_role("button", name="Sett opp et møte").click()
    expect(form.get_by_text("Sluttdatoen kan ikke være før startdatoen.")).to_be_visible()
    expect(form.get_by_label("Tittel")).to_have_value("Ansvarsgruppemøte om bolig")  # kept
    form.get_by_label("Slutter kl.").fill("11:30")
    form.get_by_role("button", name="Sett opp et møte").click()
    _saved(coordinator, "Møtet er satt opp")
    assert_accessible(coordinator, "loop-meetings-coordinator")

    # Maja and her mother see it and answer.
    owner.goto(f"{app_url}/moter")
    expect(owner.get_by_role("heading", name="Ansvarsgruppemøte om bolig")).to_be_visible()
    answer = owner.locator("main")
    answer.get_by_label("Jeg kommer").check()
    answer.get_by_label("Kommentar (frivillig)").fill("Kan jeg være med på video?")
    answer.get_by_role("button", name="Lagre").click()
    _saved(owner, "Svaret ditt er lagret.")
    assert_accessible(owner, "loop-meetings-owner")
    save_screenshot(owner, "loop-meetings-owner")
    mother.goto(f"{app_url}/moter")
    mother.get_by_label("Kan ikke").check()
    mother.get_by_role("button", name="Lagre").click()
    _saved(mother, "Svaret ditt er lagret.")
    # The coordinator's open page shows both answers without a reload.
    answers = coordinator.locator("main")
    expect(answers).to_contain_text("Maja EierLoop – kommer: «Kan jeg være med på video?»")
    expect(answers).to_contain_text("Mona MorLoop – kommer ikke")

    # The meeting is held (its time moved back: only the clock is faked); minutes and decisions.
    with db.transaction() as session:
        session.exec(update(Meeting).where(Meeting.plan_id == plan.plan_id).values(
            starts_at=utcnow() - timedelta(hours=3), ends_at=utcnow() - timedelta(hours=2)))
    coordinator.goto(f"{app_url}/moter")
    coordinator.locator("summary", has_text="Skriv referat").click()
    coordinator.get_by_label("Referat").fill("Vi gikk gjennom boligsøknaden.")
    coordinator.get_by_role("button", name="Publiser referatet").click()
    _saved(coordinator, "Referatet er publisert.")
    coordinator.locator("summary", has_text="Legg til et vedtak").click()  # stays open for the second
    for what, due in (("Søke om omsorgsbolig", 14), ("Besøke boligen sammen", 30)):
        decision = coordinator.locator("form[id^='form-decision-new']")
        decision.get_by_label("Hva ble bestemt").fill(what)
        decision.get_by_label("Ansvarlig").select_option(label="Per Bolig (boligkontoret)")
        decision.get_by_label("Innen").fill((oslo_today(utcnow()) + timedelta(days=due)).isoformat())
        decision.get_by_label("Mål").select_option(label="Bo for meg selv")
        decision.get_by_role("button", name="Legg til et vedtak").click()
        _saved(coordinator, "Vedtaket er lagt til.")
        expect(coordinator.locator("main li", has_text=what)).to_be_visible()
    assert_accessible(coordinator, "loop-minutes-coordinator")
    save_screenshot(coordinator, "loop-minutes-coordinator")

    owner.goto(f"{app_url}/moter")
    owner.locator("summary", has_text="Referat").first.click()
    expect(owner.get_by_text("Vi gikk gjennom boligsøknaden.")).to_be_visible()
    owner.goto(f"{app_url}/mal/{goal}")
    expect(owner.get_by_role("heading", name="Vedtak fra møtene")).to_be_visible()
    expect(owner.get_by_text("Søke om omsorgsbolig")).to_be_visible()
    expect(owner.get_by_text("Besøke boligen sammen")).to_be_visible()

    # Maja asks her coordinator; the coordinator answers from her inbox.
    owner.goto(f"{app_url}/meldinger")
    owner.locator("summary", has_text="Skriv en ny melding").click()
    owner.get_by_label("Hva gjelder det?").fill("Neste møte")
    owner.locator("#form-thread-new").get_by_label("Melding").fill("Kan jeg være med på video neste gang?")
    owner.locator("#form-thread-new").get_by_role("button", name="Send").click()
    _saved(owner, "Meldingen er sendt.")
    assert_accessible(owner, "loop-messages-owner")

    coordinator.goto(f"{app_url}/innboks")
    first = coordinator.locator("main article").first
    expect(first).to_contain_text("Neste møte")
    expect(first).to_contain_text("Maja EierLoop")
    assert_accessible(coordinator, "loop-inbox")
    save_screenshot(coordinator, "loop-inbox")
    first.get_by_label("Ditt svar").fill("Ja, jeg sender en lenke: https://video.example.no/rom")
    first.get_by_role("button", name="Send").click()
    expect(coordinator.locator("#inbox-result")).to_contain_text("Meldingen er sendt.")
    coordinator.get_by_role("button", name="Alle").click()
    coordinator.locator("main article").first.get_by_role("button", name="Marker som behandlet").click()
    expect(coordinator.locator("#inbox-result")).to_contain_text("Markert som behandlet.")

    # Maja's open page shows the answer without a reload, the link as a link.
    expect(owner.get_by_role("link", name="https://video.example.no/rom")).to_be_visible()
    save_screenshot(owner, "loop-messages-answered")

    # The meeting for her calendar.
    owner.goto(f"{app_url}/moter")
    with owner.expect_download() as download:
        owner.get_by_role("link", name=re.compile("Legg til i kalender")).first.click()
    event = Calendar.from_ical(open(download.value.path(), "rb").read()).walk("VEVENT")[0]
    assert "Ansvarsgruppemøte om bolig" in str(event["summary"])


def test_the_unit_admin_names_a_substitute_whom_the_owner_sees(standing_in, app_url, phone_context,
                                                               assert_accessible):
    plan, _ = standing_in
    colleague = plan_setup.add_coordinator(plan.admin_id, {"given_name": "Vera", "family_name": "VikarLoop",
                                                           "email": "vera.loop@kommune.example"}).person_id
    # A colleague who coordinates another plan can stand in.
    other = make_plan("LoopOther")
    plan_setup.assign_coordinator(plan.admin_id, other.plan_id, colleague)
    admin = _signed_in(phone_context, app_url, plan.admin_id)
    admin.goto(f"{app_url}/meg")
    admin.get_by_role("link", name="Vikar for koordinator").click()
    expect(admin.get_by_role("heading", level=1, name="Vikar for koordinator")).to_be_visible()
    admin.get_by_label("Planen til").select_option(label="Maja EierSub")
    admin.get_by_label("Vikar").select_option(label="Vera VikarLoop")
    admin.get_by_label("Fra og med").fill(oslo_today(utcnow()).isoformat())
    admin.get_by_label("Til og med").fill((oslo_today(utcnow()) - timedelta(days=1)).isoformat())
    admin.get_by_role("button", name="Gi vikaren planen").click()
    expect(admin.get_by_text("Sluttdatoen kan ikke være før startdatoen.")).to_be_visible()
    admin.get_by_label("Til og med").fill((oslo_today(utcnow()) + timedelta(days=14)).isoformat())
    admin.get_by_role("button", name="Gi vikaren planen").click()
    expect(admin.locator("#substitute-result")).to_contain_text("Vikaren har planen i perioden.")
    expect(admin.locator("main li", has_text="Vera VikarLoop")).to_be_visible()
    assert_accessible(admin, "loop-substitute")

    owner = _signed_in(phone_context, app_url, plan.owner_id)
    owner.goto(f"{app_url}/")
    expect(owner.locator("#plan-period")).to_contain_text("Vera VikarLoop")
