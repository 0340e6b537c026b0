"""Meetings and messages through the services, from a plan the test made through the services:
scheduling and who can see it, answers, minutes and decisions, the calendar file across a
daylight-saving change, messages as text, who may read and post, and the coordinator's inbox."""

from datetime import UTC, datetime, timedelta

import pytest
from icalendar import Calendar
from living_plan import make_plan
from sqlalchemy import update
from sqlmodel import select

from ipapp import db
from ipapp.i18n.dates import oslo_today
from ipapp.models import AuditEvent, Meeting, Message, utcnow
from ipapp.services import (
    calendar,
    goal_editing,
    inbox,
    meeting_editing,
    messaging,
    plan_editing,
    plan_reading,
    plan_setup,
)
from ipapp.services.forms import FormProblem
from ipapp.services.plan_access import AccessDenied


@pytest.fixture
def plan(service_engine):
    return make_plan()


def _soon(days: int = 3) -> str:
    return (oslo_today(utcnow()) + timedelta(days=days)).isoformat()


def _meeting(plan, **extra) -> dict:
    form = {"kind": "responsibility_group", "title": "Ansvarsgruppemøte", "day": _soon(), "start": "10:00",
            "end": "11:30", "location": "Rådhuset", "agenda": "Gjennomgang av målene",
            f"person_{plan.owner_id}": "on", f"person_{plan.next_of_kin_id}": "on"}
    form.update(extra)
    return form


def _to_the_past(meeting_id: int, days: int = 1) -> None:
    """As if the meeting had been held (its time moved back): only the clock is faked."""
    with db.transaction() as session:
        meeting = session.get(Meeting, meeting_id)
        shift = meeting.starts_at - (utcnow() - timedelta(days=days))
        session.exec(update(Meeting).where(Meeting.id == meeting_id).values(
            starts_at=meeting.starts_at - shift, ends_at=meeting.ends_at - shift))


def test_inviting_someone_who_may_not_see_meetings_says_so_and_grants_nothing(plan):
    saved = meeting_editing.schedule(plan.coordinator_id, plan.plan_id, _meeting(plan))
    assert saved.unseen == ["Mona Mor"]  # the next of kin has no grant of meetings
    upcoming, _ = plan_reading.read_meetings(plan.owner_id, plan.plan_id, "nb")
    assert [m.title for m in upcoming] == ["Ansvarsgruppemøte"] and upcoming[0].invited
    with pytest.raises(AccessDenied):
        plan_reading.read_meetings(plan.next_of_kin_id, plan.plan_id, "nb")
    with pytest.raises(AccessDenied):
        meeting_editing.answer(plan.next_of_kin_id, plan.plan_id, saved.meeting_id, {"response": "accepted"})


@pytest.mark.parametrize("changes, field, code", [
    ({"day": (oslo_today(utcnow()) - timedelta(days=1)).isoformat()}, "day", "in_the_past"),
    ({"end": "09:00"}, "end", "end_before_start"),
    ({"video_url": "http://video.example/rom"}, "video_url", "not_https"),
    ({"start": "25:00"}, "start", "not_a_time"),
])
def test_bad_meeting_input_writes_nothing(plan, changes, field, code):
    with pytest.raises(FormProblem) as problem:
        meeting_editing.schedule(plan.coordinator_id, plan.plan_id, _meeting(plan, **changes))
    assert problem.value.problems[field] == code
    with db.transaction() as session:
        assert session.exec(select(Meeting)).all() == []


def test_an_invitee_from_another_plan_is_refused(plan):
    other = make_plan("2")
    with pytest.raises(FormProblem) as problem:
        meeting_editing.schedule(plan.coordinator_id, plan.plan_id, _meeting(plan, **{f"person_{other.owner_id}": "on"}))
    assert problem.value.problems == {"invitees": "not_on_this_plan"}


