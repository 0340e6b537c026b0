"""Which reminders a person wants ("Varsler" in Meg): two meeting reminders at times she picks
from a fixed list (or off), and new messages, review dates and access endings on or off.

No row is the defaults (24 h and 2 h before a meeting, everything else on). Only the signed-in
person's own choices are read or saved. The form comes from the browser: a meeting time is a
place in MEETING_OFFSET_CHOICES ("0".."7") or "off", a checkbox is "on" or absent; anything else
is a FormProblem and nothing is written. Saving brings her reminders not yet sent in line at once,
in the same transaction (ipapp.services.reminders.preferences_changed); sent ones stay as the record.
"""

import logging
from dataclasses import dataclass, replace
from datetime import datetime

from sqlalchemy import null
from sqlmodel import Session, col, select

from ipapp.db import transaction
from ipapp.models import Person, Plan, ReminderPreference, utcnow
from ipapp.services.forms import FormProblem
from ipapp.services.plan_access import AccessDenied, plan_facts_of, plans_for_person

log = logging.getLogger("ipapp.reminders")

# Minutes before a meeting that each of its two reminders may be: a week, 2 days, 24 h, 12 h, 4 h,
# 2 h, 1 h, 30 min. The page offers places in this list, never minutes.
MEETING_OFFSET_CHOICES: tuple[int, ...] = (7 * 24 * 60, 2 * 24 * 60, 24 * 60, 12 * 60, 4 * 60, 2 * 60, 60, 30)
OFF = "off"
CHECKED = "on"  # what a browser sends for a ticked checkbox; an unticked one is not sent at all
MEETING_FIELDS = ("meeting_first", "meeting_second")
SWITCHES = ("new_message", "review_due", "access_ending")
_PLACES = {str(place): minutes for place, minutes in enumerate(MEETING_OFFSET_CHOICES)}


@dataclass(frozen=True)
class Preferences:
    meeting_first_minutes: int | None  # None: that reminder is off
    meeting_second_minutes: int | None
    new_message: bool
    review_due: bool
    access_ending: bool

    @property
    def meeting_offsets(self) -> tuple[int, ...]:
        """The minutes before a meeting she wants reminding at, each once, longest first."""
        chosen = {m for m in (self.meeting_first_minutes, self.meeting_second_minutes) if m is not None}
        return tuple(sorted(chosen, reverse=True))


DEFAULTS = Preferences(meeting_first_minutes=24 * 60, meeting_second_minutes=2 * 60, new_message=True,
                       review_due=True, access_ending=True)


def _from_row(row: ReminderPreference | None) -> Preferences:
    if row is None:
        return DEFAULTS
    return Preferences(row.meeting_first_minutes, row.meeting_second_minutes, row.new_message, row.review_due,
                       row.access_ending)


def preferences_of(session: Session, person_id: int) -> Preferences:
    return _from_row(session.get(ReminderPreference, person_id))


def preferences_for(session: Session, person_ids: set[int] | list[int]) -> dict[int, Preferences]:
    """Everyone's in one query (a meeting's invitees, a plan's keepers): no query per person."""
    wanted = sorted(set(person_ids))
    if not wanted:
        return {}
    rows = {row.person_id: row for row in session.exec(
        select(ReminderPreference).where(col(ReminderPreference.person_id).in_(wanted)))}
    return {person_id: _from_row(rows.get(person_id)) for person_id in wanted}


def _signed_in(session: Session, person_id: object) -> int | None:
    if not isinstance(person_id, int) or isinstance(person_id, bool) or session.get(Person, person_id) is None:
        return None
    return person_id


def get(person_id: int | None) -> Preferences:
    """Her choices (the defaults until she saves some, and for nobody signed in)."""
    with transaction() as session:
        who = _signed_in(session, person_id)
        return DEFAULTS if who is None else preferences_of(session, who)


