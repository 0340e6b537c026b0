"""All tables. Import from here so the metadata is complete (alembic and tests rely on it)."""

from sqlmodel import SQLModel

from ipapp.models.base import utcnow
from ipapp.models.people import (
    Account,
    AuthChallenge,
    Invitation,
    PasskeyCredential,
    Person,
    PlanMember,
    SignInAttempt,
    WebSession,
)
from ipapp.models.plan import (
    AboutMe,
    Contact,
    CoordinatorSubstitute,
    Goal,
    Guardianship,
    Measure,
    Plan,
    PlanCoordinator,
)
from ipapp.models.meetings import Decision, Meeting, MeetingGoal, MeetingInvitee
from ipapp.models.messages import Message, MessageRead, MessageThread, OwnerNote
from ipapp.models.access import (
    AccessGrant,
    AccessGrantSection,
    AuditAnchor,
    AuditEvent,
    Consent,
    ConsentGrant,
    PlanVersion,
    PlanVisit,
)
from ipapp.models.push import CalendarFeed, PushSubscription, ReminderOutbox, ReminderPreference

metadata = SQLModel.metadata

__all__ = [
    "AboutMe", "AccessGrant", "AccessGrantSection", "Account", "AuditAnchor", "AuditEvent",
    "AuthChallenge", "SignInAttempt",
    "Consent", "ConsentGrant", "Contact", "CoordinatorSubstitute", "Goal", "Guardianship", "Invitation", "Measure",
    "Meeting", "MeetingInvitee", "Message", "MessageRead", "MessageThread", "OwnerNote",
    "PasskeyCredential", "Person", "Plan", "PlanCoordinator", "PlanMember", "PlanVersion", "PlanVisit", "MeetingGoal", "Decision",
    "CalendarFeed", "PushSubscription", "ReminderOutbox", "ReminderPreference", "WebSession", "metadata", "utcnow",
]
