"""What the offline page may show on her phone once she has asked for it ("Vis neste møte når jeg
er uten nett", issue 12 item 2): the next few meetings she may see across her plans, each only
its time (in words, in her language) and place, and her plans' coordinators' names and phone
numbers. Nothing else of any plan: no title, agenda, invitees, owner or plan id.

The policy decides per plan, as on every read: meetings from plans where she may read meetings,
a coordinator's phone only where she may read contacts (a phone number belongs to `contacts`),
the name where she may read anything of the plan. A fixed number of queries however many plans
she has (a coordinator may have dozens): the policy's facts of all of them are read together.
What ends up on her phone from someone else's plan is written to that plan's audit log.
"""

from datetime import UTC, datetime

from sqlmodel import Session, col, select

from ipapp import policy
from ipapp.db import transaction
from ipapp.domain.vocabulary import Section
from ipapp.i18n import normalize_locale, translate
from ipapp.i18n.dates import format_date, format_time, to_oslo
from ipapp.models import (
    Meeting,
    Person,
    Plan,
    utcnow,
)
from ipapp.services import audit
from ipapp.services.plan_access import actor_for, plan_facts_of, plans_for_person

MAX_MEETINGS = 3
MAX_COORDINATORS = 3
VERSION = 1  # the shape offline.js reads; a copy of another shape is ignored there


def when_in_words(naive_utc: datetime, locale: str) -> str:
    """"tirsdag 14. mai 2026 kl. 10.00": with the date, because the copy is read days later, when
    "i morgen" would no longer be true."""
    local = to_oslo(naive_utc)
    weekday = translate(f"weekday.{local.isoweekday()}", locale)
    return f"{weekday} {format_date(local.date(), locale)} {format_time(local, locale)}"


def _iso(naive_utc: datetime) -> str:
    return naive_utc.replace(tzinfo=UTC).isoformat().replace("+00:00", "Z")


def _phone_href(phone: str) -> str:
    return "tel:" + "".join(ch for ch in phone if ch in "0123456789+")


def offline_summary(person_id: int | None, locale: str) -> dict:
    """The copy her phone keeps: plain JSON for offline.js (assets/offline.js)."""
    locale = normalize_locale(locale)
    now = utcnow()
    summary = {"v": VERSION, "locale": locale, "saved": when_in_words(now, locale), "meetings": [],
               "coordinators": []}
    if person_id is None:
        return summary
    with transaction() as session:
        plan_ids = plans_for_person(session, person_id)
        plans = list(session.exec(select(Plan).where(col(Plan.id).in_(plan_ids)))) if plan_ids else []
        plans.sort(key=lambda p: plan_ids.index(p.id))  # her own plan first, as everywhere
        facts = plan_facts_of(session, plans)
        actor = actor_for(session, person_id)

        def decide(plan: Plan, section: Section) -> policy.Decision:
            return policy.decide(actor, facts[plan.id], policy.Action.READ, section, now)

        meeting_readers = {p.id: d for p in plans if (d := decide(p, Section.MEETINGS)).allowed}
        meetings = list(session.exec(
            select(Meeting).where(col(Meeting.plan_id).in_(meeting_readers), Meeting.ends_at > now,
                                  col(Meeting.cancelled_at).is_(None))
            .order_by(col(Meeting.starts_at), col(Meeting.id)).limit(MAX_MEETINGS))) if meeting_readers else []
        summary["meetings"] = [{"when": when_in_words(m.starts_at, locale), "place": m.location,
                                "ends": _iso(m.ends_at)} for m in meetings]

        # Her plans' coordinators (not herself), each once, in the order of her plans.
        named: list[tuple[Plan, int, policy.Decision | None]] = []
        for plan in plans:
            coordinator = facts[plan.id].coordinator_person_id
            if coordinator is None or coordinator == person_id or any(c == coordinator for _, c, _ in named):
                continue
            if not policy.readable_sections(actor, facts[plan.id], now):
                continue  # nothing of this plan is hers to see, its coordinator included
            contacts = decide(plan, Section.CONTACTS)
            named.append((plan, coordinator, contacts if contacts.allowed else None))
            if len(named) == MAX_COORDINATORS:
                break
        people = {p.id: p for p in session.exec(select(Person).where(
            col(Person.id).in_({c for _, c, _ in named})))} if named else {}
        for _, coordinator, contacts in named:
            person = people[coordinator]
            phone = (person.phone or "") if contacts is not None else ""
            summary["coordinators"].append({"name": person.full_name, "phone": phone,
                                            "phone_href": _phone_href(phone) if phone else ""})

        _audit(session, person_id, plans, meeting_readers, meetings, named)
    return summary


def _audit(session: Session, person_id: int, plans: list[Plan], meeting_readers: dict, meetings: list[Meeting],
           named: list) -> None:
    """One event per plan and section whose data went to her phone, in someone else's plan (as
    plan_access.require does: the owner reading her own plan is not logged)."""
    owners = {p.id: p.owner_person_id for p in plans}

    # Her access log says "Lagret … på telefonen sin, til bruk uten nett" (ipapp.services.log_words).
    shown_from = sorted({m.plan_id for m in meetings})
    audit.record_many(session, [
        dict(actor_person_id=person_id, actor_role=str(meeting_readers[plan_id].acting_as), plan_id=plan_id,
             action=str(policy.Action.READ), section=str(Section.MEETINGS), allowed=True,
             reason=meeting_readers[plan_id].reason, target="offline:meetings")
        for plan_id in shown_from if owners[plan_id] != person_id])
    audit.record_many(session, [
        dict(actor_person_id=person_id, actor_role=str(contacts.acting_as), plan_id=plan.id,
             action=str(policy.Action.READ), section=str(Section.CONTACTS), allowed=True,
             reason=contacts.reason, target="offline:contacts")
        for plan, _, contacts in named if contacts is not None and plan.owner_person_id != person_id])
