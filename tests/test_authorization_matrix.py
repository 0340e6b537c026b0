"""The authorization matrix, through the services: every role x section x action, on the person's
own plan and on someone else's, against an explicit table of what DESIGN.md says.

"Access: one rule set, one door": every data access goes through a service that asks the policy
and records the decision. So this file never asks ipapp.policy directly; it calls the services
(or, where no service exists yet, the one door they all use: plan_access.load_context + require)
and reads the answer off what happens: data, AccessDenied, or another refusal.

A cell is
    Y   allowed by the access rules (the service did it, or refused for a reason that is not
        access: e.g. ConsentError("no_passkey") when signing)
    .   denied by the access rules (AccessDenied)
    ?x  anything else (mixed answers of the services behind one cell, an unexpected error, an
        allowed read that returned nothing or another plan's data): always a failure

Besides the cells: every denial must leave an audit event with outcome "denied" for that person
and plan, and change nothing (grants, consents, plan content); every allowed look by anyone but
the owner must leave an audit event too (DESIGN.md: every read by anyone but the owner is logged).

The event handlers of every rx.State of ours are checked too: none takes a plan or person id from
the browser; a forged plan id is refused without any effect; and each signed-in handler shows a
role only what that role may see.

The database is built once for the module (the checks are reads, and every check that changes
something restores what it changed), so the whole file runs in a few seconds.
"""

import asyncio
import inspect
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

import pytest
import reflex as rx
from reflex.istate.data import RouterData
from shared_steps import ipapp_states
from sqlalchemy import delete, func
from sqlmodel import SQLModel, select, update

import ipapp.ipapp  # noqa: F401  (registers every page and state)
from ipapp import db
from ipapp.auth import sessions
from ipapp.config import reset_settings_cache
from ipapp.demo import story
from ipapp.demo.seed import DemoCast, load_demo, sha256_hex
from ipapp.domain.vocabulary import (
    AccountStatus,
    ContactRole,
    GoalStatus,
    GuardianshipBasis,
    MeetingKind,
    PlanRole,
    Section,
    SignedAs,
)
from ipapp.i18n.dates import oslo_today
from ipapp.models import (
    AboutMe,
    AccessGrant,
    AccessGrantSection,
    Account,
    AuditEvent,
    Consent,
    ConsentGrant,
    Contact,
    Goal,
    Guardianship,
    Invitation,
    Measure,
    Meeting,
    Message,
    MessageThread,
    OwnerNote,
    PasskeyCredential,
    Person,
    Plan,
    PlanCoordinator,
    PlanMember,
    PlanVersion,
    utcnow,
)
from ipapp.policy import Action
from ipapp.services import (
    access_log,
    consents,
    goal_editing,
    grants,
    meeting_editing,
    messaging,
    notes,
    plan_editing,
    plan_reading,
)
from ipapp.services.forms import FormProblem
from ipapp.policy import Part
from ipapp.services.plan_access import AccessDenied, load_context, require
from ipapp.state.endpoints import rule_of
from ipapp.state.plan import PlanState
from ipapp.state.session import SessionState

# --- the expected table ------------------------------------------------------------------------

ROLES = ["owner", "guardian", "coordinator", "next_of_kin", "provider", "unit_admin", "stranger"]
SECTIONS = ["about", "goals", "contacts", "meetings", "notes", "messages"]
SHARING = ["manage_sharing", "sign_consent", "withdraw_consent"]
# Writes are asked per part (ipapp.policy.Part): the owner words her goals, the coordinator keeps
# the services. meetings and messages have no write service yet (a later issue): the door.
PARTS = ["about", "goal_wording", "goal_status", "measures", "plan_period", "contacts", "meetings",
         "meeting_reply", "notes", "messages", "message_handling"]
COLUMNS = [f"read:{s}" for s in SECTIONS] + [f"write:{p}" for p in PARTS] + SHARING
PLANS = ["own", "other"]

# From DESIGN.md ("Access: one rule set, one door") and the ipapp/policy.py docstring:
#   owner        reads all six; writes about, her goals' wording, notes, messages; manages
#                sharing, signs, withdraws (services, status, period, contacts, meetings: the coordinator's)
#   guardian     as the owner, except the owner's notes (neither read nor write)
#   coordinator  reads and writes everything but notes; no sharing, signing or withdrawing
#   next of kin  through the signed grant of goals + meetings: reads those, writes nothing
#                (messages only if granted: not here)
#   provider     a plan member without a grant: nothing
#   unit admin   reads no content: nothing
#   stranger     an account with no relation to the plan: nothing
# "own" is the demo plan (Sofie's) the cast relates to; "other" is a second plan with its own
# owner, coordinator and content, to which none of the cast has any relation.
EXPECTED_TEXT = {
    "own": """
        role        | read: about goals contacts meetings notes messages | write: about wording status measures period contacts meetings reply notes messages handling | sharing sign withdraw
        owner       |         Y     Y      Y        Y       Y      Y     |         Y     Y       .      .        .      .        .        Y     Y     Y        .        |    Y     Y      Y
        guardian    |         Y     Y      Y        Y       .      Y     |         Y     Y       .      .        .      .        .        Y     .     Y        .        |    Y     Y      Y
        coordinator |         Y     Y      Y        Y       .      Y     |         Y     Y       Y      Y        Y      Y        Y        Y     .     Y        Y        |    .     .      .
        next_of_kin |         .     Y      .        Y       .      .     |         .     .       .      .        .      .        .        Y     .     .        .        |    .     .      .
        provider    |         .     .      .        .       .      .     |         .     .       .      .        .      .        .        .     .     .        .        |    .     .      .
        unit_admin  |         .     .      .        .       .      .     |         .     .       .      .        .      .        .        .     .     .        .        |    .     .      .
        stranger    |         .     .      .        .       .      .     |         .     .       .      .        .      .        .        .     .     .        .        |    .     .      .
    """,
    "other": """
        role        | read: about goals contacts meetings notes messages | write: about wording status measures period contacts meetings reply notes messages handling | sharing sign withdraw
        owner       |         .     .      .        .       .      .     |         .     .       .      .        .      .        .        .     .     .        .        |    .     .      .
        guardian    |         .     .      .        .       .      .     |         .     .       .      .        .      .        .        .     .     .        .        |    .     .      .
        coordinator |         .     .      .        .       .      .     |         .     .       .      .        .      .        .        .     .     .        .        |    .     .      .
        next_of_kin |         .     .      .        .       .      .     |         .     .       .      .        .      .        .        .     .     .        .        |    .     .      .
        provider    |         .     .      .        .       .      .     |         .     .       .      .        .      .        .        .     .     .        .        |    .     .      .
        unit_admin  |         .     .      .        .       .      .     |         .     .       .      .        .      .        .        .     .     .        .        |    .     .      .
        stranger    |         .     .      .        .       .      .     |         .     .       .      .        .      .        .        .     .     .        .        |    .     .      .
    """,
}


