"""What the offline page may keep on her phone (issue 12, item 2), through the services on plans
made through the services: only meetings she may see, nothing after her access ends, only time
and place of at most three meetings and her coordinators' phones, a fixed number of queries
however many plans, and the facts the policy decides on are the ones every other read uses."""

import json
from datetime import date, timedelta

import pytest
from living_plan import make_plan
from shared_steps import counted
from soft_authenticator import SoftAuthenticator
from sqlmodel import col, select

from ipapp import db
from ipapp.i18n.dates import oslo_today
from ipapp.models import AuditEvent, Plan, utcnow
from ipapp.services import consents, grants, invitations, meeting_editing, people_registry, plan_setup
from ipapp.services.offline_summary import offline_summary, plan_facts_of, when_in_words
from ipapp.services.plan_access import plan_facts

ORIGIN = "http://localhost:3000"  # the service_engine fixture's origin


def _day(days: int) -> str:
    return (oslo_today(utcnow()) + timedelta(days=days)).isoformat()


def _schedule(plan, coordinator_id: int, days: int, place: str, title: str = "Ansvarsgruppemøte",
              start: str = "10:00") -> int:
    end = f"{int(start[:2]) + 1:02d}:30"
    return meeting_editing.schedule(coordinator_id, plan.plan_id, {
        "kind": "responsibility_group", "title": title, "day": _day(days), "start": start, "end": end,
        "location": place, "agenda": "Hemmelig dagsorden", f"person_{plan.owner_id}": "on"}).meeting_id


def _with_phone(plan, phone: str) -> None:
    """The unit admin puts the coordinator's work phone in the register."""
    people_registry.correct_person(plan.admin_id, plan.coordinator_id, {
        "given_name": "Ingrid", "family_name": "Koordinator", "email": "ingrid@kommune.example", "phone": phone})


def _active(invitation) -> SoftAuthenticator:
    phone = SoftAuthenticator(origin=ORIGIN)
    invitations.redeem(invitation.code, phone.register(invitations.registration_options(invitation.code)), "Telefon")
    return phone


def _share_meetings_with_mother(plan) -> int:
    """Maja gives her mother the meetings for a month and signs the consent with her passkey."""
    owner_phone = _active(plan.invitations["owner"])
    shared = grants.share(plan.owner_id, plan.plan_id, f"person:{plan.next_of_kin_id}", ["meetings"],
                          grants.last_day_for("1m", "", utcnow()))
    draft = consents.draft_consent(plan.owner_id, plan.plan_id)
    options = consents.signing_options(plan.owner_id, plan.plan_id, draft.id, draft.document_sha256)
    consents.sign(plan.owner_id, plan.plan_id, draft.id, owner_phone.authenticate(options))
    return shared.grant_id


@pytest.fixture
def plan(service_engine):
    plan = make_plan()
    _with_phone(plan, "+47 400 00 005")
    return plan


def test_the_owner_gets_time_and_place_of_her_next_three_meetings_and_nothing_else(plan):
    _schedule(plan, plan.coordinator_id, 9, "Helsehuset")
    _schedule(plan, plan.coordinator_id, 2, "Rådhuset, møterom 2")
    _schedule(plan, plan.coordinator_id, 5, "Skolen", start="13:00")
    _schedule(plan, plan.coordinator_id, 12, "Biblioteket")  # the fourth: not kept
    cancelled = _schedule(plan, plan.coordinator_id, 1, "Avlyst sted")
    meeting_editing.cancel(plan.coordinator_id, plan.plan_id, cancelled, {"reason": "Syk", "version": "1"})

    summary = offline_summary(plan.owner_id, "nb")

    assert [m["place"] for m in summary["meetings"]] == ["Rådhuset, møterom 2", "Skolen", "Helsehuset"]
    first_day = oslo_today(utcnow()) + timedelta(days=2)
    assert summary["meetings"][0]["when"] == when_in_words(
        next(m for m in _meetings(plan) if m.location == "Rådhuset, møterom 2").starts_at, "nb")
    assert f"{first_day.day}. " in summary["meetings"][0]["when"] and "kl. 10.00" in summary["meetings"][0]["when"]
    assert summary["coordinators"] == [{"name": "Ingrid Koordinator", "phone": "+47 400 00 005",
                                        "phone_href": "tel:+4740000005"}]
    # Only what the offline page shows: no title, agenda, invitees, ids or whose plan it is.
    assert all(set(m) == {"when", "place", "ends"} for m in summary["meetings"])
    assert set(summary) == {"v", "locale", "saved", "meetings", "coordinators"}
    stored = json.dumps(summary, ensure_ascii=False)
    for secret in ("Ansvarsgruppemøte", "Hemmelig", "Maja", "Eier", "Avlyst"):
        assert secret not in stored, secret
    # The owner reading her own plan is not written to her log.
    assert _audited(plan.plan_id) == []


