"""Consent: the canonical document, signing it with the signer's own passkey, withdrawing it, and
re-verifying signatures from the stored evidence alone.

Real SQLite, the demo plan, a real software authenticator (tests/soft_authenticator.py) and
py_webauthn doing the verifying: nothing is mocked. Each refusal shows what it leaves behind
(no signature stored), and each has an accepted counterpart, so a broken setup cannot make a
refusal test pass.
"""

import hashlib
import json
import threading
import unicodedata
from datetime import date, timedelta

import pytest
from hypothesis import HealthCheck, given, settings as hypothesis_settings
from hypothesis import strategies as st
from sqlmodel import select

from ipapp import db
from ipapp.auth import passkeys
from ipapp.demo.seed import DemoCast, add_months, load_demo, oslo_to_utc
from ipapp.domain.consent import (
    ConsentTerms,
    GrantTerms,
    canonical_document,
    document_digest,
    signing_challenge,
)
from ipapp.models import (
    AccessGrant,
    AccessGrantSection,
    Account,
    AuditEvent,
    Consent,
    ConsentGrant,
    Guardianship,
    PasskeyCredential,
    Person,
    utcnow,
)
from ipapp.domain.vocabulary import Section
from ipapp.policy import Action, oslo_date
from ipapp.services import consents, plan_reading
from ipapp.services.consents import ConsentError
from ipapp.services.plan_access import AccessDenied, load_context
from soft_authenticator import SoftAuthenticator, b64url, from_b64url

ORIGIN = "http://localhost:3000"


# --- fixtures ----------------------------------------------------------------------------------


@pytest.fixture
def engine(service_engine):
    return service_engine  # tests/conftest.py: an empty database the services use


@pytest.fixture
def cast(engine) -> DemoCast:
    with db.transaction() as session:
        return load_demo(session)


def _account_id(person_id: int) -> int:
    with db.transaction() as session:
        account = session.exec(select(Account).where(Account.person_id == person_id)).one()
        account.status = "active"
        session.add(account)
        return account.id


def _register(person_id: int) -> SoftAuthenticator:
    authenticator = SoftAuthenticator(origin=ORIGIN)
    account_id = _account_id(person_id)
    response = authenticator.register(passkeys.registration_options(account_id))
    passkeys.finish_registration(account_id, response, "Telefon")
    return authenticator


@pytest.fixture
def owner_phone(cast) -> SoftAuthenticator:
    return _register(cast.owner_id)


@pytest.fixture
def guardian_phone(cast) -> SoftAuthenticator:
    return _register(cast.guardian_id)


# --- helpers -----------------------------------------------------------------------------------


def options_for(person_id: int, cast: DemoCast, view: consents.ConsentView) -> str:
    return consents.signing_options(person_id, cast.plan_id, view.id, view.document_sha256)


def sign_with(person_id: int, cast: DemoCast, view, phone: SoftAuthenticator, **knobs):
    assertion = phone.authenticate(options_for(person_id, cast, view), **knobs)
    return consents.sign(person_id, cast.plan_id, view.id, assertion)


def refused(code: str, call, *args, **kwargs) -> ConsentError:
    with pytest.raises(ConsentError) as caught:
        call(*args, **kwargs)
    assert caught.value.code == code, caught.value
    return caught.value


def consent_row(consent_id: int) -> Consent:
    with db.transaction() as session:
        return session.get(Consent, consent_id)


def all_consents() -> list[tuple]:
    """Every consent's state, to show a refusal changed nothing (the nonce may be re-issued)."""
    with db.transaction() as session:
        rows = session.exec(select(Consent).order_by(Consent.id)).all()
        return [
            (c.id, c.version, c.document, c.signer_person_id, c.signed_at, c.signature,
             c.signature_client_data_json, c.withdrawn_at)
            for c in rows
        ]


def signed_count() -> int:
    with db.transaction() as session:
        return len(session.exec(select(Consent).where(Consent.signed_at.is_not(None))).all())


def edit_consent(consent_id: int, **values) -> None:
    with db.transaction() as session:
        row = session.get(Consent, consent_id)
        for key, value in values.items():
            setattr(row, key, value)
        session.add(row)


def add_grant(cast: DemoCast, grantee_id: int, sections: tuple[str, ...], days: int = 30) -> int:
    today = oslo_date(utcnow())
    with db.transaction() as session:
        grant = AccessGrant(
            plan_id=cast.plan_id,
            grantee_person_id=grantee_id,
            granted_by_person_id=cast.owner_id,
            valid_from=oslo_to_utc(today),
            valid_until=oslo_to_utc(today + timedelta(days=days)),
            purpose="Hjelp med møtene",
        )
        session.add(grant)
        session.flush()
        session.add_all([AccessGrantSection(grant_id=grant.id, section=s) for s in sections])
        return grant.id


def nok_can_read_goals(cast: DemoCast) -> bool:
    try:
        overview = plan_reading.read_overview(cast.next_of_kin_id, cast.plan_id, "nb")
    except AccessDenied:
        return False
    return bool(overview.goals)


def nok_goals_reason(cast: DemoCast) -> str:
    """Why the policy lets (or does not let) the next of kin read goals right now."""
    with db.transaction() as session:
        context = load_context(session, cast.next_of_kin_id, cast.plan_id, utcnow())
        return context.decide(Action.READ, Section.GOALS).reason


