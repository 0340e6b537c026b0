"""Writing the plan through the services, from a plan the test made through the services:
who may change what, nothing lost to a second writer, bad input kept out, every change a
version whose history reads back exactly, forged references refused and audited."""

from datetime import timedelta

import pytest
from living_plan import make_plan
from sqlmodel import col, select

from ipapp import db
from ipapp.i18n.dates import oslo_today
from ipapp.models import AuditEvent, Goal, Measure, OwnerNote, PlanVersion, utcnow
from ipapp.services import goal_editing, history, notes, plan_document, plan_editing, plan_reading, versions
from ipapp.services.editing import EditConflict
from ipapp.services.forms import FormProblem
from ipapp.services.plan_access import AccessDenied, load_context
from ipapp.services.overview_page import open_overview


@pytest.fixture
def plan(service_engine):
    return make_plan()


def _denials(person_id: int, reason: str | None = None) -> int:
    with db.transaction() as session:
        query = select(AuditEvent).where(AuditEvent.actor_person_id == person_id, AuditEvent.outcome == "denied")
        return len([e for e in session.exec(query) if reason is None or e.reason == reason])


def _goal(goal_id: int) -> Goal:
    with db.transaction() as session:
        return session.get(Goal, goal_id)


def _today() -> str:
    return oslo_today(utcnow()).isoformat()


def test_owner_words_goals_coordinator_keeps_the_services(plan):
    goal_id = goal_editing.add_goal(plan.owner_id, plan.plan_id, {"title": "Gå på tur hver uke"})
    goal_editing.update_goal(plan.owner_id, plan.plan_id, goal_id,
                             {"title": "Gå tur med hunden hver uke", "description": "Helst i skogen", "version": "1"})
    assert _goal(goal_id).title == "Gå tur med hunden hver uke" and _goal(goal_id).version == 2

    contact_id = plan_editing.add_contact(plan.coordinator_id, plan.plan_id,
                                          {"role": "provider", "name": "Per Fysio", "title": "fysioterapeut",
                                           "phone": "+47 900 00 000"})
    measure_id = goal_editing.add_measure(plan.coordinator_id, plan.plan_id, goal_id, {
        "name": "Fysioterapi", "provider": "Kommunen", "responsible_contact_id": str(contact_id),
        "frequency": "to ganger i uka", "starts_on": _today(), "how": "Hjemme hos meg"})
    with pytest.raises(AccessDenied):  # the owner may not add services
        goal_editing.add_measure(plan.owner_id, plan.plan_id, goal_id, {"name": "Svømming", "starts_on": _today()})
    with pytest.raises(AccessDenied):  # nor set a goal's status
        goal_editing.set_goal_status(plan.owner_id, plan.plan_id, goal_id, {"status": "achieved", "version": "2"})
    assert _denials(plan.owner_id, "read_only") == 2

    goal_editing.set_goal_status(plan.coordinator_id, plan.plan_id, goal_id,
                                 {"status": "achieved", "status_note": "Klarte det i mai", "version": "2"})
    view = plan_reading.read_goal(plan.owner_id, plan.plan_id, goal_id, "nb")
    assert view.status == "achieved" and view.status_note == "Klarte det i mai"
    assert [m.name for m in view.measures] == ["Fysioterapi"] and view.measures[0].responsible_name == "Per Fysio"
    assert view.measures[0].how == "Hjemme hos meg"
    with db.transaction() as session:
        assert session.get(Measure, measure_id).version == 1


def test_guardian_words_goals_but_never_touches_notes_and_next_of_kin_writes_nothing(plan):
    goal_id = goal_editing.add_goal(plan.guardian_id, plan.plan_id, {"title": "Bo for meg selv"})
    plan_editing.update_about(plan.guardian_id, plan.plan_id, {"what_matters": "Musikk", "version": "0"})
    with pytest.raises(AccessDenied):
        notes.add_note(plan.guardian_id, plan.plan_id, {"body": "Hemmelig"})
    for attempt in (lambda: goal_editing.update_goal(plan.next_of_kin_id, plan.plan_id, goal_id,
                                                     {"title": "Noe annet", "version": "1"}),
                    lambda: plan_editing.update_about(plan.next_of_kin_id, plan.plan_id, {"needs": "x"})):
        with pytest.raises(AccessDenied):
            attempt()
    assert _denials(plan.guardian_id, "notes_private") == 1
    assert _denials(plan.next_of_kin_id) == 2
    assert _goal(goal_id).title == "Bo for meg selv"
    with db.transaction() as session:
        assert session.exec(select(OwnerNote)).all() == []


