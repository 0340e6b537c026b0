"""reminder_outbox.subject: what caused a reminder ("meeting:12", "thread:7"), so that moving or
cancelling a meeting finds its pending reminders through an index

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-10 09:00:00

Must upgrade and downgrade on SQLite (batch mode) and PostgreSQL.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0009'
down_revision: str | Sequence[str] | None = '0008'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('reminder_outbox') as batch_op:
        # No rows were ever written before this revision (nothing sent reminders); '' is safe.
        batch_op.add_column(sa.Column('subject', sa.String(length=40), nullable=False, server_default=''))
        batch_op.create_index(op.f('ix_reminder_outbox_subject'), ['subject'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('reminder_outbox') as batch_op:
        batch_op.drop_index(op.f('ix_reminder_outbox_subject'))
        batch_op.drop_column('subject')
