"""A person's reminder choices (issue 12, "Varsler" in Meg), through the services on a plan made
with them: the defaults without a row; a form from the browser read as attacker input (places in
the list of times, "off", checkboxes "on" or absent; anything else is a FormProblem and nothing is
written); each invitee's own meeting times (her choices read in one query for all invitees); and
saving moving, adding and withdrawing her pending reminders at once while sent ones stay."""

from datetime import datetime, timedelta

import pytest
from living_plan import make_plan
from push_server import loopback_push
from shared_steps import counted
from sqlmodel import select

from ipapp import db
from ipapp.config import settings
from ipapp.i18n.dates import oslo_datetime, oslo_today
from ipapp.models import ReminderOutbox, ReminderPreference, utcnow
from ipapp.push.sender import PushSender
from ipapp.services import meeting_editing, messaging, reminder_preferences, reminders_devices
from ipapp.services.forms import FormProblem
from ipapp.services.plan_access import AccessDenied
from ipapp.services.reminder_preferences import DEFAULTS, MEETING_OFFSET_CHOICES, Preferences
from ipapp.services.reminders_sending import ReminderSender

UA = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1"
PLACE = {minutes: str(place) for place, minutes in enumerate(MEETING_OFFSET_CHOICES)}
HOUR, DAY = 60, 24 * 60
GOOD = {"meeting_first": PLACE[2 * DAY], "meeting_second": PLACE[HOUR], "new_message": "on", "review_due": "on",
        "access_ending": "on"}


@pytest.fixture
def push(service_engine, monkeypatch):
    with loopback_push(monkeypatch, 2) as service:
        yield service


@pytest.fixture
def plan(push):
    return make_plan()


def _meeting_rows(**where) -> list[ReminderOutbox]:
    with db.transaction() as session:
        query = select(ReminderOutbox).where(ReminderOutbox.kind == "meeting").order_by(
            ReminderOutbox.person_id, ReminderOutbox.due_at)
        for name, value in where.items():
            query = query.where(getattr(ReminderOutbox, name) == value)
        return list(session.exec(query))


def _all_rows() -> list[tuple]:
    with db.transaction() as session:
        return [(r.id, r.person_id, r.kind, r.dedupe_key, r.due_at, r.status)
                for r in session.exec(select(ReminderOutbox).order_by(ReminderOutbox.id))]


def _stored() -> list[tuple]:
    with db.transaction() as session:
        return [(r.person_id, r.meeting_first_minutes, r.meeting_second_minutes, r.new_message, r.review_due,
                 r.access_ending) for r in session.exec(select(ReminderPreference))]


def _schedule(plan, days: int, *people: int) -> tuple[int, datetime]:
    day = oslo_today(utcnow()) + timedelta(days=days)
    form = {"kind": "responsibility_group", "title": "Ansvarsgruppemøte", "day": day.isoformat(), "start": "10:00",
            "end": "11:00", **{f"person_{p}": "on" for p in people}}
    return meeting_editing.schedule(plan.coordinator_id, plan.plan_id, form).meeting_id, oslo_datetime(day, 10)


def _sender(at: datetime) -> ReminderSender:
    return ReminderSender(PushSender(settings().push), clock=lambda: at)


# --- reading and saving -----------------------------------------------------------------------------


def test_without_a_row_she_has_the_defaults_and_the_list_is_the_one_the_page_offers(plan):
    assert reminder_preferences.get(plan.owner_id) == DEFAULTS == Preferences(24 * 60, 2 * 60, True, True, True)
    assert reminder_preferences.get(None) == DEFAULTS
    assert MEETING_OFFSET_CHOICES == (7 * DAY, 2 * DAY, DAY, 12 * HOUR, 4 * HOUR, 2 * HOUR, HOUR, 30)
    assert [reminder_preferences.place_of(m) for m in (DAY, 2 * HOUR, None, 45)] == ["2", "5", "off", "off"]


def test_saving_stores_her_choices_and_unticked_boxes_are_off(plan):
    saved = reminder_preferences.save(plan.owner_id, {"meeting_first": "0", "meeting_second": "off",
                                                      "review_due": "on"})
    assert saved == Preferences(7 * DAY, None, False, True, False)
    assert reminder_preferences.get(plan.owner_id) == saved
    assert _stored() == [(plan.owner_id, 7 * DAY, None, False, True, False)]
    again = reminder_preferences.save(plan.owner_id, {**GOOD, "meeting_second": "off", "meeting_first": "off"})
    assert again.meeting_offsets == () and _stored() == [(plan.owner_id, None, None, True, True, True)]
    assert reminder_preferences.get(plan.guardian_id) == DEFAULTS  # hers only