def test_in_her_language_with_the_date_said_in_full(plan):
    _schedule(plan, plan.coordinator_id, 2, "Rådhuset")
    summary = offline_summary(plan.owner_id, "en")
    assert summary["locale"] == "en"
    assert " at 10:00" in summary["meetings"][0]["when"]
    assert summary["meetings"][0]["when"].split()[0] in {
        "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"}
    assert offline_summary(plan.owner_id, "xx")["locale"] == "nb"  # a forged locale


def test_only_meetings_she_may_see_and_none_once_her_access_ends(plan):
    _schedule(plan, plan.coordinator_id, 3, "Rådhuset")
    other = make_plan("Annen")
    _schedule(other, other.coordinator_id, 1, "Et annet sted")

    # Her mother is on the plan but may see nothing of it yet: not even its coordinator.
    nothing = offline_summary(plan.next_of_kin_id, "nb")
    assert nothing["meetings"] == []
    assert nothing["coordinators"] == []

    grant_id = _share_meetings_with_mother(plan)
    shared = offline_summary(plan.next_of_kin_id, "nb")
    assert [m["place"] for m in shared["meetings"]] == ["Rådhuset"]  # not the other plan's
    # Meetings only: the coordinator's name, never the phone (a phone number belongs to contacts).
    assert [c["phone"] for c in shared["coordinators"]] == [""]
    # Her read is in Maja's log.
    assert [(e.section, e.target, e.actor_person_id) for e in _audited(plan.plan_id)] == [
        ("meetings", "offline:meetings", plan.next_of_kin_id)]

    grants.revoke_grant(plan.owner_id, plan.plan_id, grant_id)
    assert offline_summary(plan.next_of_kin_id, "nb")["meetings"] == []

    # The guardian's guardianship ended yesterday: nothing of the plan, not even its coordinator.
    ended = make_plan("Slutt", guardian_until=oslo_today(utcnow()) - timedelta(days=1))
    _schedule(ended, ended.coordinator_id, 2, "Rådhuset")
    assert offline_summary(ended.guardian_id, "nb")["meetings"] == []
    assert offline_summary(ended.guardian_id, "nb")["coordinators"] == []
    assert offline_summary(None, "nb")["meetings"] == []


def test_the_coordinator_gets_the_next_meetings_across_her_plans_in_a_fixed_number_of_queries(plan):
    _schedule(plan, plan.coordinator_id, 4, "Rådhuset")
    offline_summary(plan.coordinator_id, "nb")
    with counted() as statements:
        one = offline_summary(plan.coordinator_id, "nb")
    for n in range(5):
        made = plan_setup.create_plan(plan.admin_id, {"given_name": "Eier", "family_name": f"Nummer{n}",
                                                      "email": f"eier{n}@example.com"}, birth_date=date(2000, 1, 1),
                                      coordinator_person_id=plan.coordinator_id, period_start=date(2026, 1, 1),
                                      next_review_on=date(2027, 1, 1))
        meeting_editing.schedule(plan.coordinator_id, made.plan_id, {
            "kind": "responsibility_group", "title": f"Møte {n}", "day": _day(1 + n), "start": "09:00",
            "end": "10:00", "location": f"Kontoret {n}"})
    with counted() as grown:
        six = offline_summary(plan.coordinator_id, "nb")
    assert len(grown) == len(statements), f"queries grew with her plans: {len(statements)} -> {len(grown)}"
    assert [m["place"] for m in one["meetings"]] == ["Rådhuset"]
    assert [m["place"] for m in six["meetings"]] == ["Kontoret 0", "Kontoret 1", "Kontoret 2"]
    assert six["coordinators"] == []  # she is the coordinator of them all


def test_the_facts_read_together_are_the_facts_every_other_read_uses(plan):
    _share_meetings_with_mother(plan)
    make_plan("Enda", guardian_until=oslo_today(utcnow()) + timedelta(days=30))
    with db.transaction() as session:
        plans = list(session.exec(select(Plan).order_by(Plan.id)))
        together = plan_facts_of(session, plans)
        assert together == {p.id: plan_facts(session, p) for p in plans}
        assert any(f.grants for f in together.values()) and any(f.guardianships for f in together.values())


def _meetings(plan):
    from ipapp.models import Meeting

    with db.transaction() as session:
        return list(session.exec(select(Meeting).where(Meeting.plan_id == plan.plan_id)))


def _audited(plan_id: int) -> list[AuditEvent]:
    with db.transaction() as session:
        return list(session.exec(select(AuditEvent).where(AuditEvent.plan_id == plan_id,
                                                          col(AuditEvent.target).startswith("offline:"))))


def test_a_guardian_gets_her_wards_next_meeting_and_coordinator_and_both_reads_are_in_the_owners_log(plan):
    _schedule(plan, plan.coordinator_id, 3, "Rådhuset")
    summary = offline_summary(plan.guardian_id, "nb")
    assert [m["place"] for m in summary["meetings"]] == ["Rådhuset"]
    assert [c["phone"] for c in summary["coordinators"]] == ["+47 400 00 005"]
    assert sorted((e.section, e.target, e.actor_person_id) for e in _audited(plan.plan_id)) == [
        ("contacts", "offline:contacts", plan.guardian_id), ("meetings", "offline:meetings", plan.guardian_id)]
