"""The owner's log tells the truth in plain words: every kind of audited event has its own text
in bokmål, nynorsk and English; every action and target shape the code writes maps to one of them
(found by reading ipapp's source, not from a list kept by hand); a guardian granting, changing or
revoking access reads as such; the owner sees new keys on her account even when she added them."""

import ast
import functools
import itertools
import re
from datetime import timedelta
from pathlib import Path

import pytest
import reflex as rx
from living_plan import make_plan
from reflex.istate.data import RouterData
from soft_authenticator import SoftAuthenticator
from sqlmodel import select

from ipapp import db, policy
from ipapp.auth import sessions
from ipapp.i18n import SUPPORTED_LOCALES, translate
from ipapp.i18n.catalog import MESSAGES
from ipapp.i18n.dates import oslo_today
from ipapp.models import Account, AuditEvent, Invitation, utcnow
from ipapp.services import (accounts, goal_editing, grant_endings, grants, invitations, plan_editing,
                            plan_reading, recovery)
from ipapp.services.plan_access import AccessDenied
from ipapp.services.access_log import who_looked
from ipapp.services.log_words import FALLBACK, RULES, TRIED_OTHER, describe, rule_for, text_keys

SOURCE = Path(__file__).resolve().parent.parent / "ipapp"
ORIGIN = "http://localhost:3000"

# --- (a) every text, in every language ----------------------------------------------------------

WORDS = re.compile(r"[a-zæøå']+")
ENGLISH = {"the", "was", "and", "with", "not", "their", "someone", "added", "changed", "looked", "tried", "but",
           "allowed", "access", "account", "own", "of"}
NORWEGIAN = {"og", "ikke", "ikkje", "planen", "på", "til", "som", "av", "med", "fikk", "fekk", "en", "ein", "et", "eit"}
BOKMAL_ONLY = {"ikke", "hvem", "hva", "hvilke", "fikk", "ble", "noen", "tidligere", "endret", "lastet", "opprettet",
               "avsluttet", "fjernet", "slettet", "skrev", "trakk", "begynte", "koblet", "rettet", "stengte", "lagde",
               "godkjente", "meldinger", "opplysningene", "en", "et", "åpne", "lot"}


def _words(text: str) -> set[str]:
    return set(WORDS.findall(re.sub(r"\{\w+\}", " ", text).lower()))


@pytest.mark.parametrize("key", sorted(text_keys()))
def test_every_text_the_log_can_show_exists_in_three_languages_and_reads_as_that_language(key):
    texts = MESSAGES.get(key)
    assert texts is not None, f"{key} is not in the catalog"
    assert all(texts.get(loc, "").strip() for loc in SUPPORTED_LOCALES), f"{key} lacks a language"
    nb, nn, en = texts["nb"], texts["nn"], texts["en"]
    assert nb != en and nn != en
    assert _words(nb) & ENGLISH == set() and _words(nn) & ENGLISH == set(), f"English in {key}: {nb!r} / {nn!r}"
    assert _words(en) & NORWEGIAN == set() and not set("æøå") & set(en.lower()), f"Norwegian in {key}: {en!r}"
    assert _words(nn) & BOKMAL_ONLY == set(), f"bokmål in the nynorsk of {key}: {nn!r}"


def test_nynorsk_is_not_a_copy_of_bokmal():
    same = [k for k in text_keys() if MESSAGES[k]["nb"] == MESSAGES[k]["nn"]]
    assert len(same) < len(text_keys()) // 5, same  # a few read alike ("Signerte samtykket"); most must not


def test_only_opening_the_sharing_page_reads_as_looking_at_the_sharing():
    viewed = MESSAGES["accesslog.event.sharing_viewed"]["nb"]
    assert viewed == "Så på delingen"
    saying_it = [(action, pattern) for action, rules in RULES.items() for pattern, rule in rules
                 if MESSAGES[rule.key]["nb"] == viewed]
    assert saying_it == [("manage_sharing", "access_list")]


# --- (b) every action and target the code writes has its own text -------------------------------

