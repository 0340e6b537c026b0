"""People, their sign-in accounts, passkeys, invitations and server-side sessions."""

from datetime import date

from pydantic import NaiveDatetime
from sqlalchemy import CheckConstraint, Column, Index, LargeBinary, UniqueConstraint
from sqlmodel import Field, SQLModel

from ipapp.domain.vocabulary import AccountStatus, Locale, PlanRole, sql_in
from ipapp.models.base import utcnow


class Person(SQLModel, table=True):
    """A human being known to ipapp, whatever their role."""

    __table_args__ = (CheckConstraint(f"locale IN {sql_in(Locale)}", name="locale"),)

    id: int | None = Field(default=None, primary_key=True)
    given_name: str = Field(max_length=200)
    family_name: str = Field(max_length=200)
    birth_date: date | None = None  # owners: needed to know when a minor turns 16
    email: str | None = Field(default=None, max_length=320)
    phone: str | None = Field(default=None, max_length=40)
    locale: str = Field(default=Locale.NB.value, max_length=2)
    created_at: NaiveDatetime = Field(default_factory=utcnow)

    @property
    def full_name(self) -> str:
        return f"{self.given_name} {self.family_name}"


class Account(SQLModel, table=True):
    """A person's ability to sign in. Unit admins are marked here: it is not a role on a plan."""

    __table_args__ = (CheckConstraint(f"status IN {sql_in(AccountStatus)}", name="status"),)

    id: int | None = Field(default=None, primary_key=True)
    person_id: int = Field(foreign_key="person.id", unique=True, ondelete="CASCADE")
    status: str = Field(default=AccountStatus.INVITED.value, max_length=16)
    is_unit_admin: bool = False
    # Keyed hash (HMAC) of the national identity number from the OpenID Connect login; never the number.
    national_id_hash: str | None = Field(default=None, unique=True, max_length=128)
    created_at: NaiveDatetime = Field(default_factory=utcnow)
    last_sign_in_at: NaiveDatetime | None = None


class PasskeyCredential(SQLModel, table=True):
    __tablename__ = "passkey_credential"
    __table_args__ = (CheckConstraint("added_via IN ('self', 'invitation', 'recovery')", name="added_via"),)

    id: int | None = Field(default=None, primary_key=True)
    account_id: int = Field(foreign_key="account.id", index=True, ondelete="CASCADE")
    credential_id: bytes = Field(sa_column=Column(LargeBinary, nullable=False, unique=True))
    public_key: bytes = Field(sa_column=Column(LargeBinary, nullable=False))
    sign_count: int = Field(default=0, ge=0)
    transports: str | None = Field(default=None, max_length=200)  # comma-separated
    label: str = Field(default="", max_length=100)
    created_at: NaiveDatetime = Field(default_factory=utcnow)
    last_used_at: NaiveDatetime | None = None
    # How it came: the person added it while signed in, with a first invitation, or with a recovery
    # code (made by `added_by_person_id`). A recovered key may not sign a consent before
    # `may_sign_from`: whoever took over an account by recovery cannot sign in the owner's name at once.
    added_via: str = Field(default="self", max_length=16)
    added_by_person_id: int | None = Field(default=None, foreign_key="person.id")
    may_sign_from: NaiveDatetime | None = None


