"""Reads kept per change of their plan (ipapp/services/read_cache.py): a plan's number moves in the
transaction of every write that changes what its pages show, and only then; a page read again at
the same number is the same page with fewer queries and the same audit rows; whatever changes the
reader's access (a write, or the clock alone) is never answered from what was kept.

Plans made through the services (tests/living_plan.py), on SQLite files; nothing is mocked but the
clock of one read."""

import re
from datetime import timedelta

import pytest
from living_plan import make_plan
from shared_steps import counted, services_on
from sqlmodel import func, select

from ipapp import db
from ipapp.i18n.dates import oslo_datetime, oslo_today
from ipapp.models import AccessGrant, AuditEvent, Person, Plan, PlanVisit, utcnow
from ipapp.services import goal_editing, goal_page, messaging, overview_page, people, people_registry, \
    plan_access, plan_reading, unit_plans
from ipapp.services.plan_access import AccessDenied


@pytest.fixture
def plans(service_engine):
    return make_plan(), make_plan("2")


def _seq(plan_id: int) -> int:
    with db.transaction() as session:
        return session.get(Plan, plan_id).change_seq


def _audit_rows(plan_id: int) -> int:
    with db.transaction() as session:
        return session.exec(select(func.count()).select_from(AuditEvent).where(AuditEvent.plan_id == plan_id)).one()


def _open(person_id: int, plan_id: int) -> tuple[overview_page.OverviewPage, int]:
    with counted() as statements:
        page = overview_page.open_overview(person_id, plan_id, "nb")
    return page, len(statements)


def test_a_second_open_at_the_same_number_is_the_same_page_with_fewer_queries_and_the_same_audit(plans):
    plan, _ = plans
    before = _audit_rows(plan.plan_id)
    first, first_queries = _open(plan.coordinator_id, plan.plan_id)
    rows_of_one_open = _audit_rows(plan.plan_id) - before
    assert rows_of_one_open > 0  # the coordinator's reads are audited
    second, second_queries = _open(plan.coordinator_id, plan.plan_id)
    assert second.overview == first.overview and second.missing == first.missing
    assert second.participants == first.participants and second.consent == first.consent
    assert second_queries < first_queries
    # The kept page writes its audit rows again, one for one, at this open's time.
    assert _audit_rows(plan.plan_id) - before == 2 * rows_of_one_open


def test_reads_and_their_audit_rows_leave_the_number_alone(plans):
    plan, _ = plans
    before = _seq(plan.plan_id)
    overview_page.open_overview(plan.coordinator_id, plan.plan_id, "nb")
    overview_page.open_overview(plan.owner_id, plan.plan_id, "nb", session_id=None)
    people.set_locale(plan.owner_id, "nn")  # her own setting: on no page of the plan
    assert _seq(plan.plan_id) == before


def test_a_goal_written_through_the_services_is_on_the_next_open_of_every_reader(plans):
    plan, other = plans
    overview_page.open_overview(plan.owner_id, plan.plan_id, "nb")
    overview_page.open_overview(plan.coordinator_id, plan.plan_id, "nb")
    before, other_before = _seq(plan.plan_id), _seq(other.plan_id)
    goal_id = goal_editing.add_goal(plan.coordinator_id, plan.plan_id, {"title": "Bo i egen leilighet"})
    assert _seq(plan.plan_id) > before and _seq(other.plan_id) == other_before  # that plan only
    for reader in (plan.owner_id, plan.coordinator_id):
        titles = [g.title for g in overview_page.open_overview(reader, plan.plan_id, "nb").overview.goals]
        assert titles == ["Bo i egen leilighet"]
    with db.transaction() as session:
        ctx = plan_access.load_context(session, plan.owner_id, plan.plan_id, utcnow())
        assert goal_page.goal_page_in(session, ctx, goal_id, "nb").goal.measures == []
    # A service under the goal belongs to the plan through the goal: the goal page shows it.
    before = _seq(plan.plan_id)
    goal_editing.add_measure(plan.coordinator_id, plan.plan_id, goal_id,
                             {"name": "Boveiledning", "starts_on": oslo_today(utcnow()).isoformat()})
    assert _seq(plan.plan_id) > before
    with db.transaction() as session:
        ctx = plan_access.load_context(session, plan.owner_id, plan.plan_id, utcnow())
        assert [m.name for m in goal_page.goal_page_in(session, ctx, goal_id, "nb").goal.measures] == ["Boveiledning"]


