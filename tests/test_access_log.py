"""The owner's access log ("who has looked at my plan"): others' reads and attempts newest first,
never her own (but for new keys on her account: tests/test_log_texts.py); each in plain words;
paged and filterable by person; only for those who manage sharing; a fixed number of queries."""

import re
from datetime import timedelta

import pytest
from shared_steps import counted, mark_demo_consent_signed
from sqlmodel import col, select

from ipapp import db, policy
from ipapp.config import reset_settings_cache
from ipapp.demo.seed import DemoCast, load_demo
from ipapp.domain.vocabulary import Section
from ipapp.i18n import translate
from ipapp.models import AccessGrant, AuditEvent, CoordinatorSubstitute, Person, Plan, utcnow
from ipapp.services import audit, plan_reading
from ipapp.services.access_log import who_looked
from ipapp.services.plan_access import AccessDenied, load_context, require
from ipapp.startup import upgrade_to_head


@pytest.fixture
def cast(sqlite_url, monkeypatch) -> DemoCast:
    monkeypatch.setenv("DATABASE_URL", sqlite_url)
    reset_settings_cache()
    upgrade_to_head(sqlite_url)
    engine = db.make_engine(sqlite_url)
    db.use_engine(engine)
    with db.transaction() as session:
        demo = load_demo(session)
    yield demo
    db.use_engine(None)
    engine.dispose()
    reset_settings_cache()


def _text(entry, locale: str = "nb") -> str:
    """The row's words, as the page puts them (AccessLogState)."""
    return translate(entry.text_key, locale, **entry.text_params)


def _owner_writes_about(cast: DemoCast) -> None:
    # Writes are audited even for the owner: this puts one of her own events in the plan's log.
    with db.transaction() as session:
        ctx = load_context(session, cast.owner_id, cast.plan_id, utcnow())
        require(session, ctx, policy.Action.WRITE, Section.ABOUT, target="about")


@pytest.fixture
def busy_plan(cast) -> DemoCast:
    """The owner, the coordinator and (after signing) the next of kin read; two attempts are denied."""
    plan_reading.read_overview(cast.owner_id, cast.plan_id, "nb")
    plan_reading.read_overview(cast.coordinator_id, cast.plan_id, "nb")
    plan_reading.read_contacts(cast.coordinator_id, cast.plan_id, "nb")
    with pytest.raises(AccessDenied):
        plan_reading.read_meetings(cast.provider_id, cast.plan_id, "nb")
    _owner_writes_about(cast)
    mark_demo_consent_signed(cast)
    plan_reading.read_overview(cast.next_of_kin_id, cast.plan_id, "nb")
    with pytest.raises(AccessDenied):
        plan_reading.read_contacts(cast.next_of_kin_id, cast.plan_id, "nb")
    return cast


def _others_event_ids(cast: DemoCast) -> list[int]:
    """Straight from the table: the plan's events by anyone but the owner, newest first."""
    with db.transaction() as session:
        return list(session.exec(
            select(AuditEvent.id)
            .where(AuditEvent.plan_id == cast.plan_id, col(AuditEvent.actor_person_id) != cast.owner_id)
            .order_by(col(AuditEvent.id).desc())
        ))


