"""Consent: drafting a version from the plan's grants, signing it with the signer's own passkey,
withdrawing it, and re-verifying signatures from the stored evidence alone.

Flow (the UI wires it):
  draft_consent(actor, plan)                      -> ConsentView (show .document, keep .document_sha256)
  signing_options(actor, plan, consent, sha256)   -> JSON -> passkeys.browser_script(SIGN_IN_JS, ...)
  sign(actor, plan, consent, browser result)      -> SignedView
  withdraw(actor, plan, consent)                  -> ConsentView (no signature, takes effect at once)
  verify_all(session)                             -> list[VerifyResult] (the verify-consents command)

The passkey signs the challenge SHA-256(document) || nonce (ipapp.domain.consent), so the stored
assertion proves that this person's key signed exactly this text, once. Everything the browser
sends is untrusted: public functions raise only ConsentError for it (stable `.code`) or
AccessDenied (plan_access) when the policy says no; details go to the log, never to people.

Challenges are issued and consumed in their own transactions (ipapp.auth.challenges), so those
calls are made between, never inside, this module's transactions: on SQLite a write lock held
here would make them wait for ourselves.
"""

import hashlib
import hmac
import json
import logging
import secrets
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, func, or_, select, update
from webauthn import (
    generate_authentication_options,
    options_to_json,
    verify_authentication_response,
)
from webauthn.helpers import (
    base64url_to_bytes,
    bytes_to_base64url,
    parse_authentication_credential_json,
    parse_authenticator_data,
    parse_client_data_json,
)
from webauthn.helpers.exceptions import WebAuthnException
from webauthn.helpers.structs import (
    AuthenticationCredential,
    AuthenticatorAssertionResponse,
    AuthenticatorTransport,
    PublicKeyCredentialDescriptor,
    UserVerificationRequirement,
)

