"""Writing "about me", the contacts, the plan period and review date, and closing a plan.

"About me" is the owner's (and an acting guardian's, and the coordinator's who writes it down
with her); contacts, the period and the review are kept by the coordinator.
"""

from sqlmodel import select

from ipapp.domain.vocabulary import ContactRole, PlanStatus
from ipapp.i18n.dates import oslo_today
from ipapp.models import AboutMe, Contact, Measure
from ipapp.policy import Part
from ipapp.services import reminders
from ipapp.services.editing import EditConflict, editing
from ipapp.services.forms import LONG_TEXT, SHORT_TEXT, Form

CONTACT_ROLES = frozenset(r.value for r in ContactRole)


def update_about(person_id: int | None, plan_id: object, raw: object) -> None:
    form = Form(raw)
    with editing(person_id, plan_id, Part.ABOUT) as edit:
        edit.allow("about")
        values = {name: form.text(name, max_length=LONG_TEXT) for name in ("what_matters", "resources", "needs")}
        form.done()
        about = edit.session.exec(select(AboutMe).where(AboutMe.plan_id == edit.ctx.plan.id)).first()
        if about is None:  # written for the first time: version 0 was "nothing yet"
            if form.version() not in (None, 0):
                raise EditConflict({}, 0)
            about = AboutMe(plan_id=edit.ctx.plan.id, updated_by_person_id=person_id, **values)
            edit.saved("about_me", about, "create")
            return
        edit.expect(about, form.version(), "about_me")
        for name, value in values.items():
            setattr(about, name, value)
        about.updated_by_person_id = person_id
        edit.saved("about_me", about, "update")


def _contact_values(form: Form) -> dict:
    return {
        "role": form.choice("role", CONTACT_ROLES),
        "name": form.text("name", max_length=SHORT_TEXT, required=True),
        "title": form.text("title"),
        "organisation": form.text("organisation"),
        "phone": form.phone("phone") or None,
        "email": form.email("email") or None,
    }


def add_contact(person_id: int | None, plan_id: object, raw: object) -> int:
    form = Form(raw)
    with editing(person_id, plan_id, Part.CONTACTS) as edit:
        edit.allow("contact:new")
        values = _contact_values(form)
        form.done()
        contact = Contact(plan_id=edit.ctx.plan.id,
                          position=edit.next_position(Contact.position, Contact.plan_id == edit.ctx.plan.id), **values)
        edit.saved("contact", contact, "create")
        return contact.id


def update_contact(person_id: int | None, plan_id: object, contact_id: object, raw: object) -> None:
    form = Form(raw)
    with editing(person_id, plan_id, Part.CONTACTS) as edit:
        contact = edit.item(Contact, contact_id, "contact")
        edit.allow(f"contact:{contact.id}")
        values = _contact_values(form)
        form.done()
        edit.expect(contact, form.version(), "contact")
        for name, value in values.items():
            setattr(contact, name, value)
        edit.saved("contact", contact, "update")
        _rename_in_measures(edit, contact.id, contact.name)


def delete_contact(person_id: int | None, plan_id: object, contact_id: object, raw: object) -> None:
    """The contact goes; services they were responsible for keep going with nobody named (each
    such change is a version of that service, so its history says so)."""
    form = Form(raw)
    with editing(person_id, plan_id, Part.CONTACTS) as edit:
        contact = edit.item(Contact, contact_id, "contact")
        edit.allow(f"contact:{contact.id}:delete")
        edit.expect(contact, form.version(), "contact")
        for measure in edit.session.exec(select(Measure).where(Measure.responsible_contact_id == contact.id)):
            measure.responsible_contact_id = None
            edit.saved("measure", measure, "update", responsible_name="")
        edit.saved("contact", contact, "delete")
        edit.session.delete(contact)


def _rename_in_measures(edit, contact_id: int, name: str) -> None:
    """A renamed contact is a new version of each service naming them responsible."""
    for measure in edit.session.exec(select(Measure).where(Measure.responsible_contact_id == contact_id)):
        edit.saved("measure", measure, "update", responsible_name=name)


def update_plan_period(person_id: int | None, plan_id: object, raw: object) -> None:
    """The plan period (start, optional end) and the next review date, which may not be past."""
    form = Form(raw)
    with editing(person_id, plan_id, Part.PLAN_PERIOD) as edit:
        edit.allow("plan:period")
        start = form.day("period_start", required=True)
        end = form.day("period_end")
        review = form.day("next_review_on", required=True)
        if start and end and end < start:
            form.problem("period_end", "end_before_start")
        if review and review < oslo_today(edit.ctx.now):
            form.problem("next_review_on", "in_the_past")
        form.done()
        plan = edit.ctx.plan
        edit.expect(plan, form.version(), "plan")
        plan.period_start, plan.period_end, plan.next_review_on = start, end, review
        edit.saved("plan", plan, "update")
        reminders.review_changed(edit.session, plan, edit.ctx.now, edit.ctx.facts)  # move its review reminders


def close_plan(person_id: int | None, plan_id: object, raw: object) -> None:
    """Closed: read-only for everyone from now on, and every grant of it gives nothing."""
    form = Form(raw)
    with editing(person_id, plan_id, Part.PLAN_PERIOD) as edit:
        edit.allow("plan:close")
        plan = edit.ctx.plan
        edit.expect(plan, form.version(), "plan")
        plan.status = PlanStatus.CLOSED.value
        edit.saved("plan", plan, "update")
        reminders.plan_people_changed(edit.session, plan, edit.ctx.now)  # withdraws those not yet sent
