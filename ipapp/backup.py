"""Backups while the app runs, and restoring one into an empty database.

Why each engine is done this way:

- SQLite: copying the file (cp, rsync) while the app writes can catch a half-written page, and
  misses committed transactions that so far live only in the -wal file. The sqlite3 online backup
  API copies every page inside one read transaction, so the copy is the database as of one
  instant, WAL included; in WAL mode the app's writers do not wait for it. The copy is made a
  single self-contained file (journal_mode=DELETE) and integrity-checked before it gets its name.
- PostgreSQL: a server's data directory cannot be copied from under it. pg_dump reads everything
  in one snapshot (consistent, and it blocks no writer); the custom format is compressed and is
  what pg_restore reads. pg_restore runs with --single-transaction and --exit-on-error, so a
  failed restore leaves the database empty again, and with --no-owner and --no-acl, so the
  tables belong to DATABASE_URL's user whatever the roles were where the backup was taken.

A restore only goes into an empty database: it never merges with or overwrites data. A backup
does not need the code's migration (take one before upgrading the code, too), only an ipapp
database. Files are written under a temporary name with mode 0600 (they hold health data),
flushed to disk, then renamed, so a half-written file never carries the name asked for.
"""

import glob
import logging
import os
import shutil
import sqlite3
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import closing, contextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

from psycopg.conninfo import make_conninfo
from sqlalchemy import inspect, text
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError

from ipapp.db import make_engine
from ipapp.startup import current_revision

SQLITE_MAGIC = b"SQLite format 3\x00"
PG_CUSTOM_MAGIC = b"PGDMP"
SQLITE_TIMEOUT_SECONDS = 15
log = logging.getLogger("ipapp.backup")


class BackupError(Exception):
    """A backup or restore that cannot be done; the message is one line saying what to do."""


@dataclass(frozen=True)
class Done:
    engine: str  # "SQLite" or "PostgreSQL"
    revision: str  # the migration the copied database is at
    path: Path
    tables: dict[str, int]  # restore: rows per table afterwards; backup: empty


# --- the two commands -------------------------------------------------------------------------


def backup(database_url: str, path: str | Path) -> Done:
    """A consistent copy of the database at `path`, which must not exist yet."""
    url, target = _url(database_url), Path(path).absolute()
    if target.exists() or target.is_symlink():
        raise BackupError(f"{target} already exists: give the backup a new name (a backup never overwrites a file).")
    if not target.parent.is_dir():
        raise BackupError(f"The directory {target.parent} does not exist: create it first, readable only by this user.")
    with _private_temp(target, keep_open=not _is_sqlite(url)) as (fd, temp):
        if _is_sqlite(url):
            revision = _sqlite_backup(_sqlite_path(url), temp)
        else:
            revision = _revision_of(database_url)
            _run_pg_tool("pg_dump", url, ["--format=custom"], stdout=fd)
        _publish(temp, target, overwrite_blank=False)
    return Done(_engine_name(url), revision, target, {})


def restore(database_url: str, path: str | Path) -> Done:
    """Bring the backup at `path` into the configured database, which must be empty."""
    url, source = _url(database_url), Path(path).absolute()
    _require_backup_for(url, source)
    if _is_sqlite(url):
        target = _sqlite_path(url)
        _require_blank_sqlite(target)
        try:
            target.parent.mkdir(mode=0o700, parents=True, exist_ok=True)  # e.g. data/ on a new machine
        except OSError as exc:
            raise BackupError(f"Cannot create the database directory {target.parent}: {exc.strerror or exc}.") from exc
        with _private_temp(target, keep_open=False) as (_, temp):
            _sqlite_copy(source, temp, source_mode="ro")  # a backup is never changed
            _publish(temp, target, overwrite_blank=True)
    else:
        _require_empty_postgres(database_url)
        _run_pg_tool("pg_restore", url, ["--no-owner", "--no-acl", "--exit-on-error", "--single-transaction",
                                         str(source)])
    return Done(_engine_name(url), _revision_of(database_url), source, row_counts(database_url))


def row_counts(database_url: str) -> dict[str, int]:
    """Rows in each table, by name."""
    engine = make_engine(database_url)
    try:
        with engine.connect() as connection:
            names = sorted(inspect(connection).get_table_names())
            quote_name = connection.dialect.identifier_preparer.quote
            return {name: connection.execute(text(f"SELECT count(*) FROM {quote_name(name)}")).scalar_one()
                    for name in names}
    finally:
        engine.dispose()


