"""Signing a consent version with the signer's own passkey: the options for the browser, then
the verified assertion stored as the signature (see ipapp.services.consents for the flow)."""


import hmac
import logging
import secrets
from dataclasses import dataclass

from sqlmodel import Session, col, select, update
from webauthn import (
    generate_authentication_options,
    options_to_json,
    verify_authentication_response,
)
from webauthn.helpers.exceptions import WebAuthnException
from webauthn.helpers.structs import (
    AuthenticationCredential,
    UserVerificationRequirement,
)

from ipapp import policy
from ipapp.auth import challenges
from ipapp.auth.passkeys import CEREMONY_TIMEOUT_MS, credential_descriptor, user_handle
from ipapp.config import settings
from ipapp import live
from ipapp.live.changes import CHANGED
from ipapp.db import transaction
from ipapp.domain.consent import (
    NONCE_BYTES,
    document_digest,
    signing_challenge,
)
from ipapp.models import (
    Consent,
    PasskeyCredential,
    utcnow,
)
from ipapp.services import audit, reminders
from ipapp.services.plan_access import (
    load_context,
    require,
)

log = logging.getLogger(__name__)
from ipapp.services.consent_core import (
    ConsentError,
    SignedView,
    _refuse,
    _latest_version,
    _target,
    _consent_of_plan,
    _signability_problem,
    _check_payload,
    _client_data,
    _signer_account,
    _signed_as,
    _stored_nonce,
)

# --- signing -----------------------------------------------------------------------------------


def signing_options(
    actor_person_id: int | None, plan_id: object, consent_id: object, shown_sha256: object
) -> str:
    """JSON for PublicKeyCredential.parseRequestOptionsFromJSON: the signer's own passkeys, user
    verification required, challenge = SHA-256(document) || fresh nonce.

    `shown_sha256` is the hex digest of the text the person was shown: they sign what they saw.
    A newer call replaces the nonce, so only the latest options of a consent can sign it.
    """
    if not isinstance(shown_sha256, str) or len(shown_sha256) != 64:
        raise _refuse("bad_input", "shown_sha256 is not a 64-character hex digest")
    with transaction() as session:
        ctx = load_context(session, actor_person_id, plan_id, utcnow())
        require(session, ctx, policy.Action.SIGN_CONSENT, None, target=_target(consent_id) + ":options")
        consent = _consent_of_plan(session, ctx.plan.id, consent_id)
        problem = _signability_problem(session, consent)
        if problem:
            raise _refuse(problem, f"consent {consent.id}")
        actual = document_digest(consent.document).hex()
        shown = shown_sha256.lower()
        # The stored digest and the stored text must agree too: a tampered row is not signable.
        if not (hmac.compare_digest(shown, actual) and hmac.compare_digest(actual, consent.document_sha256)):
            raise _refuse("changed", f"consent {consent.id} differs from the text shown")
        account = _signer_account(session, actor_person_id)
        own = session.exec(
            select(PasskeyCredential)
            .where(PasskeyCredential.account_id == account.id)
            .order_by(col(PasskeyCredential.id))
        ).all()
        if not own:
            raise _refuse("no_passkey", f"account {account.id} has no passkey")
        # A key added by a recovery code signs nothing in its first 24 hours (_check_assertion).
        ready = [row for row in own if row.may_sign_from is None or row.may_sign_from <= utcnow()]
        if not ready:
            raise _refuse("recovered_key_waiting", f"account {account.id}: only recently recovered passkeys")
        allow = [credential_descriptor(row) for row in ready]
        document, consent_row_id = consent.document, consent.id

    nonce = secrets.token_bytes(NONCE_BYTES)
    challenge = challenges.issue("sign_consent", account.id, challenge=signing_challenge(document, nonce))
    with transaction() as session:
        stored = session.exec(
            update(Consent)
            .where(
                Consent.id == consent_row_id,
                col(Consent.signed_at).is_(None),
                col(Consent.withdrawn_at).is_(None),
            )
            .values(signature_nonce=nonce.hex())
        )
        if stored.rowcount != 1:
            # Signed or withdrawn in between: say which.
            raise _refuse(_signability_problem(session, session.get(Consent, consent_row_id)) or "changed",
                          f"consent {consent_row_id} changed while preparing")
    options = generate_authentication_options(
        rp_id=settings().rp_id,
        challenge=challenge,
        timeout=CEREMONY_TIMEOUT_MS,
        allow_credentials=allow,
        user_verification=UserVerificationRequirement.REQUIRED,
    )
    return options_to_json(options)


