"""Section `meetings`: responsibility-group and collaboration meetings, invitees, notice and minutes."""


from pydantic import NaiveDatetime
from sqlalchemy import CheckConstraint, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from datetime import date

from ipapp.domain.vocabulary import DecisionStatus, InviteeResponse, MeetingKind, sql_in
from ipapp.models.base import utcnow


class Meeting(SQLModel, table=True):
    __table_args__ = (
        CheckConstraint(f"kind IN {sql_in(MeetingKind)}", name="kind"),
        CheckConstraint("ends_at > starts_at", name="period"),
    )

    id: int | None = Field(default=None, primary_key=True)
    plan_id: int = Field(foreign_key="plan.id", index=True, ondelete="CASCADE")
    kind: str = Field(max_length=24)
    title: str = Field(min_length=1, max_length=300)
    starts_at: NaiveDatetime
    ends_at: NaiveDatetime
    location: str = Field(default="", max_length=300)
    video_url: str | None = Field(default=None, max_length=500)
    agenda: str = Field(default="", sa_type=Text)  # innkalling
    minutes: str = Field(default="", sa_type=Text)  # referat
    minutes_published_at: NaiveDatetime | None = None
    cancelled_at: NaiveDatetime | None = None
    cancel_reason: str = Field(default="", max_length=500)  # the invitees see it
    version: int = Field(default=1, ge=1)
    created_by_person_id: int | None = Field(default=None, foreign_key="person.id")
    created_at: NaiveDatetime = Field(default_factory=utcnow)


class MeetingInvitee(SQLModel, table=True):
    __tablename__ = "meeting_invitee"
    __table_args__ = (
        CheckConstraint(f"response IN {sql_in(InviteeResponse)}", name="response"),
        CheckConstraint("contact_id IS NOT NULL OR person_id IS NOT NULL", name="who"),
        UniqueConstraint("meeting_id", "contact_id"),
        UniqueConstraint("meeting_id", "person_id"),  # NULLs differ: one row per invited person
    )

    id: int | None = Field(default=None, primary_key=True)
    meeting_id: int = Field(foreign_key="meeting.id", index=True, ondelete="CASCADE")
    contact_id: int | None = Field(default=None, foreign_key="contact.id", ondelete="CASCADE")
    person_id: int | None = Field(default=None, foreign_key="person.id")
    response: str = Field(default=InviteeResponse.PENDING.value, max_length=16)
    comment: str = Field(default="", max_length=500)
    responded_at: NaiveDatetime | None = None


class MeetingGoal(SQLModel, table=True):
    """The goals a meeting concerns."""

    __tablename__ = "meeting_goal"

    meeting_id: int = Field(foreign_key="meeting.id", primary_key=True, ondelete="CASCADE")
    goal_id: int = Field(foreign_key="goal.id", primary_key=True, ondelete="CASCADE")


class Decision(SQLModel, table=True):
    """A decision in a meeting's minutes: what, who is responsible, by when, for which goal."""

    __table_args__ = (CheckConstraint(f"status IN {sql_in(DecisionStatus)}", name="status"),)

    id: int | None = Field(default=None, primary_key=True)
    meeting_id: int = Field(foreign_key="meeting.id", index=True, ondelete="CASCADE")
    goal_id: int | None = Field(default=None, foreign_key="goal.id", index=True, ondelete="SET NULL")
    what: str = Field(min_length=1, max_length=1000)
    responsible_contact_id: int | None = Field(default=None, foreign_key="contact.id", ondelete="SET NULL")
    due_on: date | None = None
    status: str = Field(default=DecisionStatus.OPEN.value, max_length=8)
    version: int = Field(default=1, ge=1)
    created_at: NaiveDatetime = Field(default_factory=utcnow)
