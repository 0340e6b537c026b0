"""The sharing page's services: who can be given access, sharing with a contact or someone new
(invited in the same transaction as the grant), changing a grant, and letting one lapse.

Real SQLite with the demo plan, real passkeys (tests/soft_authenticator.py) for redeeming an
invitation and signing the consent: nothing is mocked. Every refusal shows what it leaves behind.
"""

from datetime import timedelta

import pytest
from soft_authenticator import SoftAuthenticator
from sqlmodel import SQLModel, select

from ipapp import db
from ipapp.auth import passkeys
from ipapp.demo.seed import DemoCast, add_months, load_demo
from ipapp.i18n.dates import oslo_today
from ipapp.models import (
    AccessGrant,
    Account,
    AuditEvent,
    Contact,
    Invitation,
    Person,
    PlanMember,
    utcnow,
)
from ipapp.services import consents, grant_endings, grants, invitations, plan_reading
from ipapp.services.plan_access import AccessDenied, grant_sections

ORIGIN = "http://localhost:3000"  # tests/conftest.py demo_cast sets this origin
NEW = {"given_name": "Ida", "family_name": "Berg", "email": "ida.berg@example.com", "phone": "",
       "relation": "venninne"}


@pytest.fixture
def cast(demo_cast) -> DemoCast:
    return demo_cast  # tests/conftest.py: a fresh database with the demo plan


@pytest.fixture
def owner_phone(cast) -> SoftAuthenticator:
    phone = SoftAuthenticator(origin=ORIGIN)
    account_id = _account_id(cast.owner_id)
    passkeys.finish_registration(account_id, phone.register(passkeys.registration_options(account_id)), "Telefon")
    return phone


# --- helpers -----------------------------------------------------------------------------------


def _in_days(days: int) -> str:
    return (oslo_today(utcnow()) + timedelta(days=days)).isoformat()


def _account_id(person_id: int) -> int:
    with db.transaction() as session:
        return session.exec(select(Account.id).where(Account.person_id == person_id)).one()


def _contact(name: str, plan_id: int) -> Contact:
    with db.transaction() as session:
        return session.exec(select(Contact).where(Contact.name == name, Contact.plan_id == plan_id)).one()


def _demo_grant_id(cast: DemoCast) -> int:
    """The demo's own grant: Hanne may see goals and meetings for three months, once signed."""
    with db.transaction() as session:
        return session.exec(select(AccessGrant.id).where(AccessGrant.plan_id == cast.plan_id)
                            .order_by(AccessGrant.id)).first()


def _grant(grant_id: int) -> AccessGrant:
    with db.transaction() as session:
        return session.get(AccessGrant, grant_id)


def _sections(grant_id: int) -> list[str]:
    with db.transaction() as session:
        return sorted(grant_sections(session, grant_id))


def _edit_grant(grant_id: int, **values) -> None:
    with db.transaction() as session:
        grant = session.get(AccessGrant, grant_id)
        for key, value in values.items():
            setattr(grant, key, value)
        session.add(grant)


def _count(model) -> int:
    with db.transaction() as session:
        return len(session.exec(select(model)).all())


def _everything() -> dict[str, list[tuple]]:
    """Every row of every table but the audit log, which records denials by design."""
    with db.transaction() as session:
        return {
            table.name: sorted(map(tuple, session.execute(table.select()).all()), key=repr)
            for table in SQLModel.metadata.sorted_tables
            if not table.name.startswith("audit")
        }


def _sign_current_consent(cast: DemoCast, phone: SoftAuthenticator) -> None:
    view = consents.draft_consent(cast.owner_id, cast.plan_id)
    options = consents.signing_options(cast.owner_id, cast.plan_id, view.id, view.document_sha256)
    consents.sign(cast.owner_id, cast.plan_id, view.id, phone.authenticate(options))


def _sees(person_id: int, cast: DemoCast) -> set[str]:
    """Which of goals, meetings, contacts and messages this person can read right now."""
    seen = set()
    for section, read in (("meetings", plan_reading.read_meetings), ("contacts", plan_reading.read_contacts),
                          ("messages", plan_reading.read_threads)):
        try:
            read(person_id, cast.plan_id, "nb")
            seen.add(section)
        except AccessDenied:
            pass
    try:
        if plan_reading.read_overview(person_id, cast.plan_id, "nb").goals:
            seen.add("goals")
    except AccessDenied:
        pass
    return seen


