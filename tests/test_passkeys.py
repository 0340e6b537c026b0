"""Passkeys end to end against a real software authenticator (tests/soft_authenticator.py) and a
real SQLite database: py_webauthn does the verifying, nothing is mocked.

Each refusal test also shows what is left behind (no new passkey, counter unchanged), and each
refusal has an accepted counterpart in the same test or in the happy path, so a broken setup
cannot make a refusal test pass.
"""

import json
import logging
import os
import secrets
import shutil
import subprocess
import threading
from datetime import timedelta

import pytest
from hypothesis import HealthCheck, given, settings as hypothesis_settings
from hypothesis import strategies as st
from sqlalchemy import func
from sqlmodel import Session, select

from ipapp.auth import challenges, passkeys, sessions
from ipapp.auth.passkeys import PasskeyError
from ipapp.config import reset_settings_cache, settings
from ipapp.models import Account, AuthChallenge, PasskeyCredential, Person, SignInAttempt, WebSession, utcnow
from soft_authenticator import SoftAuthenticator, b64url, from_b64url

ORIGIN = "http://localhost:3000"


# --- fixtures (local: tests/conftest.py is written by someone else) ---------------------------


@pytest.fixture
def engine(service_engine):
    return service_engine  # tests/conftest.py: an empty database the services use


def _make_account(engine, given: str, status: str = "active") -> int:
    with Session(engine) as s:
        person = Person(given_name=given, family_name="Testesen")
        s.add(person)
        s.flush()
        account = Account(person_id=person.id, status=status)
        s.add(account)
        s.commit()
        return account.id


@pytest.fixture
def alice(engine) -> int:
    return _make_account(engine, "Alice")


@pytest.fixture
def bob(engine) -> int:
    return _make_account(engine, "Bob")


@pytest.fixture
def phone() -> SoftAuthenticator:
    return SoftAuthenticator(origin=ORIGIN)


# --- helpers ---------------------------------------------------------------------------------


def register(account_id: int, authenticator: SoftAuthenticator, label: str = "Telefon", **knobs) -> int:
    response = authenticator.register(passkeys.registration_options(account_id), **knobs)
    return passkeys.finish_registration(account_id, response, label)


def sign_in(authenticator: SoftAuthenticator, **knobs) -> tuple[int, int]:
    return passkeys.finish_authentication(authenticator.authenticate(passkeys.authentication_options(), **knobs))


def refused(code: str, call, *args):
    """Run call(*args), which must raise PasskeyError with this code."""
    with pytest.raises(PasskeyError) as caught:
        call(*args)
    assert caught.value.code == code, caught.value
    return caught.value


def passkey_rows(engine) -> list[PasskeyCredential]:
    with Session(engine) as s:
        return list(s.exec(select(PasskeyCredential).order_by(PasskeyCredential.id)).all())


def stored_sign_count(engine, passkey_id: int) -> int:
    with Session(engine) as s:
        return s.get(PasskeyCredential, passkey_id).sign_count


def snapshot(engine) -> tuple:
    """Everything a refused browser payload must leave untouched."""
    with Session(engine) as s:
        keys = [(r.id, r.sign_count, r.last_used_at, r.label) for r in s.exec(select(PasskeyCredential)).all()]
        used = s.exec(select(func.count()).select_from(AuthChallenge).where(AuthChallenge.used_at.is_not(None))).one()
        return keys, used


# --- the happy path --------------------------------------------------------------------------


def test_register_then_sign_in_twenty_times(engine, alice, phone):
    passkey_id = register(alice, phone)
    seen_challenges = set()
    for attempt in range(1, 21):
        options = passkeys.authentication_options()
        seen_challenges.add(json.loads(options)["challenge"])
        assert passkeys.finish_authentication(phone.authenticate(options)) == (alice, passkey_id)
        assert stored_sign_count(engine, passkey_id) == attempt
    assert len(seen_challenges) == 20  # a fresh challenge every time
    [row] = passkey_rows(engine)
    assert row.account_id == alice and row.label == "Telefon" and row.last_used_at is not None
    assert row.transports == "hybrid,internal"


