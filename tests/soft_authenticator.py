"""A real software authenticator for tests: EC P-256 keys (ES256), CBOR authenticator data and
genuine signatures, returned in the shape of the browser's PublicKeyCredential.toJSON().

Nothing of py_webauthn is mocked: the server verifies these responses exactly as it would a phone's.
Knobs (user_verified, sign_count, origin, rp_id, challenge, user_handle, credential_id) let tests
produce the tampered responses an attacker or a broken client could send.
"""

import base64
import hashlib
import json
import secrets
import struct
from dataclasses import dataclass, field

import cbor2
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec

FLAG_UP = 0x01  # user present
FLAG_UV = 0x04  # user verified
FLAG_AT = 0x40  # attested credential data included
AAGUID_NONE = bytes(16)
COSE_ES256 = -7


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def from_b64url(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _cose_public_key(private_key: ec.EllipticCurvePrivateKey) -> bytes:
    numbers = private_key.public_key().public_numbers()
    return cbor2.dumps(
        {
            1: 2,  # kty: EC2
            3: COSE_ES256,  # alg
            -1: 1,  # crv: P-256
            -2: numbers.x.to_bytes(32, "big"),
            -3: numbers.y.to_bytes(32, "big"),
        }
    )


def _client_data(kind: str, challenge: bytes, origin: str) -> bytes:
    # Browsers serialise compactly with type, challenge, origin first; key order is not checked.
    return json.dumps(
        {"type": kind, "challenge": b64url(challenge), "origin": origin, "crossOrigin": False},
        separators=(",", ":"),
    ).encode()


def _flags(user_verified: bool, user_present: bool, attested: bool = False) -> int:
    return (FLAG_UP if user_present else 0) | (FLAG_UV if user_verified else 0) | (FLAG_AT if attested else 0)


@dataclass
class SoftCredential:
    """One resident credential held by the authenticator."""

    credential_id: bytes
    private_key: ec.EllipticCurvePrivateKey
    rp_id: str
    user_handle: bytes
    sign_count: int = 0


@dataclass
class SoftAuthenticator:
    """A platform authenticator. `counts=False` behaves like authenticators that always report 0."""

    origin: str = "http://localhost:3000"
    counts: bool = True
    credentials: list[SoftCredential] = field(default_factory=list)

    def register(
        self,
        options_json: str,
        *,
        user_verified: bool = True,
        user_present: bool = True,
        origin: str | None = None,
        rp_id: str | None = None,
        challenge: bytes | None = None,
        credential_id: bytes | None = None,
        sign_count: int = 0,
    ) -> dict:
        """Answer navigator.credentials.create(): a new key pair, attestation "none"."""
        options = json.loads(options_json)
        rp_id = rp_id if rp_id is not None else options["rp"]["id"]
        challenge = challenge if challenge is not None else from_b64url(options["challenge"])
        credential = SoftCredential(
            credential_id=credential_id if credential_id is not None else secrets.token_bytes(32),
            private_key=ec.generate_private_key(ec.SECP256R1()),
            rp_id=rp_id,
            user_handle=from_b64url(options["user"]["id"]),
            sign_count=sign_count,
        )
        self.credentials.append(credential)
        auth_data = (
            hashlib.sha256(rp_id.encode()).digest()
            + bytes([_flags(user_verified, user_present, attested=True)])
            + struct.pack(">I", sign_count)
            + AAGUID_NONE
            + struct.pack(">H", len(credential.credential_id))
            + credential.credential_id
            + _cose_public_key(credential.private_key)
        )
        attestation_object = cbor2.dumps({"fmt": "none", "attStmt": {}, "authData": auth_data})
        client_data = _client_data("webauthn.create", challenge, origin or self.origin)
        return {
            "id": b64url(credential.credential_id),
            "rawId": b64url(credential.credential_id),
            "type": "public-key",
            "authenticatorAttachment": "platform",
            "clientExtensionResults": {},
            "response": {
                "clientDataJSON": b64url(client_data),
                "attestationObject": b64url(attestation_object),
                "authenticatorData": b64url(auth_data),
                "transports": ["hybrid", "internal"],
                "publicKeyAlgorithm": COSE_ES256,
            },
        }

    def authenticate(
        self,
        options_json: str,
        *,
        credential: SoftCredential | None = None,
        user_verified: bool = True,
        user_present: bool = True,
        origin: str | None = None,
        rp_id: str | None = None,
        challenge: bytes | None = None,
        sign_count: int | None = None,
        user_handle: bytes | None = None,
    ) -> dict:
        """Answer navigator.credentials.get() with a signed assertion (the last credential by default)."""
        options = json.loads(options_json)
        credential = credential or self.credentials[-1]
        rp_id = rp_id if rp_id is not None else options["rpId"]
        challenge = challenge if challenge is not None else from_b64url(options["challenge"])
        if sign_count is None:
            if self.counts:
                credential.sign_count += 1
            sign_count = credential.sign_count
        auth_data = (
            hashlib.sha256(rp_id.encode()).digest()
            + bytes([_flags(user_verified, user_present)])
            + struct.pack(">I", sign_count)
        )
        client_data = _client_data("webauthn.get", challenge, origin or self.origin)
        signature = credential.private_key.sign(
            auth_data + hashlib.sha256(client_data).digest(), ec.ECDSA(hashes.SHA256())
        )
        handle = user_handle if user_handle is not None else credential.user_handle
        return {
            "id": b64url(credential.credential_id),
            "rawId": b64url(credential.credential_id),
            "type": "public-key",
            "authenticatorAttachment": "platform",
            "clientExtensionResults": {},
            "response": {
                "clientDataJSON": b64url(client_data),
                "authenticatorData": b64url(auth_data),
                "signature": b64url(signature),
                "userHandle": b64url(handle),
            },
        }