def _problem(code: str, call, *args, **kwargs) -> None:
    with pytest.raises(grants.GrantProblem) as caught:
        call(*args, **kwargs)
    assert caught.value.code == code


# --- who can be given access --------------------------------------------------------------------


def test_grantees_are_members_the_coordinator_and_contacts_who_can_be_reached(cast):
    with db.transaction() as session:  # a contact with neither e-mail nor phone cannot be invited
        session.add(Contact(plan_id=cast.plan_id, role="provider", name="Uten Adresse", title="tannlege"))
        other = load_demo(session)  # another plan's contacts are never offered
    found = [(g.key, g.name, g.relation, g.needs_invitation)
             for g in grants.grantees(cast.owner_id, cast.plan_id, "nb")]
    contacts = {name: _contact(name, cast.plan_id).id for name in
                ("Anders Myhre", "Silje Haugen", "Ole Strand", "Lene Dahl", "Amir Haddad", "Thomas Lie")}
    assert found == [
        (f"person:{cast.next_of_kin_id}", "Hanne Lindgren", "mor", False),
        (f"person:{cast.provider_id}", "Jonas Berg", "fysioterapeut", False),
        (f"person:{cast.coordinator_id}", "Mari Nilsen", "koordinator", False),
        (f"contact:{contacts['Anders Myhre']}", "Anders Myhre", "fastlege", True),
        (f"contact:{contacts['Silje Haugen']}", "Silje Haugen", "ergoterapeut", True),
        (f"contact:{contacts['Ole Strand']}", "Ole Strand", "rådgiver", True),
        (f"contact:{contacts['Lene Dahl']}", "Lene Dahl", "PP-rådgiver", True),
        (f"contact:{contacts['Amir Haddad']}", "Amir Haddad", "NAV-veileder", True),
        (f"contact:{contacts['Thomas Lie']}", "Thomas Lie", "støttekontakt", True),
    ]
    # The guardian may list them too; the other plan's owner sees only her own plan's people.
    assert grants.grantees(cast.guardian_id, cast.plan_id, "nb") == grants.grantees(cast.owner_id, cast.plan_id, "nb")
    assert not {g.key for g in grants.grantees(other.owner_id, other.plan_id, "nb")} & {k for k, *_ in found}


# --- sharing -------------------------------------------------------------------------------------


def test_sharing_with_someone_on_the_plan_invites_nobody(cast):
    before = (_count(Person), _count(Account), _count(Invitation), _count(PlanMember))
    shared = grants.share(cast.owner_id, cast.plan_id, f"person:{cast.provider_id}", ["meetings"], _in_days(30),
                          "Møtene", locale="nb")
    assert shared.invitation is None
    grant = _grant(shared.grant_id)
    assert (grant.grantee_person_id, grant.purpose, grant.revoked_at) == (cast.provider_id, "Møtene", None)
    assert _sections(shared.grant_id) == ["meetings"]
    assert (_count(Person), _count(Account), _count(Invitation), _count(PlanMember)) == before


def test_sharing_with_a_contact_invites_them_and_links_the_contact(cast):
    contact = _contact("Anders Myhre", cast.plan_id)
    shared = grants.share(cast.owner_id, cast.plan_id, f"contact:{contact.id}", ["goals"], _in_days(30))
    assert shared.invitation.person_name == "Anders Myhre"
    assert shared.invitation.link == f"{ORIGIN}/invitasjon/{shared.invitation.code}"
    with db.transaction() as session:
        person = session.get(Person, _grant(shared.grant_id).grantee_person_id)
        assert (person.given_name, person.family_name, person.email, person.phone) == (
            "Anders", "Myhre", "fjordvik.legesenter@example.com", "+47 400 00 011")
        assert session.exec(select(Account.status).where(Account.person_id == person.id)).one() == "invited"
        member = session.exec(select(PlanMember).where(PlanMember.person_id == person.id)).one()
        assert (member.plan_id, member.role, member.relation) == (cast.plan_id, "participant", "fastlege")
        invitation = session.exec(select(Invitation)).one()
        assert (invitation.created_by_person_id, invitation.plan_id) == (cast.owner_id, cast.plan_id)
        assert session.get(Contact, contact.id).person_id == person.id
        # The new account is on the audit record, as the owner's doing.
        invited = session.exec(select(AuditEvent).where(AuditEvent.action == "invite")).one()
        assert (invited.actor_person_id, invited.plan_id, invited.target, invited.outcome) == (
            cast.owner_id, cast.plan_id, f"person:{person.id}", "allowed")
    # Now a person with an account: listed as such, and the contact key no longer works.
    listed = {g.key: g for g in grants.grantees(cast.owner_id, cast.plan_id, "nb")}
    assert f"contact:{contact.id}" not in listed
    assert (listed[f"person:{person.id}"].name, listed[f"person:{person.id}"].needs_invitation) == (
        "Anders Myhre", False)
    _problem("unknown_person", grants.share, cast.owner_id, cast.plan_id, f"contact:{contact.id}", ["meetings"],
             _in_days(30))
    assert _count(Invitation) == 1


