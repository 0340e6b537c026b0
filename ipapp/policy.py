"""The access policy: who may read, write or share which section of a plan, and when.

Pure rules only (stdlib + ipapp.domain): no UI, no database, no I/O. Services load the facts,
ask here first, and record the decision. Everything is denied unless a rule below allows it.

A person's rights on a plan are the union of their relations to it:

- owner:       reads every section; writes "about me", her notes, messages and her goals' wording
               (adds, rewords, reorders goals); manages sharing and consent.
- guardian:    acts as the owner while the guardianship is acting, except never the owner's notes.
- coordinator: reads and writes every section except notes (services, responsible people,
               contacts, meetings, goal status, the plan period); no sharing or consent. A
               substitute named for dated period (Oslo dates, inclusive) acts as the coordinator.
- grantee:     through effective grants only: reads the granted sections, writes only messages
               (if granted). A grant of notes to the coordinator is how the owner shares notes.
- unit admin:  the flag adds no content rights at all.

Writes are asked per Part (what is changed), finer than a section: the owner may reword a goal
but not the services under it. WRITE on a section is allowed when some part of it is.
A closed plan is read-only for everyone and its grants give nothing any more.

`now` is naive UTC. Guardianship dates and birthdays are Europe/Oslo calendar dates.
"""

from bisect import bisect_right
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta, timezone
from enum import StrEnum
from functools import cached_property
from zoneinfo import ZoneInfo

from ipapp.domain.vocabulary import GuardianshipBasis, Section

OSLO = ZoneInfo("Europe/Oslo")

# A parent acts for a minor owner only until the owner turns 16 (pasient- og brukerrettighetsloven § 4-3).
PARENTAL_AGE_LIMIT = 16


class Action(StrEnum):
    READ = "read"
    WRITE = "write"
    MANAGE_SHARING = "manage_sharing"
    SIGN_CONSENT = "sign_consent"
    WITHDRAW_CONSENT = "withdraw_consent"


class Part(StrEnum):
    """What a write changes. Each part belongs to one section (PART_SECTION), whose readers see it."""

    ABOUT = "about"  # what matters to me, my resources, my needs
    GOAL_WORDING = "goal_wording"  # add a goal, reword it, reorder the goals
    GOAL_STATUS = "goal_status"  # active / achieved / paused / ended, with a note
    MEASURES = "measures"  # the services under a goal, their responsible person
    PLAN_PERIOD = "plan_period"  # the plan period and the next review date
    CONTACTS = "contacts"
    MEETINGS = "meetings"  # schedule, move, cancel a meeting; its minutes and decisions
    MEETING_REPLY = "meeting_reply"  # an invitee's answer to a meeting (the service checks she is one)
    NOTES = "notes"  # the owner's own notes
    MESSAGES = "messages"
    MESSAGE_HANDLING = "message_handling"  # mark a thread handled: the coordinator's inbox


PART_SECTION = {
    Part.ABOUT: Section.ABOUT,
    Part.GOAL_WORDING: Section.GOALS,
    Part.GOAL_STATUS: Section.GOALS,
    Part.MEASURES: Section.GOALS,
    Part.PLAN_PERIOD: Section.GOALS,
    Part.CONTACTS: Section.CONTACTS,
    Part.MEETINGS: Section.MEETINGS,
    Part.MEETING_REPLY: Section.MEETINGS,
    Part.NOTES: Section.NOTES,
    Part.MESSAGES: Section.MESSAGES,
    Part.MESSAGE_HANDLING: Section.MESSAGES,
}


class ActingAs(StrEnum):
    """How the actor was judged: the relation that allowed it, or that explains the denial."""

    OWNER = "owner"
    GUARDIAN = "guardian"
    COORDINATOR = "coordinator"
    GRANTEE = "grantee"
    UNIT_ADMIN = "unit_admin"
    NONE = "none"


@dataclass(frozen=True)
class GrantFacts:
    grantee_person_id: int
    sections: frozenset[Section]
    valid_from: datetime  # naive UTC, inclusive
    valid_until: datetime  # naive UTC, exclusive
    consent_signed: bool
    consent_withdrawn: bool
    revoked: bool