def _parse_expected(text: str) -> dict[str, dict[str, str]]:
    table: dict[str, dict[str, str]] = {}
    lines = [line.strip() for line in text.strip().splitlines()]
    for line in lines[1:]:  # the first line is the header
        role, *rest = line.split("|")
        cells = " ".join(rest).split()
        assert len(cells) == len(COLUMNS), f"expected table row {role.strip()!r} has {len(cells)} cells"
        assert set(cells) <= {"Y", "."}
        table[role.strip()] = dict(zip(COLUMNS, cells))
    assert list(table) == ROLES
    return table


EXPECTED = {plan: _parse_expected(text) for plan, text in EXPECTED_TEXT.items()}

# Plan two: every text in it carries this marker, so a leak is one substring search away.
OTHER = "ZZANNENPLAN"


# --- the world ---------------------------------------------------------------------------------


@dataclass
class PlanIds:
    plan_id: int
    owner_id: int
    goal_ids: set[int]
    contact_ids: set[int]
    meeting_ids: set[int]
    thread_ids: set[int]
    member_id: int  # a plan member a sharing manager may grant to
    consent_id: int  # a signed consent (to withdraw; unsigned for a moment to sign)


@dataclass
class World:
    cast: DemoCast
    people: dict[str, int]  # role -> person id
    accounts: dict[str, int]  # role -> account id
    plans: dict[str, PlanIds]  # "own" | "other"
    results: dict[tuple[str, str, str], str] = field(default_factory=dict)  # (role, plan, column)
    violations: list[str] = field(default_factory=list)
    unaudited_looks: list[str] = field(default_factory=list)

    def owner_of(self, plan_id: int) -> int:
        return next(p.owner_id for p in self.plans.values() if p.plan_id == plan_id)


def _ids(session, model, plan_id: int) -> set[int]:
    return set(session.exec(select(model.id).where(model.plan_id == plan_id)).all())


def _add_person(session, given: str, family: str, *, unit_admin: bool = False) -> tuple[int, int]:
    person = Person(given_name=given, family_name=family, email=f"{given.lower()}@example.com")
    session.add(person)
    session.flush()
    account = Account(person_id=person.id, status=AccountStatus.ACTIVE.value, is_unit_admin=unit_admin)
    session.add(account)
    session.flush()
    return person.id, account.id


