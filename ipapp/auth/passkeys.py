"""The WebAuthn relying party: registering passkeys, signing in with them, and managing them.

Everything the browser sends is untrusted. Public functions raise only PasskeyError for it, with a
stable `.code` for logs and tests; the person is shown a generic message, details go to the log.

Flow (the UI wires it; see REGISTER_JS / SIGN_IN_JS at the end):
  registration_options(account_id) -> JSON -> browser create() -> finish_registration(...)
  authentication_options()          -> JSON -> browser get()    -> finish_authentication(...)
Challenges live in the database (ipapp.auth.challenges): single use, two minutes, bound to purpose.
"""

import hashlib
import hmac
import json
import logging
import unicodedata
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.exc import IntegrityError
from sqlmodel import col, delete, func, select, update
from webauthn import (
    generate_authentication_options,
    generate_registration_options,
    options_to_json,
    verify_authentication_response,
    verify_registration_response,
)
from webauthn.helpers import (
    parse_authentication_credential_json,
    parse_client_data_json,
    parse_registration_credential_json,
)
from webauthn.helpers.cose import COSEAlgorithmIdentifier
from webauthn.helpers.exceptions import WebAuthnException
from webauthn.helpers.structs import (
    AttestationConveyancePreference,
    AuthenticationCredential,
    AuthenticatorSelectionCriteria,
    AuthenticatorTransport,
    PublicKeyCredentialDescriptor,
    RegistrationCredential,
    ResidentKeyRequirement,
    UserVerificationRequirement,
)

from ipapp.auth import challenges, sessions
from ipapp.config import settings
from ipapp import live
from ipapp.db import transaction
from ipapp.domain.loggable import loggable
from ipapp.domain.vocabulary import AccountStatus
from ipapp.models import (
    Account,
    PasskeyCredential,
    Person,
    SignInAttempt,
    WebSession,
    utcnow,
)

log = logging.getLogger(__name__)

RP_NAME = "ipapp"
CEREMONY_TIMEOUT_MS = int(challenges.CHALLENGE_LIFETIME.total_seconds() * 1000)
SUPPORTED_ALGORITHMS = [
    COSEAlgorithmIdentifier.EDDSA,
    COSEAlgorithmIdentifier.ECDSA_SHA_256,
    COSEAlgorithmIdentifier.RSASSA_PKCS1_v1_5_SHA_256,
]
# A genuine toJSON() result is a few kilobytes; anything much larger is not worth parsing.
MAX_PAYLOAD_CHARS = 64 * 1024
MAX_CREDENTIAL_ID_BYTES = 1023  # WebAuthn's limit on credentialIdLength
LABEL_MAX_CHARS = 100
USER_HANDLE_CONTEXT = b"ipapp/passkey-user-handle/v1:"

FAILURE_LIMIT = 5
FAILURE_WINDOW = timedelta(minutes=10)

ERROR_CODES = frozenset(
    {
        "cancelled", "challenge", "verification", "unknown_credential", "user_handle",
        "duplicate", "counter", "disabled", "bad_input",
    }
)
# What the browser script reports instead of throwing (DOMException names), mapped to our codes.
BROWSER_ERRORS = {"NotAllowedError": "cancelled", "AbortError": "cancelled"}


class PasskeyError(Exception):
    """A refused passkey operation. `code` is stable (ERROR_CODES); never show `detail` to people."""

    def __init__(self, code: str, detail: str = "") -> None:
        if code not in ERROR_CODES:
            raise ValueError(f"unknown PasskeyError code {code!r}")
        super().__init__(f"{code}: {detail}" if detail else code)
        self.code = code
        self.detail = detail


def _refuse(code: str, detail: str, level: int = logging.INFO) -> PasskeyError:
    """Log why, and return the error to raise (so call sites read `raise _refuse(...)`)."""
    detail = loggable(detail)  # it can quote browser input
    log.log(level, "passkey refused (%s): %s", code, detail)
    return PasskeyError(code, detail)


