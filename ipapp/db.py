"""The database engine and transactions. SQLite gets WAL, full sync, foreign keys and a busy timeout
on every connection; PostgreSQL is used as configured."""

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import event
from sqlalchemy.engine import Engine, make_url
from sqlmodel import Session, create_engine

from ipapp.config import settings

# Writers queue for SQLite's single write lock; under heavy contention (8 concurrent writers in the
# audit test, a loaded machine) waiting longer beats failing the write.
SQLITE_BUSY_TIMEOUT_MS = 15000


def _configure_sqlite_connection(dbapi_connection, _record) -> None:
    # Foreign keys and the busy timeout are per connection in SQLite, so set them on each one.
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=FULL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
    cursor.close()


def make_engine(database_url: str) -> Engine:
    url = make_url(database_url)
    if url.get_backend_name() == "sqlite":
        engine = create_engine(
            url, connect_args={"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000, "check_same_thread": False}
        )
        event.listen(engine, "connect", _configure_sqlite_connection)
        return engine
    if url.get_backend_name() == "postgresql" and url.get_driver_name() in ("", "psycopg2"):
        url = url.set(drivername="postgresql+psycopg")  # the driver we ship
    return create_engine(url, pool_pre_ping=True)


_engine: Engine | None = None


def engine() -> Engine:
    """The process's engine, made on first use from the settings."""
    global _engine
    if _engine is None:
        _engine = make_engine(settings().database_url)
    return _engine


def use_engine(new_engine: Engine | None) -> None:
    """Point the process at another engine (tests)."""
    global _engine
    _engine = new_engine


class CommitThenRaise(Exception):
    """Ends a unit of work whose writes so far must still be kept, e.g. the audit of a denial.

    Services ask the policy before they change anything, so at that point the only writes
    are audit events, and a denied attempt must stay in the log.
    """


@contextmanager
def transaction() -> Iterator[Session]:
    """One unit of work: commit on success, roll back on any error (see CommitThenRaise)."""
    with Session(engine(), expire_on_commit=False) as session:
        try:
            yield session
            session.commit()
        except CommitThenRaise:
            session.commit()
            raise
        except BaseException:
            session.rollback()
            raise


# Rows written through the ORM tell open tabs what changed (ipapp.live), after commit only.
import ipapp.live.changes  # noqa: E402,F401