def audit_events(action: str) -> list[AuditEvent]:
    with db.transaction() as session:
        return list(session.exec(select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id)))


# --- the canonical document ---------------------------------------------------------------------

TERMS = ConsentTerms(
    owner_name="Sofie Lindgren Aas",
    purpose="Mamma skal kunne følge med på målene mine og vite når vi har møter.",
    grants=(
        GrantTerms(
            grantee_name="Hanne Lindgren",
            grantee_relation="mor",
            sections=("meetings", "goals"),
            valid_from=date(2026, 11, 23),
            valid_until_last_day=date(2027, 2, 23),
        ),
    ),
    version=2,
    created=date(2026, 11, 23),
)

GOLDEN = (
    "Samtykke til deling av individuell plan, versjon 2\n"
    "Dato: 23. november 2026\n"
    "Språk: bokmål\n"
    "\n"
    "Jeg, Sofie Lindgren Aas, samtykker til at Hanne Lindgren (mor) kan se «Mål og tiltak» og "
    "«Møter» fra 23. november 2026 til og med 23. februar 2027.\n"
    "\n"
    "Formål: Mamma skal kunne følge med på målene mine og vite når vi har møter.\n"
    "\n"
    "Jeg kan trekke samtykket tilbake når som helst, og det virker straks.\n"
    "Hvis en verge signerer, gjør vergen det på vegne av Sofie Lindgren Aas.\n"
)


def test_canonical_document_is_the_golden_plain_text():
    assert canonical_document(TERMS) == GOLDEN
    assert canonical_document(TERMS) == canonical_document(TERMS)
    assert document_digest(GOLDEN) == hashlib.sha256(GOLDEN.encode("utf-8")).digest()


def test_the_document_is_in_the_signers_language_and_says_which():
    nynorsk, english = canonical_document(TERMS, "nn"), canonical_document(TERMS, "en")
    assert nynorsk.splitlines()[2] == "Språk: nynorsk" and english.splitlines()[2] == "Language: English"
    assert ("Eg, Sofie Lindgren Aas, samtykkjer til at Hanne Lindgren (mor) kan sjå «Mål og tiltak» og «Møte» "
            "frå 23. november 2026 til og med 23. februar 2027.") in nynorsk
    assert "I, Sofie Lindgren Aas, consent that Hanne Lindgren (mor) may see" in english
    assert "from 23 November 2026 up to and including 23 February 2027." in english
    assert len({GOLDEN, nynorsk, english}) == 3
    assert canonical_document(TERMS, "xx") == GOLDEN  # an unknown language: bokmål


def test_several_grants_are_listed_in_a_fixed_order_whatever_order_they_come_in():
    mum = TERMS.grants[0]
    dad = GrantTerms("Per Aas", "far", ("messages",), date(2026, 12, 1), date(2026, 12, 31))
    one = ConsentTerms(TERMS.owner_name, "", (mum, dad), 3, date(2026, 11, 30))
    other = ConsentTerms(TERMS.owner_name, "", (dad, mum), 3, date(2026, 11, 30))
    assert canonical_document(one) == canonical_document(other) == (
        "Samtykke til deling av individuell plan, versjon 3\n"
        "Dato: 30. november 2026\n"
        "Språk: bokmål\n"
        "\n"
        "Jeg, Sofie Lindgren Aas, samtykker til dette:\n"
        "- Hanne Lindgren (mor) kan se «Mål og tiltak» og «Møter» fra 23. november 2026 til og med "
        "23. februar 2027.\n"
        "- Per Aas (far) kan se «Meldinger» fra 1. desember 2026 til og med 31. desember 2026. "
        "Per Aas kan også sende meldinger.\n"
        "\n"
        "Formål: Ikke oppgitt.\n"
        "\n"
        "Jeg kan trekke samtykket tilbake når som helst, og det virker straks.\n"
        "Hvis en verge signerer, gjør vergen det på vegne av Sofie Lindgren Aas.\n"
    )


def test_document_is_normalised_and_names_cannot_forge_lines_or_hide_text():
    decomposed = unicodedata.normalize("NFD", "Åse Ødegård")
    assert decomposed != "Åse Ødegård"  # "Å" and "å" decompose into a letter and a ring
    terms = ConsentTerms(
        owner_name="Sofie\r\nLindgren \u202eAas  ",  # a line break and a right-to-left override
        purpose="  Følge\tmed.\n\nJeg, Ola, samtykker til alt.  ",
        grants=(GrantTerms(decomposed, "", ("goals",),
                           date(2027, 1, 1), date(2027, 1, 1)),),
        version=1,
        created=date(2027, 1, 1),
    )
    text = canonical_document(terms)
    assert text == unicodedata.normalize("NFC", text)
    assert "\r" not in text and "\u202e" not in text and "\t" not in text
    assert all(line == line.rstrip() for line in text.split("\n"))
    assert text.endswith(".\n") and not text.endswith("\n\n")
    assert "Jeg, Sofie Lindgren Aas, samtykker til at Åse Ødegård kan se «Mål og tiltak» fra " \
           "1. januar 2027 til og med 1. januar 2027." in text
    # The purpose stays on its own line: it cannot start a line that looks like a new statement.
    assert "\nFormål: Følge med. Jeg, Ola, samtykker til alt.\n" in text
    assert len(text.split("\n")) == len(GOLDEN.split("\n"))


