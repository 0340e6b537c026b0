"""The access log ("who has looked at my plan", innsynslogg) as the owner sees it.

Only those who may manage sharing on the plan (the owner, or an acting guardian) may see it; a
guardian's look is itself audited, the owner's is not (plan_access.require). Every audit event of
the plan is listed, newest first (the chain's id order), including denied attempts, except events
without a known person (no one was signed in: there is no "who") and the owner's own, but for a
new passkey or a recovery code on her account: someone who took over her account acts as her, and
she must be able to see that a key was added.

Each event is put into words by `describe` (one table, RULES): what kind of thing was done, to
whom, in plain language. Names, role labels (role.*), section labels (section.*) and dates are
display-ready; `text_key` and `text_params` are for the catalog (ipapp.i18n.catalog_log).
"""

from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import and_, func, or_
from sqlmodel import Session, col, select

from ipapp import policy
from ipapp.db import transaction
from ipapp.domain.vocabulary import Section
from ipapp.i18n import translate
from ipapp.i18n.dates import format_date, format_when, to_oslo
from ipapp.models import AccessGrant, AuditEvent, CoordinatorSubstitute, Person, PlanMember, utcnow
from ipapp.services.plan_access import PlanContext, load_context, require

MAX_PER_PAGE = 100
# How the policy judged the actor -> the role label shown. Grantees (and people the policy found
# no relation for) are shown by their role on the plan instead, e.g. "Pårørende".
ACTING_AS_ROLES = {"owner", "guardian", "coordinator", "unit_admin"}
SECTIONS = {s.value for s in Section}
# The owner's own events that she still sees: they change who can get into her account.
ACCOUNT_ACTIONS = ("recovery", "passkey")

# --- putting an event into words ----------------------------------------------------------------


@dataclass(frozen=True)
class Rule:
    """How one kind of event reads. `key` is the text; a rule that names someone has `person`,
    `grant` or `substitute`: the index of the target segment that points at them (a grant or a
    stand-in of this plan names its person), and `anon` for when no name is found. `own` is
    the text when that person is the actor herself; `dated` when the target's date (index `day`)
    is not the day of the event. `reason` limits the rule to events with that reason."""

    key: str
    denied: str | None = None  # else the action's DENIED text
    reason: str | None = None
    person: int | None = None
    grant: int | None = None
    substitute: int | None = None
    anon: str | None = None
    own: str | None = None
    day: int | None = None
    dated: str | None = None


def _k(name: str) -> str:
    return f"accesslog.event.{name}"


def _named(name: str, **kw) -> Rule:
    """A text naming someone, with its "_anon" twin for when the name is unknown."""
    return Rule(_k(name), anon=_k(f"{name}_anon"), **kw)


def _says(table: dict[str, str | Rule]) -> list[tuple[str, Rule]]:
    """Target patterns and how they read; a bare name is a plain text."""
    return [(pattern, r if isinstance(r, Rule) else Rule(_k(r))) for pattern, r in table.items()]


FALLBACK = _k("other")  # true of anything: "Brukte planen"
TRIED_OTHER, SEE_SHARING = "accesslog.tried.other", "accesslog.tried.see_sharing"
DENIED = {  # what a refused attempt of each action reads as, unless its rule says otherwise
    action: f"accesslog.tried.{text}" for action, text in {
        "read": "read", "download": "download", "export": "download", "write": "write",
        "manage_sharing": "sharing", "invite": "invite", "sign_consent": "sign", "sign": "signature",
        "withdraw_consent": "withdraw", "set_up": "set_up", "recovery": "recovery", "passkey": "passkey",
    }.items()
}
_PERIOD, _CLOSED = Rule(_k("plan_period")), Rule(_k("plan_closed"))


def _looks(name: str, denied: str = SEE_SHARING) -> Rule:
    """A look at the sharing: refused, it reads "tried to see", not "tried to change"."""
    return Rule(_k(name), denied=denied)


