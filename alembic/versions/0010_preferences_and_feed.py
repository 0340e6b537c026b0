"""reminder_preference (which reminders a person wants) and calendar_feed (her private
calendar feed link, kept as a hash)

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-02 08:00:00

Must upgrade and downgrade on SQLite (batch mode) and PostgreSQL.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0010'
down_revision: str | Sequence[str] | None = '0009'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        'reminder_preference',
        sa.Column('person_id', sa.Integer(), nullable=False),
        sa.Column('meeting_first_minutes', sa.Integer(), nullable=True),
        sa.Column('meeting_second_minutes', sa.Integer(), nullable=True),
        sa.Column('new_message', sa.Boolean(), nullable=False),
        sa.Column('review_due', sa.Boolean(), nullable=False),
        sa.Column('access_ending', sa.Boolean(), nullable=False),
        sa.Column('updated_at', sa.DateTime(), nullable=False),
        sa.CheckConstraint('meeting_first_minutes IS NULL OR meeting_first_minutes > 0',
                           name=op.f('ck_reminder_preference_first_offset')),
        sa.CheckConstraint('meeting_second_minutes IS NULL OR meeting_second_minutes > 0',
                           name=op.f('ck_reminder_preference_second_offset')),
        sa.ForeignKeyConstraint(['person_id'], ['person.id'], name=op.f('fk_reminder_preference_person_id_person'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('person_id', name=op.f('pk_reminder_preference')),
    )
    op.create_table(
        'calendar_feed',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('person_id', sa.Integer(), nullable=False),
        sa.Column('token_hash', sa.String(length=64), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.Column('revoked_at', sa.DateTime(), nullable=True),
        sa.Column('last_used_at', sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(['person_id'], ['person.id'], name=op.f('fk_calendar_feed_person_id_person'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_calendar_feed')),
        sa.UniqueConstraint('token_hash', name=op.f('uq_calendar_feed_token_hash')),
    )
    with op.batch_alter_table('calendar_feed') as batch_op:
        batch_op.create_index(op.f('ix_calendar_feed_person_id'), ['person_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('calendar_feed') as batch_op:
        batch_op.drop_index(op.f('ix_calendar_feed_person_id'))
    op.drop_table('calendar_feed')
    op.drop_table('reminder_preference')