def test_the_second_save_of_the_same_item_is_refused_with_both_texts(plan):
    goal_id = goal_editing.add_goal(plan.owner_id, plan.plan_id, {"title": "Lære å lage middag"})
    goal_editing.update_goal(plan.coordinator_id, plan.plan_id, goal_id,
                             {"title": "Lage middag selv to ganger i uka", "version": "1"})
    with pytest.raises(EditConflict) as conflict:
        goal_editing.update_goal(plan.owner_id, plan.plan_id, goal_id, {"title": "Lage pizza", "version": "1"})
    assert conflict.value.current["title"] == "Lage middag selv to ganger i uka" and conflict.value.version == 2
    assert _goal(goal_id).title == "Lage middag selv to ganger i uka"  # nothing overwritten


@pytest.mark.parametrize("form, field, code", [
    ({"title": ""}, "title", "required"),
    ({"title": "x" * 301}, "title", "too_long_300"),
    ({"title": "ok", "description": "y" * 5001}, "description", "too_long_5000"),
])
def test_bad_goal_input_writes_nothing(plan, form, field, code):
    with pytest.raises(FormProblem) as problem:
        goal_editing.add_goal(plan.owner_id, plan.plan_id, form)
    assert problem.value.problems == {field: code}
    with db.transaction() as session:
        assert session.exec(select(Goal)).all() == []


def test_bad_service_input_and_forged_references(plan):
    other = make_plan("2")
    goal_id = goal_editing.add_goal(plan.owner_id, plan.plan_id, {"title": "Mål"})
    foreign_goal = goal_editing.add_goal(other.owner_id, other.plan_id, {"title": "Et annet mål"})
    foreign_contact = plan_editing.add_contact(other.coordinator_id, other.plan_id, {"role": "gp", "name": "Dr. X"})
    with pytest.raises(FormProblem) as problem:
        goal_editing.add_measure(plan.coordinator_id, plan.plan_id, goal_id, {
            "name": "", "starts_on": "2026-05-01", "ends_on": "2026-04-01",
            "responsible_contact_id": str(foreign_contact)})
    assert problem.value.problems == {"name": "required", "ends_on": "end_before_start",
                                      "responsible_contact_id": "not_on_this_plan"}
    before = _denials(plan.coordinator_id, "no_such_item")
    for forged in (lambda: goal_editing.update_goal(plan.coordinator_id, plan.plan_id, foreign_goal,
                                                    {"title": "Kapret", "version": "1"}),
                   lambda: goal_editing.add_measure(plan.coordinator_id, plan.plan_id, 999_999,
                                                    {"name": "x", "starts_on": _today()}),
                   lambda: goal_editing.reorder_goals(plan.coordinator_id, plan.plan_id, [goal_id, foreign_goal])):
        with pytest.raises(AccessDenied):
            forged()
    assert _denials(plan.coordinator_id, "no_such_item") == before + 3
    assert _goal(foreign_goal).title == "Et annet mål"
    with pytest.raises(FormProblem) as problem:
        plan_editing.update_plan_period(plan.coordinator_id, plan.plan_id, {
            "period_start": "2026-01-01", "next_review_on": (oslo_today(utcnow()) - timedelta(days=1)).isoformat(),
            "version": "1"})
    assert problem.value.problems == {"next_review_on": "in_the_past"}


def test_reorder_and_move(plan):
    ids = [goal_editing.add_goal(plan.owner_id, plan.plan_id, {"title": f"Mål {n}"}) for n in range(3)]
    goal_editing.move_goal(plan.owner_id, plan.plan_id, ids[2], -1)
    goals = plan_reading.read_overview(plan.owner_id, plan.plan_id, "nb").goals
    assert [g.id for g in goals] == [ids[0], ids[2], ids[1]]
    goal_editing.reorder_goals(plan.owner_id, plan.plan_id, [ids[1], ids[0], ids[2]])
    assert [g.id for g in plan_reading.read_overview(plan.owner_id, plan.plan_id, "nb").goals] == \
        [ids[1], ids[0], ids[2]]


