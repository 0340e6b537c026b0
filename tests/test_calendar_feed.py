"""The private calendar feed, on plans made through the services: a next of kin sees the meetings
only while a grant of meetings lets her, with title and time and nothing else; a link turned off
or replaced stops at once, as does a deactivated account; one person's link never gives another's
meetings; one audit event per plan per fetch, in the owner's log in words; a fixed number of
queries; and the HTTP route (no cookie, no cache, the same 404 for unknown and turned-off links)."""

import logging
from datetime import timedelta
from urllib.parse import urlsplit

import pytest
from icalendar import Calendar
from living_plan import make_plan
from shared_steps import counted
from soft_authenticator import SoftAuthenticator
from sqlmodel import select
from starlette.applications import Starlette
from starlette.testclient import TestClient

from ipapp import db
from ipapp.api.calendar_routes import calendar_routes
from ipapp.i18n.dates import oslo_today
from ipapp.models import AccessGrant, AuditEvent, CalendarFeed, Plan, utcnow
from ipapp.services import (
    access_log,
    calendar_feed,
    consents,
    grants,
    invitations,
    meeting_editing,
    people_registry,
    plan_setup,
    unit_plans,
)
from ipapp.services.plan_access import plan_facts

ORIGIN = "http://localhost:3000"


def _active(invitation) -> SoftAuthenticator:
    phone = SoftAuthenticator(origin=ORIGIN)
    invitations.redeem(invitation.code, phone.register(invitations.registration_options(invitation.code)), "Telefon")
    return phone


def _grant_meetings(owner_id: int, owner_phone: SoftAuthenticator, plan_id: int, person_id: int) -> int:
    """The owner shares meetings with her for three months and signs the consent."""
    shared = grants.share(owner_id, plan_id, f"person:{person_id}", ["meetings"],
                          grants.last_day_for("3m", "", utcnow()))
    draft = consents.draft_consent(owner_id, plan_id)
    options = consents.signing_options(owner_id, plan_id, draft.id, draft.document_sha256)
    consents.sign(owner_id, plan_id, draft.id, owner_phone.authenticate(options))
    return shared.grant_id


def _schedule(plan, title: str, days: int = 3, **extra) -> int:
    form = {"kind": "responsibility_group", "title": title,
            "day": (oslo_today(utcnow()) + timedelta(days=days)).isoformat(), "start": "10:00", "end": "11:30",
            "location": "Rådhuset, møterom 2", "agenda": "Søknad om omsorgsbolig og ny medisin",
            "video_url": "https://video.example.no/rom-42", f"person_{plan.owner_id}": "on",
            f"person_{plan.next_of_kin_id}": "on"}
    form.update(extra)
    return meeting_editing.schedule(plan.coordinator_id, plan.plan_id, form).meeting_id


def _token(url: str) -> str:
    path = urlsplit(url).path
    assert path.startswith("/kalender/feed/") and path.endswith(".ics")
    return path.removeprefix("/kalender/feed/").removesuffix(".ics")


def _events(body: bytes) -> list:
    return Calendar.from_ical(body).walk("VEVENT")


@pytest.fixture
def family(service_engine):
    """Maja's plan with her mother Mona (active account, on the plan, no grant yet)."""
    plan = make_plan()
    owner_phone = _active(plan.invitations["owner"])
    _active(plan.invitations["next_of_kin"])
    return plan, owner_phone


