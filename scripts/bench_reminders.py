"""Reminders per second on PostgreSQL: 10,000 due reminders to a loopback push service, sent by 1
and then by 2 sender processes (`python -m ipapp.cli reminders`, as production runs them). Prints
numbers and checks that every reminder was delivered exactly once; judges no speed.

  * a throwaway PostgreSQL cluster (tests/postgres_server.py), migrated;
  * plans made through the services, each owner and guardian with one push subscription; the
    coordinators' replies make the reminders (two per reply, due at once: a real outbox row each);
  * the loopback push service of the tests (tests/push_server.py), lean: it records every POST's
    Topic and answers 201, and for a sample it verifies the VAPID JWT and decrypts the body with
    the fake browser's key (proof the pushes are real Web Push messages, not just requests);
  * the rows are held back (locked_until = a start time a few seconds ahead) while the senders
    start, so all of them begin at once; the rate is reminders / (last sent_at - start). Between
    the runs the same rows are made pending again.

Usage: python scripts/bench_reminders.py [--reminders 10000] [--plans 10]   (make bench)
Prints one table and writes it to bench/reminders.txt (committed: the numbers of the last run).
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import threading
import time
from collections import Counter
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))
RESULTS = ROOT / "bench" / "reminders.txt"
SAMPLE_EVERY = 250  # one push in this many is verified and decrypted
START_MARGIN = 20  # seconds for the sender processes to start before the rows may be claimed
UA = "Mozilla/5.0 (Linux; Android 14) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Mobile Safari/537.36"

# Before ipapp is imported: development settings, the tests' loopback push override, no Redis.
for name in [n for n in os.environ if n.startswith("IPAPP_") or n == "DATABASE_URL"]:
    del os.environ[name]
os.environ.update({"IPAPP_ENV": "development", "IPAPP_ORIGIN": "http://localhost:3000", "IPAPP_PUSH_TEST_LOOPBACK": "1"})

from postgres_server import PostgresServer  # noqa: E402
from push_server import PushService, Received  # noqa: E402


class LeanPushService(PushService):
    """The tests' push service, opening (JWT + decryption) only every SAMPLE_EVERY-th message."""

    def __init__(self) -> None:
        super().__init__()
        self.samples: list[Received] = []
        self._count = 0

    def _open(self, got: Received) -> None:
        with self._lock:
            self._count += 1
            sampled = self._count % SAMPLE_EVERY == 1
        if sampled:
            super()._open(got)
            self.samples.append(got)

    def forget(self) -> None:
        with self._lock:
            self.received, self.samples, self._count = [], [], 0