def _build_other_plan(session, unit_admin_id: int) -> dict[str, int]:
    """A second plan: another owner, coordinator and member, some of every section, a signed
    consent. None of the demo cast is related to it."""
    now = utcnow()
    today = oslo_today(now)
    # People's names are not plan content (a unit admin sees who is on a plan to invite them),
    # so the marker is only in what the plan says.
    owner_id, _ = _add_person(session, "Otto", "Annenplan")
    coordinator_id, _ = _add_person(session, "Kari", "Koordinator")
    member_id, _ = _add_person(session, "Mona", "Morsen")
    plan = Plan(owner_person_id=owner_id, period_start=today - timedelta(days=60),
                next_review_on=today + timedelta(days=200))
    session.add(plan)
    session.flush()
    session.add(PlanCoordinator(plan_id=plan.id, coordinator_person_id=coordinator_id,
                                assigned_from=now - timedelta(days=60),
                                assigned_by_person_id=unit_admin_id))
    session.add(PlanMember(plan_id=plan.id, person_id=member_id, role=PlanRole.NEXT_OF_KIN.value,
                           relation="mor"))
    session.add(AboutMe(plan_id=plan.id, what_matters=f"Fotball {OTHER}", resources=f"{OTHER}",
                        needs=f"{OTHER}", updated_by_person_id=owner_id))
    contact = Contact(plan_id=plan.id, role=ContactRole.PROVIDER.value, name=f"Kontakt {OTHER}",
                      phone="+47 499 99 999", email=f"kontakt.{OTHER.lower()}@example.com")
    session.add(contact)
    session.flush()
    goal = Goal(plan_id=plan.id, title=f"Mål {OTHER}", description=f"{OTHER}",
                status=GoalStatus.ACTIVE.value)
    session.add(goal)
    session.flush()
    session.add(Measure(goal_id=goal.id, name=f"Tiltak {OTHER}", provider=f"{OTHER}",
                        responsible_contact_id=contact.id, starts_on=today))
    session.add(Meeting(plan_id=plan.id, kind=MeetingKind.RESPONSIBILITY_GROUP.value,
                        title=f"Møte {OTHER}", starts_at=now + timedelta(days=5),
                        ends_at=now + timedelta(days=5, hours=1), location=f"{OTHER}",
                        agenda=f"{OTHER}", created_by_person_id=coordinator_id))
    session.add(OwnerNote(plan_id=plan.id, author_person_id=owner_id, body=f"Notat {OTHER}"))
    thread = MessageThread(plan_id=plan.id, subject=f"Tråd {OTHER}", created_by_person_id=owner_id)
    session.add(thread)
    session.flush()
    session.add(Message(thread_id=thread.id, sender_person_id=owner_id, body=f"Melding {OTHER}"))
    grant = AccessGrant(plan_id=plan.id, grantee_person_id=member_id, granted_by_person_id=owner_id,
                        valid_from=now - timedelta(days=1), valid_until=now + timedelta(days=60),
                        purpose=f"{OTHER}")
    session.add(grant)
    session.flush()
    session.add(AccessGrantSection(grant_id=grant.id, section=Section.CONTACTS.value))
    document = f"Samtykke {OTHER}\n"
    consent = Consent(plan_id=plan.id, version=1, document=document,
                      document_sha256=sha256_hex(document), created_by_person_id=owner_id,
                      signed_at=now - timedelta(hours=1), signer_person_id=owner_id,
                      signed_as=SignedAs.OWNER.value)
    session.add(consent)
    session.flush()
    session.add(ConsentGrant(consent_id=consent.id, grant_id=grant.id))
    session.flush()
    return {"plan_id": plan.id, "owner_id": owner_id, "member_id": member_id,
            "consent_id": consent.id}


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("IPAPP_ENV", "development")
        mp.setenv("IPAPP_ORIGIN", "http://localhost:3000")
        mp.delenv("IPAPP_DEMO", raising=False)
        mp.delenv("DATABASE_URL", raising=False)
        reset_settings_cache()
        path = tmp_path_factory.mktemp("authz") / "matrix.sqlite3"
        engine = db.make_engine(f"sqlite:///{path}")
        SQLModel.metadata.create_all(engine)
        db.use_engine(engine)
        try:
            with db.transaction() as session:
                cast = load_demo(session)
                # The demo's consent (v1, next of kin: goals + meetings) is unsigned: a demo never
                # fakes a passkey. Signed here directly, so the grant is effective.
                demo_consent = session.exec(select(Consent).where(Consent.plan_id == cast.plan_id)).one()
                demo_consent.signed_at = utcnow() - timedelta(hours=1)
                demo_consent.signer_person_id = cast.owner_id
                demo_consent.signed_as = SignedAs.OWNER.value
                session.add(demo_consent)
                stranger_id, _ = _add_person(session, "Stian", "Fremmed")
                other = _build_other_plan(session, cast.unit_admin_id)
                session.flush()
                people = {
                    "owner": cast.owner_id, "guardian": cast.guardian_id,
                    "coordinator": cast.coordinator_id, "next_of_kin": cast.next_of_kin_id,
                    "provider": cast.provider_id, "unit_admin": cast.unit_admin_id,
                    "stranger": stranger_id,
                }
                accounts = {
                    role: session.exec(select(Account.id).where(Account.person_id == pid)).one()
                    for role, pid in people.items()
                }
                plans = {}
                for key, plan_id, owner_id, member_id, consent_id in (
                    ("own", cast.plan_id, cast.owner_id, cast.provider_id, demo_consent.id),
                    ("other", other["plan_id"], other["owner_id"], other["member_id"], other["consent_id"]),
                ):
                    plans[key] = PlanIds(
                        plan_id=plan_id, owner_id=owner_id,
                        goal_ids=_ids(session, Goal, plan_id), contact_ids=_ids(session, Contact, plan_id),
                        meeting_ids=_ids(session, Meeting, plan_id),
                        thread_ids=_ids(session, MessageThread, plan_id),
                        member_id=member_id, consent_id=consent_id,
                    )
            w = World(cast=cast, people=people, accounts=accounts, plans=plans)
            _sanity(w)
            _run_matrix(w)
            yield w
        finally:
            db.use_engine(None)
            engine.dispose()
            reset_settings_cache()
    reset_settings_cache()


def _sanity(w: World) -> None:
    """The set-up is what the table assumes: plan two is a real plan with content, no one of the
    cast is related to it, and the guardianship is court-appointed and acting."""
    other = w.plans["other"]
    assert other.plan_id != w.plans["own"].plan_id and other.owner_id not in w.people.values()
    assert other.goal_ids and other.contact_ids and other.meeting_ids and other.thread_ids
    with db.transaction() as session:
        guardianship = session.exec(select(Guardianship)).one()
        assert guardianship.basis == GuardianshipBasis.COURT_APPOINTED.value
        assert guardianship.owner_person_id == w.cast.owner_id


# --- observing the database --------------------------------------------------------------------

_CONTENT = (AboutMe, Goal, Measure, Contact, Meeting, OwnerNote, MessageThread, Message, Plan,
            PlanMember, PlanCoordinator, Guardianship, Person, Account, Invitation, PasskeyCredential, PlanVersion)


def fingerprint() -> tuple:
    """Everything a denied (or merely looking) call must leave as it was."""
    with db.transaction() as session:
        counts = tuple(
            session.exec(select(func.count()).select_from(model)).one()
            for model in (AccessGrant, AccessGrantSection, Consent, ConsentGrant, *_CONTENT)
        )
        grant_rows = tuple(session.exec(
            select(AccessGrant.id, AccessGrant.revoked_at, AccessGrant.valid_until).order_by(AccessGrant.id)
        ).all())
        consent_rows = tuple(session.exec(
            select(Consent.id, Consent.version, Consent.signed_at, Consent.signer_person_id,
                   Consent.withdrawn_at, Consent.signature_nonce).order_by(Consent.id)
        ).all())
        return counts, grant_rows, consent_rows