def test_sharing_with_someone_new_invites_them_as_a_delegate(cast):
    shared = grants.share(cast.guardian_id, cast.plan_id, "new", ["meetings"], _in_days(30), new_person=NEW)
    assert shared.invitation.person_name == "Ida Berg"
    with db.transaction() as session:
        grant = session.get(AccessGrant, shared.grant_id)
        assert grant.granted_by_person_id == cast.guardian_id
        person = session.get(Person, grant.grantee_person_id)
        assert (person.full_name, person.email, person.phone) == ("Ida Berg", "ida.berg@example.com", None)
        member = session.exec(select(PlanMember).where(PlanMember.person_id == person.id)).one()
        assert (member.role, member.relation) == ("delegate", "venninne")
    assert invitations.open_invitation(shared.invitation.code).given_name == "Ida"


def test_an_invited_person_reads_exactly_the_granted_sections_once_the_consent_is_signed(cast, owner_phone):
    shared = grants.share(cast.owner_id, cast.plan_id, "new", ["meetings", "contacts"], _in_days(30),
                          new_person=NEW)
    code = shared.invitation.code
    assert invitations.open_invitation(code).person_name == "Ida Berg"
    device = SoftAuthenticator(origin=ORIGIN)
    account_id, _ = invitations.redeem(code, device.register(invitations.registration_options(code)), "Idas telefon")
    ida = _grant(shared.grant_id).grantee_person_id
    assert passkeys.finish_authentication(device.authenticate(passkeys.authentication_options()))[0] == account_id
    # Signed in, but nothing until Sofie has signed a consent covering the grant.
    assert _sees(ida, cast) == set()
    with pytest.raises(AccessDenied):
        plan_reading.read_overview(ida, cast.plan_id, "nb")

    _sign_current_consent(cast, owner_phone)
    assert "Ida Berg (venninne) kan se «Kontakter» og «Møter»" in consents.current_consent_checked(
        cast.owner_id, cast.plan_id)[0].document
    assert _sees(ida, cast) == {"meetings", "contacts"}
    upcoming, past = plan_reading.read_meetings(ida, cast.plan_id, "nb")
    assert upcoming and past
    assert plan_reading.read_overview(ida, cast.plan_id, "nb").goals == []  # goals were not granted
    with pytest.raises(AccessDenied):
        plan_reading.read_threads(ida, cast.plan_id, "nb")


def _other_plans_contact(cast: DemoCast) -> str:
    with db.transaction() as session:
        other = load_demo(session)
    return f"contact:{_contact('Anders Myhre', other.plan_id).id}"


@pytest.mark.parametrize("who", [
    "person:UNIT_ADMIN",  # not on the plan
    "person:OWNER",  # the owner needs no grant
    "contact:LINKED",  # Mari's contact entry: she already has an account
    "person:999999", "contact:999999", "person:", "person:abc", "person:-1", "person:1.0",
    "person:²",  # str.isdigit() is True for superscripts, int() is not
    "stranger", "", None, 3, ["new"], {"new": NEW},
])
def test_unknown_or_foreign_grantees_are_refused_and_change_nothing(cast, who):
    named = {
        "person:UNIT_ADMIN": lambda: f"person:{cast.unit_admin_id}",
        "person:OWNER": lambda: f"person:{cast.owner_id}",
        "contact:LINKED": lambda: f"contact:{_contact('Mari Nilsen', cast.plan_id).id}",
    }
    if isinstance(who, str) and who in named:
        who = named[who]()
    before = _everything()
    _problem("unknown_person", grants.share, cast.owner_id, cast.plan_id, who, ["goals"], _in_days(30),
             new_person=NEW)
    assert _everything() == before


