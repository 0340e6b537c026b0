"""The access policy against an independent reference, plus one example per rule and boundary.

The reference below is written from DESIGN.md ("Access: one rule set, one door") and the agreed
rules, not from ipapp.policy: hand-written tables per pure role (reads per section, writes per
part, a section writable when some part of it is), union of roles by OR, a closed plan read-only
with its grants ended, and time checks phrased as instants (Oslo midnights converted to UTC)
rather than Oslo dates.
"""

import itertools
from datetime import UTC, date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ipapp.domain.vocabulary import Section
from ipapp.policy import (
    ActingAs,
    Action,
    Actor,
    Decision,
    GrantFacts,
    GuardianshipFacts,
    PART_SECTION,
    Part,
    PlanFacts,
    SubstituteFacts,
    next_change_at,
    decide,
    effective_grants,
    guardian_is_acting,
    may_grant,
    may_write,
    readable_sections,
    writable_parts,
    writable_sections,
)

OSLO = ZoneInfo("Europe/Oslo")

# --- the reference ------------------------------------------------------------------------------

ACTIONS = ("read", "write", "manage_sharing", "sign_consent", "withdraw_consent")
SECTIONS = ("about", "goals", "contacts", "meetings", "notes", "messages")
SHARING = ("manage_sharing", "sign_consent", "withdraw_consent")
ROLES = ("owner", "guardian", "coordinator", "grantee")

# Reads per pure role. R = read, "-" = no.
# "grantee" means: a grantee whose effective grant covers that section (uncovered: nothing).
#                    owner  guardian  coordinator  grantee
READ_TABLE = {
    "about":        ("R",   "R",      "R",         "R"),
    "goals":        ("R",   "R",      "R",         "R"),
    "contacts":     ("R",   "R",      "R",         "R"),
    "meetings":     ("R",   "R",      "R",         "R"),
    "notes":        ("R",   "-",      "-",         "R"),
    "messages":     ("R",   "R",      "R",         "R"),
}  # fmt: skip
# Writes per part (what a change touches, finer than a section), and the section each part is in.
# W = write, "-" = no. "grantee": only if an effective grant covers the part's section.
# The owner adds, rewords and reorders her goals; the coordinator keeps services, responsible
# people, goal status, the plan period, contacts and meetings.
#                    section     owner  guardian  coordinator  grantee
PART_TABLE = {
    "about":        ("about",    "W",   "W",      "W",         "-"),
    "goal_wording": ("goals",    "W",   "W",      "W",         "-"),
    "goal_status":  ("goals",    "-",   "-",      "W",         "-"),
    "measures":     ("goals",    "-",   "-",      "W",         "-"),
    "plan_period":  ("goals",    "-",   "-",      "W",         "-"),
    "contacts":     ("contacts", "-",   "-",      "W",         "-"),
    "meetings":     ("meetings", "-",   "-",      "W",         "-"),
    "meeting_reply": ("meetings", "W",  "W",      "W",         "W"),
    "notes":        ("notes",    "W",   "-",      "-",         "-"),
    "messages":     ("messages", "W",   "W",      "W",         "W"),
    "message_handling": ("messages", "-", "-",    "W",         "-"),
}  # fmt: skip
PARTS = tuple(PART_TABLE)
# Sharing and consent actions (section must be None).
#                            owner  guardian  coordinator  grantee
SHARING_TABLE = {
    "manage_sharing":       (True,  True,     False,       False),
    "sign_consent":         (True,  True,     False,       False),
    "withdraw_consent":     (True,  True,     False,       False),
}  # fmt: skip


def _part_writes() -> dict[tuple[str, str], bool]:
    return {
        (role, part): cell == "W"
        for part, (_, *cells) in PART_TABLE.items()
        for role, cell in zip(ROLES, cells, strict=True)
    }


PART_WRITE = _part_writes()
assert len(PART_WRITE) == len(ROLES) * len(PARTS)


def _reference_dict() -> dict[tuple[str, str | None, str], bool]:
    truth: dict[tuple[str, str | None, str], bool] = {}
    for section, cells in READ_TABLE.items():
        for role, cell in zip(ROLES, cells, strict=True):
            truth[(role, section, "read")] = cell == "R"
            # WRITE on a section: allowed iff the role may write some part of that section.
            truth[(role, section, "write")] = any(
                PART_WRITE[(role, part)] for part, (in_section, *_) in PART_TABLE.items() if in_section == section
            )
    for action, cells in SHARING_TABLE.items():
        for role, allowed in zip(ROLES, cells, strict=True):
            truth[(role, None, action)] = allowed
    return truth


REFERENCE = _reference_dict()
assert len(REFERENCE) == len(ROLES) * (len(SECTIONS) * 2 + len(SHARING))

ALLOW_REASON_FOR_ROLE = {"owner": "owner", "guardian": "guardian", "coordinator": "coordinator", "grantee": "grant"}
DENY_REASONS = {
    "unknown_action", "unknown_section", "section_not_applicable", "section_required",
    "unknown_actor", "no_relation", "unit_admin_no_content", "guardian_not_acting",
    "notes_private", "read_only", "section_not_granted", "sharing_owner_only",
    "grant_revoked", "consent_withdrawn", "consent_unsigned", "grant_not_yet_valid",
    "grant_expired", "no_sections", "section_not_grantable", "unknown_part", "plan_closed",
}  # fmt: skip


def oslo_midnight_utc(day: date) -> datetime:
    """The naive-UTC instant at which `day` begins in Oslo."""
    return datetime(day.year, day.month, day.day, tzinfo=OSLO).astimezone(UTC).replace(tzinfo=None)


def oslo_time_utc(day: date, hour: int, minute: int) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=OSLO).astimezone(UTC).replace(tzinfo=None)


def sixteenth_birthday(birth: date) -> date:
    try:
        return birth.replace(year=birth.year + 16)
    except ValueError:  # born 29 February, no such day that year: of age on 1 March
        return date(birth.year + 16, 3, 1)


def ref_guardian_acting(g: GuardianshipFacts, plan: PlanFacts, now: datetime) -> bool:
    """Acting from Oslo-midnight of valid_from until Oslo-midnight after valid_until, as instants."""
    if now < oslo_midnight_utc(g.valid_from):
        return False
    if g.valid_until is not None and now >= oslo_midnight_utc(g.valid_until + timedelta(days=1)):
        return False
    if g.basis == "court_appointed":
        return True
    if g.basis == "parent_of_minor":
        birth = plan.owner_birth_date
        return birth is not None and now < oslo_midnight_utc(sixteenth_birthday(birth))
    return False