def test_owner_sees_the_others_newest_first_but_never_herself(busy_plan):
    cast = busy_plan
    log = who_looked(cast.owner_id, cast.plan_id, per_page=100)
    ids = [e.event_id for e in log.entries]
    assert ids == _others_event_ids(cast) and log.total == len(ids) >= 7
    assert all(e.person_id != cast.owner_id for e in log.entries)
    times = [e.occurred_at for e in log.entries]
    assert times == sorted(times, reverse=True)

    newest = log.entries[0]  # the next of kin's denied look at the contacts
    assert newest.role_label == "Pårørende"
    assert (newest.person_id, newest.action, newest.outcome) == (cast.next_of_kin_id, "read", "denied")
    assert (newest.section, newest.section_label) == ("contacts", "Kontakter")
    assert re.fullmatch(r"i dag kl\. \d\d\.\d\d", newest.when)  # to the minute
    assert _text(newest) == "Prøvde å åpne Kontakter, men fikk ikke lov"

    seen = {(e.person_id, e.role_label, e.section_label, e.outcome) for e in log.entries}
    assert (cast.next_of_kin_id, "Pårørende", "Mål og tiltak", "allowed") in seen
    assert (cast.next_of_kin_id, "Pårørende", "Møter", "allowed") in seen
    assert (cast.coordinator_id, "Koordinator", "Mål og tiltak", "allowed") in seen
    assert (cast.coordinator_id, "Koordinator", "Kontakter", "allowed") in seen
    # The provider has no grant: a denied attempt, shown with her role on the plan.
    assert (cast.provider_id, "Tjenesteyter", "Møter", "denied") in seen
    with db.transaction() as session:
        names = {p.id: p.full_name for p in session.exec(select(Person))}
    assert all(e.person_name == names[e.person_id] for e in log.entries)
    assert newest.person_name == names[cast.next_of_kin_id]
    assert {p.person_id for p in log.people} == {cast.coordinator_id, cast.next_of_kin_id, cast.provider_id}


def test_the_owners_look_is_not_logged_itself(busy_plan):
    before = _others_event_ids(busy_plan)
    who_looked(busy_plan.owner_id, busy_plan.plan_id)
    with db.transaction() as session:
        owner_looks = session.exec(
            select(AuditEvent).where(AuditEvent.actor_person_id == busy_plan.owner_id,
                                     AuditEvent.target == "access_log")
        ).all()
    assert owner_looks == [] and _others_event_ids(busy_plan) == before


