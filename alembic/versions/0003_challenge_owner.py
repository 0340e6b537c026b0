"""auth_challenge.client_key and indexes: outstanding challenges are bounded per client address and
per account, and expired ones are purged as the app runs

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-01 22:30:00

Must upgrade and downgrade on SQLite (batch mode) and PostgreSQL: tests/test_migrations.py runs both.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = '0003'
down_revision: str | Sequence[str] | None = '0002'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('auth_challenge') as batch_op:
        batch_op.add_column(sa.Column('client_key', sa.String(length=64), nullable=True))
        batch_op.create_index(batch_op.f('ix_auth_challenge_client_key'), ['client_key'], unique=False)
        batch_op.create_index(batch_op.f('ix_auth_challenge_account_id'), ['account_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_auth_challenge_expires_at'), ['expires_at'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('auth_challenge') as batch_op:
        batch_op.drop_index(batch_op.f('ix_auth_challenge_expires_at'))
        batch_op.drop_index(batch_op.f('ix_auth_challenge_account_id'))
        batch_op.drop_index(batch_op.f('ix_auth_challenge_client_key'))
        batch_op.drop_column('client_key')
