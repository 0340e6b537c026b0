"""Shared fixtures: SQLite files, a migrated SQLite engine, and a throwaway PostgreSQL server."""

import os
import uuid
from collections.abc import Iterator

# Before ipapp is imported anywhere: tests never read production settings by accident.
os.environ["IPAPP_ENV"] = "development"

import pytest
from sqlalchemy.engine import Engine

from ipapp.config import reset_settings_cache
from ipapp.db import make_engine
from ipapp.startup import upgrade_to_head

reset_settings_cache()


@pytest.fixture
def sqlite_url(tmp_path) -> str:
    """A SQLite file that does not exist yet."""
    return f"sqlite:///{tmp_path / 'ipapp.sqlite3'}"


@pytest.fixture
def migrated_sqlite_engine(sqlite_url) -> Iterator[Engine]:
    upgrade_to_head(sqlite_url)
    engine = make_engine(sqlite_url)
    yield engine
    engine.dispose()


@pytest.fixture(scope="session")
def postgres_server():
    from postgres_server import PostgresServer, PostgresUnavailable

    server = None
    try:
        server = PostgresServer()
        server.start()
    except BaseException as exc:
        if server is not None:
            server.stop()  # no half-started cluster or temp dir left behind
        if not isinstance(exc, PostgresUnavailable):
            raise
        if os.environ.get("IPAPP_SKIP_POSTGRES", "").strip() == "1":
            pytest.skip(f"IPAPP_SKIP_POSTGRES=1: {exc}")
        pytest.fail(str(exc), pytrace=False)
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="module")
def redis_url():
    """A throwaway redis-server on loopback for one test module (tests/redis_server.py)."""
    from redis_server import RedisServer, RedisUnavailable

    try:
        server = RedisServer()
    except RedisUnavailable as missing:
        pytest.fail(str(missing), pytrace=False)
    yield server.url
    server.stop()


@pytest.fixture(scope="session")
def postgres_url(postgres_server) -> str:
    """The session's PostgreSQL database. Tests that migrate it must leave it empty again."""
    return postgres_server.url


@pytest.fixture
def fresh_postgres_url(postgres_server) -> Iterator[str]:
    """A new, empty PostgreSQL database for one test."""
    name = f"ipapp_{uuid.uuid4().hex[:12]}"
    yield postgres_server.create_database(name)
    postgres_server.drop_database(name)


@pytest.fixture
def service_engine(tmp_path, monkeypatch) -> Iterator[Engine]:
    """An empty SQLite database (file, real pragmas, every table) that the services use, with
    development settings, origin http://localhost:3000, and no demo mode or identity key."""
    from sqlmodel import SQLModel

    from ipapp import db

    monkeypatch.setenv("IPAPP_ENV", "development")
    monkeypatch.setenv("IPAPP_ORIGIN", "http://localhost:3000")
    monkeypatch.delenv("IPAPP_DEMO", raising=False)
    monkeypatch.delenv("IPAPP_IDENTITY_KEY", raising=False)
    reset_settings_cache()
    engine = make_engine(f"sqlite:///{tmp_path / 'services.sqlite3'}")
    SQLModel.metadata.create_all(engine)
    db.use_engine(engine)
    yield engine
    db.use_engine(None)
    engine.dispose()
    reset_settings_cache()


@pytest.fixture
def demo_cast(service_engine, monkeypatch):
    """service_engine with the demo plan loaded, and demo mode on."""
    from ipapp import db
    from ipapp.demo.seed import load_demo

    monkeypatch.setenv("IPAPP_DEMO", "1")
    reset_settings_cache()
    with db.transaction() as session:
        return load_demo(session)
