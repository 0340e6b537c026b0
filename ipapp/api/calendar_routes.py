"""Calendars for the reader's own calendar app.

/kalender/<meeting id>.ics?plan=<plan id>: one meeting. The reader comes from the session cookie;
the policy decides, as on every read.

/kalender/feed/<token>.ics: her private feed (ipapp.services.calendar_feed). No cookie: a calendar
app polls it on its own, and the token in the path is the key. An unknown link and one turned off
get the same 404, so the answer tells a guesser nothing; the token is never logged.
"""

import asyncio
import logging

from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Route

from ipapp.auth import sessions
from ipapp.domain.ids import parse_id
from ipapp.i18n import normalize_locale, translate
from ipapp.services.calendar import meeting_ics
from ipapp.services.calendar_feed import feed_ics
from ipapp.services.plan_access import AccessDenied
from ipapp.state.session import session_cookie

log = logging.getLogger(__name__)

# The feed's secret is in its URL: never cached on the way, never sent on as a Referer.
FEED_HEADERS = {"Cache-Control": "no-store", "Referrer-Policy": "no-referrer"}


def _ics(request: Request) -> Response:
    locale = normalize_locale(request.query_params.get("lang"))
    active = sessions.resolve(session_cookie(request.headers.get("cookie", "")))
    if active is None:
        return PlainTextResponse(translate("document.sign_in_first", locale), status_code=401)
    meeting_id = parse_id(request.path_params.get("meeting_id", ""))
    try:
        body = meeting_ics(active.person_id, parse_id(request.query_params.get("plan")), meeting_id, locale)
    except AccessDenied as denied:
        log.info("calendar refused: %s", denied.reason)
        return PlainTextResponse(translate("error.not_available", locale), status_code=403)
    return Response(body, media_type="text/calendar; charset=utf-8", headers={
        "Cache-Control": "no-store", "Content-Disposition": f'attachment; filename="mote-{meeting_id}.ics"'})


async def calendar_file(request: Request) -> Response:
    return await asyncio.to_thread(_ics, request)


def _feed(request: Request) -> Response:
    body = feed_ics(request.path_params.get("token", ""))  # the service logs why a link is refused
    if body is None:
        locale = normalize_locale(request.query_params.get("lang"))
        return PlainTextResponse(translate("calfeed.not_found", locale), status_code=404, headers=FEED_HEADERS)
    return Response(body, media_type="text/calendar; charset=utf-8", headers=FEED_HEADERS)


async def calendar_feed(request: Request) -> Response:
    return await asyncio.to_thread(_feed, request)


def calendar_routes() -> list[Route]:
    return [Route("/kalender/feed/{token}.ics", calendar_feed, methods=["GET"]),
            Route("/kalender/{meeting_id}.ics", calendar_file, methods=["GET"])]