def ref_grant_effective(g: GrantFacts, now: datetime) -> bool:
    return (
        g.valid_from <= now < g.valid_until
        and g.consent_signed
        and not g.consent_withdrawn
        and not g.revoked
    )


def ref_roles(actor: Actor, plan: PlanFacts, now: datetime) -> tuple[set[str], set[str]]:
    """(pure roles held, sections covered by effective grants)."""
    pid = actor.person_id
    if pid is None:
        return set(), set()
    roles = set()
    if pid == plan.owner_person_id:
        roles.add("owner")
    if any(g.guardian_person_id == pid and ref_guardian_acting(g, plan, now) for g in plan.guardianships):
        roles.add("guardian")
    if plan.coordinator_person_id is not None and pid == plan.coordinator_person_id:
        roles.add("coordinator")
    # A substitute coordinator, from the Oslo midnight of the first day to the one after the last.
    if any(s.person_id == pid and oslo_midnight_utc(s.valid_from) <= now < oslo_midnight_utc(s.valid_until + timedelta(days=1))
           for s in plan.substitutes):
        roles.add("coordinator")
    granted = {s for g in plan.grants if g.grantee_person_id == pid and ref_grant_effective(g, now) for s in g.sections}
    return roles, granted


def ref_allowing_roles(actor, plan, action, section, now, standing=None) -> set[str]:
    """The roles through which the reference allows this; empty = denied.

    `standing` is ref_roles(actor, plan, now), passed in when already known (it is the slow part).
    """
    return ref_closed(plan, action, ref_allowing_roles_if_open(actor, plan, action, section, now, standing))


def ref_allowing_roles_if_open(actor, plan, action, section, now, standing=None) -> set[str]:
    """As ref_allowing_roles, but as if the plan were open (plan.closed ignored)."""
    if not (isinstance(action, str) and action in ACTIONS):
        return set()
    if section is not None and not (isinstance(section, str) and section in SECTIONS):
        return set()
    if (action in SHARING) != (section is None):
        return set()  # sharing takes no section; read/write need one
    roles, granted = standing or ref_roles(actor, plan, now)
    allowing = {role for role in roles if REFERENCE[(role, section, action)]}
    if section in granted and REFERENCE[("grantee", section, action)]:
        allowing.add("grantee")
    return allowing


def ref_closed(plan, action, allowing_if_open: set[str]) -> set[str]:
    """A closed plan: nothing is written or shared any more, and grants give nothing (their access
    has ended); the owner, an acting guardian and the coordinator still read what they read."""
    if not plan.closed:
        return allowing_if_open
    if action != "read":
        return set()
    return allowing_if_open - {"grantee"}


def ref_part_roles_if_open(actor, plan, part, now, standing=None) -> set[str]:
    """The roles through which the reference allows writing `part`, as if the plan were open."""
    if not (isinstance(part, str) and part in PART_TABLE):
        return set()
    roles, granted = standing or ref_roles(actor, plan, now)
    allowing = {role for role in roles if PART_WRITE[(role, part)]}
    if PART_TABLE[part][0] in granted and PART_WRITE[("grantee", part)]:
        allowing.add("grantee")
    return allowing


def ref_may_grant(actor, plan, sections, now) -> bool:
    """Sharing allowed, sections non-empty and known, each read by the actor as owner or guardian."""
    if not ref_allowing_roles(actor, plan, "manage_sharing", None, now):
        return False
    if not sections or not all(isinstance(s, str) and s in SECTIONS for s in sections):
        return False
    roles, _ = ref_roles(actor, plan, now)
    sharers = roles & {"owner", "guardian"}
    return all(any(REFERENCE[(r, s, "read")] for r in sharers) for s in sections)


def assert_consistent(decision: Decision, allowing: set[str], allowing_if_open: set[str] | None = None) -> None:
    """The decision agrees with the reference, and its reason/acting_as tell the truth.

    With `allowing_if_open` (what the reference allows on the same plan open): a denial is
    "plan_closed" exactly when the plan being closed is what denies it, and then names a role
    that would have allowed it.
    """
    assert decision.allowed == bool(allowing), (decision, allowing)
    if decision.allowed:
        assert str(decision.acting_as) in allowing, (decision, allowing)
        assert decision.reason == ALLOW_REASON_FOR_ROLE[str(decision.acting_as)]
        return
    assert decision.reason in DENY_REASONS, decision
    if allowing_if_open is None:
        return
    if allowing_if_open:
        assert decision.reason == "plan_closed", (decision, allowing_if_open)
        assert str(decision.acting_as) in allowing_if_open, (decision, allowing_if_open)
    else:
        assert decision.reason != "plan_closed", decision


# --- random scenarios ---------------------------------------------------------------------------

# Anchors: DST start and end, a leap day, new year, and a year-2100 1 March (2084-02-29 turns 16).
ANCHORS = (date(2024, 3, 31), date(2024, 10, 27), date(2024, 2, 29), date(2025, 1, 1), date(2100, 3, 1))
DST_SWITCHES = (datetime(2024, 3, 31, 1, 0), datetime(2024, 10, 27, 1, 0))  # UTC instants
PEOPLE = (1, 2, 3, 4, 5)  # a small pool, so roles overlap often
STRANGER = 6
GARBAGE = ("READ", "Read", "delete", "", " read", "notes ", "Notes", "all", "*", "None", None, 3, b"read", ["read"])
BASES = ("parent_of_minor", "parent_of_minor", "court_appointed", "court_appointed", "", "self_appointed")
TICK = timedelta(microseconds=1)


