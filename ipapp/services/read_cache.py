"""A page's read, computed once per change of its plan rather than once per event.

Every write that changes what a plan's pages show raises `plan.change_seq` in its own transaction
(the listeners below: any flushed row of the plan's content or access, a person's name or phone,
a guardianship, and any write that publishes the plan's live topic). A worker keeps what it read
beside the number it read it at; the next event loads the plan row anyway (for the policy), and
while the number has not moved, the read is still true. So the cache is as consistent as the
database, across any number of workers, with no message between them. (On PostgreSQL's read
committed, the plan row is read before the rows it guards: a read can only be newer than its
number, never older, so a race costs a miss, never a stale page.)

What is kept:
  * the plan row itself, for readers (`plan_at`): a page's event reads only its number;
  * the policy's facts of a plan (`facts_of`): grants, consents, guardianships, coordinator;
    the decision itself is taken again on every event, at that event's time;
  * a reader's page (`page`), keyed by whoever reads and by every decision the page depends on
    (taken again per event from fresh facts: a reader who lost a section gets another key, so
    never the old page). It is also good only until the first instant it could change by the
    clock alone: a grant or guardianship boundary, a meeting's start or end, midnight in Oslo,
    and at most MAX_AGE, for the slower clocks (six months since the last meeting).
Audit rows are still written per event: the `require` calls a page made when it was computed are
recorded and made again, at this event's time, on every later use.

A script that writes to the database directly, around the services, must raise the number too
(`UPDATE plan SET change_seq = change_seq + 1`) or open pages keep their read for up to MAX_AGE;
after a restore the workers start anew (a restored plan may have a number seen before). A kept
value is shared by every event that uses it: the states set it, never change it in place.
"""

import threading
from collections import OrderedDict
from collections.abc import Callable
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import event as sa_event
from sqlalchemy import func, inspect, or_, select, update
from sqlalchemy.orm import Session

from ipapp import policy
from ipapp.i18n.dates import oslo_datetime, oslo_today
from ipapp.live.bus import pending_topics
from ipapp.models import (
    AccessGrant,
    AccessGrantSection,
    AuditAnchor,
    AuditEvent,
    Consent,
    ConsentGrant,
    Contact,
    CoordinatorSubstitute,
    Decision,
    Goal,
    Guardianship,
    Invitation,
    Measure,
    Meeting,
    MeetingGoal,
    MeetingInvitee,
    Message,
    MessageThread,
    Person,
    Plan,
    PlanCoordinator,
    PlanMember,
    PlanVisit,
    ReminderOutbox,
)

MAX_AGE = timedelta(seconds=60)
MAX_ENTRIES = 2048  # per worker, least recently used first out: a page is some 10-100 KiB

# Rows that carry a plan id but are written by reads (or say nothing a page shows).
_NOT_CONTENT = (AuditEvent, AuditAnchor, PlanVisit, ReminderOutbox, Invitation)
# Rows that belong to a plan through their parent: (the parent's id column on the row, the parent).
_THROUGH_PARENT = {
    Measure: ("goal_id", Goal),
    Decision: ("meeting_id", Meeting),
    MeetingInvitee: ("meeting_id", Meeting),
    MeetingGoal: ("meeting_id", Meeting),
    Message: ("thread_id", MessageThread),
    AccessGrantSection: ("grant_id", AccessGrant),
    ConsentGrant: ("consent_id", Consent),
}
_PERSON_PRIVATE = {"locale", "created_at"}  # a person's own settings: on no plan's page
_TO_BUMP = "ipapp_read_cache_to_bump"
_WROTE = "ipapp_read_cache_wrote"  # this transaction changed a plan: its reads are not for others


# --- raising the number -------------------------------------------------------------------------


def _wanted(session: Session) -> dict:
    return session.info.setdefault(_TO_BUMP, {"plans": set(), "parents": {}, "owners": set(), "people": set()})


def _person_changed(person: Person) -> bool:
    state = inspect(person)
    return any(state.attrs[name].history.has_changes() for name in state.attrs.keys()
               if name not in _PERSON_PRIVATE)


