"""Real reminders to a push service on loopback (tests/push_server.py): the fake browser decrypts
them (aes128gcm, RFC 8291) and the VAPID JWT is verified. Each of pywebpush 2.5.0's pitfalls is
covered: claims mutated in place, ttl 0, no timeout, redirects followed, and what 404/410,
429/5xx and a removed endpoint must do."""

import json
import time
from datetime import datetime, timedelta

import pytest
from living_plan import make_plan
from push_server import PushService, loopback_push
from sqlmodel import col, select

from ipapp import db
from ipapp.config import DEVELOPMENT_VAPID_SUBJECT, reset_settings_cache, settings
from ipapp.i18n.dates import oslo_datetime, oslo_today
from ipapp.models import PushSubscription, ReminderOutbox, utcnow
from ipapp.push.sender import PushSender
from ipapp.services import meeting_editing, messaging, reminders, reminders_devices
from ipapp.services.reminders_sending import ReminderSender

ANDROID_CHROME = "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Mobile Safari/537.36"


@pytest.fixture
def push(service_engine, monkeypatch):
    with loopback_push(monkeypatch, 1) as service:
        yield service


@pytest.fixture
def plan(push):
    return make_plan()


def _meeting_in_two_days(plan, **extra) -> tuple[int, datetime]:
    day = oslo_today(utcnow()) + timedelta(days=2)
    form = {"kind": "responsibility_group", "title": "Ansvarsgruppemøte om rusbehandling", "day": day.isoformat(),
            "start": "10:00", "end": "11:00", "location": "Poliklinikk for psykisk helse",
            "agenda": "Medisiner og innleggelse", f"person_{plan.owner_id}": "on"}
    form.update(extra)
    saved = meeting_editing.schedule(plan.coordinator_id, plan.plan_id, form)
    return saved.meeting_id, oslo_datetime(day, 10)


def _sender(at: datetime) -> ReminderSender:
    return ReminderSender(PushSender(settings().push), clock=lambda: at)


def _rows() -> list[ReminderOutbox]:
    with db.transaction() as session:
        # The plan's review-date reminders (tests/test_reminders_review_grant.py) are not these tests'.
        return list(session.exec(select(ReminderOutbox).where(col(ReminderOutbox.kind).in_(("meeting", "message")))
                                 .order_by(ReminderOutbox.due_at, ReminderOutbox.id)))


def test_a_real_reminder_reaches_the_browser_encrypted_signed_and_saying_nothing_private(push, plan):
    browser = push.browser()
    reminders_devices.subscribe(plan.owner_id, browser.subscription(), ANDROID_CHROME)
    meeting_id, starts = _meeting_in_two_days(plan)
    day_before = starts - timedelta(hours=23)

    before = int(time.time())
    _sender(day_before).run_until_idle()

    [got] = push.delivered()
    assert got.problem == ""  # decrypted with the browser's private key, JWT signature verified
    assert got.message == {"title": "Møte i morgen kl. 10.00", "body": "Trykk for å se tid og sted.",
                           "url": f"/moter?plan={plan.plan_id}&mote={meeting_id}", "tag": got.message["tag"]}
    said = json.dumps(got.message, ensure_ascii=False).lower()
    for private in ["rus", "psykisk", "ansvarsgruppe", "poliklinikk", "medisin", "maja", "ingrid"]:
        assert private not in said  # a lock screen shows it to anyone
    assert got.claims["aud"] == push.origin and got.claims["sub"] == DEVELOPMENT_VAPID_SUBJECT
    assert before < got.claims["exp"] <= int(time.time()) + 24 * 3600
    assert got.vapid_key == settings().push.vapid_public_key
    assert got.headers["content-encoding"] == "aes128gcm"
    assert int(got.headers["ttl"]) == 23 * 3600  # until the meeting, never pywebpush's 0
    assert got.headers["urgency"] == "high" and 0 < len(got.headers["topic"]) <= 32

    [day_ahead, two_hours] = _rows()
    assert (day_ahead.status, day_ahead.sent_at, two_hours.status) == ("sent", day_before, "pending")
    _sender(starts - timedelta(hours=1, minutes=50)).run_until_idle()
    assert [r.message["title"] for r in push.delivered()] == ["Møte i morgen kl. 10.00", "Møte i dag kl. 10.00"]
    _sender(starts - timedelta(minutes=5)).run_until_idle()
    assert len(push.received) == 2  # nothing is sent twice

    sent = reminders.sent_to(plan.owner_id, "nb", starts)
    assert [s.title for s in sent] == ["Møte i dag kl. 10.00", "Møte i morgen kl. 10.00"]
    assert reminders.sent_to(plan.coordinator_id, "nb", starts) == []


