"""Granting and revoking access through the service: only the owner or an acting guardian, only
sections they may give, always with an end date in the future, never twice; revoking is immediate."""

from datetime import timedelta

import pytest
from sqlmodel import select

from ipapp import db
from ipapp.demo.seed import DemoCast
from ipapp.i18n.dates import oslo_today
from ipapp.models import AccessGrant, AccessGrantSection, Consent, ConsentGrant, utcnow
from ipapp.services import grant_endings, grants, plan_reading
from ipapp.services.plan_access import AccessDenied


@pytest.fixture
def cast(demo_cast) -> DemoCast:
    return demo_cast  # tests/conftest.py: a fresh database with the demo plan


def _in_days(days: int) -> str:
    return (oslo_today(utcnow()) + timedelta(days=days)).isoformat()


def _counts() -> tuple[int, int]:
    with db.transaction() as session:
        return len(session.exec(select(AccessGrant)).all()), len(session.exec(select(AccessGrantSection)).all())


def test_owner_grants_the_provider_meetings_for_a_month(cast):
    grant_id = grants.create_grant(cast.owner_id, cast.plan_id, cast.provider_id, ["meetings"], _in_days(30))
    with db.transaction() as session:
        grant = session.get(AccessGrant, grant_id)
        assert grant.grantee_person_id == cast.provider_id and grant.revoked_at is None
    # Not effective before a consent covering it is signed.
    with pytest.raises(AccessDenied):
        plan_reading.read_meetings(cast.provider_id, cast.plan_id, "nb")


@pytest.mark.parametrize("sections, last_day, code", [
    ([], 30, "no_sections"),
    ("meetings", 30, "no_sections"),
    (["meetings", "diary"], 30, "unknown_section"),
    (["meetings"], None, "no_end_date"),
    (["meetings"], "31.12.2027", "bad_date"),
    (["meetings"], -1, "end_in_past"),
    (["meetings"], 3000, "too_long"),
])
def test_bad_grants_are_refused_with_a_reason_and_nothing_written(cast, sections, last_day, code):
    before = _counts()
    day = _in_days(last_day) if isinstance(last_day, int) else last_day
    with pytest.raises(grants.GrantProblem) as problem:
        grants.create_grant(cast.owner_id, cast.plan_id, cast.provider_id, sections, day)
    assert problem.value.code == code and _counts() == before


def test_the_same_grant_twice_is_refused(cast):
    grants.create_grant(cast.owner_id, cast.plan_id, cast.provider_id, ["goals", "meetings"], _in_days(30))
    with pytest.raises(grants.GrantProblem) as problem:
        grants.create_grant(cast.owner_id, cast.plan_id, cast.provider_id, ["meetings", "goals"], _in_days(60))
    # The first one still waits for her signature: she is told so, and where to sign it.
    assert (problem.value.code, problem.value.link) == ("duplicate_waiting", "/samtykke")


def test_only_people_on_the_plan_can_receive_a_grant(cast):
    with pytest.raises(grants.GrantProblem, match="unknown_person"):
        grants.create_grant(cast.owner_id, cast.plan_id, cast.unit_admin_id, ["goals"], _in_days(30))


def test_a_guardian_can_share_but_never_the_owners_notes(cast):
    grants.create_grant(cast.guardian_id, cast.plan_id, cast.provider_id, ["goals"], _in_days(30))
    with pytest.raises(AccessDenied):
        grants.create_grant(cast.guardian_id, cast.plan_id, cast.coordinator_id, ["notes"], _in_days(30))
    # The owner herself may share her notes with the coordinator.
    grants.create_grant(cast.owner_id, cast.plan_id, cast.coordinator_id, ["notes"], _in_days(30))


@pytest.mark.parametrize("who", ["coordinator_id", "next_of_kin_id", "provider_id", "unit_admin_id"])
def test_nobody_else_may_grant_or_revoke(cast, who):
    actor = getattr(cast, who)
    with pytest.raises(AccessDenied):
        grants.create_grant(actor, cast.plan_id, cast.provider_id, ["goals"], _in_days(30))
    with db.transaction() as session:
        grant_id = session.exec(select(AccessGrant.id)).first()
    with pytest.raises(AccessDenied):
        grants.revoke_grant(actor, cast.plan_id, grant_id)