# Target patterns, segment by segment: "<id>" a number (or "?", a forged reference), "<date>" an
# ISO date, "*" any word, anything else itself. The first rule that fits wins (rule_for).
RULES: dict[str, list[tuple[str, Rule]]] = {
    "read": _says({
        **dict.fromkeys(("goals", "contacts", "meetings", "notes", "about", "threads", "overview", "header"),
                        "read_section"),
        "goal:<id>": "read_goal", "next_meeting": "read_next_meeting", "awaiting_reply": "read_awaiting_reply",
        "inbox": "read_inbox", "workspace": "read_workspace", "history:*:<id>": "read_history",
        "calendar:<id>": "read_calendar",
        "print:<date>": Rule(_k("read_print"), day=1, dated=_k("read_print_dated")),
    }),
    "download": _says({"pdf:<date>": Rule(_k("download_pdf"), day=1, dated=_k("download_pdf_dated"))}),
    "export": _says({"*": "export_data", "*:<id>": "export_data"}),
    "write": _says({
        "about": "write_section", "plan:period": _PERIOD, "plan:close": _CLOSED,
        "goal:new": "goal_new", "goal:<id>": "goal_changed", "goals:reorder": "goal_order",
        "goal:<id>:measure:new": "measure_new", "measure:<id>": "measure_changed", "measure:<id>:end": "measure_ended",
        "contact:new": "contact_new", "contact:<id>": "contact_changed", "contact:<id>:delete": "contact_removed",
        "note:new": "note_new", "note:<id>": "note_changed", "note:<id>:delete": "note_deleted",
        "thread:new": "message_new", "thread:<id>": "message_reply", "thread:<id>:handled": "message_handled",
        "meeting:new": "meeting_new", "meeting:<id>": "meeting_changed", "meeting:<id>:cancel": "meeting_cancelled",
        "meeting:<id>:answer": "meeting_answered", "meeting:<id>:minutes": "meeting_minutes",
        "meeting:<id>:decision": "decision_new", "decision:<id>": "decision_changed",
    }),
    "manage_sharing": _says({
        # Looks. Only opening the sharing page itself (its list of access) is "Så på delingen".
        "access_list": _looks("sharing_viewed"), "grantees": _looks("sharing_grantees"),
        "grantable": _looks("sharing_grantable"), "ending_soon": _looks("sharing_ending_soon"),
        "renewal": _looks("sharing_renewal"), "consent": _looks("consent_viewed"),
        "access_log": _looks("sharing_log", denied="accesslog.tried.see_log"),
        # Changes. A grant's person is only known once the grant exists: "grant" names nobody. A
        # grant id that is not this plan's was refused (the next event says so): "_anon" reads
        # "Ba om å ...", what was asked, not done.
        "grant": Rule(_k("grant_given"), denied="accesslog.tried.grant"),
        "revoke:<id>": _named("grant_revoked", grant=1, denied="accesslog.tried.revoke"),
        "change:<id>": _named("grant_changed", grant=1),
        "renew:<id>": _named("grant_renewed", grant=1),
        "let_lapse:<id>": _named("grant_lapse", grant=1),
        "consent:new": "consent_drafted",
        "invite": Rule(_k("invite_anon"), denied="accesslog.tried.invite"),
        # Only ever refused (another plan's grant or contact): nothing to name.
        "grant:<id>": "sharing_changed", "contact:<id>": "sharing_changed",
    }),
    "invite": _says({
        "": "invite_page",  # invitations.require_inviter: any use of the invitations page
        "people": "invite_people", "person:<id>": _named("invite", person=1),
    }),
    "sign_consent": _says(dict.fromkeys(("consent:<id>:options", "consent:options", "consent:<id>", "consent"),
                                        "consent_signing")),
    "sign": _says({"consent:<id>": "consent_signed"}),
    "withdraw_consent": _says(dict.fromkeys(("consent:<id>", "consent"), "consent_withdrawn")),
    "set_up": _says({
        "plan:<id>": "setup_plan", "plan:<id>:close": _CLOSED, "plan:<id>:period": _PERIOD,
        "coordinator:<id>": _named("setup_coordinator", person=1),
        "substitute:<id>": _named("setup_substitute", substitute=1),
        "substitute:<id>:end": _named("setup_substitute_end", substitute=1),
        "guardian:<id>": _named("setup_guardian", person=1),
        "guardian:<id>:end": _named("setup_guardian_end", person=1),
        "member:<id>": _named("setup_member", person=1),
        "member:<id>:remove": _named("setup_member_removed", person=1),
        "person:<id>": _named("setup_person", person=1),
        "person:<id>:correct": _named("setup_person_corrected", person=1),
        "person:<id>:deactivate": _named("setup_person_deactivated", person=1),
        "identity:<id>:link": _named("setup_identity_linked", person=1),
        "identity:<id>:unlink": _named("setup_identity_unlinked", person=1),
        # The unit admin's door checks: on no plan's chain, so in no owner's log, but true all the same.
        "plan:new": "setup_plan_new", "plans": "setup_plans", "people": "setup_people",
        "person:new": "setup_person_anon", "coordinator:new": "setup_coordinator_new",
        "person:<id>:plan": _named("setup_plan_for", person=1),
        "person:<id>:invite": _named("setup_person_invited", person=1),
        "plan:<id>:coordinator": "setup_coordinator_anon", "plan:<id>:guardian": "setup_guardian_anon",
        "plan:<id>:guardian:end": "setup_guardian_end_anon", "plan:<id>:member": "setup_member_anon",
        "plan:<id>:substitute": "setup_substitute_anon", "recovery:<id>": "setup_recovery_decided",
    }),
    "recovery": [  # one target, told apart by the reason (ipapp.services.recovery)
        ("person:<id>", _named(f"recovery_{why}", person=1, reason=why)) for why in ("issued", "approved", "refused")
    ] + [
        ("person:<id>", _named("recovery_used", person=1, reason="used", own=_k("recovery_used_own"))),
        ("person:<id>", Rule(_k("recovery_approved_anon"), reason="own_code",
                             denied="accesslog.tried.approve_own_code")),
    ],
    "passkey": [
        ("person:<id>", _named("passkey_added", person=1, reason=why, own=_k(f"passkey_{why}_own")))
        for why in ("self", "invitation", "recovery")
    ],
}