def audit_total(person_id: int) -> int:
    with db.transaction() as session:
        return session.exec(
            select(func.count()).select_from(AuditEvent).where(AuditEvent.actor_person_id == person_id)
        ).one()


def audit_count(person_id: int, plan_id: int, outcome: str) -> int:
    with db.transaction() as session:
        return session.exec(
            select(func.count()).select_from(AuditEvent).where(
                AuditEvent.actor_person_id == person_id, AuditEvent.plan_id == plan_id,
                AuditEvent.outcome == outcome,
            )
        ).one()


# --- one call, judged --------------------------------------------------------------------------

# Refusals by consents that are not about access: what a permitted signer without a passkey meets.
NOT_ACCESS_CONSENT_CODES = {"no_passkey"}


def _attempt(w: World, label: str, person_id: int, plan_id: int, call: Callable[[], Any],
             check: Callable[[Any], str | None] | None = None, looks: bool = False) -> str:
    """Run one service call: "Y", "." or "?why". A denial must be audited and change nothing; an
    allowed look by anyone but the owner must be audited."""
    before = fingerprint()
    denied_before = audit_count(person_id, plan_id, "denied")
    allowed_before = audit_count(person_id, plan_id, "allowed")
    try:
        result = call()
    except AccessDenied:
        if audit_count(person_id, plan_id, "denied") <= denied_before:
            w.violations.append(f"{label}: denied without an audit event")
        if fingerprint() != before:
            w.violations.append(f"{label}: denied, but the database changed")
        return "."
    except consents.ConsentError as refused:
        return "Y" if refused.code in NOT_ACCESS_CONSENT_CODES else f"?consent:{refused.code}"
    except grants.GrantProblem as problem:
        return f"?grant:{problem.code}"
    except FormProblem:  # allowed, then the input was refused: nothing may have been written
        if fingerprint() != before:
            w.violations.append(f"{label}: refused input, but the database changed")
        return "Y"
    except Exception as exc:  # noqa: BLE001  (any other outcome is a finding, shown in the matrix)
        return f"?{type(exc).__name__}"
    if looks and person_id != w.owner_of(plan_id) and audit_count(person_id, plan_id, "allowed") <= allowed_before:
        w.unaudited_looks.append(label)
    if check is not None and (problem := check(result)):
        return f"?{problem}"
    return "Y"


def _combine(answers: list[str]) -> str:
    """Several services behind one cell must agree."""
    return answers[0] if len(set(answers)) == 1 else "?mixed:" + "".join(a[:1] for a in answers)


def _subset(found: set[int], allowed: set[int], what: str) -> str | None:
    if not found:
        return f"no_{what}"
    if not found <= allowed:
        return f"other_plans_{what}"
    return None


def _door(person_id: int, plan_id: int, action: Action, section: Section | None) -> None:
    """The one door every service uses, for actions that have no service yet."""
    with db.transaction() as session:
        ctx = load_context(session, person_id, plan_id, utcnow())
        require(session, ctx, action, section, target=f"matrix:{action}:{section or ''}")


def _door_part(person_id: int, plan_id: int, part: Part) -> None:
    """The write door the services use (editing.Edit.allow), for parts whose allowed call would
    change something; the policy's answer and its audit are the same."""
    from ipapp.services.editing import editing

    with editing(person_id, plan_id, part) as edit:
        edit.allow(f"matrix:{part}")


def _read(w: World, role: str, plan: PlanIds, section: str) -> str:
    pid, plan_id, label = w.people[role], plan.plan_id, f"{role}/{plan.plan_id}/read:{section}"
    if section == "goals":
        goal_id = min(plan.goal_ids)
        overview = _attempt(
            w, label + "(overview)", pid, plan_id,
            lambda: plan_reading.read_overview(pid, plan_id, "nb"),
            check=lambda o: _subset({g.id for g in o.goals}, plan.goal_ids, "goals"), looks=True)
        if overview == "?no_goals":
            overview = "."  # the overview of someone who may open other sections, but not goals
        one = _attempt(w, label + "(goal)", pid, plan_id,
                       lambda: plan_reading.read_goal(pid, plan_id, goal_id, "nb"),
                       check=lambda g: None if g.id == goal_id else "wrong_goal", looks=True)
        return _combine([overview, one])
    if section == "contacts":
        return _attempt(w, label, pid, plan_id, lambda: plan_reading.read_contacts(pid, plan_id, "nb"),
                        check=lambda cs: _subset({c.id for c in cs}, plan.contact_ids, "contacts"),
                        looks=True)
    if section == "meetings":
        return _attempt(w, label, pid, plan_id, lambda: plan_reading.read_meetings(pid, plan_id, "nb"),
                        check=lambda r: _subset({m.id for m in r[0] + r[1]}, plan.meeting_ids, "meetings"),
                        looks=True)
    if section == "messages":
        return _attempt(w, label, pid, plan_id, lambda: plan_reading.read_threads(pid, plan_id, "nb"),
                        check=lambda ts: _subset({t.id for t in ts}, plan.thread_ids, "threads"),
                        looks=True)
    # about, notes: no reader service yet, so through the door the readers use.
    return _attempt(w, label, pid, plan_id, lambda: _door(pid, plan_id, Action.READ, Section(section)),
                    looks=True)


