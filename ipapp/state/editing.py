"""The plan's edit forms: each save goes to one service, which asks the policy; this state only
shows the outcome. A problem with what was typed is shown next to its field and nothing is
written (the form keeps what was typed); a save over someone else's change is refused and
both texts are shown side by side; a refusal says so plainly.

Forms are keyed "goal:12", "measure:new:12", "contact:new", "about", "plan", "note:3", ...:
the key names the form's fields' problems ("goal:12.title") and its start version
(PlanState.form_versions)."""

from dataclasses import dataclass

import reflex as rx

from ipapp.domain.ids import parse_id
from ipapp.services import goal_editing, meeting_editing, messaging, notes, plan_editing, versions
from ipapp.services.editing import EditConflict
from ipapp.services.forms import FormProblem
from ipapp.services.history import shown_value
from ipapp.services.plan_access import AccessDenied
from ipapp.state.endpoints import endpoint
from ipapp.state.plan import PlanState
from ipapp.state.session import SessionState

FORM_ENTITY = {"goal": "goal", "goal_status": "goal", "measure": "measure", "contact": "contact",
               "about": "about_me", "plan": "plan", "note": "owner_note", "meeting": "meeting", "cancel": "meeting",
               "minutes": "meeting"}


@dataclass
class ConflictRow:
    label: str
    yours: str
    theirs: str


def _version_key(form_key: str) -> str:
    """The PlanState.form_versions key of a form: "goal_status:12" edits "goal:12"."""
    kind, _, rest = form_key.partition(":")
    return f"goal:{rest}" if kind == "goal_status" else f"meeting:{rest}" if kind in ("cancel", "minutes") else form_key