@dataclass(frozen=True)
class Known:
    """Who the references on a page point at, looked up once for the whole page."""

    names: dict[int, str] = field(default_factory=dict)  # person id -> full name
    grantees: dict[int, int] = field(default_factory=dict)  # this plan's grant id -> person id
    substitutes: dict[int, int] = field(default_factory=dict)  # this plan's stand-in id -> person id


def _fits(pattern: str, parts: list[str]) -> bool:
    wanted = pattern.split(":")
    return len(wanted) == len(parts) and all(_segment_fits(w, p) for w, p in zip(wanted, parts))


def _segment_fits(wanted: str, part: str) -> bool:
    if wanted == "<id>":
        return part.isdigit() or part == "?"
    if wanted == "<date>":
        return _iso_date(part) is not None
    return (wanted == "*" and part != "") or wanted == part


def _iso_date(text: str) -> date | None:
    try:
        return date.fromisoformat(text) if len(text) == 10 else None
    except ValueError:
        return None


def rule_for(action: str, target: str, reason: str = "", allowed: bool = True) -> Rule | None:
    """The rule of the action that fits the target: one for exactly this reason first, else one
    for any reason. A refusal carries the policy's reason, so failing those the target decides."""
    parts = (target or "").split(":")
    fitting = [rule for pattern, rule in RULES.get(action, ()) if _fits(pattern, parts)]
    for wanted in (lambda r: r.reason == reason, lambda r: r.reason is None, lambda r: not allowed):
        if found := next((r for r in fitting if wanted(r)), None):
            return found
    return None


def _ref(parts: list[str], index: int | None) -> int | None:
    if index is None or index >= len(parts) or not parts[index].isdigit():
        return None
    return int(parts[index])


def _person_of(rule: Rule, parts: list[str], known: Known) -> int | None:
    if rule.grant is not None:
        return known.grantees.get(_ref(parts, rule.grant))
    if rule.substitute is not None:
        return known.substitutes.get(_ref(parts, rule.substitute))
    return _ref(parts, rule.person)