# Strategies are built once: building them inside the composite costs more than the test itself.
anchors = st.sampled_from(ANCHORS)
day_offsets = st.integers(-3, 3)
# Several choices in one draw each where that is as clear: every draw costs hypothesis time.
guardian_days = st.sampled_from((None, None, -1, 0, 1, 2, 3, 4, 5))  # None open-ended, 0 one day, -1 inverted
birth_offsets = st.sampled_from((None, None, None, -3, -2, -1, 0, 1, 2, 3))  # days from the 16th birthday
# Days and minutes apart: hypothesis favours small integers, which would crowd one wide range.
instant_days = st.integers(-4, 3)
grant_days = st.integers(0, 5)
minutes_of_day = st.integers(0, 1439)
grant_extra_minutes = st.integers(-60, 1439)  # with 0 days: also empty and inverted grants
people = st.sampled_from(PEOPLE)
guardians = st.sampled_from(list(itertools.product(PEOPLE, BASES)))
# One draw per set/state keeps generation cheap; smaller sets first so failures shrink to them.
SECTION_SETS = sorted(
    (frozenset(s for i, s in enumerate(Section) if mask >> i & 1) for mask in range(2 ** len(Section))), key=len
)
section_sets = st.sampled_from(SECTION_SETS)
FLAGS = list(itertools.product((True, False), repeat=3))  # (signed, withdrawn, revoked): all 8 combinations
# (grantee, signed, withdrawn, revoked), mostly the effective combination.
grantees = st.sampled_from([(p, *f) for p in PEOPLE for f in [(True, False, False)] * 8 + FLAGS])
small_counts = {n: st.integers(0, n) for n in (1, 3, 4)}
coordinators = st.sampled_from((None, *PEOPLE))
actor_ids = st.sampled_from((*PEOPLE, STRANGER, None))
quarter_true = st.sampled_from((False, False, False, True))
closed_plans = st.sampled_from((False, False, False, False, True))  # mostly open; shrinks to open
INDEX_UP_TO = {n: st.integers(0, n) for n in range(64)}
nudges = st.sampled_from((timedelta(0), -TICK, TICK))


@st.composite
def scenarios(draw):
    anchor = draw(anchors)

    def pick(options: list):
        return options[draw(INDEX_UP_TO[len(options) - 1])]

    def a_day() -> date:
        return anchor + timedelta(days=draw(day_offsets))

    def an_instant() -> datetime:
        return oslo_midnight_utc(anchor) + timedelta(days=draw(instant_days), minutes=draw(minutes_of_day))

    guardianships = []
    for _ in range(draw(small_counts[3])):
        person, basis = draw(guardians)
        first, until_days = a_day(), draw(guardian_days)
        until = None if until_days is None else first + timedelta(days=until_days)
        guardianships.append(GuardianshipFacts(person, basis, first, until))
    grants = []
    for _ in range(draw(small_counts[4])):
        start = an_instant()
        person, signed, withdrawn, revoked = draw(grantees)
        grants.append(
            GrantFacts(
                grantee_person_id=person,
                sections=draw(section_sets),
                valid_from=start,
                valid_until=start + timedelta(days=draw(grant_days), minutes=draw(grant_extra_minutes)),
                consent_signed=signed,
                consent_withdrawn=withdrawn,
                revoked=revoked,
            )
        )
    substitutes = []
    for _ in range(draw(small_counts[1])):
        first = a_day()
        substitutes.append(SubstituteFacts(draw(people), first, first + timedelta(days=draw(small_counts[3]))))
    birth_offset = draw(birth_offsets)
    birth = None
    if birth_offset is not None:
        birth = date(anchor.year - 16, anchor.month, anchor.day) + timedelta(days=birth_offset)
    plan = PlanFacts(
        plan_id=1,
        owner_person_id=draw(people),
        owner_birth_date=birth,
        coordinator_person_id=draw(coordinators),
        guardianships=tuple(guardianships),
        grants=tuple(grants),
        closed=draw(closed_plans),
        substitutes=tuple(substitutes),
    )
    anyone = draw(quarter_true)
    actor = Actor(person_id=draw(actor_ids) if anyone else pick(_related(plan)), is_unit_admin=draw(quarter_true))
    if draw(st.booleans()):
        now = pick(_boundaries(plan, anchor))
    else:
        now = an_instant()
    return actor, plan, now + draw(nudges)


def _related(plan: PlanFacts) -> list[int | None]:
    """The people related to the plan: actors are mostly drawn from them, so relations overlap often."""
    related = [plan.owner_person_id, plan.coordinator_person_id, *(s.person_id for s in plan.substitutes)]
    return related + [g.guardian_person_id for g in plan.guardianships] + [g.grantee_person_id for g in plan.grants]


def _boundaries(plan: PlanFacts, anchor: date) -> list[datetime]:
    """Instants where the truth flips (grant ends, Oslo midnights of guardianships, 16th birthday, DST),
    and the middle of each grant, so grantees are often inside their grant."""
    points = [*DST_SWITCHES, oslo_midnight_utc(anchor), oslo_time_utc(anchor, 23, 30)]
    for g in plan.grants:
        points += [g.valid_from, g.valid_until, g.valid_from + (g.valid_until - g.valid_from) / 2]
    for g in plan.guardianships:
        points.append(oslo_midnight_utc(g.valid_from))
        if g.valid_until is not None:
            points += [oslo_time_utc(g.valid_until, 23, 30), oslo_midnight_utc(g.valid_until + timedelta(days=1))]
    if plan.owner_birth_date is not None:
        points.append(oslo_midnight_utc(sixteenth_birthday(plan.owner_birth_date)))
    for s in plan.substitutes:
        points += [oslo_midnight_utc(s.valid_from), oslo_time_utc(s.valid_until, 23, 30),
                   oslo_midnight_utc(s.valid_until + timedelta(days=1))]
    return points


# Garbage and valid plain strings (not enums). No st.text(): the policy only tests membership of
# a fixed set, so arbitrary text finds nothing GARBAGE does not, and costs many draws per example.
any_input = st.sampled_from((*GARBAGE, *ACTIONS, *SECTIONS))
# Odd parts: garbage, sections that are not parts ("goals"), near misses, and valid plain strings.
any_part = st.sampled_from((*GARBAGE, *SECTIONS, *PARTS, "Goal_Wording", "goal wording", "measure", "plan"))


