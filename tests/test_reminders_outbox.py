"""The reminder outbox on SQLite, through the services: rows written with the meeting or message
that causes them, moved and withdrawn with it; the sender's checks before sending (a cancelled
meeting, a person who lost access, no device), its leases, and handing back on stop."""

import logging
import os
import threading
from datetime import datetime, timedelta

import pytest
from living_plan import make_plan
from push_server import loopback_push
from sqlmodel import col, select

from ipapp import db
from ipapp.config import ConfigError, load_settings, settings
from ipapp.i18n.dates import oslo_datetime, oslo_today, to_oslo
from ipapp.models import ReminderOutbox, utcnow
from ipapp.push.sender import PushSender
from ipapp.services import meeting_editing, messaging, reminders, reminders_devices, reminders_worker
from ipapp.services.reminders_sending import ReminderSender

# The plan's review-date reminders (written when make_plan creates it) are tested in
# tests/test_reminders_review_grant.py; these tests are about meetings and messages.
OUR_KINDS = ("meeting", "message")
UA = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1"


@pytest.fixture
def push(service_engine, monkeypatch):
    with loopback_push(monkeypatch, 2) as service:
        yield service


@pytest.fixture
def plan(push):
    return make_plan()


def _about_25_hours_away() -> datetime:
    """A start about 25 h from now on a whole 10 minutes, Oslo time, with room for an hour after it."""
    local = to_oslo(utcnow() + timedelta(hours=25))
    local = local.replace(second=0, microsecond=0) + timedelta(minutes=10 - local.minute % 10)
    if local.hour >= 23:
        local = (local + timedelta(days=1)).replace(hour=0, minute=10)
    return oslo_datetime(local.date(), local.hour, local.minute)


def _form(plan, starts: datetime, *people: int, **extra) -> dict:
    local = to_oslo(starts)
    end = local + timedelta(minutes=30)
    form = {"kind": "responsibility_group", "title": "Ansvarsgruppemøte", "day": local.date().isoformat(),
            "start": f"{local:%H:%M}", "end": f"{end:%H:%M}", "location": "Rådhuset"}
    form.update({f"person_{p}": "on" for p in people})
    form.update(extra)
    return form


def _rows(**where) -> list[ReminderOutbox]:
    with db.transaction() as session:
        query = (select(ReminderOutbox).where(col(ReminderOutbox.kind).in_(OUR_KINDS))
                 .order_by(ReminderOutbox.person_id, ReminderOutbox.due_at))
        for name, value in where.items():
            query = query.where(getattr(ReminderOutbox, name) == value)
        return list(session.exec(query))


def _sender(at: datetime, **options) -> ReminderSender:
    return ReminderSender(PushSender(settings().push), clock=lambda: at, **options)


def test_a_meeting_a_day_away_gets_exactly_its_reminders(plan):
    starts = _about_25_hours_away()
    saved = meeting_editing.schedule(plan.coordinator_id, plan.plan_id,
                                     _form(plan, starts, plan.owner_id, plan.coordinator_id, plan.next_of_kin_id))
    rows = _rows()
    # The next of kin may not see meetings: invited, but no reminder tells her about it.
    assert [(r.person_id, r.due_at, r.kind, r.status, r.attempts, r.plan_id, r.subject) for r in rows] == [
        (plan.coordinator_id, starts - timedelta(hours=24), "meeting", "pending", 0, plan.plan_id, f"meeting:{saved.meeting_id}"),
        (plan.coordinator_id, starts - timedelta(hours=2), "meeting", "pending", 0, plan.plan_id, f"meeting:{saved.meeting_id}"),
        (plan.owner_id, starts - timedelta(hours=24), "meeting", "pending", 0, plan.plan_id, f"meeting:{saved.meeting_id}"),
        (plan.owner_id, starts - timedelta(hours=2), "meeting", "pending", 0, plan.plan_id, f"meeting:{saved.meeting_id}"),
    ]
    assert len({r.dedupe_key for r in rows}) == 4


def test_a_meeting_sooner_than_a_day_gets_only_the_reminders_still_ahead(plan):
    local = to_oslo(utcnow() + timedelta(hours=5)).replace(second=0, microsecond=0)
    if local.hour >= 23:
        pytest.skip("no room for the meeting before midnight")
    starts = oslo_datetime(local.date(), local.hour, local.minute)
    meeting_editing.schedule(plan.coordinator_id, plan.plan_id, _form(plan, starts, plan.owner_id))
    assert [r.due_at for r in _rows()] == [starts - timedelta(hours=2)]


def test_moving_a_meeting_moves_its_pending_reminders_and_uninviting_withdraws_hers(plan):
    starts = _about_25_hours_away()
    saved = meeting_editing.schedule(plan.coordinator_id, plan.plan_id,
                                     _form(plan, starts, plan.owner_id, plan.coordinator_id))
    before = {r.id: r for r in _rows()}
    later = starts + timedelta(days=2)
    meeting_editing.update(plan.coordinator_id, plan.plan_id, saved.meeting_id,
                           _form(plan, later, plan.owner_id, version="1"))
    after = _rows()
    assert [(r.person_id, r.due_at) for r in after] == [(plan.owner_id, later - timedelta(hours=24)),
                                                         (plan.owner_id, later - timedelta(hours=2))]
    assert {r.id for r in after} < set(before)  # the same rows, moved
    assert all(r.dedupe_key != before[r.id].dedupe_key for r in after)


