"""An audit event in plain words, for the owner's access log (ipapp.services.access_log): one
table, RULES, of action x target pattern (x reason) -> a catalog key (ipapp.i18n.catalog_log)
and who it names. Pure: the names come in as `Known`, looked up once per page by the reader."""

from dataclasses import dataclass, field
from datetime import date

from ipapp.i18n import translate
from ipapp.domain.vocabulary import Section
from ipapp.i18n.dates import format_date, to_oslo
from ipapp.models import AuditEvent

SECTIONS = {s.value for s in Section}

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
        "feed:<id>": "read_feed",  # her calendar app, through her calendar link (ipapp.services.calendar_feed)
        # copied to her phone for when it is offline (ipapp.services.offline_summary)
        "offline:meetings": "read_offline_meetings", "offline:contacts": "read_offline_contacts",
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


def target_ref(parts: list[str], index: int | None) -> int | None:
    if index is None or index >= len(parts) or not parts[index].isdigit():
        return None
    return int(parts[index])


def _person_of(rule: Rule, parts: list[str], known: Known) -> int | None:
    if rule.grant is not None:
        return known.grantees.get(target_ref(parts, rule.grant))
    if rule.substitute is not None:
        return known.substitutes.get(target_ref(parts, rule.substitute))
    return target_ref(parts, rule.person)


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


def display_params(params: dict[str, object], locale: str) -> dict[str, str]:
    """The parameters as text in the reader's language."""
    section = params.get("section")
    shown = {"section": translate(f"section.{section}", locale) if section in SECTIONS
             else translate("accesslog.the_plan", locale)}
    if isinstance(params.get("day"), date):
        shown["day"] = format_date(params["day"], locale)
    if "person" in params:
        shown["person"] = str(params["person"])
    return shown
