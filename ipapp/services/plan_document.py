"""The plan as it stood at the end of a day (or now), for reading and printing: only the sections
the reader may see, every download or look recorded in the access log.

Built from the versions (ipapp.services.versions), so today's plan and an earlier one come from
the same place and read the same. The owner's notes are not versioned: they are in the current
plan only. Meetings are as they are now, those that had begun by that day."""

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlmodel import Session, col, select

from ipapp import policy
from ipapp.db import transaction
from ipapp.domain.vocabulary import Section
from ipapp.i18n import translate
from ipapp.i18n.dates import format_date, format_when, oslo_datetime, oslo_today
from ipapp.models import Meeting, OwnerNote, Person, PlanMember, utcnow
from ipapp.services import audit, versions
from ipapp.services.history import shown_value
from ipapp.services.plan_status import consent_state
from ipapp.services.plan_access import AccessDenied, PlanContext, load_context
from ipapp.services.printable import (
    AboutPrint,
    ContactPrint,
    GoalPrint,
    MeasurePrint,
    MeetingPrint,
    NotePrint,
    PrintablePlan,
)


@dataclass(frozen=True)
class Document:
    plan: PrintablePlan
    filename: str  # "individuell-plan-2026-03-01.pdf"


def _end_of(day: date) -> datetime:
    """Naive UTC at the last instant of an Oslo calendar day."""
    return oslo_datetime(day + timedelta(days=1), 0) - timedelta(microseconds=1)


def open_document(person_id: int | None, plan_id: object, day: object, locale: str, *, kind: str) -> Document:
    """`day`: a date for the plan as it stood at its end, None for now. `kind` is "pdf" or
    "print" (how it was opened, for the access log). AccessDenied when the reader may see nothing."""
    now = utcnow()
    with transaction() as session:
        ctx = load_context(session, person_id, plan_id, now)
        if day is not None and not isinstance(day, date):
            raise AccessDenied("bad_date")
        today = oslo_today(now)
        if day is not None and day >= today:
            day = None  # today or later: the plan as it is now
        readable = ctx.readable
        shown_day = day or today
        decision = ctx.decide(policy.Action.READ, Section.GOALS) if readable else \
            ctx.decide(policy.Action.READ, Section.ABOUT)
        audit.record(session, actor_person_id=person_id, actor_role=str(decision.acting_as), plan_id=ctx.plan.id,
                     action="download" if kind == "pdf" else "read", section=None, allowed=bool(readable),
                     reason=decision.reason, target=f"{kind}:{shown_day.isoformat()}")
        if not readable:
            raise AccessDenied(decision.reason)
        moment = now if day is None else min(now, _end_of(day))
        printable = _printable(session, ctx, moment, day, readable, locale)
        return Document(printable, f"individuell-plan-{shown_day.isoformat()}.pdf")


def _printable(session: Session, ctx: PlanContext, moment: datetime, day: date | None,
               readable: frozenset[Section], locale: str) -> PrintablePlan:
    stood = versions.as_of(session, ctx.plan.id, moment)
    plan_values = stood["plan"].get(ctx.plan.id, {})
    owner = session.get(Person, ctx.plan.owner_person_id)
    coordinator = session.get(Person, ctx.facts.coordinator_person_id) if ctx.facts.coordinator_person_id else None
    start, end = plan_values.get("period_start"), plan_values.get("period_end")
    period = translate("plan.period_range", locale, start=shown_value("plan", "period_start", start, locale),
                       end=shown_value("plan", "period_end", end, locale)) if end else \
        translate("plan.period_open", locale, start=shown_value("plan", "period_start", start, locale))
    return PrintablePlan(
        locale=locale,
        owner_name=owner.full_name,
        as_of=format_date(day or oslo_today(ctx.now), locale),
        is_current=day is None,
        printed=format_when(ctx.now, ctx.now, locale),
        coordinator_name=coordinator.full_name if coordinator else "",
        period=period,
        next_review=shown_value("plan", "next_review_on", plan_values.get("next_review_on"), locale),
        consent=consent_state(session, ctx, locale, moment),
        participants=_participants(session, ctx, stood, locale) if Section.CONTACTS in readable else (),
        about=_about(stood) if Section.ABOUT in readable else None,
        goals=_goals(stood, locale) if Section.GOALS in readable else None,
        contacts=_contacts(stood, locale) if Section.CONTACTS in readable else None,
        meetings=_meetings(session, ctx, moment, locale) if Section.MEETINGS in readable else None,
        notes=_notes(session, ctx, locale) if Section.NOTES in readable and day is None else None,
    )