def test_a_message_moves_the_number_of_its_plan(plans):
    plan, _ = plans
    first = overview_page.open_overview(plan.coordinator_id, plan.plan_id, "nb").overview.threads_awaiting_reply
    before = _seq(plan.plan_id)
    messaging.start_thread(plan.owner_id, plan.plan_id, {"subject": "Time hos fastlegen", "body": "Kan du ringe?"})
    assert _seq(plan.plan_id) > before
    assert overview_page.open_overview(plan.coordinator_id, plan.plan_id, "nb").overview.threads_awaiting_reply \
        == first + 1


def test_a_name_put_right_by_the_unit_is_on_the_plans_that_show_it(plans):
    plan, other = plans
    assert overview_page.open_overview(plan.coordinator_id, plan.plan_id, "nb").overview.header.owner_name \
        == "Maja Eier"
    other_before = _seq(other.plan_id)
    people_registry.correct_person(plan.admin_id, plan.owner_id,
                                   {"given_name": "Maja", "family_name": "Eiersen", "birth_date": "2001-04-02",
                                    "email": "maja@example.com", "phone": ""})
    assert overview_page.open_overview(plan.coordinator_id, plan.plan_id, "nb").overview.header.owner_name \
        == "Maja Eiersen"
    assert _seq(other.plan_id) == other_before  # she is on no page of the other plan


def test_a_coordinator_replaced_is_refused_at_once_not_shown_what_was_kept(plans):
    plan, other = plans
    overview_page.open_overview(plan.coordinator_id, plan.plan_id, "nb")
    overview_page.open_overview(plan.coordinator_id, plan.plan_id, "nb")  # kept, and used
    unit_plans.change_coordinator(plan.admin_id, plan.plan_id, other.coordinator_id)
    with pytest.raises(AccessDenied):
        overview_page.open_overview(plan.coordinator_id, plan.plan_id, "nb")
    assert overview_page.open_overview(other.coordinator_id, plan.plan_id, "nb").overview.header.plan_id \
        == plan.plan_id


def test_a_guardianship_ending_by_the_clock_alone_is_refused_from_its_end(service_engine, monkeypatch):
    today = oslo_today(utcnow())
    plan = make_plan(guardian_until=today)
    overview_page.open_overview(plan.guardian_id, plan.plan_id, "nb")
    overview_page.open_overview(plan.guardian_id, plan.plan_id, "nb")  # kept
    end = oslo_datetime(today + timedelta(days=1), 0)  # the day after her last day, at midnight in Oslo
    monkeypatch.setattr(overview_page, "utcnow", lambda: end + timedelta(seconds=1))
    with pytest.raises(AccessDenied):
        overview_page.open_overview(plan.guardian_id, plan.plan_id, "nb")


def test_a_page_kept_is_not_used_after_midnight_in_oslo(plans, monkeypatch):
    plan, _ = plans
    page = overview_page.open_overview(plan.coordinator_id, plan.plan_id, "nb")
    with counted() as statements:
        overview_page.open_overview(plan.coordinator_id, plan.plan_id, "nb")
    kept_queries = len(statements)
    tomorrow = oslo_datetime(oslo_today(utcnow()) + timedelta(days=1), 0, 1)
    monkeypatch.setattr(overview_page, "utcnow", lambda: tomorrow)
    with counted() as statements:
        later = overview_page.open_overview(plan.coordinator_id, plan.plan_id, "nb")
    assert len(statements) > kept_queries  # read again, not the kept page
    assert later.overview.header.plan_id == page.overview.header.plan_id


def test_what_a_transaction_reads_after_its_own_write_is_its_own_and_never_kept(plans):
    plan, _ = plans
    with db.transaction() as session:
        baseline = plan_access.load_context(session, plan.owner_id, plan.plan_id, utcnow()).facts
    try:
        with db.transaction() as session:
            session.add(AccessGrant(plan_id=plan.plan_id, grantee_person_id=plan.next_of_kin_id,
                                    granted_by_person_id=plan.owner_id, valid_from=utcnow(),
                                    valid_until=utcnow() + timedelta(days=30)))
            session.flush()
            inside = plan_access.load_context(session, plan.owner_id, plan.plan_id, utcnow()).facts
            assert len(inside.grants) == len(baseline.grants) + 1  # its own row, not the kept facts
            raise RuntimeError("roll back")
    except RuntimeError:
        pass
    # The rolled-back transaction had moved the number too; a write of one flush now moves it to
    # the same value. Had its read been kept, the next read would show the grant that never was.
    with db.transaction() as session:
        session.get(Plan, plan.plan_id).closed_reason = "bare en endring"
    with db.transaction() as session:
        assert plan_access.load_context(session, plan.owner_id, plan.plan_id, utcnow()).facts == baseline


