"""Review-date and access-ending reminders (issue 12), on a plan made through the services, with
real passkeys for signing and real pushes to the loopback push service (decrypted there):

- a plan's review date reminds its owner, acting guardian and coordinator at 09:00 Oslo time 14
  days before and on the day; a new date moves the rows, a closed plan, a new coordinator or an
  ended guardianship withdraws what is no longer theirs;
- a grant put in force by a signed consent reminds those who manage sharing a week before it
  ends (at once when less is left); revoking, changing, withdrawing the consent or renewing takes
  them back or moves them;
- the sender checks again: a moved date, a lapse chosen, a choice turned off since (nothing sent).
"""

import json
from datetime import date, datetime, timedelta

import pytest
from living_plan import make_plan
from push_server import loopback_push
from soft_authenticator import SoftAuthenticator
from sqlmodel import select

from ipapp import db
from ipapp.config import settings
from ipapp.i18n.dates import format_date, oslo_datetime, oslo_today
from ipapp.models import Guardianship, ReminderOutbox, utcnow
from ipapp.push.sender import PushSender
from ipapp.services import (consents, grant_endings, grants, invitations, plan_editing, plan_setup,
                            reminder_preferences, reminders, reminders_devices, unit_plans)
from ipapp.services.reminders_sending import ReminderSender

ORIGIN = "http://localhost:3000"  # tests/conftest.py service_engine sets this origin
UA = "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Mobile Safari/537.36"
ALL_ON = {"meeting_first": "2", "meeting_second": "5", "new_message": "on", "review_due": "on", "access_ending": "on"}
# What a lock screen must never show: the owner's, the coordinator's or the grantee's name.
NAMES = ["maja", "ingrid", "mona", "geir", "eier", "koordinator", "verge"]


@pytest.fixture
def push(service_engine, monkeypatch):
    with loopback_push(monkeypatch, 2) as service:
        yield service


@pytest.fixture
def plan(push):
    return make_plan()


def _rows(kind: str, **where) -> list[ReminderOutbox]:
    with db.transaction() as session:
        query = select(ReminderOutbox).where(ReminderOutbox.kind == kind).order_by(
            ReminderOutbox.person_id, ReminderOutbox.due_at)
        for name, value in where.items():
            query = query.where(getattr(ReminderOutbox, name) == value)
        return list(session.exec(query))


def _sender(at: datetime) -> ReminderSender:
    return ReminderSender(PushSender(settings().push), clock=lambda: at)


def _today() -> date:
    return oslo_today(utcnow())


def _review_on(plan) -> date:
    return _today() + timedelta(days=180)  # what tests/living_plan.py make_plan sets


def _at_nine(day: date) -> datetime:
    return oslo_datetime(day, 9)


def _period_form(review: date, version: int) -> dict:
    return {"period_start": (_today() - timedelta(days=30)).isoformat(), "next_review_on": review.isoformat(),
            "version": str(version)}


def _said(message: dict) -> str:
    return json.dumps(message, ensure_ascii=False).lower()


# --- the review date --------------------------------------------------------------------------------


def test_a_new_plan_reminds_its_owner_guardian_and_coordinator_of_the_review_date(plan):
    review = _review_on(plan)
    rows = _rows("review")
    assert sorted((r.person_id, r.due_at, json.loads(r.payload)["as"], r.plan_id, r.subject) for r in rows) == sorted(
        (person, _at_nine(review - timedelta(days=days)), role, plan.plan_id, f"review:{plan.plan_id}")
        for person, role in ((plan.owner_id, "owner"), (plan.guardian_id, "owner"),
                             (plan.coordinator_id, "coordinator"))
        for days in (14, 0))
    assert all(r.status == "pending" for r in rows)
    assert plan.next_of_kin_id not in {r.person_id for r in rows}  # she does not keep the plan


def test_a_unit_made_plan_gets_its_review_reminders_in_the_same_transaction(plan):
    owner = plan_setup.add_coordinator(plan.admin_id, {"given_name": "Per", "family_name": "Eiersen",
                                                       "email": "per@example.com"})
    review = _today() + timedelta(days=60)
    plan_id = unit_plans.create_plan_for(plan.admin_id, owner.person_id, plan.coordinator_id, {
        "period_start": _today().isoformat(), "next_review_on": review.isoformat()})
    assert [(r.person_id, r.due_at) for r in _rows("review", plan_id=plan_id)] == [
        (plan.coordinator_id, _at_nine(review - timedelta(days=14))), (plan.coordinator_id, _at_nine(review)),
        (owner.person_id, _at_nine(review - timedelta(days=14))), (owner.person_id, _at_nine(review))]


