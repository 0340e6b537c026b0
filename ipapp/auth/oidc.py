"""Sign-in with the national login (ID-porten) over OpenID Connect: the checks, without HTTP.

authlib verifies the ID token's signature and its registered claims; `check_claims` then checks
every claim we rely on again, explicitly, so our guarantees do not rest on a library's defaults
(authlib 1.9 does not check `aud` unless told to). Only a keyed hash of the national identity
number is ever stored or compared. An unknown identity never creates an account.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import math
import time
from collections.abc import Mapping
from functools import lru_cache
from typing import Any

from authlib.integrations.starlette_client import OAuth, StarletteOAuth2App
from joserfc.errors import ClaimError, ExpiredTokenError, JoseError
from joserfc.jws import extract_compact
from sqlmodel import select

from ipapp.config import OidcSettings, settings
from ipapp.db import transaction
from ipapp.domain.vocabulary import AccountStatus
from ipapp.models import Account

log = logging.getLogger(__name__)

CODES = frozenset(
    {"state", "code", "nonce", "aud", "iss", "exp", "acr", "claim", "signature", "unknown_identity", "provider"}
)
LEEWAY_SECONDS = 60  # clock skew between us and the provider
MAX_TOKEN_AGE_SECONDS = 600  # the ID token comes straight from the token endpoint: it is fresh
# Asymmetric only: an HMAC alg would let anyone holding the client secret mint ID tokens, "none" anyone at all.
SIGNING_ALGORITHMS = frozenset({"RS256", "PS256", "ES256"})
SCOPE = "openid"  # ID-porten puts `pid` in the ID token with `openid` alone; ask for nothing more
# joserfc names the failing claim; this is our code for it.
_CLAIM_CODES = {"iss": "iss", "aud": "aud", "azp": "aud", "exp": "exp", "iat": "exp", "nbf": "exp", "nonce": "nonce"}


class OidcError(Exception):
    """A refused sign-in. `code` goes to the log; the person sees only a generic message."""

    def __init__(self, code: str, detail: str = "") -> None:
        if code not in CODES:
            raise ValueError(f"unknown OidcError code {code!r}")
        super().__init__(f"{code}: {detail}" if detail else code)
        self.code = code
        self.detail = detail


def national_id_hash(value: str) -> str:
    """HMAC-SHA256 of the national identity number with the identity key, hex. Only this is stored."""
    return hmac.new(settings().identity_key.encode(), value.encode(), hashlib.sha256).hexdigest()


def client_key(address: str) -> str:
    """A keyed hash of the client's address for SignInAttempt: an unkeyed hash of an IPv4 address
    can be reversed by trying all 2^32."""
    key = settings().identity_key.encode()
    return hmac.new(key, b"client-address:" + address.encode(), hashlib.sha256).hexdigest()


def _is_time(value: object) -> bool:
    # A NumericDate is a finite JSON number; True is an int in Python, and NaN compares false to all.
    return not isinstance(value, bool) and isinstance(value, (int, float)) and math.isfinite(value)


def _acr_rank(acr: object, levels: tuple[str, ...]) -> int:
    return levels.index(acr) if isinstance(acr, str) and acr in levels else -1


def check_claims(
    claims: Mapping[str, Any], *, oidc: OidcSettings, expected_nonce: str, now: float | None = None
) -> str:
    """Every claim we rely on, checked explicitly; returns the identity claim's value."""
    now = time.time() if now is None else now
    if claims.get("iss") != oidc.issuer:
        raise OidcError("iss", f"iss {claims.get('iss')!r} is not {oidc.issuer!r}")
    aud = claims.get("aud")
    audiences = [aud] if isinstance(aud, str) else aud
    if not isinstance(audiences, list) or oidc.client_id not in audiences:
        raise OidcError("aud", f"aud {aud!r} does not contain our client id")
    # With several audiences the token must say it was issued to us (OIDC Core 3.1.3.7, 4-5).
    if (len(audiences) > 1 or "azp" in claims) and claims.get("azp") != oidc.client_id:
        raise OidcError("aud", f"azp {claims.get('azp')!r} is not our client id")
    exp, iat = claims.get("exp"), claims.get("iat")
    if not _is_time(exp) or exp <= now - LEEWAY_SECONDS:
        raise OidcError("exp", f"exp {exp!r} is not in the future")
    if not _is_time(iat) or iat > now + LEEWAY_SECONDS or iat < now - MAX_TOKEN_AGE_SECONDS - LEEWAY_SECONDS:
        raise OidcError("exp", f"iat {iat!r} is not about now")
    nonce = claims.get("nonce")
    if not expected_nonce or not isinstance(nonce, str) or not hmac.compare_digest(nonce, expected_nonce):
        raise OidcError("nonce", "nonce does not match the one we sent")
    if oidc.min_acr:
        # An acr we do not know ranks below everything; a min_acr not in the list refuses all.
        need, got = _acr_rank(oidc.min_acr, oidc.acr_values), _acr_rank(claims.get("acr"), oidc.acr_values)
        if need < 0 or got < need:
            raise OidcError("acr", f"acr {claims.get('acr')!r} is below {oidc.min_acr!r}")
    identity = claims.get(oidc.identity_claim)
    if not isinstance(identity, str) or not identity.strip() or len(identity) > 200:
        raise OidcError("claim", f"no usable {oidc.identity_claim!r} claim")
    return identity.strip()


