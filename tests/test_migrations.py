"""The migrations build exactly the schema the models describe, on SQLite and on PostgreSQL, and
can be undone; SQLite connections get ipapp's pragmas."""

import os
import sqlite3
import subprocess
import sys
from datetime import date, datetime

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import CheckConstraint, inspect, text
from sqlalchemy.exc import IntegrityError

from ipapp.config import PROJECT_ROOT
from ipapp.db import make_engine
from ipapp.models import metadata
from ipapp.startup import current_revision, downgrade_to, head_revision, upgrade_to_head

MODEL_TABLES = set(metadata.tables)


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def empty_database_url(request) -> str:
    if request.param == "sqlite":
        return request.getfixturevalue("sqlite_url")
    return request.getfixturevalue("fresh_postgres_url")


def schema_drift(engine) -> list:
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        return compare_metadata(context, metadata)


def reflected_checks(engine) -> dict[str, str]:
    inspector = inspect(engine)
    return {c["name"]: c["sqltext"] for table in MODEL_TABLES for c in inspector.get_check_constraints(table)}


def model_checks() -> dict[str, str]:
    return {
        c.name: str(c.sqltext) for table in metadata.tables.values() for c in table.constraints
        if isinstance(c, CheckConstraint)
    }


def reflected_ondelete(engine) -> dict[tuple[str, str], str | None]:
    inspector = inspect(engine)
    found = {}
    for table in MODEL_TABLES:
        for fk in inspector.get_foreign_keys(table):
            ondelete = (fk.get("options") or {}).get("ondelete")
            found[(table, fk["constrained_columns"][0])] = ondelete.upper() if ondelete else None
    return found


def model_ondelete() -> dict[tuple[str, str], str | None]:
    return {
        (table.name, fk.parent.name): fk.ondelete.upper() if fk.ondelete else None
        for table in metadata.tables.values() for fk in table.foreign_keys
    }


def assert_schema_is_the_models(engine) -> None:
    assert set(inspect(engine).get_table_names()) == MODEL_TABLES | {"alembic_version"}
    # compare_metadata covers tables, columns, types, nullability, indexes, unique and foreign keys;
    # it does not look at CHECK constraints or ON DELETE, so those are compared below.
    assert schema_drift(engine) == []
    checks = reflected_checks(engine)
    assert set(checks) == set(model_checks())
    if engine.dialect.name == "sqlite":
        # SQLite keeps the CREATE TABLE text, so the conditions themselves can be compared: a new
        # vocabulary word (sql_in) changes a CHECK, which autogenerate does not notice.
        assert checks == model_checks()
    assert reflected_ondelete(engine) == model_ondelete()


def test_upgrade_downgrade_upgrade(empty_database_url):
    engine = make_engine(empty_database_url)
    try:
        assert upgrade_to_head(empty_database_url) == head_revision()
        assert current_revision(engine) == head_revision()
        assert_schema_is_the_models(engine)

        downgrade_to(empty_database_url, "base")
        assert set(inspect(engine).get_table_names()) == {"alembic_version"}
        assert current_revision(engine) is None

        upgrade_to_head(empty_database_url)
        assert current_revision(engine) == head_revision()
        assert_schema_is_the_models(engine)
    finally:
        engine.dispose()


def test_upgrade_twice_is_a_no_op(empty_database_url):
    upgrade_to_head(empty_database_url)
    assert upgrade_to_head(empty_database_url) == head_revision()