@pytest.mark.parametrize("who, sections, last_day, purpose, new_person, code", [
    ("new", ["goals"], 30, "", {**NEW, "email": "not-an-address"}, "new_person.email"),
    ("new", ["goals"], 30, "", {**NEW, "email": "", "phone": ""}, "new_person.email"),
    ("new", ["goals"], 30, "", {**NEW, "given_name": "  "}, "new_person.given_name"),
    ("new", ["goals"], 30, "", {**NEW, "phone": "12"}, "new_person.phone"),
    ("new", ["goals"], 30, "", {**NEW, "relation": "x" * 101}, "new_person.relation"),
    ("new", ["goals"], 30, "", None, "new_person.form"),
    ("new", [], 30, "", NEW, "no_sections"),
    ("new", ["goals"], -1, "", NEW, "end_in_past"),
    ("new", ["goals"], 30, "x" * 501, NEW, "bad_purpose"),
    ("contact", ["diary"], 30, "", None, "unknown_section"),
    ("contact", ["goals"], 3000, "", None, "too_long"),
    ("contact", ["goals"], None, "", None, "no_end_date"),
])
def test_a_refused_share_leaves_no_person_account_or_invitation(cast, who, sections, last_day, purpose,
                                                                 new_person, code):
    if who == "contact":
        who = f"contact:{_contact('Silje Haugen', cast.plan_id).id}"
    before = _everything()
    _problem(code, grants.share, cast.owner_id, cast.plan_id, who, sections,
             _in_days(last_day) if isinstance(last_day, int) else last_day, purpose, new_person)
    assert _everything() == before


def _denials(person_id: int) -> list[tuple[str, str]]:
    with db.transaction() as session:
        return [(e.target, e.reason) for e in session.exec(
            select(AuditEvent).where(AuditEvent.actor_person_id == person_id, AuditEvent.outcome == "denied")
            .order_by(AuditEvent.id))]


def test_another_plans_contact_is_denied_on_the_record_and_nothing_else_changes(cast):
    who = _other_plans_contact(cast)
    before = _everything()
    with pytest.raises(AccessDenied):
        grants.share(cast.owner_id, cast.plan_id, who, ["goals"], _in_days(30))
    assert _everything() == before
    assert _denials(cast.owner_id) == [(who, "other_plan")]


def test_a_contact_without_a_full_name_or_a_usable_address_is_not_offered(cast):
    with db.transaction() as session:
        lene = Contact(plan_id=cast.plan_id, role="other", name="Lene", email="lene@example.com")
        ola = Contact(plan_id=cast.plan_id, role="other", name="Ola Nordmann", email="ikke-en-adresse", phone="12")
        session.add_all([lene, ola])
        session.flush()
        keys = [f"contact:{lene.id}", f"contact:{ola.id}"]
    assert not set(keys) & {g.key for g in grants.grantees(cast.owner_id, cast.plan_id, "nb")}
    before = _everything()
    for key in keys:  # nor taken when sent anyway
        _problem("unknown_person", grants.share, cast.owner_id, cast.plan_id, key, ["goals"], _in_days(30))
    assert _everything() == before


def test_a_guardian_sharing_the_owners_notes_with_a_contact_is_denied_and_invites_nobody(cast):
    # AccessDenied keeps its transaction's writes (the audit), so it must come before the invitation.
    contact = _contact("Silje Haugen", cast.plan_id)
    before = _everything()
    with pytest.raises(AccessDenied):
        grants.share(cast.guardian_id, cast.plan_id, f"contact:{contact.id}", ["notes"], _in_days(30))
    with pytest.raises(AccessDenied):
        grants.share(cast.guardian_id, cast.plan_id, "new", ["goals", "notes"], _in_days(30), new_person=NEW)
    assert _everything() == before
    assert _denials(cast.guardian_id) == [("grant", "notes_private"), ("grant", "notes_private")]


