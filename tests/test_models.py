"""The database itself refuses data that would hurt people: sharing without an end, two
coordinators at once, a signature without a signer. Each refused write must leave nothing behind,
and each rule has an accepted counterpart, so a test cannot pass just because the setup is broken.

Real SQLite files through ipapp.db.make_engine (foreign keys on), tables from the models.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, text
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, SQLModel, select

from ipapp.db import make_engine
from ipapp.domain.vocabulary import ContactRole, PlanRole, Section
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
    PasskeyCredential,
    Person,
    Plan,
    PlanCoordinator,
    PlanMember,
    ReminderOutbox,
)

DAY = date(2025, 3, 3)
NOON = datetime(2025, 3, 3, 11, 0)  # naive UTC, like every stored datetime


@pytest.fixture
def engine(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path}/t.sqlite3")
    SQLModel.metadata.create_all(engine)
    yield engine
    engine.dispose()


@dataclass(frozen=True)
class Base:
    owner_id: int
    other_id: int  # a second person: coordinator, guardian, grantee
    plan_id: int
    contact_id: int
    account_id: int


@pytest.fixture
def base(engine) -> Base:
    """A committed owner, another person with an account, a plan and one contact."""
    with Session(engine) as s:
        owner = Person(given_name="Ada", family_name="Eier")
        other = Person(given_name="Per", family_name="Annen")
        s.add_all([owner, other])
        s.flush()
        plan = Plan(
            owner_person_id=owner.id, period_start=DAY,
            next_review_on=DAY + timedelta(days=365),
        )
        account = Account(person_id=other.id)
        s.add_all([plan, account])
        s.flush()
        contact = Contact(plan_id=plan.id, role=ContactRole.GP.value, name="Lege Lund")
        s.add(contact)
        s.commit()
        return Base(owner.id, other.id, plan.id, contact.id, account.id)


def count(engine, model) -> int:
    with Session(engine) as s:
        return s.exec(select(func.count()).select_from(model)).one()


def assert_refused(engine, build: Callable[[Session], None], *models) -> None:
    """Writing what build() adds must raise IntegrityError and change none of these tables."""
    before = {m.__name__: count(engine, m) for m in models}
    with Session(engine) as s:
        with pytest.raises(IntegrityError):
            build(s)
            s.commit()
    assert {m.__name__: count(engine, m) for m in models} == before


def accept(engine, build: Callable[[Session], None]) -> None:
    with Session(engine) as s:
        build(s)
        s.commit()


def grant(b: Base, **overrides) -> AccessGrant:
    values = dict(
        plan_id=b.plan_id,
        grantee_person_id=b.other_id,
        granted_by_person_id=b.owner_id,
        valid_from=NOON,
        valid_until=NOON + timedelta(days=90),
    )
    return AccessGrant(**(values | overrides))


# --- sharing: sections, dates ---------------------------------------------------------------


@pytest.mark.parametrize("section", ["diagnosis", "", "Goals", "goals ", "all"])
def test_grant_section_outside_the_six_keys_is_refused(engine, base, section):
    def build(s):
        g = grant(base)
        s.add(g)
        s.flush()
        s.add(AccessGrantSection(grant_id=g.id, section=section))

    assert_refused(engine, build, AccessGrant, AccessGrantSection)


def test_grant_accepts_each_of_the_six_sections(engine, base):
    def build(s):
        g = grant(base)
        s.add(g)
        s.flush()
        s.add_all([AccessGrantSection(grant_id=g.id, section=sec.value) for sec in Section])

    accept(engine, build)
    assert count(engine, AccessGrantSection) == 6


@pytest.mark.parametrize(
    "length", [timedelta(0), timedelta(microseconds=-1), timedelta(days=-30)]
)
def test_grant_that_does_not_end_after_it_starts_is_refused(engine, base, length):
    assert_refused(
        engine, lambda s: s.add(grant(base, valid_until=NOON + length)), AccessGrant
    )


def test_grant_without_an_end_is_refused(engine, base):
    # Sharing always ends: "until when" is the owner's decision, never "forever".
    assert_refused(engine, lambda s: s.add(grant(base, valid_until=None)), AccessGrant)


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(
    valid_from=st.datetimes(min_value=datetime(2000, 1, 1), max_value=datetime(2100, 1, 1)),
    length=st.one_of(
        st.timedeltas(min_value=timedelta(seconds=-2), max_value=timedelta(seconds=2)),
        st.timedeltas(min_value=timedelta(days=-800), max_value=timedelta(days=800)),
    ),
)
def test_grant_period_rule_matches_until_after_from(engine, base, valid_from, length):
    # The stored text form must compare like the datetimes, down to the microsecond.
    with Session(engine) as s:
        s.add(grant(base, valid_from=valid_from, valid_until=valid_from + length))
        try:
            s.flush()
            accepted = True
        except IntegrityError:
            accepted = False
        s.rollback()
    assert accepted == (length > timedelta(0))


# --- coordinator: exactly one at a time ------------------------------------------------------


def coordinator(
    b: Base, plan_id: int | None = None, until: datetime | None = None
) -> PlanCoordinator:
    return PlanCoordinator(
        plan_id=plan_id or b.plan_id,
        coordinator_person_id=b.other_id,
        assigned_from=NOON - timedelta(days=200),
        assigned_until=until,
    )


def test_two_current_coordinators_for_one_plan_are_refused(engine, base):
    accept(engine, lambda s: s.add(coordinator(base)))
    assert_refused(engine, lambda s: s.add(coordinator(base)), PlanCoordinator)


def test_ended_and_current_coordinators_live_side_by_side(engine, base):
    accept(engine, lambda s: s.add_all([
        coordinator(base, until=NOON - timedelta(days=100)),
        coordinator(base, until=NOON - timedelta(days=50)),
        coordinator(base),
    ]))
    assert count(engine, PlanCoordinator) == 3


def test_each_plan_has_its_own_current_coordinator(engine, base):
    # The unique index is per plan: one person may coordinate many plans.
    def build(s):
        second = Plan(owner_person_id=base.other_id, period_start=DAY, next_review_on=DAY)
        s.add(second)
        s.flush()
        s.add_all([coordinator(base), coordinator(base, plan_id=second.id)])

    accept(engine, build)
    assert count(engine, PlanCoordinator) == 2


# --- periods that run backwards ------------------------------------------------------------------


def meeting(b: Base, length: timedelta) -> Meeting:
    return Meeting(
        plan_id=b.plan_id, kind="responsibility_group", title="Ansvarsgruppemøte",
        starts_at=NOON, ends_at=NOON + length,
    )


@pytest.mark.parametrize("length", [timedelta(minutes=-30), timedelta(0)])
def test_meeting_ending_before_it_starts_is_refused(engine, base, length):
    assert_refused(engine, lambda s: s.add(meeting(base, length)), Meeting)


def test_meeting_with_a_real_duration_is_accepted(engine, base):
    accept(engine, lambda s: s.add(meeting(base, timedelta(minutes=90))))
    assert count(engine, Meeting) == 1


def add_goal_with_measure(s: Session, b: Base, ends_on: date | None) -> None:
    goal = Goal(plan_id=b.plan_id, title="Jeg vil gå på tur")
    s.add(goal)
    s.flush()
    s.add(Measure(goal_id=goal.id, name="Fysioterapi", starts_on=DAY, ends_on=ends_on))


def test_measure_ending_before_it_starts_is_refused(engine, base):
    assert_refused(
        engine,
        lambda s: add_goal_with_measure(s, base, DAY - timedelta(days=1)),
        Goal, Measure,
    )


@pytest.mark.parametrize("ends_on", [DAY, DAY + timedelta(days=60), None])
def test_measure_ending_on_or_after_its_start_or_open_is_accepted(engine, base, ends_on):
    accept(engine, lambda s: add_goal_with_measure(s, base, ends_on))
    assert count(engine, Measure) == 1


# --- people -------------------------------------------------------------------------------------


def guardianship(b: Base, guardian_id: int) -> Guardianship:
    return Guardianship(
        owner_person_id=b.owner_id, guardian_person_id=guardian_id,
        basis="court_appointed", valid_from=DAY,
    )


def test_owner_cannot_be_their_own_guardian(engine, base):
    assert_refused(engine, lambda s: s.add(guardianship(base, base.owner_id)), Guardianship)


def test_another_person_can_be_guardian(engine, base):
    accept(engine, lambda s: s.add(guardianship(base, base.other_id)))
    assert count(engine, Guardianship) == 1


@pytest.mark.parametrize("locale", ["sv", "NB", "no", ""])
def test_unknown_locale_is_refused(engine, locale):
    assert_refused(
        engine, lambda s: s.add(Person(given_name="A", family_name="B", locale=locale)), Person
    )


def test_known_locales_are_accepted(engine):
    accept(engine, lambda s: s.add_all([
        Person(given_name="A", family_name=code, locale=code) for code in ("nb", "nn", "en")
    ]))
    assert count(engine, Person) == 3


def test_duplicate_passkey_credential_id_is_refused(engine, base):
    # A credential id names one authenticator key; two accounts must never share it.
    def passkey(account_id: int) -> PasskeyCredential:
        return PasskeyCredential(account_id=account_id, credential_id=b"\x01cred", public_key=b"pk")

    accept(engine, lambda s: s.add(passkey(base.account_id)))

    def build(s):
        owner_account = Account(person_id=base.owner_id)
        s.add(owner_account)
        s.flush()
        s.add(passkey(owner_account.id))

    assert_refused(engine, build, Account, PasskeyCredential)


# --- meetings -------------------------------------------------------------------------------------


def add_meeting_with_invitee(s: Session, b: Base, contact_id: int | None, person_id: int | None):
    m = meeting(b, timedelta(hours=1))
    s.add(m)
    s.flush()
    s.add(MeetingInvitee(meeting_id=m.id, contact_id=contact_id, person_id=person_id))


def test_invitee_with_neither_contact_nor_person_is_refused(engine, base):
    assert_refused(
        engine, lambda s: add_meeting_with_invitee(s, base, None, None), Meeting, MeetingInvitee
    )


@pytest.mark.parametrize("who", ["contact", "person"])
def test_invitee_by_contact_or_by_person_is_accepted(engine, base, who):
    accept(engine, lambda s: add_meeting_with_invitee(
        s, base,
        base.contact_id if who == "contact" else None,
        base.other_id if who == "person" else None,
    ))
    assert count(engine, MeetingInvitee) == 1


# --- foreign keys ---------------------------------------------------------------------------------


def test_foreign_keys_are_switched_on(engine):
    with engine.connect() as conn:
        assert conn.execute(text("PRAGMA foreign_keys")).scalar_one() == 1


def test_row_pointing_at_a_missing_plan_is_refused(engine, base):
    missing = base.plan_id + 1000
    assert_refused(engine, lambda s: s.add(Goal(plan_id=missing, title="Mål")), Goal)
    assert_refused(
        engine, lambda s: s.add(Contact(plan_id=missing, role="gp", name="Lege")), Contact
    )


# --- consent --------------------------------------------------------------------------------------


def consent(b: Base, plan_id: int | None = None, version: int = 1, **signed) -> Consent:
    return Consent(
        plan_id=plan_id or b.plan_id, version=version,
        document="Samtykke", document_sha256="0" * 64,
        created_by_person_id=b.owner_id, **signed,
    )


def test_consent_signed_at_without_signer_is_refused(engine, base):
    assert_refused(engine, lambda s: s.add(consent(base, signed_at=NOON)), Consent)


def test_consent_signer_without_signed_at_is_refused(engine, base):
    assert_refused(engine, lambda s: s.add(consent(base, signer_person_id=base.owner_id)), Consent)


def test_consent_unsigned_or_signed_by_someone_at_a_time_is_accepted(engine, base):
    accept(engine, lambda s: s.add_all([
        consent(base, version=1),
        consent(base, version=2, signer_person_id=base.owner_id, signed_at=NOON, signed_as="owner"),
    ]))
    assert count(engine, Consent) == 2


def test_duplicate_consent_version_for_one_plan_is_refused(engine, base):
    accept(engine, lambda s: s.add(consent(base, version=1)))
    assert_refused(engine, lambda s: s.add(consent(base, version=1)), Consent)


def test_same_consent_version_in_another_plan_is_accepted(engine, base):
    def build(s):
        second = Plan(owner_person_id=base.other_id, period_start=DAY, next_review_on=DAY)
        s.add(second)
        s.flush()
        s.add_all([consent(base, version=1), consent(base, plan_id=second.id, version=1)])

    accept(engine, build)
    assert count(engine, Consent) == 2


# --- reminders ------------------------------------------------------------------------------------


def test_outbox_dedupe_key_is_unique(engine, base):
    # "Send once" is a database fact: a second reminder with the same key cannot be queued.
    def reminder() -> ReminderOutbox:
        return ReminderOutbox(
            person_id=base.owner_id, plan_id=base.plan_id, kind="meeting",
            dedupe_key="meeting:7:person:1:24h", due_at=NOON,
        )

    accept(engine, lambda s: s.add(reminder()))
    assert_refused(engine, lambda s: s.add(reminder()), ReminderOutbox)


# --- deleting a plan ------------------------------------------------------------------------------


def test_deleting_a_plan_deletes_its_content(engine, base):
    content = (
        Goal, Measure, Meeting, MeetingInvitee, Contact, PlanMember, PlanCoordinator, AboutMe,
        OwnerNote, MessageThread, Message, MessageRead, AccessGrant, AccessGrantSection,
        Consent, ConsentGrant,
    )

    def build(s):
        add_goal_with_measure(s, base, None)
        add_meeting_with_invitee(s, base, base.contact_id, None)
        s.add_all([
            PlanMember(plan_id=base.plan_id, person_id=base.other_id,
                       role=PlanRole.NEXT_OF_KIN.value),
            coordinator(base),
            AboutMe(plan_id=base.plan_id, what_matters="Hunden min"),
            OwnerNote(plan_id=base.plan_id, author_person_id=base.owner_id, body="Husk møtet"),
        ])
        thread = MessageThread(
            plan_id=base.plan_id, subject="Hei", created_by_person_id=base.owner_id
        )
        g, c = grant(base), consent(base)
        s.add_all([thread, g, c])
        s.flush()
        msg = Message(thread_id=thread.id, sender_person_id=base.owner_id, body="Hei!")
        s.add_all([msg, AccessGrantSection(grant_id=g.id, section="goals"),
                   ConsentGrant(consent_id=c.id, grant_id=g.id)])
        s.flush()
        s.add(MessageRead(message_id=msg.id, person_id=base.other_id))

    accept(engine, build)
    assert all(count(engine, model) >= 1 for model in content)

    with Session(engine) as s:
        s.delete(s.get(Plan, base.plan_id))
        s.commit()

    assert {m.__name__: count(engine, m) for m in content} == {m.__name__: 0 for m in content}
    # People outlive a plan: they may have other plans, accounts, an audit trail.
    assert count(engine, Person) == 2


def test_deleting_a_contact_keeps_the_measure_it_was_responsible_for(engine, base):
    def build(s):
        goal = Goal(plan_id=base.plan_id, title="Jeg vil gå på tur")
        s.add(goal)
        s.flush()
        s.add(Measure(goal_id=goal.id, name="Fysioterapi", starts_on=DAY,
                      responsible_contact_id=base.contact_id))

    accept(engine, build)
    with Session(engine) as s:
        s.delete(s.get(Contact, base.contact_id))
        s.commit()
    with Session(engine) as s:
        measure = s.exec(select(Measure)).one()
        assert measure.responsible_contact_id is None
