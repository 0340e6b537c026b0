"""The plan and its content: coordinator history, guardianships, about me, goals, measures, contacts."""

from datetime import date

from pydantic import NaiveDatetime
from sqlalchemy import CheckConstraint, Index, Text, text
from sqlmodel import Field, SQLModel

from ipapp.domain.vocabulary import ContactRole, GoalStatus, GuardianshipBasis, PlanStatus, sql_in
from ipapp.models.base import utcnow


class Plan(SQLModel, table=True):
    __table_args__ = (
        CheckConstraint(f"status IN {sql_in(PlanStatus)}", name="status"),
        CheckConstraint("period_end IS NULL OR period_end >= period_start", name="period"),
    )

    id: int | None = Field(default=None, primary_key=True)
    owner_person_id: int = Field(foreign_key="person.id", index=True)
    status: str = Field(default=PlanStatus.ACTIVE.value, max_length=16)
    period_start: date
    period_end: date | None = None
    next_review_on: date  # the plan is reviewed at least yearly
    version: int = Field(default=1, ge=1)  # of the period and review date: no lost updates
    # Raised by ipapp.services.read_cache in the transaction of any write that changes what the
    # plan's pages show; never set by hand. A cached read is good while it has not moved.
    change_seq: int = Field(default=0, sa_column_kwargs={"server_default": "0"})
    closed_at: NaiveDatetime | None = None
    closed_reason: str = Field(default="", max_length=500)
    created_at: NaiveDatetime = Field(default_factory=utcnow)
    updated_at: NaiveDatetime = Field(default_factory=utcnow)


class PlanCoordinator(SQLModel, table=True):
    """Who coordinated a plan when. The row with no end is the current one: at most one per plan."""

    __tablename__ = "plan_coordinator"
    __table_args__ = (
        Index(
            "uq_plan_coordinator_current",
            "plan_id",
            unique=True,
            sqlite_where=text("assigned_until IS NULL"),
            postgresql_where=text("assigned_until IS NULL"),
        ),
        CheckConstraint(
            "assigned_until IS NULL OR assigned_until >= assigned_from", name="period"
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    plan_id: int = Field(foreign_key="plan.id", index=True, ondelete="CASCADE")
    coordinator_person_id: int = Field(foreign_key="person.id", index=True)
    assigned_from: NaiveDatetime = Field(default_factory=utcnow)
    assigned_until: NaiveDatetime | None = None
    assigned_by_person_id: int | None = Field(default=None, foreign_key="person.id")


class CoordinatorSubstitute(SQLModel, table=True):
    """Someone who acts as the plan's coordinator for a dated period (the coordinator is away),
    named by the coordinating unit. Europe/Oslo dates, both inclusive."""

    __tablename__ = "coordinator_substitute"
    __table_args__ = (CheckConstraint("valid_until >= valid_from", name="period"),)

    id: int | None = Field(default=None, primary_key=True)
    plan_id: int = Field(foreign_key="plan.id", index=True, ondelete="CASCADE")
    person_id: int = Field(foreign_key="person.id", index=True)
    valid_from: date
    valid_until: date
    granted_by_person_id: int | None = Field(default=None, foreign_key="person.id")
    created_at: NaiveDatetime = Field(default_factory=utcnow)


class Guardianship(SQLModel, table=True):
    """A guardian acts for the owner within these dates (the owner's private notes excepted)."""

    __table_args__ = (
        CheckConstraint(f"basis IN {sql_in(GuardianshipBasis)}", name="basis"),
        CheckConstraint("valid_until IS NULL OR valid_until >= valid_from", name="period"),
        CheckConstraint("guardian_person_id <> owner_person_id", name="not_self"),
    )

    id: int | None = Field(default=None, primary_key=True)
    owner_person_id: int = Field(foreign_key="person.id", index=True)
    guardian_person_id: int = Field(foreign_key="person.id", index=True)
    basis: str = Field(max_length=20)
    scope: str = Field(default="", max_length=500)  # e.g. the court's mandate, in words
    valid_from: date
    valid_until: date | None = None


class AboutMe(SQLModel, table=True):
    """Section `about`: in the owner's own words."""

    __tablename__ = "about_me"

    id: int | None = Field(default=None, primary_key=True)
    plan_id: int = Field(foreign_key="plan.id", unique=True, ondelete="CASCADE")
    what_matters: str = Field(default="", sa_type=Text)
    resources: str = Field(default="", sa_type=Text)
    needs: str = Field(default="", sa_type=Text)
    version: int = Field(default=1, ge=1)
    updated_at: NaiveDatetime = Field(default_factory=utcnow)
    updated_by_person_id: int | None = Field(default=None, foreign_key="person.id")


class Goal(SQLModel, table=True):
    __table_args__ = (CheckConstraint(f"status IN {sql_in(GoalStatus)}", name="status"),)

    id: int | None = Field(default=None, primary_key=True)
    plan_id: int = Field(foreign_key="plan.id", index=True, ondelete="CASCADE")
    position: int = Field(default=0, ge=0)
    title: str = Field(min_length=1, max_length=300)  # the owner's own words
    description: str = Field(default="", sa_type=Text)
    status: str = Field(default=GoalStatus.ACTIVE.value, max_length=16)
    status_note: str = Field(default="", max_length=1000)  # e.g. why it was achieved or paused
    target_date: date | None = None
    version: int = Field(default=1, ge=1)
    created_at: NaiveDatetime = Field(default_factory=utcnow)
    updated_at: NaiveDatetime = Field(default_factory=utcnow)


class Contact(SQLModel, table=True):
    """Section `contacts`. May point at a person who has an account (person_id)."""

    __table_args__ = (
        CheckConstraint(f"role IN {sql_in(ContactRole)}", name="role"),
    )

    id: int | None = Field(default=None, primary_key=True)
    plan_id: int = Field(foreign_key="plan.id", index=True, ondelete="CASCADE")
    person_id: int | None = Field(default=None, foreign_key="person.id")
    role: str = Field(max_length=24)
    name: str = Field(min_length=1, max_length=200)
    title: str = Field(default="", max_length=200)  # e.g. "fysioterapeut", "mor"
    organisation: str = Field(default="", max_length=200)
    phone: str | None = Field(default=None, max_length=40)
    email: str | None = Field(default=None, max_length=320)
    position: int = Field(default=0, ge=0)
    version: int = Field(default=1, ge=1)


class Measure(SQLModel, table=True):
    """A service or measure (tjeneste, tiltak) under a goal."""

    __table_args__ = (
        CheckConstraint("ends_on IS NULL OR ends_on >= starts_on", name="period"),
    )

    id: int | None = Field(default=None, primary_key=True)
    goal_id: int = Field(foreign_key="goal.id", index=True, ondelete="CASCADE")
    position: int = Field(default=0, ge=0)
    name: str = Field(min_length=1, max_length=300)
    provider: str = Field(default="", max_length=200)  # the service or organisation
    responsible_contact_id: int | None = Field(
        default=None, foreign_key="contact.id", ondelete="SET NULL"
    )
    frequency: str = Field(default="", max_length=200)  # e.g. "to ganger i uka"
    starts_on: date
    ends_on: date | None = None
    owner_contribution: str = Field(default="", sa_type=Text)
    next_of_kin_contribution: str = Field(default="", sa_type=Text)
    how: str = Field(default="", sa_type=Text)  # how it is carried out (gjennomføring)
    version: int = Field(default=1, ge=1)