@dataclass(frozen=True)
class _Attempt:
    """What phase one of sign() established, for the later phases and the audit of a refusal."""

    actor_person_id: int
    acting_as: str
    plan_id: int
    consent_id: int
    account_id: int
    nonce_hex: str
    expected_challenge: bytes


def _audit_sign(attempt: _Attempt, allowed: bool, reason: str, session: Session | None = None) -> None:
    def write(s: Session) -> None:
        audit.record(
            s,
            actor_person_id=attempt.actor_person_id,
            actor_role=attempt.acting_as,
            plan_id=attempt.plan_id,
            action="sign",
            section=None,
            allowed=allowed,
            reason=reason,
            target=f"consent:{attempt.consent_id}",
        )

    if session is not None:
        write(session)
        return
    with transaction() as s:
        write(s)


def _prepare_sign(actor_person_id: int | None, plan_id: object, consent_id: object) -> _Attempt:
    with transaction() as session:
        ctx = load_context(session, actor_person_id, plan_id, utcnow())
        decision = require(session, ctx, policy.Action.SIGN_CONSENT, None, target=_target(consent_id))
        consent = _consent_of_plan(session, ctx.plan.id, consent_id)
        problem = _signability_problem(session, consent)
        if problem:
            raise _refuse(problem, f"consent {consent.id}")
        account = _signer_account(session, actor_person_id)
        nonce = _stored_nonce(consent.signature_nonce)
        if nonce is None:
            raise _refuse("challenge", f"no signing options were issued for consent {consent.id}")
        return _Attempt(
            actor_person_id=actor_person_id,
            acting_as=str(decision.acting_as),
            plan_id=ctx.plan.id,
            consent_id=consent.id,
            account_id=account.id,
            nonce_hex=consent.signature_nonce,
            expected_challenge=signing_challenge(consent.document, nonce),
        )



def _check_assertion(attempt: _Attempt, parsed: AuthenticationCredential) -> tuple[PasskeyCredential, int]:
    """Every check of the browser's assertion; returns the passkey used and its new sign count."""
    client = _client_data(parsed.response.client_data_json)
    if not isinstance(client.challenge, bytes) or not hmac.compare_digest(client.challenge, attempt.expected_challenge):
        raise _refuse("challenge", f"not the challenge issued for consent {attempt.consent_id}")
    if client.cross_origin:
        raise _refuse("verification", "signed in a cross-origin frame")
    # Consumed before the remaining checks, so a response is spent even if it fails them.
    if not challenges.consume("sign_consent", attempt.expected_challenge, attempt.account_id):
        raise _refuse("challenge", f"signing challenge for consent {attempt.consent_id} used or expired")
    with transaction() as session:
        row = session.exec(
            select(PasskeyCredential).where(PasskeyCredential.credential_id == parsed.raw_id)
        ).first()
    if row is None:
        raise _refuse("unknown_credential", "no passkey with this credential id")
    if row.account_id != attempt.account_id:
        raise _refuse(
            "not_own_credential",
            f"passkey {row.id} of account {row.account_id} used to sign for account {attempt.account_id}",
            logging.WARNING,
        )
    if row.may_sign_from is not None and row.may_sign_from > utcnow():
        raise _refuse("recovered_key_waiting", f"passkey {row.id} was added by recovery less than 24 hours ago",
                      logging.WARNING)
    handle = parsed.response.user_handle
    if not isinstance(handle, bytes) or not hmac.compare_digest(handle, user_handle(attempt.account_id)):
        raise _refuse("user_handle", f"user handle does not belong to passkey {row.id}", logging.WARNING)
    s = settings()
    try:
        verified = verify_authentication_response(
            credential=parsed,
            expected_challenge=attempt.expected_challenge,
            expected_rp_id=s.rp_id,
            expected_origin=s.public_origin,
            credential_public_key=row.public_key,
            credential_current_sign_count=0,  # checked below, so a counter problem has its own code
            require_user_verification=True,
        )
    except WebAuthnException as exc:
        raise _refuse("verification", f"passkey {row.id}: {exc}") from None
    except Exception as exc:  # malformed CBOR and the like can surface as other errors
        log.exception("unexpected error verifying a consent signature with passkey %s", row.id)
        raise _refuse("verification", f"passkey {row.id}: {type(exc).__name__}") from None
    new_count = verified.new_sign_count
    if (row.sign_count or new_count) and new_count <= row.sign_count:
        raise _refuse("counter", f"passkey {row.id} sent sign count {new_count}, stored {row.sign_count}",
                      logging.WARNING)
    return row, new_count


