"""The demo plan is complete and believable: someone trying ipapp sees every role, a plan with
goals and services, a past meeting with minutes, the next meeting at the right Oslo time,
a message waiting for an answer, and a consent waiting for a signature (never a faked one).

Real SQLite files; the demo is committed, then read back in a fresh session.
"""

import hashlib
import re
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func
from sqlmodel import Session, SQLModel, select

from ipapp.db import make_engine
from ipapp.demo import DemoCast, load_demo, load_demo_if_empty
from ipapp.models import (
    AboutMe,
    AccessGrant,
    AccessGrantSection,
    Account,
    Consent,
    ConsentGrant,
    Contact,
    Goal,
    Guardianship,
    Measure,
    Meeting,
    MeetingInvitee,
    Message,
    MessageRead,
    MessageThread,
    OwnerNote,
    Person,
    Plan,
    PlanCoordinator,
    PlanMember,
    metadata,
)

OSLO = ZoneInfo("Europe/Oslo")
WINTER = date(2025, 1, 15)  # Oslo is UTC+1


@pytest.fixture
def engine(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path}/t.sqlite3")
    SQLModel.metadata.create_all(engine)
    yield engine
    engine.dispose()


@pytest.fixture
def cast(engine) -> DemoCast:
    with Session(engine) as s:
        loaded = load_demo(s, WINTER)
        s.commit()
    return loaded


@pytest.fixture
def session(engine, cast):
    with Session(engine) as s:
        yield s


def start_of_oslo_day(day: date) -> datetime:
    """Midnight in Oslo as naive UTC: the boundary between "past" and "upcoming" for that day."""
    return datetime(day.year, day.month, day.day, tzinfo=OSLO).astimezone(UTC).replace(tzinfo=None)


def in_oslo(naive_utc: datetime) -> datetime:
    return naive_utc.replace(tzinfo=UTC).astimezone(OSLO)


def age_on(birth: date, day: date) -> int:
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))


def row_counts(engine) -> dict[str, int]:
    with Session(engine) as s:
        return {
            name: s.exec(select(func.count()).select_from(table)).one()
            for name, table in metadata.tables.items()
        }


# --- the plan and the people ----------------------------------------------------------------------


def test_one_active_plan_owned_by_sofie_aged_19(session, cast):
    plans = session.exec(select(Plan)).all()
    assert [p.id for p in plans] == [cast.plan_id]
    plan = plans[0]
    assert plan.owner_person_id == cast.owner_id
    assert plan.status == "active"
    assert plan.period_start < WINTER < plan.next_review_on
    owner = session.get(Person, cast.owner_id)
    assert (owner.given_name, owner.family_name) == ("Sofie", "Lindgren Aas")
    assert age_on(owner.birth_date, WINTER) == 19


def test_everyone_in_the_cast_can_sign_in_and_reads_bokmal(session, cast):
    ids = [cast.owner_id, cast.guardian_id, cast.next_of_kin_id, cast.provider_id,
           cast.coordinator_id, cast.unit_admin_id]
    assert len(set(ids)) == len(ids)  # a different person in every role
    for person_id in ids:
        assert session.get(Person, person_id).locale == "nb"
        account = session.exec(select(Account).where(Account.person_id == person_id)).one()
        assert account.status == "active"


def test_guardian_is_court_appointed_with_a_written_scope_valid_today(session, cast):
    ship = session.exec(
        select(Guardianship).where(Guardianship.owner_person_id == cast.owner_id)
    ).one()
    assert ship.guardian_person_id == cast.guardian_id
    assert ship.basis == "court_appointed"
    assert ship.valid_from <= WINTER <= ship.valid_until
    for word in ("helse", "økonomi", "Statsforvalteren"):
        assert word in ship.scope


def test_next_of_kin_and_provider_are_plan_members(session, cast):
    members = {
        m.person_id: (m.role, m.relation)
        for m in session.exec(select(PlanMember).where(PlanMember.plan_id == cast.plan_id))
    }
    assert members[cast.next_of_kin_id] == ("next_of_kin", "mor")
    assert members[cast.provider_id] == ("participant", "fysioterapeut")


