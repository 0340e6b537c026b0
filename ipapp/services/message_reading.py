"""Reading a plan's message threads: the messages as text and links, unread markers per reader,
whether the coordinator has answered or marked it handled. Four queries however many threads."""

from sqlmodel import Session, col, select

from ipapp import policy
from ipapp.domain.vocabulary import Section
from ipapp.i18n.dates import format_when
from ipapp.models import Message, MessageThread, Person
from ipapp.services.messaging import message_parts, unread_in
from ipapp.services.plan_access import PlanContext, require
from ipapp.services.views import MessageView, ThreadView


def threads_in(session: Session, ctx: PlanContext, locale: str) -> list[ThreadView]:
    """The plan's threads, the one waiting longest for the coordinator first, then newest."""
    require(session, ctx, policy.Action.READ, Section.MESSAGES, target="threads")
    coordinator = ctx.facts.coordinator_person_id
    threads = session.exec(
        select(MessageThread).where(MessageThread.plan_id == ctx.plan.id)
        .order_by(col(MessageThread.created_at).desc(), col(MessageThread.id).desc())
    ).all()
    thread_ids = [t.id for t in threads]
    messages = session.exec(
        select(Message).where(col(Message.thread_id).in_(thread_ids)).order_by(col(Message.sent_at), col(Message.id))
    ).all() if thread_ids else []
    senders = {m.sender_person_id for m in messages}
    names = {p.id: p.full_name for p in session.exec(select(Person).where(col(Person.id).in_(senders)))} \
        if senders else {}
    unread = unread_in(session, ctx, thread_ids)
    by_thread: dict[int, list[Message]] = {}
    for message in messages:
        by_thread.setdefault(message.thread_id, []).append(message)
    views = []
    for thread in threads:
        in_thread = by_thread.get(thread.id, [])
        waiting = bool(in_thread) and in_thread[-1].sender_person_id != coordinator and thread.handled_at is None
        views.append(ThreadView(
            id=thread.id,
            subject=thread.subject,
            awaiting_reply=waiting,
            messages=[
                MessageView(id=m.id, sender_name=names.get(m.sender_person_id, ""),
                            sent=format_when(m.sent_at, ctx.now, locale), body=m.body,
                            from_me=m.sender_person_id == ctx.actor.person_id, parts=message_parts(m.body))
                for m in in_thread
            ],
            unread=unread.get(thread.id, 0),
            handled=thread.handled_at is not None,
        ))
    return views