def test_registration_options_demand_discoverable_verified_credentials(engine, alice, phone):
    options = json.loads(passkeys.registration_options(alice))
    assert options["rp"]["id"] == "localhost"
    assert options["authenticatorSelection"]["residentKey"] == "required"
    assert options["authenticatorSelection"]["requireResidentKey"] is True
    assert options["authenticatorSelection"]["userVerification"] == "required"
    assert options["attestation"] == "none"
    assert options["user"]["name"] == "Alice Testesen"
    assert options["excludeCredentials"] == []
    passkey_id = register(alice, phone)
    # A second registration excludes the passkey the account already has.
    again = json.loads(passkeys.registration_options(alice))
    [row] = passkey_rows(engine)
    assert [c["id"] for c in again["excludeCredentials"]] == [b64url(row.credential_id)]
    assert passkey_id == row.id


def test_user_handle_is_stable_opaque_and_per_account(engine, alice, bob, monkeypatch):
    handle = passkeys.user_handle(alice)
    assert handle == passkeys.user_handle(alice)
    assert handle != passkeys.user_handle(bob)
    assert len(handle) == 32
    options = json.loads(passkeys.registration_options(alice))
    assert from_b64url(options["user"]["id"]) == handle
    # Not the database id in clear: it is keyed, so without the secret key it cannot be derived.
    assert handle not in {str(alice).encode(), alice.to_bytes(8, "big"), alice.to_bytes(32, "big")}
    monkeypatch.setenv("IPAPP_IDENTITY_KEY", "another-secret-key-of-enough-length")
    reset_settings_cache()
    assert passkeys.user_handle(alice) != handle


def test_authentication_options_are_discoverable_with_user_verification(engine):
    options = json.loads(passkeys.authentication_options())
    assert options["rpId"] == "localhost"
    assert options["allowCredentials"] == []
    assert options["userVerification"] == "required"
    assert len(from_b64url(options["challenge"])) == 32


# --- user verification -----------------------------------------------------------------------


def test_registration_without_user_verification_is_refused(engine, alice, phone):
    options = passkeys.registration_options(alice)
    response = phone.register(options, user_verified=False)
    refused("verification", passkeys.finish_registration, alice, response, "Telefon")
    assert passkey_rows(engine) == []
    # The challenge was spent by the failed attempt: the same ceremony cannot be retried with UV.
    refused("challenge", passkeys.finish_registration, alice, phone.register(options), "Telefon")
    register(alice, phone)  # a fresh ceremony with UV works
    assert len(passkey_rows(engine)) == 1


def test_sign_in_without_user_verification_is_refused(engine, alice, phone):
    passkey_id = register(alice, phone)
    options = passkeys.authentication_options()
    refused("verification", passkeys.finish_authentication, phone.authenticate(options, user_verified=False))
    assert stored_sign_count(engine, passkey_id) == 0
    assert sign_in(phone) == (alice, passkey_id)


# --- challenges: replay, expiry, foreign, wrong purpose -------------------------------------


def test_replayed_registration_is_refused(engine, alice, phone):
    response = phone.register(passkeys.registration_options(alice))
    passkeys.finish_registration(alice, response, "Telefon")
    refused("challenge", passkeys.finish_registration, alice, response, "Telefon")
    assert len(passkey_rows(engine)) == 1


def test_replayed_assertion_is_refused(engine, alice, phone):
    passkey_id = register(alice, phone)
    response = phone.authenticate(passkeys.authentication_options())
    assert passkeys.finish_authentication(response) == (alice, passkey_id)
    refused("challenge", passkeys.finish_authentication, response)
    assert stored_sign_count(engine, passkey_id) == 1


def test_expired_registration_challenge_is_refused(engine, alice, phone):
    response = phone.register(passkeys.registration_options(alice))
    with Session(engine) as s:  # the challenge ran out a second ago
        for row in s.exec(select(AuthChallenge)).all():
            row.expires_at = utcnow() - timedelta(seconds=1)
            s.add(row)
        s.commit()
    refused("challenge", passkeys.finish_registration, alice, response, "Telefon")
    assert passkey_rows(engine) == []


