"""The reminder sender in the app's process: started by the app's lifespan when configured (and
not when IPAPP_REMINDERS_IN_APP=0 or push has no keys), woken by the commit of a due reminder
instead of waiting for its poll (the poll here is 600 s), asleep until a lease runs out rather than
a poll, handing its claimed rows back when the app stops, standing by quietly on SQLite while
another sender has the database; and the served app (granian, `python -m ipapp.serve`) runs it,
hears commits from another process over Redis, and stops it on SIGTERM."""

import asyncio
import logging
import os
import signal
import subprocess
import sys
import threading
import time

import pytest
import redis as redis_client
from living_plan import make_plan
from push_server import loopback_push
from shared_steps import services_on
from sqlmodel import select

from ipapp import db, live
from ipapp.config import PROJECT_ROOT, reset_settings_cache, settings
from ipapp.live.redis_bus import RedisBus
from ipapp.models import ReminderOutbox
from ipapp.push.sender import PushSender, topic_for
from ipapp.services import messaging, reminders_devices, reminders_worker
from ipapp.services.reminders_sending import ReminderSender

UA = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1"
POLL = "600"  # far longer than any wait below: what arrives sooner was woken, not polled
PRODUCTION = {"IPAPP_ENV": "production", "IPAPP_AUDIT_KEY": "f3Jq8vR2mXwL9cTz4bNe7hKp1sYd6gUa",
              "IPAPP_IDENTITY_KEY": "Q7nV2rM9xB4kH8wC1tZ6pL3sF5jD0yGe", "IPAPP_ORIGIN": "https://ipapp.example.no"}


def _wait_for(condition, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.02)
    return condition()


@pytest.fixture
def database_url(service_engine, monkeypatch):
    url = service_engine.url.render_as_string(hide_password=False)
    monkeypatch.setenv("DATABASE_URL", url)  # the SQLite lock file goes beside this database
    monkeypatch.setenv("IPAPP_REMINDERS_POLL_SECONDS", POLL)
    reset_settings_cache()
    return url


@pytest.fixture
def push(database_url, monkeypatch):
    with loopback_push(monkeypatch, 5) as service:
        yield service


@pytest.fixture
def plan(push):
    plan = make_plan()
    reminders_devices.subscribe(plan.owner_id, push.browser().subscription(), UA)
    return plan


@pytest.fixture
def lifespan():
    """Enter the app's lifespan task as a backend worker does, leave it when told (or at the end)."""
    class Lifespan:
        def __init__(self):
            self.loop = asyncio.new_event_loop()
            self.context = None

        def enter(self):
            self.context = reminders_worker.in_app_sender_lifespan()
            self.loop.run_until_complete(self.context.__aenter__())
            return reminders_worker._in_app if _sender_thread_alive() else None

        def leave(self):
            if self.context is not None:
                context, self.context = self.context, None
                self.loop.run_until_complete(context.__aexit__(None, None, None))

    started = Lifespan()
    try:
        yield started
    finally:
        started.leave()
        started.loop.close()


def _sender_thread_alive() -> bool:
    return any(t.name == "ipapp-reminders" and t.is_alive() for t in threading.enumerate())


def _lock_is_free(url: str) -> bool:
    try:
        reminders_worker.SingleSenderLock.take(url).free()
    except reminders_worker.SenderBusy:
        return False
    return True


def _rows() -> list[ReminderOutbox]:
    """The messages' reminders (a plan also has others, due weeks ahead: its review date)."""
    with db.transaction() as session:
        return list(session.exec(select(ReminderOutbox).where(ReminderOutbox.kind == "message")
                                 .order_by(ReminderOutbox.id)))


def _sleeping(thread: threading.Thread) -> bool:
    """Is the sender thread asleep in serve()'s wait (done looking, nothing due)?"""
    frame = sys._current_frames().get(thread.ident)
    names = []
    while frame is not None and len(names) < 3:
        names.append(frame.f_code.co_name)
        frame = frame.f_back
    return names == ["wait", "wait", "serve"]  # Condition.wait in Event.wait, called by serve


def test_the_app_starts_a_sender_only_when_configured(database_url, monkeypatch, lifespan, caplog):
    monkeypatch.setenv("IPAPP_REMINDERS_IN_APP", "0")
    reset_settings_cache()
    assert lifespan.enter() is None and not _sender_thread_alive()
    lifespan.leave()

    with monkeypatch.context() as production:
        for name, value in PRODUCTION.items():
            production.setenv(name, value)
        production.delenv("IPAPP_REMINDERS_IN_APP")
        reset_settings_cache()
        with caplog.at_level(logging.INFO, logger="ipapp.reminders"):
            assert lifespan.enter() is None  # no VAPID keys: one line, and the app starts anyway
        lifespan.leave()
    assert [r.getMessage() for r in caplog.records] == [
        "reminder sender: not started in this process: IPAPP_VAPID_PRIVATE_KEY is not set: production sends push "
        "reminders only with its own VAPID keys; run python -m ipapp.cli vapid-keys once and keep its output in the "
        "configuration."]
    assert not _sender_thread_alive() and _lock_is_free(database_url)

    monkeypatch.delenv("IPAPP_REMINDERS_IN_APP")
    reset_settings_cache()
    in_app = lifespan.enter()  # the default: on, with the development keys
    assert in_app is not None and in_app.sending.is_set() and not _lock_is_free(database_url)
    lifespan.leave()
    assert not in_app.thread.is_alive() and _lock_is_free(database_url)


