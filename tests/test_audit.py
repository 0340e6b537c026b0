"""The audit chain: tampering of each kind is found (by an attacker with raw database access but
not the HMAC key), concurrent writers never fork it on SQLite or PostgreSQL, and verify-audit says
so in one line with the right exit code."""

import hashlib
import sqlite3
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import closing

import psycopg
import pytest
from sqlalchemy import event, make_url
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from ipapp import cli, db
from ipapp.config import PROJECT_ROOT, reset_settings_cache
from ipapp.models import AuditAnchor, AuditEvent
from ipapp.services import audit
from ipapp.startup import upgrade_to_head

WRITERS, EVENTS_EACH = 8, 500
COLUMNS = ("occurred_at", "actor_person_id", "actor_role", "plan_id", "action", "section",
           "target", "outcome", "reason", "prev_hash", "hash")


def _record(session: Session, n: int, who: str = "coordinator") -> None:
    audit.record(session, actor_person_id=None, actor_role=who, plan_id=None, action="read",
                 section="goals", allowed=n % 7 != 0, reason="coordinator", target=f"goal:{n}")


def _append(count: int, per_transaction: int = 25) -> None:
    for start in range(0, count, per_transaction):
        with db.transaction() as session:
            for n in range(start, min(count, start + per_transaction)):
                _record(session, n)


def _verify() -> audit.ChainReport:
    with db.transaction() as session:
        return audit.verify_chain(session)


@pytest.fixture
def sqlite_db(sqlite_url, monkeypatch) -> Iterator[str]:
    """A migrated SQLite file (WAL, the app's pragmas) as the process's database; yields its path."""
    monkeypatch.setenv("DATABASE_URL", sqlite_url)
    reset_settings_cache()
    upgrade_to_head(sqlite_url)
    engine = db.make_engine(sqlite_url)
    db.use_engine(engine)
    yield make_url(sqlite_url).database
    db.use_engine(None)
    engine.dispose()
    reset_settings_cache()


@pytest.fixture
def postgresql_db(fresh_postgres_url) -> Iterator[str]:
    upgrade_to_head(fresh_postgres_url)
    engine = db.make_engine(fresh_postgres_url)
    db.use_engine(engine)
    yield fresh_postgres_url
    db.use_engine(None)
    engine.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def any_db(request) -> str:
    return request.getfixturevalue(f"{request.param}_db")


def _tamper(path: str, *statements: tuple[str, tuple]) -> None:
    # The attacker's own connection: plain sqlite3, so foreign keys are off as they are by default.
    with closing(sqlite3.connect(path)) as raw:
        for sql, params in statements:
            raw.execute(sql, params)
        raw.commit()


def _row(path: str, event_id: int) -> tuple:
    with closing(sqlite3.connect(path)) as raw:
        return raw.execute(f"SELECT {', '.join(COLUMNS)} FROM audit_event WHERE id = ?", (event_id,)).fetchone()


# --- tampering --------------------------------------------------------------------------------


def test_a_clean_chain_verifies(sqlite_db):
    assert _verify() == audit.ChainReport(ok=True, count=0)
    _append(30)
    assert _verify() == audit.ChainReport(ok=True, count=30)


def test_an_edited_field_is_found(sqlite_db):
    _append(30)
    _tamper(sqlite_db, ("UPDATE audit_event SET section = 'notes' WHERE id = 12", ()))
    assert _verify() == audit.ChainReport(False, 30, 12, "edited")


def test_an_edited_row_with_a_new_plausible_hash_is_found(sqlite_db):
    _append(30)
    fake = hashlib.sha256(b"forged").hexdigest()
    _tamper(sqlite_db, ("UPDATE audit_event SET outcome = 'allowed', hash = ? WHERE id = 14", (fake,)))
    assert _verify() == audit.ChainReport(False, 30, 14, "edited")


def test_a_deleted_middle_row_is_found(sqlite_db):
    _append(30)
    _tamper(sqlite_db, ("DELETE FROM audit_event WHERE id = 12", ()))
    # Row 13 is intact but links to an event that no longer exists.
    assert _verify() == audit.ChainReport(False, 29, 13, "deleted")