def test_each_is_offered_only_the_reminders_that_can_reach_her_and_the_others_stay_as_stored(plan):
    """The page asks which switches apply: the review date to whoever keeps the plan, access
    ending to whoever manages its sharing. A form without a switch she was not offered leaves
    that choice as stored, never turns it off."""
    offered = reminder_preferences.offered
    assert offered(plan.owner_id) == {"new_message", "review_due", "access_ending"}
    assert offered(plan.guardian_id) == {"new_message", "review_due", "access_ending"}  # acts for her
    assert offered(plan.coordinator_id) == {"new_message", "review_due"}  # keeps it, shares nothing
    assert offered(plan.next_of_kin_id) == {"new_message"}  # a next of kin keeps no plan
    assert offered(None) == frozenset()
    kin_form = {"meeting_first": PLACE[DAY], "meeting_second": "off"}  # her page has no such boxes
    assert reminder_preferences.save(plan.next_of_kin_id, kin_form) == Preferences(DAY, None, False, True, True)
    coordinator = reminder_preferences.save(plan.coordinator_id, {**kin_form, "new_message": "on"})
    assert coordinator == Preferences(DAY, None, True, False, True)  # review unticked: off; the other kept


BAD = [
    ({"meeting_first": "8"}, {"meeting_first": "choose_one"}),  # past the end of the list
    ({"meeting_first": "-1"}, {"meeting_first": "choose_one"}),
    ({"meeting_second": "1440"}, {"meeting_second": "choose_one"}),  # minutes, not a place
    ({"meeting_first": str(10**6)}, {"meeting_first": "choose_one"}),  # an id
    ({"meeting_first": " 1"}, {"meeting_first": "choose_one"}),
    ({"meeting_first": "01"}, {"meeting_first": "choose_one"}),
    ({"meeting_first": "١"}, {"meeting_first": "choose_one"}),  # an Arabic-Indic one
    ({"meeting_first": 1}, {"meeting_first": "choose_one"}),  # not a string
    ({"meeting_first": ["1"]}, {"meeting_first": "choose_one"}),
    ({"meeting_first": "1" * 100_000}, {"meeting_first": "choose_one"}),
    ({"meeting_second": None}, {"meeting_second": "choose_one"}),  # must be chosen, even "off"
    ({"new_message": "yes"}, {"new_message": "choose_one"}),
    ({"review_due": "off"}, {"review_due": "choose_one"}),
    ({"access_ending": "on" * 50_000}, {"access_ending": "choose_one"}),
    ({"meeting_first": "3", "meeting_second": "3"}, {"meeting_second": "same_reminder_time"}),
    ({"meeting_first": "9", "new_message": 7}, {"meeting_first": "choose_one", "new_message": "choose_one"}),
]


@pytest.mark.parametrize("change, problems", BAD, ids=[str(i) for i in range(len(BAD))])
def test_bad_input_is_a_problem_per_field_and_nothing_is_written(plan, change, problems):
    _schedule(plan, 3, plan.owner_id)
    before = _all_rows()
    with pytest.raises(FormProblem) as caught:
        reminder_preferences.save(plan.owner_id, {**GOOD, **change})
    assert caught.value.problems == problems
    assert _stored() == [] and _all_rows() == before
    assert reminder_preferences.get(plan.owner_id) == DEFAULTS


def test_a_form_that_is_not_a_form_is_refused_field_by_field(plan):
    for junk in (None, "meeting_first=0", ["0"], 7):
        with pytest.raises(FormProblem) as caught:
            reminder_preferences.save(plan.owner_id, junk)
        assert caught.value.problems == {"meeting_first": "choose_one", "meeting_second": "choose_one"}
    assert _stored() == []


@pytest.mark.parametrize("who", [None, 10**9, True, "1", 1.0])
def test_nobody_signed_in_is_refused_and_nothing_is_written(plan, who):
    before = _all_rows()
    with pytest.raises(AccessDenied):
        reminder_preferences.save(who, GOOD)
    assert _stored() == [] and _all_rows() == before


# --- her own meeting times --------------------------------------------------------------------------


def test_each_invitee_is_reminded_at_her_own_times(plan):
    reminder_preferences.save(plan.owner_id, {**GOOD, "meeting_first": PLACE[4 * HOUR], "meeting_second": "off"})
    reminder_preferences.save(plan.guardian_id, {**GOOD, "meeting_first": "off", "meeting_second": "off"})
    meeting, starts = _schedule(plan, 3, plan.owner_id, plan.coordinator_id, plan.guardian_id)
    assert [(r.person_id, r.due_at) for r in _meeting_rows()] == [
        (plan.coordinator_id, starts - timedelta(hours=24)), (plan.coordinator_id, starts - timedelta(hours=2)),
        (plan.owner_id, starts - timedelta(hours=4))]  # the guardian turned meeting reminders off