def test_at_most_ten_unused_invitations_per_person(cast):
    codes = [grants.share(cast.owner_id, cast.plan_id, "new", ["goals"], _in_days(30),
                          new_person={**NEW, "given_name": f"Ida{i}"}).invitation.code
             for i in range(grants.PENDING_INVITATIONS_LIMIT)]
    before = _everything()
    _problem("too_many_invitations", grants.share, cast.owner_id, cast.plan_id, "new", ["goals"], _in_days(30),
             new_person={**NEW, "given_name": "Elleve"})
    contact = _contact("Ole Strand", cast.plan_id)
    _problem("too_many_invitations", grants.share, cast.owner_id, cast.plan_id, f"contact:{contact.id}",
             ["goals"], _in_days(30))
    assert _everything() == before  # no eleventh person, and the contact stays unlinked
    # Sharing with someone who already has an account needs no invitation, so it still works.
    grants.share(cast.owner_id, cast.plan_id, f"person:{cast.provider_id}", ["goals"], _in_days(30))
    # The limit is per person: the guardian has sent none.
    assert grants.share(cast.guardian_id, cast.plan_id, "new", ["goals"], _in_days(30),
                        new_person={**NEW, "given_name": "Vergens"}).invitation is not None
    # Once one invitation is used, the owner may send another.
    device = SoftAuthenticator(origin=ORIGIN)
    invitations.redeem(codes[0], device.register(invitations.registration_options(codes[0])), "")
    assert grants.share(cast.owner_id, cast.plan_id, f"contact:{contact.id}", ["goals"],
                        _in_days(30)).invitation is not None


def test_redeeming_her_own_codes_does_not_let_an_owner_make_accounts_without_end(cast):
    made = 0
    while made < grants.INVITATIONS_PER_WINDOW:
        code = grants.share(cast.owner_id, cast.plan_id, "new", ["goals"], _in_days(30),
                            new_person={**NEW, "given_name": f"Ny{made}"}).invitation.code
        device = SoftAuthenticator(origin=ORIGIN)
        invitations.redeem(code, device.register(invitations.registration_options(code)), "")
        made += 1
    _problem("too_many_invitations", grants.share, cast.owner_id, cast.plan_id, "new", ["goals"], _in_days(30),
             new_person={**NEW, "given_name": "Enda en"})


# --- changing a grant ----------------------------------------------------------------------------


def test_a_change_revokes_the_old_grant_and_the_new_one_awaits_consent(cast):
    old_id = _demo_grant_id(cast)
    new_id = grants.change_grant(cast.owner_id, cast.plan_id, old_id, ["goals"], _in_days(20))
    old, new = _grant(old_id), _grant(new_id)
    assert old.revoked_at is not None and old.revoked_by_person_id == cast.owner_id
    assert (new.grantee_person_id, new.purpose, new.revoked_at) == (cast.next_of_kin_id, old.purpose, None)
    assert _sections(new_id) == ["goals"] and new.valid_until < old.valid_until
    # The next consent covers the new grant only.
    view = consents.draft_consent(cast.owner_id, cast.plan_id)
    assert "Hanne Lindgren (mor) kan se «Mål og tiltak» fra " in view.document
    assert "Møter" not in view.document


def test_a_change_of_sections_only_keeps_the_last_day(cast):
    old_id = _demo_grant_id(cast)
    ends = _grant(old_id).valid_until
    new_id = grants.change_grant(cast.owner_id, cast.plan_id, old_id, ["contacts"], grants.SAME_LAST_DAY)
    assert _grant(new_id).valid_until == ends and _sections(new_id) == ["contacts"]
    # Keeping both the sections and the last day is no change at all.
    _problem("unchanged", grants.change_grant, cast.owner_id, cast.plan_id, new_id, ["contacts"],
             grants.SAME_LAST_DAY)


def test_a_narrower_change_applies_at_once_a_wider_one_only_once_signed(cast, owner_phone):
    grant_id = _demo_grant_id(cast)
    _sign_current_consent(cast, owner_phone)
    assert _sees(cast.next_of_kin_id, cast) == {"goals", "meetings"}

    narrower = grants.change_grant(cast.owner_id, cast.plan_id, grant_id, ["goals"], _in_days(60))
    # Meetings are gone at once. "The old access stops at once, the new one applies once you
    # have signed" (sharing.change_explained): until then she sees nothing.
    assert _sees(cast.next_of_kin_id, cast) == set()
    _sign_current_consent(cast, owner_phone)
    assert _sees(cast.next_of_kin_id, cast) == {"goals"}

    grants.change_grant(cast.owner_id, cast.plan_id, narrower, ["contacts", "goals", "meetings"], _in_days(60))
    with pytest.raises(AccessDenied):
        plan_reading.read_contacts(cast.next_of_kin_id, cast.plan_id, "nb")  # not before a signature
    _sign_current_consent(cast, owner_phone)
    assert _sees(cast.next_of_kin_id, cast) == {"goals", "meetings", "contacts"}


