"""access_grant.lapse_chosen_at: the owner chose to let a grant run out (no more reminders)

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23 19:00:00

Must upgrade and downgrade on SQLite (batch mode) and PostgreSQL: tests/test_migrations.py runs both.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = '0002'
down_revision: str | Sequence[str] | None = '0001'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('access_grant') as batch_op:
        batch_op.add_column(sa.Column('lapse_chosen_at', sa.DateTime(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('access_grant') as batch_op:
        batch_op.drop_column('lapse_chosen_at')