from ipapp import policy
from ipapp.auth import challenges
from ipapp.auth.passkeys import CEREMONY_TIMEOUT_MS, MAX_PAYLOAD_CHARS, user_handle
from ipapp.config import settings
from ipapp import live
from ipapp.live.changes import CHANGED
from ipapp.db import CommitThenRaise, transaction
from ipapp.domain.consent import (
    NONCE_BYTES,
    ConsentTerms,
    GrantTerms,
    canonical_document,
    document_digest,
    signing_challenge,
)
from ipapp.domain.loggable import loggable
from ipapp.domain.vocabulary import AccountStatus, SignedAs
from ipapp.i18n import translate
from ipapp.i18n.dates import to_oslo
from ipapp.models import (
    AccessGrant,
    Account,
    Consent,
    ConsentGrant,
    PasskeyCredential,
    Person,
    Plan,
    PlanMember,
    utcnow,
)
from ipapp.services import audit
from ipapp.services.plan_access import (
    PlanContext,
    current_coordinator_id,
    grant_sections,
    load_context,
    plan_facts,
    require,
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


def _descriptor(row: PasskeyCredential) -> PublicKeyCredentialDescriptor:
    transports = []
    for value in (row.transports or "").split(","):
        try:
            transports.append(AuthenticatorTransport(value))
        except ValueError:
            pass  # an empty or retired transport name is only a hint
    return PublicKeyCredentialDescriptor(id=row.credential_id, transports=transports or None)


# --- drafting ----------------------------------------------------------------------------------


def _current_grants(session: Session, plan_id: int, now: datetime) -> list[AccessGrant]:
    grants = session.exec(
        select(AccessGrant)
        .where(
            AccessGrant.plan_id == plan_id,
            col(AccessGrant.revoked_at).is_(None),
            AccessGrant.valid_until > now,
        )
        .order_by(col(AccessGrant.id))
    ).all()
    # A grant without sections gives nothing, so there is nothing in it to consent to.
    return [g for g in grants if grant_sections(session, g.id)]


def _relation(session: Session, plan: Plan, person_id: int) -> str:
    member = session.exec(
        select(PlanMember).where(PlanMember.plan_id == plan.id, PlanMember.person_id == person_id)
    ).first()
    if member and member.relation.strip():
        return member.relation
    if person_id == current_coordinator_id(session, plan.id):
        return translate("role.coordinator", "nb").lower()
    return ""


def _purpose(grants: list[AccessGrant]) -> str:
    purposes: list[str] = []
    for grant in grants:
        text = " ".join(grant.purpose.split())
        if text and text[-1] not in ".!?":
            text += "."
        if text and text not in purposes:
            purposes.append(text)
    return " ".join(purposes) or NONE_GIVEN_PURPOSE


def _terms(
    session: Session, plan: Plan, grants: list[AccessGrant], version: int, created: date
) -> ConsentTerms:
    owner = session.get(Person, plan.owner_person_id)
    terms = []
    for grant in grants:
        grantee = session.get(Person, grant.grantee_person_id)
        terms.append(
            GrantTerms(
                grantee_name=grantee.full_name if grantee else "",
                grantee_relation=_relation(session, plan, grant.grantee_person_id),
                sections=tuple(grant_sections(session, grant.id)),
                valid_from=to_oslo(grant.valid_from).date(),
                # valid_until is exclusive: the last day is the Oslo date just before it.
                valid_until_last_day=to_oslo(grant.valid_until - timedelta(microseconds=1)).date(),
            )
        )
    return ConsentTerms(
        owner_name=owner.full_name if owner else "",
        purpose=_purpose(grants),
        grants=tuple(terms),
        version=version,
        created=created,
    )


def _covered_grant_ids(session: Session, consent_id: int) -> set[int]:
    return set(
        session.exec(select(ConsentGrant.grant_id).where(ConsentGrant.consent_id == consent_id)).all()
    )


def draft_consent(actor_person_id: int | None, plan_id: object) -> ConsentView:
    """A consent version covering the plan's current grants (not revoked, not yet ended).

    Asking again while that version is still unsigned and the grants are unchanged returns the
    same version (no churn of version numbers on a reload).
    """
    now = utcnow()
    try:
        with transaction() as session:
            ctx = load_context(session, actor_person_id, plan_id, now)
            require(session, ctx, policy.Action.MANAGE_SHARING, None, target="consent:new")
            grants = _current_grants(session, ctx.plan.id, now)
            if not grants:
                raise _refuse("nothing_to_consent", f"plan {ctx.plan.id} has no current grant")
            grant_ids = {g.id for g in grants}
            latest = _latest_consent(session, ctx.plan.id)
            if latest is not None and latest.withdrawn_at is None:
                if _covered_grant_ids(session, latest.id) == grant_ids:
                    # A signature by a guardian who no longer acts must be renewed: a new version.
                    if latest.signed_at is not None and not _guardian_lapsed(latest, ctx.facts, now):
                        raise _refuse("up_to_date", f"consent {latest.id} already covers these grants")
                    same = _terms(session, ctx.plan, grants, latest.version, to_oslo(latest.created_at).date())
                    if latest.signed_at is None and canonical_document(same) == latest.document:
                        return _view(session, latest)
            version = (latest.version if latest else 0) + 1
            document = canonical_document(_terms(session, ctx.plan, grants, version, to_oslo(now).date()))
            consent = Consent(
                plan_id=ctx.plan.id,
                version=version,
                document=document,
                document_sha256=document_digest(document).hex(),
                created_by_person_id=actor_person_id,
                created_at=now,
            )
            session.add(consent)
            session.flush()
            session.add_all([ConsentGrant(consent_id=consent.id, grant_id=gid) for gid in sorted(grant_ids)])
            session.flush()
            return _view(session, consent)
    except IntegrityError:  # a concurrent draft took this version number
        raise _refuse("changed", "concurrent draft of the same version") from None


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
        allow = [_descriptor(row) for row in own]
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


def _stored_nonce(value: object) -> bytes | None:
    if not isinstance(value, str):
        return None
    try:
        nonce = bytes.fromhex(value)
    except ValueError:
        return None
    return nonce if len(nonce) == NONCE_BYTES else None


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


# --- withdrawing -------------------------------------------------------------------------------


def withdraw(actor_person_id: int | None, plan_id: object, consent_id: object) -> ConsentView:
    """Withdraw a signed consent at once; no signature needed.

    Earlier signed versions still standing are withdrawn with it: a grant stays effective while
    any signed, unwithdrawn consent covers it (plan_access.grant_fact), so leaving an older
    version would keep the sharing going that the person just stopped.
    """
    now = utcnow()
    with transaction() as session:
        ctx: PlanContext = load_context(session, actor_person_id, plan_id, now)
        require(session, ctx, policy.Action.WITHDRAW_CONSENT, None, target=_target(consent_id))
        consent = _consent_of_plan(session, ctx.plan.id, consent_id)
        if consent.signed_at is None:
            raise _refuse("not_signed", f"consent {consent.id}")
        if consent.withdrawn_at is not None:
            raise _refuse("already_withdrawn", f"consent {consent.id}")
        result = session.exec(
            update(Consent)
            .where(
                Consent.plan_id == ctx.plan.id,
                Consent.version <= consent.version,
                col(Consent.signed_at).is_not(None),
                col(Consent.withdrawn_at).is_(None),
            )
            .values(withdrawn_at=now, withdrawn_by_person_id=actor_person_id)
        )
        if result.rowcount < 1:
            raise _refuse("already_withdrawn", f"consent {consent.id} (concurrently)")
        live.after_commit(session, live.plan_topic(ctx.plan.id), CHANGED)
        session.refresh(consent)
        return _view(session, consent)


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


# --- renewal -----------------------------------------------------------------------------------


def _guardian_lapsed(consent: Consent, facts: policy.PlanFacts, now: datetime) -> bool:
    """Signed by a guardian who no longer acts for the owner (ended, or the owner turned 16)."""
    if consent.signed_as != SignedAs.GUARDIAN.value:
        return False
    mine = [g for g in facts.guardianships if g.guardian_person_id == consent.signer_person_id]
    return not any(policy.guardian_is_acting(g, facts, policy.oslo_date(now)) for g in mine)


def renewal_needed(actor_person_id: int | None, plan_id: object) -> bool:
    """For the owner's overview: must a consent signed by a former guardian be signed anew?"""
    with transaction() as session:
        ctx = load_context(session, actor_person_id, plan_id, utcnow())
        require(session, ctx, policy.Action.MANAGE_SHARING, None, target="renewal", reading=True)
    return bool(consents_needing_renewal(plan_id, utcnow()))


def consents_needing_renewal(plan_id: object, now: datetime) -> list[int]:
    """Ids of the plan's standing consents signed by a guardian who no longer acts for the owner
    (guardianship ended, or a parent's after the owner turned 16): the owner, or a guardian who
    does act, should sign anew. A consent already followed by a newer signed version is renewed.
    """
    if _int_id(plan_id) is None:
        return []
    with transaction() as session:
        plan = session.get(Plan, plan_id)
        if plan is None:
            return []
        facts = plan_facts(session, plan)
        consents = session.exec(
            select(Consent)
            .where(Consent.plan_id == plan.id, col(Consent.signed_at).is_not(None),
                   col(Consent.withdrawn_at).is_(None))
            .order_by(col(Consent.version))
        ).all()
    newest_standing = max((c.version for c in consents), default=0)
    needing = []
    for consent in consents:
        if consent.version == newest_standing and _guardian_lapsed(consent, facts, now):
            needing.append(consent.id)
    return needing


def current_consent_checked(actor_person_id: int | None, plan_id: object) -> tuple[ConsentView | None, bool]:
    """The latest version, and whether its stored signature verifies right now from the evidence
    alone (never from the signed flag); False when it is not signed."""
    with transaction() as session:
        ctx = load_context(session, actor_person_id, plan_id, utcnow())
        require(session, ctx, policy.Action.MANAGE_SHARING, None, target="consent", reading=True)
        latest = _latest_consent(session, ctx.plan.id)
        if latest is None:
            return None, False
        verified = latest.signed_at is not None and verify_consent(latest).ok
        return _view(session, latest), verified