@dataclass(frozen=True)
class PasskeyInfo:
    id: int
    label: str
    created_at: datetime
    last_used_at: datetime | None
    added_via: str = "self"  # "self" | "invitation" | "recovery"
    added_by_person_id: int | None = None


# --- the user handle -------------------------------------------------------------------------


def user_handle(account_id: int) -> bytes:
    """The WebAuthn user id for an account: a keyed hash, so it is stable but reveals nothing
    (not the database id, not the national id). It depends on IPAPP_IDENTITY_KEY: rotating that
    key makes every registered passkey's handle stop matching."""
    key = settings().identity_key.encode()
    return hmac.new(key, USER_HANDLE_CONTEXT + str(int(account_id)).encode(), hashlib.sha256).digest()


# --- input checks ----------------------------------------------------------------------------


def _check_browser_payload(credential: object, *, registering: bool) -> dict:
    """The browser's toJSON() dict, or PasskeyError: an {error} report from our script, or junk."""
    if not isinstance(credential, dict):
        raise _refuse("bad_input", f"payload is {type(credential).__name__}, not an object")
    if "error" in credential:
        name = credential.get("error")
        code = BROWSER_ERRORS.get(name) if isinstance(name, str) else None
        if code is None and registering and name == "InvalidStateError":
            code = "duplicate"  # the authenticator already holds one of this account's passkeys
        raise _refuse(code or "bad_input", f"browser reported {str(name)[:80]!r}")
    try:
        size = len(json.dumps(credential))
    except Exception as exc:  # not JSON-shaped at all (cycles, odd types, absurd nesting)
        raise _refuse("bad_input", f"payload not serialisable: {type(exc).__name__}") from None
    if size > MAX_PAYLOAD_CHARS:
        raise _refuse("bad_input", f"payload of {size} characters")
    return credential


def _parse_registration(credential: object) -> RegistrationCredential:
    payload = _check_browser_payload(credential, registering=True)
    try:
        return parse_registration_credential_json(payload)
    except Exception as exc:  # the parser raises several kinds, including binascii errors
        raise _refuse("bad_input", f"registration payload: {exc}") from None


def _parse_authentication(credential: object) -> AuthenticationCredential:
    payload = _check_browser_payload(credential, registering=False)
    try:
        return parse_authentication_credential_json(payload)
    except Exception as exc:
        raise _refuse("bad_input", f"authentication payload: {exc}") from None


def _client_challenge(client_data_json: bytes) -> bytes:
    """The challenge the browser signed, to look up and consume before verifying anything else."""
    try:
        challenge = parse_client_data_json(client_data_json).challenge
    except Exception as exc:
        raise _refuse("bad_input", f"clientDataJSON: {exc}") from None
    if not isinstance(challenge, bytes) or not challenge:
        raise _refuse("bad_input", "clientDataJSON without a challenge")
    return challenge


def _clean_label(label: object, *, allow_empty: bool) -> str:
    if not isinstance(label, str):
        raise _refuse("bad_input", f"label is {type(label).__name__}")
    label = label.strip()
    # Control characters and line breaks have no place in a one-line name (emoji joiners do).
    if any(unicodedata.category(ch) in ("Cc", "Zl", "Zp") for ch in label):
        raise _refuse("bad_input", "label with control characters")
    if len(label) > LABEL_MAX_CHARS or (not label and not allow_empty):
        raise _refuse("bad_input", f"label of {len(label)} characters")
    return label


def _transports(parsed: RegistrationCredential) -> str | None:
    values = sorted({t.value for t in parsed.response.transports or []})
    return ",".join(values)[:200] or None


def credential_descriptor(row: PasskeyCredential) -> PublicKeyCredentialDescriptor:
    """A stored passkey as the browser is told about it (allowCredentials, excludeCredentials)."""
    transports = []
    for value in (row.transports or "").split(","):
        try:
            transports.append(AuthenticatorTransport(value))
        except ValueError:
            pass  # an empty or retired transport name is only a hint; leave it out
    return PublicKeyCredentialDescriptor(id=row.credential_id, transports=transports or None)


