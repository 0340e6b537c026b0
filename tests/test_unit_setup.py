"""The coordinating unit sets up people and plans (services only, no demo data): national identity
numbers stored as keyed hashes, one active plan per person, coordinator changes kept as history,
guardianships checked, and account recovery that no single staff member can use to become someone."""

from datetime import date, timedelta

import pytest
from living_plan import make_plan
from shared_steps import listening, valid_national_id
from sqlmodel import col, select

from ipapp import db, live, policy
from ipapp.auth import oidc
from ipapp.i18n.dates import oslo_today
from ipapp.models import (Account, AuditEvent, Guardianship, Invitation, PasskeyCredential, Person, Plan,
                          PlanCoordinator, PlanMember, utcnow)
from ipapp.services import invitations, people_registry, plan_setup, recovery, unit_plans, workspace
from ipapp.services.forms import FormProblem
from ipapp.services.plan_access import AccessDenied, actor_for, plan_facts
from ipapp.live.bus import MemoryBus
from tests.soft_authenticator import SoftAuthenticator

ORIGIN = "http://localhost:3000"


def fnr(day_month_year: str, individual: str = "123") -> str:
    return valid_national_id(day_month_year, int(individual))


@pytest.fixture
def living(service_engine):
    return make_plan()


def _person(admin_id: int, **fields) -> int:
    form = {"given_name": "Siri", "family_name": "Registrert", "email": "", "phone": "", **fields}
    return people_registry.register_person(admin_id, form).person_id


def _count(model) -> int:
    with db.transaction() as session:
        return len(session.exec(select(model)).all())


def _today() -> date:
    return oslo_today(utcnow())


# --- people and national identity numbers -------------------------------------------------------


def test_a_registered_number_is_stored_only_as_the_keyed_hash_and_finds_the_account(living, monkeypatch):
    number = fnr("120309", "500")  # 12 March 2009
    person_id = _person(living.admin_id, national_id=f" {number[:6]} {number[6:]} ")
    with db.transaction() as session:
        person, account = session.get(Person, person_id), session.exec(
            select(Account).where(Account.person_id == person_id)).one()
        assert person.birth_date == date(2009, 3, 12)  # taken from the number when not given
        assert account.national_id_hash == oidc.national_id_hash(number)
        assert account.status == "invited"
        rows = " ".join(str(e.model_dump()) for e in session.exec(select(AuditEvent)))
    assert number not in rows and number[:6] + " " not in rows
    # Her first national login finds her and makes the account active.
    from ipapp.config import reset_settings_cache

    for name, value in {"IPAPP_OIDC_ISSUER": "http://localhost:9", "IPAPP_OIDC_CLIENT_ID": "ipapp",
                        "IPAPP_OIDC_CLIENT_SECRET": "s" * 32}.items():
        monkeypatch.setenv(name, value)
    reset_settings_cache()
    assert oidc.account_for_identity({"pid": number}) == account.id


@pytest.mark.parametrize("fields, problem", [
    ({"national_id": "1203094501"}, ("national_id", "national_id_format")),
    ({"national_id": "abcdefghijk"}, ("national_id", "national_id_format")),
    ({"national_id": "12030945099"}, ("national_id", "national_id_check_digits")),
    ({"national_id": "FNR", "birth_date": "2009-03-13"}, ("birth_date", "birth_date_mismatch")),
    ({"given_name": " "}, ("given_name", "required")),
    ({"birth_date": "2999-01-01"}, ("birth_date", "in_the_future")),
    ({"email": "not-an-address"}, ("email", "not_an_email")),
])
def test_bad_registrations_say_what_and_write_nothing(living, fields, problem):
    if fields.get("national_id") == "FNR":
        fields = {**fields, "national_id": fnr("120309", "500")}
    before = (_count(Person), _count(Account), _count(Invitation))
    with pytest.raises(FormProblem) as raised:
        _person(living.admin_id, **fields)
    assert raised.value.problems[problem[0]] == problem[1]
    assert (_count(Person), _count(Account), _count(Invitation)) == before


def test_a_second_registration_with_the_same_number_is_refused(living):
    number = fnr("010190", "100")
    _person(living.admin_id, national_id=number)
    with pytest.raises(FormProblem) as raised:
        _person(living.admin_id, given_name="Annen", national_id=number)
    assert raised.value.problems == {"national_id": "national_id_taken"}