def test_an_unchanged_grant_is_refused_and_stays_as_it_was(cast):
    grant_id = _demo_grant_id(cast)
    last_day = add_months(oslo_today(utcnow()), 3).isoformat()  # the demo grant's last day
    before = _everything()
    _problem("unchanged", grants.change_grant, cast.owner_id, cast.plan_id, grant_id, ["meetings", "goals"],
             last_day)
    assert _everything() == before
    # Either part changed is a change.
    changed = grants.change_grant(cast.owner_id, cast.plan_id, grant_id, ["goals", "meetings"], _in_days(10))
    _problem("unchanged", grants.change_grant, cast.owner_id, cast.plan_id, changed, ["goals", "meetings"],
             _in_days(10))


def test_only_a_current_grant_of_this_plan_can_be_changed(cast):
    with db.transaction() as session:
        other = load_demo(session)
    theirs = _demo_grant_id(other)
    expired = grants.create_grant(cast.owner_id, cast.plan_id, cast.provider_id, ["goals"], _in_days(5))
    _edit_grant(expired, valid_from=utcnow() - timedelta(days=2), valid_until=utcnow() - timedelta(seconds=1))
    revoked = grants.create_grant(cast.owner_id, cast.plan_id, cast.provider_id, ["meetings"], _in_days(5))
    grants.revoke_grant(cast.owner_id, cast.plan_id, revoked)
    before = _everything()
    with pytest.raises(AccessDenied):  # another plan's grant: a denial, on the record
        grants.change_grant(cast.owner_id, cast.plan_id, theirs, ["about"], _in_days(30))
    assert _denials(cast.owner_id) == [(f"grant:{theirs}", "other_plan")]
    for grant_id in (expired, revoked, 10**9, "1", None, True, 1.0):
        _problem("unknown_grant", grants.change_grant, cast.owner_id, cast.plan_id, grant_id, ["about"],
                 _in_days(30))
    # Bad input for a current grant is refused without revoking it.
    _problem("no_sections", grants.change_grant, cast.owner_id, cast.plan_id, _demo_grant_id(cast), [],
             _in_days(30))
    _problem("end_in_past", grants.change_grant, cast.owner_id, cast.plan_id, _demo_grant_id(cast), ["goals"],
             _in_days(-1))
    assert _everything() == before


def test_a_guardian_cannot_change_a_grant_into_the_owners_notes_and_the_old_grant_stays(cast):
    grant_id = _demo_grant_id(cast)
    before = _everything()
    with pytest.raises(AccessDenied):
        grants.change_grant(cast.guardian_id, cast.plan_id, grant_id, ["goals", "notes"], _in_days(30))
    assert _everything() == before and _grant(grant_id).revoked_at is None
    assert grants.change_grant(cast.guardian_id, cast.plan_id, grant_id, ["goals"], _in_days(30))


def test_a_guardian_cannot_change_a_grant_that_shares_the_owners_notes(cast):
    """The change form offers a guardian no notes box: changing would silently drop them."""
    grant_id = grants.create_grant(cast.owner_id, cast.plan_id, cast.coordinator_id, ["goals", "notes"],
                                   _in_days(30))
    before = _everything()
    with pytest.raises(AccessDenied):
        grants.change_grant(cast.guardian_id, cast.plan_id, grant_id, ["goals"], grants.SAME_LAST_DAY)
    assert _everything() == before
    assert _denials(cast.guardian_id) == [(f"change:{grant_id}", "notes_private")]


# --- letting a grant lapse -----------------------------------------------------------------------


def test_letting_a_grant_lapse_ends_the_reminders_but_not_the_access(cast, owner_phone):
    grant_id = _demo_grant_id(cast)
    _sign_current_consent(cast, owner_phone)
    _edit_grant(grant_id, valid_until=utcnow() + timedelta(days=5))
    assert [s.grant_id for s in grant_endings.ending_soon(cast.owner_id, cast.plan_id, "nb")] == [grant_id]

    grant_endings.let_lapse(cast.owner_id, cast.plan_id, grant_id)
    assert _grant(grant_id).lapse_chosen_at is not None and _grant(grant_id).revoked_at is None
    assert grant_endings.ending_soon(cast.owner_id, cast.plan_id, "nb") == []
    assert _sees(cast.next_of_kin_id, cast) == {"goals", "meetings"}  # until its last day
    _problem("ending_dealt_with", grant_endings.let_lapse, cast.owner_id, cast.plan_id, grant_id)
    _problem("ending_dealt_with", grant_endings.renew_grant, cast.owner_id, cast.plan_id, grant_id)

    _edit_grant(grant_id, valid_from=utcnow() - timedelta(days=2), valid_until=utcnow() - timedelta(seconds=1))
    assert _sees(cast.next_of_kin_id, cast) == set()


