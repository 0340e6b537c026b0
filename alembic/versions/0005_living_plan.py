"""A living plan: versions on every editable row, goal status "ended" with a note, how a measure
is carried out, plan visits, and a first version of the content that already exists

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-02 00:00:00

Every editable row gets `version` (1 today), compared on save so that nobody overwrites another
person's change unseen. The content that exists is given its version 1 in plan_version ("create",
by nobody, at the row's creation time where it has one), so that the history and "the plan as it
stood" start from what is there. The snapshot fields here are frozen copies of
ipapp.services.versions.FIELDS at this revision. Downgrade drops what upgrade added (the baseline
versions too). Must upgrade and downgrade on SQLite (batch mode) and PostgreSQL.
"""

import json
from collections.abc import Sequence
from datetime import date, datetime, timezone

import sqlalchemy as sa
from alembic import op

revision: str = '0005'
down_revision: str | Sequence[str] | None = '0004'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

VERSIONED = ('plan', 'about_me', 'goal', 'contact', 'measure', 'owner_note')
GOAL_STATUSES_BEFORE = "('active', 'achieved', 'paused')"
GOAL_STATUSES = "('active', 'achieved', 'paused', 'ended')"

# entity -> (snapshot fields, how to find the plan, the creation time column or None)
BASELINE = {
    'plan': (('period_start', 'period_end', 'next_review_on', 'status'), 'id', 'created_at'),
    'about_me': (('what_matters', 'resources', 'needs'), 'plan_id', None),
    'goal': (('title', 'description', 'status', 'status_note', 'position', 'target_date'), 'plan_id', 'created_at'),
    'contact': (('role', 'name', 'title', 'organisation', 'phone', 'email', 'position', 'person_id'),
                'plan_id', None),
}
MEASURE_FIELDS = ('goal_id', 'name', 'provider', 'responsible_contact_id', 'frequency', 'starts_on', 'ends_on',
                  'owner_contribution', 'next_of_kin_contribution', 'how', 'position')


def _plain(value):
    return value.isoformat() if isinstance(value, (date, datetime)) else value


def upgrade() -> None:
    for table in VERSIONED:
        with op.batch_alter_table(table) as batch_op:
            batch_op.add_column(sa.Column('version', sa.Integer(), nullable=False, server_default='1'))
    with op.batch_alter_table('goal') as batch_op:
        batch_op.add_column(sa.Column('status_note', sa.String(length=1000), nullable=False, server_default=''))
        batch_op.drop_constraint(op.f('ck_goal_status'), type_='check')
        batch_op.create_check_constraint('status', f'status IN {GOAL_STATUSES}')
    with op.batch_alter_table('measure') as batch_op:
        batch_op.add_column(sa.Column('how', sa.Text(), nullable=False, server_default=''))
    op.create_table(
        'plan_visit',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('plan_id', sa.Integer(), nullable=False),
        sa.Column('person_id', sa.Integer(), nullable=False),
        sa.Column('session_id', sa.Integer(), nullable=True),
        sa.Column('seen_at', sa.DateTime(), nullable=False),
        sa.Column('previous_seen_at', sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(['person_id'], ['person.id'], name=op.f('fk_plan_visit_person_id_person'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['plan_id'], ['plan.id'], name=op.f('fk_plan_visit_plan_id_plan'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_plan_visit')),
        sa.UniqueConstraint('plan_id', 'person_id', name=op.f('uq_plan_visit_plan_id_person_id')),
    )
    op.create_index(op.f('ix_plan_visit_plan_id'), 'plan_visit', ['plan_id'], unique=False)
    op.create_index('ix_plan_version_plan_changed', 'plan_version', ['plan_id', 'changed_at'], unique=False)
    _baseline_versions()


def _baseline_versions() -> None:
    """Version 1 of every row that exists, unless it already has versions."""
    connection = op.get_bind()
    now = datetime.now(timezone.utc).replace(tzinfo=None)
    versions = sa.table('plan_version', *(sa.column(name) for name in (
        'plan_id', 'entity', 'entity_id', 'version', 'change', 'snapshot', 'changed_by_person_id', 'changed_at')))
    have = {(e, i) for e, i in connection.execute(sa.text('SELECT entity, entity_id FROM plan_version'))}
    rows = []
    for entity, (fields, plan_column, created) in BASELINE.items():
        columns = ', '.join(('id', plan_column, *fields, *((created,) if created else ())))
        for row in connection.execute(sa.text(f'SELECT {columns} FROM {entity}')).mappings():
            if (entity, row['id']) not in have:
                snapshot = {name: _plain(row[name]) for name in fields}
                rows.append(_version(entity, row['id'], row[plan_column], snapshot, row[created] if created else now))
    query = ('SELECT m.id, g.plan_id, c.name AS responsible_name, '
             + ', '.join(f'm.{name}' for name in MEASURE_FIELDS)
             + ' FROM measure m JOIN goal g ON g.id = m.goal_id LEFT JOIN contact c ON c.id = m.responsible_contact_id')
    for row in connection.execute(sa.text(query)).mappings():
        if ('measure', row['id']) not in have:
            snapshot = {name: _plain(row[name]) for name in MEASURE_FIELDS}
            snapshot['responsible_name'] = row['responsible_name'] or ''
            rows.append(_version('measure', row['id'], row['plan_id'], snapshot, now))
    if rows:
        op.bulk_insert(versions, rows)


def _version(entity: str, entity_id: int, plan_id: int, snapshot: dict, at) -> dict:
    return {'plan_id': plan_id, 'entity': entity, 'entity_id': entity_id, 'version': 1, 'change': 'create',
            'snapshot': json.dumps(snapshot, sort_keys=True, ensure_ascii=False), 'changed_by_person_id': None,
            'changed_at': at}


def downgrade() -> None:
    op.execute("DELETE FROM plan_version")  # every version came with this revision (or after it)
    op.drop_index('ix_plan_version_plan_changed', table_name='plan_version')
    op.drop_index(op.f('ix_plan_visit_plan_id'), table_name='plan_visit')
    op.drop_table('plan_visit')
    with op.batch_alter_table('measure') as batch_op:
        batch_op.drop_column('how')
    op.execute("UPDATE goal SET status = 'paused' WHERE status = 'ended'")
    with op.batch_alter_table('goal') as batch_op:
        batch_op.drop_constraint(op.f('ck_goal_status'), type_='check')
        batch_op.create_check_constraint('status', f'status IN {GOAL_STATUSES_BEFORE}')
        batch_op.drop_column('status_note')
    for table in VERSIONED:
        with op.batch_alter_table(table) as batch_op:
            batch_op.drop_column('version')