@dataclass(frozen=True)
class GuardianshipFacts:
    guardian_person_id: int
    basis: str  # GuardianshipBasis value: "parent_of_minor" | "court_appointed"
    valid_from: date  # Europe/Oslo, inclusive
    valid_until: date | None  # Europe/Oslo, inclusive; None = open-ended


@dataclass(frozen=True)
class SubstituteFacts:
    """A stand-in for the coordinator while she is away, named by the coordinating unit."""

    person_id: int
    valid_from: date  # Europe/Oslo, inclusive
    valid_until: date  # Europe/Oslo, inclusive


@dataclass(frozen=True)
class PlanFacts:
    plan_id: int
    owner_person_id: int
    owner_birth_date: date | None
    coordinator_person_id: int | None
    guardianships: tuple[GuardianshipFacts, ...] = ()
    grants: tuple[GrantFacts, ...] = ()
    closed: bool = False  # a closed plan: read-only for everyone, its grants give nothing
    substitutes: tuple[SubstituteFacts, ...] = ()  # act as the coordinator within their dates

    @cached_property
    def clock_moments(self) -> tuple[datetime, ...]:
        """Every instant (naive UTC, sorted) at which a decision on this plan can change by the
        clock alone: a grant starts or ends, a guardianship or a substitute's dates start or end,
        a minor owner turns 16. Worked out once per facts, which are kept until the plan changes."""
        moments: list[datetime] = []
        for g in self.grants:
            moments += [_naive_utc(g.valid_from), _naive_utc(g.valid_until)]
        for substitute in self.substitutes:
            moments += [_oslo_midnight(substitute.valid_from),
                        _oslo_midnight(substitute.valid_until + timedelta(days=1))]
        for guardianship in self.guardianships:
            moments.append(_oslo_midnight(guardianship.valid_from))
            if guardianship.valid_until is not None:
                moments.append(_oslo_midnight(guardianship.valid_until + timedelta(days=1)))
        birth = self.owner_birth_date
        if birth is not None and self.guardianships:
            try:
                sixteenth = birth.replace(year=birth.year + PARENTAL_AGE_LIMIT)
            except ValueError:  # born 29 February: a year is completed on 1 March
                sixteenth = date(birth.year + PARENTAL_AGE_LIMIT, 3, 1)
            moments.append(_oslo_midnight(sixteenth))
        return tuple(sorted(moments))


@dataclass(frozen=True)
class Actor:
    person_id: int | None
    is_unit_admin: bool = False


@dataclass(frozen=True)
class Decision:
    allowed: bool
    reason: str  # short stable code, see ALLOW_REASONS / DENY_REASONS
    acting_as: ActingAs


SHARING_ACTIONS = frozenset({Action.MANAGE_SHARING, Action.SIGN_CONSENT, Action.WITHDRAW_CONSENT})
CONTENT_ACTIONS = frozenset({Action.READ, Action.WRITE})

ALLOW_REASONS = frozenset({"owner", "guardian", "coordinator", "grant", "unit_admin"})  # unit_admin: may_invite only
DENY_REASONS = frozenset(
    {
        "unknown_action",  # action is not an Action value
        "unknown_section",  # section is not a Section value
        "section_not_applicable",  # a section was given for a sharing/consent action
        "section_required",  # READ/WRITE without a section
        "unknown_actor",  # no person (not signed in)
        "may_not_invite",  # may_invite: neither the plan's coordinator nor a unit admin
        "no_relation",  # a stranger to this plan
        "unit_admin_no_content",  # a unit admin with no other relation to this plan
        "guardian_not_acting",  # a guardianship outside its dates, or the owner has turned 16
        "notes_private",  # the owner's notes, not shared with this guardian or coordinator
        "read_only",  # may read this section but not write it
        "section_not_granted",  # a grantee asking for a section their grants do not cover
        "sharing_owner_only",  # sharing and consent are for the owner or an acting guardian
        "grant_revoked",
        "consent_withdrawn",
        "consent_unsigned",
        "grant_not_yet_valid",
        "grant_expired",
        "no_sections",  # may_grant: an empty set of sections
        "section_not_grantable",  # may_grant: a section the granter may not read themselves
        "unknown_part",  # may_write: part is not a Part value
        "plan_closed",  # the plan is closed: nothing may change, grants give nothing
    }
)