def test_pages_cover_the_log_once_in_order(busy_plan):
    everything = [e.event_id for e in who_looked(busy_plan.owner_id, busy_plan.plan_id, per_page=100).entries]
    pages, page = [], 1
    while True:
        result = who_looked(busy_plan.owner_id, busy_plan.plan_id, page=page, per_page=3)
        assert result.total == len(everything) and result.page == page
        assert result.has_previous == (page > 1)
        assert len(result.entries) == (3 if result.has_next else len(everything) - 3 * (page - 1))
        pages.extend(e.event_id for e in result.entries)
        if not result.has_next:
            break
        page += 1
    assert pages == everything and page == -(-len(everything) // 3)
    beyond = who_looked(busy_plan.owner_id, busy_plan.plan_id, page=page + 1, per_page=3)
    assert beyond.entries == [] and not beyond.has_next


def test_filter_by_person(busy_plan):
    cast = busy_plan
    kin = who_looked(cast.owner_id, cast.plan_id, only_person_id=cast.next_of_kin_id, per_page=100)
    assert kin.entries and {e.person_id for e in kin.entries} == {cast.next_of_kin_id}
    assert kin.total == len(kin.entries)
    assert {e.outcome for e in kin.entries} == {"allowed", "denied"}
    # Not someone in the log (the owner herself, a stranger, a forged value): nothing, no error.
    for other in (cast.owner_id, cast.unit_admin_id, 10**9, "3", True, -1, 1.0):
        result = who_looked(cast.owner_id, cast.plan_id, only_person_id=other)
        assert (result.entries, result.total, result.has_next) == ([], 0, False)


def test_labels_follow_the_locale(busy_plan):
    entries = who_looked(busy_plan.owner_id, busy_plan.plan_id, locale="en", per_page=100).entries
    assert {(e.role_label, e.section_label) for e in entries} >= {
        ("Next of kin", "Contacts"), ("Coordinator", "Goals and services"),
    }
    assert {_text(e, "en") for e in entries} >= {"Looked at Goals and services",
                                                 "Tried to open Contacts, but was not allowed"}


def test_a_guardian_may_look_and_the_look_is_in_the_log(busy_plan):
    cast = busy_plan
    guardian_view = who_looked(cast.guardian_id, cast.plan_id, per_page=100)
    owner_view = who_looked(cast.owner_id, cast.plan_id, per_page=100)
    newest = owner_view.entries[0]
    assert (newest.person_id, newest.role_label, newest.action, newest.outcome, newest.section) == (
        cast.guardian_id, "Verge", "manage_sharing", "allowed", None,
    )
    assert newest.section_label == "" and _text(newest) == "Så hvem som har sett planen"
    assert [e.event_id for e in guardian_view.entries] == [e.event_id for e in owner_view.entries]


def test_nobody_else_may_see_the_log_and_their_try_is_recorded(busy_plan):
    cast = busy_plan
    with db.transaction() as session:
        stranger = Person(given_name="Ola", family_name="Nordmann")
        session.add(stranger)
        session.flush()
        today = utcnow().date()
        session.add(Plan(owner_person_id=stranger.id, period_start=today, next_review_on=today))
        stranger_id = stranger.id
    outsiders = {cast.coordinator_id, cast.next_of_kin_id, cast.provider_id, cast.unit_admin_id, stranger_id, None}
    for person_id in outsiders:
        with pytest.raises(AccessDenied):
            who_looked(person_id, cast.plan_id)
    with db.transaction() as session:
        denied = session.exec(
            select(AuditEvent.actor_person_id).where(
                AuditEvent.plan_id == cast.plan_id, AuditEvent.action == "manage_sharing",
                AuditEvent.outcome == "denied", AuditEvent.target == "access_log",
            )
        ).all()
    assert set(denied) == outsiders
    # An unknown or malformed plan id is denied like any other.
    for plan_id in (10**9, "1", None):
        with pytest.raises(AccessDenied):
            who_looked(cast.owner_id, plan_id)


def _events_naming_people(cast: DemoCast, how_many: int) -> None:
    """The unit adds people to the plan, names stand-ins, and the guardian revokes grants: events
    whose text names someone, each a different person."""
    now = utcnow()
    with db.transaction() as session:
        for n in range(how_many):
            person = Person(given_name="Person", family_name=f"Nummer{n}")
            session.add(person)
            session.flush()
            grant = AccessGrant(plan_id=cast.plan_id, grantee_person_id=person.id, granted_by_person_id=cast.owner_id,
                                valid_from=now, valid_until=now + timedelta(days=30), revoked_at=now)
            stand_in = CoordinatorSubstitute(plan_id=cast.plan_id, person_id=person.id, valid_from=now.date(),
                                             valid_until=now.date(), granted_by_person_id=cast.unit_admin_id)
            session.add_all([grant, stand_in])
            session.flush()
            for actor, role, action, target in [
                (cast.unit_admin_id, "unit_admin", "set_up", f"member:{person.id}"),
                (cast.unit_admin_id, "unit_admin", "set_up", f"substitute:{stand_in.id}"),
                (cast.guardian_id, "guardian", "manage_sharing", f"revoke:{grant.id}"),
            ]:
                audit.record(session, actor_person_id=actor, actor_role=role, plan_id=cast.plan_id, action=action,
                             section=None, allowed=True, reason="test", target=target)


def test_the_log_names_people_in_a_fixed_number_of_queries(cast):
    def queries() -> int:
        with counted() as statements:
            who_looked(cast.owner_id, cast.plan_id, per_page=100)
        return len(statements)

    _events_naming_people(cast, 2)
    few = queries()
    _events_naming_people(cast, 25)
    assert queries() == few
    texts = [_text(e) for e in who_looked(cast.owner_id, cast.plan_id, per_page=100).entries]
    assert texts[:3] == ["Trakk tilbake tilgangen til Person Nummer24", "Satte Person Nummer24 som vikar for koordinatoren",
                         "La til Person Nummer24 i planen"]