# Functions that write an audit event for a target they are handed: (module, name) -> how a call
# of it reads: `action`, `target`, `reason`, `allowed` are fixed values or (position, keyword,
# default) of its argument; `kind` is plan_document's way of naming what it writes.
# Inside these functions the target is their parameter: their callers are what is scanned. The
# test fails on any audit write it cannot read that is not inside one of them.
WRAPPERS = {
    ("plan_access", "require"): dict(action=(2, "action", None), target=(4, "target", "")),
    ("grants", "sharing_context"): dict(action="manage_sharing", target=(3, "target", None)),
    ("grants", "_deny"): dict(action="manage_sharing", target=(2, "target", None), allowed=False),
    ("grants", "may_give"): dict(action="manage_sharing", target=(3, "target", None), allowed=False),
    ("grants", "_checked_sections"): dict(action="manage_sharing", target=(3, "target", None), allowed=False),
    ("editing", "allow"): dict(action="write", target=(0, "target", None)),
    ("editing", "refuse"): dict(action="write", target=(1, "target", None), allowed=False),
    ("editing", "item"): dict(action="write", target=(2, "kind", None), suffix=":1", allowed=False),
    ("editing", "_audit"): dict(action="write", target=(3, "target", None)),
    ("plan_setup", "require_unit_admin"): dict(action="set_up", target=(2, "target", None)),
    ("plan_reading", "_deny_whole_plan"): dict(action="read", target=(2, "target", None), allowed=False),
    ("people_registry", "audit_on_plans"): dict(action=(4, "action", "set_up"), target=(3, "target", None),
                                                reason=(5, "reason", "unit_admin")),
    ("recovery", "audit_recovery"): dict(action="recovery", target="person:1", reason=(4, "reason", None),
                                         allowed=(5, "allowed", True)),
    ("plan_setup", "audit_on_plan"): dict(action="set_up", target=(3, "target", None)),
    ("plan_document", "open_document"): dict(kind=(None, "kind", None)),
    ("print_routes", "_open"): dict(kind=(1, "kind", None)),
}
# Functions that only write again what a call elsewhere wrote first, read by this scan there:
# read_cache.page makes a kept page's require() calls again, as they were recorded.
REPLAYS = {("read_cache", "page")}
# How a document is opened (plan_document.open_document's `kind`) -> what it writes.
DOCUMENT_KINDS = {"pdf": ("download", "pdf:2027-01-02"), "print": ("read", "print:2027-01-02")}
UNREADABLE = object()


def _strings(node: ast.AST | None) -> list | object:
    """The strings an expression can be, with "1" for each formatted value; UNREADABLE if it
    depends on a variable."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return [node.value]
    if isinstance(node, ast.Constant) and isinstance(node.value, bool):
        return [node.value]
    if isinstance(node, ast.JoinedStr):
        return ["".join(v.value if isinstance(v, ast.Constant) else "1" for v in node.values)]
    if isinstance(node, ast.IfExp):
        body, orelse = _strings(node.body), _strings(node.orelse)
        return UNREADABLE if UNREADABLE in (body, orelse) else body + orelse
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        left, right = _strings(node.left), _strings(node.right)
        return UNREADABLE if UNREADABLE in (left, right) else [a + b for a, b in itertools.product(left, right)]
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "str" and node.args:
        return _strings(node.args[0])
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "_target":
        return ["consent:1", "consent"]  # consent_core._target: a consent id, or none readable
    if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Attribute) and node.value.attr == "Action":
        return [policy.Action[node.attr].value]
    return UNREADABLE


def _argument(call: ast.Call, position: int | None, keyword: str, default) -> ast.AST | None | str:
    for kw in call.keywords:
        if kw.arg == keyword:
            return kw.value
    if position is not None and position < len(call.args):
        return call.args[position]
    return default


def _values(call: ast.Call, spec) -> list | object:
    """A wrapper's parameter at this call: fixed, or read from its argument."""
    if not isinstance(spec, tuple):
        return [spec]
    found = _argument(call, *spec)
    if found is None:
        return [None]
    return [found] if isinstance(found, str | bool) else _strings(found)


def _as_called(call: ast.Call) -> ast.Call:
    """asyncio.to_thread(f, *args) calls f(*args)."""
    if _callee(call) == "to_thread" and call.args:
        return ast.Call(func=call.args[0], args=call.args[1:], keywords=call.keywords)
    return call


def _callee(call: ast.Call) -> str | None:
    if isinstance(call.func, ast.Name):
        return call.func.id
    return call.func.attr if isinstance(call.func, ast.Attribute) else None


def _wrapper(module: str, name: str | None):
    """The wrapper a call means: private ones only from their own module."""
    for (home, wrapped), spec in WRAPPERS.items():
        if wrapped == name and (home == module or not name.startswith("_")):
            return spec
    return None


