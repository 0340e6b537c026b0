"""One audit chain per plan: each event links to the previous event of its own plan, a problem in
any chain is found, writers to different plans never wait for each other (PostgreSQL), and the
migration moves an existing single chain into per-plan chains - refusing a broken one."""

import threading
import time
from contextlib import closing
from datetime import date

import psycopg
import pytest
from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlmodel import col, select

from ipapp import db
from ipapp.models import AuditAnchor, AuditEvent, Person, Plan, utcnow
from ipapp.services import audit
from ipapp.startup import current_revision, downgrade_to, upgrade_to_head


def _plans(count: int) -> list[int]:
    with db.transaction() as session:
        ids = []
        for n in range(count):
            person = Person(given_name=f"Eier{n}", family_name="Test")
            session.add(person)
            session.flush()
            plan = Plan(owner_person_id=person.id, period_start=date(2026, 1, 1), next_review_on=date(2027, 1, 1))
            session.add(plan)
            session.flush()
            ids.append(plan.id)
        return ids


def _record(session, plan_id: int | None, n: int) -> AuditEvent:
    return audit.record(session, actor_person_id=None, actor_role="coordinator", plan_id=plan_id,
                        action="read", section="goals", allowed=True, reason="coordinator", target=f"goal:{n}")


def _interleaved(plan_ids: list, each: int) -> None:
    for n in range(each):
        with db.transaction() as session:
            for plan_id in plan_ids:
                _record(session, plan_id, n)


def _verify() -> audit.ChainReport:
    with db.transaction() as session:
        return audit.verify_chain(session)


@pytest.fixture(params=["sqlite", "postgresql"])
def database(request, monkeypatch):
    url = request.getfixturevalue("sqlite_url" if request.param == "sqlite" else "fresh_postgres_url")
    monkeypatch.setenv("DATABASE_URL", url)
    upgrade_to_head(url)
    engine = db.make_engine(url)
    db.use_engine(engine)
    yield url
    db.use_engine(None)
    engine.dispose()


def test_each_event_links_to_the_previous_event_of_its_own_plan(database):
    first, second = _plans(2)
    _interleaved([first, second, None], 120)
    assert _verify() == audit.ChainReport(True, 360)
    with db.transaction() as session:
        for plan_id in (first, second, None):
            chain = session.exec(select(AuditEvent).where(
                col(AuditEvent.plan_id).is_(None) if plan_id is None else AuditEvent.plan_id == plan_id
            ).order_by(col(AuditEvent.id))).all()
            assert chain[0].prev_hash == audit.GENESIS
            assert all(later.prev_hash == earlier.hash for earlier, later in zip(chain, chain[1:]))
            anchors = session.exec(select(AuditAnchor).where(
                col(AuditAnchor.plan_id).is_(None) if plan_id is None else AuditAnchor.plan_id == plan_id)).all()
            assert [a.event_id for a in anchors] == [chain[99].id]


def test_a_problem_in_one_plans_chain_is_found(database):
    first, second = _plans(2)
    _interleaved([first, second], 120)
    with db.transaction() as session:
        victim = session.exec(select(AuditEvent).where(AuditEvent.plan_id == second)
                              .order_by(col(AuditEvent.id)).offset(10)).first()
        session.execute(text("UPDATE audit_event SET plan_id = :p WHERE id = :i"), {"p": first, "i": victim.id})
    # In the plan it was moved into, it is a row whose HMAC fails while the chain goes on past it.
    assert _verify() == audit.ChainReport(False, 240, victim.id, "inserted")


def test_a_cut_tail_of_one_plans_chain_is_found_by_its_anchor(database):
    first, second = _plans(2)
    _interleaved([first, second], 110)
    with db.transaction() as session:
        anchor = session.exec(select(AuditAnchor).where(AuditAnchor.plan_id == second)).one()
    # The attacker's own connection, with foreign keys out of the way (as database owner can).
    with db.engine().connect() as raw:
        if raw.dialect.name == "sqlite":
            raw.exec_driver_sql("PRAGMA foreign_keys=OFF")
        else:
            raw.exec_driver_sql("SET session_replication_role = replica")
        raw.execute(text("DELETE FROM audit_event WHERE plan_id = :p AND id >= :i"),
                    {"p": second, "i": anchor.event_id})
        raw.commit()
    report = _verify()
    assert (report.ok, report.problem, report.first_bad_id) == (False, "truncated", anchor.event_id)


