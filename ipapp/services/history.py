"""Reading "about me" and an item's history (every version, who and when, what changed from
the one before, in words). A history is read under its section's rule, like the item itself."""

from dataclasses import dataclass, field
from datetime import date, datetime

from sqlmodel import Session, col, select

from ipapp import policy
from ipapp.i18n import translate
from ipapp.i18n.dates import format_date, format_time, format_when, to_oslo
from ipapp.models import AboutMe, Person
from ipapp.services import versions
from ipapp.services.plan_access import AccessDenied, PlanContext, require
from ipapp.services.plan_status import KIND_ENTITY
from ipapp.services.views import AboutView

VALUE_LABELS = {("goal", "status"): "goal.status", ("contact", "role"): "contact.role", ("plan", "status"): "plan.status",
                ("meeting", "kind"): "meeting.kind", ("decision", "status"): "decision.status"}
DATE_FIELDS = {"period_start", "period_end", "next_review_on", "starts_on", "ends_on", "target_date", "due_on"}
MOMENT_FIELDS = {"starts_at", "ends_at", "minutes_published_at", "cancelled_at"}


@dataclass
class FieldChange:
    label: str  # the field's name in words
    before: str  # "" for a creation
    after: str


@dataclass
class HistoryEntry:
    who: str
    when: str
    change_label: str  # "Lagt til", "Endret", "Slettet"
    fields: list[FieldChange] = field(default_factory=list)


@dataclass
class HistoryView:
    kind: str
    title: str  # the item's current (or last) name
    steps: list[HistoryEntry] = field(default_factory=list)  # newest first (not "entries": a Var method)


def about_in(session: Session, ctx: PlanContext, locale: str) -> AboutView:
    require(session, ctx, policy.Action.READ, policy.Section.ABOUT, target="about")
    about = session.exec(select(AboutMe).where(AboutMe.plan_id == ctx.plan.id)).first()
    if about is None:
        return AboutView("", "", "", 0, "")
    return AboutView(about.what_matters, about.resources, about.needs, about.version,
                     format_when(about.updated_at, ctx.now, locale))


def shown_value(entity: str, name: str, value, locale: str) -> str:
    if value in (None, ""):
        return translate("history.empty", locale)
    if (entity, name) in VALUE_LABELS:
        return translate(f"{VALUE_LABELS[(entity, name)]}.{value}", locale)
    if name in DATE_FIELDS and isinstance(value, str):
        return format_date(date.fromisoformat(value), locale)
    if name in MOMENT_FIELDS and isinstance(value, str):
        local = to_oslo(datetime.fromisoformat(value))
        return f"{format_date(local.date(), locale)} {format_time(local, locale)}"
    return str(value)


def history_in(session: Session, ctx: PlanContext, kind: object, item_id: object, locale: str) -> HistoryView:
    entity = KIND_ENTITY.get(kind) if isinstance(kind, str) else None
    if entity is None or not isinstance(item_id, int):
        raise AccessDenied("no_such_item")
    if entity == "plan":
        item_id = ctx.plan.id  # the plan's own history: only ever this plan's
    require(session, ctx, policy.Action.READ, versions.ENTITY_SECTION[entity], target=f"history:{entity}:{item_id}")
    found = versions.history(session, ctx.plan.id, entity, item_id)
    if not found:
        raise AccessDenied("no_such_item")  # another plan's item looks exactly like a missing one
    who_ids = {v.changed_by_person_id for v in found if v.changed_by_person_id}
    names = {p.id: p.full_name for p in session.exec(select(Person).where(col(Person.id).in_(who_ids)))} \
        if who_ids else {}
    entries, before = [], None
    for v in found:
        names_changed = versions.changed_fields(before, v.values, entity) if v.change != "delete" else []
        entries.append(HistoryEntry(
            who=names.get(v.changed_by_person_id) or translate("change.someone", locale),
            when=format_when(v.changed_at, ctx.now, locale),
            change_label=translate(f"history.change.{v.change}", locale),
            fields=[FieldChange(label=translate(f"field.{entity}.{name}", locale),
                                before=shown_value(entity, name, before.get(name), locale) if before else "",
                                after=shown_value(entity, name, v.values.get(name), locale))
                    for name in names_changed],
        ))
        before = v.values
    last = found[-1].values
    title = last.get("title") or last.get("name") or translate(f"history.title.{entity}", locale)
    return HistoryView(kind=kind, title=title, steps=list(reversed(entries)))