def _store_signature(
    attempt: _Attempt, parsed: AuthenticationCredential, row: PasskeyCredential, new_count: int
) -> SignedView:
    now = utcnow()
    with transaction() as session:
        # The policy again, at the moment of writing (a guardianship may have just ended).
        ctx = load_context(session, attempt.actor_person_id, attempt.plan_id, now)
        decision = ctx.decide(policy.Action.SIGN_CONSENT, None)
        if not decision.allowed:
            require(session, ctx, policy.Action.SIGN_CONSENT, None, target=f"consent:{attempt.consent_id}")
        signed_as = _signed_as(decision)
        consent = session.get(Consent, attempt.consent_id)
        if consent is None:  # deleted with its plan while the person was signing
            raise _refuse("no_such_consent", f"consent {attempt.consent_id} vanished while signing")
        if consent.version < _latest_version(session, attempt.plan_id):
            raise _refuse("superseded", f"consent {attempt.consent_id} superseded while signing")
        counted = session.exec(
            update(PasskeyCredential)
            .where(PasskeyCredential.id == row.id, PasskeyCredential.sign_count == row.sign_count)
            .values(sign_count=new_count, last_used_at=now)
        )
        if counted.rowcount != 1:
            raise _refuse("counter", f"passkey {row.id} used concurrently or removed", logging.WARNING)
        # One conditional UPDATE: of two tabs (or a replay racing the original) only one finds the
        # row unsigned with this nonce; the other changes nothing. A refusal below still keeps the
        # counter above: the authenticator did count that use.
        written = session.exec(
            update(Consent)
            .where(
                Consent.id == attempt.consent_id,
                col(Consent.signed_at).is_(None),
                col(Consent.withdrawn_at).is_(None),
                Consent.signature_nonce == attempt.nonce_hex,
            )
            .values(
                signer_person_id=attempt.actor_person_id,
                signed_as=signed_as,
                signed_at=now,
                signature_credential_id=parsed.raw_id,
                signature_public_key=row.public_key,
                signature_authenticator_data=parsed.response.authenticator_data,
                signature_client_data_json=parsed.response.client_data_json,
                signature=parsed.response.signature,
            )
        )
        if written.rowcount != 1:
            session.refresh(consent)
            raise _refuse(_signability_problem(session, consent) or "challenge",
                          f"consent {attempt.consent_id} changed while signing")
        _audit_sign(attempt, True, decision.reason, session)
        reminders.grants_changed(session, ctx.plan, now)  # the grants now in force: their endings
        live.after_commit(session, live.plan_topic(attempt.plan_id), CHANGED)
        return SignedView(attempt.consent_id, attempt.plan_id, consent.version, signed_as, now)


def sign(actor_person_id: int | None, plan_id: object, consent_id: object, credential: object) -> SignedView:
    """Verify the browser's get() result for this consent and store it as the signature."""
    attempt = _prepare_sign(actor_person_id, plan_id, consent_id)
    try:
        parsed = _check_payload(credential)
        row, new_count = _check_assertion(attempt, parsed)
        return _store_signature(attempt, parsed, row, new_count)
    except ConsentError as exc:
        # The refusal itself is audited (verification failures are security events).
        _audit_sign(attempt, False, exc.code)
        raise
