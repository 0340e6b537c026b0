"""The preflight: a database that cannot work is refused with one plain line, and nothing is written.

Real files, real SQLite, a real PostgreSQL server; the CLI runs in a subprocess like `make run` runs it.
"""

import hashlib
import os
import shutil
import socket
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import inspect, text

from ipapp.config import PROJECT_ROOT, load_settings
from ipapp.db import make_engine
from ipapp.startup import StartupError, check_database, current_revision, head_revision, prepare_database


def settings_for(url: str, *, demo: bool = False):
    env = {"IPAPP_ENV": "development", "DATABASE_URL": url}
    if demo:
        env["IPAPP_DEMO"] = "1"
    return load_settings(env)


def snapshot(root: Path) -> dict[str, str]:
    """Every file and directory under root with a hash of its content: any write shows up."""
    found = {}
    for path in sorted(root.rglob("*")):
        key = str(path.relative_to(root))
        found[key] = "dir" if path.is_dir() else hashlib.sha256(path.read_bytes()).hexdigest()
    return found


def refused(action, settings) -> str:
    """The StartupError message of action(settings), checked to be one plain line."""
    with pytest.raises(StartupError) as caught:
        action(settings)
    message = str(caught.value)
    assert message and "\n" not in message and message == message.strip()
    return message


def run_cli(command: str, url: str, *, demo: bool = False, prefix: tuple[str, ...] = ()):
    env = {**os.environ, "IPAPP_ENV": "development", "DATABASE_URL": url}
    env.pop("IPAPP_DEMO", None)
    if demo:
        env["IPAPP_DEMO"] = "1"
    return subprocess.run(
        [*prefix, sys.executable, "-m", "ipapp.cli", command],
        cwd=PROJECT_ROOT, env=env, capture_output=True, text=True, timeout=120,
    )


def assert_cli_refuses(result, *fragments: str) -> str:
    assert result.returncode == 2, result.stderr
    assert result.stdout == ""
    assert "Traceback" not in result.stderr
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("ipapp: "), result.stderr
    for fragment in fragments:
        assert fragment in lines[0]
    return lines[0]


def table_names(url: str) -> set[str]:
    engine = make_engine(url)
    try:
        return set(inspect(engine).get_table_names())
    finally:
        engine.dispose()


def set_revision(url: str, revision: str) -> None:
    engine = make_engine(url)
    try:
        with engine.begin() as conn:
            conn.execute(text("UPDATE alembic_version SET version_num = :r"), {"r": revision})
    finally:
        engine.dispose()


def count_plans(url: str) -> int:
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            return conn.execute(text("SELECT count(*) FROM plan")).scalar_one()
    finally:
        engine.dispose()