def test_answers_until_the_start_then_minutes_and_decisions_under_the_goal(plan):
    goal = goal_editing.add_goal(plan.owner_id, plan.plan_id, {"title": "Bo for meg selv"})
    contact = plan_editing.add_contact(plan.coordinator_id, plan.plan_id, {"role": "provider", "name": "Per Bolig"})
    saved = meeting_editing.schedule(plan.coordinator_id, plan.plan_id, _meeting(plan, **{f"goal_{goal}": "on"}))
    meeting_editing.answer(plan.owner_id, plan.plan_id, saved.meeting_id, {"response": "accepted",
                                                                             "comment": "Kan jeg være med på video?"})
    meeting_editing.answer(plan.owner_id, plan.plan_id, saved.meeting_id, {"response": "maybe"})  # she may change it
    with pytest.raises(AccessDenied):  # the guardian is not invited
        meeting_editing.answer(plan.guardian_id, plan.plan_id, saved.meeting_id, {"response": "accepted"})
    upcoming, _ = plan_reading.read_meetings(plan.coordinator_id, plan.plan_id, "nb")
    assert [(i.name, i.response) for i in upcoming[0].invitees] == [("Maja Eier", "maybe"), ("Mona Mor", "pending")]
    assert upcoming[0].goal_titles == ["Bo for meg selv"]
    with pytest.raises(FormProblem) as problem:  # not yet: the meeting has not started
        meeting_editing.write_minutes(plan.coordinator_id, plan.plan_id, saved.meeting_id,
                                      {"minutes": "Referat", "version": "1"})
    assert problem.value.problems == {"minutes": "not_yet"}

    _to_the_past(saved.meeting_id)
    with pytest.raises(FormProblem):
        meeting_editing.answer(plan.owner_id, plan.plan_id, saved.meeting_id, {"response": "declined"})
    meeting_editing.write_minutes(plan.coordinator_id, plan.plan_id, saved.meeting_id,
                                  {"minutes": "Vi snakket om bolig.", "version": "1"})
    meeting_editing.write_minutes(plan.coordinator_id, plan.plan_id, saved.meeting_id,
                                  {"minutes": "Vi snakket om bolig og jobb.", "version": "2"})  # a correction
    meeting_editing.add_decision(plan.coordinator_id, plan.plan_id, saved.meeting_id, {
        "what": "Søke om omsorgsbolig", "responsible_contact_id": str(contact), "due_on": _soon(30),
        "goal_id": str(goal)})
    _, past = plan_reading.read_meetings(plan.owner_id, plan.plan_id, "nb")
    assert past[0].minutes == "Vi snakket om bolig og jobb."
    assert [(d.what, d.responsible_name, d.status) for d in past[0].decisions] == \
        [("Søke om omsorgsbolig", "Per Bolig", "open")]
    under_goal = plan_reading.read_goal(plan.owner_id, plan.plan_id, goal, "nb").decisions
    assert [d.what for d in under_goal] == ["Søke om omsorgsbolig"]
    from ipapp.services import history
    with db.transaction() as session:
        from ipapp.services.plan_access import load_context
        seen = history.history_in(session, load_context(session, plan.owner_id, plan.plan_id, utcnow()), "mote",
                                  saved.meeting_id, "nb")
    assert len(seen.steps) == 3  # scheduled, minutes, corrected minutes: every version kept


def test_a_cancelled_meeting_leaves_upcoming_for_everyone_with_its_reason(plan):
    saved = meeting_editing.schedule(plan.coordinator_id, plan.plan_id, _meeting(plan))
    with pytest.raises(FormProblem):
        meeting_editing.cancel(plan.coordinator_id, plan.plan_id, saved.meeting_id, {"reason": "", "version": "1"})
    meeting_editing.cancel(plan.coordinator_id, plan.plan_id, saved.meeting_id,
                           {"reason": "Koordinator er syk", "version": "1"})
    for reader in (plan.owner_id, plan.coordinator_id, plan.guardian_id):
        upcoming, _ = plan_reading.read_meetings(reader, plan.plan_id, "nb")
        assert upcoming == []
    from ipapp.services.meeting_reading import meetings_page_in
    from ipapp.services.plan_reading import open_section
    cancelled = open_section(plan.owner_id, plan.plan_id, "nb", meetings_page_in).content.cancelled
    assert [(m.title, m.cancel_reason) for m in cancelled] == [("Ansvarsgruppemøte", "Koordinator er syk")]


