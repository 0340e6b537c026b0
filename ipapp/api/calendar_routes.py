"""/kalender/<meeting id>.ics?plan=<plan id>: a meeting for the reader's calendar. The reader
comes from the session cookie; the policy decides, as on every read."""

import asyncio
import logging

from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Route

from ipapp.auth import sessions
from ipapp.domain.ids import parse_id
from ipapp.i18n import normalize_locale, translate
from ipapp.services.calendar import meeting_ics
from ipapp.services.plan_access import AccessDenied
from ipapp.state.session import session_cookie

log = logging.getLogger(__name__)


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


def calendar_routes() -> list[Route]:
    return [Route("/kalender/{meeting_id}.ics", calendar_file, methods=["GET"])]