def test_a_new_review_date_moves_the_pending_rows_and_a_near_one_keeps_only_the_day(plan):
    before = {r.id for r in _rows("review")}
    later = _review_on(plan) + timedelta(days=30)
    plan_editing.update_plan_period(plan.coordinator_id, plan.plan_id, _period_form(later, 1))
    moved = _rows("review")
    assert {r.id for r in moved} == before  # the same rows, due at the new times
    assert sorted({r.due_at for r in moved}) == [_at_nine(later - timedelta(days=14)), _at_nine(later)]
    assert {json.loads(r.payload)["review_on"] for r in moved} == {later.isoformat()}

    soon = _today() + timedelta(days=5)  # two weeks ahead has passed: only the day itself
    plan_editing.update_plan_period(plan.coordinator_id, plan.plan_id, _period_form(soon, 2))
    assert sorted((r.person_id, r.due_at) for r in _rows("review")) == sorted(
        (p, _at_nine(soon)) for p in (plan.owner_id, plan.guardian_id, plan.coordinator_id))


def test_closing_the_plan_withdraws_its_pending_review_reminders(plan):
    unit_plans.close_plan(plan.admin_id, plan.plan_id, {"reason": "Flyttet"})
    assert _rows("review") == []


def test_a_new_coordinator_takes_over_the_review_reminders_and_an_ended_guardian_loses_hers(plan):
    other = plan_setup.add_coordinator(plan.admin_id, {"given_name": "Kari", "family_name": "Nyansatt",
                                                       "email": "kari@kommune.example"})
    unit_plans.change_coordinator(plan.admin_id, plan.plan_id, other.person_id)
    people = {r.person_id for r in _rows("review")}
    assert other.person_id in people and plan.coordinator_id not in people
    with db.transaction() as session:
        guardianship = session.exec(select(Guardianship.id).where(
            Guardianship.guardian_person_id == plan.guardian_id)).one()
    unit_plans.end_guardianship(plan.admin_id, plan.plan_id, guardianship)
    assert {r.person_id for r in _rows("review")} == {plan.owner_id, other.person_id}


def test_a_real_review_reminder_says_nothing_private_and_opens_the_plan(push, plan):
    owner, coordinator = push.browser(), push.browser()
    reminders_devices.subscribe(plan.owner_id, owner.subscription(), UA)
    reminders_devices.subscribe(plan.coordinator_id, coordinator.subscription(), UA, locale="nn")
    review = _review_on(plan)
    _sender(_at_nine(review - timedelta(days=14)) + timedelta(minutes=1)).run_until_idle()
    got = {r.token: r for r in push.delivered()}
    assert set(got) == {owner.token, coordinator.token} and all(r.problem == "" for r in got.values())
    day_nb, day_nn = format_date(review, "nb"), format_date(review, "nn")
    assert got[owner.token].message == {
        "title": "Planen din skal gjennomgås snart", "body": f"Neste gjennomgang er {day_nb}. Trykk for å se planen.",
        "url": f"/?plan={plan.plan_id}", "tag": got[owner.token].message["tag"]}
    assert got[coordinator.token].message["title"] == "Ein plan du koordinerer skal gjennomgåast snart"
    assert got[coordinator.token].message["body"] == f"Neste gjennomgang er {day_nn}. Trykk for å sjå planen."
    assert not any(name in _said(r.message) for r in got.values() for name in NAMES)
    # The guardian has no device: hers is marked, not lost. The day's own are still to come.
    assert sorted((r.person_id, r.status, r.last_error) for r in _rows("review") if r.due_at < _at_nine(review)) == \
        sorted([(plan.owner_id, "sent", ""), (plan.coordinator_id, "sent", ""),
                (plan.guardian_id, "failed", "no_subscription")])

    _sender(_at_nine(review) + timedelta(minutes=1)).run_until_idle()
    assert [r.message["title"] for r in push.delivered() if r.token == owner.token][-1] == \
        "Planen din skal gjennomgås i dag"
    [sent_last, _] = reminders.sent_to(plan.owner_id, "en", _at_nine(review) + timedelta(hours=1))
    assert (sent_last.kind, sent_last.title, sent_last.url) == (
        "review", "Your plan is due for review today", f"/?plan={plan.plan_id}")


