"""Preflight and migrations: is the database reachable, writable and at the code's schema revision?

Every failure is a StartupError whose message is one plain line saying what is wrong and what to
do; it never contains the database password. Other code migrates through this module, never by
shelling out to alembic.

check_database() writes nothing. upgrade_to_head() and prepare_database() migrate inside one locked
transaction (SQLite: BEGIN IMMEDIATE, PostgreSQL: an advisory lock), so two workers starting at
once migrate once, and a failed migration leaves the database as it was.
"""

import os
import sqlite3
from collections.abc import Iterator
from contextlib import closing, contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from alembic.script.revision import RevisionError
from alembic.util.exc import CommandError
from sqlalchemy import create_engine, inspect, text
from sqlalchemy.engine import URL, Connection, Engine, make_url
from sqlalchemy.exc import ArgumentError, DBAPIError, NoSuchModuleError
from sqlmodel import Session

from ipapp.config import PROJECT_ROOT, Settings
from ipapp.db import make_engine

ALEMBIC_INI = PROJECT_ROOT / "alembic.ini"
VERSION_TABLE = "alembic_version"
# Any constant works; it only has to be the same in every ipapp process sharing a server.
PG_MIGRATION_LOCK = 0x69706170
PG_CONNECT_TIMEOUT_SECONDS = "10"
RUN_HINT = "run `make run` (or `python -m ipapp.cli migrate`)"
OPEN_FAILED = "Cannot open {what}: {reason}. Point DATABASE_URL at an ipapp database file."
CONNECT_FAILED = "Cannot connect to {what}: {reason}. Check DATABASE_URL and that the server is running."
READ_FAILED = "Cannot read {what}: {reason}. Point DATABASE_URL at an ipapp database."
MIGRATE_FAILED = "Preparing {what} failed: {reason}. Run `python -m ipapp.cli --verbose prepare` for details."
URL_HINT = "use sqlite:///path/to/ipapp.sqlite3 or postgresql://user@host:5432/dbname"


class StartupError(Exception):
    """The database is not usable by this code; the message is one line saying what to do."""


# --- alembic, as a python API -----------------------------------------------------------------


def alembic_config(connection: Connection | None = None) -> Config:
    """The project's alembic config; env.py migrates on `connection` when one is given."""
    config = Config(str(ALEMBIC_INI))
    if connection is not None:
        config.attributes["connection"] = connection
    return config


def head_revision() -> str:
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    assert head is not None, "alembic/versions holds no revision"
    return head


def current_revision(connectable: Engine | Connection) -> str | None:
    """The database's revision; None when no migration was ever applied."""
    if isinstance(connectable, Engine):
        with connectable.connect() as connection:
            return current_revision(connection)
    heads = MigrationContext.configure(connectable).get_current_heads()
    return ",".join(sorted(heads)) or None


def upgrade_to_head(database_url: str) -> str:
    """Check the location and connection, refuse a newer database, migrate; returns the revision."""
    with _writable_database(database_url) as engine:
        _upgrade(engine)
    return head_revision()


def downgrade_to(database_url: str, revision: str = "base") -> None:
    """Migrate down (tests, and undoing a release by hand). Drops data: never called by the app."""
    with _writable_database(database_url) as engine:
        with migration_transaction(engine) as connection:
            command.downgrade(alembic_config(connection), revision)


@contextmanager
def migration_transaction(engine: Engine, *, foreign_keys: bool = False) -> Iterator[Connection]:
    """One connection holding the write lock in one transaction, committed at the end.

    SQLite: pysqlite commits DDL on its own, so take over transaction control and BEGIN IMMEDIATE
    (which also waits for the write lock). Foreign keys are off while migrating because batch mode
    rebuilds a table by DROP TABLE, which with foreign keys on would cascade-delete child rows;
    PRAGMA foreign_key_check before the commit still refuses any broken reference. The connection
    is thrown away afterwards so these settings never reach the app's pool.
    """
    with engine.connect() as connection:
        sqlite = connection.dialect.name == "sqlite"
        try:
            if sqlite:
                connection.connection.driver_connection.isolation_level = None
                connection.exec_driver_sql(f"PRAGMA foreign_keys={'ON' if foreign_keys else 'OFF'}")
                connection.exec_driver_sql("BEGIN IMMEDIATE")
            else:
                connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": PG_MIGRATION_LOCK})
            yield connection
            if sqlite and not foreign_keys:
                broken = connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
                if broken:
                    raise StartupError(
                        f"The migration left {len(broken)} broken references (first in table "
                        f"{broken[0][0]}); nothing was changed: report this as a bug in ipapp."
                    )
            connection.commit()
        except BaseException:
            connection.rollback()
            raise
        finally:
            if sqlite:
                connection.invalidate()


def _upgrade(engine: Engine) -> None:
    with migration_transaction(engine) as connection:
        _require_not_ahead(_revision_state(connection))
        command.upgrade(alembic_config(connection), "head")


# --- the preflight ----------------------------------------------------------------------------