def test_the_policy_facts_are_read_once_per_number(plans):
    plan, _ = plans

    def facts_queries() -> int:
        with counted() as statements, db.transaction() as session:
            plan_access.load_context(session, plan.owner_id, plan.plan_id, utcnow())
        return len(statements)

    first, second = facts_queries(), facts_queries()
    assert second < first and second <= 2  # the plan row (with its number) and the reader's account
    with db.transaction() as session:
        session.get(Person, plan.next_of_kin_id)  # nothing written: still kept
    assert facts_queries() == second


def test_a_page_kept_is_read_again_when_a_grant_enters_its_last_two_weeks(plans, monkeypatch):
    plan, _ = plans
    now = utcnow()
    with db.transaction() as session:  # in its last two weeks ten seconds from now
        session.add(AccessGrant(plan_id=plan.plan_id, grantee_person_id=plan.next_of_kin_id,
                                granted_by_person_id=plan.owner_id, valid_from=now - timedelta(days=1),
                                valid_until=now + timedelta(days=14, seconds=10)))
    monkeypatch.setattr(overview_page, "utcnow", lambda: now)
    overview_page.open_overview(plan.owner_id, plan.plan_id, "nb")
    with counted() as statements:
        overview_page.open_overview(plan.owner_id, plan.plan_id, "nb")
    kept_queries = len(statements)
    # Eleven seconds on (well within MAX_AGE), "Tilgang som snart slutter" may list it: read again.
    monkeypatch.setattr(overview_page, "utcnow", lambda: now + timedelta(seconds=11))
    with counted() as statements:
        overview_page.open_overview(plan.owner_id, plan.plan_id, "nb")
    assert len(statements) > kept_queries


def test_on_postgresql_too_a_write_moves_the_number_and_a_replaced_coordinator_is_refused(fresh_postgres_url,
                                                                                          monkeypatch):
    monkeypatch.setenv("IPAPP_ENV", "development")
    monkeypatch.setenv("IPAPP_ORIGIN", "http://localhost:3000")
    monkeypatch.delenv("IPAPP_DEMO", raising=False)
    with services_on(fresh_postgres_url):
        plan, other = make_plan(), make_plan("2")
        _, read = _open(plan.coordinator_id, plan.plan_id)
        _, kept = _open(plan.coordinator_id, plan.plan_id)
        assert kept < read
        before = _seq(plan.plan_id)
        goal_editing.add_goal(plan.coordinator_id, plan.plan_id, {"title": "Kjøre bil selv"})
        assert _seq(plan.plan_id) == before + 1  # once per transaction, at its commit
        assert [g.title for g in overview_page.open_overview(plan.coordinator_id, plan.plan_id, "nb").overview.goals] \
            == ["Kjøre bil selv"]
        unit_plans.change_coordinator(plan.admin_id, plan.plan_id, other.coordinator_id)
        with pytest.raises(AccessDenied):
            overview_page.open_overview(plan.coordinator_id, plan.plan_id, "nb")


def test_what_changed_since_her_last_visit_is_kept_and_a_look_a_moment_ago_costs_no_query(plans):
    """"Endret siden sist" belongs to the kept page (its key holds the end of her previous visit);
    a second look in the same sign-in session within a minute needs no read of her visit."""
    plan, _ = plans
    overview_page.open_overview(plan.owner_id, plan.plan_id, "nb", session_id=101)  # her first visit
    goal_editing.add_goal(plan.coordinator_id, plan.plan_id, {"title": "Komme i arbeid"})
    first, first_queries = _open_in(plan.owner_id, plan.plan_id, 102)  # a new sign-in: a new visit
    assert [c.text for c in first.changes] and "Komme i arbeid" in first.changes[0].text
    again, again_queries = _open_in(plan.owner_id, plan.plan_id, 102)
    assert again.changes == first.changes and again.overview == first.overview
    assert again_queries == 1 < first_queries  # the plan row with her unit-admin mark: nothing else
    with db.transaction() as session:
        visit = session.exec(select(PlanVisit).where(PlanVisit.plan_id == plan.plan_id,
                                                     PlanVisit.person_id == plan.owner_id)).one()
        assert visit.session_id == 102 and visit.previous_seen_at is not None
    # The coordinator changes the plan again: her open page shows it beside the first change.
    goal_editing.add_goal(plan.coordinator_id, plan.plan_id, {"title": "Trene to ganger i uka"})
    later, _ = _open_in(plan.owner_id, plan.plan_id, 102)
    assert len(later.changes) == len(first.changes) + 1
    assert any("Trene to ganger i uka" in c.text for c in later.changes)
    # Another sign-in: counted from visit 102's last look noted (kept to the minute, so the change
    # in its last minute is shown again, never less); what came before visit 102 is not new.
    assert [c.text for c in _open_in(plan.owner_id, plan.plan_id, 103)[0].changes] == \
        [c.text for c in later.changes if "Trene to ganger i uka" in c.text]


