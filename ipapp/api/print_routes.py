"""The plan on paper: /utskrift (a print view in HTML) and /utskrift.pdf (an accessible PDF),
for the plan as it is or as it stood at the end of a day (?dato=YYYY-MM-DD).

The reader comes from the session cookie, the plan from ?plan= (checked by the policy like any
read), the language from ?lang=. Every download and look is in the access log (plan_document)."""

import asyncio
import logging
from datetime import date

from starlette.requests import Request
from starlette.responses import HTMLResponse, PlainTextResponse, Response
from starlette.routing import Route

from ipapp.auth import sessions
from ipapp.domain.ids import parse_id
from ipapp.i18n import normalize_locale, translate
from ipapp.services import plan_document, plan_pdf
from ipapp.services.plan_access import AccessDenied
from ipapp.state.session import session_cookie

log = logging.getLogger(__name__)


def _day(raw: str | None) -> date | None | object:
    if not raw:
        return None
    try:
        return date.fromisoformat(raw) if len(raw) == 10 else ValueError
    except ValueError:
        return ValueError


def _open(request: Request, kind: str):
    """(document, locale) or the response that refuses."""
    locale = normalize_locale(request.query_params.get("lang"))
    active = sessions.resolve(session_cookie(request.headers.get("cookie", "")))
    if active is None:
        return None, PlainTextResponse(translate("document.sign_in_first", locale), status_code=401)
    day = _day(request.query_params.get("dato"))
    if day is ValueError:
        return None, PlainTextResponse(translate("document.bad_date", locale), status_code=400)
    try:
        document = plan_document.open_document(active.person_id, parse_id(request.query_params.get("plan")),
                                               day, locale, kind=kind)
    except AccessDenied as denied:
        log.info("print refused: %s", denied.reason)
        return None, PlainTextResponse(translate("error.not_available", locale), status_code=403)
    return document, None


PRIVATE = {"Cache-Control": "no-store"}  # a health plan never sits in a shared cache


async def print_view(request: Request) -> Response:
    document, refused = await asyncio.to_thread(_open, request, "print")
    if refused is not None:
        return refused
    return HTMLResponse(plan_pdf.render_html(document.plan), headers=PRIVATE)


async def print_pdf(request: Request) -> Response:
    document, refused = await asyncio.to_thread(_open, request, "pdf")
    if refused is not None:
        return refused
    pdf = await asyncio.to_thread(plan_pdf.render_pdf, document.plan)  # ~0.5 s: off the event loop
    return Response(pdf, media_type="application/pdf", headers={
        **PRIVATE, "Content-Disposition": f'attachment; filename="{document.filename}"'})


def print_routes() -> list[Route]:
    return [Route("/utskrift", print_view, methods=["GET"]), Route("/utskrift.pdf", print_pdf, methods=["GET"])]
