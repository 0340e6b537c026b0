"""A substitute coordinator for a dated period, named by the coordinating unit

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-02 01:00:00

Must upgrade and downgrade on SQLite and PostgreSQL.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0007'
down_revision: str | Sequence[str] | None = '0006'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        'coordinator_substitute',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('plan_id', sa.Integer(), nullable=False),
        sa.Column('person_id', sa.Integer(), nullable=False),
        sa.Column('valid_from', sa.Date(), nullable=False),
        sa.Column('valid_until', sa.Date(), nullable=False),
        sa.Column('granted_by_person_id', sa.Integer(), nullable=True),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.CheckConstraint('valid_until >= valid_from', name=op.f('ck_coordinator_substitute_period')),
        sa.ForeignKeyConstraint(['granted_by_person_id'], ['person.id'],
                                name=op.f('fk_coordinator_substitute_granted_by_person_id_person')),
        sa.ForeignKeyConstraint(['person_id'], ['person.id'], name=op.f('fk_coordinator_substitute_person_id_person')),
        sa.ForeignKeyConstraint(['plan_id'], ['plan.id'], name=op.f('fk_coordinator_substitute_plan_id_plan'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_coordinator_substitute')),
    )
    op.create_index(op.f('ix_coordinator_substitute_plan_id'), 'coordinator_substitute', ['plan_id'], unique=False)
    op.create_index(op.f('ix_coordinator_substitute_person_id'), 'coordinator_substitute', ['person_id'], unique=False)


def downgrade() -> None:
    op.drop_index(op.f('ix_coordinator_substitute_person_id'), table_name='coordinator_substitute')
    op.drop_index(op.f('ix_coordinator_substitute_plan_id'), table_name='coordinator_substitute')
    op.drop_table('coordinator_substitute')
