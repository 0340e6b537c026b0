"""The bottom menu a person is offered: only the pages she may use now.

The policy decides, through the plan's header (which sections she may read, whether she manages
the sharing); this only maps that onto pages. A page she may not use is not offered, so tapping
the menu never ends in "ikke tilgjengelig" nor in a refusal on the owner's log."""

from ipapp.domain.vocabulary import Section
from ipapp.services import people, plan_reading
from ipapp.services.plan_access import AccessDenied, app_recheck
from ipapp.services.views import PlanHeader

PLAN, MEETINGS, MESSAGES, SHARING, UNIT, ME = "/", "/moter", "/meldinger", "/deling", "/enhet", "/meg"


def routes_for(header: PlanHeader | None, is_unit_admin: bool) -> list[str]:
    """The menu's pages for the plan whose header the viewer was just given (None: no plan she
    may open), in menu order. "Meg" is always there: it is where she signs out."""
    routes: list[str] = []
    if header is not None:
        readable = set(header.readable_sections)
        if readable:
            routes.append(PLAN)
        if Section.MEETINGS in readable:
            routes.append(MEETINGS)
        if Section.MESSAGES in readable:
            routes.append(MESSAGES)
        if header.may_manage_sharing:
            routes.append(SHARING)
    if is_unit_admin:
        routes.append(UNIT)
    routes.append(ME)
    return routes


def menu_at_sign_in(person_id: int, plan_id: int | None, locale: str) -> tuple[list[str], bool]:
    """The menu when a tab first belongs to her, and whether she works for the coordinating unit.
    Looking is the app's doing, not hers: a plan she may not open is not logged as an attempt."""
    header = None
    if plan_id is not None:
        try:
            with app_recheck():
                header = plan_reading.read_header(person_id, plan_id, locale)
        except AccessDenied:
            header = None
    is_unit_admin = people.is_unit_admin(person_id)
    return routes_for(header, is_unit_admin), is_unit_admin
