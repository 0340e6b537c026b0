"""The bottom menu offers each person exactly the pages her access allows, and the app's own
re-check of an open page is not logged as the person trying to open the plan. From a plan the
test made through the services, a real passkey signing the consent (nothing mocked)."""

from datetime import timedelta

import pytest
from living_plan import make_plan
from soft_authenticator import SoftAuthenticator
from sqlmodel import select

from ipapp import db
from ipapp.i18n.dates import oslo_today
from ipapp.models import AuditEvent, utcnow
from ipapp.services import consents, grants, invitations, menu, people, plan_reading
from ipapp.services.plan_access import AccessDenied, app_recheck

ORIGIN = "http://localhost:3000"  # tests/conftest.py service_engine sets this origin


@pytest.fixture
def plan(service_engine):
    return make_plan()


def _menu(person_id: int, plan_id: int | None) -> list[str]:
    return menu.menu_at_sign_in(person_id, plan_id, "nb")[0]


def _grant_and_sign(plan, sections: list[str]) -> int:
    """The owner gives the next of kin `sections` and signs the consent with her passkey."""
    phone, code = SoftAuthenticator(origin=ORIGIN), plan.invitations["owner"].code
    invitations.redeem(code, phone.register(invitations.registration_options(code)), "Telefon")
    last_day = (oslo_today(utcnow()) + timedelta(days=30)).isoformat()
    grant_id = grants.create_grant(plan.owner_id, plan.plan_id, plan.next_of_kin_id, sections, last_day)
    view = consents.draft_consent(plan.owner_id, plan.plan_id)
    options = consents.signing_options(plan.owner_id, plan.plan_id, view.id, view.document_sha256)
    consents.sign(plan.owner_id, plan.plan_id, view.id, phone.authenticate(options))
    return grant_id


def _refusals(person_id: int) -> int:
    with db.transaction() as session:
        return len(session.exec(select(AuditEvent).where(AuditEvent.actor_person_id == person_id,
                                                         AuditEvent.outcome == "denied")).all())


def test_each_role_is_offered_exactly_the_pages_it_may_use(plan):
    assert _menu(plan.owner_id, plan.plan_id) == ["/", "/moter", "/meldinger", "/deling", "/meg"]
    assert _menu(plan.guardian_id, plan.plan_id) == ["/", "/moter", "/meldinger", "/deling", "/meg"]
    assert _menu(plan.coordinator_id, plan.plan_id) == ["/", "/moter", "/meldinger", "/meg"]
    assert _menu(plan.admin_id, None) == ["/enhet", "/meg"]  # the unit sees no plan's content
    assert _menu(plan.next_of_kin_id, plan.plan_id) == ["/meg"]  # nothing granted yet
    assert _refusals(plan.next_of_kin_id) == 0, "working out her menu is not her trying to open the plan"


def test_a_next_of_kin_is_offered_what_was_granted_and_nothing_else(plan):
    grant_id = _grant_and_sign(plan, ["goals", "meetings"])
    assert _menu(plan.next_of_kin_id, plan.plan_id) == ["/", "/moter", "/meg"]  # no Meldinger, no Deling
    header = plan_reading.read_header(plan.next_of_kin_id, plan.plan_id, "nb")
    assert menu.routes_for(header, False) == ["/", "/moter", "/meg"]
    grants.revoke_grant(plan.owner_id, plan.plan_id, grant_id)
    assert _menu(plan.next_of_kin_id, plan.plan_id) == ["/meg"]


def test_the_apps_recheck_after_a_revoke_is_not_her_attempt_but_her_own_click_is(plan):
    grant_id = _grant_and_sign(plan, ["goals"])
    plan_reading.open_section(plan.next_of_kin_id, plan.plan_id, "nb", plan_reading.contacts_in)  # denied inside
    after_her_click = _refusals(plan.next_of_kin_id)
    assert after_her_click == 1, "her own opening of a section she was not given is logged"
    grants.revoke_grant(plan.owner_id, plan.plan_id, grant_id)
    with app_recheck(), pytest.raises(AccessDenied):  # her idle page, re-read by the app
        plan_reading.open_section(plan.next_of_kin_id, plan.plan_id, "nb", plan_reading.contacts_in)
    assert _refusals(plan.next_of_kin_id) == after_her_click
    with pytest.raises(AccessDenied):  # she taps again herself: that is an attempt
        plan_reading.read_header(plan.next_of_kin_id, plan.plan_id, "nb")
    assert _refusals(plan.next_of_kin_id) == after_her_click + 1


def test_the_recheck_still_logs_what_she_is_shown(plan):
    """Only refusals are the app's own business: a re-read that shows her the plan is logged."""
    _grant_and_sign(plan, ["goals", "contacts"])
    with db.transaction() as session:
        before = len(session.exec(select(AuditEvent).where(AuditEvent.actor_person_id == plan.next_of_kin_id,
                                                           AuditEvent.outcome == "allowed")).all())
    with app_recheck():
        plan_reading.open_section(plan.next_of_kin_id, plan.plan_id, "nb", plan_reading.contacts_in)
    with db.transaction() as session:
        after = len(session.exec(select(AuditEvent).where(AuditEvent.actor_person_id == plan.next_of_kin_id,
                                                          AuditEvent.outcome == "allowed")).all())
    assert after > before


def test_a_unit_admin_is_known_from_her_account(plan):
    assert people.is_unit_admin(plan.admin_id)
    assert not people.is_unit_admin(plan.coordinator_id)
