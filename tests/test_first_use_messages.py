"""Messages that send people the right way (issue 13), on a plan the test made through the
services, with real passkeys (tests/soft_authenticator.py) and nothing mocked:

1. with no passkey she is sent to "Meg", where she adds one herself, and can then sign;
2. the same grant again while it waits for her signature says so, and leads to its consent;
   once signed and in force, it says she already has it;
3. the first consent she signs is version 1, however often the sharing changed before;
4. after the last grant is taken back, no one has access (the sharing page then says so);
and every section sharing offers has a page the person given it can open.
"""

from datetime import timedelta

import pytest
from living_plan import make_plan
from soft_authenticator import SoftAuthenticator
from sqlmodel import select

import ipapp.ipapp  # noqa: F401  (registers every page: which routes exist)
from ipapp import db
from ipapp.i18n import SUPPORTED_LOCALES, translate
from ipapp.i18n.dates import oslo_today
from ipapp.models import AccessGrant, Consent, ConsentGrant, utcnow
from ipapp.services import accounts, consents, grants, history, invitations, notes, plan_reading
from ipapp.services.consents import ConsentError
from ipapp.services.plan_access import AccessDenied

ORIGIN = "http://localhost:3000"  # tests/conftest.py service_engine sets this origin
# The page each section is read on (ipapp/ipapp.py); goals are on the overview.
SECTION_PAGES = {"about": "om-meg", "goals": "index", "contacts": "kontakter", "meetings": "moter",
                 "notes": "notater", "messages": "meldinger"}


@pytest.fixture
def plan(service_engine):
    return make_plan()


def _active(plan, who: str) -> tuple[SoftAuthenticator, int]:
    """She redeems her invitation with a passkey: (her phone, the passkey's id)."""
    phone, code = SoftAuthenticator(origin=ORIGIN), plan.invitations[who].code
    _, passkey_id = invitations.redeem(code, phone.register(invitations.registration_options(code)), "Telefon")
    return phone, passkey_id


def _last_day(days: int = 30) -> str:
    return (oslo_today(utcnow()) + timedelta(days=days)).isoformat()


def _share(plan, by: int, to: int, sections: list[str], days: int = 30) -> int:
    return grants.share(by, plan.plan_id, f"person:{to}", sections, _last_day(days)).grant_id


def _sign(plan, signer: int, phone: SoftAuthenticator) -> consents.SignedView:
    view = consents.draft_consent(signer, plan.plan_id)
    options = consents.signing_options(signer, plan.plan_id, view.id, view.document_sha256)
    return consents.sign(signer, plan.plan_id, view.id, phone.authenticate(options))


def _refused(code: str, call, *args) -> ConsentError:
    with pytest.raises(ConsentError) as caught:
        call(*args)
    assert caught.value.code == code, caught.value
    return caught.value


def _grant_problem(call, *args) -> grants.GrantProblem:
    with pytest.raises(grants.GrantProblem) as caught:
        call(*args)
    return caught.value


def _grant_count() -> int:
    with db.transaction() as session:
        return len(session.exec(select(AccessGrant)).all())


def _kin_reads_meetings(plan) -> bool:
    try:
        plan_reading.read_meetings(plan.next_of_kin_id, plan.plan_id, "nb")
    except AccessDenied:
        return False
    return True


# --- 1. no passkey: "Meg", not "ask the coordinator" ---------------------------------------------


@pytest.mark.parametrize("signer", ["owner", "guardian"])
def test_without_a_passkey_she_is_sent_to_meg_adds_one_there_and_signs(plan, signer):
    person = plan.owner_id if signer == "owner" else plan.guardian_id
    _, old_key = _active(plan, signer)
    accounts.remove_my_passkey(person, old_key)  # her old phone's key, taken away: none left
    _share(plan, person, plan.next_of_kin_id, ["meetings"])
    view = consents.draft_consent(person, plan.plan_id)

    refused = _refused("no_passkey", consents.signing_options, person, plan.plan_id, view.id,
                       view.document_sha256)
    assert consents.put_right_at(refused.code) == "/meg"
    for locale in SUPPORTED_LOCALES:
        text = translate("consent.error.no_passkey", locale)
        assert ("Meg" if locale != "en" else "Me") in text
        assert "invitasjon" not in text and "invitation" not in text  # nobody need invite her again
        assert translate("consent.no_passkey_link", locale)

    # Under Meg she adds a passkey to her own account herself; then she can sign at once.
    phone = SoftAuthenticator(origin=ORIGIN)
    accounts.add_my_passkey(person, phone.register(accounts.new_passkey_options(person)), "Ny telefon")
    signed = _sign(plan, person, phone)
    assert signed.signed_as == signer and _kin_reads_meetings(plan)