def make_reminders(total: int, plans: int, push: LeanPushService) -> tuple[int, float]:
    """`plans` plans through the services, owner and guardian subscribed, and coordinator replies
    until `total` message reminders exist; (people with a device, seconds taken)."""
    from living_plan import make_plan

    from ipapp.services import messaging, reminders_devices

    started = time.monotonic()
    made = [make_plan("" if n == 0 else f"{n}") for n in range(plans)]
    for plan in made:
        for person in (plan.owner_id, plan.guardian_id):
            reminders_devices.subscribe(person, push.browser().subscription(), UA)

    def replies(plan, count: int) -> None:
        thread = messaging.start_thread(plan.owner_id, plan.plan_id, {"subject": "Spørsmål", "body": "Hei"})
        for n in range(count):
            messaging.reply(plan.coordinator_id, plan.plan_id, thread, {"body": f"Svar {n}"})

    per_plan = [total // 2 // plans + (1 if n < total // 2 % plans else 0) for n in range(plans)]
    workers = [threading.Thread(target=replies, args=(plan, count)) for plan, count in zip(made, per_plan)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    return 2 * plans, time.monotonic() - started


def hold_until(seconds_ahead: float):
    """Every message reminder pending again, claimable from a moment `seconds_ahead` from now."""
    from sqlalchemy import update

    from ipapp.db import transaction
    from ipapp.models import ReminderOutbox, utcnow

    start = utcnow() + timedelta(seconds=seconds_ahead)
    with transaction() as session:
        session.execute(update(ReminderOutbox).where(ReminderOutbox.kind == "message").values(
            status="pending", attempts=0, locked_until=start, sent_at=None, last_error=""))
    return start


def outcome() -> tuple[dict[str, str], object]:
    """{Topic header: status} of the message reminders, and the last sent_at."""
    from sqlmodel import func, select

    from ipapp.db import transaction
    from ipapp.models import ReminderOutbox
    from ipapp.push.sender import topic_for

    with transaction() as session:
        rows = session.exec(select(ReminderOutbox.dedupe_key, ReminderOutbox.status)
                            .where(ReminderOutbox.kind == "message")).all()
        last = session.exec(select(func.max(ReminderOutbox.sent_at)).where(ReminderOutbox.kind == "message")).one()
    return {topic_for(key): status for key, status in rows}, last


def sent_count() -> int:
    from sqlmodel import func, select

    from ipapp.db import transaction
    from ipapp.models import ReminderOutbox

    with transaction() as session:
        return session.exec(select(func.count()).where(ReminderOutbox.kind == "message",
                                                       ReminderOutbox.status == "sent")).one()


def cpu_seconds(pid: int) -> float:
    """utime + stime of one process, from /proc (the senders' own work, whatever else runs)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def run(senders: int, url: str, total: int, push: LeanPushService, log_dir: Path) -> dict:
    push.forget()
    start = hold_until(START_MARGIN)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("IPAPP_", "REFLEX_"))}
    env.update({"IPAPP_ENV": "development", "DATABASE_URL": url, "IPAPP_PUSH_TEST_LOOPBACK": "1",
                "IPAPP_PUSH_TIMEOUT_SECONDS": "30"})
    logs = [log_dir / f"sender-{senders}-{n}.log" for n in range(senders)]
    processes = [subprocess.Popen([sys.executable, "-m", "ipapp.cli", "reminders"], cwd=ROOT, env=env,
                                  stdout=subprocess.DEVNULL, stderr=log.open("w"), stdin=subprocess.DEVNULL)
                 for log in logs]
    try:
        while not all("reminder sender started" in log.read_text() for log in logs):
            if any(p.poll() is not None for p in processes):
                raise SystemExit(f"a sender stopped before it started: {[log.read_text() for log in logs]}")
            time.sleep(0.1)
        from ipapp.models import utcnow

        ready_before_start = (start - utcnow()).total_seconds()
        deadline = time.monotonic() + 900
        while sent_count() < total:
            if time.monotonic() > deadline or any(p.poll() is not None for p in processes):
                raise SystemExit(f"the senders did not finish: {[log.read_text()[-2000:] for log in logs]}")
            time.sleep(0.2)
        cpu = sum(cpu_seconds(p.pid) for p in processes)
    finally:
        for process in processes:
            process.terminate()  # SIGTERM: finish the one in hand, hand back the rest
        codes = [process.wait(30) for process in processes]
    topics, last_sent = outcome()
    delivered = Counter(r.headers.get("topic") for r in push.delivered())
    opened = push.samples
    return {
        "senders": senders,
        "seconds": (last_sent - start).total_seconds(),
        "cpu_ms": 1000 * cpu / total,
        "ready_margin": ready_before_start,
        "once": sum(1 for topic, status in topics.items() if status == "sent" and delivered.get(topic) == 1),
        "twice": sum(1 for n in delivered.values() if n > 1),
        "unknown": sum(1 for topic in delivered if topic not in topics),
        "received": len(push.received),
        "opened": sum(1 for r in opened if r.problem == "" and r.message and r.claims),
        "sampled": len(opened),
        "clean_exit": codes == [0] * senders and all("reminder sender stopped" in log.read_text() for log in logs),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--reminders", type=int, default=10_000)
    parser.add_argument("--plans", type=int, default=10)
    args = parser.parse_args(argv)
    total = args.reminders - args.reminders % 2  # two per reply

    load = os.getloadavg()[0]
    print("ipapp: starting PostgreSQL and the loopback push service ...", file=sys.stderr, flush=True)
    server = PostgresServer()
    try:
        server.start()
        url = server.url
        os.environ["DATABASE_URL"] = url
        from ipapp import db
        from ipapp.config import reset_settings_cache
        from ipapp.startup import upgrade_to_head

        reset_settings_cache()
        upgrade_to_head(url)
        engine = db.make_engine(url)
        db.use_engine(engine)
        with LeanPushService() as push:
            print(f"ipapp: making {total} reminders through the services ...", file=sys.stderr, flush=True)
            people, made_in = make_reminders(total, args.plans, push)
            results = []
            for senders in (1, 2):
                print(f"ipapp: sending them with {senders} sender process(es) ...", file=sys.stderr, flush=True)
                results.append(run(senders, url, total, push, server.root))
        version = engine.dialect.server_version_info
        engine.dispose()
        db.use_engine(None)
    finally:
        server.stop()

    lines = [f"ipapp reminders - PostgreSQL {version[0]}, {total} due message reminders for {people} people on "
             f"{args.plans} plans, one device each ({date.today().isoformat()}, {os.cpu_count()} cores):", "",
             "  senders  reminders/s  seconds  sender CPU/reminder  delivered once  sent twice  pushes  "
             "sampled+opened  clean stop"]
    for r in results:
        lines.append(f"  {r['senders']:>7}  {total / r['seconds']:>11.0f}  {r['seconds']:>7.1f}  "
                     f"{r['cpu_ms']:>16.1f} ms  "
                     f"{r['once']:>8}/{total:<5}  {r['twice']:>10}  {r['received']:>6}  {r['opened']:>7}/{r['sampled']:<6}"
                     f"  {'yes' if r['clean_exit'] else 'NO'}")
    lines += ["", f"  made through the services in {made_in:.0f} s ({total // 2} coordinator replies); the senders "
              f"were up {min(r['ready_margin'] for r in results):.1f} s or more before the rows became claimable.",
              f"  Load average when it began: {load:.2f}. On shared cores the rates vary with the load; the senders'",
              "  own CPU per reminder (start-up included) varies much less.",
              "  Loopback push service (tests/push_server.py) in the bench's process, on the same cores: a real push",
              "  service answers slower, and a sender waits for each answer."]
    text = "\n".join(lines)
    print("\n" + text)
    RESULTS.parent.mkdir(exist_ok=True)
    RESULTS.write_text(text + "\n")
    problems = [r for r in results if r["once"] != total or r["twice"] or r["unknown"] or r["received"] != total
                or r["opened"] != r["sampled"] or not r["clean_exit"]]
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
