"""One audit chain per plan: audit_anchor.plan_id, and today's single chain moved into per-plan
chains without breaking its verification

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-01 23:30:00

The single chain is verified first, exactly as verify-audit did until now; a broken chain stops
the migration (re-linking it would hide the tampering). Then every event is linked to the
previous event *of its own plan* (the HMAC covers the same fields as before, plan_id among them)
and each chain is anchored every 100 events. Downgrade does the reverse. Needs IPAPP_AUDIT_KEY
when there are events. Must upgrade and downgrade on SQLite (batch mode) and PostgreSQL.
"""

from collections.abc import Sequence
from types import SimpleNamespace

import sqlalchemy as sa
from alembic import op

revision: str = '0004'
down_revision: str | Sequence[str] | None = '0003'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ANCHOR_EVERY = 100
EVENTS = sa.table(
    'audit_event', sa.column('id', sa.Integer), sa.column('occurred_at', sa.DateTime),
    sa.column('actor_person_id', sa.Integer), sa.column('actor_role', sa.String),
    sa.column('plan_id', sa.Integer), sa.column('action', sa.String), sa.column('section', sa.String),
    sa.column('target', sa.String), sa.column('outcome', sa.String), sa.column('reason', sa.String),
    sa.column('prev_hash', sa.String), sa.column('hash', sa.String),
)


def _anchors(with_plan: bool):
    columns = [sa.column('id', sa.Integer), sa.column('event_id', sa.Integer), sa.column('hash', sa.String),
               sa.column('recorded_at', sa.DateTime)]
    return sa.table('audit_anchor', *columns, *([sa.column('plan_id', sa.Integer)] if with_plan else []))


def _events(bind) -> list:
    return list(bind.execute(sa.select(EVENTS).order_by(EVENTS.c.id)))


def _verify(bind, events: list, chain_of, anchors_table) -> None:
    """Refuse to re-link a chain that does not verify as it stands."""
    from ipapp.services.audit import GENESIS, digest

    heads: dict = {}
    by_id = {}
    for row in events:
        chain = chain_of(row)
        expected = heads.get(chain, GENESIS)
        if row.prev_hash != expected or digest(SimpleNamespace(**row._mapping), row.prev_hash) != row.hash:
            raise RuntimeError(f"the audit chain is broken at event {row.id}: run `python -m ipapp.cli "
                               "verify-audit` and restore a good copy before migrating")
        heads[chain] = row.hash
        by_id[row.id] = row.hash
    for anchor in bind.execute(sa.select(anchors_table)):
        if by_id.get(anchor.event_id) != anchor.hash:
            raise RuntimeError(f"the audit chain's anchor at event {anchor.event_id} does not match: "
                               "run `python -m ipapp.cli verify-audit` before migrating")


def _relink(bind, events: list, chain_of, anchors_table, with_plan: bool) -> None:
    from ipapp.models import utcnow
    from ipapp.services.audit import GENESIS, digest

    bind.execute(sa.delete(anchors_table))
    heads: dict = {}
    lengths: dict = {}
    for row in events:
        chain = chain_of(row)
        prev = heads.get(chain, GENESIS)
        fields = {**row._mapping, "prev_hash": prev}
        new_hash = digest(SimpleNamespace(**fields), prev)
        bind.execute(sa.update(EVENTS).where(EVENTS.c.id == row.id).values(prev_hash=prev, hash=new_hash))
        heads[chain] = new_hash
        lengths[chain] = lengths.get(chain, 0) + 1
        if lengths[chain] % ANCHOR_EVERY == 0:
            anchor = {"event_id": row.id, "hash": new_hash, "recorded_at": utcnow()}
            if with_plan:
                anchor["plan_id"] = row.plan_id
            bind.execute(sa.insert(anchors_table).values(**anchor))


def _move(old_chain_of, new_chain_of, old_anchors, new_anchors, with_plan: bool) -> None:
    bind = op.get_bind()
    events = _events(bind)
    if not events:
        return
    _verify(bind, events, old_chain_of, old_anchors)
    # Two passes: a new hash may equal no old one, but the column is unique, so clear first.
    bind.execute(sa.update(EVENTS).values(hash=sa.literal('relinking-') + sa.cast(EVENTS.c.id, sa.String)))
    _relink(bind, events, new_chain_of, new_anchors, with_plan)


def upgrade() -> None:
    with op.batch_alter_table('audit_anchor') as batch_op:
        batch_op.add_column(sa.Column('plan_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_audit_anchor_plan_id'), ['plan_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_audit_anchor_plan_id_plan'), 'plan', ['plan_id'], ['id'])
    _move(lambda row: 'one', lambda row: row.plan_id, _anchors(False), _anchors(True), with_plan=True)


def downgrade() -> None:
    _move(lambda row: row.plan_id, lambda row: 'one', _anchors(True), _anchors(False), with_plan=False)
    with op.batch_alter_table('audit_anchor') as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_audit_anchor_plan_id_plan'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_audit_anchor_plan_id'))
        batch_op.drop_column('plan_id')