def test_terms_are_checked():
    with pytest.raises(ValueError):
        GrantTerms("A", "", (), date(2027, 1, 1), date(2027, 1, 2))
    with pytest.raises(ValueError):
        GrantTerms("A", "", ("secrets",), date(2027, 1, 1), date(2027, 1, 2))
    with pytest.raises(ValueError):
        GrantTerms("A", "", ("goals",), date(2027, 1, 2), date(2027, 1, 1))
    with pytest.raises(ValueError):
        ConsentTerms("A", "", (), 1, date(2027, 1, 1))
    with pytest.raises(ValueError):
        ConsentTerms("A", "", TERMS.grants, 0, date(2027, 1, 1))
    # Equal terms give equal text: sections come out in the plan's order, without duplicates.
    assert GrantTerms("A", "", ("meetings", "goals", "goals"), date(2027, 1, 1), date(2027, 1, 2)).sections == (
        "goals", "meetings")


def test_the_signing_challenge_is_the_digest_then_the_nonce():
    nonce = bytes(range(16))
    challenge = signing_challenge(GOLDEN, nonce)
    assert challenge == hashlib.sha256(GOLDEN.encode()).digest() + nonce and len(challenge) == 48
    changed = GOLDEN.replace("23. februar", "24. februar")
    assert signing_challenge(changed, nonce)[:32] != challenge[:32]
    for bad in (b"", bytes(15), bytes(17), "0" * 16, None):
        with pytest.raises(ValueError):
            signing_challenge(GOLDEN, bad)


# --- drafting ------------------------------------------------------------------------------------


def test_draft_builds_a_canonical_version_from_the_current_grants(cast):
    with db.transaction() as session:
        seeded_id = session.exec(select(Consent.id).where(Consent.version == 1)).one()
    view = consents.draft_consent(cast.owner_id, cast.plan_id)
    # The demo's version 1 was never signed: it is written again in canonical form and stays
    # version 1, so the first version anyone signs is version 1.
    assert (view.id, view.version) == (seeded_id, 1)
    assert view.status == "awaiting_signature"
    assert view.document.startswith("Samtykke til deling av individuell plan, versjon 1\n")
    assert "samtykker til at Hanne Lindgren (mor) kan se «Mål og tiltak» og «Møter» fra " in view.document
    assert view.document_sha256 == hashlib.sha256(view.document.encode()).hexdigest()
    # Asking again without any change gives the same version, not a new one.
    assert consents.draft_consent(cast.owner_id, cast.plan_id).id == view.id
    assert consents.current_consent_checked(cast.owner_id, cast.plan_id)[0].id == view.id
    assert [(c[0], c[1]) for c in all_consents()] == [(view.id, 1)]  # no superseded draft left behind
    assert [e.target for e in audit_events("manage_sharing")][:1] == ["consent:new"]


def test_an_older_unsigned_version_from_before_is_superseded_and_cannot_be_signed(cast, owner_phone):
    """A database from before numbered every unsigned draft: a version below the newest one is
    superseded and never signable, and drafting carries on with the newest."""
    older = consents.draft_consent(cast.owner_id, cast.plan_id)
    newest_text = older.document.replace("versjon 1", "versjon 2", 1)
    with db.transaction() as session:
        newest = Consent(plan_id=cast.plan_id, version=2, document=newest_text,
                         document_sha256=hashlib.sha256(newest_text.encode()).hexdigest(),
                         created_by_person_id=cast.owner_id)
        session.add(newest)
        session.flush()
        newest_id = newest.id
        covered = session.exec(select(ConsentGrant.grant_id).where(ConsentGrant.consent_id == older.id)).all()
        session.add_all([ConsentGrant(consent_id=newest_id, grant_id=grant_id) for grant_id in covered])
    with db.transaction() as session:
        assert consents._view(session, session.get(Consent, older.id)).status == "superseded"
    refused("superseded", consents.signing_options, cast.owner_id, cast.plan_id, older.id, older.document_sha256)
    drafted = consents.draft_consent(cast.owner_id, cast.plan_id)
    assert (drafted.id, drafted.version) == (newest_id, 2)
    assert sign_with(cast.owner_id, cast, drafted, owner_phone).version == 2


def test_an_unsigned_draft_asked_for_in_another_language_is_the_same_version_in_that_language(cast):
    bokmal = consents.draft_consent(cast.owner_id, cast.plan_id)
    nynorsk = consents.draft_consent(cast.owner_id, cast.plan_id, "nn")
    assert (nynorsk.id, nynorsk.version) == (bokmal.id, bokmal.version)
    assert "Språk: nynorsk" in nynorsk.document and "samtykkjer til at Hanne Lindgren (mor) kan sjå" in nynorsk.document
    assert nynorsk.document_sha256 == hashlib.sha256(nynorsk.document.encode()).hexdigest()
    assert consents.draft_consent(cast.owner_id, cast.plan_id, "en").document.splitlines()[2] == "Language: English"


