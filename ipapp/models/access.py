"""Sharing: grants of sections, the consents that make them effective, the audit trail and versions.

A grant is effective only while now is inside its dates, a consent covering it is signed and not
withdrawn, and it is not revoked; that rule lives in ipapp.policy, not here.
"""


from pydantic import NaiveDatetime
from sqlalchemy import Index, CheckConstraint, Column, LargeBinary, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from ipapp.domain.vocabulary import Section, SignedAs, sql_in
from ipapp.models.base import utcnow


class AccessGrant(SQLModel, table=True):
    __tablename__ = "access_grant"
    __table_args__ = (CheckConstraint("valid_until > valid_from", name="period"),)

    id: int | None = Field(default=None, primary_key=True)
    plan_id: int = Field(foreign_key="plan.id", index=True, ondelete="CASCADE")
    grantee_person_id: int = Field(foreign_key="person.id", index=True)
    granted_by_person_id: int = Field(foreign_key="person.id")
    valid_from: NaiveDatetime
    valid_until: NaiveDatetime  # an end date is required
    purpose: str = Field(default="", max_length=500)
    created_at: NaiveDatetime = Field(default_factory=utcnow)
    revoked_at: NaiveDatetime | None = None
    revoked_by_person_id: int | None = Field(default=None, foreign_key="person.id")
    # The owner dealt with its ending (renewed it, or chose to let it run out): no more "ends soon"
    # reminders; it still ends on its date.
    lapse_chosen_at: NaiveDatetime | None = None


class AccessGrantSection(SQLModel, table=True):
    __tablename__ = "access_grant_section"
    __table_args__ = (CheckConstraint(f"section IN {sql_in(Section)}", name="section"),)

    grant_id: int = Field(foreign_key="access_grant.id", primary_key=True, ondelete="CASCADE")
    section: str = Field(primary_key=True, max_length=16)


class Consent(SQLModel, table=True):
    """A consent document version and, once signed, the WebAuthn assertion that signed it."""

    __table_args__ = (
        UniqueConstraint("plan_id", "version"),
        CheckConstraint(f"signed_as IS NULL OR signed_as IN {sql_in(SignedAs)}", name="signed_as"),
        CheckConstraint(
            "(signed_at IS NULL) = (signer_person_id IS NULL)", name="signer_and_time"
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    plan_id: int = Field(foreign_key="plan.id", index=True, ondelete="CASCADE")
    version: int = Field(ge=1)
    document: str = Field(sa_type=Text)  # canonical form; its SHA-256 is the signing challenge
    document_sha256: str = Field(max_length=64)
    created_by_person_id: int = Field(foreign_key="person.id")
    created_at: NaiveDatetime = Field(default_factory=utcnow)
    signer_person_id: int | None = Field(default=None, foreign_key="person.id")
    signed_as: str | None = Field(default=None, max_length=16)
    signed_at: NaiveDatetime | None = None
    signature_credential_id: bytes | None = Field(default=None, sa_column=Column(LargeBinary))
    signature_public_key: bytes | None = Field(default=None, sa_column=Column(LargeBinary))
    signature_authenticator_data: bytes | None = Field(default=None, sa_column=Column(LargeBinary))
    signature_client_data_json: bytes | None = Field(default=None, sa_column=Column(LargeBinary))
    signature: bytes | None = Field(default=None, sa_column=Column(LargeBinary))
    signature_nonce: str | None = Field(default=None, max_length=64)
    withdrawn_at: NaiveDatetime | None = None
    withdrawn_by_person_id: int | None = Field(default=None, foreign_key="person.id")


class ConsentGrant(SQLModel, table=True):
    """Which grants a consent version covers."""

    __tablename__ = "consent_grant"

    consent_id: int = Field(foreign_key="consent.id", primary_key=True, ondelete="CASCADE")
    grant_id: int = Field(foreign_key="access_grant.id", primary_key=True, ondelete="CASCADE")


class AuditEvent(SQLModel, table=True):
    """Append-only; each row's hash is an HMAC over its content and the previous row's hash."""

    __tablename__ = "audit_event"
    __table_args__ = (CheckConstraint("outcome IN ('allowed', 'denied')", name="outcome"),)

    id: int | None = Field(default=None, primary_key=True)
    occurred_at: NaiveDatetime = Field(default_factory=utcnow, index=True)
    actor_person_id: int | None = Field(default=None, foreign_key="person.id", index=True)
    actor_role: str = Field(max_length=24)
    plan_id: int | None = Field(default=None, foreign_key="plan.id", index=True)
    action: str = Field(max_length=40)  # e.g. "read", "write", "grant", "sign"
    section: str | None = Field(default=None, max_length=16)
    target: str = Field(default="", max_length=200)  # e.g. "goal:12"
    outcome: str = Field(max_length=8)
    reason: str = Field(default="", max_length=64)
    prev_hash: str = Field(max_length=64)
    hash: str = Field(unique=True, max_length=64)


class AuditAnchor(SQLModel, table=True):
    """A recorded head of one plan's audit chain, so a truncated tail is detectable."""

    __tablename__ = "audit_anchor"

    id: int | None = Field(default=None, primary_key=True)
    event_id: int = Field(foreign_key="audit_event.id")
    plan_id: int | None = Field(default=None, foreign_key="plan.id", index=True)  # the chain; None: no plan
    hash: str = Field(max_length=64)
    recorded_at: NaiveDatetime = Field(default_factory=utcnow)


class PlanVersion(SQLModel, table=True):
    """Every change to plan content keeps the earlier version, who changed it and when."""

    __tablename__ = "plan_version"
    __table_args__ = (
        CheckConstraint("change IN ('create', 'update', 'delete')", name="change"),
        UniqueConstraint("entity", "entity_id", "version"),
        Index("ix_plan_version_plan_changed", "plan_id", "changed_at"),  # "what changed since"
    )

    id: int | None = Field(default=None, primary_key=True)
    plan_id: int = Field(foreign_key="plan.id", index=True, ondelete="CASCADE")
    entity: str = Field(max_length=32)  # table name, e.g. "goal"
    entity_id: int
    version: int = Field(ge=1)
    change: str = Field(max_length=8)
    snapshot: str = Field(sa_type=Text)  # JSON of the row after the change (before, for delete)
    changed_by_person_id: int | None = Field(default=None, foreign_key="person.id")
    changed_at: NaiveDatetime = Field(default_factory=utcnow)


class PlanVisit(SQLModel, table=True):
    """When a person last looked at a plan, per sign-in session: "Endret siden sist" shows what
    others changed since the end of their previous visit (the last look in an earlier session)."""

    __tablename__ = "plan_visit"
    __table_args__ = (UniqueConstraint("plan_id", "person_id"),)

    id: int | None = Field(default=None, primary_key=True)
    plan_id: int = Field(foreign_key="plan.id", index=True, ondelete="CASCADE")
    person_id: int = Field(foreign_key="person.id", ondelete="CASCADE")
    session_id: int | None = None  # the sign-in session of the visit now going on
    seen_at: NaiveDatetime = Field(default_factory=utcnow)  # the latest look
    previous_seen_at: NaiveDatetime | None = None  # the last look of the previous visit