def test_declining_withdraws_her_reminders_and_changing_her_mind_brings_them_back(plan):
    starts = _about_25_hours_away()
    saved = meeting_editing.schedule(plan.coordinator_id, plan.plan_id,
                                     _form(plan, starts, plan.owner_id, plan.coordinator_id))
    meeting_editing.answer(plan.owner_id, plan.plan_id, saved.meeting_id, {"response": "declined"})
    assert {r.person_id for r in _rows()} == {plan.coordinator_id}
    meeting_editing.answer(plan.owner_id, plan.plan_id, saved.meeting_id, {"response": "maybe"})
    assert [r.due_at for r in _rows(person_id=plan.owner_id)] == [starts - timedelta(hours=24),
                                                                   starts - timedelta(hours=2)]


def test_cancelling_withdraws_what_is_pending_and_keeps_what_was_sent(push, plan):
    reminders_devices.subscribe(plan.owner_id, push.browser().subscription(), UA)
    starts = _about_25_hours_away()
    saved = meeting_editing.schedule(plan.coordinator_id, plan.plan_id, _form(plan, starts, plan.owner_id))
    _sender(starts - timedelta(hours=23)).run_until_idle()
    meeting_editing.cancel(plan.coordinator_id, plan.plan_id, saved.meeting_id, {"reason": "Syk", "version": "1"})
    assert [(r.status, r.due_at) for r in _rows()] == [("sent", starts - timedelta(hours=24))]
    _sender(starts - timedelta(hours=1)).run_until_idle()
    assert len(push.received) == 1


def test_moving_back_to_a_time_already_reminded_of_does_not_remind_again(push, plan):
    reminders_devices.subscribe(plan.owner_id, push.browser().subscription(), UA)
    starts = _about_25_hours_away() + timedelta(days=1)
    saved = meeting_editing.schedule(plan.coordinator_id, plan.plan_id, _form(plan, starts, plan.owner_id))
    _sender(starts - timedelta(hours=23)).run_until_idle()  # "i morgen" sent
    meeting_editing.update(plan.coordinator_id, plan.plan_id, saved.meeting_id,
                           _form(plan, starts + timedelta(days=7), plan.owner_id, version="1"))
    meeting_editing.update(plan.coordinator_id, plan.plan_id, saved.meeting_id,
                           _form(plan, starts, plan.owner_id, version="2"))
    assert sorted((r.status, r.due_at) for r in _rows()) == [
        ("pending", starts - timedelta(hours=2)), ("sent", starts - timedelta(hours=24))]


def test_a_cancellation_while_a_reminder_is_being_sent_stops_it(push, plan, caplog):
    reminders_devices.subscribe(plan.owner_id, push.browser().subscription(), UA)
    starts = _about_25_hours_away()
    saved = meeting_editing.schedule(plan.coordinator_id, plan.plan_id, _form(plan, starts, plan.owner_id))
    sender = _sender(starts - timedelta(hours=23))
    [claim] = sender.claim()
    meeting_editing.cancel(plan.coordinator_id, plan.plan_id, saved.meeting_id, {"reason": "Syk", "version": "1"})
    with caplog.at_level(logging.INFO, logger="ipapp.reminders"):
        assert sender.deliver(claim) == "failed"
    assert push.received == [] and _rows()[0].last_error == "meeting_gone"
    assert [r.getMessage() for r in caplog.records] == [f"reminder {claim.row_id} not sent: meeting_gone"]


def test_someone_who_lost_access_by_the_time_it_is_due_gets_nothing(push, monkeypatch):
    plan = make_plan(guardian_until=oslo_today(utcnow()) + timedelta(days=1))
    reminders_devices.subscribe(plan.guardian_id, push.browser().subscription(), UA)
    day = oslo_today(utcnow()) + timedelta(days=3)
    starts = oslo_datetime(day, 10)
    meeting_editing.schedule(plan.coordinator_id, plan.plan_id, _form(plan, starts, plan.guardian_id))
    assert len(_rows(person_id=plan.guardian_id)) == 2  # she may see meetings today
    _sender(starts - timedelta(hours=23)).run_until_idle()  # her guardianship ended the day before
    assert push.received == [] and _rows()[0].last_error == "no_access"


def test_people_without_a_device_are_skipped_when_due(plan):
    starts = _about_25_hours_away()
    meeting_editing.schedule(plan.coordinator_id, plan.plan_id, _form(plan, starts, plan.owner_id))
    _sender(starts - timedelta(hours=23)).run_until_idle()
    assert [(r.status, r.last_error) for r in _rows()] == [("failed", "no_subscription"), ("pending", "")]


