"""Which topics a flushed row concerns, for rows written through the ORM. Bulk UPDATE statements
bypass the flush, so the services that use them call `after_commit` themselves."""

from sqlalchemy import event as sa_event
from sqlalchemy.orm import Session

from ipapp.live import after_commit, person_topic, plan_topic
from ipapp.models import (
    AccessGrant,
    Consent,
    CoordinatorSubstitute,
    Guardianship,
    Plan,
    PlanCoordinator,
    PlanMember,
)

CHANGED = {"kind": "access"}


def _topics(row: object) -> list[str]:
    if isinstance(row, Plan) and row.id is not None:
        return [plan_topic(row.id)]
    if isinstance(row, (AccessGrant, Consent, PlanMember, PlanCoordinator, CoordinatorSubstitute)):
        return [plan_topic(row.plan_id)]
    if isinstance(row, Guardianship):
        return [person_topic(row.guardian_person_id)]
    return []


@sa_event.listens_for(Session, "before_flush")
def _note_changes(session: Session, _flush_context, _instances) -> None:
    for row in (*session.new, *session.dirty, *session.deleted):
        for topic in _topics(row):
            after_commit(session, topic, CHANGED)