@settings(max_examples=10_000, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    scenario=scenarios(),
    odd_action=any_input,
    odd_section=any_input,
    odd_part=any_part,
    to_grant=st.lists(st.sampled_from((*Section, *Section, *Section, "Notes", "", "all")), max_size=3),
)
def test_policy_agrees_with_reference(scenario, odd_action, odd_section, odd_part, to_grant):
    actor, plan, now = scenario
    standing = ref_roles(actor, plan, now)
    # Every valid action x section (and None); plain strings and garbage come through odd_*.
    decisions = {}
    for action in Action:
        for section in (*Section, None):
            decisions[(action, section)] = decide(actor, plan, action, section, now)
            if_open = ref_allowing_roles_if_open(actor, plan, action, section, now, standing)
            assert_consistent(decisions[(action, section)], ref_closed(plan, action, if_open), if_open)
    if_open = ref_allowing_roles_if_open(actor, plan, odd_action, odd_section, now, standing)
    assert_consistent(
        decide(actor, plan, odd_action, odd_section, now), ref_closed(plan, odd_action, if_open), if_open
    )

    # Every part, then one odd value: a non-part is "unknown_part" for anyone, and never raises.
    writes = {}
    for part in Part:
        writes[part] = may_write(actor, plan, part, now)
        if_open = ref_part_roles_if_open(actor, plan, part, now, standing)
        assert_consistent(writes[part], ref_closed(plan, "write", if_open), if_open)
    odd_write = may_write(actor, plan, odd_part, now)
    if isinstance(odd_part, str) and odd_part in PART_TABLE:
        if_open = ref_part_roles_if_open(actor, plan, odd_part, now, standing)
        assert_consistent(odd_write, ref_closed(plan, "write", if_open), if_open)
        assert odd_write == writes[Part(odd_part)]  # a plain string works like the enum
    else:
        assert odd_write == Decision(False, "unknown_part", ActingAs.NONE), (odd_write, odd_part)

    readable = {s for s in Section if decisions[(Action.READ, s)].allowed}
    writable = {s for s in Section if decisions[(Action.WRITE, s)].allowed}
    assert readable_sections(actor, plan, now) == readable
    assert writable_sections(actor, plan, now) == writable
    parts = {part for part in Part if writes[part].allowed}
    assert writable_parts(actor, plan, now) == parts
    # WRITE on a section exactly when some part of it may be written (reference's own mapping).
    assert writable == {PART_TABLE[part][0] for part in parts}

    granted = may_grant(actor, plan, to_grant, now)
    assert granted.allowed == ref_may_grant(actor, plan, to_grant, now), (granted, to_grant)

    expected_grants = tuple(
        g for g in plan.grants if g.grantee_person_id == actor.person_id and ref_grant_effective(g, now)
    )
    assert effective_grants(plan, actor.person_id, now) == expected_grants

    today_oslo = now.replace(tzinfo=UTC).astimezone(OSLO).date()
    for g in plan.guardianships:
        assert guardian_is_acting(g, plan, today_oslo) == ref_guardian_acting(g, plan, now)


# --- examples: one per rule and boundary --------------------------------------------------------

OWNER, GUARDIAN, COORDINATOR, DELEGATE, STRANGER_ID = 1, 2, 3, 4, 9
SUMMER = datetime(2024, 6, 15, 10, 0)  # naive UTC
CONTENT = (Action.READ, Action.WRITE)


def plan_with(
    *, birth=date(1980, 5, 1), guardianships=(), grants=(), coordinator=COORDINATOR, closed=False
) -> PlanFacts:
    return PlanFacts(
        plan_id=7,
        owner_person_id=OWNER,
        owner_birth_date=birth,
        coordinator_person_id=coordinator,
        guardianships=tuple(guardianships),
        grants=tuple(grants),
        closed=closed,
    )


def grant(person=DELEGATE, sections=(Section.ABOUT,), start=datetime(2024, 1, 1), end=datetime(2025, 1, 1), *,
          signed=True, withdrawn=False, revoked=False) -> GrantFacts:  # fmt: skip
    return GrantFacts(person, frozenset(sections), start, end, signed, withdrawn, revoked)


def court(person=GUARDIAN, start=date(2024, 1, 1), end=None) -> GuardianshipFacts:
    return GuardianshipFacts(person, "court_appointed", start, end)


def parent(person=GUARDIAN, start=date(2010, 1, 1), end=None) -> GuardianshipFacts:
    return GuardianshipFacts(person, "parent_of_minor", start, end)


def can(person, plan, action, section, now=SUMMER) -> bool:
    return decide(Actor(person), plan, action, section, now).allowed


def reason(person, plan, action, section, now=SUMMER, unit_admin=False) -> str:
    return decide(Actor(person, unit_admin), plan, action, section, now).reason


def write(person, plan, part, now=SUMMER) -> Decision:
    return may_write(Actor(person), plan, part, now)


def test_parts_and_their_sections_are_the_agreed_ones():
    assert {str(part): str(section) for part, section in PART_SECTION.items()} == {
        part: section for part, (section, *_) in PART_TABLE.items()
    }
    assert {str(part) for part in Part} == set(PARTS)


def test_owner_reads_everything_writes_her_own_words_and_manages_sharing():
    plan = plan_with()
    assert readable_sections(Actor(OWNER), plan, SUMMER) == set(Section)
    assert writable_parts(Actor(OWNER), plan, SUMMER) == {
        Part.ABOUT, Part.GOAL_WORDING, Part.NOTES, Part.MESSAGES, Part.MEETING_REPLY
    }  # fmt: skip
    assert writable_sections(Actor(OWNER), plan, SUMMER) == {
        Section.ABOUT, Section.GOALS, Section.NOTES, Section.MESSAGES, Section.MEETINGS
    }  # fmt: skip  (meetings: her answers to the meetings she is invited to)
    for part in (Part.ABOUT, Part.GOAL_WORDING, Part.NOTES, Part.MESSAGES, Part.MEETING_REPLY):
        assert write(OWNER, plan, part) == Decision(True, "owner", ActingAs.OWNER)
    # The coordinator keeps services, goal status, the plan period, contacts and meetings.
    for part in (Part.MEASURES, Part.GOAL_STATUS, Part.PLAN_PERIOD, Part.CONTACTS, Part.MEETINGS):
        assert write(OWNER, plan, part) == Decision(False, "read_only", ActingAs.OWNER), part
    assert decide(Actor(OWNER), plan, Action.WRITE, Section.GOALS, SUMMER) == Decision(True, "owner", ActingAs.OWNER)
    assert reason(OWNER, plan, Action.WRITE, Section.CONTACTS) == "read_only"
    # WRITE on meetings: only her answers (Part.MEETING_REPLY); scheduling stays the coordinator's.
    assert reason(OWNER, plan, Action.WRITE, Section.MEETINGS) == "owner"
    assert write(OWNER, plan, Part.MESSAGE_HANDLING) == Decision(False, "read_only", ActingAs.OWNER)
    for action in (Action.MANAGE_SHARING, Action.SIGN_CONSENT, Action.WITHDRAW_CONSENT):
        assert decide(Actor(OWNER), plan, action, None, SUMMER) == Decision(True, "owner", ActingAs.OWNER)