def test_messages_from_the_coordinator_remind_the_owners_side_only(plan):
    thread = messaging.start_thread(plan.owner_id, plan.plan_id, {"subject": "Spørsmål", "body": "Hei"})
    assert _rows() == []
    messaging.reply(plan.coordinator_id, plan.plan_id, thread, {"body": "Svar"})
    rows = _rows()
    assert [(r.person_id, r.kind, r.subject) for r in rows] == [
        (plan.owner_id, "message", f"thread:{thread}"), (plan.guardian_id, "message", f"thread:{thread}")]
    assert all(r.due_at <= utcnow() for r in rows)


def test_a_lease_that_ran_out_passes_the_row_to_another_sender_and_the_first_sends_nothing(push, plan, caplog):
    reminders_devices.subscribe(plan.owner_id, push.browser().subscription(), UA)
    starts = _about_25_hours_away()
    meeting_editing.schedule(plan.coordinator_id, plan.plan_id, _form(plan, starts, plan.owner_id))
    at = starts - timedelta(hours=23)
    stalled = _sender(at, lease_seconds=60)
    [claim] = stalled.claim()
    assert _sender(at + timedelta(seconds=59)).claim() == []  # still leased
    _sender(at + timedelta(seconds=61)).run_until_idle()
    assert stalled.deliver(claim) == "lost"
    assert len(push.received) == 1 and _rows()[0].status == "sent"


def test_stopping_hands_the_rest_of_the_batch_back(push, plan):
    reminders_devices.subscribe(plan.owner_id, push.browser().subscription(), UA)
    thread = messaging.start_thread(plan.owner_id, plan.plan_id, {"subject": "Spørsmål", "body": "Hei"})
    for n in range(3):
        messaging.reply(plan.coordinator_id, plan.plan_id, thread, {"body": f"Svar {n}"})
    stop = threading.Event()
    stop.set()
    assert _sender(utcnow() + timedelta(seconds=1)).run_once(stop) == 6
    assert {(r.status, r.attempts, r.locked_until) for r in _rows()} == {("pending", 0, None)}
    assert push.received == []


def test_sent_reminders_are_listed_for_their_person_only(push, plan):
    reminders_devices.subscribe(plan.owner_id, push.browser().subscription(), UA)
    starts = _about_25_hours_away()
    meeting_editing.schedule(plan.coordinator_id, plan.plan_id,
                             _form(plan, starts, plan.owner_id, plan.coordinator_id))
    at = starts - timedelta(hours=23)
    _sender(at).run_until_idle()  # the coordinator has no device: hers are not sent
    # Looked at a few minutes later: "at" is on a whole 10 minutes, so still the same Oslo day
    # (an hour later crossed midnight when the test ran after 22:00 Oslo time).
    [sent] = reminders.sent_to(plan.owner_id, "en", at + timedelta(minutes=5))
    assert sent.kind == "meeting" and sent.title.startswith("Meeting tomorrow at ") and sent.sent.startswith("today at ")
    assert reminders.sent_to(plan.coordinator_id, "nb", at) == [] and reminders.sent_to(None, "nb", at) == []


def test_the_in_app_sender_is_a_setting_and_sqlite_allows_one_sender(push, plan, service_engine):
    reminders_devices.subscribe(plan.owner_id, push.browser().subscription(), UA)
    thread = messaging.start_thread(plan.owner_id, plan.plan_id, {"subject": "Spørsmål", "body": "Hei"})
    messaging.reply(plan.coordinator_id, plan.plan_id, thread, {"body": "Svar"})
    env = {**os.environ, "DATABASE_URL": service_engine.url.render_as_string(hide_password=False)}
    assert reminders_worker.start_in_app_sender(load_settings({**env, "IPAPP_REMINDERS_IN_APP": "0"})) is None
    config = load_settings({**env, "IPAPP_REMINDERS_POLL_SECONDS": "0.1"})
    in_app = reminders_worker.start_in_app_sender(config)
    try:
        assert reminders_worker.start_in_app_sender(config) is in_app  # once per process
        for _ in range(100):
            if push.delivered():
                break
            threading.Event().wait(0.1)
        assert len(push.delivered()) == 1
        with pytest.raises(reminders_worker.SenderBusy):  # a second sender on this SQLite database
            reminders_worker.SingleSenderLock.take(config.database_url)
    finally:
        in_app.stop()
    assert not in_app.thread.is_alive()
    reminders_worker.SingleSenderLock.take(config.database_url).free()  # free again once stopped


def test_production_refuses_to_send_without_its_own_vapid_keys(service_engine):
    production = {"IPAPP_ENV": "production", "IPAPP_AUDIT_KEY": "a" * 32, "IPAPP_IDENTITY_KEY": "b" * 32,
                  "IPAPP_ORIGIN": "https://ipapp.example.no", "DATABASE_URL": settings().database_url}
    with pytest.raises(ConfigError, match="IPAPP_VAPID_PRIVATE_KEY is not set"):
        reminders_worker.new_sender(load_settings(production))
    with pytest.raises(ConfigError, match="IPAPP_VAPID_PRIVATE_KEY is not set"):
        reminders_worker.start_in_app_sender(load_settings(production))
