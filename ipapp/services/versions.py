"""Versions of plan content: every create, update and end/delete keeps a snapshot, who and when.

A snapshot is JSON of the row's FIELDS after the change (before it, for a delete). From them:
an item's history with what changed, what changed since a moment, and the plan as it stood.
Versions belong to the section of their entity (ENTITY_SECTION): whoever may read that section
may read them, nobody else. The owner's notes are not versioned: deleting a note must really
delete its text (the audit log keeps only that a note existed and when).
"""

import json
from dataclasses import dataclass
from datetime import date, datetime

from sqlmodel import Session, col, select

from ipapp.domain.vocabulary import Section
from ipapp.models import PlanVersion

FIELDS: dict[str, tuple[str, ...]] = {
    "plan": ("period_start", "period_end", "next_review_on", "status"),
    "about_me": ("what_matters", "resources", "needs"),
    "goal": ("title", "description", "status", "status_note", "position", "target_date"),
    "contact": ("role", "name", "title", "organisation", "phone", "email", "position", "person_id"),
    "measure": ("goal_id", "name", "provider", "responsible_contact_id", "responsible_name", "frequency",
                "starts_on", "ends_on", "owner_contribution", "next_of_kin_contribution", "how", "position"),
    "meeting": ("kind", "title", "starts_at", "ends_at", "location", "video_url", "agenda", "minutes",
                "minutes_published_at", "cancelled_at", "cancel_reason"),
    "decision": ("meeting_id", "goal_id", "what", "responsible_contact_id", "due_on", "status"),
}
ENTITY_SECTION = {
    "plan": Section.GOALS,  # the period and review belong with the goals and measures
    "about_me": Section.ABOUT,
    "goal": Section.GOALS,
    "measure": Section.GOALS,
    "contact": Section.CONTACTS,
    "meeting": Section.MEETINGS,
    "decision": Section.MEETINGS,
}
# Shown in a history; the rest (positions, ids) are kept for "the plan as it stood" only.
SHOWN_FIELDS: dict[str, tuple[str, ...]] = {
    "plan": ("period_start", "period_end", "next_review_on", "status"),
    "about_me": ("what_matters", "resources", "needs"),
    "goal": ("title", "description", "status", "status_note", "target_date"),
    "contact": ("role", "name", "title", "organisation", "phone", "email"),
    "measure": ("name", "provider", "responsible_name", "frequency", "starts_on", "ends_on",
                "owner_contribution", "next_of_kin_contribution", "how"),
    "meeting": ("kind", "title", "starts_at", "ends_at", "location", "video_url", "agenda", "minutes",
                "cancel_reason"),
    "decision": ("what", "due_on", "status"),
}


def _plain(value):
    return value.isoformat() if isinstance(value, (date, datetime)) else value


def snapshot(entity: str, row, **extra) -> dict:
    values = {name: _plain(getattr(row, name, None)) for name in FIELDS[entity] if name not in extra}
    values.update(extra)
    return values


def record(session: Session, plan_id: int, entity: str, row, change: str, person_id: int | None,
           at: datetime, **extra) -> PlanVersion:
    """Store the row's version `row.version` (already raised by the caller for an update)."""
    version = PlanVersion(
        plan_id=plan_id, entity=entity, entity_id=row.id, version=row.version, change=change,
        snapshot=json.dumps(snapshot(entity, row, **extra), sort_keys=True, ensure_ascii=False),
        changed_by_person_id=person_id, changed_at=at,
    )
    session.add(version)
    return version


@dataclass(frozen=True)
class Version:
    entity: str
    entity_id: int
    version: int
    change: str  # create | update | delete
    values: dict
    changed_by_person_id: int | None
    changed_at: datetime


def _version(row: PlanVersion) -> Version:
    return Version(row.entity, row.entity_id, row.version, row.change, json.loads(row.snapshot),
                   row.changed_by_person_id, row.changed_at)


def history(session: Session, plan_id: int, entity: str, entity_id: int) -> list[Version]:
    """An item's versions, oldest first (one query)."""
    rows = session.exec(
        select(PlanVersion).where(PlanVersion.plan_id == plan_id, PlanVersion.entity == entity,
                                  PlanVersion.entity_id == entity_id).order_by(col(PlanVersion.version))
    ).all()
    return [_version(r) for r in rows]