class Invitation(SQLModel, table=True):
    """A one-time, expiring invitation to register a passkey. Only a hash of the code is stored."""

    __table_args__ = (
        CheckConstraint(f"plan_role IS NULL OR plan_role IN {sql_in(PlanRole)}", name="plan_role"),
        CheckConstraint("kind IN ('first', 'recovery')", name="kind"),
    )

    id: int | None = Field(default=None, primary_key=True)
    account_id: int = Field(foreign_key="account.id", index=True, ondelete="CASCADE")
    code_hash: str = Field(unique=True, max_length=128)
    created_by_person_id: int | None = Field(default=None, foreign_key="person.id")
    plan_id: int | None = Field(default=None, foreign_key="plan.id")
    plan_role: str | None = Field(default=None, max_length=16)
    created_at: NaiveDatetime = Field(default_factory=utcnow)
    expires_at: NaiveDatetime
    used_at: NaiveDatetime | None = None
    revoked_at: NaiveDatetime | None = None
    # "recovery": a new key for an account that has one (or for an owner or guardian). It works only
    # once a unit admin other than its maker approved it (ipapp.services.recovery).
    kind: str = Field(default="first", max_length=16)
    needs_approval: bool = False
    approved_by_person_id: int | None = Field(default=None, foreign_key="person.id")
    approved_at: NaiveDatetime | None = None


class WebSession(SQLModel, table=True):
    """A signed-in browser. The cookie holds a random id; only its hash is stored."""

    __tablename__ = "web_session"
    __table_args__ = (CheckConstraint("method IN ('passkey', 'national', 'demo')", name="method"),)

    id: int | None = Field(default=None, primary_key=True)
    session_hash: str = Field(unique=True, max_length=128)
    account_id: int = Field(foreign_key="account.id", index=True, ondelete="CASCADE")
    passkey_credential_id: int | None = Field(
        default=None, foreign_key="passkey_credential.id", ondelete="SET NULL"
    )
    device_label: str = Field(default="", max_length=200)
    created_at: NaiveDatetime = Field(default_factory=utcnow)
    last_seen_at: NaiveDatetime = Field(default_factory=utcnow)
    expires_at: NaiveDatetime
    idle_timeout_seconds: int = Field(default=1800, gt=0)
    revoked_at: NaiveDatetime | None = None
    method: str = Field(default="passkey", max_length=16)  # how it signed in, shown under Meg


class PlanMember(SQLModel, table=True):
    """A delegate or participant connected to a plan. What they may see comes only from grants."""

    __tablename__ = "plan_member"
    __table_args__ = (
        UniqueConstraint("plan_id", "person_id"),
        CheckConstraint(f"role IN {sql_in(PlanRole)}", name="role"),
    )

    id: int | None = Field(default=None, primary_key=True)
    plan_id: int = Field(foreign_key="plan.id", index=True, ondelete="CASCADE")
    person_id: int = Field(foreign_key="person.id", index=True)
    role: str = Field(max_length=16)
    relation: str = Field(default="", max_length=100)  # e.g. "mor", "fysioterapeut"
    added_at: NaiveDatetime = Field(default_factory=utcnow)


class AuthChallenge(SQLModel, table=True):
    """A WebAuthn challenge kept server-side: single use, short-lived, bound to its purpose."""

    __tablename__ = "auth_challenge"
    __table_args__ = (
        CheckConstraint(
            "purpose IN ('register', 'authenticate', 'sign_consent')", name="purpose"
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    purpose: str = Field(max_length=16)
    challenge_hash: str = Field(unique=True, max_length=64)  # SHA-256 of the challenge bytes
    account_id: int | None = Field(default=None, foreign_key="account.id", ondelete="CASCADE", index=True)
    client_key: str | None = Field(default=None, max_length=64, index=True)  # keyed hash of the address
    created_at: NaiveDatetime = Field(default_factory=utcnow)
    expires_at: NaiveDatetime = Field(index=True)
    used_at: NaiveDatetime | None = None


class SignInAttempt(SQLModel, table=True):
    """Failed sign-ins and invitation guesses per client, to slow repeated tries down."""

    __tablename__ = "sign_in_attempt"
    __table_args__ = (Index("ix_sign_in_attempt_client_at", "client_key", "attempted_at"),)

    id: int | None = Field(default=None, primary_key=True)
    client_key: str = Field(max_length=128)  # hash of the client's address
    kind: str = Field(max_length=16)  # "passkey", "oidc", "invitation"
    succeeded: bool = False
    attempted_at: NaiveDatetime = Field(default_factory=utcnow)
