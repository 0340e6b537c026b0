"""A person's private calendar feed (/kalender/feed/<token>.ics): the meetings of every plan she is
on that the policy lets her read now, with only their title and time; the details are behind
sign-in, one tap away (each event links to the meeting).

The token is the key, so it is a secret: 32 random bytes, shown once when made and kept only as
its SHA-256. Making a new one or turning it off revokes the old one at once. A deactivated account
gets nothing. A fixed number of queries however many plans and meetings.

Audit: a fetch is a read of the meetings of each plan she may read them on, one event per plan
(never one per meeting), target `feed:<feed id>`, and as everywhere not when the owner reads her
own plan. A plan she may no longer read is simply left out: the calendar app asking is the app's
own check, not her attempt, so it is not written to anyone's log.
"""

import hashlib
import hmac
import logging
import re
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from icalendar import Calendar, Event
from sqlalchemy import update
from sqlmodel import Session, col, select

from ipapp import policy
from ipapp.config import settings
from ipapp.db import transaction
from ipapp.domain.vocabulary import AccountStatus, Section
from ipapp.i18n import normalize_locale, translate
from ipapp.i18n.dates import format_when, to_oslo
from ipapp.models import (
    Account,
    CalendarFeed,
    Meeting,
    Person,
    Plan,
    utcnow,
)
from ipapp.services import audit
from ipapp.services.plan_access import actor_for, plan_facts_of, plans_for_person

log = logging.getLogger(__name__)

FEED_PREFIX = "/kalender/feed/"
# secrets.token_urlsafe(32): 43 characters of the URL-safe alphabet. Anything else is not a link
# we made, and is refused before the database is asked.
TOKEN_BYTES = 32
TOKEN_SHAPE = re.compile(r"[A-Za-z0-9_-]{43}")
# Meetings that ended longer ago than this are left out: a calendar needs what is coming and the
# recent past, and the feed of a coordinator with many plans stays small.
PAST_KEPT = timedelta(days=365)


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def feed_url(token: str) -> str:
    """The link she subscribes to: absolute, on the address people open ipapp at."""
    return f"{settings().public_origin}{FEED_PREFIX}{token}.ics"


def webcal_url(url: str) -> str:
    """The same link for "open in my calendar app" (webcal:// is how phones subscribe)."""
    return "webcal://" + url.split("://", 1)[-1]


def _current(session: Session, person_id: int) -> CalendarFeed | None:
    return session.exec(select(CalendarFeed).where(CalendarFeed.person_id == person_id,
                                                   col(CalendarFeed.revoked_at).is_(None))
                        .order_by(col(CalendarFeed.id).desc())).first()


def _revoke_all(session: Session, person_id: int, now: datetime) -> int:
    return session.exec(update(CalendarFeed).where(CalendarFeed.person_id == person_id,
                                                   col(CalendarFeed.revoked_at).is_(None))
                        .values(revoked_at=now)).rowcount


def make_feed(person_id: int) -> str:
    """A new link for her (the old one, if any, stops working now); the absolute URL, shown once."""
    token = secrets.token_urlsafe(TOKEN_BYTES)
    now = utcnow()
    with transaction() as session:
        # One at a time per person (PostgreSQL row lock; SQLite has one writer anyway), so two taps
        # in two tabs never leave two links working.
        if session.exec(select(Person.id).where(Person.id == person_id).with_for_update()).first() is None:
            raise ValueError("no such person")
        _revoke_all(session, person_id, now)
        session.add(CalendarFeed(person_id=person_id, token_hash=_digest(token), created_at=now))
    return feed_url(token)


def revoke_feed(person_id: int) -> bool:
    """Turn her link off; whether there was one."""
    with transaction() as session:
        return _revoke_all(session, person_id, utcnow()) > 0


@dataclass(frozen=True)
class FeedStatus:
    on: bool
    made: str = ""  # "i dag kl. 10.05"
    last_used: str = ""  # "" = no calendar has fetched it yet


def feed_status(person_id: int, locale: str) -> FeedStatus:
    now = utcnow()
    with transaction() as session:
        feed = _current(session, person_id)
    if feed is None:
        return FeedStatus(on=False)
    return FeedStatus(on=True, made=format_when(feed.created_at, now, locale),
                      last_used=format_when(feed.last_used_at, now, locale) if feed.last_used_at else "")


