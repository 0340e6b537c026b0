"""plan.change_seq: raised in the transaction of every write that changes what a plan's pages
show, so a worker may keep a page's read until the number moves (ipapp/services/read_cache.py)

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-02 14:00:00

Must upgrade and downgrade on SQLite (batch mode) and PostgreSQL.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0011'
down_revision: str | Sequence[str] | None = '0010'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('plan') as batch_op:
        batch_op.add_column(sa.Column('change_seq', sa.Integer(), nullable=False, server_default='0'))


def downgrade() -> None:
    with op.batch_alter_table('plan') as batch_op:
        batch_op.drop_column('change_seq')