def describe(event: AuditEvent, known: Known = Known()) -> tuple[str, dict[str, object]]:
    """The catalog key for this event and its parameters: `section` (a section key or None),
    and where the text needs them `person` (a name) or `day` (a date)."""
    params: dict[str, object] = {"section": event.section}
    allowed = event.outcome != "denied"
    rule = rule_for(event.action, event.target, event.reason, allowed)
    if not allowed:  # nobody was named by a refusal: a forged reference must not show a name
        return (rule.denied if rule and rule.denied else DENIED.get(event.action, TRIED_OTHER)), params
    if rule is None:
        return FALLBACK, params
    parts = (event.target or "").split(":")
    person_id = _person_of(rule, parts, known)
    if rule.own and person_id is not None and person_id == event.actor_person_id:
        return rule.own, params
    if rule.anon:
        if person_id not in known.names:
            return rule.anon, params
        params["person"] = known.names[person_id]
    if rule.day is not None:
        day = _iso_date(parts[rule.day])
        if day != to_oslo(event.occurred_at).date():
            params["day"] = day
            return rule.dated, params
    return rule.key, params


def text_keys() -> set[str]:
    """Every key `describe` can return."""
    keys = {FALLBACK, TRIED_OTHER, SEE_SHARING, *DENIED.values()}
    for rules in RULES.values():
        for _, rule in rules:
            keys |= {k for k in (rule.key, rule.denied, rule.anon, rule.own, rule.dated) if k}
    return keys


def _display(params: dict[str, object], locale: str) -> dict[str, str]:
    """The parameters as text in the reader's language."""
    section = params.get("section")
    shown = {"section": translate(f"section.{section}", locale) if section in SECTIONS
             else translate("accesslog.the_plan", locale)}
    if isinstance(params.get("day"), date):
        shown["day"] = format_date(params["day"], locale)
    if "person" in params:
        shown["person"] = str(params["person"])
    return shown


# --- reading the log ----------------------------------------------------------------------------


@dataclass
class AccessLogEntry:
    event_id: int
    person_id: int
    person_name: str
    role_label: str
    action: str  # raw code: "read", "write", "manage_sharing", ...
    outcome: str  # raw code: "allowed" | "denied"
    section: str | None
    section_label: str  # "" when the event concerns no section
    when: str  # to the minute, e.g. "i dag kl. 10.05"
    occurred_at: datetime  # naive UTC
    text_key: str = FALLBACK  # what was done, for the catalog (describe)
    text_params: dict[str, str] = field(default_factory=dict)  # display-ready


@dataclass
class AccessLogPerson:
    """Someone who appears in the log: the choices for the person filter."""

    person_id: int
    name: str


@dataclass
class AccessLogPage:
    entries: list[AccessLogEntry]
    page: int
    per_page: int
    total: int
    has_next: bool
    has_previous: bool
    people: list[AccessLogPerson] = field(default_factory=list)


def who_looked(person_id: int | None, plan_id: object, *, page: int = 1, per_page: int = 20,
               only_person_id: object = None, locale: str = "nb", now: datetime | None = None) -> AccessLogPage:
    """One page of the plan's access log for `person_id`; raises AccessDenied unless they may manage
    sharing. A fixed number of queries however long the page (no lookup per event)."""
    now = now or utcnow()
    page = page if _is_id(page) else 1
    per_page = min(per_page, MAX_PER_PAGE) if _is_id(per_page) else 20
    with transaction() as session:
        ctx = load_context(session, person_id, plan_id, now)
        require(session, ctx, policy.Action.MANAGE_SHARING, None, target="access_log", reading=True)
        shown = _shown(ctx.plan.id, ctx.plan.owner_person_id)
        people = _people(session, shown)
        filters = shown
        if only_person_id is not None:
            # Anything but one of the people in the log (a stranger, a forged value) gives nothing.
            if not _is_id(only_person_id) or only_person_id not in {p.person_id for p in people}:
                return AccessLogPage([], page, per_page, 0, False, False, people)
            filters = (*shown, col(AuditEvent.actor_person_id) == only_person_id)
        total = session.exec(select(func.count()).select_from(AuditEvent).where(*filters)).one()
        events = session.exec(
            select(AuditEvent)
            .where(*filters)
            .order_by(col(AuditEvent.id).desc())
            .offset((page - 1) * per_page)
            .limit(per_page)
        ).all()
        roles = _plan_roles(session, ctx)
        known = _known(session, ctx.plan.id, events, {p.person_id: p.name for p in people})
        entries = [_entry(e, known, roles, now, locale) for e in events]
    return AccessLogPage(entries, page, per_page, total, page * per_page < total, page > 1, people)