@pytest.fixture
def closed_port():
    """A loopback port bound but not listening: connecting is refused, and no one can take it."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        yield sock.getsockname()[1]


# --- unwritable or unusable SQLite locations ---------------------------------------------------


@pytest.mark.parametrize("below_file", ["ipapp.sqlite3", "sub/deeper/ipapp.sqlite3"])
@pytest.mark.parametrize("action", [check_database, prepare_database])
def test_parent_that_is_a_file_is_refused(tmp_path, below_file, action):
    blocker = tmp_path / "not-a-directory"
    blocker.write_text("a file where the database directory should be")
    settings = settings_for(f"sqlite:///{blocker / below_file}")
    before = snapshot(tmp_path)
    message = refused(action, settings)
    assert str(blocker) in message and "is a file" in message
    assert snapshot(tmp_path) == before


@pytest.mark.parametrize("action", [check_database, prepare_database])
def test_database_path_that_is_a_directory_is_refused(tmp_path, action):
    (tmp_path / "ipapp.sqlite3").mkdir()
    before = snapshot(tmp_path)
    assert "is a directory" in refused(action, settings_for(f"sqlite:///{tmp_path / 'ipapp.sqlite3'}"))
    assert snapshot(tmp_path) == before


@pytest.mark.parametrize("action", [check_database, prepare_database])
def test_file_that_is_not_a_database_is_refused(tmp_path, action):
    path = tmp_path / "ipapp.sqlite3"
    path.write_text("these are someone's notes, not a database\n" * 100)
    before = snapshot(tmp_path)
    message = refused(action, settings_for(f"sqlite:///{path}"))
    assert str(path) in message and "not a database" in message
    assert snapshot(tmp_path) == before


@pytest.mark.parametrize("action", [check_database, prepare_database])
def test_database_with_foreign_tables_is_refused(tmp_path, action):
    path = tmp_path / "other.sqlite3"
    engine = make_engine(f"sqlite:///{path}")
    with engine.begin() as conn:
        conn.execute(text("CREATE TABLE stuff (id INTEGER PRIMARY KEY)"))
    engine.dispose()
    before = snapshot(tmp_path)
    assert "no ipapp migration record" in refused(action, settings_for(f"sqlite:///{path}"))
    assert snapshot(tmp_path) == before


def readonly_prefix(path: Path) -> tuple[str, ...]:
    """A command prefix under which `path` is on a read-only mount.

    Root ignores permission bits, so as root a private mount namespace bind-mounts the path
    read-only for that one process (gone when it exits); a normal user gets chmod instead.
    """
    if os.geteuid() != 0:
        path.chmod(0o555 if path.is_dir() else 0o444)
        return ()
    if shutil.which("unshare") is None:
        pytest.skip("as root a read-only path needs `unshare` (util-linux) for a private mount")
    prefix = ("unshare", "--mount", "--propagation", "private", "sh", "-c",
              'mount --bind -o ro "$0" "$0" && exec "$@"', str(path))
    probe = subprocess.run([*prefix, "true"], capture_output=True, text=True)
    if probe.returncode != 0:
        pytest.skip(f"cannot make a read-only mount here: {probe.stderr.strip()}")
    return prefix


@pytest.mark.parametrize("below", ["ipapp.sqlite3", "new/ipapp.sqlite3"])
@pytest.mark.parametrize("command", ["check", "migrate", "prepare"])
def test_read_only_directory_is_refused(tmp_path, command, below):
    directory = tmp_path / "data"
    directory.mkdir()
    before = snapshot(tmp_path)
    result = run_cli(command, f"sqlite:///{directory / below}", prefix=readonly_prefix(directory))
    assert_cli_refuses(result, str(directory), "not writable")
    directory.chmod(0o755)
    assert snapshot(tmp_path) == before


@pytest.mark.parametrize("command", ["check", "migrate", "prepare"])
def test_read_only_database_file_is_refused(migrated_sqlite_engine, sqlite_url, tmp_path, command):
    migrated_sqlite_engine.dispose()
    path = Path(sqlite_url.removeprefix("sqlite:///"))
    before = snapshot(tmp_path)
    result = run_cli(command, sqlite_url, prefix=readonly_prefix(path))
    assert_cli_refuses(result, str(path), "not writable")
    path.chmod(0o644)
    assert snapshot(tmp_path) == before


# --- URLs that do not connect ------------------------------------------------------------------


@pytest.mark.parametrize("action", [check_database, prepare_database])
def test_closed_port_names_the_server_not_the_password(closed_port, action):
    settings = settings_for(f"postgresql://ipapp:hunter2-secret@127.0.0.1:{closed_port}/ipapp")
    message = refused(action, settings)
    assert f"127.0.0.1:{closed_port}" in message and "refused" in message
    assert "hunter2-secret" not in message


def test_unknown_host_is_one_line():
    message = refused(check_database, settings_for("postgresql://ipapp:hunter2-secret@nohost.invalid/ipapp"))
    assert "nohost.invalid:5432" in message and "hunter2-secret" not in message


@pytest.mark.parametrize("url", [
    "not a database url",
    "postgresql://ipapp:hunter2-secret@db.example:notaport/ipapp",
    "mysql://ipapp:hunter2-secret@localhost/ipapp",
    "sqlite://",
])
@pytest.mark.parametrize("action", [check_database, prepare_database])
def test_malformed_or_unsupported_url_is_refused(url, action):
    message = refused(action, settings_for(url))
    assert "DATABASE_URL" in message and "hunter2-secret" not in message


@pytest.mark.postgres
def test_wrong_password_names_the_server_not_the_password(postgres_server):
    from postgres_server import DATABASE, PASSWORD_ROLE

    url = f"postgresql://{PASSWORD_ROLE}:WRONG-pass-777@127.0.0.1:{postgres_server.port}/{DATABASE}"
    for action in (check_database, prepare_database):
        message = refused(action, settings_for(url))
        assert f"127.0.0.1:{postgres_server.port}" in message
        assert "password authentication failed" in message and "WRONG-pass-777" not in message
    line = assert_cli_refuses(run_cli("check", url), "password authentication failed")
    assert "WRONG-pass-777" not in line


# --- revisions: behind, ahead, current ---------------------------------------------------------


def test_missing_database_is_behind_and_check_creates_nothing(tmp_path):
    url = f"sqlite:///{tmp_path / 'new' / 'ipapp.sqlite3'}"
    message = refused(check_database, settings_for(url))
    assert message == (
        f"The database is at migration none (empty database) but this code needs {head_revision()}: "
        "run `make run` (or `python -m ipapp.cli migrate`)."
    )
    assert snapshot(tmp_path) == {}


@pytest.mark.postgres
def test_empty_postgres_database_is_behind_and_check_creates_nothing(fresh_postgres_url):
    message = refused(check_database, settings_for(fresh_postgres_url))
    assert "at migration none" in message and head_revision() in message
    assert table_names(fresh_postgres_url) == set()


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def migrated_url(request) -> str:
    url = request.getfixturevalue("sqlite_url" if request.param == "sqlite" else "fresh_postgres_url")
    prepare_database(settings_for(url))
    return url


def test_database_from_a_newer_ipapp_is_refused_and_left_alone(migrated_url, tmp_path):
    set_revision(migrated_url, "9999_future")
    tables = table_names(migrated_url)
    files = snapshot(tmp_path)
    for action in (check_database, prepare_database):
        assert refused(action, settings_for(migrated_url)) == (
            "The database was migrated by a newer ipapp (revision 9999_future, unknown here): "
            "update the code, do not start this version."
        )
    assert table_names(migrated_url) == tables
    engine = make_engine(migrated_url)
    assert current_revision(engine) == "9999_future"
    engine.dispose()
    assert snapshot(tmp_path) == files
    assert_cli_refuses(run_cli("prepare", migrated_url), "newer ipapp", "9999_future")


def test_downgraded_database_is_behind(migrated_url):
    from ipapp.startup import downgrade_to

    downgrade_to(migrated_url, "base")
    message = refused(check_database, settings_for(migrated_url))
    assert "at migration none" in message and "make run" in message
    assert table_names(migrated_url) == {"alembic_version"}


def test_current_database_passes_check_and_check_writes_nothing(migrated_url, tmp_path):
    files = snapshot(tmp_path)
    check_database(settings_for(migrated_url))
    assert snapshot(tmp_path) == files
    result = run_cli("check", migrated_url)
    assert result.returncode == 0 and result.stderr == ""
    assert result.stdout == f"ipapp: the database is ready (migration {head_revision()}).\n"


# --- prepare -----------------------------------------------------------------------------------


def test_prepare_creates_and_migrates_a_new_sqlite_database(tmp_path):
    url = f"sqlite:///{tmp_path / 'new' / 'dir' / 'ipapp.sqlite3'}"
    assert prepare_database(settings_for(url)) is False
    engine = make_engine(url)
    assert current_revision(engine) == head_revision()
    engine.dispose()
    assert "plan" in table_names(url) and count_plans(url) == 0
    check_database(settings_for(url))


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def empty_url(request) -> str:
    return request.getfixturevalue("sqlite_url" if request.param == "sqlite" else "fresh_postgres_url")


def test_prepare_in_demo_mode_loads_the_demo_once(empty_url):
    assert prepare_database(settings_for(empty_url, demo=True)) is True
    assert count_plans(empty_url) == 1
    assert prepare_database(settings_for(empty_url, demo=True)) is False
    assert count_plans(empty_url) == 1
    check_database(settings_for(empty_url))


def test_workers_preparing_at_once_load_the_demo_once(empty_url):
    env = {**os.environ, "IPAPP_ENV": "development", "IPAPP_DEMO": "1", "DATABASE_URL": empty_url}
    workers = [
        subprocess.Popen([sys.executable, "-m", "ipapp.cli", "prepare"], cwd=PROJECT_ROOT, env=env,
                         stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        for _ in range(3)
    ]
    assert [(w.wait(timeout=120), w.stderr.read()) for w in workers] == [(0, "")] * 3
    for worker in workers:
        worker.stderr.close()
    assert count_plans(empty_url) == 1


def test_cli_prepare_reports_in_one_line(sqlite_url):
    first = run_cli("prepare", sqlite_url, demo=True)
    assert (first.returncode, first.stderr) == (0, "")
    assert first.stdout == f"ipapp: the database is at migration {head_revision()}; demo data loaded.\n"
    again = run_cli("prepare", sqlite_url, demo=True)
    assert again.stdout == f"ipapp: the database is at migration {head_revision()}; demo data already there.\n"


@pytest.mark.parametrize("case", ["parent_is_file", "closed_port", "malformed", "behind", "production_without_key"])
def test_cli_failures_are_one_line_without_traceback(tmp_path, closed_port, case):
    (tmp_path / "file").write_text("x")
    url = {
        "parent_is_file": f"sqlite:///{tmp_path / 'file' / 'ipapp.sqlite3'}",
        "closed_port": f"postgresql://ipapp:hunter2-secret@127.0.0.1:{closed_port}/ipapp",
        "malformed": "postgresql://ipapp:hunter2-secret@host:port/ipapp",
        "behind": f"sqlite:///{tmp_path / 'ipapp.sqlite3'}",
        "production_without_key": f"sqlite:///{tmp_path / 'ipapp.sqlite3'}",
    }[case]
    command = "prepare" if case != "behind" else "check"
    if case == "production_without_key":
        # A ConfigError (production needs its keys) is reported the same way.
        env = {k: v for k, v in os.environ.items() if not k.startswith("IPAPP_")}
        result = subprocess.run(
            [sys.executable, "-m", "ipapp.cli", "check"], cwd=PROJECT_ROOT, capture_output=True, text=True,
            env={**env, "IPAPP_ENV": "production", "DATABASE_URL": url}, timeout=120,
        )
    else:
        result = run_cli(command, url)
    line = assert_cli_refuses(result)
    assert "hunter2-secret" not in line
    assert sorted(p.name for p in tmp_path.iterdir()) == ["file"]