def test_the_reminder_is_in_the_persons_language(push, plan):
    browser = push.browser()
    reminders_devices.subscribe(plan.owner_id, browser.subscription(), ANDROID_CHROME, locale="nn")
    _, starts = _meeting_in_two_days(plan)
    _sender(starts - timedelta(hours=23)).run_until_idle()
    assert push.delivered()[0].message["title"] == "Møte i morgon kl. 10.00"
    assert push.delivered()[0].message["body"] == "Trykk for å sjå tid og stad."


def test_a_coordinators_answer_reminds_the_owner_and_guardian_without_the_text(push, plan):
    owner, guardian = push.browser(), push.browser()
    reminders_devices.subscribe(plan.owner_id, owner.subscription(), ANDROID_CHROME, locale="en")
    reminders_devices.subscribe(plan.guardian_id, guardian.subscription(), ANDROID_CHROME)
    thread = messaging.start_thread(plan.owner_id, plan.plan_id, {"subject": "Depresjon", "body": "Jeg er lei meg"})
    assert _rows() == []  # her own message reminds nobody on her side
    messaging.reply(plan.coordinator_id, plan.plan_id, thread, {"body": "Vi tar det på møtet om angsten"})
    _sender(utcnow() + timedelta(seconds=1)).run_until_idle()
    by_browser = {r.token: r.message for r in push.delivered()}
    assert by_browser[owner.token] == {"title": "New reply from your coordinator", "body": "Tap to read.",
                                       "url": f"/meldinger?plan={plan.plan_id}&samtale={thread}",
                                       "tag": by_browser[owner.token]["tag"]}
    assert by_browser[guardian.token]["title"] == "Nytt svar fra koordinatoren"
    assert "angst" not in json.dumps(by_browser).lower() and "depresjon" not in json.dumps(by_browser).lower()


def test_claims_are_fresh_for_every_send_so_each_service_gets_its_own_audience(push, plan):
    """pywebpush writes "aud" into the dict it gets: a shared dict would send service A's audience to B."""
    with PushService() as other:
        first, second = push.browser(), other.browser()
        reminders_devices.subscribe(plan.owner_id, first.subscription(), ANDROID_CHROME)
        reminders_devices.subscribe(plan.owner_id, second.subscription(), ANDROID_CHROME)
        _, starts = _meeting_in_two_days(plan)
        _sender(starts - timedelta(hours=23)).run_until_idle()
        assert [r.claims["aud"] for r in push.delivered()] == [push.origin]
        assert [r.claims["aud"] for r in other.delivered()] == [other.origin]
        assert push.origin != other.origin
    sender = PushSender(settings().push)
    claims = sender.claims_for(first.endpoint)
    assert sender.claims_for(first.endpoint) is not claims  # a new dict each time


@pytest.mark.parametrize("status", [404, 410])
def test_a_gone_subscription_is_revoked_and_never_posted_to_again(push, plan, status):
    browser = push.browser()
    reminders_devices.subscribe(plan.owner_id, browser.subscription(), ANDROID_CHROME)
    push.script((status, {}), token=browser.token)
    _, starts = _meeting_in_two_days(plan)
    _sender(starts - timedelta(hours=23)).run_until_idle()
    assert reminders_devices.list_devices(plan.owner_id, "nb") == []
    assert [(r.status, r.last_error) for r in _rows()][0] == ("failed", "no_subscription")
    _sender(starts - timedelta(hours=1)).run_until_idle()
    assert len(push.received) == 1 and _rows()[1].last_error == "no_subscription"


def test_a_permanently_removed_endpoint_is_revoked_without_a_request(push, plan):
    browser = push.browser()
    reminders_devices.subscribe(plan.owner_id, browser.subscription(), ANDROID_CHROME)
    with db.transaction() as session:  # what a browser reports for a dropped subscription, stored earlier
        row = session.exec(select(PushSubscription)).one()
        row.endpoint = "https://permanently-removed.invalid/fcm/send/" + browser.token
    _, starts = _meeting_in_two_days(plan)
    _sender(starts - timedelta(hours=23)).run_until_idle()
    assert push.received == [] and reminders_devices.list_devices(plan.owner_id, "nb") == []


