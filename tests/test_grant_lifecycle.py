"""The grant lifecycle as a state machine: grants, changes, revocations, consent versions signed with
real passkeys, withdrawals, grants running out or let lapse, and guardians who stop acting, in any
order.

Driven only through the real services (ipapp.services.grants / consents / plan_reading) on a real
SQLite file with the demo plan, and checked after every step against a small model kept here,
never against ipapp.policy: the model says who may read what, the services must agree.

Time travel is used for exactly two things, both written straight into the database: a grant
running out (valid_until just before now) and a guardian ceasing to act (the guardianship ending
yesterday, or, for a parent, the minor owner turning 16 today).
"""

import os
import shutil
import tempfile
from dataclasses import dataclass, field
from datetime import timedelta

import pytest
from hypothesis import HealthCheck, event, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    precondition,
    rule,
)
from soft_authenticator import SoftAuthenticator
from sqlmodel import SQLModel, select

from ipapp import db
from ipapp.auth import passkeys
from ipapp.config import reset_settings_cache
from ipapp.demo.seed import add_months, load_demo
from ipapp.domain.vocabulary import GuardianshipBasis
from ipapp.i18n.dates import oslo_today
from ipapp.models import (
    AccessGrant,
    AccessGrantSection,
    Account,
    Consent,
    ConsentGrant,
    Guardianship,
    Person,
    utcnow,
)
from ipapp.services import consents, grant_endings, grants, plan_reading
from ipapp.services.consents import ConsentError
from ipapp.services.plan_access import AccessDenied

ORIGIN = "http://localhost:3000"
SECTIONS = ("goals", "meetings", "contacts")
GRANTEES = ("next_of_kin", "provider")
ACTORS = ("owner", "guardian")

section_sets = st.sets(st.sampled_from(SECTIONS), min_size=1).map(lambda s: tuple(sorted(s)))
picks = st.integers(min_value=0, max_value=63)  # index into the model's candidates, modulo


# --- the model --------------------------------------------------------------------------------


@dataclass
class ModelGrant:
    id: int
    grantee: str
    sections: frozenset[str]
    days: int | None = None  # its last day is today + days (None: the demo's, months away)
    revoked: bool = False
    expired: bool = False
    lapse_chosen: bool = False

    @property
    def current(self) -> bool:
        return not self.revoked and not self.expired


@dataclass
class ModelConsent:
    id: int
    version: int
    grants: frozenset[int]
    signed_as: str | None = None  # "owner" | "guardian" once signed
    withdrawn: bool = False

    @property
    def signed(self) -> bool:
        return self.signed_as is not None

    @property
    def standing(self) -> bool:
        return self.signed and not self.withdrawn


@dataclass
class Model:
    grants: dict[int, ModelGrant] = field(default_factory=dict)
    consents: dict[int, ModelConsent] = field(default_factory=dict)
    guardian_acting: bool = True

    def latest(self) -> ModelConsent | None:
        return max(self.consents.values(), key=lambda c: c.version, default=None)

    def current_grant_ids(self) -> frozenset[int]:
        return frozenset(g.id for g in self.grants.values() if g.current)

    def effective(self, grant: ModelGrant) -> bool:
        return grant.current and any(
            c.standing and grant.id in c.grants for c in self.consents.values()
        )

    def may_read(self, grantee: str, section: str) -> bool:
        return any(
            g.grantee == grantee and section in g.sections and self.effective(g)
            for g in self.grants.values()
        )

    def ending_soon(self) -> set[int]:
        """Reminded of: effective, last day within 13 days (so its end is within 14), not let lapse."""
        return {g.id for g in self.grants.values()
                if self.effective(g) and g.days is not None and g.days <= 13 and not g.lapse_chosen}

    def needing_renewal(self) -> list[int]:
        if self.guardian_acting:
            return []
        standing = [c for c in self.consents.values() if c.standing]
        if not standing:
            return []
        newest = max(standing, key=lambda c: c.version)
        return [newest.id] if newest.signed_as == "guardian" else []


# --- the machine ------------------------------------------------------------------------------


