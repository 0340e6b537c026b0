"""Sections `notes` (the owner's own) and `messages` (threads with the coordinator)."""


from pydantic import NaiveDatetime
from sqlalchemy import Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from ipapp.models.base import utcnow


class OwnerNote(SQLModel, table=True):
    __tablename__ = "owner_note"

    id: int | None = Field(default=None, primary_key=True)
    plan_id: int = Field(foreign_key="plan.id", index=True, ondelete="CASCADE")
    author_person_id: int = Field(foreign_key="person.id")
    body: str = Field(min_length=1, sa_type=Text)
    version: int = Field(default=1, ge=1)
    created_at: NaiveDatetime = Field(default_factory=utcnow)
    updated_at: NaiveDatetime = Field(default_factory=utcnow)


class MessageThread(SQLModel, table=True):
    __tablename__ = "message_thread"

    id: int | None = Field(default=None, primary_key=True)
    plan_id: int = Field(foreign_key="plan.id", index=True, ondelete="CASCADE")
    subject: str = Field(min_length=1, max_length=300)
    created_by_person_id: int = Field(foreign_key="person.id")
    created_at: NaiveDatetime = Field(default_factory=utcnow)
    handled_at: NaiveDatetime | None = None  # the coordinator marked it handled (a new message reopens it)
    handled_by_person_id: int | None = Field(default=None, foreign_key="person.id")


class Message(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    thread_id: int = Field(foreign_key="message_thread.id", index=True, ondelete="CASCADE")
    sender_person_id: int = Field(foreign_key="person.id")
    body: str = Field(min_length=1, sa_type=Text)
    sent_at: NaiveDatetime = Field(default_factory=utcnow, index=True)


class MessageRead(SQLModel, table=True):
    """When a person read a message: drives "unread" and "awaiting reply"."""

    __tablename__ = "message_read"
    __table_args__ = (UniqueConstraint("message_id", "person_id"),)

    id: int | None = Field(default=None, primary_key=True)
    message_id: int = Field(foreign_key="message.id", index=True, ondelete="CASCADE")
    person_id: int = Field(foreign_key="person.id")
    read_at: NaiveDatetime = Field(default_factory=utcnow)
