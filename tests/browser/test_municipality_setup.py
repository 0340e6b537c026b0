"""A fresh production install, used the way a coordinating unit would: from an empty database,
the operator's bootstrap command, the unit admin's screens, and the owner's first sign-in through
the national login (the test OpenID provider, oidc-provider). Then the takeover a coordinator
could once do with a re-invitation, stopped before she can sign in as the owner.

The same production build as every browser test, served in production mode (IPAPP_ENV=production,
no demo, real keys, OIDC on) on the same port: the shared demo server is stopped for this module
and started again after it.
"""

from __future__ import annotations

import os
import re
import secrets
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest
from oidc_server import running_provider
from playwright.sync_api import expect
from shared_steps import valid_national_id, virtual_authenticator

import devserver
from ipapp.api.oidc_routes import CALLBACK_PATH
from ipapp.i18n.dates import oslo_today
from ipapp.models import utcnow

pytestmark = pytest.mark.browser
ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = Path(os.environ.get("IPAPP_TEST_ARTIFACTS") or ROOT / "test-artifacts").resolve()  # as conftest
TEST_WEB_DIR = ARTIFACTS / "web"  # the build every browser test shares (tests/browser/conftest.py)


ODA = valid_national_id("150612", 500)  # born 15 June 2012: a minor, whose mother is her guardian


@pytest.fixture(scope="module")
def production(app_server, tmp_path_factory):
    """The production app on the shared build's port, with an empty, migrated database."""
    tmp = tmp_path_factory.mktemp("production")
    port = app_server.port
    with running_provider(f"http://localhost:{port}{CALLBACK_PATH}") as provider:
        env = {
            "DATABASE_URL": f"sqlite:///{tmp / 'ipapp.sqlite3'}",
            "IPAPP_ENV": "production",
            "IPAPP_ORIGIN": f"http://localhost:{port}",
            "IPAPP_AUDIT_KEY": secrets.token_urlsafe(32),
            "IPAPP_IDENTITY_KEY": secrets.token_urlsafe(32),
            "IPAPP_OIDC_ISSUER": provider.issuer,
            "IPAPP_OIDC_CLIENT_ID": provider.client_id,
            "IPAPP_OIDC_CLIENT_SECRET": provider.client_secret,
            "REFLEX_STATES_WORKDIR": str(tmp / "states"),
        }
        assert _cli(env, "migrate").returncode == 0
        app_server.stop()
        server = devserver.Server(port, TEST_WEB_DIR, ARTIFACTS / "server-production.log", env)
        try:
            server.start(timeout=120)
            yield server.url, env, provider
        finally:
            server.stop()
            app_server.start(timeout=120)  # the other browser tests' demo server, as it was


def _cli(env: dict, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "ipapp.cli", *args], cwd=ROOT, env={**devserver.tool_env(env)},
                          capture_output=True, text=True, timeout=120)


def _authenticator(page) -> None:
    virtual_authenticator(page)


def _register_passkey(page, link: str, lands_on: str) -> None:
    _authenticator(page)
    page.goto(link)
    page.get_by_role("button", name="Lag passnøkkel").click()
    page.wait_for_url(re.compile(re.escape(lands_on) + "/?$"))


def _national_login(page, url: str, pid: str) -> None:
    """"Logg inn med ID-porten" as `pid`: the test provider has no login form, it signs in whoever
    the authorization request names in login_hint, so the hint is added to our start route's
    redirect (Playwright cannot route the redirected request itself)."""
    def with_hint(route):
        response = route.fetch(max_redirects=0)
        route.fulfill(response=response,
                      headers={**response.headers, "location": response.headers["location"] + f"&login_hint={pid}"})

    page.route(f"{url}/auth/oidc/start", with_hint)
    page.goto(f"{url}/logg-inn")
    page.get_by_role("link", name="Logg inn med ID-porten").click()
    page.wait_for_url(re.compile(re.escape(url) + "/?$"))


def _new_page(phone_context):
    page = phone_context().new_page()
    page.set_default_timeout(20_000)
    return page


def _register(page, given: str, family: str, *, national_id: str = "", email: str = "") -> str:
    """Fill "Registrer en person" and return the invitation link it shows."""
    form = page.locator("#form-register")
    form.get_by_label("Fornavn").fill(given)
    form.get_by_label("Etternavn").fill(family)
    form.get_by_label("Fødselsnummer eller D-nummer").fill(national_id)
    form.get_by_label("E-post").fill(email)
    form.get_by_role("button", name="Registrer og lag invitasjon").click()
    expect(page.locator("#unit-result")).to_contain_text("Personen er registrert", timeout=15_000)
    expect(page.locator("#unit-result")).to_contain_text(f"{given} {family}")
    return page.locator("#unit-invitation-link").input_value()