# --- SQLite -----------------------------------------------------------------------------------


def _sqlite_backup(source: Path, temp: Path) -> str:
    if not source.is_file():
        raise BackupError(f"There is no SQLite database at {source}: check DATABASE_URL.")
    # mode=rw: never creates a missing file, and unlike ro it can join the app's WAL (-shm).
    return _sqlite_copy(source, temp, source_mode="rw")


def _sqlite_copy(source: Path, temp: Path, *, source_mode: str) -> str:
    """source -> temp with the online backup API, made one self-contained file (journal_mode
    DELETE: no -wal beside it; the app turns WAL on again when it opens it) and checked; returns
    the copy's migration."""
    try:
        with closing(sqlite3.connect(f"file:{quote(str(source))}?mode={source_mode}", uri=True,
                                     timeout=SQLITE_TIMEOUT_SECONDS)) as src, \
                closing(sqlite3.connect(temp, timeout=SQLITE_TIMEOUT_SECONDS)) as dst:
            src.backup(dst)  # all pages in one step: one read transaction, one instant
            dst.execute("PRAGMA journal_mode=DELETE")
            problem = dst.execute("PRAGMA integrity_check").fetchone()[0]
            revision = _sqlite_revision(dst)
    except sqlite3.Error as exc:
        raise BackupError(f"Copying the SQLite database {source} failed: {exc}.") from exc
    if problem != "ok":
        raise BackupError(f"The copy of {source} fails SQLite's integrity check ({problem}): nothing was written.")
    if revision is None:
        raise BackupError(f"{source} is not an ipapp database (it has no migration record): nothing was written.")
    return revision


def _sqlite_revision(connection: sqlite3.Connection) -> str | None:
    try:
        row = connection.execute("SELECT group_concat(version_num, ',') FROM alembic_version").fetchone()
    except sqlite3.OperationalError:
        return None
    return row[0] if row else None


def _require_blank_sqlite(target: Path) -> None:
    # Committed data can live in the -wal file alone, so an empty main file is not enough.
    if not _is_blank_sqlite(target):
        raise BackupError(f"The SQLite database {target} is not empty: restore only into a new file "
                          "(point DATABASE_URL at a path that does not exist yet).")


def _is_blank_sqlite(target: Path) -> bool:
    return all(not f.exists() or (f.is_file() and f.stat().st_size == 0)
               for f in (target, Path(f"{target}-wal"), Path(f"{target}-journal")))


def _sqlite_path(url: URL) -> Path:
    if url.database in (None, "", ":memory:"):
        raise BackupError("DATABASE_URL points at an in-memory SQLite database: point it at the database file.")
    return Path(url.database).absolute()


# --- PostgreSQL -------------------------------------------------------------------------------


def _require_empty_postgres(database_url: str) -> None:
    engine = make_engine(database_url)
    try:
        with engine.connect() as connection:
            found = connection.execute(text(
                "SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
                "WHERE n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg_toast%' "
                "AND c.relkind IN ('r', 'p', 'v', 'm', 'S', 'f')"
            )).scalar_one()
    finally:
        engine.dispose()
    if found:
        raise BackupError(f"The PostgreSQL database {make_url(database_url).database!r} is not empty ({found} tables, "
                          "views or sequences): restore only into a new, empty database (createdb).")


def _run_pg_tool(name: str, url: URL, arguments: list[str], *, stdout: int | None = None) -> None:
    """Run pg_dump or pg_restore against url. The password goes in the environment, never on the
    command line (where `ps` shows it), and never into a message."""
    params = {"host": url.host, "port": url.port, "dbname": url.database, "user": url.username}
    params.update({k: v for k, v in url.query.items() if isinstance(v, str)})
    conninfo = make_conninfo(**{k: str(v) for k, v in params.items() if v not in (None, "")})
    env = {**os.environ, "PGCONNECT_TIMEOUT": os.environ.get("PGCONNECT_TIMEOUT", "10")}
    if url.password:
        env["PGPASSWORD"] = str(url.password)
    command = [_pg_tool(name), "--no-password", f"--dbname={conninfo}", *arguments]
    log.info("running %s", " ".join(command))  # no password in it
    result = subprocess.run(command, stdout=stdout, stderr=subprocess.PIPE, env=env, text=True)
    if result.returncode != 0:
        lines = [line.strip() for line in result.stderr.splitlines() if line.strip()]
        reason = (lines[0] if lines else f"exit status {result.returncode}").removeprefix(f"{name}: ")
        if url.password:
            reason = reason.replace(str(url.password), "***")
        more = " (nothing was restored)" if name == "pg_restore" else ""
        raise BackupError(f"{name} failed{more}: {reason}")