def test_a_date_moved_while_its_reminder_is_being_sent_stops_it(push, plan):
    reminders_devices.subscribe(plan.owner_id, push.browser().subscription(), UA)
    review = _review_on(plan)
    sender = _sender(_at_nine(review - timedelta(days=14)) + timedelta(minutes=1))
    claims = sender.claim()
    plan_editing.update_plan_period(plan.coordinator_id, plan.plan_id, _period_form(review + timedelta(days=7), 1))
    assert {sender.deliver(c) for c in claims} == {"failed"}
    assert push.received == []
    assert {r.last_error for r in _rows("review") if r.id in {c.row_id for c in claims}} == {"review_moved"}


def test_review_reminders_turned_off_go_and_come_back_and_one_being_sent_is_stopped(push, plan):
    reminders_devices.subscribe(plan.owner_id, push.browser().subscription(), UA)
    review = _review_on(plan)
    sender = _sender(_at_nine(review - timedelta(days=14)) + timedelta(minutes=1))
    claims = sender.claim()  # the row was written, and is on its way
    reminder_preferences.save(plan.owner_id, {**ALL_ON, "review_due": None})
    # Her row not yet claimed (the day's own) is gone; the others' stay.
    assert [r.status for r in _rows("review", person_id=plan.owner_id)] == ["sending"]
    assert len(_rows("review")) == 5
    mine = [c for c in claims if c.row_id in {r.id for r in _rows("review", person_id=plan.owner_id)}]
    assert [sender.deliver(c) for c in mine] == ["failed"]
    assert push.received == []  # turned off since: nothing sent
    assert [(r.status, r.last_error) for r in _rows("review", person_id=plan.owner_id)] == [
        ("failed", "preference_off")]
    reminder_preferences.save(plan.owner_id, ALL_ON)
    assert [(r.status, r.due_at) for r in _rows("review", person_id=plan.owner_id)] == [
        ("failed", _at_nine(review - timedelta(days=14))), ("pending", _at_nine(review))]


# --- access ending --------------------------------------------------------------------------------


def _active(plan, who: str) -> SoftAuthenticator:
    phone, code = SoftAuthenticator(origin=ORIGIN), plan.invitations[who].code
    invitations.redeem(code, phone.register(invitations.registration_options(code)), "Telefon")
    return phone


def _sign(plan, signer: int, phone: SoftAuthenticator) -> None:
    view = consents.draft_consent(signer, plan.plan_id)
    options = consents.signing_options(signer, plan.plan_id, view.id, view.document_sha256)
    consents.sign(signer, plan.plan_id, view.id, phone.authenticate(options))


def _share(plan, days: int, sections: tuple[str, ...] = ("goals",)) -> int:
    last_day = (_today() + timedelta(days=days)).isoformat()
    return grants.share(plan.owner_id, plan.plan_id, f"person:{plan.next_of_kin_id}", list(sections), last_day).grant_id


def _week_before(days: int) -> datetime:
    """09:00 Oslo time on the seventh day before the access is gone (a grant's last day + 1)."""
    return _at_nine(_today() + timedelta(days=days + 1 - 7))


def test_a_signed_grant_reminds_those_who_manage_sharing_a_week_before_it_ends(plan):
    phone = _active(plan, "owner")
    grant = _share(plan, 30)
    assert _rows("grant_expiry") == []  # not in force before her signature
    _sign(plan, plan.owner_id, phone)
    rows = _rows("grant_expiry")
    assert [(r.person_id, r.due_at, r.subject, r.status) for r in rows] == [
        (p, _week_before(30), f"grant:{grant}", "pending") for p in sorted((plan.owner_id, plan.guardian_id))]
    assert json.loads(rows[0].payload)["last_day"] == (_today() + timedelta(days=30)).isoformat()
    assert plan.next_of_kin_id not in {r.person_id for r in rows}  # the owner's side decides


def test_a_grant_with_less_than_a_week_left_reminds_at_once(plan):
    phone = _active(plan, "owner")
    _share(plan, 3)
    before = utcnow()
    _sign(plan, plan.owner_id, phone)
    assert {before <= r.due_at <= utcnow() for r in _rows("grant_expiry")} == {True}


def test_revoking_changing_and_withdrawing_take_the_reminders_back(plan):
    phone = _active(plan, "owner")
    first = _share(plan, 30)
    _sign(plan, plan.owner_id, phone)
    grants.revoke_grant(plan.owner_id, plan.plan_id, first)
    assert _rows("grant_expiry") == []

    second = _share(plan, 40, ("meetings",))
    _sign(plan, plan.owner_id, phone)
    assert {r.subject for r in _rows("grant_expiry")} == {f"grant:{second}"}
    changed = grants.change_grant(plan.owner_id, plan.plan_id, second, ["meetings", "contacts"], grants.SAME_LAST_DAY)
    assert _rows("grant_expiry") == []  # the new one waits for a signature
    _sign(plan, plan.owner_id, phone)
    assert {r.subject for r in _rows("grant_expiry")} == {f"grant:{changed}"}

    latest, _ = consents.current_consent_checked(plan.owner_id, plan.plan_id)
    consents.withdraw(plan.owner_id, plan.plan_id, latest.id)
    assert _rows("grant_expiry") == []