def test_a_d_number_is_accepted(living):
    d_number = fnr("410190", "100")  # day 01 + 40
    person_id = _person(living.admin_id, national_id=d_number)
    with db.transaction() as session:
        assert session.get(Person, person_id).birth_date == date(1990, 1, 1)


def test_only_a_unit_admin_registers_and_every_attempt_is_audited(living):
    for outsider in (living.coordinator_id, living.owner_id, None):
        with pytest.raises(AccessDenied):
            _person(outsider)
    with db.transaction() as session:
        refused = session.exec(select(AuditEvent).where(AuditEvent.target == "person:new",
                                                        AuditEvent.outcome == "denied")).all()
    assert len(refused) == 3


def test_correcting_the_owner_shows_in_her_plans_log_and_deactivating_ends_her_sessions(living):
    people_registry.correct_person(living.admin_id, living.next_of_kin_id,
                                   {"given_name": "Mona", "family_name": "Mor-Berg", "email": "mona@example.com"})
    with db.transaction() as session:
        assert session.get(Person, living.next_of_kin_id).family_name == "Mor-Berg"
        on_plan = session.exec(select(AuditEvent).where(AuditEvent.plan_id == living.plan_id,
                                                        AuditEvent.target == f"person:{living.next_of_kin_id}:correct"))
        assert len(on_plan.all()) == 1
    with pytest.raises(FormProblem) as raised:  # she coordinates an active plan
        people_registry.deactivate_person(living.admin_id, living.coordinator_id)
    assert raised.value.problems == {"person": "still_coordinator"}
    people_registry.deactivate_person(living.admin_id, living.next_of_kin_id)
    with db.transaction() as session:
        account = session.exec(select(Account).where(Account.person_id == living.next_of_kin_id)).one()
        assert account.status == "disabled"
        assert session.get(Person, living.next_of_kin_id) is not None  # never deleted
        assert all(i.revoked_at for i in session.exec(select(Invitation).where(
            Invitation.account_id == account.id, col(Invitation.used_at).is_(None))))


# --- plans -------------------------------------------------------------------------------------


def _dates(**extra) -> dict:
    return {"period_start": _today().isoformat(), "next_review_on": (_today() + timedelta(days=90)).isoformat(),
            **extra}


def test_one_active_plan_per_person_and_the_coordinator_must_be_able_to_sign_in(living):
    person_id = _person(living.admin_id)
    plan_id = unit_plans.create_plan_for(living.admin_id, person_id, living.coordinator_id, _dates())
    assert plan_id in {p.plan_id for p in workspace.my_plans(living.coordinator_id, None, "nb")}
    with pytest.raises(FormProblem) as raised:
        unit_plans.create_plan_for(living.admin_id, person_id, living.coordinator_id, _dates())
    assert raised.value.problems == {"owner": "one_plan_only"}
    other = _person(living.admin_id, given_name="Tor")
    with pytest.raises(FormProblem) as raised:
        unit_plans.create_plan_for(living.admin_id, other, other, _dates())
    assert raised.value.problems == {"coordinator": "coordinator_is_owner"}
    people_registry.deactivate_person(living.admin_id, living.next_of_kin_id)
    with pytest.raises(FormProblem) as raised:
        unit_plans.create_plan_for(living.admin_id, other, living.next_of_kin_id, _dates())
    assert raised.value.problems == {"coordinator": "coordinator_inactive"}
    with pytest.raises(FormProblem) as raised:
        unit_plans.create_plan_for(living.admin_id, other, living.coordinator_id,
                                   _dates(next_review_on=(_today() - timedelta(days=1)).isoformat()))
    assert raised.value.problems["next_review_on"] == "in_the_past"
    assert _count(Plan) == 2