def test_draft_refuses_when_there_is_nothing_to_consent_to(cast):
    with db.transaction() as session:
        for grant in session.exec(select(AccessGrant)).all():
            grant.revoked_at = utcnow()
            session.add(grant)
    refused("nothing_to_consent", consents.draft_consent, cast.owner_id, cast.plan_id)


def test_only_those_who_manage_sharing_may_draft(cast):
    before = all_consents()
    for person in (cast.next_of_kin_id, cast.coordinator_id, cast.provider_id, cast.unit_admin_id, None):
        with pytest.raises(AccessDenied):
            consents.draft_consent(person, cast.plan_id)
        with pytest.raises(AccessDenied):
            consents.current_consent_checked(person, cast.plan_id)[0]
    assert all_consents() == before


# --- signing -----------------------------------------------------------------------------------


def test_owner_signs_then_it_verifies_and_the_grant_takes_effect(cast, owner_phone):
    assert not nok_can_read_goals(cast)  # the demo grant waits for a signature
    assert nok_goals_reason(cast) == "consent_unsigned"
    view = consents.draft_consent(cast.owner_id, cast.plan_id)

    options_json = options_for(cast.owner_id, cast, view)
    options = json.loads(options_json)
    nonce = bytes.fromhex(consent_row(view.id).signature_nonce)
    assert from_b64url(options["challenge"]) == hashlib.sha256(view.document.encode()).digest() + nonce
    assert options["userVerification"] == "required"
    assert [c["id"] for c in options["allowCredentials"]] == [b64url(owner_phone.credentials[0].credential_id)]

    signed = consents.sign(cast.owner_id, cast.plan_id, view.id, owner_phone.authenticate(options_json))
    assert (signed.consent_id, signed.signed_as, signed.version) == (view.id, "owner", 1)

    row = consent_row(view.id)
    assert row.signer_person_id == cast.owner_id and row.signed_at is not None
    assert row.signature_credential_id == owner_phone.credentials[0].credential_id
    assert row.signature_public_key and row.signature and row.signature_authenticator_data
    assert json.loads(row.signature_client_data_json)["type"] == "webauthn.get"

    with db.transaction() as session:
        results = consents.verify_all(session)
    assert [(r.consent_id, r.ok, r.problem, r.signed_as) for r in results] == [(view.id, True, "", "owner")]
    assert nok_can_read_goals(cast) and nok_goals_reason(cast) == "grant"
    assert consents.current_consent_checked(cast.owner_id, cast.plan_id)[0].status == "signed"
    assert [(e.outcome, e.target) for e in audit_events("sign")] == [("allowed", f"consent:{view.id}")]
    # Nothing left to consent to until the grants change.
    refused("up_to_date", consents.draft_consent, cast.owner_id, cast.plan_id)


def test_a_one_byte_change_in_the_stored_document_fails_verification(cast, owner_phone):
    view = consents.draft_consent(cast.owner_id, cast.plan_id)
    sign_with(cast.owner_id, cast, view, owner_phone)
    assert consents.verify_consent(consent_row(view.id)).ok

    original = view.document
    one_byte = original.replace("versjon 1", "versjon 2", 1)
    assert len(one_byte.encode()) == len(original.encode())
    edit_consent(view.id, document=one_byte)
    assert consents.verify_consent(consent_row(view.id)).problem == "document_hash"
    # Also updating the stored digest does not help: the signature commits to the original text.
    edit_consent(view.id, document_sha256=hashlib.sha256(one_byte.encode()).hexdigest())
    result = consents.verify_consent(consent_row(view.id))
    assert (result.ok, result.problem) == (False, "challenge")

    edit_consent(view.id, document=original, document_sha256=view.document_sha256)
    assert consents.verify_consent(consent_row(view.id)).ok
    signature = bytearray(consent_row(view.id).signature)
    signature[-1] ^= 1
    edit_consent(view.id, signature=bytes(signature))
    assert consents.verify_consent(consent_row(view.id)).problem == "signature"


def test_tampered_evidence_of_every_kind_fails_and_never_raises(cast, owner_phone, guardian_phone):
    view = consents.draft_consent(cast.owner_id, cast.plan_id)
    sign_with(cast.owner_id, cast, view, owner_phone)
    good = consent_row(view.id)
    guardian_account = _account_id(cast.guardian_id)
    with db.transaction() as session:
        guardian_key = session.exec(
            select(PasskeyCredential).where(PasskeyCredential.account_id == guardian_account)
        ).one().public_key
    client = json.loads(good.signature_client_data_json)
    cases = {
        "signature": {"signature_public_key": guardian_key},
        "malformed": {"signature_nonce": "zz"},
        "challenge": {"signature_nonce": "00" * 16},
        "origin": {"signature_client_data_json": json.dumps({**client, "origin": "https://evil.example"}).encode()},
        "client_data": {"signature_client_data_json": b"\xff not json"},
        "rp_id": {"signature_authenticator_data": hashlib.sha256(b"evil.example").digest()
                  + good.signature_authenticator_data[32:]},
        "user_verification": {"signature_authenticator_data": good.signature_authenticator_data[:32]
                              + bytes([good.signature_authenticator_data[32] & ~0x04])
                              + good.signature_authenticator_data[33:]},
        "authenticator_data": {"signature_authenticator_data": b"short"},
        "missing_evidence": {"signature": None},
        "signed_as": {"signed_as": "coordinator"},
    }
    for problem, change in cases.items():
        tampered = good.model_copy(update=change)
        result = consents.verify_consent(tampered)
        assert (result.ok, result.problem) == (False, problem), problem
    assert consents.verify_consent(good).ok
    assert consents.verify_consent(good, origin="https://ipapp.example.no").problem == "origin"
    assert not consents.verify_consent(object()).ok  # not even a consent: an answer, no exception