def _write(w: World, role: str, plan: PlanIds, part: str) -> str:
    """Each part through its write service, with input that is refused after the policy allowed
    it (FormProblem = allowed, "Y"), so nothing is written either way and nothing needs restoring.
    An answer to a meeting and marking a thread handled change something real even when allowed,
    so those two are asked through the policy's door for parts (Edit.allow), which they use."""
    pid, plan_id, goal_id = w.people[role], plan.plan_id, min(plan.goal_ids)
    calls = {
        "about": lambda: plan_editing.update_about(pid, plan_id, {"needs": "x" * 5001}),
        "goal_wording": lambda: goal_editing.update_goal(pid, plan_id, goal_id, {"title": ""}),
        "goal_status": lambda: goal_editing.set_goal_status(pid, plan_id, goal_id, {"status": "bogus"}),
        "measures": lambda: goal_editing.add_measure(pid, plan_id, goal_id, {"name": ""}),
        "plan_period": lambda: plan_editing.update_plan_period(pid, plan_id, {}),
        "contacts": lambda: plan_editing.add_contact(pid, plan_id, {"role": "provider", "name": ""}),
        "notes": lambda: notes.add_note(pid, plan_id, {"body": ""}),
        "meetings": lambda: meeting_editing.schedule(pid, plan_id, {"title": ""}),
        "messages": lambda: messaging.start_thread(pid, plan_id, {"subject": ""}),
        "message_handling": lambda: _door_part(pid, plan_id, Part.MESSAGE_HANDLING),
        "meeting_reply": lambda: _door_part(pid, plan_id, Part.MEETING_REPLY),
    }
    call = calls.get(part) or (lambda: _door(pid, plan_id, Action.WRITE, Section(part)))
    return _attempt(w, f"{role}/{plan_id}/write:{part}", pid, plan_id, call)


def _insert_pending_grant(plan: PlanIds) -> int:
    with db.transaction() as session:
        grant = AccessGrant(plan_id=plan.plan_id, grantee_person_id=plan.member_id,
                            granted_by_person_id=plan.owner_id, valid_from=utcnow(),
                            valid_until=utcnow() + timedelta(days=10), purpose="matrix")
        session.add(grant)
        session.flush()
        session.add(AccessGrantSection(grant_id=grant.id, section=Section.ABOUT.value))
        return grant.id


def _delete_grant(grant_id: int) -> None:
    with db.transaction() as session:
        session.exec(delete(AccessGrantSection).where(AccessGrantSection.grant_id == grant_id))
        session.exec(delete(AccessGrant).where(AccessGrant.id == grant_id))


def _manage_sharing(w: World, role: str, plan: PlanIds) -> str:
    """create_grant, revoke_grant (of a fresh grant) and who_looked must all agree."""
    pid, plan_id, label = w.people[role], plan.plan_id, f"{role}/{plan.plan_id}/manage_sharing"
    before = fingerprint()
    last_day = oslo_today(utcnow()) + timedelta(days=30)
    created: list[int] = []

    def create() -> int:
        gid = grants.create_grant(pid, plan_id, plan.member_id, ["contacts"], last_day, "matrix")
        created.append(gid)
        return gid

    answers = [_attempt(w, label + "(create)", pid, plan_id, create)]
    target = created[0] if created else _insert_pending_grant(plan)
    try:
        answers.append(_attempt(
            w, label + "(revoke)", pid, plan_id, lambda: grants.revoke_grant(pid, plan_id, target)))
        with db.transaction() as session:
            revoked = session.get(AccessGrant, target).revoked_at is not None
        if revoked != (answers[-1] == "Y"):
            answers[-1] = "?revoke_state"
    finally:
        _delete_grant(target)  # restore: the fresh grant was only for this check
    answers.append(_attempt(w, label + "(who_looked)", pid, plan_id,
                            lambda: access_log.who_looked(pid, plan_id), looks=True))
    if fingerprint() != before:
        w.violations.append(f"{label}: not restored")
    return _combine(answers)


_SIGNATURE = ("signed_at", "signer_person_id", "signed_as", "signature_nonce")


def _set_signature(consent_id: int, values: dict[str, Any]) -> None:
    with db.transaction() as session:
        session.exec(update(Consent).where(Consent.id == consent_id).values(**values))


def _sign_consent(w: World, role: str, plan: PlanIds) -> str:
    """signing_options on the plan's consent, made unsigned for the moment, then signed again."""
    pid, plan_id = w.people[role], plan.plan_id
    with db.transaction() as session:
        consent = session.get(Consent, plan.consent_id)
        digest = consent.document_sha256
        signature = {name: getattr(consent, name) for name in _SIGNATURE}
    _set_signature(plan.consent_id, dict.fromkeys(_SIGNATURE))
    try:
        return _attempt(w, f"{role}/{plan_id}/sign_consent", pid, plan_id,
                        lambda: consents.signing_options(pid, plan_id, plan.consent_id, digest))
    finally:
        _set_signature(plan.consent_id, signature)  # restore exactly


def _withdraw_consent(w: World, role: str, plan: PlanIds) -> str:
    pid, plan_id = w.people[role], plan.plan_id
    try:
        return _attempt(w, f"{role}/{plan_id}/withdraw_consent", pid, plan_id,
                        lambda: consents.withdraw(pid, plan_id, plan.consent_id),
                        check=lambda v: None if v.status == "withdrawn" else f"status_{v.status}")
    finally:
        with db.transaction() as session:  # restore: the consent is signed and standing again
            session.exec(update(Consent).where(Consent.plan_id == plan_id)
                         .values(withdrawn_at=None, withdrawn_by_person_id=None))