def changed_fields(before: dict | None, after: dict, entity: str) -> list[str]:
    """The shown fields whose value differs (all non-empty ones for a creation)."""
    shown = SHOWN_FIELDS[entity]
    if before is None:
        return [name for name in shown if after.get(name) not in (None, "")]
    return [name for name in shown if before.get(name) != after.get(name)]


def since(session: Session, plan_id: int, moment: datetime, entities: set[str]) -> list[Version]:
    """What changed on the plan after `moment`, newest first (one query)."""
    if not entities:
        return []
    rows = session.exec(
        select(PlanVersion).where(PlanVersion.plan_id == plan_id, PlanVersion.changed_at > moment,
                                  col(PlanVersion.entity).in_(sorted(entities)))
        .order_by(col(PlanVersion.changed_at).desc(), col(PlanVersion.id).desc())
    ).all()
    return [_version(r) for r in rows]


def previous_of(session: Session, versions: list[Version]) -> dict[tuple[str, int, int], dict]:
    """The version before each of these (for before/after), in one query."""
    wanted = {(v.entity, v.entity_id, v.version - 1) for v in versions if v.version > 1}
    if not wanted:
        return {}
    ids = {entity_id for _, entity_id, _ in wanted}
    rows = session.exec(select(PlanVersion).where(col(PlanVersion.entity_id).in_(ids))).all()
    return {(r.entity, r.entity_id, r.version): json.loads(r.snapshot) for r in rows
            if (r.entity, r.entity_id, r.version) in wanted}


def as_of(session: Session, plan_id: int, moment: datetime) -> dict[str, dict[int, dict]]:
    """The plan's content as it stood at `moment`: entity -> id -> values, deleted items left
    out (one query, whatever the size of the plan)."""
    latest: dict[tuple[str, int], PlanVersion] = {}
    for row in session.exec(
        select(PlanVersion).where(PlanVersion.plan_id == plan_id, PlanVersion.changed_at <= moment)
        .order_by(col(PlanVersion.version))
    ):
        latest[(row.entity, row.entity_id)] = row
    stood: dict[str, dict[int, dict]] = {entity: {} for entity in FIELDS}
    for (entity, entity_id), row in latest.items():
        if row.change != "delete" and entity in stood:
            stood[entity][entity_id] = json.loads(row.snapshot)
    live_goals = stood["goal"]
    stood["measure"] = {i: m for i, m in stood["measure"].items() if m.get("goal_id") in live_goals}
    return stood


def record_existing(session: Session, plan_id: int, person_id: int | None, at: datetime) -> int:
    """Version 1 of every content row of the plan that has no version yet (content loaded in one
    go, e.g. the demo), so its history and "the plan as it stood" start from what is there."""
    from ipapp.models import AboutMe, Contact, Goal, Measure, Plan

    have = {(e, i) for e, i in session.exec(select(PlanVersion.entity, PlanVersion.entity_id)
                                            .where(PlanVersion.plan_id == plan_id))}
    plan = session.get(Plan, plan_id)
    rows: list[tuple[str, object, dict]] = [("plan", plan, {})]
    rows += [("about_me", a, {}) for a in session.exec(select(AboutMe).where(AboutMe.plan_id == plan_id))]
    contacts = list(session.exec(select(Contact).where(Contact.plan_id == plan_id)))
    rows += [("contact", c, {}) for c in contacts]
    goals = list(session.exec(select(Goal).where(Goal.plan_id == plan_id)))
    rows += [("goal", g, {}) for g in goals]
    names = {c.id: c.name for c in contacts}
    for m in session.exec(select(Measure).where(col(Measure.goal_id).in_([g.id for g in goals]))) if goals else ():
        rows.append(("measure", m, {"responsible_name": names.get(m.responsible_contact_id, "")}))
    added = 0
    for entity, row, extra in rows:
        if (entity, row.id) not in have:
            record(session, plan_id, entity, row, "create", person_id, at, **extra)
            added += 1
    session.flush()
    return added