def test_a_new_coordinator_gets_the_plan_and_the_old_one_loses_it_at_once_history_kept(living):
    newcomer = _person(living.admin_id, given_name="Kari", family_name="Nykoordinator")
    unit_plans.change_coordinator(living.admin_id, living.plan_id, newcomer)
    with db.transaction() as session:
        plan = session.get(Plan, living.plan_id)
        facts = plan_facts(session, plan)
        now = utcnow()
        assert policy.decide(actor_for(session, newcomer), facts, policy.Action.READ, policy.Section.GOALS, now).allowed
        assert not policy.decide(actor_for(session, living.coordinator_id), facts, policy.Action.READ,
                                 policy.Section.GOALS, now).allowed
        rows = session.exec(select(PlanCoordinator).where(PlanCoordinator.plan_id == living.plan_id)
                            .order_by(col(PlanCoordinator.id))).all()
    assert [r.coordinator_person_id for r in rows] == [living.coordinator_id, newcomer]
    assert rows[0].assigned_until is not None and rows[1].assigned_until is None
    listed = next(p for p in unit_plans.plans_list(living.admin_id) if p.id == living.plan_id)
    assert listed.coordinator == "Kari Nykoordinator"
    assert listed.former_coordinators == ["Ingrid Koordinator"]
    with pytest.raises(FormProblem):  # the same one again changes nothing
        unit_plans.change_coordinator(living.admin_id, living.plan_id, newcomer)


@pytest.mark.parametrize("who, form, problem", [
    ("owner", {"basis": "court_appointed", "valid_from": "2026-01-01"}, ("guardian", "guardian_is_owner")),
    ("other", {"basis": "court_appointed", "valid_from": "2026-05-01", "valid_until": "2026-04-01"},
     ("valid_until", "end_before_start")),
    ("other", {"basis": "uncle", "valid_from": "2026-05-01"}, ("basis", "choose_one")),
    ("other", {"basis": "court_appointed"}, ("valid_from", "required")),
])
def test_bad_guardianships_are_refused_with_nothing_written(living, who, form, problem):
    guardian = living.owner_id if who == "owner" else _person(living.admin_id, given_name="Vera")
    before = _count(Guardianship)
    with pytest.raises(FormProblem) as raised:
        unit_plans.add_guardianship(living.admin_id, living.plan_id, guardian, form)
    assert raised.value.problems[problem[0]] == problem[1]
    assert _count(Guardianship) == before


def test_a_guardian_and_a_member_are_registered_and_the_plan_closes_with_its_reason(living):
    vera = _person(living.admin_id, given_name="Vera")
    unit_plans.add_guardianship(living.admin_id, living.plan_id, vera,
                                {"basis": "court_appointed", "valid_from": _today().isoformat(),
                                 "scope": "Økonomi og helse"})
    fysio = _person(living.admin_id, given_name="Frode", family_name="Fysio")
    unit_plans.add_member(living.admin_id, living.plan_id, fysio, {"role": "participant", "relation": "fysioterapeut"})
    with pytest.raises(FormProblem):
        unit_plans.add_member(living.admin_id, living.plan_id, fysio, {"role": "participant"})
    listed = next(p for p in unit_plans.plans_list(living.admin_id) if p.id == living.plan_id)
    assert "Vera Registrert" in [g.name for g in listed.guardians]
    assert any(m.name == "Frode Fysio" and "fysioterapeut" in m.detail for m in listed.members)
    with pytest.raises(FormProblem) as raised:
        unit_plans.close_plan(living.admin_id, living.plan_id, {"reason": " "})
    assert raised.value.problems == {"reason": "required"}
    unit_plans.close_plan(living.admin_id, living.plan_id, {"reason": "Flyttet til en annen kommune"})
    with db.transaction() as session:
        plan = session.get(Plan, living.plan_id)
        assert (plan.status, plan.closed_reason) == ("closed", "Flyttet til en annen kommune")
        targets = {e.target for e in session.exec(select(AuditEvent).where(AuditEvent.plan_id == living.plan_id))}
    assert {f"guardian:{vera}", f"member:{fysio}", f"plan:{living.plan_id}:close"} <= targets
    assert _count(PlanMember) == 2  # the next of kin and the physiotherapist


# --- account recovery ----------------------------------------------------------------------------


def _register_owner_key(living) -> SoftAuthenticator:
    code = living.invitations["owner"].code
    device = SoftAuthenticator(origin=ORIGIN)
    invitations.redeem(code, device.register(invitations.registration_options(code)), "Majas telefon")
    return device