def _functions_around(tree: ast.AST) -> dict[ast.AST, list[str]]:
    """Each call -> the names of the functions it sits in, innermost last."""
    around: dict[ast.AST, list[str]] = {}

    def visit(node: ast.AST, names: list[str]) -> None:
        for child in ast.iter_child_nodes(node):
            inner = names + [child.name] if isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef) else names
            if isinstance(child, ast.Call):
                around[child] = inner
            visit(child, inner)

    visit(tree, [])
    return around


def _is_audit_write(call: ast.Call) -> bool:
    """audit.record(..., action=...), or an event for audit.record_many: dict(action=..., allowed=...)."""
    keywords = {kw.arg for kw in call.keywords}
    if _callee(call) == "record" and isinstance(call.func, ast.Attribute):
        return "action" in keywords
    return _callee(call) == "dict" and {"action", "allowed"} <= keywords


def _events_written(call: ast.Call, module: str):
    """(action, target, reason, allowed) of what this call writes, or UNREADABLE."""
    call = _as_called(call)
    if _is_audit_write(call):
        spec = dict(action=(None, "action", None), target=(None, "target", ""), reason=(None, "reason", None),
                    allowed=(None, "allowed", None))
    else:
        spec = _wrapper(module, _callee(call))
        if spec is None:
            return []
    if "kind" in spec:
        kinds = _values(call, spec["kind"])
        return UNREADABLE if kinds is UNREADABLE else \
            [(*DOCUMENT_KINDS[k], None, None) for k in kinds]
    actions, targets = _values(call, spec["action"]), _values(call, spec["target"])
    reasons, allowed = _values(call, spec.get("reason")), _values(call, spec.get("allowed"))
    if UNREADABLE in (actions, targets):
        return UNREADABLE
    if "suffix" in spec:
        targets = [t + spec["suffix"] for t in targets]
    reasons = [None] if reasons is UNREADABLE else reasons
    allowed = [None] if allowed is UNREADABLE else allowed
    return list(itertools.product(actions, targets, reasons, allowed))


@functools.cache
def _scan() -> tuple[frozenset[tuple], tuple[str, ...]]:
    found, unreadable = set(), []
    for path in sorted(SOURCE.rglob("*.py")):
        module = path.stem
        tree = ast.parse(path.read_text())
        for call, names in _functions_around(tree).items():
            events = _events_written(call, module)
            if events == []:
                continue
            if any((module, n) in WRAPPERS or (module, n) in REPLAYS for n in names):
                continue  # the wrapper's parameter: its callers say what it writes
            if events is UNREADABLE:
                unreadable.append(f"{path.relative_to(SOURCE.parent)}:{call.lineno}")
                continue
            found |= set(events)
    return frozenset(found), tuple(unreadable)


@pytest.fixture(scope="module")
def written() -> set[tuple]:
    return _scan()[0]


def test_every_audit_write_in_the_code_can_be_read_by_this_test():
    assert _scan()[1] == (), "register the function these audit writes are in, in WRAPPERS"


def test_every_wrapper_still_exists_where_the_registry_says():
    for module, name in WRAPPERS:
        paths = list(SOURCE.rglob(f"{module}.py"))
        assert paths, f"no module {module}"
        assert any(re.search(rf"\bdef {name}\(", p.read_text()) for p in paths), f"{module}.{name} is gone"


def test_the_scan_finds_what_the_code_writes(written):
    pairs = {(action, target) for action, target, _, _ in written}
    assert len(pairs) >= 80, "the scan found too little: it is broken"
    assert {("read", "goals"), ("write", "goal:1"), ("write", "goal:1:measure:new"), ("manage_sharing", "grant"),
            ("manage_sharing", "revoke:1"), ("manage_sharing", "change:1"), ("sign", "consent:1"),
            ("withdraw_consent", "consent:1"), ("download", "pdf:2027-01-02"), ("read", "calendar:1"),
            ("invite", "person:1"), ("set_up", "substitute:1"), ("manage_sharing", "access_log"),
            ("read", "history:1:1"), ("read", "inbox")} <= pairs


def _event(action: str, target: str, *, reason: str = "", allowed: bool = True, actor: int = 7,
           section: str | None = None) -> AuditEvent:
    return AuditEvent(id=1, occurred_at=utcnow(), actor_person_id=actor, actor_role="none", plan_id=1, action=action,
                      section=section, target=target, outcome="allowed" if allowed else "denied", reason=reason,
                      prev_hash="", hash="")