def test_history_reads_back_every_version_and_the_plan_as_it_stood(plan):
    goal_id = goal_editing.add_goal(plan.owner_id, plan.plan_id, {"title": "Første ord"})
    goal_editing.update_goal(plan.owner_id, plan.plan_id, goal_id, {"title": "Andre ord", "version": "1"})
    with db.transaction() as session:
        first = session.exec(select(PlanVersion).where(PlanVersion.entity == "goal", PlanVersion.version == 1)).one()
        first_at = first.changed_at
    goal_editing.update_goal(plan.coordinator_id, plan.plan_id, goal_id,
                             {"title": "Tredje ord", "description": "Ny", "version": "2"})
    with db.transaction() as session:
        ctx = load_context(session, plan.owner_id, plan.plan_id, utcnow())
        seen = history.history_in(session, ctx, "mal", goal_id, "nb")
        stood = versions.as_of(session, plan.plan_id, first_at)
    assert [e.change_label for e in seen.steps] == ["Endret", "Endret", "Lagt til"]
    newest = seen.steps[0]
    assert newest.who.startswith("Ingrid") and {f.label: (f.before, f.after) for f in newest.fields} == {
        "Målet med dine ord": ("Andre ord", "Tredje ord"), "Mer om målet": ("(tomt)", "Ny")}
    assert stood["goal"][goal_id]["title"] == "Første ord"  # exactly the earlier value
    with db.transaction() as session:  # a stranger reads no history, not even that it exists
        ctx = load_context(session, make_plan("3").owner_id, plan.plan_id, utcnow())
        with pytest.raises(AccessDenied):
            history.history_in(session, ctx, "mal", goal_id, "nb")


def test_changes_since_the_previous_visit_name_who_and_what(plan):
    open_overview(plan.owner_id, plan.plan_id, "nb", session_id=1)  # her first visit
    own_goal = goal_editing.add_goal(plan.owner_id, plan.plan_id, {"title": "Mitt eget"})
    assert open_overview(plan.owner_id, plan.plan_id, "nb", session_id=1).changes == []  # first visit: nothing
    goal_id = goal_editing.add_goal(plan.coordinator_id, plan.plan_id, {"title": "Få jobb"})
    page = open_overview(plan.owner_id, plan.plan_id, "nb", session_id=2)  # signed in again
    assert [c.text for c in page.changes] == ["Ingrid Koordinator la til målet «Få jobb»"]  # not her own
    assert own_goal != goal_id
    again = open_overview(plan.owner_id, plan.plan_id, "nb", session_id=2)  # a reload keeps the list
    assert [c.text for c in again.changes] == [c.text for c in page.changes]
    assert page.changes[0].history_href == f"/historikk/mal/{goal_id}"
    assert any("ingen tiltak" in m.text for m in page.missing)


def test_services_with_nobody_responsible_are_one_line_per_goal(plan):
    one = goal_editing.add_goal(plan.coordinator_id, plan.plan_id, {"title": "Bo hjemme"})
    three = goal_editing.add_goal(plan.coordinator_id, plan.plan_id, {"title": "Komme i jobb"})
    goal_editing.add_measure(plan.coordinator_id, plan.plan_id, one, {"name": "Hjemmehjelp", "starts_on": _today()})
    for name in ("Jobbkurs", "Arbeidstrening", "Praksisplass"):
        goal_editing.add_measure(plan.coordinator_id, plan.plan_id, three, {"name": name, "starts_on": _today()})
    lines = {m.text: m.href for m in open_overview(plan.owner_id, plan.plan_id, "nb", session_id=1).missing
             if "ansvarlig" in m.text}
    assert lines == {"Tiltaket «Hjemmehjelp» har ingen ansvarlig.": f"/mal/{one}",
                     "3 tiltak under målet «Komme i jobb» har ingen ansvarlig.": f"/mal/{three}"}
    english = open_overview(plan.owner_id, plan.plan_id, "en", session_id=1).missing
    assert '3 services under the goal "Komme i jobb" have nobody responsible.' in [m.text for m in english]