# --- registration ----------------------------------------------------------------------------


def _account_for_registration(session, account_id: int) -> tuple[Account, Person | None]:
    account = session.get(Account, account_id)
    if account is None or account.status == AccountStatus.DISABLED.value:
        raise _refuse("disabled", f"account {account_id} missing or disabled")
    return account, session.get(Person, account.person_id)


def registration_options(account_id: int) -> str:
    """JSON for PublicKeyCredential.parseCreationOptionsFromJSON: a discoverable credential with
    user verification, for this account, excluding the passkeys it already has."""
    with transaction() as session:
        _account, person = _account_for_registration(session, account_id)
        existing = session.exec(
            select(PasskeyCredential).where(PasskeyCredential.account_id == account_id)
        ).all()
        exclude = [credential_descriptor(row) for row in existing]
    name = person.full_name.strip() if person is not None else ""
    challenge = challenges.issue("register", account_id)
    options = generate_registration_options(
        rp_id=settings().rp_id,
        rp_name=RP_NAME,
        user_id=user_handle(account_id),
        user_name=name or RP_NAME,
        user_display_name=name or RP_NAME,
        challenge=challenge,
        timeout=CEREMONY_TIMEOUT_MS,
        attestation=AttestationConveyancePreference.NONE,
        authenticator_selection=AuthenticatorSelectionCriteria(
            resident_key=ResidentKeyRequirement.REQUIRED,
            user_verification=UserVerificationRequirement.REQUIRED,
        ),
        exclude_credentials=exclude,
        supported_pub_key_algs=SUPPORTED_ALGORITHMS,
    )
    return options_to_json(options)


def _verify_registration(parsed: RegistrationCredential, challenge: bytes):
    s = settings()
    try:
        verified = verify_registration_response(
            credential=parsed,
            expected_challenge=challenge,
            expected_rp_id=s.rp_id,
            expected_origin=s.public_origin,
            require_user_verification=True,
            supported_pub_key_algs=SUPPORTED_ALGORITHMS,
        )
    except WebAuthnException as exc:
        raise _refuse("verification", f"registration: {exc}") from None
    except Exception as exc:  # malformed CBOR and the like can surface as other errors
        log.exception("unexpected error verifying a registration")
        raise _refuse("verification", f"registration: {type(exc).__name__}") from None
    # The id the browser reports must be the one the authenticator attested, or sign-in would
    # later present an id we never stored (or one we stored for nothing).
    if verified.credential_id != parsed.raw_id:
        raise _refuse("verification", "rawId differs from the attested credential id")
    if len(verified.credential_id) > MAX_CREDENTIAL_ID_BYTES:
        raise _refuse("verification", "credential id too long")
    return verified


def finish_registration(account_id: int, credential: object, label: str) -> int:
    """Verify the browser's create() result and store the passkey; returns its PasskeyCredential id."""
    label = _clean_label(label, allow_empty=True)
    parsed = _parse_registration(credential)
    challenge = _client_challenge(parsed.response.client_data_json)
    # Consumed before verification: whatever happens next, this challenge is spent.
    if not challenges.consume("register", challenge, account_id):
        raise _refuse("challenge", f"registration challenge not issued to account {account_id}, used or expired")
    verified = _verify_registration(parsed, challenge)
    try:
        with transaction() as session:
            _account_for_registration(session, account_id)
            taken = session.exec(
                select(PasskeyCredential.id).where(PasskeyCredential.credential_id == verified.credential_id)
            ).first()
            if taken is not None:
                raise _refuse("duplicate", f"credential id already registered (passkey {taken})", logging.WARNING)
            row = PasskeyCredential(
                account_id=account_id,
                credential_id=verified.credential_id,
                public_key=verified.credential_public_key,
                sign_count=verified.sign_count,
                transports=_transports(parsed),
                label=label,
            )
            session.add(row)
            session.flush()
            new_id = row.id
    except IntegrityError:  # a concurrent registration of the same credential id won the race
        raise _refuse("duplicate", "credential id already registered (concurrent)", logging.WARNING) from None
    log.info("passkey %s registered for account %s", new_id, account_id)
    return new_id