def test_every_action_and_target_the_code_writes_has_its_own_text(written):
    generic = []
    for action, target, reason, allowed in sorted(written, key=str):
        for outcome in ([allowed] if isinstance(allowed, bool) else [True, False]):
            if outcome and reason is None and rule_for(action, target, allowed=False) is not None:
                continue  # the reason is only known at run time: some rule for this target exists
            key, _ = describe(_event(action, target, reason=reason or "", allowed=outcome))
            if key in (FALLBACK, TRIED_OTHER):
                generic.append((action, target, reason, outcome))
    assert generic == []


# The set-up and security events the coordinating unit's screens write (ipapp.services.unit_plans,
# people_registry, recovery, accounts): each reads as what happened, naming the person.
NAMED = {"person": "Mona Mor"}
SET_UP_AND_SECURITY = [
    (("set_up", "plan:4", ""), "Opprettet planen"),
    (("set_up", "plan:4:close", ""), "Avsluttet planen"),
    (("set_up", "plan:4:period", ""), "Endret planperioden eller datoen for neste gjennomgang"),
    (("set_up", "coordinator:9", ""), "Gjorde Mona Mor til koordinator for planen"),
    (("set_up", "guardian:9", ""), "Registrerte Mona Mor som verge"),
    (("set_up", "guardian:9:end", ""), "Avsluttet vergemålet til Mona Mor"),
    (("set_up", "member:9", ""), "La til Mona Mor i planen"),
    (("set_up", "member:9:remove", ""), "Tok Mona Mor ut av planen"),
    (("set_up", "person:9", ""), "Registrerte Mona Mor"),
    (("set_up", "person:9:correct", ""), "Rettet opplysningene om Mona Mor"),
    (("set_up", "person:9:deactivate", ""), "Stengte kontoen til Mona Mor"),
    (("set_up", "identity:9:link", ""), "Koblet fødselsnummeret til Mona Mor"),
    (("set_up", "identity:9:unlink", ""), "Fjernet koblingen til fødselsnummeret til Mona Mor"),
    (("recovery", "person:9", "issued"), "Lagde en gjenopprettingskode for kontoen til Mona Mor (venter på godkjenning)"),
    (("recovery", "person:9", "approved"), "Godkjente en gjenopprettingskode for kontoen til Mona Mor"),
    (("recovery", "person:9", "refused"), "Avviste en gjenopprettingskode for kontoen til Mona Mor"),
    (("recovery", "person:9", "used"),
     "Brukte en gjenopprettingskode: en ny passnøkkel ble lagt til på kontoen til Mona Mor"),
    (("passkey", "person:9", "self"), "En ny passnøkkel ble lagt til på kontoen til Mona Mor"),
]


@pytest.mark.parametrize("event, text", SET_UP_AND_SECURITY, ids=[f"{a}-{t}-{r}" for (a, t, r), _ in SET_UP_AND_SECURITY])
def test_set_up_and_security_events_name_the_person(event, text):
    from ipapp.services.log_words import Known

    action, target, reason = event
    key, params = describe(_event(action, target, reason=reason), Known(names={9: "Mona Mor"}))
    assert translate(key, "nb", **{k: v for k, v in params.items() if k == "person"}) == text
    # Without a name to put in it still reads true, and a refusal names nobody.
    anon, params = describe(_event(action, target, reason=reason))
    assert "person" not in params and anon != FALLBACK and (anon != key) == ("Mona Mor" in text)
    refused, params = describe(_event(action, target, reason="not_unit_admin", allowed=False),
                               Known(names={9: "Mona Mor"}))
    assert refused.startswith("accesslog.tried.") and refused != TRIED_OTHER and "person" not in params


def test_a_persons_own_new_key_says_so():
    for why, text in [("self", "La til en ny passnøkkel på kontoen sin"),
                      ("invitation", "Tok imot invitasjonen og lagde en passnøkkel på kontoen sin"),
                      ("recovery", "La til en ny passnøkkel på kontoen sin med en gjenopprettingskode")]:
        key, _ = describe(_event("passkey", "person:7", reason=why, actor=7))
        assert translate(key, "nb") == text
    key, _ = describe(_event("recovery", "person:7", reason="used", actor=7))
    assert translate(key, "nb") == "Brukte en gjenopprettingskode og la til en ny passnøkkel på kontoen sin"


def test_an_unknown_event_still_reads_true():
    assert describe(_event("teleport", "moon:1"))[0] == FALLBACK
    assert translate(FALLBACK, "nb", section=translate("accesslog.the_plan", "nb")) == "Brukte planen"
    assert describe(_event("write", "spaceship:1", section="goals"))[0] == FALLBACK