def test_notes_are_the_owners_and_deleting_keeps_no_text(plan):
    note_id = notes.add_note(plan.owner_id, plan.plan_id, {"body": "Spør om bussen"})
    notes.update_note(plan.owner_id, plan.plan_id, note_id, {"body": "Spør om bussen til skolen", "version": "1"})
    for reader in (plan.guardian_id, plan.coordinator_id):
        page = plan_reading.open_section(reader, plan.plan_id, "nb", notes.notes_in)
        assert page.content is None and page.denied.reason == "notes_private"
    mine = plan_reading.open_section(plan.owner_id, plan.plan_id, "nb", notes.notes_in).content
    assert [(n.body, n.version) for n in mine] == [("Spør om bussen til skolen", 2)]
    notes.delete_note(plan.owner_id, plan.plan_id, note_id)
    with db.transaction() as session:
        assert session.exec(select(OwnerNote)).all() == []
        texts = [e.target for e in session.exec(select(AuditEvent).where(col(AuditEvent.target).like("note:%")))]
    assert f"note:{note_id}:delete" in texts and not any("bussen" in t for t in texts)


def test_a_closed_plan_is_read_only_and_its_document_shows_only_what_the_reader_may_see(plan):
    goal_id = goal_editing.add_goal(plan.owner_id, plan.plan_id, {"title": "Trene"})
    notes.add_note(plan.owner_id, plan.plan_id, {"body": "Mitt private notat"})
    coordinator_copy = plan_document.open_document(plan.coordinator_id, plan.plan_id, None, "nb", kind="pdf").plan
    assert [g.title for g in coordinator_copy.goals] == ["Trene"] and coordinator_copy.notes is None
    owner_copy = plan_document.open_document(plan.owner_id, plan.plan_id, None, "nb", kind="pdf").plan
    assert [n.body for n in owner_copy.notes] == ["Mitt private notat"]
    plan_editing.close_plan(plan.coordinator_id, plan.plan_id, {"version": "1"})
    with pytest.raises(AccessDenied):
        goal_editing.update_goal(plan.owner_id, plan.plan_id, goal_id, {"title": "Nei", "version": "1"})
    assert _denials(plan.owner_id, "plan_closed") == 1
    assert plan_reading.read_goal(plan.owner_id, plan.plan_id, goal_id, "nb").title == "Trene"


def test_the_plan_as_it_stood_on_an_earlier_day_prints_that_days_words_and_only_readable_sections(plan):
    """Versions made ten days ago (their time moved back, as if written then), then changed today:
    the PDF of five days ago has the old words and that day's date; the coordinator's copy never
    has the owner's notes; the download is in the access log."""
    import io

    from pypdf import PdfReader
    from sqlalchemy import update

    from ipapp.i18n.dates import format_date
    from ipapp.services import plan_pdf

    goal_id = goal_editing.add_goal(plan.owner_id, plan.plan_id, {"title": "Gammel ordlyd"})
    plan_editing.update_about(plan.owner_id, plan.plan_id, {"what_matters": "Musikk", "version": "0"})
    ten_days_ago = utcnow() - timedelta(days=10)
    with db.transaction() as session:
        session.exec(update(PlanVersion).where(PlanVersion.plan_id == plan.plan_id).values(changed_at=ten_days_ago))
    goal_editing.update_goal(plan.owner_id, plan.plan_id, goal_id, {"title": "Ny ordlyd", "version": "1"})
    notes.add_note(plan.owner_id, plan.plan_id, {"body": "Privat tanke"})
    day = oslo_today(utcnow()) - timedelta(days=5)

    earlier = plan_document.open_document(plan.coordinator_id, plan.plan_id, day, "nb", kind="pdf")
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(plan_pdf.render_pdf(earlier.plan))).pages)
    assert "Gammel ordlyd" in text and "Ny ordlyd" not in text and "Musikk" in text
    assert format_date(day, "nb") in text and earlier.filename == f"individuell-plan-{day.isoformat()}.pdf"
    assert "Privat tanke" not in text
    now = plan_document.open_document(plan.owner_id, plan.plan_id, None, "nb", kind="pdf").plan
    assert [g.title for g in now.goals] == ["Ny ordlyd"] and [n.body for n in now.notes] == ["Privat tanke"]
    with db.transaction() as session:
        downloads = session.exec(select(AuditEvent).where(AuditEvent.action == "download")).all()
    assert {(e.actor_person_id, e.target) for e in downloads} == {
        (plan.coordinator_id, f"pdf:{day.isoformat()}"), (plan.owner_id, f"pdf:{oslo_today(utcnow()).isoformat()}")}
    stranger = make_plan("4")
    with pytest.raises(AccessDenied):
        plan_document.open_document(stranger.owner_id, plan.plan_id, None, "nb", kind="pdf")
