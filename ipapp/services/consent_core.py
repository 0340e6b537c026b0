"""What every part of consent shares: the refusal codes and ConsentError, the views, the checks
of what a browser sends, and the signer. The use cases are in ipapp.services.consents (the door
pages use: withdrawing, and drafting and renewal re-exported from consent_drafting and
consent_renewal), consent_signing and consent_evidence."""


import json
import logging
from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session, col, func, select
from webauthn.helpers import (
    parse_authentication_credential_json,
    parse_client_data_json,
)
from webauthn.helpers.structs import (
    AuthenticationCredential,
)

from ipapp import policy
from ipapp.auth.passkeys import MAX_PAYLOAD_CHARS
from ipapp.domain.consent import NONCE_BYTES
from ipapp.db import CommitThenRaise
from ipapp.domain.loggable import loggable
from ipapp.domain.vocabulary import AccountStatus, SignedAs
from ipapp.models import (
    Account,
    Consent,
    Person,
)

log = logging.getLogger(__name__)


ERROR_CODES = frozenset(
    {
        "bad_input",  # a malformed id, hash or browser payload
        "cancelled",  # the person cancelled the passkey dialog (or it timed out)
        "no_such_consent",  # no consent with this id on this plan
        "nothing_to_consent",  # draft: the plan has no current grant to consent to
        "up_to_date",  # draft: the latest signed version already covers exactly these grants
        "changed",  # the document is not the one the person was shown; show it again
        "superseded",  # a newer version of the consent exists; show that one
        "already_signed",
        "withdrawn",  # signing: the consent was withdrawn
        "not_signed",  # withdrawing: there is no signature to withdraw
        "already_withdrawn",
        "disabled",  # the signer's account is missing or not active
        "no_passkey",  # the signer has no passkey to sign with
        "recovered_key_waiting",  # only keys added by a recovery code under 24 hours ago
        "challenge",  # not the challenge issued for this consent, or used or expired
        "unknown_credential",  # no passkey with this credential id
        "not_own_credential",  # a passkey, but not the signer's own
        "user_handle",  # the assertion's user handle is not the signer's
        "verification",  # py_webauthn refused the assertion (signature, origin, UV, ...)
        "counter",  # sign count did not grow: possibly a cloned authenticator
    }
)
BROWSER_ERRORS = {"NotAllowedError": "cancelled", "AbortError": "cancelled"}
NONE_GIVEN_PURPOSE = ""  # canonical_document says "Ikke oppgitt." for an empty purpose


class ConsentError(CommitThenRaise):
    """A refused consent operation. `code` is stable (ERROR_CODES); never show `detail` to people.

    It commits what the unit of work wrote so far, which by construction is only audit events:
    every refusal is raised before this module changes a consent.
    """

    def __init__(self, code: str, detail: str = "") -> None:
        if code not in ERROR_CODES:
            raise ValueError(f"unknown ConsentError code {code!r}")
        super().__init__(f"{code}: {detail}" if detail else code)
        self.code = code
        self.detail = detail


def _refuse(code: str, detail: str, level: int = logging.INFO) -> ConsentError:
    detail = loggable(detail)
    log.log(level, "consent refused (%s): %s", code, detail)
    return ConsentError(code, detail)


# --- views -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ConsentView:
    id: int
    plan_id: int
    version: int
    document: str  # show exactly this text (preformatted), and pass document_sha256 back
    document_sha256: str
    status: str  # "awaiting_signature" | "signed" | "withdrawn" | "superseded"
    signed_as: str | None
    signer_name: str
    signed_at: datetime | None
    withdrawn_at: datetime | None


@dataclass(frozen=True)
class SignedView:
    consent_id: int
    plan_id: int
    version: int
    signed_as: str
    signed_at: datetime


@dataclass(frozen=True)
class VerifyResult:
    consent_id: int | None
    plan_id: int | None
    version: int | None
    signer_person_id: int | None
    signed_as: str | None
    ok: bool
    problem: str  # "" when ok; else a short code, see _verify_evidence


def _latest_version(session: Session, plan_id: int) -> int:
    return session.exec(select(func.max(Consent.version)).where(Consent.plan_id == plan_id)).one() or 0


def _latest_consent(session: Session, plan_id: int) -> Consent | None:
    return session.exec(
        select(Consent).where(Consent.plan_id == plan_id).order_by(col(Consent.version).desc())
    ).first()