def test_a_forged_row_inserted_in_the_middle_is_found(sqlite_db):
    _append(30)
    prev_hash = _row(sqlite_db, 12)[COLUMNS.index("hash")]
    forged = hashlib.sha256(b"a plausible event").hexdigest()
    _tamper(
        sqlite_db,
        # Make room at id 13 the way an attacker would: move the later rows up by one.
        ("UPDATE audit_event SET id = id + 1000 WHERE id > 12", ()),
        ("UPDATE audit_event SET id = id - 999 WHERE id > 1000", ()),
        (
            "INSERT INTO audit_event (id, occurred_at, actor_role, action, section, target, outcome,"
            " reason, prev_hash, hash) VALUES (13, '2026-01-01 10:00:00.000000', 'coordinator',"
            " 'read', 'notes', 'notes', 'allowed', 'coordinator', ?, ?)",
            (prev_hash, forged),
        ),
    )
    assert _verify() == audit.ChainReport(False, 31, 13, "inserted")


@pytest.mark.parametrize("other", [13, 20])  # adjacent and far apart
def test_swapped_rows_are_found(sqlite_db, other):
    _append(30)
    first, second = _row(sqlite_db, 12), _row(sqlite_db, other)
    assignments = ", ".join(f"{c} = ?" for c in COLUMNS)
    _tamper(
        sqlite_db,
        ("UPDATE audit_event SET hash = 'moving' WHERE id = ?", (other,)),  # hash is unique
        (f"UPDATE audit_event SET {assignments} WHERE id = 12", second),
        (f"UPDATE audit_event SET {assignments} WHERE id = ?", (*first, other)),
    )
    assert _verify() == audit.ChainReport(False, 30, 12, "reordered")


def test_anchors_are_recorded_every_hundred_events_and_a_cut_tail_is_found(sqlite_db):
    _append(250)
    with db.transaction() as session:
        anchors = session.exec(select(AuditAnchor).order_by(col(AuditAnchor.id))).all()
        assert [a.event_id for a in anchors] == [100, 200]
        assert all(a.hash == session.get(AuditEvent, a.event_id).hash for a in anchors)
    # The remaining chain is intact by itself: only the anchor shows that events 151-250 existed.
    _tamper(sqlite_db, ("DELETE FROM audit_event WHERE id > 150", ()))
    assert _verify() == audit.ChainReport(False, 150, 200, "truncated")


def test_an_anchor_that_no_longer_matches_is_found(sqlite_db):
    _append(120)
    _tamper(sqlite_db, ("UPDATE audit_anchor SET event_id = 99", ()))
    assert _verify() == audit.ChainReport(False, 120, 99, "anchor_mismatch")


def test_record_anchor_stores_the_head(sqlite_db):
    with db.transaction() as session:
        assert audit.record_anchor(session) is None  # nothing to anchor yet
    _append(3)
    with db.transaction() as session:
        anchor = audit.record_anchor(session)
    assert anchor.event_id == 3
    assert _verify().ok


# --- concurrent writers -----------------------------------------------------------------------


def _writer(index: int, errors: list[BaseException]) -> None:
    try:
        for n in range(EVENTS_EACH):
            with db.transaction() as session:  # one transaction per event: the worst case
                _record(session, n, who=f"writer{index}")
    except BaseException as exc:  # noqa: BLE001 - reported by the test
        errors.append(exc)