def test_a_next_of_kin_granted_meetings_gets_title_and_time_only(family):
    plan, owner_phone = family
    _grant_meetings(plan.owner_id, owner_phone, plan.plan_id, plan.next_of_kin_id)
    meeting_id = _schedule(plan, "Ansvarsgruppemøte")
    cancelled = _schedule(plan, "Avlyst møte", days=5)
    meeting_editing.cancel(plan.coordinator_id, plan.plan_id, cancelled, {"reason": "Syk", "version": "1"})
    url = calendar_feed.make_feed(plan.next_of_kin_id)
    assert url.startswith(f"{ORIGIN}/kalender/feed/") and len(_token(url)) == 43
    assert calendar_feed.webcal_url(url).startswith("webcal://localhost:3000/kalender/feed/")

    body = calendar_feed.feed_ics(_token(url))
    calendar = Calendar.from_ical(body)
    assert str(calendar["x-wr-calname"]) == "Møter – individuell plan"  # in her language (bokmål)
    [event] = calendar.walk("VEVENT")  # the cancelled meeting is left out
    assert str(event["summary"]) == "Ansvarsgruppemøte"
    assert str(event["url"]) == f"{ORIGIN}/moter?plan={plan.plan_id}&mote={meeting_id}"
    assert str(event["uid"]) == f"meeting-{meeting_id}@localhost:3000"
    start = event["dtstart"].dt
    assert (start.hour, start.minute, str(start.tzinfo)) == (10, 0, "Europe/Oslo")
    assert (event["dtend"].dt - start) == timedelta(hours=1, minutes=30)
    for kept_out in ("LOCATION", "DESCRIPTION", "ATTENDEE", "ORGANIZER", "COMMENT"):
        assert kept_out not in event
    text = body.decode()
    for detail in ("Rådhuset", "omsorgsbolig", "video.example.no", "Mona", "Maja", "Syk"):
        assert detail not in text
    # The same UID at the next fetch: her calendar updates the meeting instead of adding another.
    assert [str(e["uid"]) for e in _events(calendar_feed.feed_ics(_token(url)))] == [str(event["uid"])]


def test_without_a_grant_the_feed_is_empty_and_after_the_grant_ends_it_is_empty_again(family):
    plan, owner_phone = family
    _schedule(plan, "Ansvarsgruppemøte")
    token = _token(calendar_feed.make_feed(plan.next_of_kin_id))
    assert _events(calendar_feed.feed_ics(token)) == []  # on the plan, invited, but not granted meetings

    grant_id = _grant_meetings(plan.owner_id, owner_phone, plan.plan_id, plan.next_of_kin_id)
    assert len(_events(calendar_feed.feed_ics(token))) == 1
    with db.transaction() as session:
        ends = session.get(AccessGrant, grant_id).valid_until
    assert _events(calendar_feed.feed_ics(token, now=ends + timedelta(minutes=1))) == []  # it ran out
    grants.revoke_grant(plan.owner_id, plan.plan_id, grant_id)
    assert _events(calendar_feed.feed_ics(token)) == []  # revoked: at once


def test_a_link_turned_off_or_replaced_stops_at_once_and_the_status_says_so(family):
    plan, owner_phone = family
    assert calendar_feed.feed_status(plan.next_of_kin_id, "nb") == calendar_feed.FeedStatus(on=False)
    first = _token(calendar_feed.make_feed(plan.next_of_kin_id))
    status = calendar_feed.feed_status(plan.next_of_kin_id, "nb")
    assert status.on and status.made.startswith("i dag kl.") and status.last_used == ""
    assert calendar_feed.feed_ics(first) is not None
    assert calendar_feed.feed_status(plan.next_of_kin_id, "en").last_used.startswith("today at")

    second = _token(calendar_feed.make_feed(plan.next_of_kin_id))
    assert second != first
    assert calendar_feed.feed_ics(first) is None  # the new link revoked the old one
    assert calendar_feed.feed_ics(second) is not None
    with db.transaction() as session:
        rows = session.exec(select(CalendarFeed).where(CalendarFeed.person_id == plan.next_of_kin_id)).all()
    assert [r.revoked_at is None for r in rows] == [False, True]
    assert all(first not in r.token_hash and second not in r.token_hash for r in rows)  # only hashes kept

    assert calendar_feed.revoke_feed(plan.next_of_kin_id) is True
    assert calendar_feed.feed_ics(second) is None
    assert calendar_feed.revoke_feed(plan.next_of_kin_id) is False  # nothing left to turn off
    assert not calendar_feed.feed_status(plan.next_of_kin_id, "nb").on