def test_a_signature_copied_onto_another_consent_fails(cast, owner_phone):
    view = consents.draft_consent(cast.owner_id, cast.plan_id)
    sign_with(cast.owner_id, cast, view, owner_phone)
    source = consent_row(view.id)
    add_grant(cast, cast.coordinator_id, ("notes",))
    other_id = consents.draft_consent(cast.owner_id, cast.plan_id).id  # version 2, unsigned
    edit_consent(
        other_id,
        **{k: getattr(source, k) for k in (
            "signer_person_id", "signed_as", "signed_at", "signature_credential_id", "signature_public_key",
            "signature_authenticator_data", "signature_client_data_json", "signature", "signature_nonce")},
    )
    with db.transaction() as session:
        results = {r.consent_id: r for r in consents.verify_all(session)}
    assert results[view.id].ok
    assert (results[other_id].ok, results[other_id].problem) == (False, "challenge")


def test_a_signed_flag_without_evidence_does_not_verify(cast):
    with db.transaction() as session:
        v1 = session.exec(select(Consent)).one()
        v1.signer_person_id, v1.signed_as, v1.signed_at = cast.owner_id, "owner", utcnow()
        session.add(v1)
    with db.transaction() as session:
        assert [(r.ok, r.problem) for r in consents.verify_all(session)] == [(False, "missing_evidence")]


def test_a_replayed_assertion_is_refused(cast, owner_phone):
    view = consents.draft_consent(cast.owner_id, cast.plan_id)
    assertion = owner_phone.authenticate(options_for(cast.owner_id, cast, view))
    broken = json.loads(json.dumps(assertion))
    signature = bytearray(from_b64url(broken["response"]["signature"]))
    signature[-1] ^= 1
    broken["response"]["signature"] = b64url(bytes(signature))
    refused("verification", consents.sign, cast.owner_id, cast.plan_id, view.id, broken)
    # The failed attempt spent the challenge, so the genuine answer to it is now a replay.
    refused("challenge", consents.sign, cast.owner_id, cast.plan_id, view.id, assertion)
    assert signed_count() == 0
    assert [(e.outcome, e.reason) for e in audit_events("sign")] == [
        ("denied", "verification"), ("denied", "challenge")]

    good = owner_phone.authenticate(options_for(cast.owner_id, cast, view))
    consents.sign(cast.owner_id, cast.plan_id, view.id, good)
    refused("already_signed", consents.sign, cast.owner_id, cast.plan_id, view.id, good)

    # Replayed onto a later version, the same assertion answers the wrong challenge.
    consents.withdraw(cast.owner_id, cast.plan_id, view.id)
    newer = consents.draft_consent(cast.owner_id, cast.plan_id)
    options_for(cast.owner_id, cast, newer)
    refused("challenge", consents.sign, cast.owner_id, cast.plan_id, newer.id, good)
    assert consent_row(newer.id).signed_at is None
    assert consents.sign(cast.owner_id, cast.plan_id, newer.id,
                         owner_phone.authenticate(options_for(cast.owner_id, cast, newer))).version == 2


def test_another_persons_passkey_cannot_sign(cast, owner_phone, guardian_phone):
    view = consents.draft_consent(cast.owner_id, cast.plan_id)
    # The guardian's passkey answers the owner's signing options.
    options = options_for(cast.owner_id, cast, view)
    refused("not_own_credential", consents.sign, cast.owner_id, cast.plan_id, view.id,
            guardian_phone.authenticate(options))
    # The owner's passkey, but claiming the guardian's user handle.
    options = options_for(cast.owner_id, cast, view)
    refused("user_handle", consents.sign, cast.owner_id, cast.plan_id, view.id,
            owner_phone.authenticate(options, user_handle=guardian_phone.credentials[0].user_handle))
    # A passkey ipapp never registered.
    stranger = SoftAuthenticator(origin=ORIGIN)
    stranger.register(passkeys.registration_options(_account_id(cast.provider_id)))
    refused("unknown_credential", consents.sign, cast.owner_id, cast.plan_id, view.id,
            stranger.authenticate(options_for(cast.owner_id, cast, view)))
    # Answered for a different site, or with the wrong origin.
    refused("verification", consents.sign, cast.owner_id, cast.plan_id, view.id,
            owner_phone.authenticate(options_for(cast.owner_id, cast, view), origin="https://evil.example"))
    refused("verification", consents.sign, cast.owner_id, cast.plan_id, view.id,
            owner_phone.authenticate(options_for(cast.owner_id, cast, view), rp_id="evil.example"))
    assert signed_count() == 0
    assert sign_with(cast.owner_id, cast, view, owner_phone).signed_as == "owner"


