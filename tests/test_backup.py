"""The backup drill, on SQLite and PostgreSQL: real data made through the services, a backup taken
while another thread keeps writing, restored into an empty database, where check, verify-audit
and verify-consents pass and every table holds exactly what the source held at one instant
between two writes. A restore into a database with anything in it is refused and changes nothing.

And durability: a process that acknowledges each write after its commit returned is killed with
SIGKILL mid-burst; every acknowledged write is there afterwards and the audit chain verifies.
(That covers a crashed or killed app process, not power loss: the throwaway PostgreSQL server
runs with fsync off, and no test here can pull the plug on the disk.)
"""

import hashlib
import os
import signal
import subprocess
import sys
import threading
import time
import uuid
from datetime import timedelta
from pathlib import Path

import pytest
from shared_steps import services_on
from living_plan import LivingPlan, make_plan
from soft_authenticator import SoftAuthenticator
from sqlalchemy import inspect, text

from ipapp import cli, db
from ipapp.backup import row_counts
from ipapp.config import PROJECT_ROOT
from ipapp.i18n.dates import oslo_today
from ipapp.models import utcnow
from ipapp.services import consents, goal_editing, grants, invitations, notes, plan_reading
from ipapp.startup import head_revision, upgrade_to_head

ORIGIN = "http://localhost:3000"
WRITES_AROUND_BACKUP = 4  # the writer commits at least this many notes before and after the backup
BURST_ACKS_BEFORE_KILL = 25
TIMEOUT_SECONDS = 25


@pytest.fixture(params=["sqlite", "postgresql"])
def source(request, monkeypatch):
    """A migrated database the services write to (DATABASE_URL points at it)."""
    url = request.getfixturevalue("sqlite_url" if request.param == "sqlite" else "fresh_postgres_url")
    monkeypatch.setenv("DATABASE_URL", url)
    monkeypatch.setenv("IPAPP_ENV", "development")
    monkeypatch.setenv("IPAPP_ORIGIN", ORIGIN)
    monkeypatch.delenv("IPAPP_DEMO", raising=False)
    with services_on(url):
        yield url


@pytest.fixture
def empty_target(source, tmp_path, request):
    """An empty database of the source's engine: a file not made yet, or a new PostgreSQL database."""
    if source.startswith("sqlite"):
        yield f"sqlite:///{tmp_path / 'restored' / 'ipapp.sqlite3'}"
        return
    server = request.getfixturevalue("postgres_server")
    name = f"ipapp_restored_{uuid.uuid4().hex[:8]}"
    yield server.create_database(name)
    server.drop_database(name)


def living_data() -> LivingPlan:
    """A plan with goals, a note, reads by others (audit events) and a consent signed with the
    owner's passkey, registered from her invitation: all through the services."""
    plan = make_plan()
    for title in ("Bo i egen leilighet", "Jobbe to dager i uka"):
        goal_editing.add_goal(plan.owner_id, plan.plan_id, {"title": title, "description": "Med litt hjelp."})
    notes.add_note(plan.owner_id, plan.plan_id, {"body": "Spør om støttekontakt på møtet."})
    plan_reading.read_overview(plan.coordinator_id, plan.plan_id, "nb")
    phone = SoftAuthenticator(origin=ORIGIN)
    code = plan.invitations["owner"].code
    invitations.redeem(code, phone.register(invitations.registration_options(code)), "Telefon")
    grants.create_grant(plan.owner_id, plan.plan_id, plan.next_of_kin_id, ["goals", "meetings"],
                        oslo_today(utcnow()) + timedelta(days=60), "Mamma følger med på målene.")
    view = consents.draft_consent(plan.owner_id, plan.plan_id)
    options = consents.signing_options(plan.owner_id, plan.plan_id, view.id, view.document_sha256)
    consents.sign(plan.owner_id, plan.plan_id, view.id, phone.authenticate(options))
    plan_reading.read_overview(plan.next_of_kin_id, plan.plan_id, "nb")  # allowed now: the grant is signed
    return plan


def counts_now() -> dict[str, int]:
    """Every table's rows, in one transaction on the services' engine."""
    with db.engine().connect() as connection:
        quote = connection.dialect.identifier_preparer.quote
        return {name: connection.execute(text(f"SELECT count(*) FROM {quote(name)}")).scalar_one()
                for name in sorted(inspect(connection).get_table_names())}


def note_ids(url: str) -> list[int]:
    engine = db.make_engine(url)
    try:
        with engine.connect() as connection:
            return list(connection.execute(text("SELECT id FROM owner_note ORDER BY id")).scalars())
    finally:
        engine.dispose()