def _run_threads(target, count: int) -> list[BaseException]:
    errors: list[BaseException] = []
    threads = [threading.Thread(target=target, args=(i, errors)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return errors


def test_concurrent_writers_leave_one_unbroken_chain(any_db):
    started = time.monotonic()
    errors = _run_threads(_writer, WRITERS)
    elapsed = time.monotonic() - started
    assert errors == []
    total = WRITERS * EVENTS_EACH
    assert _verify() == audit.ChainReport(ok=True, count=total)
    with db.transaction() as session:
        events = session.exec(select(AuditEvent)).all()
        anchors = session.exec(select(AuditAnchor)).all()
    assert Counter(e.actor_role for e in events) == {f"writer{i}": EVENTS_EACH for i in range(WRITERS)}
    assert len({e.prev_hash for e in events}) == total  # no two events follow the same one
    assert len(anchors) == total // audit.ANCHOR_EVERY
    print(f"{WRITERS}x{EVENTS_EACH} events in {elapsed:.1f}s")


@pytest.mark.parametrize("locked", [True, False], ids=["with_lock", "without_lock"])
def test_two_writers_reading_the_same_head_fork_the_chain_only_without_the_lock(any_db, locked, monkeypatch):
    """Deterministic race: each writer, just before inserting its event, waits (up to 1 s) for the
    other to get there too. Without the lock both have read the same head by then and the chain
    forks; with it the second writer cannot read the head until the first has committed."""
    if not locked:
        monkeypatch.setattr(audit, "lock_chain", lambda session, plan_id=None: None)
    barrier = threading.Barrier(2, timeout=1)

    def before_insert(conn, cursor, statement, parameters, context, executemany):
        if statement.startswith("INSERT INTO audit_event") and not getattr(local, "waited", False):
            local.waited = True
            try:
                barrier.wait()
            except threading.BrokenBarrierError:
                pass  # the other writer is (rightly) blocked, or already done

    local = threading.local()
    engine: Engine = db.engine()
    event.listen(engine, "before_cursor_execute", before_insert)
    try:
        errors = _run_threads(lambda i, errs: _one_event(i, errs), 2)
    finally:
        event.remove(engine, "before_cursor_execute", before_insert)
    assert errors == []
    report = _verify()
    with db.transaction() as session:
        prev_hashes = [e.prev_hash for e in session.exec(select(AuditEvent).order_by(col(AuditEvent.id)))]
    if locked:
        assert report.ok and report.count == 2
        assert prev_hashes[0] == audit.GENESIS and prev_hashes[1] != audit.GENESIS
    else:
        assert prev_hashes == [audit.GENESIS, audit.GENESIS]  # the fork
        assert not report.ok and report.first_bad_id is not None


def _one_event(index: int, errors: list[BaseException]) -> None:
    try:
        with db.transaction() as session:
            _record(session, 1, who=f"writer{index}")
    except BaseException as exc:  # noqa: BLE001 - reported by the test
        errors.append(exc)


def test_sqlite_writer_holds_the_write_lock_until_commit_and_others_wait(sqlite_db):
    """The lock is SQLite's RESERVED lock: no other connection can begin writing meanwhile, and a
    second writer waits (busy timeout) instead of failing, then chains after the first."""
    finished: dict[str, float] = {}
    with db.transaction() as session:
        first = audit.record(session, actor_person_id=None, actor_role="a", plan_id=None,
                             action="read", section=None, allowed=True, reason="x")
        with closing(sqlite3.connect(sqlite_db, timeout=0, isolation_level=None)) as other:
            with pytest.raises(sqlite3.OperationalError, match="locked"):
                other.execute("BEGIN IMMEDIATE")
        waiting = threading.Thread(target=lambda: (_append(1), finished.setdefault("second", time.monotonic())))
        waiting.start()
        time.sleep(1)
        assert "second" not in finished  # still waiting for the lock
        committed_at = time.monotonic()
    waiting.join(timeout=10)
    assert finished["second"] >= committed_at
    with db.transaction() as session:
        second = session.exec(select(AuditEvent).where(AuditEvent.id != first.id)).one()
    assert second.prev_hash == first.hash
    assert _verify().ok


def test_postgres_writer_holds_the_advisory_lock_until_commit(postgresql_db):
    conninfo = make_url(postgresql_db).set(drivername="postgresql").render_as_string(hide_password=False)
    with closing(psycopg.connect(conninfo, autocommit=True)) as other:
        try_lock = "SELECT pg_try_advisory_xact_lock(%s, 0)"  # the chain of events with no plan
        with db.transaction() as session:
            _record(session, 1)
            assert other.execute(try_lock, (audit.AUDIT_CHAIN_LOCK,)).fetchone()[0] is False
        assert other.execute(try_lock, (audit.AUDIT_CHAIN_LOCK,)).fetchone()[0] is True


# --- the command ------------------------------------------------------------------------------


def test_verify_audit_command_says_ok_or_names_the_problem(sqlite_db, capsys):
    _append(30)
    assert cli.main(["verify-audit"]) == 0
    out, err = capsys.readouterr()
    assert (out, err) == ("ipapp: audit chain ok (30 events)\n", "")

    _tamper(sqlite_db, ("UPDATE audit_event SET target = 'goal:999' WHERE id = 7", ()))
    assert cli.main(["verify-audit"]) == 1
    out, err = capsys.readouterr()
    assert (out, err) == ("", "ipapp: audit chain broken: edited at event 7 (30 events)\n")


def test_verify_audit_as_a_process(sqlite_db):
    _append(5)
    _tamper(sqlite_db, ("DELETE FROM audit_event WHERE id = 3", ()))
    result = subprocess.run(
        [sys.executable, "-m", "ipapp.cli", "verify-audit"], cwd=PROJECT_ROOT,
        capture_output=True, text=True, timeout=60,
    )
    assert result.returncode == 1
    assert result.stdout == ""
    assert result.stderr == "ipapp: audit chain broken: deleted at event 4 (4 events)\n"