def test_sharing_actions_take_no_section_and_content_actions_need_one():
    plan = plan_with()
    assert reason(OWNER, plan, Action.MANAGE_SHARING, Section.ABOUT) == "section_not_applicable"
    assert reason(OWNER, plan, Action.READ, None) == "section_required"
    assert reason(OWNER, plan, Action.WRITE, None) == "section_required"


def test_guardian_acts_as_owner_but_never_touches_notes():
    plan = plan_with(guardianships=[court()])
    assert readable_sections(Actor(GUARDIAN), plan, SUMMER) == set(Section) - {Section.NOTES}
    assert writable_sections(Actor(GUARDIAN), plan, SUMMER) == {
        Section.ABOUT, Section.GOALS, Section.MESSAGES, Section.MEETINGS}
    assert writable_parts(Actor(GUARDIAN), plan, SUMMER) == {
        Part.ABOUT, Part.GOAL_WORDING, Part.MESSAGES, Part.MEETING_REPLY}
    assert write(GUARDIAN, plan, Part.NOTES) == Decision(False, "notes_private", ActingAs.GUARDIAN)
    for action in CONTENT:
        assert decide(Actor(GUARDIAN), plan, action, Section.NOTES, SUMMER) == Decision(
            False, "notes_private", ActingAs.GUARDIAN
        )
    assert decide(Actor(GUARDIAN), plan, Action.SIGN_CONSENT, None, SUMMER) == Decision(
        True, "guardian", ActingAs.GUARDIAN
    )


@pytest.mark.parametrize(
    ("last_day", "utc_offset_hours"), [(date(2024, 7, 10), 2), (date(2024, 1, 10), 1)], ids=["summer", "winter"]
)
def test_guardian_acts_until_the_end_of_the_last_day_in_oslo(last_day, utc_offset_hours):
    plan = plan_with(guardianships=[court(start=date(2023, 1, 1), end=last_day)])
    late_evening = datetime.combine(last_day, datetime.min.time()) + timedelta(hours=23 - utc_offset_hours, minutes=30)
    next_midnight = datetime.combine(last_day, datetime.min.time()) + timedelta(hours=24 - utc_offset_hours)
    assert late_evening.date() == last_day  # 23:30 Oslo is still the same UTC date here
    assert can(GUARDIAN, plan, Action.READ, Section.ABOUT, late_evening)
    assert can(GUARDIAN, plan, Action.READ, Section.ABOUT, next_midnight - TICK)
    assert reason(GUARDIAN, plan, Action.READ, Section.ABOUT, next_midnight) == "guardian_not_acting"
    assert not can(GUARDIAN, plan, Action.MANAGE_SHARING, None, next_midnight + timedelta(hours=12))


def test_guardian_starts_at_oslo_midnight_of_the_first_day_which_is_the_previous_utc_day():
    plan = plan_with(guardianships=[court(start=date(2024, 7, 10))])
    starts = datetime(2024, 7, 9, 22, 0)  # 00:00 in Oslo (CEST)
    assert can(GUARDIAN, plan, Action.READ, Section.GOALS, starts)
    assert not can(GUARDIAN, plan, Action.READ, Section.GOALS, starts - TICK)


def test_guardian_is_acting_on_dates_directly():
    g = court(start=date(2024, 3, 1), end=date(2024, 3, 31))
    plan = plan_with(guardianships=[g])
    assert not guardian_is_acting(g, plan, date(2024, 2, 29))
    assert guardian_is_acting(g, plan, date(2024, 3, 1))
    assert guardian_is_acting(g, plan, date(2024, 3, 31))
    assert not guardian_is_acting(g, plan, date(2024, 4, 1))


def test_parent_of_minor_stops_on_the_sixteenth_birthday():
    birth = date(2008, 6, 15)
    plan = plan_with(birth=birth, guardianships=[parent()])
    day_before = oslo_time_utc(date(2024, 6, 14), 23, 59)
    birthday = oslo_midnight_utc(date(2024, 6, 15))
    assert can(GUARDIAN, plan, Action.MANAGE_SHARING, None, day_before)
    assert not can(GUARDIAN, plan, Action.MANAGE_SHARING, None, birthday)
    assert reason(GUARDIAN, plan, Action.READ, Section.ABOUT, birthday) == "guardian_not_acting"
    g = plan.guardianships[0]
    assert guardian_is_acting(g, plan, date(2024, 6, 14))
    assert not guardian_is_acting(g, plan, date(2024, 6, 15))


def test_parent_of_owner_born_on_leap_day_acts_until_first_of_march_in_a_common_year():
    plan = plan_with(birth=date(2084, 2, 29), guardianships=[parent(start=date(2084, 3, 1))])
    g = plan.guardianships[0]
    assert guardian_is_acting(g, plan, date(2100, 2, 28))  # 2100 is not a leap year
    assert not guardian_is_acting(g, plan, date(2100, 3, 1))


def test_parent_of_minor_needs_a_known_birth_date_but_court_appointment_does_not():
    assert not can(GUARDIAN, plan_with(birth=None, guardianships=[parent()]), Action.READ, Section.ABOUT)
    assert can(GUARDIAN, plan_with(birth=None, guardianships=[court()]), Action.READ, Section.ABOUT)
    # An adult owner under court-appointed guardianship: age does not matter.
    assert can(GUARDIAN, plan_with(birth=date(1950, 1, 1), guardianships=[court()]), Action.READ, Section.ABOUT)


def test_unknown_guardianship_basis_gives_nothing():
    plan = plan_with(guardianships=[GuardianshipFacts(GUARDIAN, "self_appointed", date(2020, 1, 1), None)])
    assert readable_sections(Actor(GUARDIAN), plan, SUMMER) == frozenset()