def _ordered(items: dict[int, dict]) -> list[dict]:
    return [values for _, values in sorted(items.items(), key=lambda kv: (kv[1].get("position") or 0, kv[0]))]


def _about(stood) -> AboutPrint:
    about = next(iter(stood["about_me"].values()), {})
    return AboutPrint(about.get("what_matters", ""), about.get("resources", ""), about.get("needs", ""))


def _goals(stood, locale: str) -> tuple[GoalPrint, ...]:
    measures: dict[int, list[dict]] = {}
    for m in _ordered(stood["measure"]):
        measures.setdefault(m["goal_id"], []).append(m)
    goals = []
    for goal_id, g in sorted(stood["goal"].items(), key=lambda kv: (kv[1].get("position") or 0, kv[0])):
        goals.append(GoalPrint(
            title=g["title"], status_label=shown_value("goal", "status", g.get("status"), locale),
            description=g.get("description", ""), status_note=g.get("status_note", ""),
            measures=tuple(_measure(m, locale) for m in measures.get(goal_id, [])),
        ))
    return tuple(goals)


def _measure(m: dict, locale: str) -> MeasurePrint:
    start = shown_value("measure", "starts_on", m.get("starts_on"), locale)
    period = translate("measure.period_range", locale, start=start,
                       end=shown_value("measure", "ends_on", m["ends_on"], locale)) if m.get("ends_on") else \
        translate("measure.period_open", locale, start=start)
    return MeasurePrint(name=m["name"], provider=m.get("provider", ""), responsible_name=m.get("responsible_name", ""),
                        frequency=m.get("frequency", ""), period=period, how=m.get("how", ""),
                        owner_contribution=m.get("owner_contribution", ""),
                        next_of_kin_contribution=m.get("next_of_kin_contribution", ""))


def _contacts(stood, locale: str) -> tuple[ContactPrint, ...]:
    return tuple(ContactPrint(name=c["name"], role_label=shown_value("contact", "role", c.get("role"), locale),
                              title=c.get("title") or "", organisation=c.get("organisation") or "",
                              phone=c.get("phone") or "", email=c.get("email") or "")
                 for c in _ordered(stood["contact"]))


def _participants(session: Session, ctx: PlanContext, stood, locale: str) -> tuple[str, ...]:
    """The responsibility group from the contacts, and the people connected to the plan."""
    group = [f"{c['name']} ({c.get('title') or shown_value('contact', 'role', c.get('role'), locale)})"
             for c in _ordered(stood["contact"]) if c.get("role") == "responsibility_group"]
    members = session.exec(select(PlanMember, Person).join(Person, col(Person.id) == col(PlanMember.person_id))
                           .where(PlanMember.plan_id == ctx.plan.id)).all()
    people = [f"{person.full_name} ({member.relation or translate(f'role.{member.role}', locale)})"
              for member, person in members]
    return tuple(group + [p for p in people if p not in group])


def _meetings(session: Session, ctx: PlanContext, moment: datetime, locale: str) -> tuple[MeetingPrint, ...]:
    meetings = session.exec(select(Meeting).where(Meeting.plan_id == ctx.plan.id, Meeting.created_at <= moment)
                            .order_by(col(Meeting.starts_at))).all()
    return tuple(MeetingPrint(title=m.title, kind_label=translate(f"meeting.kind.{m.kind}", locale),
                              when=format_when(m.starts_at, ctx.now, locale), place=m.location,
                              minutes=m.minutes if m.minutes_published_at and m.minutes_published_at <= moment else "")
                 for m in meetings)


def _notes(session: Session, ctx: PlanContext, locale: str) -> tuple[NotePrint, ...]:
    notes = session.exec(select(OwnerNote).where(OwnerNote.plan_id == ctx.plan.id)
                         .order_by(col(OwnerNote.created_at))).all()
    return tuple(NotePrint(written=format_date(oslo_today(n.created_at), locale), body=n.body) for n in notes)