# --- authentication --------------------------------------------------------------------------


def authentication_options(client: str | None = None) -> str:
    """JSON for PublicKeyCredential.parseRequestOptionsFromJSON: any discoverable passkey of this
    site, with user verification. `client`: keyed hash of the address asking (bounds its challenges)."""
    options = generate_authentication_options(
        rp_id=settings().rp_id,
        challenge=challenges.issue("authenticate", client=client),
        timeout=CEREMONY_TIMEOUT_MS,
        allow_credentials=[],
        user_verification=UserVerificationRequirement.REQUIRED,
    )
    return options_to_json(options)


def _stored_credential(raw_id: bytes) -> PasskeyCredential:
    with transaction() as session:
        row = session.exec(
            select(PasskeyCredential).where(PasskeyCredential.credential_id == raw_id)
        ).first()
    if row is None:
        raise _refuse("unknown_credential", "no passkey with this credential id")
    return row


def _verify_assertion(parsed: AuthenticationCredential, challenge: bytes, row: PasskeyCredential):
    s = settings()
    try:
        # The counter is checked by us afterwards (see _check_counter): passing 0 switches the
        # library's own check off, so a counter problem is told apart from a bad signature.
        return verify_authentication_response(
            credential=parsed,
            expected_challenge=challenge,
            expected_rp_id=s.rp_id,
            expected_origin=s.public_origin,
            credential_public_key=row.public_key,
            credential_current_sign_count=0,
            require_user_verification=True,
        )
    except WebAuthnException as exc:
        raise _refuse("verification", f"passkey {row.id}: {exc}") from None
    except Exception as exc:
        log.exception("unexpected error verifying an assertion for passkey %s", row.id)
        raise _refuse("verification", f"passkey {row.id}: {type(exc).__name__}") from None


def _check_counter(row: PasskeyCredential, new_count: int) -> None:
    """Authenticators that do not count report 0 every time; otherwise the count must grow, and a
    count that does not is the WebAuthn sign of a cloned authenticator."""
    if (row.sign_count or new_count) and new_count <= row.sign_count:
        raise _refuse(
            "counter",
            f"possible cloned authenticator: passkey {row.id} of account {row.account_id} "
            f"sent sign count {new_count}, stored {row.sign_count}",
            logging.WARNING,
        )


def _record_use(row: PasskeyCredential, new_count: int) -> None:
    """Store the new count if the account may sign in. The update only applies if the stored count
    is still the one we checked, so two concurrent sign-ins with one count cannot both pass."""
    with transaction() as session:
        account = session.get(Account, row.account_id)
        if account is None or account.status != AccountStatus.ACTIVE.value:
            raise _refuse("disabled", f"account {row.account_id} is not active")
        result = session.exec(
            update(PasskeyCredential)
            .where(PasskeyCredential.id == row.id, PasskeyCredential.sign_count == row.sign_count)
            .values(sign_count=new_count, last_used_at=utcnow())
        )
        if result.rowcount != 1:
            raise _refuse("counter", f"passkey {row.id} used concurrently or removed", logging.WARNING)


def finish_authentication(credential: object) -> tuple[int, int]:
    """Verify the browser's get() result; returns (account_id, passkey_credential_id)."""
    parsed = _parse_authentication(credential)
    challenge = _client_challenge(parsed.response.client_data_json)
    # Consumed first, so a response is spent even if it fails later checks.
    if not challenges.consume("authenticate", challenge):
        raise _refuse("challenge", "sign-in challenge not issued, used or expired")
    row = _stored_credential(parsed.raw_id)
    handle = parsed.response.user_handle
    if not isinstance(handle, bytes) or not hmac.compare_digest(handle, user_handle(row.account_id)):
        raise _refuse("user_handle", f"user handle does not belong to passkey {row.id}", logging.WARNING)
    verified = _verify_assertion(parsed, challenge, row)
    _check_counter(row, verified.new_sign_count)
    _record_use(row, verified.new_sign_count)
    return row.account_id, row.id