# --- the feed itself ----------------------------------------------------------------------------


def _active_feed(session: Session, token: object) -> tuple[CalendarFeed, str] | None:
    """The link's feed and its person's language, if the link is one of ours, not revoked, and
    her account is active. The lookup is by hash (no comparison of secrets that could leak by
    timing); the hash found is compared in constant time all the same."""
    if not isinstance(token, str) or not TOKEN_SHAPE.fullmatch(token):
        log.info("calendar feed refused: not a feed link")
        return None
    wanted = _digest(token)
    row = session.exec(select(CalendarFeed, Account.status, Person.locale)
                       .join(Person, col(Person.id) == col(CalendarFeed.person_id))
                       .outerjoin(Account, col(Account.person_id) == col(CalendarFeed.person_id))
                       .where(CalendarFeed.token_hash == wanted)).first()
    if row is None or not hmac.compare_digest(row[0].token_hash, wanted):
        log.info("calendar feed refused: unknown link")
        return None
    feed, status, locale = row
    if feed.revoked_at is not None:
        log.info("calendar feed refused: feed %s is turned off", feed.id)
        return None
    if status != AccountStatus.ACTIVE.value:
        log.info("calendar feed refused: feed %s belongs to an account that is not active", feed.id)
        return None
    return feed, normalize_locale(locale)


def feed_ics(token: object, now: datetime | None = None) -> bytes | None:
    """The calendar behind this link, or None for a link that is unknown, turned off, or whose
    account is deactivated (the caller answers all three the same way)."""
    now = now or utcnow()
    with transaction() as session:
        found = _active_feed(session, token)
        if found is None:
            return None
        feed, locale = found
        person_id = feed.person_id
        plan_ids = plans_for_person(session, person_id)
        plans = list(session.exec(select(Plan).where(col(Plan.id).in_(plan_ids)))) if plan_ids else []
        facts = plan_facts_of(session, plans) if plans else {}
        actor = actor_for(session, person_id)
        readable = {}
        for plan in plans:
            decision = policy.decide(actor, facts[plan.id], policy.Action.READ, Section.MEETINGS, now)
            if decision.allowed:
                readable[plan.id] = (plan, decision)
        meetings = list(session.exec(
            select(Meeting).where(col(Meeting.plan_id).in_(list(readable)), col(Meeting.cancelled_at).is_(None),
                                  Meeting.ends_at > now - PAST_KEPT)
            .order_by(col(Meeting.starts_at), col(Meeting.id)))) if readable else []
        audit.record_many(session, [
            dict(actor_person_id=person_id, actor_role=str(decision.acting_as), plan_id=plan.id, action="read",
                 section=str(Section.MEETINGS), allowed=True, reason=decision.reason, target=f"feed:{feed.id}")
            for plan, decision in readable.values() if plan.owner_person_id != person_id])
        session.exec(update(CalendarFeed).where(CalendarFeed.id == feed.id).values(last_used_at=now))
    return _calendar(meetings, locale, now).to_ical()


def _calendar(meetings: list[Meeting], locale: str, now: datetime) -> Calendar:
    """Title and time only: no place, no agenda, no video link, no invitees, no whose plan it is.
    Cancelled meetings are left out, so a subscribed calendar drops them at its next fetch."""
    calendar = Calendar()
    calendar.add("prodid", "-//ipapp//individuell plan//NO")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", translate("calfeed.calendar_name", locale))
    origin = settings().public_origin
    host = origin.split("//", 1)[-1]
    stamp = now.replace(tzinfo=UTC)
    for meeting in meetings:
        event = Event()
        # The same UID as the one-meeting file (ipapp.services.calendar): it is the same meeting.
        event.add("uid", f"meeting-{meeting.id}@{host}")
        event.add("dtstamp", stamp)
        event.add("dtstart", to_oslo(meeting.starts_at))
        event.add("dtend", to_oslo(meeting.ends_at))
        event.add("summary", meeting.title)
        event.add("url", f"{origin}/moter?plan={meeting.plan_id}&mote={meeting.id}")
        event.add("sequence", meeting.version)
        calendar.add_component(event)
    calendar.add_missing_timezones()  # VTIMEZONE for Europe/Oslo, from the zone's own rules
    return calendar