def test_user_verification_off_is_refused(cast, owner_phone):
    view = consents.draft_consent(cast.owner_id, cast.plan_id)
    refused("verification", sign_with, cast.owner_id, cast, view, owner_phone, user_verified=False)
    refused("verification", sign_with, cast.owner_id, cast, view, owner_phone, user_present=False)
    assert signed_count() == 0 and not nok_can_read_goals(cast)
    sign_with(cast.owner_id, cast, view, owner_phone)
    assert nok_can_read_goals(cast)


def test_a_document_changed_since_it_was_shown_is_refused(cast, owner_phone):
    view = consents.draft_consent(cast.owner_id, cast.plan_id)
    before = all_consents()
    stale = hashlib.sha256(b"what the person saw earlier").hexdigest()
    refused("changed", consents.signing_options, cast.owner_id, cast.plan_id, view.id, stale)
    refused("changed", consents.signing_options, cast.owner_id, cast.plan_id, view.id, "z" * 64)
    # The stored text was changed behind the page's back: the digest it showed no longer fits.
    edit_consent(view.id, document=view.document + "Jeg samtykker også til alt annet.\n")
    refused("changed", consents.signing_options, cast.owner_id, cast.plan_id, view.id, view.document_sha256)
    edit_consent(view.id, document=view.document)
    assert all_consents() == before
    # A new grant before any signature: the unsigned version is written again under its own
    # number, and the text shown before cannot be signed.
    add_grant(cast, cast.coordinator_id, ("notes",))
    newer = consents.draft_consent(cast.owner_id, cast.plan_id)
    assert (newer.id, newer.version) == (view.id, view.version)
    assert newer.document_sha256 != view.document_sha256
    assert "(koordinator) kan se «Mine notater»" in newer.document
    before = all_consents()
    refused("changed", consents.signing_options, cast.owner_id, cast.plan_id, view.id, view.document_sha256)
    assert all_consents() == before
    assert sign_with(cast.owner_id, cast, newer, owner_phone).version == newer.version


def test_options_issued_for_an_earlier_text_cannot_sign_the_version_written_again(cast, owner_phone):
    view = consents.draft_consent(cast.owner_id, cast.plan_id)
    assertion = owner_phone.authenticate(options_for(cast.owner_id, cast, view))
    add_grant(cast, cast.coordinator_id, ("notes",))
    newer = consents.draft_consent(cast.owner_id, cast.plan_id)
    assert newer.id == view.id and consent_row(view.id).signature_nonce is None  # its options dropped
    refused("challenge", consents.sign, cast.owner_id, cast.plan_id, view.id, assertion)
    assert signed_count() == 0
    assert sign_with(cast.owner_id, cast, newer, owner_phone).version == 1


def test_a_second_tab_is_refused_and_exactly_one_signature_is_stored(cast, owner_phone):
    view = consents.draft_consent(cast.owner_id, cast.plan_id)
    tab_a = owner_phone.authenticate(options_for(cast.owner_id, cast, view))
    tab_b = owner_phone.authenticate(options_for(cast.owner_id, cast, view))
    consents.sign(cast.owner_id, cast.plan_id, view.id, tab_b)
    stored = consent_row(view.id)
    refused("already_signed", consents.sign, cast.owner_id, cast.plan_id, view.id, tab_a)
    refused("already_signed", consents.signing_options, cast.owner_id, cast.plan_id, view.id, view.document_sha256)
    assert signed_count() == 1
    after = consent_row(view.id)
    assert (after.signed_at, after.signature, after.signature_client_data_json) == (
        stored.signed_at, stored.signature, stored.signature_client_data_json)
    assert after.signature_client_data_json == from_b64url(tab_b["response"]["clientDataJSON"])


def test_two_tabs_racing_with_one_assertion_store_exactly_one_signature(cast, owner_phone):
    view = consents.draft_consent(cast.owner_id, cast.plan_id)
    assertion = owner_phone.authenticate(options_for(cast.owner_id, cast, view))
    outcomes: list[str] = []
    barrier = threading.Barrier(2)

    def tab() -> None:
        barrier.wait()
        try:
            consents.sign(cast.owner_id, cast.plan_id, view.id, assertion)
            outcomes.append("signed")
        except ConsentError as exc:
            outcomes.append(exc.code)

    threads = [threading.Thread(target=tab) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes)[-1] == "signed" and outcomes.count("signed") == 1
    assert set(outcomes) - {"signed"} <= {"already_signed", "challenge"}
    assert signed_count() == 1 and consents.verify_consent(consent_row(view.id)).ok


# --- guardians -----------------------------------------------------------------------------------


def test_a_guardian_signs_as_guardian_and_renewal_follows_the_guardianship(cast, guardian_phone):
    view = consents.draft_consent(cast.guardian_id, cast.plan_id)
    signed = sign_with(cast.guardian_id, cast, view, guardian_phone)
    assert signed.signed_as == "guardian"
    row = consent_row(view.id)
    assert (row.signer_person_id, row.signed_as) == (cast.guardian_id, "guardian")
    assert consents.verify_consent(row).ok
    assert nok_can_read_goals(cast)
    now = utcnow()
    assert consents.consents_needing_renewal(cast.plan_id, now) == []

    with db.transaction() as session:
        guardianship = session.exec(select(Guardianship)).one()
        guardianship.valid_until = oslo_date(now) - timedelta(days=1)
        session.add(guardianship)
    assert consents.consents_needing_renewal(cast.plan_id, now) == [view.id]
    assert consents.consents_needing_renewal("1", now) == []
    assert consents.consents_needing_renewal(10_000, now) == []
    # The owner is told, and gets a new version to sign herself (not "up to date").
    assert consents.renewal_needed(cast.owner_id, cast.plan_id)
    renewed = consents.draft_consent(cast.owner_id, cast.plan_id)
    assert renewed.version == view.version + 1 and renewed.status == "awaiting_signature"
    with pytest.raises(AccessDenied):
        consents.renewal_needed(cast.next_of_kin_id, cast.plan_id)