def test_exactly_one_current_coordinator_and_an_earlier_one(session, cast):
    rows = session.exec(
        select(PlanCoordinator).where(PlanCoordinator.plan_id == cast.plan_id)
    ).all()
    current = [r for r in rows if r.assigned_until is None]
    ended = [r for r in rows if r.assigned_until is not None]
    assert [r.coordinator_person_id for r in current] == [cast.coordinator_id]
    assert ended, "the history shows an earlier coordinator"
    for r in ended:
        assert r.coordinator_person_id != cast.coordinator_id
        assert r.assigned_until <= current[0].assigned_from


def test_unit_admin_has_an_admin_account_and_nothing_in_the_plan(session, cast):
    admins = session.exec(select(Account).where(Account.is_unit_admin)).all()
    assert [a.person_id for a in admins] == [cast.unit_admin_id]
    admin = cast.unit_admin_id
    assert session.get(Plan, cast.plan_id).owner_person_id != admin
    assert admin not in session.exec(select(PlanMember.person_id)).all()
    assert admin not in session.exec(select(Contact.person_id)).all()
    assert admin not in session.exec(select(PlanCoordinator.coordinator_person_id)).all()
    assert admin not in session.exec(select(AccessGrant.grantee_person_id)).all()


# --- goals, measures, contacts --------------------------------------------------------------------


def test_goals_in_sofies_words_each_with_measures_and_a_responsible_contact(session, cast):
    goals = session.exec(select(Goal).where(Goal.plan_id == cast.plan_id)).all()
    assert 3 <= len(goals) <= 5
    for goal in goals:
        assert goal.title.startswith("Jeg ")  # first person: the owner's own words
        measures = session.exec(select(Measure).where(Measure.goal_id == goal.id)).all()
        assert measures, goal.title
        for m in measures:
            contact = session.get(Contact, m.responsible_contact_id)
            assert contact is not None and contact.plan_id == cast.plan_id, m.name
            assert m.ends_on is None or m.starts_on <= m.ends_on


def test_contacts_cover_the_people_sofie_needs_to_reach(session, cast):
    contacts = session.exec(select(Contact).where(Contact.plan_id == cast.plan_id)).all()
    assert len(contacts) >= 6
    roles = {c.role for c in contacts}
    assert {"coordinator", "gp", "next_of_kin"} <= roles
    assert "school_or_work" in roles  # the school adviser or NAV
    assert any("fysioterapeut" in c.title for c in contacts)
    by_role = {}
    for c in contacts:
        by_role.setdefault(c.role, []).append(c)
    assert [c.person_id for c in by_role["coordinator"]] == [cast.coordinator_id]
    assert cast.next_of_kin_id in {c.person_id for c in by_role["next_of_kin"]}
    assert cast.guardian_id in {c.person_id for c in by_role["next_of_kin"]}
    assert all(c.phone and c.email for c in contacts)


def test_contact_details_are_obviously_fictional(session):
    emails = [*session.exec(select(Person.email)), *session.exec(select(Contact.email))]
    phones = [*session.exec(select(Person.phone)), *session.exec(select(Contact.phone))]
    assert emails and all(e.endswith("@example.com") for e in emails)
    assert phones and all(re.fullmatch(r"\+47 400 00 \d{3}", p) for p in phones)


# --- meetings -------------------------------------------------------------------------------------


def test_past_meeting_has_published_minutes(session, cast):
    past = session.exec(
        select(Meeting).where(
            Meeting.plan_id == cast.plan_id, Meeting.starts_at < start_of_oslo_day(WINTER)
        )
    ).all()
    with_minutes = [m for m in past if m.minutes.strip()]
    assert with_minutes
    for m in with_minutes:
        assert m.kind == "responsibility_group"
        assert m.agenda.strip()
        assert m.minutes_published_at is not None and m.minutes_published_at >= m.ends_at