def test_only_a_current_grant_of_this_plan_can_be_let_lapse(cast):
    with db.transaction() as session:
        other = load_demo(session)
    revoked = grants.create_grant(cast.owner_id, cast.plan_id, cast.provider_id, ["meetings"], _in_days(5))
    grants.revoke_grant(cast.owner_id, cast.plan_id, revoked)
    before = _everything()
    with pytest.raises(AccessDenied):
        grant_endings.let_lapse(cast.owner_id, cast.plan_id, _demo_grant_id(other))
    for grant_id in (revoked, 10**9, "1", None, True):
        _problem("unknown_grant", grant_endings.let_lapse, cast.owner_id, cast.plan_id, grant_id)
    assert _everything() == before


def test_a_renewal_ends_the_reminder_and_a_second_tap_makes_no_second_grant(cast, owner_phone):
    grant_id = _demo_grant_id(cast)
    _sign_current_consent(cast, owner_phone)
    _edit_grant(grant_id, valid_until=utcnow() + timedelta(days=5))
    renewed = grant_endings.renew_grant(cast.owner_id, cast.plan_id, grant_id)
    _problem("ending_dealt_with", grant_endings.renew_grant, cast.owner_id, cast.plan_id, grant_id)
    assert _count(AccessGrant) == 2
    # Reminded of neither: the old one's ending is dealt with, the renewal ends in three months.
    _sign_current_consent(cast, owner_phone)
    assert grant_endings.ending_soon(cast.owner_id, cast.plan_id, "nb") == []
    assert _sections(renewed) == _sections(grant_id) and _grant(grant_id).revoked_at is None


# --- who may do any of this ----------------------------------------------------------------------


def _no_plan_person() -> int:
    with db.transaction() as session:
        person = Person(given_name="Per", family_name="Uten Plan")
        session.add(person)
        session.flush()
        session.add(Account(person_id=person.id, status="active"))
        return person.id


@pytest.mark.parametrize("who", ["next_of_kin_id", "provider_id", "coordinator_id", "unit_admin_id",
                                 "no_plan", "signed_out"])
def test_people_who_may_not_manage_sharing_are_denied_before_any_input_is_checked(cast, who):
    actor = _no_plan_person() if who == "no_plan" else None if who == "signed_out" else getattr(cast, who)
    grant_id = _demo_grant_id(cast)
    contact = f"contact:{_contact('Anders Myhre', cast.plan_id).id}"
    _edit_grant(grant_id, valid_until=utcnow() + timedelta(days=5))
    before = _everything()
    calls = [
        lambda: grants.grantees(actor, cast.plan_id, "nb"),
        # Garbage everywhere: still AccessDenied, never a GrantProblem that would reveal the check.
        lambda: grants.share(actor, cast.plan_id, object(), "garbage", "not a day", None, "x"),
        lambda: grants.share(actor, cast.plan_id, "new", ["goals"], _in_days(30), new_person={"email": "?"}),
        lambda: grants.change_grant(actor, cast.plan_id, "nope", "garbage", None),
        lambda: grant_endings.let_lapse(actor, cast.plan_id, "nope"),
        # Well-formed requests are denied just the same.
        lambda: grants.share(actor, cast.plan_id, contact, ["goals"], _in_days(30)),
        lambda: grants.share(actor, cast.plan_id, "new", ["goals"], _in_days(30), new_person=NEW),
        lambda: grants.share(actor, cast.plan_id, f"person:{cast.provider_id}", ["goals"], _in_days(30)),
        lambda: grants.change_grant(actor, cast.plan_id, grant_id, ["goals"], _in_days(30)),
        lambda: grant_endings.let_lapse(actor, cast.plan_id, grant_id),
    ]
    for call in calls:
        with pytest.raises(AccessDenied):
            call()
    assert _everything() == before
