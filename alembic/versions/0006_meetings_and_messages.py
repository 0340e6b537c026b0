"""Meetings and messages that people write: a meeting's cancellation, version, the goals it
concerns and its decisions; an invitee's comment and "maybe"; a thread marked handled

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-02 01:00:00

Must upgrade and downgrade on SQLite (batch mode) and PostgreSQL.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0006'
down_revision: str | Sequence[str] | None = '0005'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

KINDS_BEFORE = "('responsibility_group', 'collaboration')"
KINDS = "('responsibility_group', 'collaboration', 'other')"
RESPONSES_BEFORE = "('pending', 'accepted', 'declined')"
RESPONSES = "('pending', 'accepted', 'declined', 'maybe')"


def upgrade() -> None:
    with op.batch_alter_table('meeting') as batch_op:
        batch_op.add_column(sa.Column('cancelled_at', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('cancel_reason', sa.String(length=500), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('version', sa.Integer(), nullable=False, server_default='1'))
        batch_op.drop_constraint(op.f('ck_meeting_kind'), type_='check')
        batch_op.create_check_constraint('kind', f'kind IN {KINDS}')
    with op.batch_alter_table('meeting_invitee') as batch_op:
        batch_op.add_column(sa.Column('comment', sa.String(length=500), nullable=False, server_default=''))
        batch_op.drop_constraint(op.f('ck_meeting_invitee_response'), type_='check')
        batch_op.create_check_constraint('response', f'response IN {RESPONSES}')
    with op.batch_alter_table('message_thread') as batch_op:
        batch_op.add_column(sa.Column('handled_at', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('handled_by_person_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(op.f('fk_message_thread_handled_by_person_id_person'), 'person',
                                    ['handled_by_person_id'], ['id'])
    op.create_table(
        'meeting_goal',
        sa.Column('meeting_id', sa.Integer(), nullable=False),
        sa.Column('goal_id', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['goal_id'], ['goal.id'], name=op.f('fk_meeting_goal_goal_id_goal'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['meeting_id'], ['meeting.id'], name=op.f('fk_meeting_goal_meeting_id_meeting'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('meeting_id', 'goal_id', name=op.f('pk_meeting_goal')),
    )
    op.create_table(
        'decision',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('meeting_id', sa.Integer(), nullable=False),
        sa.Column('goal_id', sa.Integer(), nullable=True),
        sa.Column('what', sa.String(length=1000), nullable=False),
        sa.Column('responsible_contact_id', sa.Integer(), nullable=True),
        sa.Column('due_on', sa.Date(), nullable=True),
        sa.Column('status', sa.String(length=8), nullable=False),
        sa.Column('version', sa.Integer(), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.CheckConstraint("status IN ('open', 'done')", name=op.f('ck_decision_status')),
        sa.ForeignKeyConstraint(['goal_id'], ['goal.id'], name=op.f('fk_decision_goal_id_goal'), ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['meeting_id'], ['meeting.id'], name=op.f('fk_decision_meeting_id_meeting'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['responsible_contact_id'], ['contact.id'],
                                name=op.f('fk_decision_responsible_contact_id_contact'), ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_decision')),
    )
    op.create_index(op.f('ix_decision_meeting_id'), 'decision', ['meeting_id'], unique=False)
    op.create_index(op.f('ix_decision_goal_id'), 'decision', ['goal_id'], unique=False)


def downgrade() -> None:
    op.drop_index(op.f('ix_decision_goal_id'), table_name='decision')
    op.drop_index(op.f('ix_decision_meeting_id'), table_name='decision')
    op.drop_table('decision')
    op.drop_table('meeting_goal')
    with op.batch_alter_table('message_thread') as batch_op:
        batch_op.drop_constraint(op.f('fk_message_thread_handled_by_person_id_person'), type_='foreignkey')
        batch_op.drop_column('handled_by_person_id')
        batch_op.drop_column('handled_at')
    op.execute("UPDATE meeting_invitee SET response = 'pending' WHERE response = 'maybe'")
    with op.batch_alter_table('meeting_invitee') as batch_op:
        batch_op.drop_constraint(op.f('ck_meeting_invitee_response'), type_='check')
        batch_op.create_check_constraint('response', f'response IN {RESPONSES_BEFORE}')
        batch_op.drop_column('comment')
    op.execute("UPDATE meeting SET kind = 'collaboration' WHERE kind = 'other'")
    with op.batch_alter_table('meeting') as batch_op:
        batch_op.drop_constraint(op.f('ck_meeting_kind'), type_='check')
        batch_op.create_check_constraint('kind', f'kind IN {KINDS_BEFORE}')
        batch_op.drop_column('version')
        batch_op.drop_column('cancel_reason')
        batch_op.drop_column('cancelled_at')