def test_a_document_of_an_earlier_day_says_which_day():
    today = oslo_today(utcnow())
    key, params = describe(_event("download", f"pdf:{today.isoformat()}"))
    assert key == "accesslog.event.download_pdf" and "day" not in params
    key, params = describe(_event("download", "pdf:2027-03-01"))
    assert key == "accesslog.event.download_pdf_dated" and params["day"].isoformat() == "2027-03-01"


# --- (c), (d): through the real services ---------------------------------------------------------


@pytest.fixture
def plan(service_engine):
    return make_plan()


def _in_days(days: int) -> str:
    return (oslo_today(utcnow()) + timedelta(days=days)).isoformat()


def _texts(plan, who: int | None = None, locale: str = "nb") -> list[str]:
    log = who_looked(plan.owner_id, plan.plan_id, per_page=100, locale=locale)
    return [translate(e.text_key, locale, **e.text_params) for e in log.entries if who is None or e.person_id == who]


def test_a_guardian_granting_changing_renewing_and_revoking_reads_as_such(plan):
    g, kin = plan.guardian_id, plan.next_of_kin_id
    first = grants.create_grant(g, plan.plan_id, kin, ["goals"], _in_days(30))
    changed = grants.change_grant(g, plan.plan_id, first, ["goals", "meetings"], grants.SAME_LAST_DAY)
    grants.revoke_grant(g, plan.plan_id, changed)
    ending = grants.create_grant(g, plan.plan_id, kin, ["contacts"], _in_days(5))
    grant_endings.renew_grant(g, plan.plan_id, ending)
    plan_reading.read_access(g, plan.plan_id, "nb")  # opening the sharing page
    assert _texts(plan, g) == [
        "Så på delingen",
        "Forlenget tilgangen til Mona Mor",
        "Ga tilgang til planen",
        "Trakk tilbake tilgangen til Mona Mor",
        "Endret tilgangen til Mona Mor",
        "Ga tilgang til planen",
    ]
    assert _texts(plan, g, "nn")[3:5] == ["Trekte tilbake tilgangen til Mona Mor", "Endra tilgangen til Mona Mor"]
    assert _texts(plan, g, "en")[3:5] == ["Took back Mona Mor's access", "Changed Mona Mor's access"]
    log = who_looked(plan.owner_id, plan.plan_id, per_page=100)
    assert {e.role_label for e in log.entries if e.person_id == g} == {"Verge"}


def test_a_refused_change_of_another_plans_grant_names_nobody(plan, service_engine):
    other = make_plan("2")
    theirs = grants.create_grant(other.owner_id, other.plan_id, other.next_of_kin_id, ["goals"], _in_days(30))
    with pytest.raises(AccessDenied):
        grants.revoke_grant(plan.guardian_id, plan.plan_id, theirs)
    texts = _texts(plan, plan.guardian_id)
    # The door let her ask; the grant was another plan's: asked, then stopped, and nobody named.
    assert texts[:2] == ["Prøvde å endre delingen, men fikk ikke lov", "Ba om å trekke tilbake en tilgang"]
    assert not any("Mona Mor2" in t for t in texts)


def test_writes_by_others_read_as_what_they_changed_and_her_own_stay_hidden(plan):
    goal = goal_editing.add_goal(plan.owner_id, plan.plan_id, {"title": "Komme i jobb"})
    plan_editing.update_about(plan.owner_id, plan.plan_id, {"what_matters": "Fotball", "version": 0})
    goal_editing.add_measure(plan.coordinator_id, plan.plan_id, goal, {"name": "Arbeidstrening",
                                                                       "starts_on": _in_days(0)})
    plan_editing.add_contact(plan.coordinator_id, plan.plan_id, {"role": "gp", "name": "Kari Lege"})
    plan_editing.update_about(plan.guardian_id, plan.plan_id, {"what_matters": "Fotball og venner", "version": "1"})
    with pytest.raises(AccessDenied):
        plan_editing.update_about(plan.next_of_kin_id, plan.plan_id, {"what_matters": "", "version": "2"})
    texts = _texts(plan)
    assert texts[:4] == ["Prøvde å endre Om meg, men fikk ikke lov", "Endret Om meg", "La til en ny kontakt",
                         "La til et nytt tiltak under et mål"]
    assert "La til et nytt mål" not in texts  # the owner's own
    # make_plan, oldest last: the unit made the plan; the coordinator invited Mona from the invitations page.
    assert texts[-4:] == ["Brukte siden for invitasjoner", "Registrerte Geir Verge som verge",
                          "Gjorde Ingrid Koordinator til koordinator for planen", "Opprettet planen"]
    assert not any(t.startswith("Brukte planen") for t in texts), texts