def _view(session: Session, consent: Consent) -> ConsentView:
    if consent.withdrawn_at is not None:
        status = "withdrawn"
    elif consent.signed_at is not None:
        status = "signed"
    elif consent.version < _latest_version(session, consent.plan_id):
        status = "superseded"
    else:
        status = "awaiting_signature"
    signer = session.get(Person, consent.signer_person_id) if consent.signer_person_id else None
    return ConsentView(
        id=consent.id,
        plan_id=consent.plan_id,
        version=consent.version,
        document=consent.document,
        document_sha256=consent.document_sha256,
        status=status,
        signed_as=consent.signed_as,
        signer_name=signer.full_name if signer else "",
        signed_at=consent.signed_at,
        withdrawn_at=consent.withdrawn_at,
    )


# --- input checks --------------------------------------------------------------------------------


MAX_ID = 2**63 - 1  # a larger int cannot even be sent to the database as a parameter


def _int_id(value: object) -> int | None:
    ok = isinstance(value, int) and not isinstance(value, bool) and 0 < value <= MAX_ID
    return value if ok else None


def _target(consent_id: object) -> str:
    cid = _int_id(consent_id)
    return f"consent:{cid}" if cid is not None else "consent"


def _consent_of_plan(session: Session, plan_id: int, consent_id: object) -> Consent:
    cid = _int_id(consent_id)
    if cid is None:
        raise _refuse("bad_input", f"consent id of type {type(consent_id).__name__}")
    consent = session.get(Consent, cid)
    # A consent of another plan is treated exactly like a missing one.
    if consent is None or consent.plan_id != plan_id:
        raise _refuse("no_such_consent", f"consent {cid} not on plan {plan_id}")
    return consent


def _signability_problem(session: Session, consent: Consent) -> str | None:
    if consent.withdrawn_at is not None:
        return "withdrawn"
    if consent.signed_at is not None:
        return "already_signed"
    if consent.version < _latest_version(session, consent.plan_id):
        return "superseded"
    return None


def _check_payload(credential: object) -> AuthenticationCredential:
    """The browser's toJSON() dict of an assertion, parsed; anything else is ConsentError."""
    if not isinstance(credential, dict):
        raise _refuse("bad_input", f"payload is {type(credential).__name__}, not an object")
    if "error" in credential:
        name = credential.get("error")
        code = BROWSER_ERRORS.get(name) if isinstance(name, str) else None
        raise _refuse(code or "bad_input", f"browser reported {str(name)[:80]!r}")
    try:
        size = len(json.dumps(credential))
    except Exception as exc:  # cycles, odd types, absurd nesting
        raise _refuse("bad_input", f"payload not serialisable: {type(exc).__name__}") from None
    if size > MAX_PAYLOAD_CHARS:
        raise _refuse("bad_input", f"payload of {size} characters")
    try:
        return parse_authentication_credential_json(credential)
    except Exception as exc:  # the parser raises several kinds, including binascii errors
        raise _refuse("bad_input", f"assertion payload: {exc}") from None


def _client_data(raw: bytes):
    try:
        return parse_client_data_json(raw)
    except Exception as exc:
        raise _refuse("bad_input", f"clientDataJSON: {exc}") from None


# --- the signer --------------------------------------------------------------------------------


def _signer_account(session: Session, person_id: int) -> Account:
    account = session.exec(select(Account).where(Account.person_id == person_id)).first()
    if account is None or account.status != AccountStatus.ACTIVE.value:
        raise _refuse("disabled", f"person {person_id} has no active account")
    return account


def _signed_as(decision: policy.Decision) -> str:
    # The policy allows signing only as owner or acting guardian; anything else is our bug.
    if decision.acting_as == policy.ActingAs.OWNER:
        return SignedAs.OWNER.value
    if decision.acting_as == policy.ActingAs.GUARDIAN:
        return SignedAs.GUARDIAN.value
    raise RuntimeError(f"signing allowed as {decision.acting_as!r}")


def _stored_nonce(value: object) -> bytes | None:
    if not isinstance(value, str):
        return None
    try:
        nonce = bytes.fromhex(value)
    except ValueError:
        return None
    return nonce if len(nonce) == NONCE_BYTES else None
