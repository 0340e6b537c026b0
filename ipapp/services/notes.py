"""The owner's own notes ("Mine notater"): private by default.

Only the owner writes them; she reads them, and so does whoever she has granted `notes`; a
guardian never does. Deleting a note deletes its text: the audit log keeps only that a note
existed and when it was deleted ("note:<id>"), and notes have no versions for that reason.
"""

from dataclasses import dataclass

from sqlmodel import Session, col, select

from ipapp import policy
from ipapp.domain.vocabulary import Section
from ipapp.i18n.dates import format_when
from ipapp.models import OwnerNote
from ipapp.policy import Part
from ipapp.services.editing import editing
from ipapp.services.forms import LONG_TEXT, Form
from ipapp.services.plan_access import PlanContext, require


@dataclass
class NoteView:
    id: int
    body: str
    written: str  # "i går kl. 10.00"
    edited: str  # "" when never edited
    version: int


def notes_in(session: Session, ctx: PlanContext, locale: str) -> list[NoteView]:
    """The notes, newest first (one query)."""
    require(session, ctx, policy.Action.READ, Section.NOTES, target="notes")
    notes = session.exec(select(OwnerNote).where(OwnerNote.plan_id == ctx.plan.id)
                         .order_by(col(OwnerNote.created_at).desc(), col(OwnerNote.id).desc())).all()
    return [
        NoteView(id=n.id, body=n.body, written=format_when(n.created_at, ctx.now, locale),
                 edited=format_when(n.updated_at, ctx.now, locale) if n.version > 1 else "", version=n.version)
        for n in notes
    ]


def add_note(person_id: int | None, plan_id: object, raw: object) -> int:
    form = Form(raw)
    with editing(person_id, plan_id, Part.NOTES) as edit:
        edit.allow("note:new")
        body = form.text("body", max_length=LONG_TEXT, required=True)
        form.done()
        note = OwnerNote(plan_id=edit.ctx.plan.id, author_person_id=person_id, body=body,
                         created_at=edit.ctx.now, updated_at=edit.ctx.now)
        edit.saved("owner_note", note, "create")
        return note.id


def update_note(person_id: int | None, plan_id: object, note_id: object, raw: object) -> None:
    form = Form(raw)
    with editing(person_id, plan_id, Part.NOTES) as edit:
        note = edit.item(OwnerNote, note_id, "note")
        edit.allow(f"note:{note.id}")
        body = form.text("body", max_length=LONG_TEXT, required=True)
        form.done()
        edit.expect(note, form.version(), "owner_note")
        note.body = body
        edit.saved("owner_note", note, "update")


def delete_note(person_id: int | None, plan_id: object, note_id: object) -> None:
    with editing(person_id, plan_id, Part.NOTES) as edit:
        note = edit.item(OwnerNote, note_id, "note")
        edit.allow(f"note:{note.id}:delete")
        edit.session.delete(note)
        edit.changed = True