def _create_plan(page, owner: str, coordinator: str):
    """"Opprett en plan" on Planer, from today with the first review in half a year."""
    create = page.locator("#form-create")
    create.get_by_label("Planen er for").select_option(label=owner)
    create.get_by_label("Koordinator").select_option(label=coordinator)
    today = oslo_today(utcnow())
    create.get_by_label("Planen gjelder fra").fill(today.isoformat())
    create.get_by_label("Første gjennomgang").fill((today + timedelta(days=180)).isoformat())
    create.get_by_role("button", name="Opprett planen").click()
    expect(page.locator("#unit-result")).to_contain_text("Planen er opprettet.")
    return create


def _plan_row(page, owner: str):
    return page.locator("li.access-row").filter(has=page.get_by_role("heading", level=3, name=owner))


def test_a_fresh_install_from_the_bootstrap_command_to_the_owner_in_her_plan(
        production, phone_context, assert_accessible, save_screenshot):
    url, env, _ = production
    # The operator's one command: the first unit administrator and her one-time link.
    made = _cli(env, "bootstrap", "--given-name", "Ulla", "--family-name", "Enhetsleder",
                "--email", "ulla@kommune.example")
    assert made.returncode == 0, made.stderr
    link = made.stdout.strip().splitlines()[-1]
    assert link.startswith(f"{url}/invitasjon/")
    again = _cli(env, "bootstrap", "--given-name", "Ulla", "--family-name", "Igjen", "--email", "u2@kommune.example")
    assert again.returncode == 2 and "already" in again.stderr

    admin = _new_page(phone_context)
    _register_passkey(admin, link, f"{url}/enhet")
    expect(admin.get_by_role("heading", level=1, name="Personer")).to_be_visible()
    coordinator_link = _register(admin, "Cecilie", "Koordinatorsen", email="cecilie@kommune.example")
    _register(admin, "Oda", "Eiersen", national_id=f"{ODA[:6]} {ODA[6:]}")
    _register(admin, "Mette", "Eiersen", email="mette@example.com")
    expect(admin.get_by_text("15. juni 2012")).to_be_visible()  # her birth date, from her number

    # The same number twice: refused, said under the field, nothing lost, nobody added.
    form = admin.locator("#form-register")
    form.get_by_label("Fornavn").fill("Odd")
    form.get_by_label("Etternavn").fill("Annen")
    form.get_by_label("Fødselsnummer eller D-nummer").fill(ODA)
    form.get_by_role("button", name="Registrer og lag invitasjon").click()
    expect(form.get_by_text("En annen person er allerede registrert med dette nummeret.")).to_be_visible()
    expect(form.get_by_label("Fornavn")).to_have_value("Odd")
    expect(form.get_by_label("Fødselsnummer eller D-nummer")).to_have_attribute("aria-invalid", "true")
    expect(admin.get_by_text("Odd Annen")).to_have_count(0)
    # A number with a wrong check digit says so.
    form.get_by_label("Fødselsnummer eller D-nummer").fill(ODA[:10] + str((int(ODA[10]) + 1) % 10))
    form.get_by_role("button", name="Registrer og lag invitasjon").click()
    expect(form.get_by_text("Dette er ikke et gyldig fødselsnummer. Sjekk sifrene.")).to_be_visible()
    assert_accessible(admin, "unit-people")
    save_screenshot(admin, "unit-people")

    # Her plan, her coordinator, her mother as guardian while she is a minor.
    admin.get_by_role("link", name="Planer", exact=True).click()
    expect(admin.get_by_role("heading", level=1, name="Planer")).to_be_visible()
    create = _create_plan(admin, "Oda Eiersen", "Cecilie Koordinatorsen")
    today = oslo_today(utcnow())
    # Only one plan per person.
    create.get_by_role("button", name="Opprett planen").click()
    expect(create.get_by_text("Det skal bare utarbeides én individuell plan.")).to_be_visible()

    row = _plan_row(admin, "Oda Eiersen")
    expect(row).to_contain_text("Cecilie Koordinatorsen")
    row.locator("summary", has_text="Endre").click()
    guardian = row.locator("form[id^='form-guardian']")
    guardian.get_by_label("Verge", exact=True).select_option(label="Oda Eiersen")
    guardian.get_by_label("Gjelder fra").fill(today.isoformat())
    guardian.get_by_role("button", name="Registrer verge").click()
    expect(guardian.get_by_text("Eieren av planen kan ikke være sin egen verge.")).to_be_visible()
    guardian.get_by_label("Verge", exact=True).select_option(label="Mette Eiersen")
    guardian.get_by_role("button", name="Registrer verge").click()
    expect(admin.locator("#unit-result")).to_contain_text("Vergen er registrert.")
    expect(_plan_row(admin, "Oda Eiersen")).to_contain_text("Mette Eiersen – Forelder til barn under 16")
    assert_accessible(admin, "unit-plans")
    save_screenshot(admin, "unit-plans")

    # Oda signs in with the national login the first time: her number finds her account.
    owner = _new_page(phone_context)
    _national_login(owner, url, ODA)
    expect(owner.get_by_role("heading", level=1, name="Min plan")).to_be_visible()
    expect(owner.get_by_text("Det er ikke skrevet noen mål ennå.")).to_be_visible()
    owner.goto(f"{url}/meg")
    expect(owner.get_by_text("med ID-porten").first).to_be_visible()  # her sign-ins, and how
    # Her language is hers: chosen on Meg, it is there on a new device after her next sign-in.
    owner.get_by_label("Nynorsk").click()  # a controlled radio: checked once the server has it
    expect(owner.get_by_label("Nynorsk")).to_be_checked()
    expect(owner.get_by_role("heading", level=1, name="Meg")).to_be_visible()
    expect(owner.get_by_text("med ID-porten").first).to_be_visible()
    elsewhere = _new_page(phone_context)
    _national_login(elsewhere, url, ODA)
    expect(elsewhere.get_by_role("heading", level=1, name="Planen min")).to_be_visible()
    expect(elsewhere.locator("html")).to_have_attribute("lang", "nn")
    assert elsewhere.title() == "Planen min · ipapp"

    # The coordinator registers her passkey and finds the plan in her workspace.
    coordinator = _new_page(phone_context)
    _register_passkey(coordinator, coordinator_link, f"{url}/planer")
    expect(coordinator.get_by_text("Oda Eiersen").first).to_be_visible()