class EditState(SessionState):
    problems: dict[str, str] = {}  # "form key.field" -> message in the person's language
    notice: str = ""  # what the last save did
    refused: str = ""  # a save the rules did not allow
    conflict_form: str = ""  # the form whose save met someone else's change
    conflict_rows: list[ConflictRow] = []
    _conflict_version: int = 0

    @rx.event
    @endpoint("signed_in")
    def forget(self):
        """A page opens without an earlier page's message or problems."""
        self._clear()

    def _clear(self) -> None:
        self._show(problems={}, notice="", refused="", conflict_form="", conflict_rows=[])

    async def _save(self, form_key: str, form: dict, service, *args, saved: str = "edit.saved",
                    reset_form: bool = False):
        """Run one save. Success: say so, reopen the page (the forms start from the new versions)."""
        self._clear()
        try:
            service(self._person_id, self._plan_id, *args)
        except FormProblem as problem:
            self.problems = {f"{form_key}.{name}": self._text(f"form.problem.{code}")
                             for name, code in problem.problems.items()}
            first = next(iter(problem.problems))
            return rx.set_focus(f"{_dom_id(form_key)}-{first}")
        except EditConflict as conflict:
            self._show_conflict(form_key, form, conflict)
            return rx.set_focus("edit-result")
        except AccessDenied as denied:
            key = "edit.refused_closed" if denied.reason == "plan_closed" else "edit.refused"
            self.refused = self._text(key)
            return rx.set_focus("edit-result")
        self.notice = self._text(saved)
        plan = await self.get_state(PlanState)
        events = [getattr(PlanState, plan._loader or "load_overview"), rx.set_focus("edit-result")]
        if reset_form:
            events.insert(0, rx.call_script(f"document.getElementById('{_dom_id(form_key)}')?.reset()"))
        return events

    def _show_conflict(self, form_key: str, form: dict, conflict: EditConflict) -> None:
        entity = FORM_ENTITY.get(form_key.partition(":")[0], "goal")
        self.conflict_form, self._conflict_version = form_key, conflict.version
        fields = versions.SHOWN_FIELDS.get(entity, ("body",))
        rows = []
        for name in fields:
            if name not in form and name != "responsible_name":
                continue
            theirs = conflict.current.get(name)
            yours = form.get(name, "")
            label = self._text(f"field.{entity}.{name}") if entity != "owner_note" else self._text("field.note.body")
            rows.append(ConflictRow(label, shown_value(entity, name, yours or None, self.lang),
                                    shown_value(entity, name, theirs, self.lang)))
        self.conflict_rows = rows

    @rx.event
    @endpoint("signed_in")
    async def save_anyway(self):
        """After a conflict: the person has seen the other text and wants hers; her next save of
        that form starts from the current version."""
        if not self.conflict_form:
            return None
        plan = await self.get_state(PlanState)
        plan.form_versions = {**plan.form_versions, _version_key(self.conflict_form): self._conflict_version}
        self.conflict_form, self.conflict_rows = "", []
        self.notice = self._text("edit.conflict_save_again")
        return rx.set_focus("edit-result")

    @rx.event
    @endpoint("signed_in")
    async def keep_theirs(self):
        """After a conflict: drop what she typed and show the item as it is now."""
        form_key = self.conflict_form
        self._clear()
        plan = await self.get_state(PlanState)
        return [rx.call_script(f"document.getElementById('{_dom_id(form_key)}')?.reset()"),
                getattr(PlanState, plan._loader or "load_overview")]

    # --- goals and services ----------------------------------------------------------------------

    @rx.event
    @endpoint("signed_in", dict)
    async def add_goal(self, form: dict):
        return await self._save("goal:new", form, goal_editing.add_goal, form, saved="edit.goal_added",
                                reset_form=True)

    @rx.event
    @endpoint("signed_in", dict)
    async def save_goal(self, form: dict):
        goal_id = parse_id(form.get("goal_id"))
        return await self._save(f"goal:{goal_id}", form, goal_editing.update_goal, goal_id, form)

    @rx.event
    @endpoint("signed_in", dict)
    async def save_goal_status(self, form: dict):
        goal_id = parse_id(form.get("goal_id"))
        return await self._save(f"goal_status:{goal_id}", form, goal_editing.set_goal_status, goal_id, form)

    @rx.event
    @endpoint("signed_in", int, int)
    async def move_goal(self, goal_id: int, step: int):
        return await self._save(f"goal:{goal_id}", {}, goal_editing.move_goal, goal_id, step, saved="edit.moved")

    @rx.event
    @endpoint("signed_in", dict)
    async def add_measure(self, form: dict):
        goal_id = parse_id(form.get("goal_id"))
        return await self._save(f"measure:new:{goal_id}", form, goal_editing.add_measure, goal_id, form,
                                saved="edit.measure_added", reset_form=True)

    @rx.event
    @endpoint("signed_in", dict)
    async def save_measure(self, form: dict):
        measure_id = parse_id(form.get("measure_id"))
        return await self._save(f"measure:{measure_id}", form, goal_editing.update_measure, measure_id, form)

    @rx.event
    @endpoint("signed_in", dict)
    async def end_measure(self, form: dict):
        measure_id = parse_id(form.get("measure_id"))
        return await self._save(f"measure:{measure_id}", form, goal_editing.end_measure, measure_id, form,
                                saved="edit.measure_ended")

    # --- contacts, about me, the plan period -----------------------------------------------------

    @rx.event
    @endpoint("signed_in", dict)
    async def add_contact(self, form: dict):
        return await self._save("contact:new", form, plan_editing.add_contact, form, saved="edit.contact_added",
                                reset_form=True)

    @rx.event
    @endpoint("signed_in", dict)
    async def save_contact(self, form: dict):
        contact_id = parse_id(form.get("contact_id"))
        return await self._save(f"contact:{contact_id}", form, plan_editing.update_contact, contact_id, form)

    @rx.event
    @endpoint("signed_in", dict)
    async def delete_contact(self, form: dict):
        contact_id = parse_id(form.get("contact_id"))
        return await self._save(f"contact:{contact_id}", form, plan_editing.delete_contact, contact_id, form,
                                saved="edit.contact_deleted")

    @rx.event
    @endpoint("signed_in", dict)
    async def save_about(self, form: dict):
        return await self._save("about", form, plan_editing.update_about, form)

    @rx.event
    @endpoint("signed_in", dict)
    async def save_plan_period(self, form: dict):
        return await self._save("plan", form, plan_editing.update_plan_period, form)

    @rx.event
    @endpoint("signed_in", dict)
    async def close_plan(self, form: dict):
        return await self._save("plan", form, plan_editing.close_plan, form, saved="edit.plan_closed")

    # --- meetings -------------------------------------------------------------------------------

    async def _save_meeting(self, form_key: str, form: dict, service, *args, **options):
        """A meeting save; inviting never shares, so say who cannot see it until the owner shares."""
        saved: list[meeting_editing.MeetingSaved] = []
        result = await self._save(form_key, form, lambda *given: saved.append(service(*given)), *args, **options)
        if saved and saved[0].unseen:
            self.notice += " " + self._text("edit.meeting_unseen", names=", ".join(saved[0].unseen))
        return result

    @rx.event
    @endpoint("signed_in", dict)
    async def schedule_meeting(self, form: dict):
        return await self._save_meeting("meeting:new", form, meeting_editing.schedule, form,
                                        saved="edit.meeting_scheduled", reset_form=True)

    @rx.event
    @endpoint("signed_in", dict)
    async def save_meeting(self, form: dict):
        meeting_id = parse_id(form.get("meeting_id"))
        return await self._save_meeting(f"meeting:{meeting_id}", form, meeting_editing.update, meeting_id, form)

    @rx.event
    @endpoint("signed_in", dict)
    async def cancel_meeting(self, form: dict):
        meeting_id = parse_id(form.get("meeting_id"))
        return await self._save(f"cancel:{meeting_id}", form, meeting_editing.cancel, meeting_id, form,
                                saved="edit.meeting_cancelled")

    @rx.event
    @endpoint("signed_in", dict)
    async def answer_meeting(self, form: dict):
        meeting_id = parse_id(form.get("meeting_id"))
        return await self._save(f"answer:{meeting_id}", form, meeting_editing.answer, meeting_id, form,
                                saved="edit.answer_saved")

    @rx.event
    @endpoint("signed_in", dict)
    async def write_minutes(self, form: dict):
        meeting_id = parse_id(form.get("meeting_id"))
        return await self._save(f"minutes:{meeting_id}", form, meeting_editing.write_minutes, meeting_id, form,
                                saved="edit.minutes_published")

    @rx.event
    @endpoint("signed_in", dict)
    async def add_decision(self, form: dict):
        meeting_id = parse_id(form.get("meeting_id"))
        return await self._save(f"decision:new:{meeting_id}", form, meeting_editing.add_decision, meeting_id, form,
                                saved="edit.decision_added", reset_form=True)

    @rx.event
    @endpoint("signed_in", int, str)
    async def set_decision_status(self, decision_id: int, status: str):
        return await self._save(f"decision:{decision_id}", {}, meeting_editing.set_decision_status, decision_id,
                                status, saved="edit.saved")

    # --- messages -------------------------------------------------------------------------------

    @rx.event
    @endpoint("signed_in", dict)
    async def start_thread(self, form: dict):
        return await self._save("thread:new", form, messaging.start_thread, form, saved="edit.message_sent",
                                reset_form=True)

    @rx.event
    @endpoint("signed_in", dict)
    async def reply_thread(self, form: dict):
        thread_id = parse_id(form.get("thread_id"))
        return await self._save(f"reply:{thread_id}", form, messaging.reply, thread_id, form,
                                saved="edit.message_sent", reset_form=True)

    @rx.event
    @endpoint("signed_in", int, bool)
    async def mark_handled(self, thread_id: int, handled: bool):
        return await self._save(f"thread:{thread_id}", {}, messaging.mark_handled, thread_id, handled,
                                saved="edit.handled" if handled else "edit.reopened")

    # --- the owner's notes -------------------------------------------------------------------------

    @rx.event
    @endpoint("signed_in", dict)
    async def add_note(self, form: dict):
        return await self._save("note:new", form, notes.add_note, form, saved="edit.note_added", reset_form=True)

    @rx.event
    @endpoint("signed_in", dict)
    async def save_note(self, form: dict):
        note_id = parse_id(form.get("note_id"))
        return await self._save(f"note:{note_id}", form, notes.update_note, note_id, form)

    @rx.event
    @endpoint("signed_in", int)
    async def delete_note(self, note_id: int):
        return await self._save(f"note:{note_id}", {}, notes.delete_note, note_id, saved="edit.note_deleted")


def _dom_id(form_key: str) -> str:
    """The form's element id: "goal:12" -> "form-goal-12" (its fields: "form-goal-12-title")."""
    return "form-" + form_key.replace(":", "-")
