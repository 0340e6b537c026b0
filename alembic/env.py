"""Alembic environment for ipapp.

Two ways in:
- ipapp.startup (the app, the CLI, the tests) hands over an open connection in
  config.attributes["connection"] and owns its transaction, locking and commit;
- the plain `alembic` command line: the URL comes from ipapp's settings (DATABASE_URL).
Engines are always made by ipapp.db.make_engine, so SQLite gets the same pragmas as the app.
"""

from logging.config import fileConfig

from alembic import context
from sqlalchemy.engine import Connection
from sqlmodel.sql.sqltypes import AutoString

import ipapp.models
from ipapp.config import load_settings
from ipapp.db import make_engine

config = context.config
target_metadata = ipapp.models.metadata


def render_item(type_: str, obj, _autogen_context):
    """Render sqlmodel's AutoString as plain sa.String, so migrations do not depend on sqlmodel."""
    if type_ == "type" and isinstance(obj, AutoString):
        return f"sa.String(length={obj.length})" if obj.length else "sa.String()"
    return False


def run_with(connection: Connection) -> None:
    is_sqlite = connection.dialect.name == "sqlite"
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        # SQLite cannot ALTER most things: batch mode rebuilds the table instead.
        render_as_batch=is_sqlite,
        compare_type=True,
        render_item=render_item,
        # SQLite can roll back DDL too; ipapp.startup opens the transaction itself (BEGIN IMMEDIATE).
        transactional_ddl=True,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        run_with(connection)
        return
    # The alembic command line: its logging setup would reset the app's, so only here.
    if config.config_file_name is not None:
        fileConfig(config.config_file_name, disable_existing_loggers=False)
    from ipapp.startup import migration_transaction  # locks, and makes SQLite DDL transactional

    engine = make_engine(load_settings().database_url)
    try:
        with migration_transaction(engine) as connection:
            run_with(connection)
    finally:
        engine.dispose()


if context.is_offline_mode():
    raise SystemExit("ipapp: offline (--sql) migrations are not supported; run `python -m ipapp.cli migrate`.")
run_online()