class Writer(threading.Thread):
    """Adds the owner's notes one transaction at a time; after each commit it records every
    table's row count, so `states[k]` is the whole database after k of its writes."""

    def __init__(self, plan: LivingPlan):
        super().__init__(daemon=True)
        self.plan, self.stop, self.failure = plan, threading.Event(), None
        self.states = [counts_now()]

    def run(self) -> None:
        try:
            while not self.stop.is_set():
                notes.add_note(self.plan.owner_id, self.plan.plan_id, {"body": f"Notat {len(self.states)}"})
                self.states.append(counts_now())
        except BaseException as exc:  # noqa: BLE001 - reported by the test, not lost in a thread
            self.failure = exc

    def wait_for(self, writes: int) -> None:
        deadline = time.monotonic() + TIMEOUT_SECONDS
        while len(self.states) - 1 < writes:
            assert self.failure is None and time.monotonic() < deadline, self.failure or "the writer is stuck"
            time.sleep(0.005)


def run_cli(capsys, url: str, monkeypatch, *args: str) -> tuple[int, str, str]:
    monkeypatch.setenv("DATABASE_URL", url)
    code = cli.main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def fingerprint(url: str) -> tuple:
    """What a refused restore must leave alone: every table's rows, and a SQLite file's bytes.
    All connections are closed first, so SQLite's own checkpoint on close cannot change them."""
    db.engine().dispose()
    counts, files = row_counts(url), ()
    if url.startswith("sqlite"):
        path = url.removeprefix("sqlite:///")
        files = tuple((p.name, hashlib.sha256(p.read_bytes()).hexdigest())
                      for p in (Path(path), Path(f"{path}-wal")) if p.exists())
    return counts, files


# --- the drill --------------------------------------------------------------------------------


def test_a_backup_taken_while_writing_restores_one_instant_and_verifies(source, empty_target, tmp_path,
                                                                        capsys, monkeypatch):
    plan = living_data()
    backup_file = tmp_path / "backups" / "ipapp.backup"
    backup_file.parent.mkdir()
    writer = Writer(plan)
    writer.start()
    try:
        writer.wait_for(WRITES_AROUND_BACKUP)
        code, out, err = run_cli(capsys, source, monkeypatch, "backup", str(backup_file))
        assert (code, err) == (0, ""), err
        written_before_backup_returned = len(writer.states) - 1
        writer.wait_for(written_before_backup_returned + WRITES_AROUND_BACKUP)
    finally:
        writer.stop.set()
        writer.join(TIMEOUT_SECONDS)
    assert writer.failure is None, writer.failure
    assert out.startswith("ipapp: backed up the ") and str(backup_file) in out
    assert backup_file.stat().st_mode & 0o777 == 0o600  # health data: this user only
    assert [p.name for p in backup_file.parent.iterdir()] == [backup_file.name]  # no temporary left behind

    code, out, err = run_cli(capsys, empty_target, monkeypatch, "restore", str(backup_file))
    assert (code, err) == (0, ""), err
    assert out.startswith("ipapp: restored ") and out.count("\n") == 1

    restored = row_counts(empty_target)
    # The copy is the source after exactly k of the writer's commits: every table, not just notes.
    k = len(note_ids(empty_target)) - writer.states[0]["owner_note"]
    assert WRITES_AROUND_BACKUP <= k < len(writer.states) - 1, (k, len(writer.states))
    assert restored == writer.states[k]
    assert note_ids(empty_target) == note_ids(source)[:restored["owner_note"]]
    assert restored["consent"] >= 1 and restored["audit_event"] > 0 and restored["passkey_credential"] == 1

    assert run_cli(capsys, empty_target, monkeypatch, "check")[:2] == (0, f"ipapp: the database is ready "
                                                                         f"(migration {head_revision()}).\n")
    assert run_cli(capsys, empty_target, monkeypatch, "verify-audit")[:3] == (
        0, f"ipapp: audit chain ok ({restored['audit_event']} events)\n", "")
    assert run_cli(capsys, empty_target, monkeypatch, "verify-consents")[:3] == (
        0, "ipapp: 1 signed consents verify.\n", "")

    # The restored database takes new writes (PostgreSQL: its sequences came along), still verifying.
    restored_ids = note_ids(empty_target)
    restored_engine = db.make_engine(empty_target)
    db.use_engine(restored_engine)
    try:
        new_note = notes.add_note(plan.owner_id, plan.plan_id, {"body": "Skrevet etter gjenopprettingen."})
        assert note_ids(empty_target) == [*restored_ids, new_note] and new_note > max(restored_ids)
    finally:
        db.use_engine(None)
        restored_engine.dispose()
    assert run_cli(capsys, empty_target, monkeypatch, "verify-audit")[0] == 0


