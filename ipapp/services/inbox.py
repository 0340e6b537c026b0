"""The coordinator's inbox: every thread of every plan she coordinates now, the one waiting longest
for her first. A fixed number of queries however many plans and threads; each plan's look is in
that plan's audit chain. Plans she no longer coordinates are simply not there."""

from dataclasses import dataclass

from sqlmodel import col, select

from ipapp import policy
from ipapp.db import transaction
from ipapp.domain.vocabulary import Section
from ipapp.i18n.dates import format_when
from ipapp.models import Message, MessageRead, MessageThread, Person, utcnow
from ipapp.services import audit
from ipapp.services.messaging import message_parts
from ipapp.services.views import TextPart
from ipapp.services.workspace import coordinated_plans

FILTERS = ("waiting", "handled", "all")


@dataclass
class InboxItem:
    plan_id: int
    thread_id: int
    owner_name: str
    subject: str
    last_sender: str
    last_parts: list[TextPart]
    last_sent: str  # "i går kl. 10.00"
    waiting: bool  # the last word is not hers and it is not marked handled
    handled: bool
    unread: int


def inbox(person_id: int | None, show: str = "waiting", only_plan: int | None = None,
          locale: str = "nb") -> list[InboxItem]:
    if person_id is None:
        return []
    show = show if show in FILTERS else "waiting"
    now = utcnow()
    with transaction() as session:
        plans = [p for p in coordinated_plans(session, person_id, now, Section.MESSAGES)
                 if only_plan is None or p.id == only_plan]
        ids = [p.id for p in plans]
        if not ids:
            return []
        threads = session.exec(select(MessageThread).where(col(MessageThread.plan_id).in_(ids))).all()
        thread_ids = [t.id for t in threads]
        messages = session.exec(select(Message).where(col(Message.thread_id).in_(thread_ids))
                                .order_by(col(Message.sent_at), col(Message.id))).all() if thread_ids else []
        read = set(session.exec(select(MessageRead.message_id).where(
            MessageRead.person_id == person_id, col(MessageRead.message_id).in_([m.id for m in messages])))) \
            if messages else set()
        names = {p.id: p.full_name for p in session.exec(select(Person).where(col(Person.id).in_(
            {m.sender_person_id for m in messages} | {p.owner_person_id for p in plans})))}
        audit.record_many(session, [
            dict(actor_person_id=person_id, actor_role=str(policy.ActingAs.COORDINATOR), plan_id=plan_id,
                 action="read", section=str(Section.MESSAGES), allowed=True, reason="coordinator", target="inbox")
            for plan_id in ids])
    owners = {p.id: names.get(p.owner_person_id, "") for p in plans}
    by_thread: dict[int, list[Message]] = {}
    for m in messages:
        by_thread.setdefault(m.thread_id, []).append(m)
    items = []
    for thread in threads:
        in_thread = by_thread.get(thread.id, [])
        if not in_thread:
            continue
        last = in_thread[-1]
        waiting = last.sender_person_id != person_id and thread.handled_at is None
        if (show == "waiting" and not waiting) or (show == "handled" and thread.handled_at is None):
            continue
        items.append((waiting, last.sent_at, InboxItem(
            plan_id=thread.plan_id, thread_id=thread.id, owner_name=owners[thread.plan_id], subject=thread.subject,
            last_sender=names.get(last.sender_person_id, ""), last_parts=message_parts(last.body),
            last_sent=format_when(last.sent_at, now, locale), waiting=waiting, handled=thread.handled_at is not None,
            unread=sum(1 for m in in_thread if m.sender_person_id != person_id and m.id not in read))))
    # Waiting first, the longest wait first; then the rest, the newest first.
    waiting_items = sorted((i for i in items if i[0]), key=lambda i: i[1])
    others = sorted((i for i in items if not i[0]), key=lambda i: i[1], reverse=True)
    return [item for _, _, item in waiting_items + others]


def plan_choices(person_id: int | None) -> list[tuple[int, str]]:
    """The plans she coordinates, as (plan id, owner's name), to filter the inbox by."""
    if person_id is None:
        return []
    with transaction() as session:
        plans = coordinated_plans(session, person_id, utcnow(), Section.MESSAGES)
        names = {p.id: p.full_name for p in session.exec(select(Person).where(
            col(Person.id).in_({p.owner_person_id for p in plans})))} if plans else {}
        return [(p.id, names.get(p.owner_person_id, "")) for p in plans]