def test_a_parents_consent_needs_renewal_once_the_owner_turns_16(cast, guardian_phone):
    today = oslo_date(utcnow())
    birth = add_months(today, -12 * 15) - timedelta(days=100)  # 15 years and about 100 days old
    with db.transaction() as session:
        owner = session.get(Person, cast.owner_id)
        owner.birth_date = birth
        guardianship = session.exec(select(Guardianship)).one()
        guardianship.basis = "parent_of_minor"
        session.add_all([owner, guardianship])
    view = consents.draft_consent(cast.guardian_id, cast.plan_id)
    assert sign_with(cast.guardian_id, cast, view, guardian_phone).signed_as == "guardian"
    sixteenth = add_months(birth, 12 * 16)
    assert consents.consents_needing_renewal(cast.plan_id, oslo_to_utc(sixteenth - timedelta(days=1), 12)) == []
    assert consents.consents_needing_renewal(cast.plan_id, oslo_to_utc(sixteenth, 12)) == [view.id]


def test_an_owner_signature_never_needs_renewal(cast, owner_phone):
    view = consents.draft_consent(cast.owner_id, cast.plan_id)
    sign_with(cast.owner_id, cast, view, owner_phone)
    with db.transaction() as session:
        guardianship = session.exec(select(Guardianship)).one()
        guardianship.valid_until = guardianship.valid_from
        session.add(guardianship)
    assert consents.consents_needing_renewal(cast.plan_id, utcnow()) == []


# --- withdrawing ---------------------------------------------------------------------------------


def test_withdrawing_stops_the_sharing_at_once(cast, owner_phone):
    view = consents.draft_consent(cast.owner_id, cast.plan_id)
    refused("not_signed", consents.withdraw, cast.owner_id, cast.plan_id, view.id)
    sign_with(cast.owner_id, cast, view, owner_phone)
    assert nok_can_read_goals(cast)

    withdrawn = consents.withdraw(cast.owner_id, cast.plan_id, view.id)
    assert withdrawn.status == "withdrawn" and withdrawn.withdrawn_at is not None
    assert not nok_can_read_goals(cast)
    assert nok_goals_reason(cast) == "consent_withdrawn"
    refused("already_withdrawn", consents.withdraw, cast.owner_id, cast.plan_id, view.id)
    refused("withdrawn", consents.signing_options, cast.owner_id, cast.plan_id, view.id, view.document_sha256)
    # The signature stays verifiable evidence of what was once agreed.
    assert consents.verify_consent(consent_row(view.id)).ok


def test_withdrawing_the_latest_version_also_withdraws_earlier_signed_ones(cast, owner_phone, guardian_phone):
    first = consents.draft_consent(cast.owner_id, cast.plan_id)
    sign_with(cast.owner_id, cast, first, owner_phone)
    add_grant(cast, cast.coordinator_id, ("notes",))
    second = consents.draft_consent(cast.guardian_id, cast.plan_id)
    sign_with(cast.guardian_id, cast, second, guardian_phone)
    consents.withdraw(cast.guardian_id, cast.plan_id, second.id)
    assert consent_row(first.id).withdrawn_at is not None
    assert consent_row(first.id).withdrawn_by_person_id == cast.guardian_id
    assert not nok_can_read_goals(cast)


def test_next_of_kin_and_coordinator_can_neither_sign_nor_withdraw(cast, owner_phone):
    view = consents.draft_consent(cast.owner_id, cast.plan_id)
    others = [cast.next_of_kin_id, cast.coordinator_id, cast.provider_id, cast.unit_admin_id]
    phones = {person: _register(person) for person in others}
    owner_options = options_for(cast.owner_id, cast, view)
    before = all_consents()
    for person in others:
        with pytest.raises(AccessDenied):
            consents.signing_options(person, cast.plan_id, view.id, view.document_sha256)
        with pytest.raises(AccessDenied):
            consents.sign(person, cast.plan_id, view.id, phones[person].authenticate(owner_options))
    assert all_consents() == before
    denied = [e for e in audit_events("sign_consent") if e.outcome == "denied"]
    assert {e.actor_person_id for e in denied} == set(others)

    sign_with(cast.owner_id, cast, view, owner_phone)
    before = all_consents()
    for person in [*others, None]:
        with pytest.raises(AccessDenied):
            consents.withdraw(person, cast.plan_id, view.id)
    assert all_consents() == before and nok_can_read_goals(cast)


def test_a_consent_of_another_plan_is_not_found(cast, owner_phone):
    with db.transaction() as session:
        second = load_demo(session)
    theirs = consents.draft_consent(second.owner_id, second.plan_id)
    refused("no_such_consent", consents.signing_options, cast.owner_id, cast.plan_id, theirs.id,
            theirs.document_sha256)
    refused("no_such_consent", consents.withdraw, cast.owner_id, cast.plan_id, theirs.id)
    with pytest.raises(AccessDenied):
        consents.signing_options(cast.owner_id, second.plan_id, theirs.id, theirs.document_sha256)