def test_coordinator_keeps_everything_but_notes_and_cannot_share():
    plan = plan_with()
    every_but_notes = set(Section) - {Section.NOTES}
    assert readable_sections(Actor(COORDINATOR), plan, SUMMER) == every_but_notes
    assert writable_sections(Actor(COORDINATOR), plan, SUMMER) == every_but_notes
    assert writable_parts(Actor(COORDINATOR), plan, SUMMER) == set(Part) - {Part.NOTES}
    for part in (Part.MEASURES, Part.GOAL_STATUS, Part.PLAN_PERIOD, Part.GOAL_WORDING, Part.CONTACTS):
        assert write(COORDINATOR, plan, part) == Decision(True, "coordinator", ActingAs.COORDINATOR)
    assert reason(COORDINATOR, plan, Action.READ, Section.NOTES) == "notes_private"
    assert write(COORDINATOR, plan, Part.NOTES) == Decision(False, "notes_private", ActingAs.COORDINATOR)
    for action in (Action.MANAGE_SHARING, Action.SIGN_CONSENT, Action.WITHDRAW_CONSENT):
        assert reason(COORDINATOR, plan, action, None) == "sharing_owner_only"


def test_coordinator_reads_notes_only_through_an_effective_grant():
    shared = plan_with(grants=[grant(COORDINATOR, [Section.NOTES])])
    assert decide(Actor(COORDINATOR), shared, Action.READ, Section.NOTES, SUMMER) == Decision(
        True, "grant", ActingAs.GRANTEE
    )
    assert reason(COORDINATOR, shared, Action.WRITE, Section.NOTES) == "read_only"  # shared to read
    assert write(COORDINATOR, shared, Part.NOTES) == Decision(False, "read_only", ActingAs.COORDINATOR)
    expired = plan_with(grants=[grant(COORDINATOR, [Section.NOTES], end=datetime(2024, 6, 1))])
    assert reason(COORDINATOR, expired, Action.READ, Section.NOTES) == "grant_expired"
    revoked = plan_with(grants=[grant(COORDINATOR, [Section.NOTES], revoked=True)])
    assert not can(COORDINATOR, revoked, Action.READ, Section.NOTES)


def test_grant_is_effective_from_valid_from_inclusive_to_valid_until_exclusive():
    start, end = datetime(2024, 3, 1, 8, 0), datetime(2024, 3, 31, 1, 0)  # ends at the DST switch
    plan = plan_with(grants=[grant(sections=[Section.GOALS], start=start, end=end)])
    assert reason(DELEGATE, plan, Action.READ, Section.GOALS, start - TICK) == "grant_not_yet_valid"
    assert can(DELEGATE, plan, Action.READ, Section.GOALS, start)
    assert can(DELEGATE, plan, Action.READ, Section.GOALS, end - TICK)
    assert reason(DELEGATE, plan, Action.READ, Section.GOALS, end) == "grant_expired"
    assert readable_sections(Actor(DELEGATE), plan, end) == frozenset()


@pytest.mark.parametrize(
    ("flags", "code"),
    [
        ({"revoked": True}, "grant_revoked"),
        ({"withdrawn": True}, "consent_withdrawn"),
        ({"signed": False}, "consent_unsigned"),
    ],
)
def test_revoked_withdrawn_or_unsigned_grants_give_nothing(flags, code):
    plan = plan_with(grants=[grant(sections=set(Section), **flags)])
    assert readable_sections(Actor(DELEGATE), plan, SUMMER) == frozenset()
    assert writable_sections(Actor(DELEGATE), plan, SUMMER) == frozenset()
    assert effective_grants(plan, DELEGATE, SUMMER) == ()
    assert reason(DELEGATE, plan, Action.READ, Section.ABOUT) == code


def test_grantee_reads_granted_sections_and_writes_only_messages():
    plan = plan_with(grants=[grant(sections=[Section.ABOUT, Section.MESSAGES])])
    assert readable_sections(Actor(DELEGATE), plan, SUMMER) == {Section.ABOUT, Section.MESSAGES}
    assert writable_sections(Actor(DELEGATE), plan, SUMMER) == {Section.MESSAGES}
    assert writable_parts(Actor(DELEGATE), plan, SUMMER) == {Part.MESSAGES}
    assert reason(DELEGATE, plan, Action.WRITE, Section.ABOUT) == "read_only"
    assert write(DELEGATE, plan, Part.ABOUT) == Decision(False, "read_only", ActingAs.GRANTEE)
    assert reason(DELEGATE, plan, Action.READ, Section.GOALS) == "section_not_granted"


def test_grants_add_up_and_only_effective_ones_count():
    live_about = grant(sections=[Section.ABOUT])
    live_goals = grant(sections=[Section.GOALS], start=datetime(2024, 6, 1))
    old_notes = grant(sections=[Section.NOTES], end=datetime(2024, 2, 1))
    someone_else = grant(person=5, sections=[Section.CONTACTS])
    plan = plan_with(grants=[live_about, old_notes, live_goals, someone_else])
    assert effective_grants(plan, DELEGATE, SUMMER) == (live_about, live_goals)
    assert readable_sections(Actor(DELEGATE), plan, SUMMER) == {Section.ABOUT, Section.GOALS}
    assert effective_grants(plan, None, SUMMER) == ()


def test_grantees_never_redelegate():
    plan = plan_with(grants=[grant(sections=set(Section))])
    for action in (Action.MANAGE_SHARING, Action.SIGN_CONSENT, Action.WITHDRAW_CONSENT):
        assert reason(DELEGATE, plan, action, None) == "sharing_owner_only"
    assert not may_grant(Actor(DELEGATE), plan, [Section.ABOUT], SUMMER).allowed


def test_unit_admin_sees_no_content():
    plan = plan_with()
    admin = Actor(STRANGER_ID, is_unit_admin=True)
    assert readable_sections(admin, plan, SUMMER) == frozenset()
    for action in (*CONTENT, Action.MANAGE_SHARING):
        section = None if action is Action.MANAGE_SHARING else Section.ABOUT
        assert decide(admin, plan, action, section, SUMMER) == Decision(
            False, "unit_admin_no_content", ActingAs.UNIT_ADMIN
        )


def test_unit_admin_writes_nothing():
    admin = Actor(STRANGER_ID, is_unit_admin=True)
    assert writable_parts(admin, plan_with(), SUMMER) == frozenset()
    for part in Part:
        assert may_write(admin, plan_with(), part, SUMMER) == Decision(
            False, "unit_admin_no_content", ActingAs.UNIT_ADMIN
        )


def test_unit_admin_flag_neither_adds_nor_removes_rights_of_other_relations():
    plan = plan_with()
    as_admin = Actor(COORDINATOR, is_unit_admin=True)
    assert readable_sections(as_admin, plan, SUMMER) == readable_sections(Actor(COORDINATOR), plan, SUMMER)
    assert not decide(as_admin, plan, Action.READ, Section.NOTES, SUMMER).allowed