def test_another_persons_link_never_gives_her_meetings_and_a_forged_link_gives_nothing(family):
    plan, owner_phone = family
    _grant_meetings(plan.owner_id, owner_phone, plan.plan_id, plan.next_of_kin_id)
    _schedule(plan, "Ansvarsgruppemøte")
    other = make_plan("Annen")  # another family: her own plan, no relation to Maja's
    _active(other.invitations["owner"])
    theirs = _token(calendar_feed.make_feed(other.owner_id))
    mine = _token(calendar_feed.make_feed(plan.next_of_kin_id))
    assert _events(calendar_feed.feed_ics(theirs)) == []
    assert len(_events(calendar_feed.feed_ics(mine))) == 1
    flipped = mine[:-1] + ("A" if mine[-1] != "A" else "B")
    for forged in (flipped, mine.upper(), mine + "x", mine[:-1], "", "../" + mine, None, 12, {"token": mine}):
        assert calendar_feed.feed_ics(forged) is None


def test_a_deactivated_account_gets_nothing(family):
    plan, owner_phone = family
    _grant_meetings(plan.owner_id, owner_phone, plan.plan_id, plan.next_of_kin_id)
    _schedule(plan, "Ansvarsgruppemøte")
    token = _token(calendar_feed.make_feed(plan.next_of_kin_id))
    assert calendar_feed.feed_ics(token) is not None
    people_registry.deactivate_person(plan.admin_id, plan.next_of_kin_id)
    assert calendar_feed.feed_ics(token) is None


def _feed_events_in_log() -> list[AuditEvent]:
    with db.transaction() as session:
        return list(session.exec(select(AuditEvent).where(AuditEvent.target.like("feed:%"))
                                 .order_by(AuditEvent.id)))


def test_each_fetch_is_one_audit_event_per_plan_and_reads_in_words_in_the_owners_log(family):
    plan, owner_phone = family
    _grant_meetings(plan.owner_id, owner_phone, plan.plan_id, plan.next_of_kin_id)
    for n in range(3):
        _schedule(plan, f"Møte {n}", days=3 + n)
    kin_token = _token(calendar_feed.make_feed(plan.next_of_kin_id))
    owner_token = _token(calendar_feed.make_feed(plan.owner_id))

    assert len(_events(calendar_feed.feed_ics(owner_token))) == 3
    assert _feed_events_in_log() == []  # the owner reading her own plan is not audited, as everywhere

    calendar_feed.feed_ics(kin_token)
    calendar_feed.feed_ics(kin_token)
    with db.transaction() as session:
        feed_id = session.exec(select(CalendarFeed.id).where(CalendarFeed.person_id == plan.next_of_kin_id)).one()
    logged = _feed_events_in_log()
    assert [(e.actor_person_id, e.plan_id, e.action, e.section, e.target, e.outcome) for e in logged] == \
        [(plan.next_of_kin_id, plan.plan_id, "read", "meetings", f"feed:{feed_id}", "allowed")] * 2  # not 3 each

    page = access_log.who_looked(plan.owner_id, plan.plan_id, locale="nb")
    said = [(e.person_name, e.text_key) for e in page.entries if e.person_id == plan.next_of_kin_id][:2]
    assert said == [("Mona Mor", "accesslog.event.read_feed")] * 2
    from ipapp.i18n import translate
    assert translate(said[0][1], "nb") == "Hentet møtene til kalenderen sin med kalenderlenken"

    # After the grant ends the plan is simply left out: the calendar app asking is not her attempt.
    with db.transaction() as session:
        ends = session.exec(select(AccessGrant.valid_until).where(AccessGrant.plan_id == plan.plan_id)).one()
    calendar_feed.feed_ics(kin_token, now=ends + timedelta(days=1))
    assert len(_feed_events_in_log()) == 2