def test_429_and_5xx_are_retried_after_the_backoff_honouring_retry_after(push, plan):
    browser = push.browser()
    reminders_devices.subscribe(plan.owner_id, browser.subscription(), ANDROID_CHROME)
    push.script((429, {"Retry-After": "120"}), (503, {}), (500, {"Retry-After": "Wed, 21 Oct 2015 07:28:00 GMT"}))
    _, starts = _meeting_in_two_days(plan)
    at = starts - timedelta(hours=23)
    _sender(at).run_until_idle()
    row = _rows()[0]
    assert (row.status, row.attempts, row.locked_until) == ("pending", 1, at + timedelta(seconds=120))
    _sender(at + timedelta(seconds=119)).run_until_idle()
    assert len(push.received) == 1  # not before Retry-After
    at += timedelta(seconds=120)
    _sender(at).run_until_idle()
    row = _rows()[0]  # 503 without Retry-After: the second step of the backoff (2 min)
    assert (row.status, row.attempts, row.locked_until) == ("pending", 2, at + timedelta(seconds=120))
    at += timedelta(seconds=120)
    _sender(at).run_until_idle()
    row = _rows()[0]  # a date in the past asks for nothing: the backoff's 4 min hold
    assert (row.status, row.attempts, row.locked_until) == ("pending", 3, at + timedelta(seconds=240))
    at += timedelta(seconds=240)
    _sender(at).run_until_idle()
    assert [r.answered for r in push.received] == [429, 503, 500, 201]
    assert (_rows()[0].status, _rows()[0].sent_at) == ("sent", at)


def test_a_service_that_keeps_failing_is_given_up_on(push, plan, monkeypatch):
    from ipapp.services import reminders_sending

    monkeypatch.setattr(reminders_sending, "MAX_ATTEMPTS", 2)
    browser = push.browser()
    reminders_devices.subscribe(plan.owner_id, browser.subscription(), ANDROID_CHROME)
    push.script((500, {}), (500, {}))
    _, starts = _meeting_in_two_days(plan)
    at = starts - timedelta(hours=23)
    _sender(at).run_until_idle()
    _sender(at + timedelta(minutes=1)).run_until_idle()
    assert (_rows()[0].status, _rows()[0].last_error, _rows()[0].attempts) == ("failed", "gave_up", 2)


def test_a_redirect_is_never_followed(push, plan):
    """requests follows redirects to any host; a 307 to 127.0.0.1 must reach nothing."""
    with PushService() as internal:
        target = internal.browser()
        browser = push.browser()
        reminders_devices.subscribe(plan.owner_id, browser.subscription(), ANDROID_CHROME)
        push.script((307, {"Location": target.endpoint}), (307, {"Location": target.endpoint}))
        _, starts = _meeting_in_two_days(plan)
        _sender(starts - timedelta(hours=23)).run_until_idle()
        assert internal.received == []
        row = _rows()[0]
        assert row.status == "failed" and "redirect" in row.last_error
        assert reminders_devices.send_test(plan.owner_id, reminders_devices.list_devices(plan.owner_id, "nb")[0].device_id,
                                           "nb") == "refused"
        assert internal.received == []


def test_a_push_service_that_hangs_is_given_up_on_after_the_timeout(push, plan):
    """pywebpush's timeout=None would wait forever; ours is IPAPP_PUSH_TIMEOUT_SECONDS (1 s here)."""
    browser = push.browser()
    reminders_devices.subscribe(plan.owner_id, browser.subscription(), ANDROID_CHROME)
    push.script("hang")
    _, starts = _meeting_in_two_days(plan)
    at = starts - timedelta(hours=23)
    started = time.monotonic()
    _sender(at).run_until_idle()
    assert time.monotonic() - started < 10
    row = _rows()[0]
    assert (row.status, row.locked_until) == ("pending", at + timedelta(seconds=60))
    assert "no answer" in row.last_error


def test_the_endpoint_is_checked_again_when_sending(push, plan, monkeypatch):
    browser = push.browser()
    reminders_devices.subscribe(plan.owner_id, browser.subscription(), ANDROID_CHROME)
    _, starts = _meeting_in_two_days(plan)
    monkeypatch.delenv("IPAPP_PUSH_TEST_LOOPBACK")  # the allow-list no longer covers it
    reset_settings_cache()
    _sender(starts - timedelta(hours=23)).run_until_idle()
    assert push.received == []
    assert _rows()[0].status == "failed" and "endpoint not allowed" in _rows()[0].last_error