def test_strangers_and_unknown_actors_are_denied():
    plan = plan_with()
    assert decide(Actor(STRANGER_ID), plan, Action.READ, Section.ABOUT, SUMMER) == Decision(
        False, "no_relation", ActingAs.NONE
    )
    assert reason(None, plan, Action.READ, Section.ABOUT) == "unknown_actor"
    assert not may_grant(Actor(None), plan, [Section.ABOUT], SUMMER).allowed


@pytest.mark.parametrize("bad", GARBAGE + ("read\x00", "ÆØÅ", "manage_sharing;--"))
def test_garbage_actions_and_sections_are_denied_without_exception(bad):
    plan = plan_with(grants=[grant(sections=set(Section))])
    for person in (OWNER, COORDINATOR, DELEGATE, None):
        as_action = decide(Actor(person), plan, bad, Section.ABOUT, SUMMER)
        assert not as_action.allowed and as_action.reason == "unknown_action"
        if bad is None:
            continue  # None is a valid "no section"
        as_section = decide(Actor(person), plan, Action.READ, bad, SUMMER)
        assert not as_section.allowed and as_section.reason == "unknown_section"


@pytest.mark.parametrize("bad", (*GARBAGE, "goals", Section.GOALS, "Goal_Wording", "goal wording", "measure\x00"))
def test_garbage_parts_are_unknown_for_anyone_without_exception(bad):
    plan = plan_with(guardianships=[court()], grants=[grant(sections=set(Section))])
    for person in (OWNER, GUARDIAN, COORDINATOR, DELEGATE, STRANGER_ID, None):
        assert write(person, plan, bad) == Decision(False, "unknown_part", ActingAs.NONE)
        assert write(person, plan_with(closed=True), bad) == Decision(False, "unknown_part", ActingAs.NONE)


def test_plain_strings_work_like_the_enums():
    plan = plan_with()
    assert can(OWNER, plan, "read", "notes") and can(OWNER, plan, "manage_sharing", None)
    assert not can(COORDINATOR, plan, "read", "notes")
    assert write(OWNER, plan, "goal_wording") == write(OWNER, plan, Part.GOAL_WORDING)
    assert write(OWNER, plan, "measures").reason == "read_only"
    assert write(OWNER, plan, Section.NOTES).allowed  # a section value that is also a part's value


def test_overlapping_roles_are_a_union():
    # The owner is also registered as coordinator: writes goals (coordinator) and notes (owner).
    own_coordinator = plan_with(coordinator=OWNER)
    assert writable_sections(Actor(OWNER), own_coordinator, SUMMER) == set(Section)
    # A coordinator who is also a guardian: reads all but notes, and may manage sharing.
    both = plan_with(coordinator=GUARDIAN, guardianships=[court()])
    assert readable_sections(Actor(GUARDIAN), both, SUMMER) == set(Section) - {Section.NOTES}
    assert can(GUARDIAN, both, Action.MANAGE_SHARING, None)
    assert can(GUARDIAN, both, Action.WRITE, Section.GOALS)
    # A coordinator who also holds a grant is judged as coordinator where both allow it.
    with_grant = plan_with(grants=[grant(COORDINATOR, [Section.ABOUT, Section.NOTES])])
    assert decide(Actor(COORDINATOR), with_grant, Action.READ, Section.ABOUT, SUMMER).acting_as is ActingAs.COORDINATOR


def test_owner_rewords_a_goal_but_cannot_add_a_service():
    plan = plan_with()
    assert write(OWNER, plan, Part.GOAL_WORDING) == Decision(True, "owner", ActingAs.OWNER)
    assert write(OWNER, plan, Part.MEASURES) == Decision(False, "read_only", ActingAs.OWNER)


def test_guardian_writes_goal_wording_but_not_notes():
    plan = plan_with(guardianships=[court()])
    assert write(GUARDIAN, plan, Part.GOAL_WORDING) == Decision(True, "guardian", ActingAs.GUARDIAN)
    assert write(GUARDIAN, plan, Part.NOTES) == Decision(False, "notes_private", ActingAs.GUARDIAN)
    ended = plan_with(guardianships=[court(end=date(2024, 6, 1))])
    assert write(GUARDIAN, ended, Part.GOAL_WORDING) == Decision(False, "guardian_not_acting", ActingAs.GUARDIAN)


def test_grantee_writes_messages_only_when_messages_are_granted():
    goals_only = plan_with(grants=[grant(sections=[Section.GOALS])])
    assert can(DELEGATE, goals_only, Action.READ, Section.GOALS)
    assert write(DELEGATE, goals_only, Part.GOAL_WORDING) == Decision(False, "read_only", ActingAs.GRANTEE)
    assert not write(DELEGATE, goals_only, Part.MESSAGES).allowed
    with_messages = plan_with(grants=[grant(sections=[Section.MESSAGES])])
    assert write(DELEGATE, with_messages, Part.MESSAGES) == Decision(True, "grant", ActingAs.GRANTEE)
    expired = plan_with(grants=[grant(sections=[Section.MESSAGES], end=datetime(2024, 6, 1))])
    assert write(DELEGATE, expired, Part.MESSAGES) == Decision(False, "grant_expired", ActingAs.GRANTEE)


def test_closed_plan_coordinator_cannot_write():
    plan = plan_with(closed=True)
    assert write(COORDINATOR, plan, Part.MEASURES) == Decision(False, "plan_closed", ActingAs.COORDINATOR)
    assert decide(Actor(COORDINATOR), plan, Action.WRITE, Section.GOALS, SUMMER) == Decision(
        False, "plan_closed", ActingAs.COORDINATOR
    )
    assert writable_parts(Actor(COORDINATOR), plan, SUMMER) == frozenset()
    assert writable_sections(Actor(COORDINATOR), plan, SUMMER) == frozenset()
    assert readable_sections(Actor(COORDINATOR), plan, SUMMER) == set(Section) - {Section.NOTES}
    # What was not allowed open keeps its own reason.
    assert reason(COORDINATOR, plan, Action.READ, Section.NOTES) == "notes_private"
    assert reason(COORDINATOR, plan, Action.MANAGE_SHARING, None) == "sharing_owner_only"


