"""Ready for a municipality: a closed plan's reason, how each passkey was added (and from when a
recovered one may sign), recovery codes that wait for a second staff member's approval, and how
each session signed in

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-02 02:30:00

Must upgrade and downgrade on SQLite (batch mode) and PostgreSQL.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0008'
down_revision: str | Sequence[str] | None = '0007'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ADDED_VIA = "('self', 'invitation', 'recovery')"
METHODS = "('passkey', 'national', 'demo')"
KINDS = "('first', 'recovery')"


def upgrade() -> None:
    with op.batch_alter_table('plan') as batch_op:
        batch_op.add_column(sa.Column('closed_at', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('closed_reason', sa.String(length=500), nullable=False, server_default=''))
    with op.batch_alter_table('passkey_credential') as batch_op:
        # Keys registered before this migration came with an invitation (the only way there was).
        batch_op.add_column(sa.Column('added_via', sa.String(length=16), nullable=False, server_default='invitation'))
        batch_op.add_column(sa.Column('added_by_person_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('may_sign_from', sa.DateTime(), nullable=True))
        batch_op.create_foreign_key(op.f('fk_passkey_credential_added_by_person_id_person'), 'person',
                                    ['added_by_person_id'], ['id'])
        batch_op.create_check_constraint('added_via', f'added_via IN {ADDED_VIA}')
    with op.batch_alter_table('invitation') as batch_op:
        batch_op.add_column(sa.Column('kind', sa.String(length=16), nullable=False, server_default='first'))
        batch_op.add_column(sa.Column('needs_approval', sa.Boolean(), nullable=False, server_default=sa.false()))
        batch_op.add_column(sa.Column('approved_by_person_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('approved_at', sa.DateTime(), nullable=True))
        batch_op.create_foreign_key(op.f('fk_invitation_approved_by_person_id_person'), 'person',
                                    ['approved_by_person_id'], ['id'])
        batch_op.create_check_constraint('kind', f'kind IN {KINDS}')
    with op.batch_alter_table('web_session') as batch_op:
        batch_op.add_column(sa.Column('method', sa.String(length=16), nullable=False, server_default='passkey'))
        batch_op.create_check_constraint('method', f'method IN {METHODS}')


def downgrade() -> None:
    with op.batch_alter_table('web_session') as batch_op:
        batch_op.drop_constraint(op.f('ck_web_session_method'), type_='check')
        batch_op.drop_column('method')
    with op.batch_alter_table('invitation') as batch_op:
        batch_op.drop_constraint(op.f('ck_invitation_kind'), type_='check')
        batch_op.drop_constraint(op.f('fk_invitation_approved_by_person_id_person'), type_='foreignkey')
        batch_op.drop_column('approved_at')
        batch_op.drop_column('approved_by_person_id')
        batch_op.drop_column('needs_approval')
        batch_op.drop_column('kind')
    with op.batch_alter_table('passkey_credential') as batch_op:
        batch_op.drop_constraint(op.f('ck_passkey_credential_added_via'), type_='check')
        batch_op.drop_constraint(op.f('fk_passkey_credential_added_by_person_id_person'), type_='foreignkey')
        batch_op.drop_column('may_sign_from')
        batch_op.drop_column('added_by_person_id')
        batch_op.drop_column('added_via')
    with op.batch_alter_table('plan') as batch_op:
        batch_op.drop_column('closed_reason')
        batch_op.drop_column('closed_at')