@pytest.mark.parametrize(
    ("today", "expected_start_utc"),
    [
        (date(2025, 1, 15), datetime(2025, 1, 24, 9, 0)),  # winter: 10:00 is 09:00 UTC
        (date(2025, 7, 1), datetime(2025, 7, 10, 8, 0)),  # summer: 10:00 is 08:00 UTC
        (date(2025, 3, 25), datetime(2025, 4, 3, 8, 0)),  # summer time starts before the meeting
        (date(2025, 10, 20), datetime(2025, 10, 29, 9, 0)),  # summer time ends before it
    ],
)
def test_next_meeting_is_at_10_oslo_time_in_nine_days(engine, today, expected_start_utc):
    with Session(engine) as s:
        cast = load_demo(s, today)
        s.commit()
    with Session(engine) as s:
        upcoming = s.exec(
            select(Meeting)
            .where(Meeting.plan_id == cast.plan_id, Meeting.starts_at >= start_of_oslo_day(today))
            .order_by(Meeting.starts_at)
        ).all()
        assert upcoming
        nxt = upcoming[0]
        assert nxt.starts_at == expected_start_utc
        assert nxt.kind == "responsibility_group"
        assert nxt.location.strip() and nxt.agenda.strip() and not nxt.minutes
        invitees = s.exec(select(MeetingInvitee).where(MeetingInvitee.meeting_id == nxt.id)).all()
        responses = {i.response for i in invitees}
        assert {"accepted", "pending"} <= responses
        for i in invitees:
            if i.contact_id is not None:
                assert s.get(Contact, i.contact_id).plan_id == cast.plan_id
        assert cast.owner_id in {i.person_id for i in invitees}  # Sofie gets the reminder too


def test_upcoming_collaboration_meeting_has_a_video_link(session, cast):
    video = session.exec(
        select(Meeting).where(
            Meeting.plan_id == cast.plan_id,
            Meeting.kind == "collaboration",
            Meeting.starts_at > start_of_oslo_day(WINTER),
        )
    ).all()
    assert video and all(m.video_url.startswith("https://video.example.com/") for m in video)


# --- notes and messages ---------------------------------------------------------------------------


def test_sofie_has_private_notes(session, cast):
    notes = session.exec(select(OwnerNote).where(OwnerNote.plan_id == cast.plan_id)).all()
    assert len(notes) >= 2
    assert all(n.author_person_id == cast.owner_id and n.body.strip() for n in notes)


def test_thread_with_coordinator_awaits_a_reply_to_sofie(session, cast):
    thread = session.exec(select(MessageThread).where(MessageThread.plan_id == cast.plan_id)).one()
    messages = session.exec(
        select(Message).where(Message.thread_id == thread.id).order_by(Message.sent_at)
    ).all()
    assert len(messages) == 4
    assert {m.sender_person_id for m in messages} == {cast.owner_id, cast.coordinator_id}
    week_ago, today_start = start_of_oslo_day(WINTER - timedelta(days=7)), start_of_oslo_day(WINTER)
    assert all(week_ago <= m.sent_at < today_start for m in messages)
    last = messages[-1]
    assert last.sender_person_id == cast.owner_id
    read_by_coordinator = session.exec(
        select(MessageRead).where(
            MessageRead.message_id == last.id, MessageRead.person_id == cast.coordinator_id
        )
    ).first()
    assert read_by_coordinator is None


# --- sharing and consent --------------------------------------------------------------------------


def test_mother_is_granted_goals_and_meetings_by_an_unsigned_consent(session, cast):
    consent = session.exec(select(Consent).where(Consent.plan_id == cast.plan_id)).one()
    assert consent.version == 1
    assert consent.document_sha256 == hashlib.sha256(consent.document.encode("utf-8")).hexdigest()
    # Unsigned, and no trace of a made-up signature.
    assert consent.signed_at is None and consent.signer_person_id is None
    assert consent.signed_as is None and consent.signature is None
    assert consent.signature_credential_id is None and consent.withdrawn_at is None

    grant_ids = session.exec(
        select(ConsentGrant.grant_id).where(ConsentGrant.consent_id == consent.id)
    ).all()
    assert len(grant_ids) == 1
    grant = session.get(AccessGrant, grant_ids[0])
    assert grant.grantee_person_id == cast.next_of_kin_id
    assert grant.granted_by_person_id == cast.owner_id
    assert grant.revoked_at is None
    sections = set(session.exec(
        select(AccessGrantSection.section).where(AccessGrantSection.grant_id == grant.id)
    ))
    assert sections == {"goals", "meetings"}
    assert in_oslo(grant.valid_from).date() == WINTER
    assert timedelta(days=89) <= grant.valid_until - grant.valid_from <= timedelta(days=93)

    # The document says who, which sections, until when, and why.
    for words in ("Hanne Lindgren", "Mål og tiltak", "Møter", "15. april 2025", grant.purpose):
        assert words in consent.document