# Rights per pure role, as (action, section); sharing actions carry section None.
_ALL = frozenset(Section)
_SHARING = frozenset((action, None) for action in SHARING_ACTIONS)


def _content(action: Action, sections: Iterable[Section]) -> frozenset[tuple[Action, Section]]:
    return frozenset((action, section) for section in sections)


# The parts each pure role may write. The plan is the owner's: her own words are hers to keep;
# services, responsible people, contacts and meetings are kept by the coordinator.
_OWNER_PARTS = frozenset({Part.ABOUT, Part.GOAL_WORDING, Part.NOTES, Part.MESSAGES, Part.MEETING_REPLY})
_GUARDIAN_PARTS = _OWNER_PARTS - {Part.NOTES}  # acts as the owner, never her private notes
_COORDINATOR_PARTS = frozenset(Part) - {Part.NOTES}


def _writes(parts: Iterable[Part]) -> frozenset[tuple[Action, Section]]:
    return frozenset((Action.WRITE, PART_SECTION[part]) for part in parts)


_OWNER_RIGHTS = _content(Action.READ, _ALL) | _writes(_OWNER_PARTS) | _SHARING
_GUARDIAN_RIGHTS = _content(Action.READ, _ALL - {Section.NOTES}) | _writes(_GUARDIAN_PARTS) | _SHARING
_COORDINATOR_RIGHTS = _content(Action.READ, _ALL - {Section.NOTES}) | _writes(_COORDINATOR_PARTS)


def _grantee_parts(granted: frozenset[Section]) -> frozenset[Part]:
    # Grantees read what was granted, take part in messages and answer the meetings they are
    # invited to (if granted); never re-delegate.
    parts = {Part.MESSAGES} if Section.MESSAGES in granted else set()
    return frozenset(parts | ({Part.MEETING_REPLY} if Section.MEETINGS in granted else set()))


def _grantee_rights(granted: frozenset[Section]) -> frozenset[tuple[Action, Section]]:
    return _content(Action.READ, granted) | _writes(_grantee_parts(granted))


_ALLOW_REASON = {
    ActingAs.OWNER: "owner",
    ActingAs.GUARDIAN: "guardian",
    ActingAs.COORDINATOR: "coordinator",
    ActingAs.GRANTEE: "grant",
}


# --- time ---------------------------------------------------------------------------------------


def _naive_utc(moment: datetime) -> datetime:
    """Naive UTC as agreed; an aware datetime is converted rather than compared wrongly."""
    if moment.tzinfo is None:
        return moment
    return moment.astimezone(timezone.utc).replace(tzinfo=None)


def oslo_date(now: datetime) -> date:
    """The Europe/Oslo calendar date at the naive-UTC instant `now`."""
    return _naive_utc(now).replace(tzinfo=timezone.utc).astimezone(OSLO).date()


def _age_on(birth: date, today: date) -> int:
    # Someone born 29 February completes a year on 1 March in non-leap years.
    return today.year - birth.year - ((today.month, today.day) < (birth.month, birth.day))


# --- relations ----------------------------------------------------------------------------------


def guardian_is_acting(g: GuardianshipFacts, plan: PlanFacts, today_oslo: date) -> bool:
    """Inside the guardianship's dates (both inclusive), and for a parent only while the owner is under 16."""
    if today_oslo < g.valid_from:
        return False
    if g.valid_until is not None and today_oslo > g.valid_until:
        return False
    if g.basis == GuardianshipBasis.COURT_APPOINTED:
        return True
    if g.basis == GuardianshipBasis.PARENT_OF_MINOR:
        birth = plan.owner_birth_date
        # Without a known birth date we cannot know the owner is a minor: deny by default.
        return birth is not None and _age_on(birth, today_oslo) < PARENTAL_AGE_LIMIT
    return False  # an unknown basis gives nothing


def _grant_problem(g: GrantFacts, now: datetime) -> str | None:
    """Why a grant is not effective at `now`, or None if it is."""
    if g.revoked:
        return "grant_revoked"
    if g.consent_withdrawn:
        return "consent_withdrawn"
    if not g.consent_signed:
        return "consent_unsigned"
    if now < _naive_utc(g.valid_from):
        return "grant_not_yet_valid"
    if now >= _naive_utc(g.valid_until):
        return "grant_expired"
    return None