def test_only_what_she_can_put_right_herself_has_a_place_to_do_it(plan):
    assert consents.put_right_at("recovered_key_waiting") == ""  # she can only wait
    assert consents.put_right_at("challenge") == ""
    for forged in (None, 7, ["no_passkey"], {"no_passkey": 1}):
        assert consents.put_right_at(forged) == ""


# --- 2. the same grant again -----------------------------------------------------------------------


def test_the_same_grant_while_it_waits_says_so_and_leads_to_its_consent(plan):
    phone, _ = _active(plan, "owner")
    waiting = _share(plan, plan.owner_id, plan.next_of_kin_id, ["goals", "meetings"])
    before = _grant_count()

    again = _grant_problem(grants.share, plan.owner_id, plan.plan_id, f"person:{plan.next_of_kin_id}",
                           ["meetings", "goals"], _last_day(60))
    assert (again.code, again.link) == ("duplicate_waiting", "/samtykke")
    assert _grant_count() == before  # nothing saved
    for locale in SUPPORTED_LOCALES:
        assert "sign" in translate("sharing.problem.duplicate_waiting", locale)  # signere/signert/sign

    # The consent page the link leads to: the version to sign covers exactly that grant.
    view = consents.draft_consent(plan.owner_id, plan.plan_id)
    assert view.status == "awaiting_signature"
    assert "Mona Mor" in view.document and "«Møter»" in view.document
    with db.transaction() as session:
        covered = set(session.exec(select(ConsentGrant.grant_id).where(ConsentGrant.consent_id == view.id)))
    assert covered == {waiting}

    # Signed and in force: then she really has it already (the earlier text, no link).
    _sign(plan, plan.owner_id, phone)
    assert _kin_reads_meetings(plan)
    has_it = _grant_problem(grants.create_grant, plan.owner_id, plan.plan_id, plan.next_of_kin_id,
                            ["goals", "meetings"], _last_day(60))
    assert (has_it.code, has_it.link) == ("duplicate", "")

    # Consent withdrawn: the grant waits for a signature again, and is told so.
    consents.withdraw(plan.owner_id, plan.plan_id, view.id)
    assert _grant_problem(grants.create_grant, plan.owner_id, plan.plan_id, plan.next_of_kin_id,
                          ["goals", "meetings"], _last_day(60)).code == "duplicate_waiting"


def test_a_change_into_a_grant_that_waits_is_told_the_same_and_a_guardian_too(plan):
    _active(plan, "guardian")
    waiting = _share(plan, plan.guardian_id, plan.next_of_kin_id, ["contacts"])
    other = _share(plan, plan.guardian_id, plan.next_of_kin_id, ["meetings"])
    changed = _grant_problem(grants.change_grant, plan.guardian_id, plan.plan_id, other, ["contacts"],
                             grants.SAME_LAST_DAY)
    assert (changed.code, changed.link) == ("duplicate_waiting", "/samtykke")
    with db.transaction() as session:  # the refused change left both grants as they were
        assert session.get(AccessGrant, other).revoked_at is None
        assert session.get(AccessGrant, waiting).revoked_at is None


# --- 3. versions ---------------------------------------------------------------------------------