def test_the_calendar_file_has_the_right_utc_times_on_both_sides_of_a_dst_change(plan):
    ids = []
    for day in ("2027-03-27", "2027-03-29"):  # summer time begins 28 March 2027
        saved = meeting_editing.schedule(plan.coordinator_id, plan.plan_id, _meeting(plan, day=day))
        ids.append(saved.meeting_id)
    winter, summer = (Calendar.from_ical(calendar.meeting_ics(plan.owner_id, plan.plan_id, i, "nb")) for i in ids)
    assert [tz.get("tzid") for tz in winter.walk("VTIMEZONE")] == ["Europe/Oslo"]
    starts = [c.walk("VEVENT")[0]["dtstart"] for c in (winter, summer)]
    assert [s.params.get("TZID") for s in starts] == ["Europe/Oslo", "Europe/Oslo"]  # local time, with its zone
    assert [s.dt.astimezone(UTC).replace(tzinfo=None) for s in starts] == \
        [datetime(2027, 3, 27, 9, 0), datetime(2027, 3, 29, 8, 0)]  # CET, then CEST
    with pytest.raises(AccessDenied):
        calendar.meeting_ics(plan.next_of_kin_id, plan.plan_id, ids[0], "nb")


def test_messages_are_text_and_only_those_with_messages_read_or_post(plan):
    thread = messaging.start_thread(plan.owner_id, plan.plan_id, {
        "subject": "Video", "body": "Kan jeg være med på video? <script>alert(1)</script><img src=x onerror=alert(1)> "
                                    "Se https://example.no/info."})
    threads = plan_reading.read_threads(plan.coordinator_id, plan.plan_id, "nb")
    parts = threads[0].messages[0].parts
    assert [p.href for p in parts if p.href] == ["https://example.no/info"]
    assert "".join(p.text for p in parts) == threads[0].messages[0].body  # nothing dropped, nothing rendered
    assert threads[0].awaiting_reply and threads[0].unread == 1
    for outsider in (plan.next_of_kin_id,):  # no grant of messages
        with pytest.raises(AccessDenied):
            plan_reading.read_threads(outsider, plan.plan_id, "nb")
        with pytest.raises(AccessDenied):
            messaging.reply(outsider, plan.plan_id, thread, {"body": "Hei"})
    for body, code in (("", "required"), ("x" * 20_000, "too_long_5000")):
        with pytest.raises(FormProblem) as problem:
            messaging.reply(plan.owner_id, plan.plan_id, thread, {"body": body})
        assert problem.value.problems == {"body": code}
    messaging.reply(plan.coordinator_id, plan.plan_id, thread, {"body": "Ja, lenken kommer."})
    messaging.mark_read(plan.owner_id, plan.plan_id)
    mine = plan_reading.read_threads(plan.owner_id, plan.plan_id, "nb")[0]
    assert not mine.awaiting_reply and mine.unread == 0
    with db.transaction() as session:
        assert len(session.exec(select(Message)).all()) == 2