def effective_grants(plan: PlanFacts, person_id: int | None, now: datetime) -> tuple[GrantFacts, ...]:
    """The person's grants on this plan that are in force at `now`."""
    if person_id is None:
        return ()
    now = _naive_utc(now)
    return tuple(
        g for g in plan.grants if g.grantee_person_id == person_id and _grant_problem(g, now) is None
    )


def _granted_sections(grants: Iterable[GrantFacts]) -> frozenset[Section]:
    return frozenset(Section(s) for g in grants for s in g.sections if s in _SECTION_VALUES)


@dataclass(frozen=True)
class _Standing:
    """Everything the actor is to this plan at one instant."""

    rights: dict[ActingAs, frozenset[tuple[Action, Section | None]]]  # in priority order
    has_inactive_guardianship: bool
    parts: dict[ActingAs, frozenset[Part]]  # what each relation may write, same order


# One page asks a dozen questions of the same (actor, plan, now): the last answer is kept. Both
# are frozen, so the same objects mean the same facts; holding them keeps their ids from reuse.
_last_standing: tuple | None = None


def _standing(actor: Actor, plan: PlanFacts, now: datetime) -> _Standing:
    global _last_standing
    last = _last_standing  # one read: another thread may replace it, never change it
    if last is not None and last[0] is actor and last[1] is plan and last[2] == now:
        return last[3]
    standing = _standing_now(actor, plan, now)
    _last_standing = (actor, plan, now, standing)
    return standing


def _standing_now(actor: Actor, plan: PlanFacts, now: datetime) -> _Standing:
    person = actor.person_id
    rights: dict[ActingAs, frozenset[tuple[Action, Section | None]]] = {}
    parts: dict[ActingAs, frozenset[Part]] = {}
    if person is None:
        return _Standing(rights, False, parts)
    if person == plan.owner_person_id:
        rights[ActingAs.OWNER], parts[ActingAs.OWNER] = _OWNER_RIGHTS, _OWNER_PARTS
    today = oslo_date(now)
    mine = [g for g in plan.guardianships if g.guardian_person_id == person]
    acting = any(guardian_is_acting(g, plan, today) for g in mine)
    if acting:
        rights[ActingAs.GUARDIAN], parts[ActingAs.GUARDIAN] = _GUARDIAN_RIGHTS, _GUARDIAN_PARTS
    standing_in = any(s.person_id == person and s.valid_from <= today <= s.valid_until for s in plan.substitutes)
    if (plan.coordinator_person_id is not None and person == plan.coordinator_person_id) or standing_in:
        rights[ActingAs.COORDINATOR], parts[ActingAs.COORDINATOR] = _COORDINATOR_RIGHTS, _COORDINATOR_PARTS
    granted = _granted_sections(effective_grants(plan, person, now))
    if granted and not plan.closed:  # a closed plan's access has ended
        rights[ActingAs.GRANTEE], parts[ActingAs.GRANTEE] = _grantee_rights(granted), _grantee_parts(granted)
    if plan.closed:  # read-only for everyone
        rights = {role: frozenset(r for r in held if r[0] is Action.READ) for role, held in rights.items()}
        parts = {role: frozenset() for role in parts}
    return _Standing(rights, bool(mine) and not acting, parts)


# --- input parsing ------------------------------------------------------------------------------

_ACTION_VALUES = frozenset(a.value for a in Action)
_PART_VALUES = frozenset(p.value for p in Part)
_SECTION_VALUES = frozenset(s.value for s in Section)
_NO_SECTION = object()  # marks an unknown section string


def _parse_action(action: object) -> Action | None:
    return Action(action) if isinstance(action, str) and action in _ACTION_VALUES else None


def _parse_section(section: object) -> Section | None | object:
    if section is None:
        return None
    if isinstance(section, str) and section in _SECTION_VALUES:
        return Section(section)
    return _NO_SECTION


# --- decisions ----------------------------------------------------------------------------------


def _deny(reason: str, acting_as: ActingAs = ActingAs.NONE) -> Decision:
    return Decision(False, reason, acting_as)