def test_a_new_sign_in_reads_only_what_changed_since_its_previous_visit(plans):
    """Her phone and her tablet each have a previous visit of their own: the rest of the overview
    is the same page, kept once; a new previous visit reads her visit and the plan's changes."""
    plan, _ = plans
    overview_page.open_overview(plan.owner_id, plan.plan_id, "nb", session_id=201)
    goal_editing.add_goal(plan.coordinator_id, plan.plan_id, {"title": "Komme i arbeid"})
    phone, full_queries = _statements_of(plan.owner_id, plan.plan_id, 202)
    tablet, tablet_queries = _statements_of(plan.owner_id, plan.plan_id, 203)
    assert tablet.overview == phone.overview and tablet.missing == phone.missing
    assert phone.changes and tablet.changes == []  # the tablet's previous visit is the phone's look
    # The plan with her unit-admin mark; her visit, read and moved; the plan's changes since; its
    # next meeting moment (until when what was read stays true).
    assert [_verb_and_table(q) for q in tablet_queries] == [
        ("SELECT", "plan"), ("SELECT", "plan_visit"), ("UPDATE", "plan_visit"), ("SELECT", "plan_version"),
        ("SELECT", "meeting")]
    assert len(tablet_queries) < len(full_queries) / 2


def _open_in(person_id: int, plan_id: int, session_id: int) -> tuple[overview_page.OverviewPage, int]:
    page, statements = _statements_of(person_id, plan_id, session_id)
    return page, len(statements)


def _verb_and_table(statement: str) -> tuple[str, str]:
    return statement.split()[0], re.search(r'\b(?:FROM|UPDATE)\s+"?(\w+)', statement).group(1)


def _statements_of(person_id: int, plan_id: int, session_id: int) -> tuple[overview_page.OverviewPage, list[str]]:
    with counted() as statements:
        page = overview_page.open_overview(person_id, plan_id, "nb", session_id=session_id)
    return page, statements


def test_the_plan_row_a_reader_keeps_follows_the_plans_own_edits(plans):
    """A page's event reads only the plan row's number (read_cache.plan_at): the period the
    coordinator moved is on the next open, and the plan's version with it."""
    from ipapp.services import plan_editing

    plan, _ = plans
    before = overview_page.open_overview(plan.coordinator_id, plan.plan_id, "nb").overview.header
    review = (oslo_today(utcnow()) + timedelta(days=90)).isoformat()
    plan_editing.update_plan_period(plan.coordinator_id, plan.plan_id, {
        "period_start": "2026-01-01", "next_review_on": review, "version": str(before.plan_version)})
    after = overview_page.open_overview(plan.coordinator_id, plan.plan_id, "nb").overview.header
    assert after.plan_version == before.plan_version + 1 and after.period_start == "2026-01-01"


def test_a_read_that_fails_after_loading_the_plan_leaves_the_kept_row_whole(plans, monkeypatch):
    """A rollback expires what its session holds: the row kept for later reads is not in it."""
    plan, _ = plans
    goal = goal_editing.add_goal(plan.owner_id, plan.plan_id, {"title": "Bo hjemme"})

    def broken(*_args):
        raise RuntimeError("a bug in a reader")

    with pytest.raises(RuntimeError):
        plan_reading.open_section(plan.owner_id, plan.plan_id, "nb", broken)  # loads and keeps the row
    page = plan_reading.open_section(plan.owner_id, plan.plan_id, "nb", goal_page.goal_page_in, goal)
    assert page.header.owner_name and page.content.goal.title == "Bo hjemme"
