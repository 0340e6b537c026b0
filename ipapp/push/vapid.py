"""VAPID keys (RFC 8292): one P-256 key pair per installation, generated once and kept in the
configuration. The private key signs every push request; browsers subscribe with the public key
(applicationServerKey) and push services refuse requests signed with any other key."""

import base64
import binascii

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from py_vapid import Vapid


class VapidKeyError(ValueError):
    """Not a P-256 private key in the form vapid-keys prints."""


def _b64url(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii")


def public_bytes(key: ec.EllipticCurvePublicKey) -> bytes:
    return key.public_bytes(serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint)


def generate_pair() -> tuple[str, str]:
    """A new (private, public) pair, both base64url without padding."""
    private = ec.generate_private_key(ec.SECP256R1())
    return _b64url(private.private_numbers().private_value.to_bytes(32, "big")), _b64url(public_bytes(private.public_key()))


def signer(private_key: str) -> Vapid:
    """The key as pywebpush's signer; VapidKeyError if it is not a P-256 private key."""
    try:
        vapid = Vapid.from_string(private_key=private_key)
    except (ValueError, TypeError, binascii.Error) as exc:
        raise VapidKeyError(str(exc)) from None
    if not isinstance(vapid.private_key, ec.EllipticCurvePrivateKey) or vapid.private_key.curve.name != "secp256r1":
        raise VapidKeyError("not a P-256 key")
    return vapid


def public_key_of(private_key: str) -> str:
    """The browser's applicationServerKey for this private key (base64url, 65 bytes uncompressed)."""
    return _b64url(public_bytes(signer(private_key).public_key))