def test_the_inbox_orders_by_waiting_across_three_plans_and_forgets_plans_handed_over(plan):
    second, third = make_plan("2"), make_plan("3")
    for other in (second, third):  # one coordinator for all three
        plan_setup.assign_coordinator(plan.admin_id, other.plan_id, plan.coordinator_id)
    threads = {}
    for n, p in enumerate((third, plan, second)):  # the third plan's message is the oldest
        threads[p.plan_id] = messaging.start_thread(p.owner_id, p.plan_id, {"subject": f"Spørsmål {n}", "body": "Hei"})
        with db.transaction() as session:
            session.exec(update(Message).where(Message.thread_id == threads[p.plan_id])
                         .values(sent_at=utcnow() - timedelta(hours=10 - n)))
    waiting = inbox.inbox(plan.coordinator_id, "waiting", None, "nb")
    assert [i.subject for i in waiting] == ["Spørsmål 0", "Spørsmål 1", "Spørsmål 2"]
    messaging.reply(plan.coordinator_id, plan.plan_id, threads[plan.plan_id], {"body": "Svar"})
    messaging.mark_handled(plan.coordinator_id, second.plan_id, threads[second.plan_id])
    assert [i.subject for i in inbox.inbox(plan.coordinator_id, "waiting", None, "nb")] == ["Spørsmål 0"]
    assert [i.subject for i in inbox.inbox(plan.coordinator_id, "handled", None, "nb")] == ["Spørsmål 2"]
    plan_setup.assign_coordinator(plan.admin_id, third.plan_id, third.coordinator_id)  # handed back
    assert "Spørsmål 0" not in [i.subject for i in inbox.inbox(plan.coordinator_id, "all", None, "nb")]
    with pytest.raises(AccessDenied):  # and she can no longer answer there
        messaging.reply(plan.coordinator_id, third.plan_id, threads[third.plan_id], {"body": "Svar"})
    with db.transaction() as session:
        looks = session.exec(select(AuditEvent).where(AuditEvent.target == "inbox")).all()
    assert {e.plan_id for e in looks} == {plan.plan_id, second.plan_id, third.plan_id}


def test_a_substitute_has_the_plan_and_the_inbox_for_the_dates_the_unit_admin_gave(plan):
    colleague = plan_setup.add_coordinator(plan.admin_id, {"given_name": "Vera", "family_name": "Vikar",
                                                           "email": "vera@kommune.example"}).person_id
    thread = messaging.start_thread(plan.owner_id, plan.plan_id, {"subject": "Ferie", "body": "Hvem svarer nå?"})
    assert inbox.inbox(colleague, "all", None, "nb") == []
    with pytest.raises(AccessDenied):  # only the coordinating unit names a stand-in
        plan_setup.add_substitute(plan.coordinator_id, plan.plan_id, colleague,
                                  {"valid_from": _soon(0), "valid_until": _soon(14)})
    with pytest.raises(FormProblem) as problem:
        plan_setup.add_substitute(plan.admin_id, plan.plan_id, colleague,
                                  {"valid_from": _soon(3), "valid_until": _soon(1)})
    assert problem.value.problems == {"valid_until": "end_before_start"}
    plan_setup.add_substitute(plan.admin_id, plan.plan_id, colleague, {"valid_from": _soon(0), "valid_until": _soon(14)})

    assert [i.subject for i in inbox.inbox(colleague, "waiting", None, "nb")] == ["Ferie"]
    messaging.reply(colleague, plan.plan_id, thread, {"body": "Jeg er vikar i to uker."})
    goal = goal_editing.add_goal(plan.owner_id, plan.plan_id, {"title": "Sommerjobb"})
    goal_editing.add_measure(colleague, plan.plan_id, goal, {"name": "Jobbsøking", "starts_on": _soon(0)})
    header = plan_reading.read_header(plan.owner_id, plan.plan_id, "nb")
    assert header.substitutes and header.substitutes[0].startswith("Vera Vikar, ")
    [current] = plan_setup.substitutes(plan.admin_id, "nb")
    assert current.current and current.person_name == "Vera Vikar"
    plan_setup.end_substitute(plan.admin_id, current.id)  # began today: removed altogether
    assert inbox.inbox(colleague, "all", None, "nb") == []
    with pytest.raises(AccessDenied):
        messaging.reply(colleague, plan.plan_id, thread, {"body": "Enda et svar"})