def test_a_renewed_grant_moves_the_reminder_to_its_new_end(plan):
    phone = _active(plan, "owner")
    old = _share(plan, 10)
    _sign(plan, plan.owner_id, phone)
    renewed = grant_endings.renew_grant(plan.owner_id, plan.plan_id, old)
    _sign(plan, plan.owner_id, phone)  # the next consent covers the renewal
    rows = _rows("grant_expiry")
    assert {r.subject for r in rows} == {f"grant:{renewed}"}
    assert len({json.loads(r.payload)["last_day"] for r in rows}) == 1
    assert all(r.due_at > _week_before(10) + timedelta(days=60) for r in rows)  # about three months on


def test_a_real_access_ending_reminder_names_nobody_and_opens_sharing(push, plan):
    phone = _active(plan, "owner")
    browser = push.browser()
    reminders_devices.subscribe(plan.owner_id, browser.subscription(), UA)
    _share(plan, 30, ("notes", "meetings"))
    _sign(plan, plan.owner_id, phone)
    _sender(_week_before(30) + timedelta(minutes=1)).run_until_idle()
    [got] = push.delivered()
    last_day = format_date(_today() + timedelta(days=30), "nb")
    assert got.problem == "" and got.message == {
        "title": "En tilgang til planen din slutter snart",
        "body": f"Den varer til og med {last_day}. Trykk for å forlenge den eller la den slutte.",
        "url": f"/deling?plan={plan.plan_id}", "tag": got.message["tag"]}
    assert not any(word in _said(got.message) for word in NAMES + ["notat", "møte"])
    assert [(r.person_id, r.status, r.last_error) for r in _rows("grant_expiry")] == [
        (plan.owner_id, "sent", ""), (plan.guardian_id, "failed", "no_subscription")]


def test_letting_it_run_out_while_its_reminder_waits_sends_nothing(push, plan):
    phone = _active(plan, "owner")
    reminders_devices.subscribe(plan.owner_id, push.browser().subscription(), UA)
    lapsing = _share(plan, 30)
    _sign(plan, plan.owner_id, phone)
    grant_endings.let_lapse(plan.owner_id, plan.plan_id, lapsing)  # she has seen it ends, and is content
    _sender(_week_before(30) + timedelta(minutes=1)).run_until_idle()
    assert push.received == []
    assert _rows("grant_expiry") == []  # withdrawn when she chose to let it run out


def test_access_ending_turned_off_after_the_reminder_was_written_sends_her_nothing(push, plan):
    phone = _active(plan, "owner")
    owner, guardian = push.browser(), push.browser()
    reminders_devices.subscribe(plan.owner_id, owner.subscription(), UA)
    reminders_devices.subscribe(plan.guardian_id, guardian.subscription(), UA)
    _share(plan, 30)
    _sign(plan, plan.owner_id, phone)
    sender = _sender(_week_before(30) + timedelta(minutes=1))
    claims = sender.claim()  # both rows are on their way
    reminder_preferences.save(plan.guardian_id, {**ALL_ON, "access_ending": None})
    assert sorted(sender.deliver(c) for c in claims) == ["failed", "sent"]
    assert [r.token for r in push.delivered()] == [owner.token]
    assert [(r.person_id, r.status, r.last_error) for r in _rows("grant_expiry")] == [
        (plan.owner_id, "sent", ""), (plan.guardian_id, "failed", "preference_off")]


def test_access_ending_turned_off_writes_no_rows_and_turned_on_brings_them(plan):
    phone = _active(plan, "owner")
    reminder_preferences.save(plan.guardian_id, {**ALL_ON, "access_ending": None})
    grant = _share(plan, 30)
    _sign(plan, plan.owner_id, phone)
    assert [r.person_id for r in _rows("grant_expiry")] == [plan.owner_id]
    reminder_preferences.save(plan.guardian_id, ALL_ON)
    assert [(r.person_id, r.subject, r.due_at) for r in _rows("grant_expiry", person_id=plan.guardian_id)] == [
        (plan.guardian_id, f"grant:{grant}", _week_before(30))]
