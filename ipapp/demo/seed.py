"""Demo data: one complete, fictional plan, dated relative to today so it never goes stale.

load_demo() only adds and flushes; the caller owns the transaction. Times are written as Oslo
wall-clock times and stored as naive UTC, like every other datetime in ipapp.
"""

import calendar
import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlmodel import Session, select

from ipapp.config import TIMEZONE
from ipapp.demo import story
from ipapp.domain.vocabulary import (
    AccountStatus,
    GoalStatus,
    GuardianshipBasis,
    InviteeResponse,
    Locale,
    MeetingKind,
    PlanRole,
    PlanStatus,
    Section,
)
from ipapp.services import versions
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
)

OSLO = ZoneInfo(TIMEZONE)

OWNER_AGE_YEARS = 19
# Sofie turned 19 a while ago, so "today" is never her birthday by accident.
DAYS_SINCE_BIRTHDAY = 123
NEXT_MEETING_IN_DAYS = 9
PAST_MEETING_DAYS_AGO = 35
VIDEO_MEETING_IN_DAYS = 16
GRANT_MONTHS = 3
GRANTED_SECTIONS = (Section.GOALS, Section.MEETINGS)


@dataclass(frozen=True)
class DemoCast:
    """The ids of the people (and the plan) that the demo sign-in and tests need."""

    plan_id: int
    owner_id: int
    guardian_id: int
    next_of_kin_id: int
    provider_id: int
    coordinator_id: int
    unit_admin_id: int


def oslo_today() -> date:
    return datetime.now(OSLO).date()


def oslo_to_utc(day: date, hour: int = 0, minute: int = 0) -> datetime:
    """An Oslo wall-clock time as the naive UTC value the tables store (summer time aware)."""
    local = datetime.combine(day, time(hour, minute), tzinfo=OSLO)
    return local.astimezone(UTC).replace(tzinfo=None)


def add_months(day: date, months: int) -> date:
    """The same day of the month, months later (or earlier); clamped to the month's last day."""
    years, month_index = divmod(day.month - 1 + months, 12)
    year, month = day.year + years, month_index + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def date_in_words(day: date) -> str:
    """15. januar 2025"""
    return f"{day.day}. {story.MONTHS_NB[day.month - 1]} {day.year}"


def consent_document(
    owner_name: str,
    grantee_name: str,
    relation: str,
    sections: tuple[Section, ...],
    first_day: date,
    last_day: date,
    purpose: str,
) -> str:
    """The plain-language consent text: who, which sections, until when, and why."""
    shared = "\n".join(f"- {story.SECTION_NAMES_NB[s]}" for s in sections)
    not_shared = ", ".join(
        story.SECTION_NAMES_NB[s].lower() for s in Section if s not in sections
    )
    return (
        "Samtykke til å dele min individuelle plan\n\n"
        f"Jeg, {owner_name}, lar {grantee_name} ({relation}) se disse delene av planen min:\n"
        f"{shared}\n\n"
        f"Fra {date_in_words(first_day)} til og med {date_in_words(last_day)}.\n\n"
        f"Hvorfor: {purpose}\n\n"
        f"{grantee_name} kan bare lese, ikke endre noe.\n"
        f"{grantee_name} ser ikke disse delene: {not_shared}.\n"
        "Jeg kan trekke samtykket tilbake når jeg vil. Da stopper delingen med en gang.\n"
    )