# --- management ------------------------------------------------------------------------------


def list_passkeys(account_id: int) -> list[PasskeyInfo]:
    with transaction() as session:
        rows = session.exec(
            select(PasskeyCredential)
            .where(PasskeyCredential.account_id == account_id)
            .order_by(col(PasskeyCredential.created_at), col(PasskeyCredential.id))
        ).all()
    return [PasskeyInfo(r.id, r.label, r.created_at, r.last_used_at, r.added_via, r.added_by_person_id) for r in rows]


def rename_passkey(account_id: int, passkey_id: int, label: str) -> None:
    label = _clean_label(label, allow_empty=False)
    with transaction() as session:
        result = session.exec(
            update(PasskeyCredential)
            .where(PasskeyCredential.id == passkey_id, PasskeyCredential.account_id == account_id)
            .values(label=label)
        )
        if result.rowcount != 1:
            raise _refuse("unknown_credential", f"account {account_id} has no passkey {passkey_id}")


def remove_passkey(account_id: int, passkey_id: int) -> None:
    """Delete one of the account's passkeys and end the sessions it opened."""
    with transaction() as session:
        owned = session.exec(
            select(PasskeyCredential.id).where(
                PasskeyCredential.id == passkey_id, PasskeyCredential.account_id == account_id
            )
        ).first()
    if owned is None:
        raise _refuse("unknown_credential", f"account {account_id} has no passkey {passkey_id}")
    sessions.end_sessions_of_credential(passkey_id)
    with transaction() as session:
        # A sign-in finishing between the two steps could have opened a session with this passkey,
        # and deleting the passkey sets that session's link to NULL, so revoke it here, together
        # with the delete. (A session started after the delete fails on the foreign key.)
        late = list(session.exec(select(WebSession.id).where(
            WebSession.passkey_credential_id == passkey_id, col(WebSession.revoked_at).is_(None))))
        if late:
            session.exec(update(WebSession).where(col(WebSession.id).in_(late)).values(revoked_at=utcnow()))
            live.after_commit(session, live.SESSIONS_ENDED, {"kind": "ended", "sessions": late})
        result = session.exec(
            delete(PasskeyCredential).where(
                PasskeyCredential.id == passkey_id, PasskeyCredential.account_id == account_id
            )
        )
        if result.rowcount != 1:
            raise _refuse("unknown_credential", f"passkey {passkey_id} vanished while removing")
    log.info("passkey %s of account %s removed", passkey_id, account_id)


# --- slowing down repeated failures ----------------------------------------------------------


def _client_key(client_key: str, kind: str) -> str:
    # Programming errors, not browser input: the caller derives both from the request.
    if not isinstance(client_key, str) or not client_key:
        raise ValueError("client_key must be a non-empty string")
    if not isinstance(kind, str) or not 1 <= len(kind) <= 16:
        raise ValueError("kind must be 1-16 characters")
    # Stored hashed: the table need not hold people's IP addresses.
    return hashlib.sha256(client_key.encode()).hexdigest()


def record_failure(client_key: str, kind: str) -> None:
    """Note one failed attempt (e.g. kind "passkey") from a client (e.g. its IP address)."""
    key = _client_key(client_key, kind)
    with transaction() as session:
        session.add(SignInAttempt(client_key=key, kind=kind, succeeded=False, attempted_at=utcnow()))


def too_many_failures(client_key: str, kind: str) -> bool:
    """True when the client failed FAILURE_LIMIT times within FAILURE_WINDOW."""
    key = _client_key(client_key, kind)
    since = utcnow() - FAILURE_WINDOW
    with transaction() as session:
        count = session.exec(
            select(func.count())
            .select_from(SignInAttempt)
            .where(
                SignInAttempt.client_key == key,
                SignInAttempt.kind == kind,
                col(SignInAttempt.succeeded).is_(False),
                SignInAttempt.attempted_at >= since,
            )
        ).one()
    return count >= FAILURE_LIMIT