def check_database(settings: Settings) -> None:
    """Raise StartupError unless the database is reachable, writable and exactly at head. Writes nothing."""
    url = _parse(settings.database_url)
    if url.get_backend_name() == "sqlite":
        path = _sqlite_path(url)
        _check_sqlite_location(path)
        if not path.exists():
            _require_current(_State(current=None, unknown=False, foreign_tables=False))
        # Read-write but without ipapp's pragmas, and only SELECTs: mode=rw never creates the file,
        # and unlike mode=ro it removes the -wal/-shm files again on close.
        engine = create_engine(
            "sqlite://", creator=lambda: sqlite3.connect(f"file:{quote(str(path))}?mode=rw", uri=True)
        )
    else:
        engine = _postgres_engine(url)
    try:
        with _connected(engine, url) as connection:
            try:
                state = _revision_state(connection)
            except DBAPIError as exc:
                raise StartupError(_failure(url, exc, READ_FAILED)) from exc
    finally:
        engine.dispose()
    _require_current(state)


def prepare_database(settings: Settings) -> bool:
    """Migrate to head and, in demo mode, load the demo into a database without plans.

    Returns whether demo data was loaded.
    """
    with _writable_database(settings.database_url) as engine:
        _upgrade(engine)
        if not settings.demo_mode:
            return False
        # Lazy: the demo (and its story text) is only needed in demo mode.
        from ipapp.demo.seed import load_demo_if_empty

        # Foreign keys on, and the write lock, so two workers starting together load it once.
        with migration_transaction(engine, foreign_keys=True) as connection:
            with Session(bind=connection) as session:
                loaded = load_demo_if_empty(session)
                session.flush()
        return loaded


@contextmanager
def _writable_database(database_url: str) -> Iterator[Engine]:
    """An engine on a reachable, writable database. A new SQLite file (and directories) made here
    are removed again when anything fails while the file is still blank, so a failed start leaves
    nothing behind, and never takes away a database another process has filled meanwhile."""
    url = _parse(database_url)
    made: list[Path] = []
    new_file: Path | None = None
    engine = make_engine(database_url) if url.get_backend_name() == "sqlite" else _postgres_engine(url)
    try:
        if url.get_backend_name() == "sqlite":
            path = _sqlite_path(url)
            _check_sqlite_location(path)
            made = _make_directories(path.parent)
            new_file = _create_file(path)
        with _connected(engine, url):
            pass
        try:
            yield engine
        except DBAPIError as exc:  # e.g. locked, disk full: the transaction was rolled back
            raise StartupError(_failure(url, exc, MIGRATE_FAILED)) from exc
    except BaseException:
        engine.dispose()
        _remove_if_blank(made, new_file)
        raise
    finally:
        engine.dispose()


def _make_directories(directory: Path) -> list[Path]:
    """Create the missing directories; returns those this call made (top first)."""
    made: list[Path] = []
    try:
        for missing in [d for d in reversed([directory, *directory.parents]) if not d.exists()]:
            try:
                missing.mkdir()
            except FileExistsError:
                continue  # another process was quicker: not ours to remove
            made.append(missing)
    except OSError as exc:
        _remove_if_blank(made, None)
        raise StartupError(
            f"Cannot create the database directory {directory}: {exc.strerror or exc}. "
            "Create it yourself or point DATABASE_URL somewhere else."
        ) from exc
    return made


def _create_file(path: Path) -> Path | None:
    """Create the (empty, so valid) SQLite file if it is missing; returns it when this call made it."""
    try:
        os.close(os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600))
    except FileExistsError:
        return None
    except OSError as exc:
        raise StartupError(
            f"Cannot create the database file {path}: {exc.strerror or exc}. "
            "Give this user write access or point DATABASE_URL somewhere else."
        ) from exc
    return path


def _remove_if_blank(directories: list[Path], file: Path | None) -> None:
    # Best effort, and never hiding the real error. A file with tables in it stays (another
    # process migrated it meanwhile); a directory someone else filled stays.
    with suppress(OSError, sqlite3.Error):
        if file is not None:
            if file.stat().st_size > 0:
                with closing(sqlite3.connect(f"file:{quote(str(file))}?mode=rw", uri=True)) as db:
                    if db.execute("SELECT count(*) FROM sqlite_master").fetchone()[0]:
                        return
            for suffix in ("", "-wal", "-shm", "-journal"):
                Path(f"{file}{suffix}").unlink(missing_ok=True)
        for directory in reversed(directories):
            directory.rmdir()


# --- revisions --------------------------------------------------------------------------------


@dataclass(frozen=True)
class _State:
    current: str | None
    unknown: bool  # a revision this code does not know: made by a newer ipapp
    foreign_tables: bool  # tables but no migration record: not an ipapp database