def test_the_invitees_choices_are_read_in_one_query_however_many_they_are(plan):
    def preference_reads(*people: int) -> int:
        with counted() as statements:
            _schedule(plan, 3, *people)
        return sum("reminder_preference" in s for s in statements)

    reminder_preferences.save(plan.owner_id, GOOD)
    assert preference_reads(plan.owner_id) == 1
    assert preference_reads(plan.owner_id, plan.coordinator_id, plan.guardian_id, plan.next_of_kin_id) == 1


def test_new_times_move_her_pending_reminders_and_leave_the_sent_one_and_everyone_elses(push, plan):
    reminders_devices.subscribe(plan.owner_id, push.browser().subscription(), UA)
    meeting, starts = _schedule(plan, 3, plan.owner_id, plan.coordinator_id)
    _sender(starts - timedelta(hours=23)).run_until_idle()  # "i morgen" reached her phone
    theirs = [(r.id, r.due_at, r.status) for r in _meeting_rows(person_id=plan.coordinator_id)]

    reminder_preferences.save(plan.owner_id, {**GOOD, "meeting_first": PLACE[2 * DAY], "meeting_second": PLACE[30]})
    assert [(r.due_at, r.status) for r in _meeting_rows(person_id=plan.owner_id)] == [
        (starts - timedelta(days=2), "pending"),  # written now: still ahead for a meeting three days off
        (starts - timedelta(hours=24), "sent"),  # the record of what reached her
        (starts - timedelta(minutes=30), "pending")]
    assert [(r.id, r.due_at, r.status) for r in _meeting_rows(person_id=plan.coordinator_id)] == theirs

    reminder_preferences.save(plan.owner_id, {**GOOD, "meeting_first": "off", "meeting_second": "off"})
    assert [(r.due_at, r.status) for r in _meeting_rows(person_id=plan.owner_id)] == [
        (starts - timedelta(hours=24), "sent")]
    reminder_preferences.save(plan.owner_id, {**GOOD, "meeting_first": PLACE[DAY], "meeting_second": PLACE[2 * HOUR]})
    assert [(r.due_at, r.status) for r in _meeting_rows(person_id=plan.owner_id)] == [
        (starts - timedelta(hours=24), "sent"), (starts - timedelta(hours=2), "pending")]  # not twice


def test_a_meeting_she_declined_or_may_not_see_gets_no_rows_from_saving(plan):
    meeting, _ = _schedule(plan, 3, plan.owner_id, plan.next_of_kin_id)
    meeting_editing.answer(plan.owner_id, plan.plan_id, meeting, {"response": "declined"})
    reminder_preferences.save(plan.owner_id, GOOD)
    reminder_preferences.save(plan.next_of_kin_id, GOOD)  # invited, but not granted meetings
    assert _meeting_rows() == []


def test_a_reminder_time_given_up_while_it_was_being_sent_is_not_sent(push, plan):
    reminders_devices.subscribe(plan.owner_id, push.browser().subscription(), UA)
    _, starts = _schedule(plan, 3, plan.owner_id)
    sender = _sender(starts - timedelta(hours=23))
    [claim] = sender.claim()
    reminder_preferences.save(plan.owner_id, {**GOOD, "meeting_first": PLACE[12 * HOUR], "meeting_second": "off"})
    assert sender.deliver(claim) == "failed" and push.received == []
    assert [(r.due_at, r.status, r.last_error) for r in _meeting_rows()] == [
        (starts - timedelta(hours=24), "failed", "preference_off"), (starts - timedelta(hours=12), "pending", "")]


# --- new messages -----------------------------------------------------------------------------------


def test_message_reminders_turned_off_are_not_written_and_pending_ones_go(push, plan):
    reminders_devices.subscribe(plan.owner_id, push.browser().subscription(), UA)
    thread = messaging.start_thread(plan.owner_id, plan.plan_id, {"subject": "Spørsmål", "body": "Hei"})
    messaging.reply(plan.coordinator_id, plan.plan_id, thread, {"body": "Første svar"})
    _sender(utcnow() + timedelta(seconds=1)).run_until_idle()  # hers sent; the guardian has no device
    messaging.reply(plan.coordinator_id, plan.plan_id, thread, {"body": "Andre svar"})

    reminder_preferences.save(plan.owner_id, {**GOOD, "new_message": None})
    messaging.reply(plan.coordinator_id, plan.plan_id, thread, {"body": "Tredje svar"})
    with db.transaction() as session:
        rows = [(r.person_id, r.status) for r in session.exec(
            select(ReminderOutbox).where(ReminderOutbox.kind == "message").order_by(ReminderOutbox.id))]
    assert [s for p, s in rows if p == plan.owner_id] == ["sent"]  # the second withdrawn, the third not written
    assert [s for p, s in rows if p == plan.guardian_id] == ["failed", "pending", "pending"]