def sha256_hex(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _birth_date(today: date) -> date:
    return add_months(today, -12 * OWNER_AGE_YEARS) - timedelta(days=DAYS_SINCE_BIRTHDAY)


def load_demo(session: Session, today: date | None = None) -> DemoCast:
    """Insert Sofie's plan, everything in it, and the people around it. Flushes, never commits."""
    today = today or oslo_today()

    def day(offset: int) -> date:
        return today + timedelta(days=offset)

    def at(offset_days: int, hour: int, minute: int = 0) -> datetime:
        return oslo_to_utc(day(offset_days), hour, minute)

    # People, each with an active account; only Tone (no longer a coordinator) is disabled.
    people: dict[str, Person] = {}
    for p in story.PEOPLE:
        people[p.key] = Person(
            given_name=p.given_name,
            family_name=p.family_name,
            email=p.email,
            phone=p.phone,
            locale=Locale.NB.value,
            birth_date=_birth_date(today) if p.key == "owner" else None,
        )
    session.add_all(people.values())
    session.flush()
    for key, person in people.items():
        session.add(
            Account(
                person_id=person.id,
                status=(
                    AccountStatus.DISABLED.value
                    if key == "earlier_coordinator"
                    else AccountStatus.ACTIVE.value
                ),
                is_unit_admin=key == "unit_admin",
            )
        )
    owner, coordinator = people["owner"], people["coordinator"]
    next_of_kin, unit_admin = people["next_of_kin"], people["unit_admin"]

    period_start = add_months(today, -13)
    plan = Plan(
        owner_person_id=owner.id,
        status=PlanStatus.ACTIVE.value,
        period_start=period_start,
        next_review_on=add_months(today, 4),
        created_at=oslo_to_utc(period_start, 9),
        updated_at=at(-4, 10),
    )
    session.add(plan)
    session.flush()

    # Coordinator history: Tone first, Mari since about six months ago (appointed by the unit).
    handover = oslo_to_utc(add_months(today, -6), 12)
    session.add_all([
        PlanCoordinator(
            plan_id=plan.id,
            coordinator_person_id=people["earlier_coordinator"].id,
            assigned_from=oslo_to_utc(period_start, 9),
            assigned_until=handover,
            assigned_by_person_id=unit_admin.id,
        ),
        PlanCoordinator(
            plan_id=plan.id,
            coordinator_person_id=coordinator.id,
            assigned_from=handover,
            assigned_by_person_id=unit_admin.id,
        ),
    ])
    session.add(
        Guardianship(
            owner_person_id=owner.id,
            guardian_person_id=people["guardian"].id,
            basis=GuardianshipBasis.COURT_APPOINTED.value,
            scope=story.GUARDIANSHIP_SCOPE,
            valid_from=add_months(today, -10),
            valid_until=add_months(today, 24),
        )
    )
    session.add_all([
        PlanMember(plan_id=plan.id, person_id=next_of_kin.id, role=PlanRole.NEXT_OF_KIN.value,
                   relation="mor", added_at=oslo_to_utc(period_start, 10)),
        PlanMember(plan_id=plan.id, person_id=people["provider"].id,
                   role=PlanRole.PARTICIPANT.value, relation="fysioterapeut",
                   added_at=oslo_to_utc(period_start, 10)),
    ])
    session.add(
        AboutMe(
            plan_id=plan.id,
            what_matters=story.ABOUT_WHAT_MATTERS,
            resources=story.ABOUT_RESOURCES,
            needs=story.ABOUT_NEEDS,
            updated_at=at(-21, 19),
            updated_by_person_id=owner.id,
        )
    )

    contacts: dict[str, Contact] = {}
    for position, c in enumerate(story.CONTACTS):
        contacts[c.key] = Contact(
            plan_id=plan.id,
            person_id=people[c.person_key].id if c.person_key else None,
            role=c.role,
            name=c.name,
            title=c.title,
            organisation=c.organisation,
            phone=c.phone,
            email=c.email,
            position=position,
        )
    session.add_all(contacts.values())
    session.flush()

    for position, g in enumerate(story.GOALS):
        goal = Goal(
            plan_id=plan.id,
            position=position,
            title=g.title,
            description=g.description,
            status=GoalStatus.ACTIVE.value,
            target_date=add_months(today, g.target_in_months),
            created_at=plan.created_at,
            updated_at=plan.updated_at,
        )
        session.add(goal)
        session.flush()
        for m_position, m in enumerate(g.measures):
            session.add(
                Measure(
                    goal_id=goal.id,
                    position=m_position,
                    name=m.name,
                    provider=m.provider,
                    responsible_contact_id=contacts[m.responsible].id,
                    frequency=m.frequency,
                    starts_on=day(m.starts_in_days),
                    ends_on=None if m.lasts_days is None else day(m.starts_in_days + m.lasts_days),
                    owner_contribution=m.owner_contribution,
                    next_of_kin_contribution=m.next_of_kin_contribution,
                )
            )

    _add_meetings(session, plan.id, owner.id, coordinator.id, contacts, at)

    session.add_all([
        OwnerNote(plan_id=plan.id, author_person_id=owner.id, body=body,
                  created_at=at(-days, hour, minute), updated_at=at(-days, hour, minute))
        for days, hour, minute, body in story.OWNER_NOTES
    ])

    _add_thread(session, plan.id, people, at)
    _add_sharing(session, plan.id, owner, next_of_kin, today)

    session.flush()
    # The content's first versions, as if the coordinator had written it all when the plan began.
    versions.record_existing(session, plan.id, coordinator.id, datetime.combine(plan.period_start, datetime.min.time()))
    return DemoCast(
        plan_id=plan.id,
        owner_id=owner.id,
        guardian_id=people["guardian"].id,
        next_of_kin_id=next_of_kin.id,
        provider_id=people["provider"].id,
        coordinator_id=coordinator.id,
        unit_admin_id=unit_admin.id,
    )


def _add_meetings(
    session: Session,
    plan_id: int,
    owner_id: int,
    coordinator_id: int,
    contacts: dict[str, Contact],
    at: Callable[..., datetime],
) -> None:
    accepted, pending, declined = (
        InviteeResponse.ACCEPTED.value,
        InviteeResponse.PENDING.value,
        InviteeResponse.DECLINED.value,
    )
    past = Meeting(
        plan_id=plan_id,
        kind=MeetingKind.RESPONSIBILITY_GROUP.value,
        title=story.PAST_MEETING_TITLE,
        starts_at=at(-PAST_MEETING_DAYS_AGO, 10),
        ends_at=at(-PAST_MEETING_DAYS_AGO, 11, 30),
        location=story.HELSEHUS,
        agenda=story.PAST_MEETING_AGENDA,
        minutes=story.PAST_MEETING_MINUTES,
        minutes_published_at=at(-PAST_MEETING_DAYS_AGO + 2, 14),
        created_by_person_id=coordinator_id,
        created_at=at(-PAST_MEETING_DAYS_AGO - 14, 9),
    )
    upcoming = Meeting(
        plan_id=plan_id,
        kind=MeetingKind.RESPONSIBILITY_GROUP.value,
        title=story.NEXT_MEETING_TITLE,
        starts_at=at(NEXT_MEETING_IN_DAYS, 10),
        ends_at=at(NEXT_MEETING_IN_DAYS, 11, 30),
        location=story.HELSEHUS,
        agenda=story.NEXT_MEETING_AGENDA,
        created_by_person_id=coordinator_id,
        created_at=at(-4, 10),
    )
    video = Meeting(
        plan_id=plan_id,
        kind=MeetingKind.COLLABORATION.value,
        title=story.VIDEO_MEETING_TITLE,
        starts_at=at(VIDEO_MEETING_IN_DAYS, 13),
        ends_at=at(VIDEO_MEETING_IN_DAYS, 13, 45),
        location=story.VIDEO_MEETING_LOCATION,
        video_url=story.VIDEO_MEETING_URL,
        agenda=story.VIDEO_MEETING_AGENDA,
        created_by_person_id=coordinator_id,
        created_at=at(-3, 14),
    )
    session.add_all([past, upcoming, video])
    session.flush()

    def invite(meeting: Meeting, answers: dict[str, str], answered_at: datetime) -> None:
        # The owner is invited as a person (she is not one of her own contacts).
        session.add(MeetingInvitee(meeting_id=meeting.id, person_id=owner_id,
                                   response=accepted, responded_at=answered_at))
        for key, response in answers.items():
            session.add(MeetingInvitee(
                meeting_id=meeting.id,
                contact_id=contacts[key].id,
                response=response,
                responded_at=None if response == pending else answered_at,
            ))

    invite(past, {"coordinator": accepted, "father": accepted, "mother": accepted,
                  "physio": accepted, "school": accepted, "nav": accepted, "gp": declined},
           at(-PAST_MEETING_DAYS_AGO - 10, 12))
    invite(upcoming, {"coordinator": accepted, "father": accepted, "mother": accepted,
                      "physio": accepted, "school": pending, "nav": pending, "ot": pending},
           at(-3, 9))
    invite(video, {"coordinator": accepted, "school": pending, "nav": pending, "ppt": pending},
           at(-2, 9))


def _add_thread(
    session: Session, plan_id: int, people: dict[str, Person], at: Callable[..., datetime]
) -> None:
    thread = MessageThread(
        plan_id=plan_id,
        subject=story.THREAD_SUBJECT,
        created_by_person_id=people["coordinator"].id,
        created_at=at(-story.MESSAGES[0][0], story.MESSAGES[0][1], story.MESSAGES[0][2]),
    )
    session.add(thread)
    session.flush()
    messages = []
    for days, hour, minute, sender, body in story.MESSAGES:
        messages.append(Message(thread_id=thread.id, sender_person_id=people[sender].id,
                                body=body, sent_at=at(-days, hour, minute)))
    session.add_all(messages)
    session.flush()
    # Each reply means the earlier message was read; the last one (Sofie's) is still unread.
    for earlier, reply in zip(messages, messages[1:]):
        session.add(MessageRead(message_id=earlier.id, person_id=reply.sender_person_id,
                                read_at=reply.sent_at - timedelta(minutes=20)))


def _add_sharing(
    session: Session, plan_id: int, owner: Person, next_of_kin: Person, today: date
) -> None:
    """Mum may see goals and meetings for three months, once Sofie signs. She has not yet."""
    last_day = add_months(today, GRANT_MONTHS)
    grant = AccessGrant(
        plan_id=plan_id,
        grantee_person_id=next_of_kin.id,
        granted_by_person_id=owner.id,
        valid_from=oslo_to_utc(today),
        valid_until=oslo_to_utc(last_day + timedelta(days=1)),  # to the end of the last day
        purpose=story.GRANT_PURPOSE,
    )
    session.add(grant)
    session.flush()
    session.add_all([AccessGrantSection(grant_id=grant.id, section=s.value)
                     for s in GRANTED_SECTIONS])
    document = consent_document(
        owner.full_name, next_of_kin.full_name, "mor", GRANTED_SECTIONS, today, last_day,
        story.GRANT_PURPOSE,
    )
    # Version 1, unsigned: signing needs Sofie's own passkey, which a demo must never fake.
    consent = Consent(
        plan_id=plan_id,
        version=1,
        document=document,
        document_sha256=sha256_hex(document),
        created_by_person_id=owner.id,
    )
    session.add(consent)
    session.flush()
    session.add(ConsentGrant(consent_id=consent.id, grant_id=grant.id))


def load_demo_if_empty(session: Session) -> bool:
    """Load the demo only into a database without any plan. Returns whether it loaded."""
    if session.exec(select(Plan.id).limit(1)).first() is not None:
        return False
    load_demo(session)
    return True