def test_a_message_from_the_coordinator_reaches_the_phone_at_once_not_at_the_next_poll(push, plan, lifespan):
    in_app = lifespan.enter()
    assert in_app is not None and settings().push.poll_seconds == 600
    assert _wait_for(lambda: _sleeping(in_app.thread), 10)  # idle: nothing is due
    thread = messaging.start_thread(plan.owner_id, plan.plan_id, {"subject": "Spørsmål", "body": "Hei"})
    written = time.monotonic()
    messaging.reply(plan.coordinator_id, plan.plan_id, thread, {"body": "Svar"})  # due now for owner and guardian
    assert _wait_for(lambda: len(push.delivered()) == 1 and _sleeping(in_app.thread), 10)
    assert time.monotonic() - written < 3
    [got] = push.delivered()
    owner_row = next(r for r in _rows() if r.person_id == plan.owner_id)
    assert got.problem == "" and got.headers["topic"] == topic_for(owner_row.dedupe_key)
    assert got.message["url"] == f"/meldinger?plan={plan.plan_id}&samtale={thread}"
    # Her guardian has no device: marked, not sent; nothing was sent twice.
    assert sorted((r.person_id, r.status, r.last_error) for r in _rows()) == [
        (plan.owner_id, "sent", ""), (plan.guardian_id, "failed", "no_subscription")]
    assert len(push.received) == 1


def test_an_idle_sender_wakes_when_another_senders_lease_runs_out_not_at_the_poll(push, plan, lifespan):
    thread = messaging.start_thread(plan.owner_id, plan.plan_id, {"subject": "Spørsmål", "body": "Hei"})
    messaging.reply(plan.coordinator_id, plan.plan_id, thread, {"body": "Svar"})
    stalled = ReminderSender(PushSender(settings().push), lease_seconds=2)  # claims, then "dies"
    claims = stalled.claim()
    assert len(claims) == 2
    in_app = lifespan.enter()
    claimed = time.monotonic()
    assert _wait_for(lambda: len(push.delivered()) == 1, 10)  # a bulk update rings no bell: the lease's end does
    assert time.monotonic() - claimed < 5
    assert _wait_for(lambda: {r.status for r in _rows()} == {"sent", "failed"} and _sleeping(in_app.thread), 5)
    assert [stalled.deliver(claim) for claim in claims] == ["lost", "lost"]
    assert len(push.received) == 1


def test_stopping_the_app_hands_back_what_the_sender_claimed(push, plan, database_url, lifespan):
    reminders_devices.subscribe(plan.guardian_id, push.browser().subscription(), UA)
    thread = messaging.start_thread(plan.owner_id, plan.plan_id, {"subject": "Spørsmål", "body": "Hei"})
    for n in range(3):  # 6 reminders, due now: one batch
        messaging.reply(plan.coordinator_id, plan.plan_id, thread, {"body": f"Svar {n}"})
    push.script("hang")  # the first push gets no answer until released: the sender waits in it
    in_app = lifespan.enter()
    assert _wait_for(lambda: len(push.received) == 1, 10)
    assert [r.status for r in _rows()] == ["sending"] * 6  # all claimed
    stopping = threading.Thread(target=lifespan.leave)
    stopping.start()
    assert _wait_for(in_app.stop_event.is_set, 5)
    push.release.set()  # the one in hand ends (no answer: retried later); the rest go back
    stopping.join(30)
    assert not stopping.is_alive() and not in_app.thread.is_alive() and _lock_is_free(database_url)
    rows = _rows()
    handed_back = [r for r in rows if (r.status, r.attempts, r.locked_until, r.last_error) == ("pending", 0, None, "")]
    retried = [r for r in rows if r.status == "pending" and r.attempts == 1 and r.locked_until is not None]
    assert len(rows) == 6 and len(push.received) == 1 and push.delivered() == []
    assert len(retried) == 1 and len(handed_back) == 5