def test_revoking_takes_effect_at_once_even_for_a_signed_grant(cast):
    with db.transaction() as session:  # sign the demo consent (signing itself is tested elsewhere)
        consent = session.exec(select(Consent)).one()
        consent.signer_person_id, consent.signed_as, consent.signed_at = cast.owner_id, "owner", utcnow()
        session.add(consent)
        grant_id = session.exec(select(ConsentGrant.grant_id)).one()
    assert plan_reading.read_overview(cast.next_of_kin_id, cast.plan_id, "nb").goals
    grants.revoke_grant(cast.owner_id, cast.plan_id, grant_id)
    with pytest.raises(AccessDenied):
        plan_reading.read_overview(cast.next_of_kin_id, cast.plan_id, "nb")
    with pytest.raises(grants.GrantProblem, match="unknown_grant"):
        grants.revoke_grant(cast.owner_id, cast.plan_id, grant_id)  # already revoked


@pytest.mark.parametrize("forged", ["1", None, True, {"id": 1}, 10**9])
def test_forged_grant_ids_change_nothing(cast, forged):
    with pytest.raises((grants.GrantProblem, AccessDenied)):
        grants.revoke_grant(cast.owner_id, cast.plan_id, forged)
    with db.transaction() as session:
        assert all(g.revoked_at is None for g in session.exec(select(AccessGrant)))


def _sign_all_consents(cast) -> None:
    with db.transaction() as session:
        for consent in session.exec(select(Consent)):
            consent.signer_person_id, consent.signed_as, consent.signed_at = cast.owner_id, "owner", utcnow()
            session.add(consent)


def test_the_owner_is_reminded_of_grants_ending_within_14_days_and_can_renew(cast):
    _sign_all_consents(cast)  # the demo grant (3 months) is effective, so not yet ending
    assert grant_endings.ending_soon(cast.owner_id, cast.plan_id, "nb") == []
    with db.transaction() as session:
        grant = session.exec(select(AccessGrant)).one()
        grant.valid_until = utcnow() + timedelta(days=5)
        session.add(grant)
        grant_id = grant.id
    [soon] = grant_endings.ending_soon(cast.owner_id, cast.plan_id, "nb")
    assert (soon.grant_id, soon.person_name, soon.sections) == (grant_id, "Hanne Lindgren", "Mål og tiltak, Møter")
    assert soon.days_left in (4, 5)
    renewed = grant_endings.renew_grant(cast.owner_id, cast.plan_id, grant_id)
    with db.transaction() as session:
        new = session.get(AccessGrant, renewed)
        assert new.valid_until - utcnow() > timedelta(days=80)  # about three more months
        assert session.get(AccessGrant, grant_id).revoked_at is None  # the old one runs to its end
    # Only the owner or an acting guardian is reminded or may renew.
    for other in (cast.coordinator_id, cast.next_of_kin_id):
        with pytest.raises(AccessDenied):
            grant_endings.ending_soon(other, cast.plan_id, "nb")
        with pytest.raises(AccessDenied):
            grant_endings.renew_grant(other, cast.plan_id, grant_id)


def test_a_guardian_is_offered_every_section_but_the_owners_notes(cast):
    owner = [key for key, _ in grants.grantable_sections(cast.owner_id, cast.plan_id, "nb")]
    guardian = [key for key, _ in grants.grantable_sections(cast.guardian_id, cast.plan_id, "nb")]
    assert owner == ["about", "goals", "contacts", "meetings", "notes", "messages"]
    assert guardian == ["about", "goals", "contacts", "meetings", "messages"]
    with pytest.raises(AccessDenied):
        grants.grantable_sections(cast.coordinator_id, cast.plan_id, "nb")


@pytest.mark.parametrize("choice", [["3m"], {"x": 1}, None, 3, "", "99m"])
def test_a_forged_duration_yields_no_last_day_rather_than_an_error(choice):
    assert grants.last_day_for(choice, "2030-01-01", utcnow()) is None