def test_a_coordinators_recovery_code_for_the_owner_does_nothing_until_another_admin_approves(living):
    _register_owner_key(living)
    result = recovery.request_code(living.coordinator_id, living.plan_id, living.owner_id, "nb")
    assert result.outcome == "awaiting_approval"
    code = result.invitation.code
    with pytest.raises(invitations.InvitationProblem, match="awaiting_approval"):
        invitations.open_invitation(code)
    with pytest.raises(invitations.InvitationProblem, match="awaiting_approval"):
        invitations.registration_options(code)
    # Her log names who made it, for whom.
    with db.transaction() as session:
        made = session.exec(select(AuditEvent).where(AuditEvent.plan_id == living.plan_id,
                                                     AuditEvent.action == "recovery")).all()
    assert [(e.actor_person_id, e.reason, e.target) for e in made] == [
        (living.coordinator_id, "issued", f"person:{living.owner_id}")]
    # The one unit admin cannot approve a code she made herself either.
    own = recovery.request_code(living.admin_id, living.plan_id, living.owner_id, "nb")
    pending = recovery.pending(living.admin_id)
    assert [p.own for p in pending] == [True]  # the coordinator's earlier code was replaced
    with pytest.raises(AccessDenied):
        recovery.decide(living.admin_id, pending[0].id, True)
    assert own.outcome == "awaiting_approval"


def test_an_approved_recovery_key_is_marked_and_cannot_sign_a_consent_for_24_hours(living):
    _register_owner_key(living)
    second = people_registry.register_person(
        living.admin_id, {"given_name": "Ola", "family_name": "Enhet2", "email": "ola@kommune.example"})
    with db.transaction() as session:
        account = session.exec(select(Account).where(Account.person_id == second.person_id)).one()
        account.is_unit_admin = True
        session.add(account)
    code = recovery.request_code(living.coordinator_id, living.plan_id, living.owner_id, "nb").invitation.code
    waiting = recovery.pending(second.person_id)
    assert [(p.own, p.made_by) for p in waiting] == [(False, "Ingrid Koordinator")]
    recovery.decide(second.person_id, waiting[0].id, True)
    view = invitations.open_invitation(code)
    assert view.adds_key  # the page says plainly that this adds a key to an account in use
    device = SoftAuthenticator(origin=ORIGIN)
    redeemed = []
    live.use_bus(MemoryBus())
    try:
        heard = listening({live.person_topic(living.owner_id)}, lambda: redeemed.append(
            invitations.redeem(code, device.register(invitations.registration_options(code)), "")))
    finally:
        live.use_bus(None)
    assert {"kind": "security", "topic": f"person:{living.owner_id}"} in heard  # her open pages are told
    _, passkey_id = redeemed[0]
    with db.transaction() as session:
        key = session.get(PasskeyCredential, passkey_id)
        assert (key.added_via, key.added_by_person_id) == ("recovery", living.coordinator_id)
        assert key.may_sign_from > utcnow() + timedelta(hours=23)
        reasons = [e.reason for e in session.exec(select(AuditEvent).where(
            AuditEvent.plan_id == living.plan_id, col(AuditEvent.action).in_(["recovery", "passkey"]))
            .order_by(col(AuditEvent.id)))]
    assert reasons == ["invitation", "issued", "approved", "used"]


def test_an_owner_with_a_linked_number_gets_no_code_she_uses_the_national_login(living):
    people_registry.link_identity(living.admin_id, living.owner_id, {"national_id": fnr("020401", "500")})
    result = recovery.request_code(living.coordinator_id, living.plan_id, living.owner_id, "nb")
    assert (result.outcome, result.invitation) == ("use_national_login", None)


def test_someone_who_never_signed_in_just_gets_a_new_invitation(living):
    result = recovery.request_code(living.coordinator_id, living.plan_id, living.next_of_kin_id, "nb")
    assert result.outcome == "ready"
    assert invitations.open_invitation(result.invitation.code).given_name == "Mona"
    with pytest.raises(AccessDenied):  # nobody outside the plan
        recovery.request_code(living.coordinator_id, living.plan_id, living.admin_id, "nb")


def test_the_bootstrap_admin_is_refused_once_one_exists_unless_forced(living):
    with pytest.raises(AccessDenied):
        plan_setup.first_unit_admin({"given_name": "Andre", "family_name": "Admin", "email": "a@kommune.example"})
    forced = plan_setup.first_unit_admin({"given_name": "Andre", "family_name": "Admin",
                                          "email": "a@kommune.example"}, force=True)
    with db.transaction() as session:
        assert session.exec(select(Account).where(Account.person_id == forced.person_id)).one().is_unit_admin