def _run_matrix(w: World) -> None:
    for role in ROLES:
        for plan_key in PLANS:
            plan = w.plans[plan_key]
            for section in SECTIONS:
                w.results[(role, plan_key, f"read:{section}")] = _read(w, role, plan, section)
            for part in PARTS:
                w.results[(role, plan_key, f"write:{part}")] = _write(w, role, plan, part)
            w.results[(role, plan_key, "manage_sharing")] = _manage_sharing(w, role, plan)
            w.results[(role, plan_key, "sign_consent")] = _sign_consent(w, role, plan)
            w.results[(role, plan_key, "withdraw_consent")] = _withdraw_consent(w, role, plan)


def _render(w: World) -> str:
    short = [c.replace("read:", "r:").replace("write:", "w:")[:10] for c in COLUMNS]
    lines = []
    for plan_key in PLANS:
        lines.append(f"\n[{plan_key} plan]  actual (expected when different)")
        lines.append(f"{'':12}" + "".join(f"{s:>12}" for s in short))
        for role in ROLES:
            cells = []
            for column in COLUMNS:
                got, want = w.results[(role, plan_key, column)], EXPECTED[plan_key][role][column]
                cells.append(f"{got:>12}" if got == want else f"{got + '(' + want + ')':>12}"[-12:])
            lines.append(f"{role:12}" + "".join(cells))
    return "\n".join(lines)


# --- the matrix --------------------------------------------------------------------------------


def test_the_matrix_is_complete():
    assert len(COLUMNS) == 20 and len(ROLES) == 7
    assert {s.value for s in Section} == set(SECTIONS)
    assert {p.value for p in Part} == set(PARTS)
    assert {a.value for a in Action} == {"read", "write", *SHARING}


def test_every_cell_matches_the_design(world):
    wrong = [
        f"{role} on {plan} plan, {column}: got {world.results[(role, plan, column)]}, "
        f"expected {EXPECTED[plan][role][column]}"
        for plan in PLANS for role in ROLES for column in COLUMNS
        if world.results[(role, plan, column)] != EXPECTED[plan][role][column]
    ]
    assert len(world.results) == len(ROLES) * len(COLUMNS) * len(PLANS)
    assert wrong == [], "\n".join(wrong) + "\n" + _render(world)


def test_every_denial_is_audited_and_changes_nothing(world):
    assert world.violations == [], "\n".join(world.violations)


def test_every_allowed_look_by_someone_other_than_the_owner_is_audited(world):
    assert world.unaudited_looks == [], "\n".join(world.unaudited_looks)


def test_the_set_up_is_as_it_was_after_the_matrix(world):
    """Every check restored what it changed: the demo consent is signed and standing, no grant
    was left behind, so next of kin still reads goals and meetings."""
    with db.transaction() as session:
        consent = session.get(Consent, world.plans["own"].consent_id)
        assert consent.signed_at is not None and consent.withdrawn_at is None
        assert session.exec(select(func.count()).select_from(AccessGrant)).one() == 2
    nok = world.people["next_of_kin"]
    assert plan_reading.read_meetings(nok, world.plans["own"].plan_id, "nb")[0]


# --- event handlers ----------------------------------------------------------------------------


def _our_handlers():
    for cls in ipapp_states():
        for name, handler in cls.event_handlers.items():
            if handler.fn.__module__.startswith("ipapp."):
                yield cls, name, handler


# Names a browser-supplied argument must never have: the plan and the acting person come from
# the server-side session only.
ACTOR_LIKE = re.compile(r"^(plan|person|owner|actor|account|user|viewer|session)", re.IGNORECASE)


def test_no_handler_takes_a_plan_or_person_id():
    offending, seen = [], 0
    for cls, name, handler in _our_handlers():
        rule = rule_of(handler.fn)
        assert rule is not None, f"{cls.__name__}.{name} is not a declared endpoint"
        original = inspect.unwrap(handler.fn)
        params = list(inspect.signature(original).parameters.values())[1:]  # after self
        assert len(params) == len(rule.params), f"{cls.__name__}.{name}: declaration and signature differ"
        for param, declared in zip(params, rule.params):
            seen += 1
            annotation = param.annotation
            int_like = declared is int or annotation in (int, "int") or annotation is inspect.Parameter.empty
            if ACTOR_LIKE.match(param.name) and (int_like or declared is str):
                offending.append(f"{cls.__name__}.{name}({param.name}: {declared.__name__})")
        if any(p.kind in (p.VAR_POSITIONAL, p.VAR_KEYWORD) for p in params):
            offending.append(f"{cls.__name__}.{name} takes *args/**kwargs")
    assert seen > 0
    assert offending == []


def _fresh_tab() -> rx.State:
    return rx.State(_reflex_internal_init=True)


def _sign_in(root: rx.State, world: World, role: str, query: dict | None = None) -> None:
    raw = sessions.start_session(world.accounts[role], "matrix")
    root.router = RouterData.from_router_data(
        {"headers": {"cookie": f"{sessions.SESSION_COOKIE}={raw}"}, "query": query or {}})


def _state_of(root: rx.State, cls: type[rx.State]) -> rx.State:
    return root.get_substate(cls.get_full_name().split(".")[1:])


def _all_states(state: rx.State):
    yield state
    for sub in state.substates.values():
        yield from _all_states(sub)


def _snapshot(root: rx.State) -> dict:
    snap = {}
    for state in _all_states(root):
        for name in list(state.base_vars) + ["_person_id", "_plan_id"]:
            if hasattr(state, name):
                snap[(state.get_full_name(), name)] = repr(getattr(state, name))
    return snap


def _shown(root: rx.State) -> str:
    """Everything the tab's states hold, as one searchable text."""
    return "\n".join(_snapshot(root).values())


