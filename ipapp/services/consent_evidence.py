"""Re-verifying consent signatures from the stored evidence alone (the verify-consents command):
never the signed flag, always the assertion against the stored key, document and challenge."""


import hashlib
import hmac
import json
import logging

from sqlmodel import Session, col, or_, select
from webauthn import (
    verify_authentication_response,
)
from webauthn.helpers import (
    base64url_to_bytes,
    bytes_to_base64url,
    parse_authenticator_data,
)
from webauthn.helpers.structs import (
    AuthenticationCredential,
    AuthenticatorAssertionResponse,
)

from ipapp.config import settings
from ipapp.domain.consent import (
    document_digest,
)
from ipapp.domain.vocabulary import SignedAs
from ipapp.models import (
    Consent,
)

log = logging.getLogger(__name__)
from ipapp.services.consent_core import (
    VerifyResult,
    _stored_nonce,
)

# --- verifying from the stored evidence ------------------------------------------------------


def _verify_evidence(consent: Consent, origin: str, rp_id: str) -> str:
    """"" if the stored assertion proves the signer's key signed exactly this document with this
    nonce; else the first problem found. Uses the stored columns only, never signed_at alone."""
    evidence = (
        consent.signature_credential_id,
        consent.signature_public_key,
        consent.signature_authenticator_data,
        consent.signature_client_data_json,
        consent.signature,
        consent.signature_nonce,
    )
    if consent.signed_at is None and consent.signer_person_id is None and all(e is None for e in evidence):
        return "unsigned"
    if any(e is None for e in evidence) or consent.signed_at is None or consent.signer_person_id is None:
        return "missing_evidence"
    if consent.signed_as not in {s.value for s in SignedAs}:
        return "signed_as"
    if not isinstance(consent.document, str):
        return "malformed"
    digest = document_digest(consent.document)
    if not hmac.compare_digest(digest.hex(), str(consent.document_sha256)):
        return "document_hash"
    nonce = _stored_nonce(consent.signature_nonce)
    if nonce is None:
        return "malformed"
    expected = digest + nonce
    client_json = bytes(consent.signature_client_data_json)
    try:
        client = json.loads(client_json)
    except ValueError:
        return "client_data"
    if not isinstance(client, dict) or client.get("type") != "webauthn.get":
        return "client_data"
    challenge = client.get("challenge")
    try:
        challenge_bytes = base64url_to_bytes(challenge) if isinstance(challenge, str) else None
    except Exception:
        challenge_bytes = None
    if challenge_bytes is None or not hmac.compare_digest(challenge_bytes, expected):
        return "challenge"
    if client.get("origin") != origin or client.get("crossOrigin") is True:
        return "origin"
    auth_data_bytes = bytes(consent.signature_authenticator_data)
    try:
        auth_data = parse_authenticator_data(auth_data_bytes)
    except Exception:
        return "authenticator_data"
    if not hmac.compare_digest(auth_data.rp_id_hash, hashlib.sha256(rp_id.encode()).digest()):
        return "rp_id"
    if not (auth_data.flags.up and auth_data.flags.uv):
        return "user_verification"
    credential_id = bytes(consent.signature_credential_id)
    try:
        # py_webauthn repeats the checks above and verifies the ES256/RS256/EdDSA signature over
        # authenticatorData || SHA-256(clientDataJSON) with the stored COSE public key.
        verify_authentication_response(
            credential=AuthenticationCredential(
                id=bytes_to_base64url(credential_id),
                raw_id=credential_id,
                response=AuthenticatorAssertionResponse(
                    client_data_json=client_json,
                    authenticator_data=auth_data_bytes,
                    signature=bytes(consent.signature),
                ),
            ),
            expected_challenge=expected,
            expected_rp_id=rp_id,
            expected_origin=origin,
            credential_public_key=bytes(consent.signature_public_key),
            credential_current_sign_count=0,
            require_user_verification=True,
        )
    except Exception:
        return "signature"
    return ""


def verify_consent(consent: Consent, *, origin: str | None = None, rp_id: str | None = None) -> VerifyResult:
    """Re-verify one consent's signature from its stored evidence alone; never raises.

    `origin` / `rp_id` default to the configured ones; pass the old ones after a domain move.
    """
    origin = origin if origin is not None else settings().public_origin
    rp_id = rp_id if rp_id is not None else settings().rp_id
    try:
        problem = _verify_evidence(consent, origin, rp_id)
    except Exception:  # evidence is data; whatever shape it has, the answer is "not verified"
        log.exception("unexpected error verifying consent %s", getattr(consent, "id", None))
        problem = "malformed"
    return VerifyResult(
        consent_id=getattr(consent, "id", None),
        plan_id=getattr(consent, "plan_id", None),
        version=getattr(consent, "version", None),
        signer_person_id=getattr(consent, "signer_person_id", None),
        signed_as=getattr(consent, "signed_as", None),
        ok=problem == "",
        problem=problem,
    )


def verify_all(session: Session) -> list[VerifyResult]:
    """Every consent that claims a signature (any signature column or signed_at set), verified."""
    claimed = session.exec(
        select(Consent)
        .where(
            or_(
                col(Consent.signed_at).is_not(None),
                col(Consent.signer_person_id).is_not(None),
                col(Consent.signature).is_not(None),
                col(Consent.signature_client_data_json).is_not(None),
                col(Consent.signature_authenticator_data).is_not(None),
            )
        )
        .order_by(col(Consent.id))
    ).all()
    return [verify_consent(c) for c in claimed]
