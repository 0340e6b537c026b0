"""A page's read is a fixed number of queries whatever the plan's size (no N+1): counted at the
engine while the plan grows from the demo plan to one with 40 more meetings (4 invitees each) and
12 more people with access and 8 more message threads."""

from contextlib import contextmanager
from datetime import timedelta

from sqlalchemy import event
from sqlmodel import select

from ipapp import db
from ipapp.models import (
    AccessGrant,
    AccessGrantSection,
    Consent,
    ConsentGrant,
    Contact,
    Meeting,
    MeetingInvitee,
    Message,
    MessageThread,
    Person,
    utcnow,
)
from ipapp.services import plan_reading


@contextmanager
def counted():
    statements: list[str] = []

    def count(_conn, _cursor, statement, *_args):
        statements.append(statement)

    engine = db.engine()
    event.listen(engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", count)


def _grow(plan_id: int, coordinator_id: int, people: list[int], meetings: int) -> None:
    """More meetings, each inviting two contacts and two people (meetings have no service yet)."""
    now = utcnow()
    with db.transaction() as session:
        contacts = [c.id for c in session.exec(select(Contact).where(Contact.plan_id == plan_id))][:2]
        for n in range(meetings):
            start = now + timedelta(days=n - meetings // 2, hours=1)
            meeting = Meeting(plan_id=plan_id, kind="responsibility_group", title=f"Møte {n}",
                              starts_at=start, ends_at=start + timedelta(hours=1), created_by_person_id=coordinator_id)
            session.add(meeting)
            session.flush()
            session.add_all([MeetingInvitee(meeting_id=meeting.id, contact_id=c) for c in contacts]
                            + [MeetingInvitee(meeting_id=meeting.id, person_id=p) for p in people[:2]])


def _share_widely(plan_id: int, owner_id: int, people: int) -> None:
    """More people with access, each grant of two sections under one signed consent."""
    now = utcnow()
    with db.transaction() as session:
        consent = Consent(plan_id=plan_id, version=900, document="test", document_sha256="0" * 64,
                          created_by_person_id=owner_id, signer_person_id=owner_id, signed_as="owner", signed_at=now)
        session.add(consent)
        session.flush()
        for n in range(people):
            person = Person(given_name=f"Leser{n}", family_name="Test")
            session.add(person)
            session.flush()
            grant = AccessGrant(plan_id=plan_id, grantee_person_id=person.id, granted_by_person_id=owner_id,
                                valid_from=now - timedelta(days=1), valid_until=now + timedelta(days=20 + n))
            session.add(grant)
            session.flush()
            session.add_all([AccessGrantSection(grant_id=grant.id, section="goals"),
                             AccessGrantSection(grant_id=grant.id, section="meetings"),
                             ConsentGrant(consent_id=consent.id, grant_id=grant.id)])


def _talk(plan_id: int, people: list[int], threads: int) -> None:
    """More threads, five messages each, between the owner and the coordinator."""
    with db.transaction() as session:
        for n in range(threads):
            thread = MessageThread(plan_id=plan_id, subject=f"Tråd {n}", created_by_person_id=people[0])
            session.add(thread)
            session.flush()
            session.add_all([Message(thread_id=thread.id, sender_person_id=people[k % 2], body=f"Melding {k}")
                             for k in range(5)])


def _reads(cast) -> dict[str, int]:
    counts = {}
    for name, read in (("meetings", lambda: plan_reading.read_meetings(cast.owner_id, cast.plan_id, "nb")),
                       ("overview", lambda: plan_reading.read_overview(cast.owner_id, cast.plan_id, "nb")),
                       ("threads", lambda: plan_reading.read_threads(cast.owner_id, cast.plan_id, "nb"))):
        with counted() as statements:
            read()
        counts[name] = len(statements)
    return counts


def test_reading_meetings_and_the_overview_does_not_grow_with_the_plan(demo_cast):
    before = _reads(demo_cast)
    upcoming, past = plan_reading.read_meetings(demo_cast.owner_id, demo_cast.plan_id, "nb")
    _grow(demo_cast.plan_id, demo_cast.coordinator_id, [demo_cast.guardian_id, demo_cast.next_of_kin_id], 40)
    _share_widely(demo_cast.plan_id, demo_cast.owner_id, 12)
    _talk(demo_cast.plan_id, [demo_cast.owner_id, demo_cast.coordinator_id], 8)
    after = _reads(demo_cast)
    print(f"queries per read: {after}")
    assert after == before, f"queries grew with the plan: {before} -> {after}"
    grown_upcoming, grown_past = plan_reading.read_meetings(demo_cast.owner_id, demo_cast.plan_id, "nb")
    assert len(grown_upcoming) + len(grown_past) == len(upcoming) + len(past) + 40
    overview = plan_reading.read_overview(demo_cast.owner_id, demo_cast.plan_id, "nb")
    assert sum(a.person_name.startswith("Leser") for a in overview.access) == 12
    threads = plan_reading.read_threads(demo_cast.owner_id, demo_cast.plan_id, "nb")
    grown = [t for t in threads if t.subject.startswith("Tråd ")]
    assert len(grown) == 8 and all(len(t.messages) == 5 and all(m.sender_name for m in t.messages) for t in grown)
    assert all(len(m.invitees) == 4 and all(i.name for i in m.invitees)
               for m in grown_upcoming + grown_past if m.title.startswith("Møte "))