def _offered_in(session: Session, person_id: int, now: datetime) -> frozenset[str]:
    """The switches whose reminders can reach her as she stands today, asked of the policy as the
    reminder rules ask it: the review date for whoever keeps a plan (owner, acting guardian,
    coordinator), access ending for whoever manages a plan's sharing. New messages always."""
    from ipapp.services.reminders_grants import manages_sharing
    from ipapp.services.reminders_review import keeps

    plans = list(session.exec(select(Plan).where(col(Plan.id).in_(plans_for_person(session, person_id)))))
    facts = plan_facts_of(session, plans).values()
    offered = {"new_message"}
    if any(keeps(f, person_id, now) for f in facts):
        offered.add("review_due")
    if any(manages_sharing(f, person_id, now) for f in facts):
        offered.add("access_ending")
    return frozenset(offered)


def offered(person_id: int | None) -> frozenset[str]:
    """Which of SWITCHES the page offers her (none for nobody signed in)."""
    with transaction() as session:
        who = _signed_in(session, person_id)
        return frozenset() if who is None else _offered_in(session, who, utcnow())


def place_of(minutes: int | None) -> str:
    """The form value for a stored time: its place in MEETING_OFFSET_CHOICES, or "off"."""
    return str(MEETING_OFFSET_CHOICES.index(minutes)) if minutes in MEETING_OFFSET_CHOICES else OFF


def _read_form(form: object) -> Preferences:
    raw = form if isinstance(form, dict) else {}
    problems: dict[str, str] = {}
    minutes: dict[str, int | None] = {}
    for name in MEETING_FIELDS:
        value = raw.get(name)
        if value == OFF:
            minutes[name] = None
        elif isinstance(value, str) and value in _PLACES:
            minutes[name] = _PLACES[value]
        else:
            problems[name] = "choose_one"
    switches: dict[str, bool] = {}
    for name in SWITCHES:
        value = raw.get(name)
        if value is None or value is False:
            switches[name] = False
        elif value == CHECKED or value is True:
            switches[name] = True
        else:
            problems[name] = "choose_one"
    first, second = minutes.get("meeting_first"), minutes.get("meeting_second")
    if not problems and first is not None and first == second:
        problems["meeting_second"] = "same_reminder_time"
    if problems:
        raise FormProblem(problems)
    return Preferences(first, second, switches["new_message"], switches["review_due"], switches["access_ending"])


def _or_null(minutes: int | None):
    return null() if minutes is None else minutes


def save(person_id: int | None, form: dict) -> Preferences:
    """Store her choices and, in the same transaction, bring her pending reminders in line: new
    meeting times move or add rows, a time turned off deletes its rows, a kind turned off deletes
    its pending rows. FormProblem (nothing written) on bad input; AccessDenied when nobody is
    signed in."""
    from ipapp.services import reminders  # reminders reads preferences from this module

    wanted = _read_form(form)
    now = utcnow()
    with transaction() as session:
        who = _signed_in(session, person_id)
        if who is None:
            log.warning("reminder preferences refused for person %r: not_signed_in", person_id)
            raise AccessDenied("not_signed_in")
        # A switch she is not offered was not on her form: what is stored for it stays.
        kept = preferences_of(session, who)
        wanted = replace(wanted, **{name: getattr(kept, name) for name in SWITCHES
                                    if name not in _offered_in(session, who, now)})
        row = session.get(ReminderPreference, who) or ReminderPreference(person_id=who)
        # None is "off": an explicit NULL, or the column's default (24 h, 2 h) would fill a new row's gap.
        row.meeting_first_minutes = _or_null(wanted.meeting_first_minutes)
        row.meeting_second_minutes = _or_null(wanted.meeting_second_minutes)
        row.new_message, row.review_due, row.access_ending = wanted.new_message, wanted.review_due, wanted.access_ending
        row.updated_at = now
        session.add(row)
        session.flush()
        reminders.preferences_changed(session, who, wanted, now)
        return wanted