# Demo content per section, as it would appear in a state if that section were read.
SECTION_MARKERS = {
    "about": [story.ABOUT_WHAT_MATTERS[:40]],
    "goals": [g.title for g in story.GOALS],
    "contacts": [c.email for c in story.CONTACTS if c.email],
    "meetings": [story.VIDEO_MEETING_URL, story.NEXT_MEETING_AGENDA[:40]],
    "notes": [body[:40] for *_, body in story.OWNER_NOTES],
    "messages": [body[:40] for *_, body in story.MESSAGES],
}

REGISTERED_EMAILS = {p.email for p in story.PEOPLE}
# The cast's plan in a tab: the demo plan for those related to it; none for the others.
HAS_PLAN = {"owner", "guardian", "coordinator", "next_of_kin", "provider"}
# Inviting people (policy.may_invite, DESIGN.md "who uses it"): the plan's coordinator, and the unit
# admin, who creates accounts but sees no plan content.
MAY_INVITE = {"coordinator", "unit_admin"}


def _expect_in_handler(role: str) -> dict[str, bool]:
    row = EXPECTED["own"][role] if role in HAS_PLAN else {c: "." for c in COLUMNS}
    return {column: row[column] == "Y" for column in COLUMNS}


def _check_shown(cls_name: str, name: str, state: rx.State, may: dict[str, bool], role: str) -> list[str]:
    """What a handler put on screen for this role, against the expected table."""
    problems = []

    def want(what: str, got: bool, expected: bool) -> None:
        if got != expected:
            problems.append(f"{role}: {cls_name}.{name}: {what} is {got}, expected {expected}")

    sharing = may["manage_sharing"]
    key = f"{cls_name}.{name}"
    if key == "PlanState.load_overview":
        want("goals shown", bool(state.goals), may["read:goals"])
        want("access list shown", bool(state.access), sharing)
    elif key == "PlanState.load_contacts":
        want("contacts shown", bool(state.contacts), may["read:contacts"])
    elif key == "PlanState.load_meetings":
        want("meetings shown", bool(state.upcoming_meetings or state.past_meetings), may["read:meetings"])
    elif key == "PlanState.load_threads":
        want("threads shown", bool(state.threads), may["read:messages"])
    elif key == "PlanState.load_access":
        want("access list shown", bool(state.access), sharing)
    elif key == "PlanState.load_goal":
        want("goal shown", state.goal is not None, may["read:goals"])
    elif key == "PlanState.load_me":
        want("plan header shown", state.header is not None,
             any(may[f"read:{s}"] for s in SECTIONS) or sharing)
    elif key == "AccessLogState.load_log":
        want("access log shown", state.problem == "" and state.loaded, sharing)
    elif key == "ConsentState.load_consent":
        want("consent shown", state.consent is not None, sharing)
    elif key == "SharingState.load_grantees":
        want("grantees shown", bool(state.grantees), sharing)
    elif key == "InviteState.load_invite":
        want("invite allowed", state.allowed, role in MAY_INVITE)
        want("people shown", bool(state.people), role in MAY_INVITE)
    elif key == "MeState.load_passkeys":
        want("may invite", state.may_invite, role in MAY_INVITE)
        want("passkeys shown", bool(state.passkeys), False)  # no one in this world has one
    return problems


def _no_arg_signed_in_handlers():
    found = []
    for cls, name, handler in _our_handlers():
        rule = rule_of(handler.fn)
        if rule.access != "signed_in" or rule.params:
            continue
        found.append((cls, name, handler))
    return found


def _run(returned):
    """A handler's outcome; a coroutine handler (one that awaits another state) is run to its end."""
    return asyncio.run(returned) if inspect.iscoroutine(returned) else returned


def test_signed_in_handlers_refuse_a_forged_plan_and_show_each_role_only_its_own(world):
    handlers = _no_arg_signed_in_handlers()
    names = {f"{cls.__name__}.{name}" for cls, name, _ in handlers}
    assert {"PlanState.load_overview", "PlanState.load_contacts", "AccessLogState.load_log",
            "ConsentState.load_consent", "SharingState.load_grantees"} <= names
    own, other = world.plans["own"], world.plans["other"]
    query = {"goal_id": str(min(own.goal_ids))}
    problems: list[str] = []
    for role in ROLES:
        may = _expect_in_handler(role)
        for cls, name, handler in handlers:
            label = f"{role}: {cls.__name__}.{name}"
            if inspect.isasyncgenfunction(inspect.unwrap(handler.fn)):
                # Background tasks (PlanState.watch_access) need a running app and its state
                # manager; their argument check is the same wrapper, and the signature test above
                # covers their parameters.
                continue
            # 1. A forged plan id (as an extra argument, by position or by name): refused before
            #    the handler runs, no state change, nothing written, nothing audited. The refused
            #    calls leave the tab as it was (asserted), so the same tab then makes the real call.
            root = _fresh_tab()
            _sign_in(root, world, role, query)
            state = _state_of(root, cls)
            for forged_args, forged_named in (((other.plan_id,), {}), ((), {"plan_id": other.plan_id}),
                                              ((own.plan_id,), {})):
                before_state, before_db = _snapshot(root), fingerprint()
                audits = audit_total(world.people[role])
                returned = _run(handler.fn(state, *forged_args, **forged_named))
                forged = forged_args or forged_named
                if returned is not None:
                    problems.append(f"{label}: forged {forged} returned {returned!r}")
                if _snapshot(root) != before_state:
                    problems.append(f"{label}: forged {forged} changed the state")
                if fingerprint() != before_db or audit_total(world.people[role]) != audits:
                    problems.append(f"{label}: forged {forged} reached the services")
            # 2. As sent by the real page: only what this role may see, of its own plan only.
            before_db = fingerprint()
            _run(handler.fn(state))
            session_state = _state_of(root, SessionState)
            if session_state._person_id != world.people[role]:
                problems.append(f"{label}: person is {session_state._person_id}")
            expected_plan = own.plan_id if role in HAS_PLAN else None
            if session_state._plan_id != expected_plan:
                problems.append(f"{label}: plan is {session_state._plan_id}, expected {expected_plan}")
            shown = _shown(root)
            if OTHER in shown:
                problems.append(f"{label}: shows content of the other plan")
            for section, markers in SECTION_MARKERS.items():
                if not may[f"read:{section}"]:
                    if role == "unit_admin" and cls.__name__ == "UnitState" and section == "contacts":
                        # The unit's own register of people holds their e-mail addresses; the
                        # plan's contact list is another thing: those not in the register still count.
                        markers = [m for m in markers if m not in REGISTERED_EMAILS]
                    leaked = [m for m in markers if m in shown]
                    if leaked:
                        problems.append(f"{label}: shows {section} it may not read: {leaked[0]!r}")
            problems += _check_shown(cls.__name__, name, state, may, role)
            if name != "sign_out_everywhere" and fingerprint() != before_db:
                problems.append(f"{label}: changed grants, consents or plan content")
    assert problems == [], "\n".join(problems)


