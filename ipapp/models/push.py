"""Web Push subscriptions and the durable reminder outbox."""


from pydantic import NaiveDatetime
from sqlalchemy import CheckConstraint, Index, Text
from sqlmodel import Field, SQLModel

from ipapp.domain.vocabulary import OutboxStatus, ReminderKind, sql_in
from ipapp.models.base import utcnow


class PushSubscription(SQLModel, table=True):
    __tablename__ = "push_subscription"

    id: int | None = Field(default=None, primary_key=True)
    person_id: int = Field(foreign_key="person.id", index=True)
    endpoint: str = Field(unique=True, max_length=1000)
    p256dh: str = Field(max_length=200)
    auth: str = Field(max_length=100)
    user_agent: str = Field(default="", max_length=300)
    created_at: NaiveDatetime = Field(default_factory=utcnow)
    revoked_at: NaiveDatetime | None = None


class ReminderOutbox(SQLModel, table=True):
    """One reminder to deliver. dedupe_key makes "send once" a database fact, not a hope.

    status: pending (due_at, and locked_until when a retry waits), sending (claimed by a sender
    until locked_until: its lease), sent, or failed (last_error says why: nothing was sent).
    """

    __tablename__ = "reminder_outbox"
    __table_args__ = (
        CheckConstraint(f"kind IN {sql_in(ReminderKind)}", name="kind"),
        CheckConstraint(f"status IN {sql_in(OutboxStatus)}", name="status"),
        Index("ix_reminder_outbox_due", "status", "due_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    person_id: int = Field(foreign_key="person.id", index=True)
    plan_id: int | None = Field(default=None, foreign_key="plan.id")
    kind: str = Field(max_length=16)
    # What caused it ("meeting:12", "thread:7"): a moved or cancelled meeting finds its rows by this.
    subject: str = Field(default="", max_length=40, index=True)
    dedupe_key: str = Field(unique=True, max_length=200)
    payload: str = Field(default="{}", sa_type=Text)  # JSON
    due_at: NaiveDatetime
    status: str = Field(default=OutboxStatus.PENDING.value, max_length=8)
    attempts: int = Field(default=0, ge=0)
    locked_until: NaiveDatetime | None = None
    last_error: str = Field(default="", max_length=500)
    sent_at: NaiveDatetime | None = None
    created_at: NaiveDatetime = Field(default_factory=utcnow)


class ReminderPreference(SQLModel, table=True):
    """Which reminders a person wants ("Varsler" in Meg). No row: the defaults below. A meeting
    offset of None is that reminder turned off; both None is no meeting reminders at all."""

    __tablename__ = "reminder_preference"
    __table_args__ = (
        CheckConstraint("meeting_first_minutes IS NULL OR meeting_first_minutes > 0", name="first_offset"),
        CheckConstraint("meeting_second_minutes IS NULL OR meeting_second_minutes > 0", name="second_offset"),
    )

    person_id: int = Field(foreign_key="person.id", primary_key=True, ondelete="CASCADE")
    meeting_first_minutes: int | None = Field(default=24 * 60)  # before the start
    meeting_second_minutes: int | None = Field(default=2 * 60)
    new_message: bool = True
    review_due: bool = True
    access_ending: bool = True
    updated_at: NaiveDatetime = Field(default_factory=utcnow)


class CalendarFeed(SQLModel, table=True):
    """A person's private calendar feed (/kalender/feed/<token>.ics). Only a hash of the token is
    kept: the link is shown once, when made; making a new one or turning it off revokes it."""

    __tablename__ = "calendar_feed"

    id: int | None = Field(default=None, primary_key=True)
    person_id: int = Field(foreign_key="person.id", index=True, ondelete="CASCADE")
    token_hash: str = Field(unique=True, max_length=64)  # sha256 hex of the token in the link
    created_at: NaiveDatetime = Field(default_factory=utcnow)
    revoked_at: NaiveDatetime | None = None
    last_used_at: NaiveDatetime | None = None