# --- forged input --------------------------------------------------------------------------------

FORGED_PAYLOADS = [
    None, "", "{}", 42, 4.2, True, [], ["id"], b"\x00", {}, {"id": 1},
    {"error": "NotAllowedError"}, {"error": "AbortError"}, {"error": ["x"]}, {"error": None},
    {"id": "AA", "rawId": "AA", "type": "public-key", "response": {}},
    {"id": "AA", "rawId": "AA", "type": "public-key",
     "response": {"clientDataJSON": "!!", "authenticatorData": "AA", "signature": "AA"}},
    {"id": "A" * 200_000},
    {"nested": [[[[[]]]]] * 10},
]


def test_forged_payloads_give_clean_errors_and_change_nothing(cast, owner_phone):
    view = consents.draft_consent(cast.owner_id, cast.plan_id)
    options_for(cast.owner_id, cast, view)
    before = all_consents()
    for payload in FORGED_PAYLOADS:
        with pytest.raises(ConsentError) as caught:
            consents.sign(cast.owner_id, cast.plan_id, view.id, payload)
        assert caught.value.code in {"bad_input", "cancelled"}, (payload, caught.value)
    cyclic: dict = {}
    cyclic["self"] = cyclic
    refused("bad_input", consents.sign, cast.owner_id, cast.plan_id, view.id, cyclic)
    for consent_id in ("1", None, True, 1.0, [view.id], -1, 2**70):
        with pytest.raises(ConsentError) as caught:
            consents.sign(cast.owner_id, cast.plan_id, consent_id, {})
        assert caught.value.code in {"bad_input", "no_such_consent"}
        with pytest.raises(ConsentError) as caught:
            consents.withdraw(cast.owner_id, cast.plan_id, consent_id)
        assert caught.value.code in {"bad_input", "no_such_consent"}
    for shown in (None, 123, b"\x00" * 64, "", "a" * 63, ["x"]):
        refused("bad_input", consents.signing_options, cast.owner_id, cast.plan_id, view.id, shown)
    for plan_id in ("1", None, True, 1.5):
        with pytest.raises(AccessDenied):
            consents.sign(cast.owner_id, plan_id, view.id, {})
    assert all_consents() == before
    assert sign_with(cast.owner_id, cast, view, owner_phone).signed_as == "owner"


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=10), inner, max_size=4),
    max_leaves=20,
)


@hypothesis_settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(response=st.dictionaries(
    st.sampled_from(["clientDataJSON", "authenticatorData", "signature", "userHandle"]),
    json_values | st.text(alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_", max_size=80),
))
def test_fuzzed_assertions_are_refused_cleanly(cast, owner_phone, response):
    view = consents.draft_consent(cast.owner_id, cast.plan_id)
    options_for(cast.owner_id, cast, view)  # so the payload itself is what gets refused
    credential_id = b64url(owner_phone.credentials[0].credential_id)
    payload = {"id": credential_id, "rawId": credential_id, "type": "public-key", "response": response}
    with pytest.raises(ConsentError) as caught:
        consents.sign(cast.owner_id, cast.plan_id, view.id, payload)
    assert caught.value.code in consents.ERROR_CODES
    assert consent_row(view.id).signed_at is None


def test_verify_consents_command_reports_a_tampered_consent(tmp_path, monkeypatch):
    """The command a person runs to re-check every signature: 0 when all verify, 1 naming the bad one."""
    import subprocess
    import sys

    from ipapp.startup import upgrade_to_head

    url = f"sqlite:///{tmp_path}/cli.sqlite3"
    upgrade_to_head(url)
    env = {**__import__("os").environ, "IPAPP_ENV": "development", "DATABASE_URL": url}
    run = lambda: subprocess.run([sys.executable, "-m", "ipapp.cli", "verify-consents"],  # noqa: E731
                                 env=env, capture_output=True, text=True, timeout=120)
    clean = run()
    assert clean.returncode == 0 and "0 signed consents verify" in clean.stdout
    engine = db.make_engine(url)
    with engine.begin() as connection:  # a consent claiming a signature it does not have
        connection.exec_driver_sql(
            "INSERT INTO person (id, given_name, family_name, locale, created_at) VALUES (1, 'A', 'B', 'nb', '2026-01-01')")
        connection.exec_driver_sql(
            "INSERT INTO plan (id, owner_person_id, status, period_start, next_review_on, created_at, updated_at) "
            "VALUES (1, 1, 'active', '2026-01-01', '2027-01-01', '2026-01-01', '2026-01-01')")
        connection.exec_driver_sql(
            "INSERT INTO consent (id, plan_id, version, document, document_sha256, created_by_person_id, created_at, "
            "signer_person_id, signed_as, signed_at) VALUES (1, 1, 1, 'x', 'y', 1, '2026-01-01', 1, 'owner', '2026-01-02')")
    engine.dispose()
    broken = run()
    assert broken.returncode == 1 and "consent 1 (plan 1, version 1) does not verify" in broken.stderr