def _shown(plan_id: int, owner_id: int) -> tuple:
    """The plan's events with a known actor other than the owner, and those that added a way into
    the owner's account whoever the actor."""
    about_her_account = and_(col(AuditEvent.action).in_(ACCOUNT_ACTIONS), AuditEvent.target == f"person:{owner_id}")
    return (
        col(AuditEvent.plan_id) == plan_id,
        col(AuditEvent.actor_person_id).is_not(None),
        or_(col(AuditEvent.actor_person_id) != owner_id, about_her_account),
    )


def _is_id(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= 1


def _people(session: Session, filters: tuple) -> list[AccessLogPerson]:
    rows = session.exec(
        select(Person)
        .where(col(Person.id).in_(select(AuditEvent.actor_person_id).where(*filters)))
        .order_by(Person.given_name, Person.family_name, Person.id)
    ).all()
    return [AccessLogPerson(p.id, p.full_name) for p in rows]


def _plan_roles(session: Session, ctx: PlanContext) -> dict[int, str]:
    """What each person is on this plan, for events whose actor the policy did not place (a new
    passkey is added by the person herself, outside any plan): the owner, a guardian, the
    coordinator, else their membership."""
    roles = {m.person_id: m.role for m in session.exec(select(PlanMember).where(PlanMember.plan_id == ctx.plan.id))}
    roles.update({g.guardian_person_id: "guardian" for g in ctx.facts.guardianships})
    if ctx.facts.coordinator_person_id is not None:
        roles[ctx.facts.coordinator_person_id] = "coordinator"
    roles[ctx.plan.owner_person_id] = "owner"
    return roles


def _known(session: Session, plan_id: int, events: list[AuditEvent], names: dict[int, str]) -> Known:
    """The people the page's events name, in at most three queries whatever the page's length:
    grants and stand-ins of this plan only (a forged id of another plan's names nobody), then the
    names not yet known."""
    wanted: dict[str, set[int]] = {"person": set(), "grant": set(), "substitute": set()}
    for event in events:
        rule = rule_for(event.action, event.target, event.reason) if event.outcome == "allowed" else None
        for kind, ids in wanted.items():
            if rule is not None and (ref := _ref(event.target.split(":"), getattr(rule, kind))) is not None:
                ids.add(ref)
    grantees = _person_behind(session, AccessGrant.grantee_person_id, AccessGrant, wanted["grant"], plan_id)
    substitutes = _person_behind(session, CoordinatorSubstitute.person_id, CoordinatorSubstitute,
                                 wanted["substitute"], plan_id)
    missing = (wanted["person"] | set(grantees.values()) | set(substitutes.values())) - set(names)
    if missing:
        names = {**names, **{p.id: p.full_name for p in session.exec(select(Person).where(col(Person.id).in_(missing)))}}
    return Known(names, grantees, substitutes)


def _person_behind(session: Session, person_column, model, ids: set[int], plan_id: int) -> dict[int, int]:
    """row id -> person id, for those rows of `model` that belong to this plan."""
    if not ids:
        return {}
    rows = session.exec(select(model.id, person_column).where(col(model.id).in_(ids), model.plan_id == plan_id))
    return dict(rows.all())


def _entry(event: AuditEvent, known: Known, roles: dict[int, str], now: datetime, locale: str) -> AccessLogEntry:
    if event.actor_role in ACTING_AS_ROLES:
        role = event.actor_role
    else:  # grantee, or none: what they are on this plan, if anything
        role = roles.get(event.actor_person_id, "none")
    section = event.section
    key, params = describe(event, known)
    return AccessLogEntry(
        event_id=event.id,
        person_id=event.actor_person_id,
        person_name=known.names.get(event.actor_person_id, ""),
        role_label=translate(f"role.{role}", locale),
        action=event.action,
        outcome=event.outcome,
        section=section,
        section_label=translate(f"section.{section}", locale) if section in SECTIONS else "",
        when=format_when(event.occurred_at, now, locale),
        occurred_at=event.occurred_at,
        text_key=key,
        text_params=_display(params, locale),
    )