def test_a_coordinator_cannot_become_the_owner_with_a_new_code_and_the_owner_sees_she_tried(
        production, phone_context, assert_accessible):
    url, env, _ = production
    admin_made = _cli(env, "bootstrap", "--force", "--given-name", "Ulf", "--family-name", "Enhet",
                      "--email", "ulf@kommune.example")
    admin = _new_page(phone_context)
    _register_passkey(admin, admin_made.stdout.strip().splitlines()[-1], f"{url}/enhet")
    coordinator_link = _register(admin, "Ingrid", "Overtar", email="ingrid@kommune.example")
    owner_link = _register(admin, "Pia", "Passnøkkel", email="pia@example.com")  # no national identity number
    admin.get_by_role("link", name="Planer", exact=True).click()
    _create_plan(admin, "Pia Passnøkkel", "Ingrid Overtar")

    owner = _new_page(phone_context)
    _register_passkey(owner, owner_link, url)
    coordinator = _new_page(phone_context)
    _register_passkey(coordinator, coordinator_link, f"{url}/planer")

    # The coordinator makes a new code for the owner, as for a lost phone ...
    coordinator.goto(f"{url}/inviter")
    expect(coordinator.get_by_role("heading", level=1, name="Inviter")).to_be_visible()
    # The new person's fields are about someone else: her browser fills in none of her own.
    for field in ("given_name", "family_name", "email", "phone"):
        expect(coordinator.locator(f"#invite-{field}")).to_have_attribute("autocomplete", "off")
    row = coordinator.locator("li.access-row").filter(has_text="Pia Passnøkkel")
    row.get_by_role("button", name="Lag ny invitasjon").click()
    expect(coordinator.get_by_role("heading", name="Gjenopprettingskode laget")).to_be_visible()
    expect(coordinator.locator("#invitation-result").locator("xpath=..")).to_contain_text(
        "Koden virker først når en annen i koordinerende enhet har godkjent den.")
    code_link = coordinator.get_by_label("Lenke").input_value()
    assert_accessible(coordinator, "recovery-made")

    # ... and opens it on her own phone: nothing to register, no way in as the owner.
    thief = _new_page(phone_context)
    _authenticator(thief)
    thief.goto(code_link)
    expect(thief.get_by_role("alert")).to_contain_text("Denne koden er ikke godkjent ennå")
    expect(thief.get_by_role("button", name="Lag passnøkkel")).to_have_count(0)
    thief.get_by_label("English").click()  # the invitation page has the language chooser too
    expect(thief.get_by_role("heading", level=1, name="Welcome to ipapp")).to_be_visible()
    expect(thief.locator("html")).to_have_attribute("lang", "en")

    # The owner sees in her log who made a recovery code for her, and still has one key.
    owner.goto(f"{url}/innsyn")
    expect(owner.get_by_role("heading", level=1, name="Hvem har sett planen min")).to_be_visible()
    expect(owner.locator(".access-row").filter(has_text="Ingrid Overtar").filter(
        has_text=re.compile("gjenopprettingskode", re.IGNORECASE)).first).to_be_visible()
    owner.goto(f"{url}/meg")
    expect(owner.get_by_text("Lagt til med invitasjonen fra Ulf Enhet")).to_have_count(1)
    # The unit's screens are not hers.
    owner.goto(f"{url}/enhet")
    expect(owner.get_by_text("ikke tilgjengelig").first).to_be_visible()
    expect(owner.locator("#form-register")).to_have_count(0)

    # A second staff member sees it waiting, with who made it.
    admin.goto(f"{url}/enhet")
    expect(admin.get_by_role("heading", name="Gjenopprettingskoder som venter på godkjenning")).to_be_visible()
    pending = admin.locator("li.access-row").filter(has_text="Laget av Ingrid Overtar")
    expect(pending).to_contain_text("Pia Passnøkkel")
    expect(pending.get_by_role("button", name="Godkjenn")).to_be_visible()