class GrantLifecycle(RuleBasedStateMachine):
    """The demo plan: a 19-year-old owner with a court-appointed guardian."""

    def __init__(self):
        super().__init__()
        self._saved_env = {k: os.environ.get(k) for k in ("IPAPP_ENV", "IPAPP_ORIGIN")}
        os.environ["IPAPP_ENV"] = "development"
        os.environ["IPAPP_ORIGIN"] = ORIGIN
        reset_settings_cache()
        self._dir = tempfile.mkdtemp(prefix="ipapp-lifecycle-")
        self.engine = db.make_engine(f"sqlite:///{self._dir}/lifecycle.sqlite3")
        SQLModel.metadata.create_all(self.engine)
        db.use_engine(self.engine)
        with db.transaction() as session:
            cast = load_demo(session)
        self.plan_id = cast.plan_id
        self.people = {
            "owner": cast.owner_id,
            "guardian": cast.guardian_id,
            "next_of_kin": cast.next_of_kin_id,
            "provider": cast.provider_id,
        }
        self.name_of = {pid: name for name, pid in self.people.items()}
        self.phones = {who: self._register(self.people[who]) for who in ACTORS}
        self.model = Model()
        self._load_demo_sharing()
        self.prepare_scenario()

    def prepare_scenario(self) -> None:
        """Hook for a scenario that starts from other facts (see MinorOwnerLifecycle)."""

    def teardown(self):
        db.use_engine(None)
        self.engine.dispose()
        shutil.rmtree(self._dir, ignore_errors=True)
        for key, value in self._saved_env.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
        reset_settings_cache()

    # -- set-up helpers --

    def _register(self, person_id: int) -> SoftAuthenticator:
        with db.transaction() as session:
            account = session.exec(select(Account).where(Account.person_id == person_id)).one()
            assert account.status == "active"
            account_id = account.id
        phone = SoftAuthenticator(origin=ORIGIN)
        passkeys.finish_registration(
            account_id, phone.register(passkeys.registration_options(account_id)), "Telefon"
        )
        return phone

    def _load_demo_sharing(self) -> None:
        """The demo's pending grant and its unsigned version 1 are the model's starting point."""
        with db.transaction() as session:
            for grant in session.exec(select(AccessGrant)).all():
                sections = session.exec(
                    select(AccessGrantSection.section).where(AccessGrantSection.grant_id == grant.id)
                ).all()
                self.model.grants[grant.id] = ModelGrant(
                    grant.id, self.name_of[grant.grantee_person_id], frozenset(sections)
                )
            for consent in session.exec(select(Consent)).all():
                assert consent.signed_at is None
                covered = session.exec(
                    select(ConsentGrant.grant_id).where(ConsentGrant.consent_id == consent.id)
                ).all()
                self.model.consents[consent.id] = ModelConsent(consent.id, consent.version, frozenset(covered))
        assert len(self.model.grants) == 1 and len(self.model.consents) == 1

    def _may_manage(self, actor: str) -> bool:
        return actor == "owner" or self.model.guardian_acting

    # -- rules --

    @initialize(signer=st.sampled_from((*ACTORS, None)))
    def the_demo_consent(self, signer):
        """Start with the demo's pending consent signed by the owner or the guardian, or not yet."""
        if signer is not None:
            self._draft(signer, then_sign=True)

    @rule(actor=st.sampled_from(ACTORS), grantee=st.sampled_from(GRANTEES), sections=section_sets,
          # Either side of the two-week reminder line (a last day 13 days away is within it, 14 not).
          days=st.sampled_from((2, 13, 14, 45)))
    def grant(self, actor, grantee, sections, days):
        last_day = (oslo_today(utcnow()) + timedelta(days=days)).isoformat()
        call = lambda: grants.create_grant(
            self.people[actor], self.plan_id, self.people[grantee], list(sections), last_day
        )
        if not self._may_manage(actor):
            with pytest.raises(AccessDenied):
                call()
            return
        same = [g for g in self.model.grants.values()
                if g.current and g.grantee == grantee and g.sections == frozenset(sections)]
        if same:
            with pytest.raises(grants.GrantProblem) as problem:
                call()
            # In force she has it already; otherwise it waits for a signature, on the consent page.
            expected = ("duplicate", "") if self.model.effective(same[0]) else ("duplicate_waiting", "/samtykke")
            assert (problem.value.code, problem.value.link) == expected
            return
        grant_id = call()
        assert grant_id not in self.model.grants
        self.model.grants[grant_id] = ModelGrant(grant_id, grantee, frozenset(sections), days)

    @rule(actor=st.sampled_from(ACTORS), sections=section_sets, pick=picks)
    def change(self, actor, sections, pick):
        """Other sections, same last day: the old grant stops now, the new one awaits a signature."""
        grant = self._pick_current(pick)
        if grant is None:
            return
        call = lambda: grants.change_grant(self.people[actor], self.plan_id, grant.id, list(sections),
                                           grants.SAME_LAST_DAY)
        if not self._may_manage(actor):
            with pytest.raises(AccessDenied):
                call()
            return
        clash = [g for g in self.model.grants.values() if g.current and g.id != grant.id
                 and g.grantee == grant.grantee and g.sections == frozenset(sections)]
        if frozenset(sections) == grant.sections or clash:
            with pytest.raises(grants.GrantProblem) as problem:
                call()
            if not clash:
                expected = "unchanged"
            else:
                expected = "duplicate" if self.model.effective(clash[0]) else "duplicate_waiting"
            assert problem.value.code == expected
            return  # and the old grant is untouched (the invariants check it)
        new_id = call()
        grant.revoked = True
        self.model.grants[new_id] = ModelGrant(new_id, grant.grantee, frozenset(sections), grant.days)
        event("changed")

    @rule(actor=st.sampled_from(ACTORS), pick=picks)
    def let_lapse(self, actor, pick):
        grant = self._pick_current(pick)
        if grant is None:
            return
        call = lambda: grant_endings.let_lapse(self.people[actor], self.plan_id, grant.id)
        if not self._may_manage(actor):
            with pytest.raises(AccessDenied):
                call()
        elif grant.lapse_chosen:
            with pytest.raises(grants.GrantProblem) as problem:
                call()
            assert problem.value.code == "ending_dealt_with"
        else:
            call()
            grant.lapse_chosen = True

    def _pick_current(self, pick) -> ModelGrant | None:
        ids = sorted(g.id for g in self.model.grants.values() if g.current)
        return self.model.grants[ids[pick % len(ids)]] if ids else None

    @rule(actor=st.sampled_from(ACTORS))
    def draft_and_sign(self, actor):
        self._draft(actor, then_sign=True)

    @rule(actor=st.sampled_from(ACTORS))
    def draft_only(self, actor):
        """A version shown but not signed (yet): a reload returns it, a change writes it again."""
        self._draft(actor, then_sign=False)

    def _draft(self, actor, then_sign):
        person = self.people[actor]
        if not self._may_manage(actor):
            with pytest.raises(AccessDenied):
                consents.draft_consent(person, self.plan_id)
            return
        current = self.model.current_grant_ids()
        latest = self.model.latest()
        if not current:
            self._refused("nothing_to_consent", consents.draft_consent, person, self.plan_id)
            return
        same_grants = latest is not None and not latest.withdrawn and latest.grants == current
        # A signature by a guardian who no longer acts is renewed by a new version, not kept.
        lapsed = latest is not None and latest.signed_as == "guardian" and not self.model.guardian_acting
        if same_grants and latest.signed and not lapsed:
            self._refused("up_to_date", consents.draft_consent, person, self.plan_id)
            return
        view = consents.draft_consent(person, self.plan_id)
        assert view.status == "awaiting_signature"
        if latest is not None and not latest.signed:
            # Never signed: the same version, written again for what is shared now (also the
            # demo's seeded text), so the first version anyone signs is version 1.
            assert (view.id, view.version) == (latest.id, latest.version), "an unsigned version got a new number"
            latest.grants = current
        else:
            expected_version = (latest.version if latest else 0) + 1
            assert view.id not in self.model.consents and view.version == expected_version
            self.model.consents[view.id] = ModelConsent(view.id, view.version, current)
        if not then_sign:
            return
        options = consents.signing_options(person, self.plan_id, view.id, view.document_sha256)
        signed = consents.sign(person, self.plan_id, view.id, self.phones[actor].authenticate(options))
        assert (signed.consent_id, signed.signed_as) == (view.id, actor)
        self.model.consents[view.id].signed_as = actor
        event(f"signed by {actor}")

    @rule(actor=st.sampled_from(ACTORS))
    def withdraw_latest_signed(self, actor):
        signed = [c for c in self.model.consents.values() if c.signed]
        if not signed:
            return
        target = max(signed, key=lambda c: c.version)
        call = lambda: consents.withdraw(self.people[actor], self.plan_id, target.id)
        if not self._may_manage(actor):
            with pytest.raises(AccessDenied):
                call()
        elif target.withdrawn:
            self._refused("already_withdrawn", call)
        else:
            view = call()
            assert view.status == "withdrawn"
            for consent in self.model.consents.values():
                if consent.signed and consent.version <= target.version:
                    consent.withdrawn = True

    @rule(how=st.sampled_from(("revoke", "expire")), among=st.sampled_from(("current", "any")),
          actor=st.sampled_from(ACTORS), pick=picks)
    def end_grant(self, how, among, actor, pick):
        """A grant ends: revoked by the owner or guardian, or run out (one rule, so that grants
        end about as often as they are made). Mostly a current one; "any" also tries the dead."""
        ids = sorted(g.id for g in self.model.grants.values() if among == "any" or g.current)
        if not ids:
            return
        grant = self.model.grants[ids[pick % len(ids)]]
        if how == "revoke":
            self._revoke(actor, grant)
        else:
            self._expire(grant)

    def _revoke(self, actor, grant: ModelGrant) -> None:
        call = lambda: grants.revoke_grant(self.people[actor], self.plan_id, grant.id)
        if not self._may_manage(actor):
            with pytest.raises(AccessDenied):
                call()
        elif grant.revoked:
            with pytest.raises(grants.GrantProblem) as problem:
                call()
            assert problem.value.code == "unknown_grant"
        else:
            call()  # an expired grant can still be revoked; it stays gone either way
            grant.revoked = True

    def _expire(self, grant: ModelGrant) -> None:
        """Time travel for this one grant: its end moves to just before now."""
        if grant.expired:
            return
        with db.transaction() as session:
            row = session.get(AccessGrant, grant.id)
            # Just before now, but never before it began (the table insists on a real period).
            row.valid_until = max(utcnow() - timedelta(milliseconds=1),
                                  row.valid_from + timedelta(microseconds=1))
            session.add(row)
        assert utcnow() > row.valid_until
        grant.expired = True

    # Only once something is signed: ending it before any signature exercises nothing more than
    # the refusals, which every later step then checks anyway.
    @precondition(lambda self: self.model.guardian_acting
                  and any(c.signed for c in self.model.consents.values()))
    @rule()
    def guardian_stops_acting(self):
        self.end_guardianship()
        self.model.guardian_acting = False

    def end_guardianship(self) -> None:
        """The court-appointed guardianship ended yesterday (its last day is inclusive)."""
        with db.transaction() as session:
            row = session.exec(
                select(Guardianship).where(Guardianship.guardian_person_id == self.people["guardian"])
            ).one()
            row.valid_until = oslo_today(utcnow()) - timedelta(days=1)
            session.add(row)

    def _refused(self, code, call, *args):
        with pytest.raises(ConsentError) as caught:
            call(*args)
        assert caught.value.code == code, caught.value

    # -- invariants --

    @invariant()
    def grantees_read_exactly_what_the_model_allows(self):
        for grantee in GRANTEES:
            person = self.people[grantee]
            expected = {s: self.model.may_read(grantee, s) for s in SECTIONS}
            try:
                goals = bool(plan_reading.read_overview(person, self.plan_id, "nb").goals)
            except AccessDenied:
                goals = False
            actual = {"goals": goals,
                      "meetings": self._can(plan_reading.read_meetings, person),
                      "contacts": self._can(plan_reading.read_contacts, person)}
            assert actual == expected, f"{grantee} reads {actual}, model says {expected}"
            event(f"{grantee} reads {sum(actual.values())} of 3 sections")

    def _can(self, read, person) -> bool:
        try:
            read(person, self.plan_id, "nb")
        except AccessDenied:
            return False
        return True

    @invariant()
    def the_database_agrees_with_the_model(self):
        """Grants and consent versions as the model has them: revoked and expired grants stay so,
        and no consent drafted after a grant ended covers it."""
        now = utcnow()
        with db.transaction() as session:
            rows = {g.id: g for g in session.exec(select(AccessGrant)).all()}
            assert set(rows) == set(self.model.grants)
            for grant_id, grant in self.model.grants.items():
                assert (rows[grant_id].revoked_at is not None) == grant.revoked, grant
                assert (rows[grant_id].valid_until <= now) == grant.expired, grant
            stored = session.exec(select(Consent)).all()
            assert {c.id for c in stored} == set(self.model.consents)
            for row in stored:
                consent = self.model.consents[row.id]
                covered = set(session.exec(
                    select(ConsentGrant.grant_id).where(ConsentGrant.consent_id == row.id)
                ).all())
                assert covered == consent.grants and row.version == consent.version
                assert row.signed_as == consent.signed_as
                assert (row.signer_person_id == self.people[consent.signed_as]) if consent.signed \
                    else row.signer_person_id is None
                assert (row.withdrawn_at is not None) == consent.withdrawn, consent

    @invariant()
    def the_owners_sharing_list_agrees_with_the_model(self):
        views = {v.grant_id: v for v in plan_reading.read_access(self.people["owner"], self.plan_id, "nb")}
        assert set(views) == set(self.model.grants)
        for grant_id, grant in self.model.grants.items():
            assert views[grant_id].is_effective == self.model.effective(grant), grant
            assert views[grant_id].is_revocable == grant.current, grant

    @invariant()
    def a_guardian_who_no_longer_acts_cannot_share(self):
        if self.model.guardian_acting:
            return
        guardian = self.people["guardian"]
        last_day = (oslo_today(utcnow()) + timedelta(days=7)).isoformat()
        with pytest.raises(AccessDenied):
            grants.create_grant(guardian, self.plan_id, self.people["provider"], ["contacts"], last_day)
        with pytest.raises(AccessDenied):
            plan_reading.read_access(guardian, self.plan_id, "nb")

    @invariant()
    def the_owner_is_reminded_of_exactly_the_effective_grants_ending_soon(self):
        soon = {s.grant_id for s in grant_endings.ending_soon(self.people["owner"], self.plan_id, "nb")}
        assert soon == self.model.ending_soon(), f"reminded of {soon}, model says {self.model.ending_soon()}"
        event(f"reminded of {len(soon)} grant(s) ending soon")

    @invariant()
    def renewal_lists_the_standing_consent_of_a_guardian_who_stopped(self):
        needing = consents.consents_needing_renewal(self.plan_id, utcnow())
        expected = self.model.needing_renewal()
        assert needing == expected, f"needing renewal: {needing}, model says {expected}"
        assert consents.renewal_needed(self.people["owner"], self.plan_id) == bool(needing)
        if needing:
            event("a consent needs renewal")