# --- loading --------------------------------------------------------------------------------------


def test_load_demo_if_empty_loads_once(engine):
    with Session(engine) as s:
        assert load_demo_if_empty(s) is True
        s.commit()
    after_first = row_counts(engine)
    with Session(engine) as s:
        assert load_demo_if_empty(s) is False
        s.commit()
    assert row_counts(engine) == after_first
    assert after_first["plan"] == 1


def test_load_demo_if_empty_leaves_a_database_with_a_real_plan_alone(engine):
    with Session(engine) as s:
        owner = Person(given_name="Ekte", family_name="Person")
        s.add(owner)
        s.flush()
        s.add(Plan(owner_person_id=owner.id, period_start=WINTER, next_review_on=WINTER))
        s.commit()
    before = row_counts(engine)
    with Session(engine) as s:
        assert load_demo_if_empty(s) is False
        s.commit()
    assert row_counts(engine) == before


def test_load_demo_leaves_the_transaction_to_the_caller(engine):
    with Session(engine) as s:
        load_demo(s, WINTER)
        s.rollback()
    assert row_counts(engine)["plan"] == 0


def test_default_today_gives_a_meeting_in_the_coming_days(engine):
    with Session(engine) as s:
        cast = load_demo(s)
        s.commit()
    now = datetime.now(UTC).replace(tzinfo=None)
    with Session(engine) as s:
        starts = s.exec(
            select(Meeting.starts_at).where(
                Meeting.plan_id == cast.plan_id, Meeting.starts_at > now
            )
        ).all()
    assert starts and min(starts) - now < timedelta(days=10)


def test_all_texts_are_filled_in(session):
    required = {
        Person: ("given_name", "family_name", "email", "phone"),
        AboutMe: ("what_matters", "resources", "needs"),
        Goal: ("title", "description"),
        Measure: (
            "name", "provider", "frequency", "owner_contribution", "next_of_kin_contribution"
        ),
        Contact: ("name", "title", "phone", "email"),
        Meeting: ("title", "location", "agenda"),
        Guardianship: ("scope",),
        PlanMember: ("relation",),
        OwnerNote: ("body",),
        MessageThread: ("subject",),
        Message: ("body",),
        AccessGrant: ("purpose",),
        Consent: ("document",),
    }
    for model, fields in required.items():
        rows = session.exec(select(model)).all()
        assert rows, model.__name__
        for row in rows:
            for field in fields:
                value = getattr(row, field)
                assert isinstance(value, str) and value.strip(), f"{model.__name__}.{field}"


@settings(
    max_examples=30, deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(today=st.dates(min_value=date(2000, 1, 1), max_value=date(2100, 12, 31)))
def test_demo_holds_together_on_any_day(engine, today):
    # Month ends, leap days and summer-time switches must neither break a constraint nor the story.
    with Session(engine) as s:
        cast = load_demo(s, today)
        s.flush()
        owner = s.get(Person, cast.owner_id)
        assert age_on(owner.birth_date, today) == 19
        ship = s.exec(select(Guardianship)).one()
        assert ship.valid_from <= today <= ship.valid_until
        plan = s.get(Plan, cast.plan_id)
        assert plan.period_start < today < plan.next_review_on
        nxt = s.exec(
            select(Meeting)
            .where(Meeting.starts_at >= start_of_oslo_day(today))
            .order_by(Meeting.starts_at)
        ).first()
        local = in_oslo(nxt.starts_at)
        assert (local.date(), local.hour, local.minute) == (today + timedelta(days=9), 10, 0)
        grant = s.exec(select(AccessGrant)).one()
        assert in_oslo(grant.valid_from).date() == today
        s.rollback()