def test_expired_sign_in_challenge_is_refused(engine, alice, phone, monkeypatch):
    passkey_id = register(alice, phone)
    response = phone.authenticate(passkeys.authentication_options())
    later = utcnow() + challenges.CHALLENGE_LIFETIME + timedelta(seconds=1)
    monkeypatch.setattr(challenges, "utcnow", lambda: later)  # the person took too long
    refused("challenge", passkeys.finish_authentication, response)
    monkeypatch.undo()
    assert stored_sign_count(engine, passkey_id) == 0
    # Just before expiry is still fine.
    response = phone.authenticate(passkeys.authentication_options())
    almost = utcnow() + challenges.CHALLENGE_LIFETIME - timedelta(seconds=5)
    monkeypatch.setattr(challenges, "utcnow", lambda: almost)
    assert passkeys.finish_authentication(response) == (alice, passkey_id)


def test_challenge_we_never_issued_is_refused(engine, alice, phone):
    foreign = secrets.token_bytes(32)
    response = phone.register(passkeys.registration_options(alice), challenge=foreign)
    refused("challenge", passkeys.finish_registration, alice, response, "Telefon")
    assert passkey_rows(engine) == []
    passkey_id = register(alice, phone)
    response = phone.authenticate(passkeys.authentication_options(), challenge=foreign)
    refused("challenge", passkeys.finish_authentication, response)
    assert stored_sign_count(engine, passkey_id) == 0


def test_registration_challenge_cannot_sign_in(engine, alice, phone):
    passkey_id = register(alice, phone)
    registration_challenge = from_b64url(json.loads(passkeys.registration_options(alice))["challenge"])
    response = phone.authenticate(passkeys.authentication_options(), challenge=registration_challenge)
    refused("challenge", passkeys.finish_authentication, response)
    assert stored_sign_count(engine, passkey_id) == 0


def test_sign_in_challenge_cannot_register(engine, alice, phone):
    sign_in_challenge = from_b64url(json.loads(passkeys.authentication_options())["challenge"])
    response = phone.register(passkeys.registration_options(alice), challenge=sign_in_challenge)
    refused("challenge", passkeys.finish_registration, alice, response, "Telefon")
    assert passkey_rows(engine) == []


def test_registration_challenge_is_bound_to_its_account(engine, alice, bob, phone):
    # Options made for Bob, answered and sent in as Alice: the passkey must not land on Alice.
    response = phone.register(passkeys.registration_options(bob))
    refused("challenge", passkeys.finish_registration, alice, response, "Telefon")
    assert passkey_rows(engine) == []


# --- whose credential ------------------------------------------------------------------------


def test_user_handle_of_another_account_is_refused(engine, alice, bob, phone):
    alice_key = register(alice, phone)
    bobs_phone = SoftAuthenticator(origin=ORIGIN)
    bob_key = register(bob, bobs_phone)
    # Alice's valid signature, but claiming Bob's handle (the signature does not cover userHandle).
    response = phone.authenticate(passkeys.authentication_options(), user_handle=passkeys.user_handle(bob))
    refused("user_handle", passkeys.finish_authentication, response)
    # And Bob's credential with Alice's handle.
    response = bobs_phone.authenticate(passkeys.authentication_options(), user_handle=passkeys.user_handle(alice))
    refused("user_handle", passkeys.finish_authentication, response)
    assert stored_sign_count(engine, alice_key) == 0 and stored_sign_count(engine, bob_key) == 0
    assert sign_in(phone) == (alice, alice_key)
    assert sign_in(bobs_phone) == (bob, bob_key)


def test_missing_user_handle_is_refused(engine, alice, phone):
    register(alice, phone)
    response = phone.authenticate(passkeys.authentication_options())
    response["response"]["userHandle"] = None
    refused("user_handle", passkeys.finish_authentication, response)


def test_unregistered_credential_is_refused(engine, alice, phone):
    stranger = SoftAuthenticator(origin=ORIGIN)
    stranger.register(passkeys.registration_options(alice))  # made, never sent to us
    refused("unknown_credential", sign_in, stranger)


def test_signature_by_another_key_is_refused(engine, alice, bob, phone):
    """Bob's authenticator signs, but presents Alice's credential id and handle."""
    register(alice, phone)
    bobs_phone = SoftAuthenticator(origin=ORIGIN)
    register(bob, bobs_phone)
    response = bobs_phone.authenticate(passkeys.authentication_options(), user_handle=passkeys.user_handle(alice))
    response["id"] = response["rawId"] = b64url(phone.credentials[-1].credential_id)
    refused("verification", passkeys.finish_authentication, response)


