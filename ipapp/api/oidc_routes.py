"""The national login's two HTTP routes: /auth/oidc/start and /auth/oidc/callback.

authlib keeps each flow's state, PKCE verifier and nonce in Starlette's signed session cookie, so
the app needs `oidc_middleware()`. That cookie is only sent to /auth/oidc and lives 30 minutes.
Any failure ends at the sign-in page with a generic message; the reason goes to the log.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
from urllib.parse import urlencode

from authlib.integrations.base_client import OAuthError
from starlette.concurrency import run_in_threadpool
from starlette.middleware import Middleware
from starlette.middleware.sessions import SessionMiddleware
from starlette.requests import Request
from starlette.responses import PlainTextResponse, RedirectResponse, Response
from starlette.routing import Route

from ipapp.auth import oidc
from ipapp.auth.oidc import OidcError
from ipapp.auth.sessions import SESSION_COOKIE, cookie_attributes, end_session, start_session
from ipapp.config import OidcSettings, settings
from ipapp.api.passkey_routes import client_key
from ipapp.auth.passkeys import record_failure, too_many_failures
from ipapp.services import people

log = logging.getLogger(__name__)

START_PATH = "/auth/oidc/start"
CALLBACK_PATH = "/auth/oidc/callback"
FLOW_COOKIE = "ipapp_oidc"
FLOW_LIFETIME_SECONDS = 30 * 60
SIGN_IN_PAGE = "/logg-inn"


def oidc_middleware() -> list[Middleware]:
    """The session middleware authlib needs, for `Starlette(middleware=...)` around `oidc_routes()`."""
    s = settings()
    # Its own key, derived from the identity key, so the cookie signature reveals nothing about it.
    secret = hmac.new(s.identity_key.encode(), b"ipapp-oidc-flow-cookie", hashlib.sha256).hexdigest()
    return [
        Middleware(
            SessionMiddleware,
            secret_key=secret,
            session_cookie=FLOW_COOKIE,
            max_age=FLOW_LIFETIME_SECONDS,
            path="/auth/oidc",
            same_site="lax",  # the provider's redirect back to us is a top-level GET: Lax sends it
            https_only=s.public_origin.startswith("https://"),
        )
    ]


def oidc_routes() -> list[Route]:
    return [Route(START_PATH, start, methods=["GET"]), Route(CALLBACK_PATH, callback, methods=["GET"])]


def _failure(feil: str) -> Response:
    response = RedirectResponse(f"{SIGN_IN_PAGE}?{urlencode({'feil': feil})}", status_code=303)
    response.headers["Cache-Control"] = "no-store"
    return response


async def start(request: Request) -> Response:
    config = settings().oidc
    if config is None:
        return PlainTextResponse("Not Found", status_code=404)
    if await _slowed_down(request):
        return _failure("for-mange")
    client = oidc.oauth_client(config)
    try:
        await oidc.provider_metadata(client, config)
        extra = {"acr_values": config.min_acr} if config.min_acr else {}
        response = await client.authorize_redirect(
            request, f"{settings().public_origin}{CALLBACK_PATH}", **extra
        )
    except OidcError as err:
        log.warning("OpenID Connect sign-in could not start: %s", err)
        return _failure("innlogging")
    response.headers["Cache-Control"] = "no-store"
    return response


async def callback(request: Request) -> Response:
    config = settings().oidc
    if config is None:
        return PlainTextResponse("Not Found", status_code=404)
    if await _slowed_down(request):
        return _failure("for-mange")
    try:
        account_id = await _complete(request, config)
    except OidcError as err:
        log.warning("OpenID Connect sign-in refused: %s", err)
        await run_in_threadpool(_record_failure, request)
        return _failure("ukjent" if err.code == "unknown_identity" else "innlogging")
    # The database calls block, so they run off the event loop that also serves every websocket.
    await run_in_threadpool(end_session, request.cookies.get(SESSION_COOKIE))  # replaces the old one
    raw = await run_in_threadpool(start_session, account_id, request.headers.get("user-agent", ""), None,
                                   "national")
    landing = await run_in_threadpool(people.landing_for_account, account_id)
    response = RedirectResponse(landing, status_code=303)
    response.headers["Cache-Control"] = "no-store"
    response.set_cookie(value=raw, **cookie_attributes(secure=settings().public_origin.startswith("https://")))
    return response


def _one(request: Request, name: str, code: str) -> str | None:
    # A repeated parameter is refused: which copy a library would read is a guess.
    values = request.query_params.getlist(name)
    if len(values) > 1:
        raise OidcError(code, f"{len(values)} {name} parameters")
    return values[0] if values else None


async def _complete(request: Request, config: OidcSettings) -> int:
    """authlib's `authorize_access_token`, step by step, with every check of ours in between."""
    client = oidc.oauth_client(config)
    state = _one(request, "state", "state")
    if not state:
        raise OidcError("state", "no state parameter")
    # The flow must have started in this browser; its data is used once, whatever happens next.
    flow = await client.framework.get_state_data(request.session, state)
    await client.framework.clear_state_data(request.session, state)
    if not flow or not flow.get("nonce") or not flow.get("code_verifier"):
        raise OidcError("state", "no flow for this state in this browser")
    error = _one(request, "error", "provider")
    if error is not None:
        raise OidcError("provider", f"the provider answered error={error[:100]!r}")
    metadata = await oidc.provider_metadata(client, config)
    # RFC 9207: the authorization response names its issuer, against mix-up attacks.
    iss = _one(request, "iss", "iss")
    if (iss is not None or metadata.get("authorization_response_iss_parameter_supported")) and iss != config.issuer:
        raise OidcError("iss", f"authorization response iss {iss if iss is None else iss[:200]!r}")
    code = _one(request, "code", "code")
    if not code:
        raise OidcError("code", "no code parameter")
    try:
        token = await client.fetch_access_token(
            code=code, code_verifier=flow["code_verifier"], redirect_uri=flow["redirect_uri"]
        )
    except OAuthError as exc:  # e.g. invalid_grant: a used, expired or foreign code
        raise OidcError("code", f"token endpoint: {exc.error} {exc.description!r}") from exc
    except Exception as exc:  # network or a non-OAuth answer
        raise OidcError("provider", f"token endpoint: {exc!r}") from exc
    try:
        claims = await oidc.verify_id_token(client, token, flow["nonce"], config)
    except OidcError:
        raise
    except Exception as exc:  # e.g. the key set could not be fetched
        raise OidcError("provider", f"ID token verification: {exc!r}") from exc
    account_id = await run_in_threadpool(oidc.account_for_identity, claims)
    if account_id is None:
        raise OidcError("unknown_identity", "no active account for this identity")
    return account_id


def _record_failure(request: Request) -> None:
    try:
        record_failure(client_key(request), "oidc")
    except Exception:  # the refusal stands even if it cannot be counted
        log.exception("could not record a failed OpenID Connect sign-in")


async def _slowed_down(request: Request) -> bool:
    if await run_in_threadpool(too_many_failures, client_key(request), "oidc"):
        log.warning("OpenID Connect sign-in slowed down for a client after repeated failures")
        return True
    return False