def decide(
    actor: Actor,
    plan: PlanFacts,
    action: Action | str,
    section: Section | str | None,
    now: datetime,
) -> Decision:
    """May `actor` do `action` on `section` of `plan` at `now`? Never raises for bad strings."""
    parsed_action = _parse_action(action)
    if parsed_action is None:
        return _deny("unknown_action")
    parsed_section = _parse_section(section)
    if parsed_section is _NO_SECTION:
        return _deny("unknown_section")
    if parsed_action in SHARING_ACTIONS and parsed_section is not None:
        return _deny("section_not_applicable")
    if parsed_action in CONTENT_ACTIONS and parsed_section is None:
        return _deny("section_required")
    if actor.person_id is None:
        return _deny("unknown_actor")
    now = _naive_utc(now)
    standing = _standing(actor, plan, now)
    wanted = (parsed_action, parsed_section)
    for role, rights in standing.rights.items():
        if wanted in rights:
            return Decision(True, _ALLOW_REASON[role], role)
    if plan.closed:
        open_plan = decide(actor, replace(plan, closed=False), parsed_action, parsed_section, now)
        if open_plan.allowed:
            return _deny("plan_closed", open_plan.acting_as)
    return _why_denied(actor, plan, parsed_action, parsed_section, now, standing)


def may_write(actor: Actor, plan: PlanFacts, part: Part | str, now: datetime) -> Decision:
    """May `actor` change this part of `plan` at `now`? Never raises for bad strings."""
    if not (isinstance(part, str) and part in _PART_VALUES):
        return _deny("unknown_part")
    part = Part(part)
    if actor.person_id is None:
        return _deny("unknown_actor")
    now = _naive_utc(now)
    standing = _standing(actor, plan, now)
    for role, parts in standing.parts.items():
        if part in parts:
            return Decision(True, _ALLOW_REASON[role], role)
    if plan.closed:
        open_plan = may_write(actor, replace(plan, closed=False), part, now)
        if open_plan.allowed:
            return _deny("plan_closed", open_plan.acting_as)
    return _why_denied(actor, plan, Action.WRITE, PART_SECTION[part], now, standing)


def writable_parts(actor: Actor, plan: PlanFacts, now: datetime) -> frozenset[Part]:
    if actor.person_id is None:
        return frozenset()
    return frozenset().union(*_standing(actor, plan, _naive_utc(now)).parts.values())


def _why_denied(
    actor: Actor,
    plan: PlanFacts,
    action: Action,
    section: Section | None,
    now: datetime,
    standing: _Standing,
) -> Decision:
    """The most useful reason code for a denial; the decision itself is already made."""
    grant_reason = _lapsed_grant_reason(plan, actor.person_id, action, section, now)
    if grant_reason is not None:
        return _deny(grant_reason, ActingAs.GRANTEE)
    roles = list(standing.rights)
    if roles:
        first = roles[0]
        if action in SHARING_ACTIONS:
            return _deny("sharing_owner_only", first)
        if section is Section.NOTES:
            private_to = [r for r in roles if r in (ActingAs.GUARDIAN, ActingAs.COORDINATOR)]
            if private_to and (Action.READ, Section.NOTES) not in _union(standing):
                return _deny("notes_private", private_to[0])
        if (Action.READ, section) in _union(standing):
            return _deny("read_only", first)
        return _deny("section_not_granted", first)
    if standing.has_inactive_guardianship:
        return _deny("guardian_not_acting", ActingAs.GUARDIAN)
    if actor.is_unit_admin:
        return _deny("unit_admin_no_content", ActingAs.UNIT_ADMIN)
    return _deny("no_relation")


def _union(standing: _Standing) -> frozenset[tuple[Action, Section | None]]:
    return frozenset().union(*standing.rights.values())


def _lapsed_grant_reason(
    plan: PlanFacts, person: int | None, action: Action, section: Section | None, now: datetime
) -> str | None:
    """Why the grant that would have allowed this is not in force (the latest-ending such grant)."""
    if section is None or (action, section) not in _grantee_rights(frozenset({section})):
        return None
    lapsed = [
        g
        for g in plan.grants
        if g.grantee_person_id == person and section in g.sections and _grant_problem(g, now)
    ]
    if not lapsed:
        return None
    latest = max(lapsed, key=lambda g: _naive_utc(g.valid_until))
    return _grant_problem(latest, now)