def test_the_feed_is_a_fixed_number_of_queries_however_many_plans_and_meetings(family):
    plan, owner_phone = family
    _grant_meetings(plan.owner_id, owner_phone, plan.plan_id, plan.next_of_kin_id)
    # Mona is also on her son's plan, with the same coordinator, granted its meetings too.
    second = plan_setup.create_plan(plan.admin_id, {"given_name": "Jon", "family_name": "Eier",
                                                    "email": "jon@example.com"},
                                    birth_date=None, coordinator_person_id=plan.coordinator_id,
                                    period_start=oslo_today(utcnow()) - timedelta(days=5),
                                    next_review_on=oslo_today(utcnow()) + timedelta(days=100))
    jon_phone = _active(second.invitation)
    unit_plans.add_member(plan.admin_id, second.plan_id, plan.next_of_kin_id, {"role": "next_of_kin",
                                                                               "relation": "mor"})
    _grant_meetings(second.owner_person_id, jon_phone, second.plan_id, plan.next_of_kin_id)
    jons = type(plan)(plan.admin_id, plan.coordinator_id, second.plan_id, second.owner_person_id,
                      plan.guardian_id, plan.next_of_kin_id, {})
    token = _token(calendar_feed.make_feed(plan.next_of_kin_id))
    _schedule(plan, "Møte 0")

    def fetch() -> tuple[int, int]:
        with counted() as statements:
            body = calendar_feed.feed_ics(token)
        return len(_events(body)), len(statements)

    one, queries_for_one = fetch()
    for n in range(1, 10):
        _schedule(plan if n % 2 else jons, f"Møte {n}", days=3 + n)
    ten, queries_for_ten = fetch()
    assert (one, ten) == (1, 10)
    assert queries_for_ten == queries_for_one, (queries_for_one, queries_for_ten)
    assert {e.plan_id for e in _feed_events_in_log()[-2:]} == {plan.plan_id, second.plan_id}  # one per plan


def test_the_plan_facts_read_in_one_go_are_what_each_plans_own_read_says(family):
    plan, owner_phone = family
    _grant_meetings(plan.owner_id, owner_phone, plan.plan_id, plan.next_of_kin_id)
    other = make_plan("To")
    today = oslo_today(utcnow())
    plan_setup.add_substitute(plan.admin_id, other.plan_id, plan.coordinator_id,
                              {"valid_from": today.isoformat(), "valid_until": (today + timedelta(days=7)).isoformat()})
    with db.transaction() as session:
        plans = list(session.exec(select(Plan).order_by(Plan.id)))
        together = calendar_feed.plan_facts_of(session, plans)
        one_by_one = {p.id: plan_facts(session, p) for p in plans}
    assert together == one_by_one
    assert together[plan.plan_id].grants and together[plan.plan_id].guardianships
    assert together[other.plan_id].substitutes


# --- the HTTP route ------------------------------------------------------------------------------


@pytest.fixture
def client():
    return TestClient(Starlette(routes=calendar_routes()), base_url=ORIGIN)


def test_the_route_serves_the_feed_without_a_cookie_and_never_to_be_cached(family, client):
    plan, owner_phone = family
    _grant_meetings(plan.owner_id, owner_phone, plan.plan_id, plan.next_of_kin_id)
    _schedule(plan, "Ansvarsgruppemøte")
    path = urlsplit(calendar_feed.make_feed(plan.next_of_kin_id)).path
    response = client.get(path)
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/calendar; charset=utf-8"
    assert response.headers["cache-control"] == "no-store"
    assert response.headers["referrer-policy"] == "no-referrer"
    assert [str(e["summary"]) for e in _events(response.content)] == ["Ansvarsgruppemøte"]


def test_unknown_and_turned_off_links_get_the_same_404_and_the_token_is_never_logged(family, client, caplog):
    plan, _ = family
    path = urlsplit(calendar_feed.make_feed(plan.next_of_kin_id)).path
    token = _token(path)
    calendar_feed.revoke_feed(plan.next_of_kin_id)
    unknown = "/kalender/feed/" + "x" * 43 + ".ics"
    with caplog.at_level(logging.INFO):
        answers = [client.get(p) for p in (path, unknown, "/kalender/feed/kort.ics")]
    assert [a.status_code for a in answers] == [404, 404, 404]
    assert len({a.text for a in answers}) == 1 and "kalenderlenken virker ikke" in answers[0].text
    assert all(a.headers["cache-control"] == "no-store" and a.headers["referrer-policy"] == "no-referrer"
               for a in answers)
    assert "text/plain" in answers[0].headers["content-type"]
    refused = [r.getMessage() for r in caplog.records if "calendar feed refused" in r.getMessage()]
    assert len(refused) == 3 and all(r.levelno == logging.INFO for r in caplog.records
                                     if "calendar feed refused" in r.getMessage())
    ours = [r.getMessage() for r in caplog.records if r.name.startswith("ipapp")]  # (httpx logs its own URL)
    assert ours and all(token not in m and "x" * 43 not in m for m in ours)
