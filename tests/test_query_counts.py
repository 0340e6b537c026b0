"""A page's read is a fixed number of queries whatever the plan's size (no N+1): counted at the
engine while the plan grows from the demo plan to one with 40 more meetings (4 invitees each) and
12 more people with access and 8 more message threads."""

from datetime import timedelta

from shared_steps import counted
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


visits = iter(range(1, 1000))  # a new sign-in session for every look: each is a new visit


def _open_pages(plan, coordinator_id: int) -> dict[str, int]:
    """The overview as its owner and as the coordinator opens it (the whole page: reminders,
    changes since the last visit, what the plan lacks), a goal's page, and the workspace."""
    from ipapp.services import goal_page, overview_page, workspace

    counts = {}
    goals = plan_reading.read_overview(plan.owner_id, plan.plan_id, "nb").goals
    first_goal = goals[0].id if goals else 0
    for name, read in (
        ("overview_owner", lambda: overview_page.open_overview(plan.owner_id, plan.plan_id, "nb", next(visits))),
        ("overview_coordinator", lambda: overview_page.open_overview(coordinator_id, plan.plan_id, "nb",
                                                                     next(visits))),
        ("goal_page", lambda: plan_reading.open_section(coordinator_id, plan.plan_id, "nb", goal_page.goal_page_in,
                                                        first_goal)),
        ("workspace", lambda: workspace.my_plans(coordinator_id, plan.plan_id, "nb")),
    ):
        read()  # the first look records the visit; count a later one
        with counted() as statements:
            read()
        counts[name] = len(statements)
    return counts


def test_the_overview_goal_page_and_workspace_do_not_grow_with_goals_services_and_plans(service_engine):
    """A plan made through the services; then 12 more goals with 3 services each, every change
    versioned, and 6 more plans for the same coordinator: the same number of queries."""
    from datetime import date

    from living_plan import make_plan

    from ipapp.services import goal_editing, plan_editing, plan_setup

    plan = make_plan()
    coordinator = plan.coordinator_id
    _open_pages(plan, coordinator)  # both have been here before: their next visit has changes to show
    first = goal_editing.add_goal(plan.owner_id, plan.plan_id, {"title": "Første mål"})
    contact = plan_editing.add_contact(coordinator, plan.plan_id, {"role": "gp", "name": "Dr. Lege"})
    goal_editing.add_measure(coordinator, plan.plan_id, first, {"name": "Et tiltak", "starts_on": "2026-01-01",
                                                            "responsible_contact_id": str(contact)})
    before = _open_pages(plan, coordinator)
    for n in range(12):
        goal = goal_editing.add_goal(plan.owner_id, plan.plan_id, {"title": f"Mål {n}"})
        for k in range(3):
            goal_editing.add_measure(coordinator, plan.plan_id, goal, {
                "name": f"Tiltak {n}.{k}", "starts_on": "2026-01-01",
                "responsible_contact_id": str(contact) if k else ""})
        goal_editing.update_goal(plan.owner_id, plan.plan_id, goal, {"title": f"Mål {n} med mine ord", "version": "1"})
    for n in range(6):
        plan_setup.create_plan(plan.admin_id, {"given_name": "Eier", "family_name": f"Nummer{n}",
                                               "email": f"eier{n}@example.com"}, birth_date=None,
                               coordinator_person_id=coordinator, period_start=date(2026, 1, 1),
                               next_review_on=date(2027, 1, 1))
    after = _open_pages(plan, coordinator)
    print(f"queries per page: {after}")
    assert after == before, f"queries grew with the plan: {before} -> {after}"
    summaries = __import__("ipapp.services.workspace", fromlist=["my_plans"]).my_plans(coordinator, plan.plan_id, "nb")
    assert len([s for s in summaries if s.coordinated]) == 7
    overview = plan_reading.read_overview(plan.owner_id, plan.plan_id, "nb")
    assert len(overview.goals) == 13 and sum(len(g.measures) for g in overview.goals) == 37


def test_opening_a_page_asks_the_policy_what_the_reader_may_see_once(service_engine, monkeypatch):
    """Header, menu, page and the tab's watch all need the readable sections: one event computes
    them once (PlanContext.readable), not once per asker (it was eight times)."""
    from living_plan import make_plan

    from ipapp import policy
    from ipapp.services import goal_editing, goal_page
    from ipapp.services.overview_page import open_overview

    plan = make_plan()
    goal = goal_editing.add_goal(plan.owner_id, plan.plan_id, {"title": "Bo hjemme"})
    for reader in (plan.owner_id, plan.coordinator_id):
        open_overview(reader, plan.plan_id, "nb", session_id=1)
        plan_reading.open_section(reader, plan.plan_id, "nb", goal_page.goal_page_in, goal)
    asked = []
    real = policy.readable_sections
    monkeypatch.setattr(policy, "readable_sections", lambda *args: asked.append(args) or real(*args))
    for reader in (plan.owner_id, plan.coordinator_id):
        open_overview(reader, plan.plan_id, "nb", session_id=1)
        plan_reading.open_section(reader, plan.plan_id, "nb", goal_page.goal_page_in, goal)
    assert len(asked) == 4, f"{len(asked)} computations of the readable sections for 4 page opens"
