"""HTTP routes that finish a passkey ceremony and start a session: only a route can set the
HttpOnly cookie. The browser script posts the credential here, then reloads into the app."""

import logging

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from ipapp.api.bodies import BodyRefused, read_json
from ipapp.api.session_routes import _same_origin, _secure
from ipapp.auth import passkeys, sessions
from ipapp.auth.oidc import client_key as address_key
from ipapp.services import invitations, people

log = logging.getLogger(__name__)


def client_key(request: Request) -> str:
    """Keyed: an unkeyed hash of an IPv4 address can be reversed by trying all of them."""
    return address_key(request.client.host if request.client else "unknown")


def _unreadable(refused: BodyRefused) -> Response:
    log.info("passkey route: request refused (%s)", refused.why)  # one line, no traceback
    return JSONResponse({"error": "failed"}, status_code=refused.status)


def _signed_in(account_id: int, passkey_id: int, request: Request) -> Response:
    raw = sessions.start_session(account_id, request.headers.get("user-agent", "")[:200], passkey_id)
    response = JSONResponse({"ok": True, "to": people.landing_for_account(account_id)})
    response.set_cookie(value=raw, **sessions.cookie_attributes(_secure()))
    return response


def _refused(request: Request, kind: str, code: str) -> Response:
    # The person gets one generic answer; why it failed stays in the server log.
    log.info("%s sign-in refused: %s", kind, code)
    if code != "cancelled":
        passkeys.record_failure(client_key(request), kind)
    return JSONResponse({"error": code if code in {"cancelled", "used", "expired", "revoked"} else "failed"},
                        status_code=400)


async def passkey_sign_in(request: Request) -> Response:
    if not _same_origin(request):
        return JSONResponse({"error": "failed"}, status_code=403)
    if passkeys.too_many_failures(client_key(request), "passkey"):
        log.warning("passkey sign-in slowed down for a client after repeated failures")
        return JSONResponse({"error": "too_many"}, status_code=429)
    try:
        body = await read_json(request)
    except BodyRefused as refused:
        return _unreadable(refused)
    try:
        account_id, passkey_id = passkeys.finish_authentication(body)
    except passkeys.PasskeyError as refused:
        return _refused(request, "passkey", refused.code)
    return _signed_in(account_id, passkey_id, request)


async def invitation_register(request: Request) -> Response:
    if not _same_origin(request):
        return JSONResponse({"error": "failed"}, status_code=403)
    if passkeys.too_many_failures(client_key(request), "invitation"):
        log.warning("invitation use slowed down for a client after repeated failures")
        return JSONResponse({"error": "too_many"}, status_code=429)
    try:
        body = await read_json(request)
    except BodyRefused as refused:
        return _unreadable(refused)
    if not isinstance(body, dict):
        return _refused(request, "invitation", "bad_input")
    try:
        account_id, passkey_id = invitations.redeem(body.get("code"), body.get("credential"), body.get("label", ""))
    except invitations.InvitationProblem as problem:
        return _refused(request, "invitation", problem.code)
    except passkeys.PasskeyError as refused:
        return _refused(request, "invitation", refused.code)
    return _signed_in(account_id, passkey_id, request)


def passkey_routes() -> list[Route]:
    return [
        Route("/auth/passkey/sign-in", passkey_sign_in, methods=["POST"]),
        Route("/auth/invitation/register", invitation_register, methods=["POST"]),
    ]
