"""A meeting as an iCalendar file (RFC 5545) for the reader's own calendar: times in Europe/Oslo
with the zone's VTIMEZONE, so a calendar shows the right local time on both sides of a DST change."""

from datetime import UTC

from icalendar import Calendar, Event
from sqlmodel import Session

from ipapp import policy
from ipapp.config import settings
from ipapp.db import transaction
from ipapp.domain.vocabulary import Section
from ipapp.i18n import translate
from ipapp.i18n.dates import OSLO
from ipapp.models import Meeting, utcnow
from ipapp.services.plan_access import AccessDenied, load_context, require


def _oslo(naive_utc):
    return naive_utc.replace(tzinfo=UTC).astimezone(OSLO)


def meeting_ics(person_id: int | None, plan_id: object, meeting_id: object, locale: str) -> bytes:
    """The meeting's .ics; AccessDenied for a reader who may not see meetings or another plan's."""
    with transaction() as session:
        ctx = load_context(session, person_id, plan_id, utcnow())
        meeting = session.get(Meeting, meeting_id) if isinstance(meeting_id, int) else None
        require(session, ctx, policy.Action.READ, Section.MEETINGS, target=f"calendar:{meeting_id}")
        if meeting is None or meeting.plan_id != ctx.plan.id:
            raise AccessDenied("no_such_item")
        return _calendar(session, meeting, locale).to_ical()


def _calendar(session: Session, meeting: Meeting, locale: str) -> Calendar:
    calendar = Calendar()
    calendar.add("prodid", "-//ipapp//individuell plan//NO")
    calendar.add("version", "2.0")
    event = Event()
    host = settings().public_origin.split("//", 1)[-1]
    event.add("uid", f"meeting-{meeting.id}@{host}")
    event.add("dtstamp", utcnow().replace(tzinfo=UTC))
    event.add("dtstart", _oslo(meeting.starts_at))
    event.add("dtend", _oslo(meeting.ends_at))
    event.add("summary", f"{translate(f'meeting.kind.{meeting.kind}', locale)}: {meeting.title}")
    if meeting.location:
        event.add("location", meeting.location)
    description = "\n\n".join(part for part in (meeting.agenda, meeting.video_url or "") if part)
    if description:
        event.add("description", description)
    event.add("sequence", meeting.version)
    if meeting.cancelled_at is not None:
        event.add("status", "CANCELLED")
    calendar.add_component(event)
    calendar.add_missing_timezones()  # VTIMEZONE for Europe/Oslo, from the zone's own rules
    return calendar