# --- origin and RP ID ------------------------------------------------------------------------


@pytest.mark.parametrize("origin", ["https://evil.example", "http://localhost:3001", "https://localhost:3000"])
def test_foreign_origin_is_refused(engine, alice, phone, origin):
    response = phone.register(passkeys.registration_options(alice), origin=origin)
    refused("verification", passkeys.finish_registration, alice, response, "Telefon")
    assert passkey_rows(engine) == []
    passkey_id = register(alice, phone)
    response = phone.authenticate(passkeys.authentication_options(), origin=origin)
    refused("verification", passkeys.finish_authentication, response)
    assert stored_sign_count(engine, passkey_id) == 0


@pytest.mark.parametrize("rp_id", ["evil.example", "localhost.evil.example", "ipapp.no"])
def test_foreign_rp_id_is_refused(engine, alice, phone, rp_id):
    response = phone.register(passkeys.registration_options(alice), rp_id=rp_id)
    refused("verification", passkeys.finish_registration, alice, response, "Telefon")
    assert passkey_rows(engine) == []
    passkey_id = register(alice, phone)
    response = phone.authenticate(passkeys.authentication_options(), rp_id=rp_id)
    refused("verification", passkeys.finish_authentication, response)
    assert stored_sign_count(engine, passkey_id) == 0


def test_origin_and_rp_id_follow_settings(engine, alice, monkeypatch):
    monkeypatch.setenv("IPAPP_ORIGIN", "https://ipapp.example.no")
    reset_settings_cache()
    assert settings().rp_id == "ipapp.example.no"
    phone = SoftAuthenticator(origin="https://ipapp.example.no")
    passkey_id = register(alice, phone)
    assert sign_in(phone) == (alice, passkey_id)
    # The old development origin is now foreign.
    response = phone.authenticate(passkeys.authentication_options(), origin=ORIGIN)
    refused("verification", passkeys.finish_authentication, response)


# --- duplicates ------------------------------------------------------------------------------


def test_duplicate_credential_id_is_refused_for_any_account(engine, alice, bob, phone):
    shared_id = secrets.token_bytes(32)
    first = register(alice, phone, credential_id=shared_id)
    # Another key pair claiming the same credential id, for Bob and for Alice again.
    bob_response = SoftAuthenticator(origin=ORIGIN).register(passkeys.registration_options(bob), credential_id=shared_id)
    refused("duplicate", passkeys.finish_registration, bob, bob_response, "Telefon")
    alice_response = SoftAuthenticator(origin=ORIGIN).register(passkeys.registration_options(alice), credential_id=shared_id)
    refused("duplicate", passkeys.finish_registration, alice, alice_response, "Telefon")
    [row] = passkey_rows(engine)
    assert row.id == first and row.account_id == alice


def test_browser_reports_already_registered_as_duplicate(engine, alice):
    # Chrome and Safari answer excludeCredentials with InvalidStateError.
    refused("duplicate", passkeys.finish_registration, alice, {"error": "InvalidStateError"}, "Telefon")


# --- the signature counter -------------------------------------------------------------------


def test_sign_count_that_does_not_grow_is_refused_and_logged(engine, alice, phone, caplog):
    passkey_id = register(alice, phone)
    assert sign_in(phone, sign_count=5) == (alice, passkey_id)
    caplog.set_level(logging.WARNING, logger="ipapp.auth.passkeys")
    for stale in (5, 4, 0):
        response = phone.authenticate(passkeys.authentication_options(), sign_count=stale)
        refused("counter", passkeys.finish_authentication, response)
        assert stored_sign_count(engine, passkey_id) == 5
    warnings = [r for r in caplog.records if r.levelno == logging.WARNING and "cloned" in r.getMessage()]
    assert len(warnings) == 3
    assert sign_in(phone, sign_count=6) == (alice, passkey_id)
    assert stored_sign_count(engine, passkey_id) == 6