def test_closed_plan_owner_still_reads_but_cannot_write_or_share():
    plan = plan_with(closed=True, guardianships=[court()])
    assert decide(Actor(OWNER), plan, Action.READ, Section.GOALS, SUMMER) == Decision(True, "owner", ActingAs.OWNER)
    assert readable_sections(Actor(OWNER), plan, SUMMER) == set(Section)
    for action in (Action.MANAGE_SHARING, Action.SIGN_CONSENT, Action.WITHDRAW_CONSENT):
        assert decide(Actor(OWNER), plan, action, None, SUMMER) == Decision(False, "plan_closed", ActingAs.OWNER)
        assert decide(Actor(GUARDIAN), plan, action, None, SUMMER) == Decision(
            False, "plan_closed", ActingAs.GUARDIAN
        )
    assert may_grant(Actor(OWNER), plan, [Section.ABOUT], SUMMER) == Decision(False, "plan_closed", ActingAs.OWNER)
    assert write(OWNER, plan, Part.NOTES) == Decision(False, "plan_closed", ActingAs.OWNER)
    assert write(OWNER, plan, Part.MEASURES).reason == "read_only"  # not hers open either
    assert writable_parts(Actor(OWNER), plan, SUMMER) == frozenset()
    assert readable_sections(Actor(GUARDIAN), plan, SUMMER) == set(Section) - {Section.NOTES}


def test_closed_plan_grants_give_nothing():
    plan = plan_with(closed=True, grants=[grant(sections=set(Section)), grant(COORDINATOR, [Section.NOTES])])
    assert readable_sections(Actor(DELEGATE), plan, SUMMER) == frozenset()
    assert writable_parts(Actor(DELEGATE), plan, SUMMER) == frozenset()
    for section in Section:
        assert decide(Actor(DELEGATE), plan, Action.READ, section, SUMMER) == Decision(
            False, "plan_closed", ActingAs.GRANTEE
        )
    assert write(DELEGATE, plan, Part.MESSAGES) == Decision(False, "plan_closed", ActingAs.GRANTEE)
    # The notes the owner shared with the coordinator end too; what the coordinator reads as such stays.
    assert decide(Actor(COORDINATOR), plan, Action.READ, Section.NOTES, SUMMER) == Decision(
        False, "plan_closed", ActingAs.GRANTEE
    )
    assert can(COORDINATOR, plan, Action.READ, Section.ABOUT)


def test_guardian_with_a_notes_grant_may_read_notes_but_never_grant_them():
    plan = plan_with(guardianships=[court()], grants=[grant(GUARDIAN, [Section.NOTES])])
    assert decide(Actor(GUARDIAN), plan, Action.READ, Section.NOTES, SUMMER) == Decision(
        True, "grant", ActingAs.GRANTEE
    )
    assert may_grant(Actor(GUARDIAN), plan, [Section.NOTES], SUMMER).reason == "notes_private"


def test_may_grant():
    plan = plan_with(guardianships=[court()], grants=[grant()])
    owner, guardian = Actor(OWNER), Actor(GUARDIAN)
    assert may_grant(owner, plan, [Section.NOTES, Section.ABOUT], SUMMER) == Decision(True, "owner", ActingAs.OWNER)
    assert may_grant(owner, plan, ["goals", "messages"], SUMMER).allowed
    assert may_grant(owner, plan, Section.NOTES, SUMMER).allowed  # a single section passed bare
    assert may_grant(guardian, plan, [Section.ABOUT, Section.GOALS], SUMMER).reason == "guardian"
    assert may_grant(guardian, plan, [Section.ABOUT, Section.NOTES], SUMMER) == Decision(
        False, "notes_private", ActingAs.GUARDIAN
    )
    assert may_grant(owner, plan, [], SUMMER).reason == "no_sections"
    assert may_grant(owner, plan, [Section.ABOUT, "everything"], SUMMER).reason == "unknown_section"
    assert may_grant(owner, plan, [Section.ABOUT, None], SUMMER).reason == "unknown_section"
    assert may_grant(owner, plan, None, SUMMER).reason == "unknown_section"  # type: ignore[arg-type]
    assert may_grant(owner, plan, 5, SUMMER).reason == "unknown_section"  # type: ignore[arg-type]
    assert may_grant(Actor(COORDINATOR), plan, [Section.ABOUT], SUMMER).reason == "sharing_owner_only"
    assert may_grant(Actor(STRANGER_ID, True), plan, [Section.ABOUT], SUMMER).reason == "unit_admin_no_content"
    ended = plan_with(guardianships=[court(end=date(2024, 6, 1))])
    assert may_grant(guardian, ended, [Section.ABOUT], SUMMER).reason == "guardian_not_acting"


def test_aware_now_is_the_same_instant_as_naive_utc():
    plan = plan_with(guardianships=[court(end=date(2024, 7, 10))])
    aware = datetime(2024, 7, 11, 0, 30, tzinfo=OSLO)  # just past the last day in Oslo
    naive = aware.astimezone(timezone.utc).replace(tzinfo=None)
    assert decide(Actor(GUARDIAN), plan, Action.READ, Section.ABOUT, aware) == decide(
        Actor(GUARDIAN), plan, Action.READ, Section.ABOUT, naive
    )
    assert not can(GUARDIAN, plan, Action.READ, Section.ABOUT, aware)


def test_a_substitute_acts_as_the_coordinator_only_within_the_dates_in_oslo():
    away = SubstituteFacts(DELEGATE, date(2024, 7, 1), date(2024, 7, 14))
    plan = plan_with(grants=[], coordinator=COORDINATOR)
    plan = PlanFacts(plan.plan_id, plan.owner_person_id, plan.owner_birth_date, COORDINATOR, substitutes=(away,))
    first_morning = oslo_midnight_utc(date(2024, 7, 1))
    assert write(DELEGATE, plan, Part.MEASURES, first_morning) == Decision(True, "coordinator", ActingAs.COORDINATOR)
    assert write(DELEGATE, plan, Part.MEASURES, first_morning - TICK).allowed is False
    last_evening = oslo_time_utc(date(2024, 7, 14), 23, 59)
    assert write(DELEGATE, plan, Part.MESSAGE_HANDLING, last_evening).allowed
    assert not write(DELEGATE, plan, Part.MESSAGES, oslo_midnight_utc(date(2024, 7, 15))).allowed
    assert write(COORDINATOR, plan, Part.MEASURES, first_morning).allowed  # the coordinator still is one
    assert next_change_at(plan, first_morning - timedelta(hours=5)) == first_morning
    assert not write(DELEGATE, plan, Part.NOTES, first_morning).allowed  # never the owner's notes