class MinorOwnerLifecycle(GrantLifecycle):
    """The same lifecycle for a 15-year-old owner whose parent acts for her (parent_of_minor):
    here the guardian stops acting because the owner turns 16 (the birthday is today)."""

    def prepare_scenario(self) -> None:
        today = oslo_today(utcnow())
        with db.transaction() as session:
            owner = session.get(Person, self.people["owner"])
            owner.birth_date = add_months(today, -12 * 16) + timedelta(days=100)
            session.add(owner)
            row = session.exec(
                select(Guardianship).where(Guardianship.guardian_person_id == self.people["guardian"])
            ).one()
            row.basis = GuardianshipBasis.PARENT_OF_MINOR.value
            row.valid_until = None  # open-ended: only the owner's age ends it
            session.add(row)

    def end_guardianship(self) -> None:
        with db.transaction() as session:
            owner = session.get(Person, self.people["owner"])
            owner.birth_date = add_months(oslo_today(utcnow()), -12 * 16)
            session.add(owner)


_settings = settings(max_examples=30, stateful_step_count=25, deadline=None,
                     suppress_health_check=[HealthCheck.too_slow])
_minor_settings = settings(_settings, max_examples=12)

GrantLifecycle.TestCase.settings = _settings
MinorOwnerLifecycle.TestCase.settings = _minor_settings
TestGrantLifecycle = GrantLifecycle.TestCase
TestMinorOwnerLifecycle = MinorOwnerLifecycle.TestCase