def test_authenticators_that_do_not_count_are_accepted(engine, alice):
    # Many synced passkeys report 0 every time; 0 after 0 is not a clone signal.
    quiet = SoftAuthenticator(origin=ORIGIN, counts=False)
    passkey_id = register(alice, quiet)
    for _ in range(3):
        assert sign_in(quiet) == (alice, passkey_id)
    assert stored_sign_count(engine, passkey_id) == 0


def test_concurrent_sign_ins_with_one_count_cannot_both_pass(engine, alice, phone):
    """Two assertions with the same count (a cloned key used twice at once): the second must lose
    even though each carries its own valid challenge."""
    passkey_id = register(alice, phone)
    first = phone.authenticate(passkeys.authentication_options(), sign_count=1)
    second = phone.authenticate(passkeys.authentication_options(), sign_count=1)
    assert passkeys.finish_authentication(first) == (alice, passkey_id)
    refused("counter", passkeys.finish_authentication, second)


# --- accounts that may not sign in ----------------------------------------------------------


def test_disabled_account_cannot_sign_in_or_register(engine, alice, phone):
    passkey_id = register(alice, phone)
    with Session(engine) as s:
        account = s.get(Account, alice)
        account.status = "disabled"
        s.add(account)
        s.commit()
    refused("disabled", sign_in, phone)
    assert stored_sign_count(engine, passkey_id) == 0  # nothing recorded for a refused sign-in
    refused("disabled", passkeys.registration_options, alice)


def test_invited_account_can_register_but_not_sign_in(engine):
    invited = _make_account(engine, "Ina", status="invited")
    phone = SoftAuthenticator(origin=ORIGIN)
    register(invited, phone)  # registering the passkey is how an invitation is taken up
    refused("disabled", sign_in, phone)  # activating the account is the invitation flow's job


# --- untrusted payloads ----------------------------------------------------------------------

FORGED = [None, "x", "{}", [], 5, 1.5, True, {}, {"id": 5}, {"id": "x", "rawId": "x"}, {"error": 5}]


@pytest.mark.parametrize("payload", FORGED, ids=repr)
def test_forged_payload_is_bad_input_and_changes_nothing(engine, alice, phone, payload):
    register(alice, phone)
    passkeys.registration_options(alice)
    passkeys.authentication_options()
    before = snapshot(engine)
    refused("bad_input", passkeys.finish_registration, alice, payload, "Telefon")
    refused("bad_input", passkeys.finish_authentication, payload)
    assert snapshot(engine) == before


@pytest.mark.parametrize("name", ["NotAllowedError", "AbortError"])
def test_cancelled_ceremony_is_reported_as_cancelled(engine, alice, name):
    refused("cancelled", passkeys.finish_registration, alice, {"error": name}, "Telefon")
    refused("cancelled", passkeys.finish_authentication, {"error": name})


def _paths(value, prefix=()):
    """Every key path in a nested dict, to replace one field at a time."""
    if isinstance(value, dict):
        for key, inner in value.items():
            yield prefix + (key,)
            yield from _paths(inner, prefix + (key,))


def _replaced(payload: dict, path: tuple, new) -> dict:
    copy = json.loads(json.dumps(payload))
    target = copy
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = new
    return copy


WRONG_VALUES = [None, 5, "", "!!!not base64!!!", [], {}, "AAAA", b64url(b"{}"), True]


def test_every_field_of_a_registration_replaced_by_junk_is_refused(engine, alice, phone):
    for path in _paths(phone.register(passkeys.registration_options(alice))):
        if path in {("authenticatorAttachment",), ("clientExtensionResults",), ("response", "transports"),
                    ("response", "authenticatorData"), ("response", "publicKeyAlgorithm")}:
            continue  # hints the server does not rely on (the happy path covers them)
        for junk in WRONG_VALUES:
            # A fresh, otherwise valid ceremony each time, so only the junk can be the reason.
            good = phone.register(passkeys.registration_options(alice))
            with pytest.raises(PasskeyError):
                passkeys.finish_registration(alice, _replaced(good, path, junk), "Telefon")
    assert passkey_rows(engine) == []
    register(alice, phone)  # and the untouched response would have been accepted


