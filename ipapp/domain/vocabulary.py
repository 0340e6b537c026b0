"""The fixed vocabularies of the plan. Tables store these values as text with CHECK constraints."""

from enum import StrEnum


class Section(StrEnum):
    """The sections of a plan; access is granted per section."""

    ABOUT = "about"
    GOALS = "goals"
    CONTACTS = "contacts"
    MEETINGS = "meetings"
    NOTES = "notes"
    MESSAGES = "messages"


class PlanRole(StrEnum):
    """How a person is connected to one plan (the owner and coordinator are kept on the plan itself)."""

    NEXT_OF_KIN = "next_of_kin"  # pårørende: a delegate
    DELEGATE = "delegate"  # fullmektig or anyone else the owner invites
    PARTICIPANT = "participant"  # tjenesteyter, member of the responsibility group


class GuardianshipBasis(StrEnum):
    PARENT_OF_MINOR = "parent_of_minor"
    COURT_APPOINTED = "court_appointed"


class ContactRole(StrEnum):
    COORDINATOR = "coordinator"
    GP = "gp"
    PROVIDER = "provider"
    SCHOOL_OR_WORK = "school_or_work"
    RESPONSIBILITY_GROUP = "responsibility_group"
    NEXT_OF_KIN = "next_of_kin"
    OTHER = "other"


class GoalStatus(StrEnum):
    ACTIVE = "active"
    ACHIEVED = "achieved"
    PAUSED = "paused"
    ENDED = "ended"  # no longer worked towards (kept, with its history)


class MeetingKind(StrEnum):
    RESPONSIBILITY_GROUP = "responsibility_group"  # ansvarsgruppemøte
    COLLABORATION = "collaboration"  # samarbeidsmøte
    OTHER = "other"


class InviteeResponse(StrEnum):
    PENDING = "pending"
    ACCEPTED = "accepted"
    DECLINED = "declined"
    MAYBE = "maybe"


class DecisionStatus(StrEnum):
    OPEN = "open"
    DONE = "done"


class PlanStatus(StrEnum):
    ACTIVE = "active"
    CLOSED = "closed"


class AccountStatus(StrEnum):
    INVITED = "invited"
    ACTIVE = "active"
    DISABLED = "disabled"


class SignedAs(StrEnum):
    OWNER = "owner"
    GUARDIAN = "guardian"


class ReminderKind(StrEnum):
    MEETING = "meeting"
    MESSAGE = "message"
    REVIEW = "review"
    GRANT_EXPIRY = "grant_expiry"


class OutboxStatus(StrEnum):
    PENDING = "pending"
    SENDING = "sending"
    SENT = "sent"
    FAILED = "failed"


class Locale(StrEnum):
    NB = "nb"  # bokmål, the default
    NN = "nn"  # nynorsk
    EN = "en"


def sql_in(enum: type[StrEnum]) -> str:
    """The SQL list for a CHECK constraint: ('a', 'b')."""
    return "(" + ", ".join(f"'{member.value}'" for member in enum) + ")"