def test_next_of_kin_sees_granted_sections_and_no_contacts_through_the_pages(world):
    """The brief's example, spelled out: PlanState.load_contacts yields no contacts for next of
    kin (not granted), while load_meetings shows the granted meetings."""
    root = _fresh_tab()
    _sign_in(root, world, "next_of_kin")
    tab = _state_of(root, PlanState)
    PlanState.load_contacts.fn(tab)
    assert tab.contacts == [] and tab.error
    root = _fresh_tab()
    _sign_in(root, world, "next_of_kin")
    tab = _state_of(root, PlanState)
    PlanState.load_meetings.fn(tab)
    assert tab.upcoming_meetings and tab.error == ""


def _forged_values(world: World) -> dict[type, list]:
    """Ids of the other plan and its people, as a browser could send them in any argument."""
    other = world.plans["other"]
    with db.transaction() as session:
        [grant_id] = session.exec(select(AccessGrant.id).where(AccessGrant.plan_id == other.plan_id)).all()
        own_items = {*session.exec(select(Goal.id).where(Goal.plan_id == world.plans["own"].plan_id)),
                     *session.exec(select(OwnerNote.id).where(OwnerNote.plan_id == world.plans["own"].plan_id)),
                     *world.plans["own"].contact_ids}
    # The other plan's own items too; a bare number that happens to be one of the caller's own
    # items (the other plan's id 2 is also her goal 2) would be a legitimate change of her own.
    ids = [i for i in [other.plan_id, other.owner_id, other.consent_id, grant_id, *sorted(other.goal_ids),
                       *sorted(other.contact_ids)] if i not in own_items]
    form = {
        "plan_id": str(other.plan_id), "plan": str(other.plan_id), "person_id": str(other.owner_id),
        "owner_id": str(other.owner_id), "grantee": str(other.member_id), "section_contacts": "on",
        "section_notes": "on", "duration": "1m", "passkey_id": str(other.owner_id), "label": "x",
        # The other plan's items, as an edit form names them (a form without them would only
        # ever create on the caller's own plan, which is hers to do).
        "grant_id": str(grant_id), "goal_id": str(min(other.goal_ids)), "contact_id": str(min(other.contact_ids)),
        "measure_id": str(min(other.goal_ids)), "note_id": str(other.owner_id),
    }
    # The sharing form's own keys, pointing at the other plan's member and contact.
    as_keys = [{**form, "grantee": f"person:{other.member_id}"},
               {**form, "grantee": f"contact:{min(other.contact_ids)}", "section_notes": ""}]
    return {int: ids, str: [str(i) for i in ids], dict: [form, *as_keys], bool: [True, False]}


def test_handlers_with_arguments_reveal_and_change_nothing_of_another_plan(world):
    """Every signed-in handler that takes arguments, called by each role with the other plan's
    (or its people's) ids in every argument: the tab stays on the role's own plan, nothing of the
    other plan's content appears, and no grant, consent, content, account or passkey changes."""
    forged = _forged_values(world)
    own = world.plans["own"]
    problems, called = [], 0
    for role in ROLES:
        expected_plan = own.plan_id if role in HAS_PLAN else None
        for cls, name, handler in _our_handlers():
            rule = rule_of(handler.fn)
            if rule.access != "signed_in" or not rule.params:
                continue
            if inspect.isasyncgenfunction(inspect.unwrap(handler.fn)):
                continue
            if len(rule.params) == 1:
                calls = [(value,) for value in forged.get(rule.params[0], [])]
            else:
                calls = [tuple(forged[t][0] for t in rule.params)]
            # One tab per role and handler, loaded as the page would load it; then every forged
            # call in a row, as a hostile browser would send them.
            root = _fresh_tab()
            _sign_in(root, world, role)
            state = _state_of(root, cls)
            for preload in ("load_invite", "load_consent", "load_log"):
                if preload in cls.event_handlers:
                    cls.event_handlers[preload].fn(state)
            for args in calls:
                before = fingerprint()
                _run(handler.fn(state, *args))
                called += 1
                label = f"{role}: {cls.__name__}.{name}{args!r}"
                if _state_of(root, SessionState)._plan_id != expected_plan:
                    problems.append(f"{label}: the tab's plan changed")
                if OTHER in _shown(root):
                    problems.append(f"{label}: shows content of the other plan")
                if fingerprint() != before:
                    problems.append(f"{label}: changed grants, consents, content or accounts")
    assert called > 0
    assert problems == [], "\n".join(problems)
