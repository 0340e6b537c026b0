"""Messages between the owner's side and the coordinator: start a thread, reply, read, mark handled.

Whoever may write `messages` (the owner, an acting guardian, the coordinator, those granted
messages) starts or answers a thread; the coordinator marks a thread handled, and a new message
reopens it. Messages are plain text: links become clickable, nothing is ever HTML (message_parts).
"""

import re

from sqlmodel import Session, col, select

from ipapp import policy
from ipapp.db import transaction
from ipapp.models import Message, MessageRead, MessageThread, utcnow
from ipapp.policy import Part
from ipapp.services import reminders
from ipapp.services.editing import editing
from ipapp.services.forms import LONG_TEXT, Form
from ipapp.services.plan_access import PlanContext, load_context
from ipapp.services.views import TextPart

# http(s) links only; trailing punctuation stays text ("Se https://x.no." -> link without ".").
_LINK = re.compile(r"https?://[^\s<>\"']+[^\s<>\"'.,;:!?)\]]")


def message_parts(body: str) -> list[TextPart]:
    """The body as text and links, in order: the page shows text as text, never as HTML."""
    parts, at = [], 0
    for found in _LINK.finditer(body):
        if found.start() > at:
            parts.append(TextPart(body[at:found.start()], ""))
        parts.append(TextPart(found.group(0), found.group(0)))
        at = found.end()
    if at < len(body):
        parts.append(TextPart(body[at:], ""))
    return parts


def _body(form: Form) -> str:
    return form.text("body", max_length=LONG_TEXT, required=True)


def start_thread(person_id: int | None, plan_id: object, raw: object) -> int:
    form = Form(raw)
    with editing(person_id, plan_id, Part.MESSAGES) as edit:
        edit.allow("thread:new")
        subject = form.text("subject", max_length=300, required=True)
        body = _body(form)
        form.done()
        thread = MessageThread(plan_id=edit.ctx.plan.id, subject=subject, created_by_person_id=person_id,
                               created_at=edit.ctx.now)
        edit.session.add(thread)
        edit.session.flush()
        _post(edit, thread, body)
        return thread.id


def reply(person_id: int | None, plan_id: object, thread_id: object, raw: object) -> None:
    form = Form(raw)
    with editing(person_id, plan_id, Part.MESSAGES) as edit:
        thread = edit.item(MessageThread, thread_id, "thread")
        edit.allow(f"thread:{thread.id}")
        body = _body(form)
        form.done()
        _post(edit, thread, body)


def _post(edit, thread: MessageThread, body: str) -> None:
    message = Message(thread_id=thread.id, sender_person_id=edit.person_id, body=body, sent_at=edit.ctx.now)
    edit.session.add(message)
    edit.session.flush()
    edit.session.add(MessageRead(message_id=message.id, person_id=edit.person_id, read_at=edit.ctx.now))
    reminders.message_posted(edit.session, thread, message, edit.ctx.facts, edit.ctx.now)  # same transaction
    if thread.handled_at is not None:  # something new: it needs the coordinator again
        thread.handled_at, thread.handled_by_person_id = None, None
        edit.session.add(thread)
    edit.changed = True


def mark_handled(person_id: int | None, plan_id: object, thread_id: object, handled: object = True) -> None:
    """The coordinator has dealt with it (or, `handled=False`, not after all)."""
    with editing(person_id, plan_id, Part.MESSAGE_HANDLING) as edit:
        thread = edit.item(MessageThread, thread_id, "thread")
        edit.allow(f"thread:{thread.id}:handled")
        thread.handled_at = edit.ctx.now if handled is True else None
        thread.handled_by_person_id = person_id if handled is True else None
        edit.session.add(thread)
        edit.changed = True


def unread_in(session: Session, ctx: PlanContext, thread_ids: list[int]) -> dict[int, int]:
    """Per thread, the messages this reader has not read (one query)."""
    if not thread_ids:
        return {}
    rows = session.exec(
        select(Message.thread_id, Message.id)
        .where(col(Message.thread_id).in_(thread_ids), Message.sender_person_id != ctx.actor.person_id)
        .where(~col(Message.id).in_(select(MessageRead.message_id).where(MessageRead.person_id == ctx.actor.person_id)))
    ).all()
    counts: dict[int, int] = {}
    for thread_id, _ in rows:
        counts[thread_id] = counts.get(thread_id, 0) + 1
    return counts


def mark_read(person_id: int | None, plan_id: object) -> None:
    """Everything on the plan's threads that this reader may see is now read by them. Nothing
    for someone who may not read messages (and nothing is audited: the read itself was)."""
    with transaction() as session:
        ctx = load_context(session, person_id, plan_id, utcnow())
        if not ctx.decide(policy.Action.READ, policy.Section.MESSAGES).allowed:
            return
        unread = session.exec(
            select(Message.id).join(MessageThread, col(MessageThread.id) == col(Message.thread_id))
            .where(MessageThread.plan_id == ctx.plan.id, Message.sender_person_id != person_id)
            .where(~col(Message.id).in_(select(MessageRead.message_id).where(MessageRead.person_id == person_id)))
        ).all()
        session.add_all([MessageRead(message_id=m, person_id=person_id, read_at=ctx.now) for m in unread])