def _pg_tool(name: str) -> str:
    if found := shutil.which(name):
        return found
    # Debian keeps the versioned binaries off PATH (/usr/lib/postgresql/15/bin); newest first,
    # since pg_dump refuses a server newer than itself.
    def version(found: str) -> int:
        number = Path(found).parent.parent.name
        return int(number) if number.isdigit() else 0

    if versions := sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"), key=version, reverse=True):
        return versions[0]
    raise BackupError(f"{name} was not found: install the PostgreSQL client (Debian: apt-get install "
                      "postgresql-client) or put it on PATH.")


# --- shared -----------------------------------------------------------------------------------


def _url(database_url: str) -> URL:
    try:
        url = make_url(database_url)
    except (ArgumentError, ValueError):
        raise BackupError("DATABASE_URL is not a valid database URL.") from None
    if url.get_backend_name() not in ("sqlite", "postgresql"):
        raise BackupError(f"DATABASE_URL uses {url.drivername!r}: backups support SQLite and PostgreSQL.")
    return url


def _is_sqlite(url: URL) -> bool:
    return url.get_backend_name() == "sqlite"


def _engine_name(url: URL) -> str:
    return "SQLite" if _is_sqlite(url) else "PostgreSQL"


def _revision_of(database_url: str) -> str:
    engine = make_engine(database_url)
    try:
        revision = current_revision(engine)
    finally:
        engine.dispose()
    if revision is None:
        raise BackupError("The database has no ipapp migration record: check DATABASE_URL.")
    return revision


def _require_backup_for(url: URL, source: Path) -> None:
    """source is a backup made for url's engine (by its first bytes)."""
    try:
        with open(source, "rb") as file:
            head = file.read(len(SQLITE_MAGIC))
    except OSError as exc:
        raise BackupError(f"Cannot read the backup {source}: {exc.strerror or exc}.") from exc
    kind = "SQLite" if head == SQLITE_MAGIC else "PostgreSQL" if head.startswith(PG_CUSTOM_MAGIC) else None
    if kind is None:
        raise BackupError(f"{source} is not an ipapp backup (neither a SQLite file nor a pg_dump custom archive).")
    if kind != _engine_name(url):
        raise BackupError(f"{source} is a {kind} backup but DATABASE_URL points at {_engine_name(url)}: "
                          f"restore it into a {kind} database.")


@contextmanager
def _private_temp(target: Path, *, keep_open: bool) -> Iterator[tuple[int | None, Path]]:
    """A new file beside target, mode 0600 (mkstemp), removed again unless it was renamed; its
    descriptor stays open for the caller only with keep_open (SQLite opens the path itself)."""
    try:
        fd, name = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".partial")
    except OSError as exc:
        raise BackupError(f"Cannot write in {target.parent}: {exc.strerror or exc}.") from exc
    temp = Path(name)
    if not keep_open:
        os.close(fd)
    try:
        yield (fd if keep_open else None), temp
    except OSError as exc:
        raise BackupError(f"Writing {target} failed: {exc.strerror or exc}.") from exc
    finally:
        if keep_open:
            os.close(fd)
        for leftover in (temp, Path(f"{temp}-journal"), Path(f"{temp}-wal"), Path(f"{temp}-shm")):
            leftover.unlink(missing_ok=True)


def _publish(temp: Path, target: Path, *, overwrite_blank: bool) -> None:
    """fsync temp, then give it target's name (checked again at the last moment) and fsync the
    directory, so the name survives a crash too."""
    with open(temp, "rb+") as file:
        os.fsync(file.fileno())
    if overwrite_blank:
        _require_blank_sqlite(target)
        for stale in (Path(f"{target}-wal"), Path(f"{target}-shm"), Path(f"{target}-journal")):
            stale.unlink(missing_ok=True)  # blank (checked), and a stale -shm must not meet new pages
    elif target.exists():
        raise BackupError(f"{target} appeared while the backup was written: give the backup a new name.")
    os.replace(temp, target)
    directory = os.open(target.parent, os.O_RDONLY)
    try:
        os.fsync(directory)
    finally:
        os.close(directory)
