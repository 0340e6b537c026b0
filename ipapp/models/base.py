"""Shared column helpers. All datetimes are naive UTC (fields typed NaiveDatetime: sqlmodel would otherwise demand
aware values); pages show them in Europe/Oslo."""

from datetime import UTC, datetime

from sqlmodel import SQLModel

# Stable constraint names, so alembic migrations name them the same on SQLite and PostgreSQL.
SQLModel.metadata.naming_convention = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def utcnow() -> datetime:
    """Now, as the naive UTC value the tables store."""
    return datetime.now(UTC).replace(tzinfo=None)