def test_a_restore_into_a_database_with_anything_in_it_is_refused_and_changes_nothing(
        source, empty_target, tmp_path, capsys, monkeypatch):
    living_data()
    backup_file = tmp_path / "ipapp.backup"
    assert run_cli(capsys, source, monkeypatch, "backup", str(backup_file))[0] == 0
    assert run_cli(capsys, empty_target, monkeypatch, "restore", str(backup_file))[0] == 0

    for target in (source, empty_target):  # the live database, and one restored a moment ago
        before = fingerprint(target)
        code, out, err = run_cli(capsys, target, monkeypatch, "restore", str(backup_file))
        assert (code, out) == (2, "")
        assert err.startswith("ipapp: ") and err.count("\n") == 1 and "not empty" in err, err
        assert fingerprint(target) == before

    # A second backup to the same name would overwrite the first: refused, the first kept.
    first = hashlib.sha256(backup_file.read_bytes()).hexdigest()
    code, out, err = run_cli(capsys, source, monkeypatch, "backup", str(backup_file))
    assert (code, out) == (2, "") and "already exists" in err and err.count("\n") == 1
    assert hashlib.sha256(backup_file.read_bytes()).hexdigest() == first


def test_sqlite_restore_refuses_a_file_whose_data_is_still_in_its_wal(sqlite_url, tmp_path, capsys, monkeypatch):
    upgrade_to_head(sqlite_url)
    backup_file = tmp_path / "ipapp.backup"
    assert run_cli(capsys, sqlite_url, monkeypatch, "backup", str(backup_file))[0] == 0
    target = tmp_path / "other" / "ipapp.sqlite3"
    target.parent.mkdir()
    target.touch()  # an empty main file...
    Path(f"{target}-wal").write_bytes(b"\x37\x7f\x06\x82" + bytes(28))  # ...with a log beside it
    before = [(p.name, p.read_bytes()) for p in sorted(target.parent.iterdir())]
    code, out, err = run_cli(capsys, f"sqlite:///{target}", monkeypatch, "restore", str(backup_file))
    assert (code, out) == (2, "") and "not empty" in err
    assert [(p.name, p.read_bytes()) for p in sorted(target.parent.iterdir())] == before

    Path(f"{target}-wal").unlink()  # the counterpart: an empty file alone is an empty database
    assert run_cli(capsys, f"sqlite:///{target}", monkeypatch, "restore", str(backup_file))[0] == 0
    assert run_cli(capsys, f"sqlite:///{target}", monkeypatch, "check")[0] == 0


# --- durability under SIGKILL -----------------------------------------------------------------

# Runs in its own process with DATABASE_URL from the environment, as the app would.
BURST = """
import sys
from ipapp.services import notes
owner_id, plan_id = int(sys.argv[1]), int(sys.argv[2])
n = 0
while True:
    n += 1
    note_id = notes.add_note(owner_id, plan_id, {"body": f"Burst {n}"})
    print(note_id, flush=True)  # only after the commit returned: an acknowledged write
"""


def test_every_acknowledged_write_survives_a_sigkill(source, capsys, monkeypatch):
    plan = make_plan()
    db.engine().dispose()  # the child is the only one with the database open when it dies
    env = {**os.environ, "DATABASE_URL": source, "IPAPP_ENV": "development", "PYTHONUNBUFFERED": "1"}
    child = subprocess.Popen([sys.executable, "-c", BURST, str(plan.owner_id), str(plan.plan_id)],
                             cwd=PROJECT_ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    acknowledged: list[int] = []
    killer = threading.Timer(TIMEOUT_SECONDS, child.kill)  # a stuck child must not hang the suite
    killer.start()
    try:
        for line in child.stdout:
            acknowledged.append(int(line))
            if len(acknowledged) == BURST_ACKS_BEFORE_KILL:
                os.kill(child.pid, signal.SIGKILL)  # mid-burst: it is already writing the next one
                break
        rest, errors = child.communicate(timeout=TIMEOUT_SECONDS)
    finally:
        killer.cancel()
    # Lines printed before the kill are acknowledged too; a cut-off last line is not.
    acknowledged += [int(line) for line in rest.split("\n")[:-1]]
    assert child.returncode == -signal.SIGKILL, errors
    assert len(acknowledged) >= BURST_ACKS_BEFORE_KILL, errors

    stored = set(note_ids(source))  # a fresh engine: SQLite recovers its WAL on this open
    assert set(acknowledged) <= stored
    assert len(stored - set(acknowledged)) <= 1  # at most the one committed as the kill came
    if source.startswith("sqlite"):
        engine = db.make_engine(source)
        try:
            with engine.connect() as connection:
                assert connection.exec_driver_sql("PRAGMA integrity_check").scalar_one() == "ok"
        finally:
            engine.dispose()
    code, out, err = run_cli(capsys, source, monkeypatch, "verify-audit")
    assert (code, err) == (0, "") and out.startswith("ipapp: audit chain ok"), err