def _revision_state(connection: Connection) -> _State:
    current = current_revision(connection)
    if current is None:
        tables = set(inspect(connection).get_table_names()) - {VERSION_TABLE}
        return _State(current=None, unknown=False, foreign_tables=bool(tables))
    script = ScriptDirectory.from_config(alembic_config())
    unknown = False
    for revision in current.split(","):
        try:
            unknown = unknown or script.get_revision(revision) is None
        except (RevisionError, CommandError):
            unknown = True
    return _State(current=current, unknown=unknown, foreign_tables=False)


def _require_not_ahead(state: _State) -> None:
    if state.unknown:
        raise StartupError(
            f"The database was migrated by a newer ipapp (revision {state.current}, unknown here): "
            "update the code, do not start this version."
        )
    if state.foreign_tables:
        raise StartupError(
            "The database has tables but no ipapp migration record (alembic_version is missing or empty): "
            "point DATABASE_URL at an empty database or at one made by ipapp."
        )


def _require_current(state: _State) -> None:
    _require_not_ahead(state)
    head = head_revision()
    if state.current != head:
        where = state.current or "none (empty database)"
        raise StartupError(f"The database is at migration {where} but this code needs {head}: {RUN_HINT}.")


# --- URLs, locations, connections -------------------------------------------------------------


def _parse(database_url: str) -> URL:
    try:
        url = make_url(database_url)
    except (ArgumentError, ValueError):
        raise StartupError(f"DATABASE_URL is not a valid database URL: {URL_HINT}.") from None
    supported = {"sqlite": ("pysqlite",), "postgresql": ("psycopg", "psycopg2")}
    if url.get_driver_name() not in supported.get(url.get_backend_name(), ()):
        raise StartupError(f"DATABASE_URL uses {url.drivername!r}, which ipapp does not support: {URL_HINT}.")
    return url


def _sqlite_path(url: URL) -> Path:
    if url.database in (None, "", ":memory:"):
        raise StartupError(
            "DATABASE_URL points at an in-memory SQLite database, which every process would see "
            f"empty: {URL_HINT}."
        )
    return Path(url.database).absolute()


def _check_sqlite_location(path: Path) -> None:
    """The file's directory must exist or be creatable, and be writable (SQLite's WAL needs to
    create files next to it); the file, if it exists, must be a writable file. Touches nothing."""
    try:
        _check_sqlite_location_or_raise(path)
    except OSError as exc:  # e.g. a directory on the way that this user may not enter
        raise StartupError(
            f"Cannot look at the database location {path}: {exc.strerror or exc}. "
            "Give this user access or point DATABASE_URL somewhere else."
        ) from exc


def _check_sqlite_location_or_raise(path: Path) -> None:
    if path.is_dir():
        raise StartupError(f"The database path {path} is a directory: point DATABASE_URL at a file inside it.")
    existing = next(p for p in path.parents if p.exists())
    if not existing.is_dir():
        raise StartupError(
            f"The database directory {path.parent} cannot be made: {existing} is a file, not a "
            "directory. Point DATABASE_URL somewhere else or move that file."
        )
    # os.access also sees read-only mounts and immutable files, which matter even to root.
    if not os.access(existing, os.W_OK | os.X_OK):
        what = "database directory" if existing == path.parent else f"directory (where {path.parent} would go)"
        raise StartupError(
            f"The {what} {existing} is not writable: give this user write access or point "
            "DATABASE_URL somewhere else."
        )
    for file in (path, Path(f"{path}-wal"), Path(f"{path}-shm")):
        if file.exists() and not os.access(file, os.R_OK | os.W_OK):
            raise StartupError(
                f"The database file {file} is not writable: give this user write access to it."
            )


def _postgres_engine(url: URL) -> Engine:
    # A firewalled host would otherwise hang the start for minutes.
    if "connect_timeout" not in url.query:
        url = url.update_query_dict({"connect_timeout": PG_CONNECT_TIMEOUT_SECONDS})
    return make_engine(url.render_as_string(hide_password=False))


@contextmanager
def _connected(engine: Engine, url: URL) -> Iterator[Connection]:
    """Connect, turning a failure to connect into one line that names the server, not the password."""
    try:
        connection = engine.connect()
    except (DBAPIError, NoSuchModuleError, ImportError, sqlite3.Error) as exc:
        template = OPEN_FAILED if url.get_backend_name() == "sqlite" else CONNECT_FAILED
        raise StartupError(_failure(url, exc, template)) from exc
    with connection:
        yield connection


def _failure(url: URL, exc: BaseException, template: str) -> str:
    """template with {what} (the database, never its password) and {reason} (the driver's first line)."""
    lines = str(getattr(exc, "orig", None) or exc).strip().splitlines()
    reason = (lines[0].strip() if lines else type(exc).__name__).removeprefix("connection failed: ").rstrip(".")
    if url.password:
        reason = reason.replace(str(url.password), "***")
    if url.get_backend_name() == "sqlite":
        what = f"the SQLite database {url.database}"
    else:
        what = (
            f"the PostgreSQL database at {url.host or 'localhost'}:{url.port or 5432} "
            f"(database {url.database!r}, user {url.username!r})"
        )
    return template.format(what=what, reason=reason)