def account_for_identity(claims: Mapping[str, Any]) -> int | None:
    """The account linked to this identity, or None. Never creates one: the coordinating unit
    registers people (with their number, ipapp.services.people_registry). An invited account that
    the unit linked becomes active at its first national login; a disabled one never signs in."""
    oidc = settings().oidc
    identity = claims.get(oidc.identity_claim) if oidc else None
    if not isinstance(identity, str) or not identity.strip():
        return None
    with transaction() as session:
        account = session.exec(
            select(Account).where(Account.national_id_hash == national_id_hash(identity.strip()))
        ).first()
        if account is None or account.status == AccountStatus.DISABLED.value:
            return None
        if account.status == AccountStatus.INVITED.value:
            account.status = AccountStatus.ACTIVE.value
            session.add(account)
        return account.id


@lru_cache(maxsize=4)
def oauth_client(oidc: OidcSettings) -> StarletteOAuth2App:
    """authlib's client for these settings; cached so discovery and keys are fetched once."""
    return OAuth().register(
        name="oidc",  # authlib keeps each flow's state under "_state_oidc_<state>" in the session
        client_id=oidc.client_id,
        client_secret=oidc.client_secret,
        server_metadata_url=f"{oidc.issuer}/.well-known/openid-configuration",
        client_kwargs={"scope": SCOPE, "code_challenge_method": "S256", "timeout": 10},
    )


async def provider_metadata(client: StarletteOAuth2App, oidc: OidcSettings) -> dict:
    """The discovery document, refused unless its issuer is exactly the configured one."""
    try:
        metadata = await client.load_server_metadata()
    except Exception as exc:  # network, HTTP status, bad JSON: the provider is not usable now
        raise OidcError("provider", f"discovery failed: {exc!r}") from exc
    if metadata.get("issuer") != oidc.issuer:
        raise OidcError("iss", f"discovery issuer {metadata.get('issuer')!r} is not {oidc.issuer!r}")
    return metadata


async def verify_id_token(
    client: StarletteOAuth2App, token: Mapping[str, Any], expected_nonce: str, oidc: OidcSettings
) -> dict:
    """Signature and claims of the token response's ID token; returns its claims."""
    id_token = token.get("id_token")
    if not isinstance(id_token, str):
        raise OidcError("provider", "the token response has no ID token")
    try:
        alg = extract_compact(id_token.encode()).protected.get("alg")
    except (JoseError, ValueError) as exc:
        raise OidcError("signature", f"unreadable ID token: {exc!r}") from exc
    if alg not in SIGNING_ALGORITHMS:
        raise OidcError("signature", f"ID token alg {alg!r} is not allowed")
    # Pinned to our configuration, not to whatever the discovery document says.
    options = {"iss": {"essential": True, "value": oidc.issuer}, "aud": {"essential": True, "values": [oidc.client_id]}}
    try:
        claims = await client.parse_id_token(
            dict(token), nonce=expected_nonce, claims_options=options, leeway=LEEWAY_SECONDS
        )
    except ExpiredTokenError as exc:
        raise OidcError("exp", repr(exc)) from exc
    except ClaimError as exc:
        raise OidcError(_CLAIM_CODES.get(exc.claim, "claim"), repr(exc)) from exc
    except (JoseError, ValueError) as exc:  # bad signature, unknown key, malformed token
        raise OidcError("signature", repr(exc)) from exc
    check_claims(claims, oidc=oidc, expected_nonce=expected_nonce)
    return dict(claims)
