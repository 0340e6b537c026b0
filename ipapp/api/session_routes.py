"""Plain HTTP routes that start and end sessions. Only a route can set an HttpOnly cookie; the page
then reloads so the websocket handshake carries it, and every event resolves the person from it."""

import logging
from urllib.parse import urlsplit

from starlette.requests import Request
from starlette.responses import PlainTextResponse, RedirectResponse, Response
from starlette.routing import Route

from ipapp.auth import demo, sessions
from ipapp.config import settings
from ipapp.domain.ids import parse_id
from ipapp.services import people

log = logging.getLogger(__name__)


def _same_origin(request: Request) -> bool:
    """Refuse cross-site posts (login CSRF) and DNS rebinding: the Host must be ours and the
    Origin the configured one - never merely equal to the Host, which the sender chooses.
    Chromium sends `Origin: null` on a form post from a page with `Referrer-Policy: no-referrer`
    (ours); then only the browser's own Sec-Fetch-Site, which no page can set, may vouch for it."""
    expected = urlsplit(settings().public_origin)
    if request.headers.get("host", "") != expected.netloc:
        return False
    origin = request.headers.get("origin")
    if origin is None or origin == "null":
        return request.headers.get("sec-fetch-site") == "same-origin"
    given = urlsplit(origin)
    return (given.scheme, given.netloc) == (expected.scheme, expected.netloc)


def _secure() -> bool:
    return settings().public_origin.startswith("https://")


def signed_in_response(raw_session_id: str, to: str = "/") -> Response:
    response = RedirectResponse(to, status_code=303)
    response.set_cookie(value=raw_session_id, **sessions.cookie_attributes(_secure()))
    return response


async def demo_sign_in(request: Request) -> Response:
    if not demo.demo_mode_on():
        return PlainTextResponse("Not found", status_code=404)
    if not _same_origin(request):
        return PlainTextResponse("Forbidden", status_code=403)
    raw_id = request.path_params.get("person_id", "")
    try:
        account_id = demo.account_for_demo_person(parse_id(raw_id))
    except demo.DemoSignInRefused as refused:
        log.warning("demo sign-in refused: %s", refused)
        return RedirectResponse("/demo?feil=1", status_code=303)
    raw = sessions.start_session(account_id, request.headers.get("user-agent", "")[:200], method="demo")
    return signed_in_response(raw, to=people.landing_for_account(account_id))


async def sign_out(request: Request) -> Response:
    if not _same_origin(request):
        return PlainTextResponse("Forbidden", status_code=403)
    sessions.end_session(request.cookies.get(sessions.SESSION_COOKIE))
    response = RedirectResponse("/demo" if demo.demo_mode_on() else "/logg-inn", status_code=303)
    response.delete_cookie(sessions.SESSION_COOKIE, path="/")
    return response


def session_routes() -> list[Route]:
    return [
        Route("/auth/demo/{person_id}", demo_sign_in, methods=["POST"]),
        Route("/auth/sign-out", sign_out, methods=["POST"]),
    ]