def test_migrated_constraints_hold(empty_database_url):
    """The constraints the migration created act: a CHECK, the partial unique index of the current
    coordinator, and ON DELETE CASCADE."""
    upgrade_to_head(empty_database_url)
    engine = make_engine(empty_database_url)
    now = datetime(2026, 1, 5, 9, 0)
    try:
        with engine.begin() as conn:
            conn.execute(text(
                "INSERT INTO person (id, given_name, family_name, locale, created_at) VALUES "
                "(1, 'Sofie', 'Berg', 'nb', :now), (2, 'Kari', 'Nordmann', 'nb', :now)"
            ), {"now": now})
            conn.execute(text(
                "INSERT INTO plan (id, owner_person_id, status, period_start, next_review_on, created_at, updated_at) "
                "VALUES (1, 1, 'active', :day, :day, :now, :now)"
            ), {"day": date(2026, 1, 5), "now": now})
        coordinator = text(
            "INSERT INTO plan_coordinator (plan_id, coordinator_person_id, assigned_from, assigned_until) "
            "VALUES (1, 2, :start, :until)"
        )
        with engine.begin() as conn:
            conn.execute(coordinator, {"start": now, "until": now})  # a past one
            conn.execute(coordinator, {"start": now, "until": None})  # the current one
        with pytest.raises(IntegrityError), engine.begin() as conn:
            conn.execute(coordinator, {"start": now, "until": None})  # a second current one
        with pytest.raises(IntegrityError), engine.begin() as conn:
            conn.execute(text("UPDATE plan SET status = 'lost' WHERE id = 1"))
        with engine.begin() as conn:
            conn.execute(text("DELETE FROM plan WHERE id = 1"))
            assert conn.execute(text("SELECT count(*) FROM plan_coordinator")).scalar() == 0
    finally:
        engine.dispose()


def test_sqlite_connections_get_the_pragmas(migrated_sqlite_engine, sqlite_url):
    with migrated_sqlite_engine.connect() as conn:
        pragma = lambda name: conn.exec_driver_sql(f"PRAGMA {name}").scalar()  # noqa: E731
        assert pragma("journal_mode") == "wal"
        assert pragma("synchronous") == 2  # FULL
        assert pragma("foreign_keys") == 1
        assert pragma("busy_timeout") >= 5000
    # WAL is a property of the file: a plain connection without ipapp's setup sees it too.
    plain = sqlite3.connect(sqlite_url.removeprefix("sqlite:///"))
    try:
        assert plain.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    finally:
        plain.close()


def test_concurrent_migrations_migrate_once(empty_database_url):
    """Several workers starting at once: the lock lets one migrate, the others find it done."""
    env = {**os.environ, "IPAPP_ENV": "development", "DATABASE_URL": empty_database_url}
    env.pop("IPAPP_DEMO", None)
    workers = [
        subprocess.Popen([sys.executable, "-m", "ipapp.cli", "migrate"], cwd=PROJECT_ROOT, env=env,
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        for _ in range(3)
    ]
    results = [(w.wait(timeout=120), w.stderr.read()) for w in workers]
    for worker in workers:
        worker.stdout.close()
        worker.stderr.close()
    assert results == [(0, "")] * 3
    engine = make_engine(empty_database_url)
    try:
        assert current_revision(engine) == head_revision()
    finally:
        engine.dispose()


def test_0009_gives_existing_reminders_an_empty_subject_and_undoes_cleanly(empty_database_url):
    """reminder_outbox.subject (what caused a reminder) arrives on rows written before it, and
    going back to 0008 keeps the rows."""
    from alembic import command

    from ipapp.startup import alembic_config, migration_transaction

    engine = make_engine(empty_database_url)
    now = datetime(2026, 12, 1, 9, 0)
    try:
        with migration_transaction(engine) as connection:
            command.upgrade(alembic_config(connection), "0008")
        with engine.begin() as conn:
            conn.execute(text("INSERT INTO person (id, given_name, family_name, locale, created_at) "
                              "VALUES (1, 'Sofie', 'Berg', 'nb', :now)"), {"now": now})
            conn.execute(text(
                "INSERT INTO reminder_outbox (person_id, kind, dedupe_key, payload, due_at, status, attempts, "
                "last_error, created_at) VALUES (1, 'meeting', 'k1', '{}', :now, 'pending', 0, '', :now)"),
                {"now": now})
        upgrade_to_head(empty_database_url)
        with engine.connect() as conn:
            assert conn.execute(text("SELECT dedupe_key, subject FROM reminder_outbox")).all() == [("k1", "")]
        assert "ix_reminder_outbox_subject" in {i["name"] for i in inspect(engine).get_indexes("reminder_outbox")}
        downgrade_to(empty_database_url, "0008")
        assert "subject" not in {c["name"] for c in inspect(engine).get_columns("reminder_outbox")}
        with engine.connect() as conn:
            assert conn.execute(text("SELECT dedupe_key FROM reminder_outbox")).scalars().all() == ["k1"]
    finally:
        engine.dispose()