@sa_event.listens_for(Session, "before_flush")
def _note_rows(session: Session, _flush_context, _instances) -> None:
    wanted = _wanted(session)
    for row in (*session.new, *session.dirty, *session.deleted):
        if isinstance(row, _NOT_CONTENT):
            continue
        if isinstance(row, Plan):
            if row.id is not None:
                wanted["plans"].add(row.id)
        elif isinstance(row, Guardianship):
            wanted["owners"].add(row.owner_person_id)
        elif isinstance(row, Person):
            if row.id is not None and row not in session.new and _person_changed(row):
                wanted["people"].add(row.id)
        elif type(row) in _THROUGH_PARENT:
            column, parent = _THROUGH_PARENT[type(row)]
            if (parent_id := getattr(row, column, None)) is not None:
                wanted["parents"].setdefault(parent, set()).add(parent_id)
        elif (plan_id := getattr(row, "plan_id", None)) is not None:
            wanted["plans"].add(plan_id)
    if any(wanted.values()):
        session.info[_WROTE] = True


def _plans_of_people(people: set[int]):
    """Every plan a page of which may show one of these people's names or phone numbers."""
    return or_(
        Plan.owner_person_id.in_(people),
        Plan.id.in_(select(PlanMember.plan_id).where(PlanMember.person_id.in_(people))),
        Plan.id.in_(select(PlanCoordinator.plan_id).where(PlanCoordinator.coordinator_person_id.in_(people))),
        Plan.id.in_(select(AccessGrant.plan_id).where(AccessGrant.grantee_person_id.in_(people))),
        Plan.id.in_(select(CoordinatorSubstitute.plan_id).where(CoordinatorSubstitute.person_id.in_(people))),
        Plan.id.in_(select(Contact.plan_id).where(Contact.person_id.in_(people))),
        Plan.id.in_(select(Meeting.plan_id).join(MeetingInvitee, MeetingInvitee.meeting_id == Meeting.id)
                    .where(MeetingInvitee.person_id.in_(people))),
    )


def _bump(session: Session) -> None:
    wanted = session.info.pop(_TO_BUMP, None)
    if not wanted:
        return
    conditions = []
    if wanted["plans"]:
        conditions.append(Plan.id.in_(wanted["plans"]))
    for parent, ids in wanted["parents"].items():
        conditions.append(Plan.id.in_(select(parent.plan_id).where(parent.id.in_(ids))))
    if wanted["owners"]:
        conditions.append(Plan.owner_person_id.in_(wanted["owners"]))
    if wanted["people"]:
        conditions.append(_plans_of_people(wanted["people"]))
    if conditions:
        # Core, not the ORM: no flush of its own, and the Plan objects in this session keep their
        # attributes (the number is read from the next transaction's plan row).
        session.connection().execute(update(Plan).where(or_(*conditions))
                                     .values(change_seq=Plan.change_seq + 1)
                                     .execution_options(synchronize_session=False))


@sa_event.listens_for(Session, "before_commit")
def _bump_at_commit(session: Session) -> None:
    """Last thing before the commit, so that on PostgreSQL the plan rows are locked after every
    audit chain's lock the transaction took (never the other order: no deadlock with an edit).
    Writes that bypass the flush (bulk UPDATEs) publish the plan's topic themselves: so does
    this number rise."""
    if session.new or session.dirty or session.deleted:
        session.flush()
    plans = {int(topic.split(":", 1)[1]) for topic in pending_topics(session) if topic.startswith("plan:")}
    if plans:
        _wanted(session)["plans"].update(plans)
    _bump(session)


@sa_event.listens_for(Session, "after_commit")
@sa_event.listens_for(Session, "after_rollback")
def _forget(session: Session) -> None:
    session.info.pop(_TO_BUMP, None)
    session.info.pop(_WROTE, None)


def _may_share(session: Session) -> bool:
    """Is what this transaction reads what every other transaction would read at its number? Not
    once it has written to a plan, flushed or not: its reads hold its own uncommitted rows."""
    if session.info.get(_WROTE):
        return False
    return not any(not isinstance(row, _NOT_CONTENT) for row in (*session.new, *session.dirty, *session.deleted))


# --- the cache ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Entry:
    seq: int
    good_until: datetime | None  # None: until the number moves
    value: object
    audits: tuple  # the require() calls the read made, to make again on each use


_entries: OrderedDict = OrderedDict()
_lock = threading.Lock()
_recording: ContextVar[list | None] = ContextVar("ipapp_read_cache_recording", default=None)


def record_require(action, section, target: str, reading) -> None:
    """Called by plan_access.require: a page being computed for the cache remembers its checks."""
    calls = _recording.get()
    if calls is not None:
        calls.append((action, section, target, reading))


@contextmanager
def _recorded():
    calls: list = []
    token = _recording.set(calls)
    try:
        yield calls
    finally:
        _recording.reset(token)