def test_the_first_consent_she_signs_is_version_1_however_the_sharing_changed_before(plan):
    phone, _ = _active(plan, "owner")
    _share(plan, plan.owner_id, plan.next_of_kin_id, ["meetings"])
    shown = consents.draft_consent(plan.owner_id, plan.plan_id)  # she opens the consent page...
    assert shown.version == 1
    stale_assertion = phone.authenticate(
        consents.signing_options(plan.owner_id, plan.plan_id, shown.id, shown.document_sha256))

    _share(plan, plan.owner_id, plan.coordinator_id, ["notes"])  # ...then shares with one more first
    now = consents.draft_consent(plan.owner_id, plan.plan_id)
    assert (now.id, now.version, now.status) == (shown.id, 1, "awaiting_signature")
    assert now.document.startswith("Samtykke til deling av individuell plan, versjon 1\n")
    assert "Ingrid Koordinator (koordinator) kan se «Mine notater»" in now.document
    assert "Mona Mor kan se «Møter»" in now.document
    # Another language is the same version too.
    assert consents.draft_consent(plan.owner_id, plan.plan_id, "nn").version == 1

    # What she was shown before can no longer be signed: not from its digest, nor with a
    # signature made for it (its options were dropped with the old text).
    _refused("changed", consents.signing_options, plan.owner_id, plan.plan_id, shown.id, shown.document_sha256)
    _refused("challenge", consents.sign, plan.owner_id, plan.plan_id, shown.id, stale_assertion)
    with db.transaction() as session:
        assert session.exec(select(Consent).where(Consent.signed_at.is_not(None))).first() is None

    signed = _sign(plan, plan.owner_id, phone)
    assert signed.version == 1
    view, verified = consents.current_consent_checked(plan.owner_id, plan.plan_id)
    assert (view.version, view.status, verified) == (1, "signed", True)
    assert view.document.startswith("Samtykke til deling av individuell plan, versjon 1\n")

    # A change after a signature is the next version.
    _share(plan, plan.owner_id, plan.next_of_kin_id, ["contacts"])
    second = consents.draft_consent(plan.owner_id, plan.plan_id)
    assert (second.version, second.status) == (2, "awaiting_signature") and second.id != shown.id
    assert "versjon 2\n" in second.document.splitlines(keepends=True)[0]
    with db.transaction() as session:
        assert sorted(session.exec(select(Consent.version).where(Consent.plan_id == plan.plan_id))) == [1, 2]


def test_a_withdrawn_consent_is_followed_by_the_next_number(plan):
    phone, _ = _active(plan, "owner")
    _share(plan, plan.owner_id, plan.next_of_kin_id, ["meetings"])
    first = _sign(plan, plan.owner_id, phone)
    consents.withdraw(plan.owner_id, plan.plan_id, first.consent_id)
    assert consents.draft_consent(plan.owner_id, plan.plan_id).version == 2  # v1 was signed once


# --- 4. no one has access ------------------------------------------------------------------------


def test_after_the_last_grant_is_taken_back_no_one_has_access(plan):
    phone, _ = _active(plan, "owner")
    grant_id = _share(plan, plan.owner_id, plan.next_of_kin_id, ["meetings"])
    waiting = plan_reading.read_access(plan.owner_id, plan.plan_id, "nb")
    # Waiting for her signature, it is listed as current (to sign, change or take back).
    assert [(v.grant_id, v.is_revocable, v.is_effective) for v in waiting] == [(grant_id, True, False)]
    _sign(plan, plan.owner_id, phone)
    assert _kin_reads_meetings(plan)

    grants.revoke_grant(plan.owner_id, plan.plan_id, grant_id)
    views = plan_reading.read_access(plan.owner_id, plan.plan_id, "nb")
    # The page lists current grants under "Hvem har tilgang" and ended ones folded away; with
    # none current, that heading gets "no one else has access now" (sharing.no_one).
    assert views and not any(v.is_revocable or v.is_effective for v in views)
    assert [v.status_label for v in views] == ["Trukket tilbake"]
    assert not _kin_reads_meetings(plan)
    assert translate("sharing.no_one", "nb").startswith("Ingen andre har tilgang nå")
    assert translate("sharing.no_one", "nn").startswith("Ingen andre har tilgang no")
    assert translate("sharing.no_one", "en").startswith("No one else has access now")


# --- sections and their pages ----------------------------------------------------------------------


def test_every_section_sharing_offers_has_a_page_the_person_given_it_can_open(plan):
    routes = set(ipapp.ipapp.app._unevaluated_pages)  # the pages the app registers
    offered = [key for key, _ in grants.grantable_sections(plan.owner_id, plan.plan_id, "nb")]
    assert offered == list(SECTION_PAGES)  # the owner may give every section, "Om meg" and notes too
    assert {SECTION_PAGES[key] for key in offered} <= routes
    guardian = [key for key, _ in grants.grantable_sections(plan.guardian_id, plan.plan_id, "nb")]
    assert guardian == [k for k in SECTION_PAGES if k != "notes"]  # never the owner's notes

    # Given "Om meg" and the notes (and signed), her mother opens both pages the way they load.
    phone, _ = _active(plan, "owner")
    _share(plan, plan.owner_id, plan.next_of_kin_id, ["about", "notes"])
    _sign(plan, plan.owner_id, phone)
    for read_in in (history.about_in, notes.notes_in):
        page = plan_reading.open_section(plan.next_of_kin_id, plan.plan_id, "nb", read_in)
        assert page.denied is None and page.content is not None
    header = plan_reading.read_header(plan.next_of_kin_id, plan.plan_id, "nb")
    assert sorted(header.readable_sections) == ["about", "notes"]
