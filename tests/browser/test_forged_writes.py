"""Forged write events over a raw websocket, as any browser can send them: another plan's goal, a
next of kin writing, a guardian writing the owner's notes, anyone writing a closed plan. Each
changes nothing and leaves a denial in the audit log."""

import secrets

import httpx
import pytest
from living_plan import make_plan
from raw_socket import SESSION_STATE, event, hydrate, open_tab
from soft_authenticator import SoftAuthenticator
from sqlmodel import col, func, select

from ipapp import db
from ipapp.models import AuditEvent, Goal, Message, OwnerNote, Person, Plan, PlanVersion, utcnow
from ipapp.services import consents, goal_editing, grants, invitations, messaging, plan_editing

pytestmark = pytest.mark.browser
EDIT_STATE = f"{SESSION_STATE}.ipapp___state___editing____edit_state"


def _sign_in(app_url: str, person_id: int) -> str:
    response = httpx.post(f"{app_url}/auth/demo/{person_id}", headers={"Origin": app_url})
    assert response.status_code == 303, response.text
    return f"ipapp_session={response.cookies['ipapp_session']}"


def _person(given_name: str) -> int:
    with db.transaction() as session:
        return session.exec(select(Person.id).where(Person.given_name == given_name)).first()


def _written() -> tuple:
    with db.transaction() as session:
        return (tuple(session.exec(select(Goal.id, Goal.title, Goal.version).order_by(Goal.id))),
                session.exec(select(func.count()).select_from(OwnerNote)).one(),
                session.exec(select(func.count()).select_from(PlanVersion)).one())


def _messages() -> int:
    with db.transaction() as session:
        return session.exec(select(func.count()).select_from(Message)).one()


def _denials(person_id: int) -> list[tuple[str, str]]:
    with db.transaction() as session:
        return [(e.reason, e.target) for e in session.exec(
            select(AuditEvent).where(AuditEvent.actor_person_id == person_id, AuditEvent.outcome == "denied",
                                     AuditEvent.action == "write").order_by(col(AuditEvent.id)))]


def _send(app_url: str, person_id: int, handler: str, payload: dict, path: str = "/") -> None:
    cookie = _sign_in(app_url, person_id)
    run = open_tab(app_url, secrets.token_hex(16), cookie, hydrate(path), [event(f"{EDIT_STATE}.{handler}", payload, path)])
    assert run.connected and not run.disconnected_early


def _active(invitation, app_url: str) -> SoftAuthenticator:
    """The invited person makes a passkey (a software authenticator), as on the invitation page."""
    phone = SoftAuthenticator(origin=app_url)
    invitations.redeem(invitation.code, phone.register(invitations.registration_options(invitation.code)), "Telefon")
    return phone


def _grantee_of_goals(app_url: str, plan) -> int:
    """The plan's next of kin, granted the goals by the owner, who signs the consent with her passkey."""
    owner_phone = _active(plan.invitations["owner"], app_url)
    _active(plan.invitations["next_of_kin"], app_url)
    last_day = grants.last_day_for("3m", "", utcnow())
    grants.share(plan.owner_id, plan.plan_id, f"person:{plan.next_of_kin_id}", ["goals"], last_day)
    draft = consents.draft_consent(plan.owner_id, plan.plan_id)
    options = consents.signing_options(plan.owner_id, plan.plan_id, draft.id, draft.document_sha256)
    consents.sign(plan.owner_id, plan.plan_id, draft.id, owner_phone.authenticate(options))
    return plan.next_of_kin_id


def test_forged_writes_change_nothing_and_are_audited_as_denials(app_url, app_database):
    with db.transaction() as session:
        demo = session.exec(select(Plan).order_by(Plan.id)).first()
        demo_goal = session.exec(select(Goal).where(Goal.plan_id == demo.id).order_by(Goal.id)).first()
    other = make_plan("Forge")
    foreign_goal = goal_editing.add_goal(other.owner_id, other.plan_id, {"title": "Ikke ditt mål"})
    next_of_kin = _grantee_of_goals(app_url, other)
    owner, guardian = _person("Sofie"), _person("Erik")
    before = _written()

    # The demo owner names another plan's goal; the next of kin (who may read the goals, through
    # a signed consent) rewords one; the demo guardian writes a note in the owner's name.
    _send(app_url, owner, "save_goal", {"form": {"goal_id": str(foreign_goal), "title": "Kapret", "version": "1"}})
    _send(app_url, next_of_kin, "save_goal", {"form": {"goal_id": str(foreign_goal), "title": "Kapret",
                                                       "version": "1"}})
    _send(app_url, guardian, "add_note", {"form": {"body": "Verges notat"}}, "/notater")
    assert _written() == before
    assert ("no_such_item", f"goal:{foreign_goal}") in _denials(owner)
    assert ("read_only", f"goal:{foreign_goal}") in _denials(next_of_kin)
    assert ("notes_private", "note:new") in _denials(guardian)
    assert demo_goal is not None

    # Messages: the next of kin (granted goals, not messages) replies to the plan's thread and
    # starts one of her own; neither is written, both are denials.
    thread = messaging.start_thread(other.owner_id, other.plan_id, {"subject": "Spørsmål", "body": "Hei"})
    messages_before = _messages()
    _send(app_url, next_of_kin, "reply_thread", {"form": {"thread_id": str(thread), "body": "Forfalsket svar"}},
          "/meldinger")
    _send(app_url, next_of_kin, "start_thread", {"form": {"subject": "Ny", "body": "Forfalsket"}}, "/meldinger")
    assert _messages() == messages_before
    assert ("section_not_granted", f"thread:{thread}") in _denials(next_of_kin)
    assert ("section_not_granted", "thread:new") in _denials(next_of_kin)

    # A closed plan: even its coordinator changes nothing, and her attempt is on record.
    plan_editing.close_plan(other.coordinator_id, other.plan_id, {"version": "1"})
    before = _written()
    cookie_holder = other.coordinator_id
    _active(other.invitations["coordinator"], app_url)
    _send(app_url, cookie_holder, "save_goal", {"form": {"goal_id": str(foreign_goal), "title": "Etter slutt",
                                                          "version": "1"}})
    assert _written() == before
    assert ("plan_closed", f"goal:{foreign_goal}") in _denials(cookie_holder)