def test_on_sqlite_a_second_in_app_sender_stands_by_quietly_and_takes_over(push, plan, database_url, monkeypatch,
                                                                            lifespan, caplog):
    monkeypatch.setenv("IPAPP_REMINDERS_POLL_SECONDS", "0.1")
    reset_settings_cache()
    other = reminders_worker.SingleSenderLock.take(database_url)  # another process's sender has the database
    try:
        with caplog.at_level(logging.INFO, logger="ipapp.reminders"):
            in_app = lifespan.enter()
            thread = messaging.start_thread(plan.owner_id, plan.plan_id, {"subject": "Spørsmål", "body": "Hei"})
            messaging.reply(plan.coordinator_id, plan.plan_id, thread, {"body": "Svar"})
            time.sleep(1.0)  # ten of its poll intervals: it tried the lock each time, quietly
            assert in_app is not None and not in_app.sending.is_set() and push.received == []
            assert [r.status for r in _rows()] == ["pending", "pending"]
            assert [r.getMessage() for r in caplog.records] == [
                "reminder sender: standing by in this process: another reminder sender already runs on this SQLite "
                f"database ({db.engine().url.database}.reminders.lock); it takes over when that one stops"]
    finally:
        other.free()
    assert _wait_for(lambda: len(push.delivered()) == 1, 10)  # the other stopped: this one sends
    assert in_app.sending.is_set() and len(push.received) == 1


# --- the served app ------------------------------------------------------------------------------

def _free_port() -> int:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def migrated(sqlite_url, monkeypatch):
    """The services on a migrated SQLite file (the served app checks its migration), loopback push."""
    monkeypatch.setenv("DATABASE_URL", sqlite_url)
    monkeypatch.setenv("IPAPP_ORIGIN", "http://localhost:3000")
    monkeypatch.setenv("IPAPP_REMINDERS_POLL_SECONDS", POLL)
    monkeypatch.delenv("IPAPP_DEMO", raising=False)
    monkeypatch.delenv("IPAPP_IDENTITY_KEY", raising=False)
    with services_on(sqlite_url), loopback_push(monkeypatch, 5) as push:
        yield push


def test_the_served_app_sends_reminders_written_in_another_process_and_stops_on_sigterm(
        migrated, sqlite_url, redis_url, tmp_path):
    push = migrated
    plan = make_plan()
    reminders_devices.subscribe(plan.owner_id, push.browser().subscription(), UA)
    web = tmp_path / "web"
    (web / "build" / "client").mkdir(parents=True)
    (web / "build" / "client" / "index.html").write_text("<!doctype html><title>ipapp</title>")  # serve checks it
    env = {k: v for k, v in os.environ.items() if not k.startswith(("IPAPP_", "REFLEX_", "GRANIAN_"))}
    env.update({"IPAPP_ENV": "development", "DATABASE_URL": sqlite_url, "IPAPP_PUSH_TEST_LOOPBACK": "1",
                "IPAPP_REMINDERS_POLL_SECONDS": POLL, "IPAPP_REDIS_URL": redis_url, "PORT": str(_free_port()),
                "REFLEX_WEB_WORKDIR": str(web), "REFLEX_STATES_WORKDIR": str(tmp_path / "states"),
                "REFLEX_TELEMETRY_ENABLED": "false"})
    log_path = tmp_path / "server.log"
    server = subprocess.Popen([sys.executable, "-m", "ipapp.serve"], cwd=PROJECT_ROOT, env=env, stdin=subprocess.DEVNULL,
                              stdout=log_path.open("w"), stderr=subprocess.STDOUT, start_new_session=True)
    redis = redis_client.Redis.from_url(redis_url)
    here = RedisBus(redis_url)  # this process stands for another worker (or the CLI) writing
    try:
        # Started in the worker, and its relay listens on the live bus (the only subscriber here).
        assert _wait_for(lambda: "reminder sender started: SQLite" in log_path.read_text() or server.poll() is not None,
                         120) and server.poll() is None, log_path.read_text()
        assert _wait_for(lambda: redis.pubsub_numpat() >= 1, 20), log_path.read_text()
        assert not _lock_is_free(sqlite_url)
        live.use_bus(here)
        try:
            thread = messaging.start_thread(plan.owner_id, plan.plan_id, {"subject": "Spørsmål", "body": "Hei"})
            written = time.monotonic()
            messaging.reply(plan.coordinator_id, plan.plan_id, thread, {"body": "Svar"})
        finally:
            live.use_bus(None)
        assert _wait_for(lambda: len(push.delivered()) == 1, 10), log_path.read_text()
        assert time.monotonic() - written < 3
        server.send_signal(signal.SIGTERM)
        assert server.wait(30) == 0
    finally:
        here.close()
        if server.poll() is None:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait(10)
    said = log_path.read_text()
    assert said.count("reminder sender started") == 1 and said.count("reminder sender stopped") == 1, said
    assert "Traceback" not in said and _lock_is_free(sqlite_url)
    [sent] = [r for r in _rows() if r.status == "sent"]
    assert [r.headers["topic"] for r in push.delivered()] == [topic_for(sent.dedupe_key)]
    assert push.delivered()[0].problem == "" and sent.person_id == plan.owner_id