def _get(key: tuple, seq: int, now: datetime) -> _Entry | None:
    with _lock:
        entry = _entries.get(key)
        if entry is None:
            return None
        if entry.seq != seq or (entry.good_until is not None and now >= entry.good_until):
            del _entries[key]
            return None
        _entries.move_to_end(key)
        return entry


def _put(key: tuple, entry: _Entry) -> None:
    with _lock:
        _entries[key] = entry
        _entries.move_to_end(key)
        while len(_entries) > MAX_ENTRIES:
            _entries.popitem(last=False)


def _database(session: Session) -> str:
    """Which database a plan id belongs to (a process may open several: the tests, the CLI)."""
    return str(session.get_bind().url)


def facts_of(session: Session, plan: Plan, compute: Callable[[], policy.PlanFacts]) -> policy.PlanFacts:
    """The policy's facts of a plan just loaded in this transaction (time plays no part in them:
    the policy applies the clock when it decides)."""
    if not _may_share(session):
        return compute()
    key = ("facts", _database(session), plan.id)
    entry = _get(key, plan.change_seq, datetime.min)
    if entry is not None:
        return entry.value
    value = compute()
    _put(key, _Entry(plan.change_seq, None, value, ()))
    return value


def plan_at(session: Session, plan_id: int, seq: int, load: Callable[[], Plan | None]) -> Plan | None:
    """The plan row at number `seq`, as this worker last loaded it (`load()` when it has not, or
    holds another number). For readers only: the row is taken out of the session that loaded it
    (a rollback there would expire it) and shared by every later read at that number."""
    if not _may_share(session):
        return load()
    key = ("plan", _database(session), plan_id)
    entry = _get(key, seq, datetime.min)
    if entry is not None:
        return entry.value
    plan = load()
    if plan is not None:
        session.expunge(plan)
        if plan.change_seq == seq:  # else a write came between the two reads: keep nothing
            _put(key, _Entry(seq, None, plan, ()))
    return plan


def _next_meeting_moment(session: Session, plan_id: int, now: datetime) -> datetime | None:
    starts, ends = session.execute(
        select(func.min(Meeting.starts_at).filter(Meeting.starts_at > now),
               func.min(Meeting.ends_at).filter(Meeting.ends_at > now)).where(Meeting.plan_id == plan_id)).one()
    moments = [m for m in (starts, ends) if m is not None]
    return min(moments) if moments else None


def clock_limit(session: Session, ctx, also: tuple = ()) -> datetime:
    """The first instant after which a page of this plan may read differently with no write
    (`also`: moments of the page's own, such as a grant entering "ends soon")."""
    now = ctx.now
    tomorrow = oslo_today(now) + timedelta(days=1)
    moments = [now + MAX_AGE, oslo_datetime(tomorrow, 0), *(m for m in also if m > now)]
    for moment in (policy.next_change_at(ctx.facts, now), _next_meeting_moment(session, ctx.plan.id, now)):
        if moment is not None:
            moments.append(moment)
    return min(moments)


def decisions_of(ctx) -> tuple:
    """Everything the policy says about this reader on this plan, now: part of a page's key."""
    return (ctx.actor.person_id, ctx.actor.is_unit_admin, ctx.is_owner, frozenset(ctx.readable),
            frozenset(policy.acting_relations(ctx.actor, ctx.facts, ctx.now)),
            frozenset(policy.writable_parts(ctx.actor, ctx.facts, ctx.now)),
            ctx.decide(policy.Action.MANAGE_SHARING, None).allowed)


def page(session: Session, ctx, name: str, key: tuple, compute: Callable[[], object], also: tuple = ()):
    """`compute()` for this reader, or what it gave at this plan's number, its audit rows written
    again now. An AccessDenied from `compute` is never kept. `also`: see clock_limit."""
    from ipapp.services.plan_access import require

    if not _may_share(session):
        return compute()
    full_key = ("page", _database(session), name, ctx.plan.id, decisions_of(ctx), *key)
    entry = _get(full_key, ctx.plan.change_seq, ctx.now)
    if entry is not None:
        for action, section, target, reading in entry.audits:
            require(session, ctx, action, section, target=target, reading=reading)
        return entry.value
    with _recorded() as audits:
        value = compute()
    _put(full_key, _Entry(ctx.plan.change_seq, clock_limit(session, ctx, also), value, tuple(audits)))
    return value