def _activate(person_id: int) -> int:
    with db.transaction() as session:
        account = session.exec(select(Account).where(Account.person_id == person_id)).one()
        account.status = "active"
        session.add(account)
        return account.id


def _redeem(code: str, phone: SoftAuthenticator) -> None:
    invitations.redeem(code, phone.register(invitations.registration_options(code)), "Telefon")


def test_the_owner_sees_new_keys_on_her_account_but_not_the_rest_of_what_she_did(plan):
    phone = SoftAuthenticator(origin=ORIGIN)
    _redeem(plan.invitations["owner"].code, phone)  # her first key, from her invitation
    accounts.add_my_passkey(plan.owner_id, phone.register(accounts.new_passkey_options(plan.owner_id)), "Nettbrett")
    plan_reading.read_overview(plan.owner_id, plan.plan_id, "nb")  # her own look: never in her log
    plan_editing.update_about(plan.owner_id, plan.plan_id, {"what_matters": "Fotball", "version": 0})  # nor this
    # She lost her phone: the coordinator makes a code, the unit approves it, she uses it.
    made = recovery.request_code(plan.coordinator_id, plan.plan_id, plan.owner_id, "nb")
    assert made.outcome == "awaiting_approval"
    with db.transaction() as session:
        waiting = session.exec(select(Invitation.id).where(Invitation.kind == "recovery")).one()
    recovery.decide(plan.admin_id, waiting, approve=True)
    _redeem(made.invitation.code, SoftAuthenticator(origin=ORIGIN))

    log = who_looked(plan.owner_id, plan.plan_id, per_page=100)
    hers = [translate(e.text_key, "nb", **e.text_params) for e in log.entries if e.person_id == plan.owner_id]
    assert hers == [  # a used recovery code is one row: the code was used, a key was added
        "Brukte en gjenopprettingskode og la til en ny passnøkkel på kontoen sin",
        "La til en ny passnøkkel på kontoen sin",
        "Tok imot invitasjonen og lagde en passnøkkel på kontoen sin",
    ]
    assert {e.action for e in log.entries if e.person_id == plan.owner_id} == {"passkey", "recovery"}
    assert {e.role_label for e in log.entries if e.person_id == plan.owner_id} == {"Planeier"}
    texts = _texts(plan)
    assert "Godkjente en gjenopprettingskode for kontoen til Maja Eier" in texts
    assert "Lagde en gjenopprettingskode for kontoen til Maja Eier (venter på godkjenning)" in texts
    # She is in the filter now, and filtering by her shows exactly those.
    assert plan.owner_id in {p.person_id for p in log.people}
    mine = who_looked(plan.owner_id, plan.plan_id, only_person_id=plan.owner_id, per_page=100)
    assert [e.event_id for e in mine.entries] == [e.event_id for e in log.entries if e.person_id == plan.owner_id]
    # Someone else's new key on a plan they are on is in the owner's log too, naming whose account.
    _redeem(plan.invitations["next_of_kin"].code, SoftAuthenticator(origin=ORIGIN))
    assert _texts(plan, plan.next_of_kin_id)[0] == "Tok imot invitasjonen og lagde en passnøkkel på kontoen sin"


def test_the_page_shows_the_rows_in_the_persons_language(plan):
    from ipapp.state.access_log import AccessLogState

    grants.create_grant(plan.guardian_id, plan.plan_id, plan.next_of_kin_id, ["goals"], _in_days(30))
    raw = sessions.start_session(_activate(plan.owner_id), "test")
    root = rx.State(_reflex_internal_init=True)
    root.router = RouterData.from_router_data({"headers": {"cookie": f"{sessions.SESSION_COOKIE}={raw}"}, "query": {}})
    state = root.get_substate(AccessLogState.get_full_name().split(".")[1:])
    state.locale = "nn"
    AccessLogState.load_log.fn(state)
    assert state.problem == "" and state.rows
    newest = state.rows[0]
    assert newest.what == "Gav tilgang til planen" and newest.who.endswith("(verje)") and not newest.denied
    assert re.search(r"kl\. \d\d\.\d\d$", newest.when)  # to the minute