# --- browser side ----------------------------------------------------------------------------

# For rx.call_script: an async expression that never throws (a thrown error would never reach the
# callback) and resolves to cred.toJSON(), or to {error: <DOMException name>}. Put the options JSON
# in with browser_script(). Falls back to manual base64url conversion where the browser lacks
# parseCreationOptionsFromJSON / toJSON (e.g. Safari before 18).
_JS_HELPERS = r"""
  const b64ToBuf = (s) => {
    s = s.replace(/-/g, "+").replace(/_/g, "/");
    const bin = atob(s + "===".slice((s.length + 3) % 4));
    const out = new Uint8Array(bin.length);
    for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
    return out.buffer;
  };
  const bufToB64 = (buf) => {
    let bin = "";
    for (const b of new Uint8Array(buf)) bin += String.fromCharCode(b);
    return btoa(bin).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
  };
  const toDescriptors = (list) => (list || []).map((c) => ({ ...c, id: b64ToBuf(c.id) }));
  const base = (cred) => ({
    id: cred.id,
    rawId: bufToB64(cred.rawId),
    type: cred.type,
    authenticatorAttachment: cred.authenticatorAttachment || null,
    clientExtensionResults: {},
  });
"""

REGISTER_JS = (
    "(async () => {\n  try {\n"
    "    if (!window.PublicKeyCredential || !navigator.credentials) return { error: \"NotSupportedError\" };\n"
    "    const json = __OPTIONS__;\n"
    + _JS_HELPERS
    + r"""
    const publicKey = PublicKeyCredential.parseCreationOptionsFromJSON
      ? PublicKeyCredential.parseCreationOptionsFromJSON(json)
      : { ...json, challenge: b64ToBuf(json.challenge), user: { ...json.user, id: b64ToBuf(json.user.id) },
          excludeCredentials: toDescriptors(json.excludeCredentials) };
    const cred = await navigator.credentials.create({ publicKey });
    if (!cred) return { error: "NotAllowedError" };
    if (typeof cred.toJSON === "function") return cred.toJSON();
    const r = cred.response;
    return { ...base(cred), response: {
      clientDataJSON: bufToB64(r.clientDataJSON),
      attestationObject: bufToB64(r.attestationObject),
      transports: r.getTransports ? r.getTransports() : [],
    } };
  } catch (e) {
    return { error: (e && e.name) || "Error" };
  }
})()"""
)

SIGN_IN_JS = (
    "(async () => {\n  try {\n"
    "    if (!window.PublicKeyCredential || !navigator.credentials) return { error: \"NotSupportedError\" };\n"
    "    const json = __OPTIONS__;\n"
    + _JS_HELPERS
    + r"""
    const publicKey = PublicKeyCredential.parseRequestOptionsFromJSON
      ? PublicKeyCredential.parseRequestOptionsFromJSON(json)
      : { ...json, challenge: b64ToBuf(json.challenge), allowCredentials: toDescriptors(json.allowCredentials) };
    const cred = await navigator.credentials.get({ publicKey });
    if (!cred) return { error: "NotAllowedError" };
    if (typeof cred.toJSON === "function") return cred.toJSON();
    const r = cred.response;
    return { ...base(cred), response: {
      clientDataJSON: bufToB64(r.clientDataJSON),
      authenticatorData: bufToB64(r.authenticatorData),
      signature: bufToB64(r.signature),
      userHandle: r.userHandle ? bufToB64(r.userHandle) : null,
    } };
  } catch (e) {
    return { error: (e && e.name) || "Error" };
  }
})()"""
)


def browser_script(template: str, options_json: str) -> str:
    """REGISTER_JS or SIGN_IN_JS with the options from registration_options() /
    authentication_options() put in. JSON is a valid JavaScript expression, and the result is
    evaluated as script (never put into HTML), so no further escaping is needed."""
    json.loads(options_json)  # refuse anything that is not our JSON before it becomes code
    return template.replace("__OPTIONS__", options_json, 1)
