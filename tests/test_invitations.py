"""Invitations: who may invite, what bad input does, and that a code works once, for seven days."""

from datetime import timedelta

import pytest
from sqlmodel import select

from ipapp import db
from ipapp.auth import passkeys
from ipapp.demo.seed import DemoCast
from ipapp.models import Account, Invitation, Person, PlanMember
from ipapp.services import invitations
from ipapp.services.plan_access import AccessDenied
from tests.soft_authenticator import SoftAuthenticator

ORIGIN = "http://localhost:3000"
FORM = {"given_name": "Ida", "family_name": "Berg", "email": "ida@example.com", "phone": "",
        "role": "next_of_kin", "relation": "søster"}


@pytest.fixture
def cast(demo_cast) -> DemoCast:
    return demo_cast  # tests/conftest.py: a fresh database with the demo plan


def _count(model) -> int:
    with db.transaction() as session:
        return len(session.exec(select(model)).all())


def test_the_coordinator_and_a_unit_admin_may_invite_others_may_not(cast):
    assert invitations.create_invitation(cast.coordinator_id, cast.plan_id, FORM, "nb").link.startswith(
        f"{ORIGIN}/invitasjon/")
    invitations.create_invitation(cast.unit_admin_id, cast.plan_id, {**FORM, "given_name": "Per"}, "nb")
    for outsider in (cast.owner_id, cast.next_of_kin_id, cast.provider_id, None):
        with pytest.raises(AccessDenied):
            invitations.create_invitation(outsider, cast.plan_id, {**FORM, "given_name": "X"}, "nb")
    assert _count(Invitation) == 2


@pytest.mark.parametrize("change, field", [
    ({"given_name": "  "}, "given_name"),
    ({"family_name": None}, "family_name"),
    ({"email": "not-an-address"}, "email"),
    ({"email": "", "phone": ""}, "email"),
    ({"phone": "12"}, "phone"),
    ({"role": "owner"}, "role"),
    ({"given_name": "x" * 201}, "given_name"),
])
def test_bad_input_names_the_field_and_changes_nothing(cast, change, field):
    before = (_count(Person), _count(Account), _count(Invitation), _count(PlanMember))
    with pytest.raises(invitations.InvitationProblem) as problem:
        invitations.create_invitation(cast.coordinator_id, cast.plan_id, {**FORM, **change}, "nb")
    assert problem.value.field == field
    assert (_count(Person), _count(Account), _count(Invitation), _count(PlanMember)) == before


def test_a_code_registers_a_passkey_once_and_activates_the_account(cast):
    code = invitations.create_invitation(cast.coordinator_id, cast.plan_id, FORM, "nb").code
    assert invitations.open_invitation(code).given_name == "Ida"
    device = SoftAuthenticator(origin=ORIGIN)
    credential = device.register(invitations.registration_options(code))
    account_id, _ = invitations.redeem(code, credential, "Idas telefon")
    with db.transaction() as session:
        assert session.get(Account, account_id).status == "active"
    with pytest.raises(invitations.InvitationProblem, match="used"):
        invitations.open_invitation(code)
    # ...and the passkey signs in.
    assert passkeys.finish_authentication(device.authenticate(passkeys.authentication_options()))[0] == account_id


def test_expired_revoked_and_unknown_codes_are_refused(cast):
    code = invitations.create_invitation(cast.coordinator_id, cast.plan_id, FORM, "nb").code
    with db.transaction() as session:
        invitation = session.exec(select(Invitation)).one()
        invitation.expires_at = invitation.created_at - timedelta(seconds=1)
        session.add(invitation)
    with pytest.raises(invitations.InvitationProblem, match="expired"):
        invitations.open_invitation(code)
    for forged in ["nope-nope-nope", "", None, 5, {"code": code}]:
        with pytest.raises(invitations.InvitationProblem, match="unknown"):
            invitations.open_invitation(forged)


def test_a_new_code_for_someone_in_use_waits_for_approval_and_removes_no_key(cast):
    first = invitations.create_invitation(cast.coordinator_id, cast.plan_id, FORM, "nb").code
    device = SoftAuthenticator(origin=ORIGIN)
    account_id, _ = invitations.redeem(first, device.register(invitations.registration_options(first)), "")
    with db.transaction() as session:
        ida = session.exec(select(Person).where(Person.given_name == "Ida")).one().id
    again = invitations.reinvite(cast.coordinator_id, cast.plan_id, ida, "nb")
    assert again.outcome == "awaiting_approval"  # ipapp.services.recovery; tests/test_unit_setup.py
    assert len(passkeys.list_passkeys(account_id)) == 1  # nobody can lock her out by asking for a code
    with pytest.raises(invitations.InvitationProblem, match="awaiting_approval"):
        invitations.open_invitation(again.invitation.code)
    # Someone not on this plan cannot be re-invited through it.
    with pytest.raises(AccessDenied):
        invitations.reinvite(cast.coordinator_id, cast.plan_id, cast.unit_admin_id, "nb")


def test_a_unit_admin_may_choose_any_plan_a_coordinator_only_their_own_others_none(cast):
    from ipapp.services.invitations import plans_to_invite_to

    assert [p.plan_id for p in plans_to_invite_to(cast.unit_admin_id)] == [cast.plan_id]
    assert [p.owner_name for p in plans_to_invite_to(cast.coordinator_id)] == ["Sofie Lindgren Aas"]
    for other in (cast.owner_id, cast.guardian_id, cast.next_of_kin_id, cast.provider_id, None):
        assert plans_to_invite_to(other) == []