def readable_sections(actor: Actor, plan: PlanFacts, now: datetime) -> frozenset[Section]:
    return _sections_for(Action.READ, actor, plan, now)


def writable_sections(actor: Actor, plan: PlanFacts, now: datetime) -> frozenset[Section]:
    return _sections_for(Action.WRITE, actor, plan, now)


def _sections_for(action: Action, actor: Actor, plan: PlanFacts, now: datetime) -> frozenset[Section]:
    if actor.person_id is None:
        return frozenset()
    union = _union(_standing(actor, plan, _naive_utc(now)))
    return frozenset(s for s in Section if (action, s) in union)


def acting_relations(actor: Actor, plan: PlanFacts, now: datetime) -> frozenset[ActingAs]:
    """Every relation that currently gives the actor some right on the plan (empty for none)."""
    if actor.person_id is None:
        return frozenset()
    return frozenset(_standing(actor, plan, _naive_utc(now)).rights)


def may_grant(
    actor: Actor, plan: PlanFacts, sections: Iterable[Section | str], now: datetime
) -> Decision:
    """May this actor create a grant of exactly these sections?

    Only someone who may manage sharing, and only sections they read *as owner or guardian*:
    what a person holds through a grant is never passed on (no re-delegation), so a guardian
    can never grant the owner's notes even if the owner shared notes with them.
    """
    sharing = decide(actor, plan, Action.MANAGE_SHARING, None, now)
    if not sharing.allowed:
        return sharing
    wanted = _parse_sections(sections)
    if wanted is None:
        return _deny("unknown_section", sharing.acting_as)
    if not wanted:
        return _deny("no_sections", sharing.acting_as)
    standing = _standing(actor, plan, _naive_utc(now))
    own_reads = frozenset().union(
        *(standing.rights[r] for r in (ActingAs.OWNER, ActingAs.GUARDIAN) if r in standing.rights)
    )
    for section in sorted(wanted):
        if (Action.READ, section) not in own_reads:
            reason = "notes_private" if section is Section.NOTES else "section_not_grantable"
            return _deny(reason, sharing.acting_as)
    return sharing


def _parse_sections(sections: object) -> frozenset[Section] | None:
    """The sections as a set, or None if any is unknown or the input is not a collection."""
    if isinstance(sections, str):
        sections = (sections,)  # one section passed bare, e.g. Section.NOTES
    try:
        items = list(sections)  # type: ignore[call-overload]
    except TypeError:
        return None
    parsed = [_parse_section(s) for s in items]
    if any(p is None or p is _NO_SECTION for p in parsed):
        return None
    return frozenset(parsed)  # type: ignore[arg-type]


def may_invite_to_share(actor: Actor, plan: PlanFacts, now: datetime) -> Decision:
    """Inviting a person in order to share with them (a contact without an account, or someone
    new): whoever manages sharing may. The account sees nothing but what a signed consent gives."""
    return decide(actor, plan, Action.MANAGE_SHARING, None, now)


def may_invite(actor: Actor, plan: PlanFacts, now: datetime) -> Decision:
    """Creating accounts and invitations for a plan: its current coordinator, or a unit admin
    (the coordinating unit), who sees no content but manages people and plans."""
    if actor.person_id is None:
        return _deny("unknown_actor")
    if actor.person_id == plan.coordinator_person_id:
        return Decision(True, "coordinator", ActingAs.COORDINATOR)
    if actor.is_unit_admin:
        return Decision(True, "unit_admin", ActingAs.UNIT_ADMIN)
    return _deny("may_not_invite")


def _oslo_midnight(day: date) -> datetime:
    """Naive UTC at the start of a Europe/Oslo calendar day."""
    return datetime(day.year, day.month, day.day, tzinfo=OSLO).astimezone(timezone.utc).replace(tzinfo=None)


def next_change_at(plan: PlanFacts, now: datetime) -> datetime | None:
    """The first instant after `now` at which any decision on this plan can change by the clock
    alone (PlanFacts.clock_moments), so that an open page is re-checked then rather than polled.
    None: nothing is scheduled."""
    moments = plan.clock_moments
    later = bisect_right(moments, _naive_utc(now))
    return moments[later] if later < len(moments) else None