def test_every_field_of_an_assertion_replaced_by_junk_is_refused(engine, alice, phone):
    passkey_id = register(alice, phone)
    for path in _paths(phone.authenticate(passkeys.authentication_options())):
        if path in {("authenticatorAttachment",), ("clientExtensionResults",)}:
            continue
        for junk in WRONG_VALUES:
            # A fresh, otherwise valid assertion each time, so only the junk can be the reason.
            good = phone.authenticate(passkeys.authentication_options(), sign_count=1)
            with pytest.raises(PasskeyError):
                passkeys.finish_authentication(_replaced(good, path, junk))
    assert stored_sign_count(engine, passkey_id) == 0
    assert sign_in(phone, sign_count=1) == (alice, passkey_id)


def test_oversized_payload_is_bad_input(engine, alice, phone):
    register(alice, phone)
    response = phone.authenticate(passkeys.authentication_options())
    response["clientExtensionResults"] = {"padding": "A" * passkeys.MAX_PAYLOAD_CHARS}
    refused("bad_input", passkeys.finish_authentication, response)


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=40),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=12), inner, max_size=5),
    max_leaves=20,
)
# Dicts shaped like a credential, with arbitrary values, reach deeper than random JSON.
credential_shaped = st.fixed_dictionaries(
    {"id": json_values | st.text(), "rawId": json_values | st.text(), "type": st.just("public-key") | json_values,
     "response": st.dictionaries(
         st.sampled_from(["clientDataJSON", "attestationObject", "authenticatorData", "signature", "userHandle"]),
         json_values | st.text(alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"),
     )}
)


@hypothesis_settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(payload=json_values | credential_shaped)
def test_arbitrary_payloads_only_ever_raise_passkey_error(engine, alice, payload):
    for call in (lambda: passkeys.finish_registration(alice, payload, "Telefon"),
                 lambda: passkeys.finish_authentication(payload)):
        with pytest.raises(PasskeyError):
            call()
    assert passkey_rows(engine) == []


@pytest.mark.parametrize("label", [None, 5, "x" * 101, "a\nb", "tab\tbed"])
def test_bad_label_at_registration_is_refused_before_anything_is_spent(engine, alice, phone, label):
    options = passkeys.registration_options(alice)
    refused("bad_input", passkeys.finish_registration, alice, phone.register(options), label)
    # The challenge was not consumed: the same ceremony succeeds with a proper label.
    phone.credentials.clear()
    passkeys.finish_registration(alice, phone.register(options), "  Jobbtelefon  ")
    [row] = passkey_rows(engine)
    assert row.label == "Jobbtelefon"


# --- managing passkeys -----------------------------------------------------------------------


def test_list_and_rename_own_passkeys_only(engine, alice, bob, phone):
    first = register(alice, phone, label="Telefon")
    second = register(alice, SoftAuthenticator(origin=ORIGIN), label="")
    bobs = register(bob, SoftAuthenticator(origin=ORIGIN), label="Bobs")
    assert [p.id for p in passkeys.list_passkeys(alice)] == [first, second]
    assert [p.label for p in passkeys.list_passkeys(bob)] == ["Bobs"]
    passkeys.rename_passkey(alice, second, "  Nettbrett 👨‍👩‍👧 ")
    assert [p.label for p in passkeys.list_passkeys(alice)] == ["Telefon", "Nettbrett 👨‍👩‍👧"]
    for bad in ["", "   ", "x" * 101, None, "a\nb"]:
        refused("bad_input", passkeys.rename_passkey, alice, first, bad)
    refused("unknown_credential", passkeys.rename_passkey, alice, bobs, "Mine nå")
    refused("unknown_credential", passkeys.rename_passkey, alice, 999_999, "Finnes ikke")
    assert [p.label for p in passkeys.list_passkeys(bob)] == ["Bobs"]
    assert passkeys.list_passkeys(alice)[0].label == "Telefon"


def test_remove_own_passkey_only(engine, alice, bob, phone):
    alice_key = register(alice, phone)
    bobs_phone = SoftAuthenticator(origin=ORIGIN)
    bob_key = register(bob, bobs_phone)
    refused("unknown_credential", passkeys.remove_passkey, alice, bob_key)
    assert [p.id for p in passkeys.list_passkeys(bob)] == [bob_key]
    assert sign_in(bobs_phone) == (bob, bob_key)
    passkeys.remove_passkey(alice, alice_key)
    assert passkeys.list_passkeys(alice) == []
    refused("unknown_credential", sign_in, phone)  # a removed passkey no longer signs in
    refused("unknown_credential", passkeys.remove_passkey, alice, alice_key)


def test_removing_a_passkey_ends_its_sessions_only(engine, alice, phone):
    lost = register(alice, phone)
    kept = register(alice, SoftAuthenticator(origin=ORIGIN))
    lost_session = sessions.start_session(alice, "test", passkey_credential_id=lost)
    kept_session = sessions.start_session(alice, "test", passkey_credential_id=kept)
    assert sessions.resolve(lost_session) is not None
    passkeys.remove_passkey(alice, lost)
    assert sessions.resolve(lost_session) is None
    assert sessions.resolve(kept_session) is not None
    with Session(engine) as s:  # revoked, not merely unlinked
        revoked = s.exec(select(WebSession).where(WebSession.revoked_at.is_not(None))).all()
        assert len(revoked) == 1


def test_someone_elses_remove_leaves_their_sessions_alone(engine, alice, bob):
    bob_key = register(bob, SoftAuthenticator(origin=ORIGIN))
    raw = sessions.start_session(bob, "test", passkey_credential_id=bob_key)
    refused("unknown_credential", passkeys.remove_passkey, alice, bob_key)
    assert sessions.resolve(raw) is not None


# --- slowing down repeated failures ----------------------------------------------------------


def test_rate_limit_after_repeated_failures(engine):
    client = "203.0.113.7"
    for _ in range(passkeys.FAILURE_LIMIT - 1):
        passkeys.record_failure(client, "passkey")
    assert not passkeys.too_many_failures(client, "passkey")
    passkeys.record_failure(client, "passkey")
    assert passkeys.too_many_failures(client, "passkey")
    # Only this client and this kind are slowed down.
    assert not passkeys.too_many_failures("203.0.113.8", "passkey")
    assert not passkeys.too_many_failures(client, "invitation")
    with Session(engine) as s:  # the address itself is not stored
        assert client not in {row.client_key for row in s.exec(select(SignInAttempt)).all()}


def test_rate_limit_forgets_old_failures(engine):
    client = "198.51.100.1"
    for _ in range(passkeys.FAILURE_LIMIT):
        passkeys.record_failure(client, "passkey")
    assert passkeys.too_many_failures(client, "passkey")
    with Session(engine) as s:
        for row in s.exec(select(SignInAttempt)).all():
            row.attempted_at = utcnow() - passkeys.FAILURE_WINDOW - timedelta(seconds=1)
            s.add(row)
        s.commit()
    assert not passkeys.too_many_failures(client, "passkey")


# --- challenges on their own -----------------------------------------------------------------


def test_challenge_is_single_use_and_bound(engine, alice, bob):
    value = challenges.issue("register", alice)
    assert len(value) == 32
    assert not challenges.consume("authenticate", value)  # other purpose
    assert not challenges.consume("register", value)  # bound to an account, none given
    assert not challenges.consume("register", value, bob)  # other account
    assert not challenges.consume("register", b"x" + value[1:], alice)  # other bytes
    assert challenges.consume("register", value, alice)
    assert not challenges.consume("register", value, alice)  # once only
    unbound = challenges.issue("authenticate")
    assert not challenges.consume("authenticate", unbound, alice)  # unbound: no account may claim it
    assert challenges.consume("authenticate", unbound)


def test_challenge_is_stored_only_as_a_hash(engine):
    value = challenges.issue("authenticate")
    with Session(engine) as s:
        [row] = s.exec(select(AuthChallenge)).all()
    assert value.hex() not in row.challenge_hash and len(row.challenge_hash) == 64


def test_given_challenge_for_consent_signing(engine, alice):
    given_challenge = bytes(range(48))  # e.g. SHA-256(document) + 16-byte nonce
    assert challenges.issue("sign_consent", alice, given_challenge) == given_challenge
    assert challenges.consume("sign_consent", given_challenge, alice)
    with pytest.raises(ValueError):
        challenges.issue("sign_consent", alice, b"short")  # guessable challenges are refused
    with pytest.raises(ValueError):
        challenges.issue("login")  # unknown purpose


@pytest.mark.parametrize("junk", [None, "text", 5, b"", [1, 2]])
def test_consume_with_junk_is_false(engine, junk):
    challenges.issue("authenticate")
    assert challenges.consume("authenticate", junk) is False


def test_concurrent_consumers_cannot_both_win(engine):
    value = challenges.issue("authenticate")
    barrier = threading.Barrier(8)
    results = []

    def consumer():
        barrier.wait()
        results.append(challenges.consume("authenticate", value))

    threads = [threading.Thread(target=consumer) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(results) == [False] * 7 + [True]


def test_purge_removes_only_long_expired_challenges(engine):
    old = challenges.issue("authenticate")
    fresh = challenges.issue("authenticate")
    with Session(engine) as s:
        row = s.exec(select(AuthChallenge).where(AuthChallenge.challenge_hash == challenges._hash(old))).one()
        row.expires_at = utcnow() - timedelta(hours=2)
        s.add(row)
        s.commit()
    assert challenges.purge_expired() == 1
    assert challenges.consume("authenticate", fresh)


# --- the browser scripts ---------------------------------------------------------------------

NODE_HARNESS = r"""
const script = require("fs").readFileSync(0, "utf8");
const mode = process.env.HARNESS_MODE;
const bytes = (s) => Uint8Array.from(Buffer.from(s, "utf8")).buffer;
globalThis.window = globalThis;
globalThis.PublicKeyCredential = function () {};  // no parse*FromJSON: exercise the fallback
// Node 24 has a read-only global navigator: define ours over it, as a browser would provide it.
Object.defineProperty(globalThis, "navigator", { configurable: true, value: { credentials: {
  create: async ({ publicKey }) => {
    if (mode === "cancel") { const e = new Error("no"); e.name = "NotAllowedError"; throw e; }
    // Echo what the script decoded, so the test can check the base64url round trip.
    return { id: "abc", rawId: publicKey.challenge, type: "public-key", authenticatorAttachment: "platform",
             response: { clientDataJSON: publicKey.user.id, attestationObject: bytes("att"),
                         getTransports: () => ["internal"] } };
  },
  get: async ({ publicKey }) => {
    if (mode === "cancel") { const e = new Error("no"); e.name = "AbortError"; throw e; }
    return { id: "abc", rawId: publicKey.challenge, type: "public-key",
             response: { clientDataJSON: bytes("cd"), authenticatorData: bytes("ad"),
                         signature: bytes("sig"), userHandle: bytes("uh") } };
  },
} } });
Promise.resolve(eval(script)).then((r) => process.stdout.write(JSON.stringify(r)));
"""


def _run_in_node(script: str, mode: str) -> dict:
    node = shutil.which("node")
    if node is None:
        pytest.skip("node is not installed")
    done = subprocess.run([node, "-e", NODE_HARNESS], input=script, capture_output=True, text=True,
                          timeout=30, check=True, env={**os.environ, "HARNESS_MODE": mode})
    return json.loads(done.stdout)


def test_register_script_returns_credential_json_or_error(engine, alice):
    options_json = passkeys.registration_options(alice)
    options = json.loads(options_json)
    script = passkeys.browser_script(passkeys.REGISTER_JS, options_json)
    assert "__OPTIONS__" not in script
    result = _run_in_node(script, "ok")
    assert result["rawId"] == options["challenge"]  # decoded and re-encoded exactly
    assert result["response"]["clientDataJSON"] == options["user"]["id"]
    assert result["response"]["transports"] == ["internal"]
    assert _run_in_node(script, "cancel") == {"error": "NotAllowedError"}
    refused("cancelled", passkeys.finish_registration, alice, {"error": "NotAllowedError"}, "x")


def test_sign_in_script_returns_credential_json_or_error(engine):
    options_json = passkeys.authentication_options()
    script = passkeys.browser_script(passkeys.SIGN_IN_JS, options_json)
    result = _run_in_node(script, "ok")
    assert result["rawId"] == json.loads(options_json)["challenge"]
    assert result["response"]["userHandle"] == b64url(b"uh")
    assert _run_in_node(script, "cancel") == {"error": "AbortError"}


def test_browser_script_refuses_non_json(engine):
    with pytest.raises(ValueError):
        passkeys.browser_script(passkeys.SIGN_IN_JS, "alert(1)")
