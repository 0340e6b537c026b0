"""The outbox on PostgreSQL, where several senders may run: two senders over 1,000 due reminders
send each exactly once (FOR UPDATE SKIP LOCKED), and a sender process killed in the middle of a
batch is followed by a new one that sends the rest, each once (the lease runs out)."""

import os
import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from datetime import timedelta

import pytest
from shared_steps import services_on
from living_plan import make_plan
from push_server import PushService
from sqlmodel import func, select

from ipapp import db
from ipapp.config import PROJECT_ROOT, settings
from ipapp.i18n.dates import oslo_datetime, oslo_today
from ipapp.models import ReminderOutbox, utcnow
from ipapp.push.sender import PushSender, topic_for
from ipapp.services import meeting_editing, messaging, reminders_devices
from ipapp.services.reminders_sending import ReminderSender

pytestmark = pytest.mark.postgres
UA = "Mozilla/5.0 (Linux; Android 14) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Mobile Safari/537.36"


@pytest.fixture
def postgres_services(fresh_postgres_url, monkeypatch):
    """The services on a migrated PostgreSQL database, with the loopback push override."""
    monkeypatch.setenv("IPAPP_ENV", "development")
    monkeypatch.setenv("IPAPP_ORIGIN", "http://localhost:3000")
    monkeypatch.setenv("DATABASE_URL", fresh_postgres_url)
    monkeypatch.setenv("IPAPP_PUSH_TEST_LOOPBACK", "1")
    monkeypatch.delenv("IPAPP_DEMO", raising=False)
    monkeypatch.delenv("IPAPP_IDENTITY_KEY", raising=False)
    with services_on(fresh_postgres_url):
        yield fresh_postgres_url


def _topics() -> dict[str, str]:
    with db.transaction() as session:
        return {topic_for(key): status for key, status in session.exec(
            # the plan's review-date reminders, due months ahead, are not these tests'
            select(ReminderOutbox.dedupe_key, ReminderOutbox.status).where(ReminderOutbox.kind != "review"))}


def test_two_senders_over_a_thousand_due_reminders_send_each_exactly_once(postgres_services):
    plan = make_plan()
    with PushService() as push:
        reminders_devices.subscribe(plan.owner_id, push.browser().subscription(), UA)
        reminders_devices.subscribe(plan.coordinator_id, push.browser().subscription(), UA)
        day = oslo_today(utcnow()) + timedelta(days=3)
        form = {"kind": "responsibility_group", "title": "Ansvarsgruppemøte", "day": day.isoformat(), "start": "10:00",
                "end": "11:00", f"person_{plan.owner_id}": "on", f"person_{plan.coordinator_id}": "on"}
        for _ in range(250):  # 250 meetings x 2 people x 24 h and 2 h before
            meeting_editing.schedule(plan.coordinator_id, plan.plan_id, form)
        assert len(_topics()) == 1000
        at = oslo_datetime(day, 9)  # an hour before: every one of them is due

        sent_by: list[Counter] = [Counter(), Counter()]
        errors: list[BaseException] = []
        start = threading.Barrier(2)

        def run(n: int) -> None:
            sender = ReminderSender(PushSender(settings().push), clock=lambda: at, batch_size=25)
            try:
                start.wait()
                while claims := sender.claim():
                    for claim in claims:
                        sent_by[n][sender.deliver(claim)] += 1
            except BaseException as exc:  # noqa: BLE001 - reported below
                errors.append(exc)

        threads = [threading.Thread(target=run, args=(n,)) for n in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(300)
        assert errors == []
        delivered = Counter(r.headers["topic"] for r in push.delivered())
        assert len(push.received) == 1000 and all(r.problem == "" for r in push.received)
        assert set(delivered.values()) == {1} and set(delivered) == set(_topics())
        assert set(_topics().values()) == {"sent"}
        assert sent_by[0]["sent"] + sent_by[1]["sent"] == 1000
        assert sent_by[0]["sent"] > 0 and sent_by[1]["sent"] > 0  # both took part
        assert sent_by[0]["lost"] == sent_by[1]["lost"] == 0


def _sender_process(url: str, log_path) -> subprocess.Popen:
    env = {k: v for k, v in os.environ.items() if not k.startswith("IPAPP_")}
    env.update({"IPAPP_ENV": "development", "DATABASE_URL": url, "IPAPP_PUSH_TEST_LOOPBACK": "1",
                "IPAPP_REMINDERS_LEASE_SECONDS": "3", "IPAPP_REMINDERS_POLL_SECONDS": "0.2",
                "IPAPP_PUSH_TIMEOUT_SECONDS": "30"})
    return subprocess.Popen([sys.executable, "-m", "ipapp.cli", "reminders"], cwd=PROJECT_ROOT, env=env,
                            stdout=subprocess.DEVNULL, stderr=open(log_path, "a"))  # noqa: SIM115


def _wait_for(condition, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.1)
    return False


def test_a_sender_killed_mid_batch_is_followed_by_one_that_sends_the_rest_once(postgres_services, tmp_path):
    plan = make_plan()
    with PushService() as push:
        reminders_devices.subscribe(plan.owner_id, push.browser().subscription(), UA)
        reminders_devices.subscribe(plan.guardian_id, push.browser().subscription(), UA)
        thread = messaging.start_thread(plan.owner_id, plan.plan_id, {"subject": "Spørsmål", "body": "Hei"})
        for n in range(30):  # each reminds the owner and her guardian: 60 due now
            messaging.reply(plan.coordinator_id, plan.plan_id, thread, {"body": f"Svar {n}"})
        assert len(_topics()) == 60
        push.script(*([(201, {})] * 20), "hang")  # the 21st gets no answer: the sender waits in it

        first = _sender_process(postgres_services, tmp_path / "sender.log")
        try:
            assert _wait_for(lambda: len(push.received) == 21, 60), (tmp_path / "sender.log").read_text()
            first.send_signal(signal.SIGKILL)  # mid-batch: rows claimed, one waiting for the service
            first.wait(10)
        finally:
            if first.poll() is None:
                first.kill()
        with db.transaction() as session:
            claimed = session.exec(select(func.count()).where(ReminderOutbox.status == "sending")).one()
        assert len(push.delivered()) == 20 and claimed > 1
        push.release.set()

        second = _sender_process(postgres_services, tmp_path / "sender.log")
        try:
            assert _wait_for(lambda: set(_topics().values()) == {"sent"}, 60), (tmp_path / "sender.log").read_text()
        finally:
            second.send_signal(signal.SIGTERM)
            assert second.wait(20) == 0
        delivered = Counter(r.headers["topic"] for r in push.delivered())
        assert set(delivered) == set(_topics()) and set(delivered.values()) == {1}
        assert len(push.received) == 61  # the one never answered was sent again, and taken once