def test_writers_to_different_plans_do_not_wait_for_each_other(fresh_postgres_url, monkeypatch):
    monkeypatch.setenv("DATABASE_URL", fresh_postgres_url)
    upgrade_to_head(fresh_postgres_url)
    engine = db.make_engine(fresh_postgres_url)
    db.use_engine(engine)
    try:
        first, second = _plans(2)
        done: dict[str, float] = {}

        def write(plan_id, name):
            with db.transaction() as session:
                _record(session, plan_id, 1)
            done[name] = time.monotonic()

        with db.transaction() as session:  # holds plan `first`'s chain until this block ends
            _record(session, first, 0)
            other_plan = threading.Thread(target=write, args=(second, "other plan"))
            same_plan = threading.Thread(target=write, args=(first, "same plan"))
            other_plan.start(), same_plan.start()
            other_plan.join(timeout=10)
            time.sleep(0.5)
            assert "other plan" in done and "same plan" not in done
            released = time.monotonic()
        same_plan.join(timeout=10)
        assert done["same plan"] >= released
        assert _verify().ok
    finally:
        db.use_engine(None)
        engine.dispose()


def _old_single_chain(url: str, plan_ids: list, each: int, tamper: bool = False) -> None:
    """Events written the way revision 0003 chained them: one chain across all plans."""
    engine = db.make_engine(url)
    with engine.begin() as conn:
        prev, n = audit.GENESIS, 0
        for round_ in range(each):
            for plan_id in plan_ids:
                n += 1
                event = AuditEvent(occurred_at=utcnow(), actor_role="coordinator", plan_id=plan_id, action="read",
                                   section="goals", target=f"goal:{round_}", outcome="allowed",
                                   reason="coordinator", prev_hash=prev, hash="")
                event.hash = audit.digest(event, prev)
                conn.execute(text(
                    "INSERT INTO audit_event (occurred_at, actor_role, plan_id, action, section, target, outcome,"
                    " reason, prev_hash, hash) VALUES (:o, 'coordinator', :p, 'read', 'goals', :t, 'allowed',"
                    " 'coordinator', :prev, :h)"),
                    {"o": event.occurred_at, "p": plan_id, "t": event.target, "prev": prev, "h": event.hash})
                if n % audit.ANCHOR_EVERY == 0:
                    conn.execute(text("INSERT INTO audit_anchor (event_id, hash, recorded_at) "
                                      "SELECT id, hash, :now FROM audit_event WHERE hash = :h"),
                                 {"h": event.hash, "now": utcnow()})
                prev = event.hash
        if tamper:
            conn.execute(text("UPDATE audit_event SET target = 'goal:999' WHERE id = 7"))
    engine.dispose()


def test_the_migration_moves_a_single_chain_into_per_plan_chains_and_back(database):
    plan_ids = [*_plans(2), None]
    downgrade_to(database, "0003")
    _old_single_chain(database, plan_ids, 70)  # 210 events, anchors at 100 and 200
    upgrade_to_head(database)
    assert _verify() == audit.ChainReport(True, 210)
    with db.transaction() as session:
        targets = [e.target for e in session.exec(select(AuditEvent).where(AuditEvent.plan_id == plan_ids[0])
                                                  .order_by(col(AuditEvent.id)))]
        assert targets == [f"goal:{n}" for n in range(70)]  # nothing lost, order kept
    _interleaved(plan_ids, 40)  # 110 events per chain now: each anchored at its 100th
    assert _verify() == audit.ChainReport(True, 330)
    downgrade_to(database, "0003")
    upgrade_to_head(database)
    assert _verify() == audit.ChainReport(True, 330)


def test_the_migration_refuses_a_broken_chain_and_changes_nothing(database):
    plan_ids = [*_plans(2), None]
    downgrade_to(database, "0003")
    _old_single_chain(database, plan_ids, 5, tamper=True)
    with pytest.raises(Exception, match="broken at event 7"):
        upgrade_to_head(database)
    engine = db.make_engine(database)
    try:
        assert current_revision(engine) == "0003"
    finally:
        engine.dispose()
