"""Consent: drafting a version from the plan's grants, signing it with the signer's own passkey,
withdrawing it, and re-verifying signatures from the stored evidence alone.

Flow (the UI wires it):
  draft_consent(actor, plan)                      -> ConsentView (show .document, keep .document_sha256)
  signing_options(actor, plan, consent, sha256)   -> JSON -> passkeys.browser_script(SIGN_IN_JS, ...)
  sign(actor, plan, consent, browser result)      -> SignedView
  withdraw(actor, plan, consent)                  -> ConsentView (no signature, takes effect at once)
  verify_all(session)                             -> list[VerifyResult] (the verify-consents command)

The passkey signs the challenge SHA-256(document) || nonce (ipapp.domain.consent), so the stored
assertion proves that this person's key signed exactly this text, once. Everything the browser
sends is untrusted: public functions raise only ConsentError for it (stable `.code`) or
AccessDenied (plan_access) when the policy says no; details go to the log, never to people.

Challenges are issued and consumed in their own transactions (ipapp.auth.challenges), so those
calls are made between, never inside, this module's transactions: on SQLite a write lock held
here would make them wait for ourselves.
"""

import logging
from datetime import date, datetime, timedelta

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select, update

from ipapp import policy
from ipapp import live
from ipapp.live.changes import CHANGED
from ipapp.db import transaction
from ipapp.domain.consent import (
    DOCUMENT_LOCALE,
    ConsentTerms,
    GrantTerms,
    canonical_document,
    document_digest,
)
from ipapp.domain.vocabulary import SignedAs
from ipapp.i18n import SUPPORTED_LOCALES, translate
from ipapp.i18n.dates import to_oslo
from ipapp.models import (
    AccessGrant,
    Consent,
    ConsentGrant,
    Person,
    Plan,
    PlanMember,
    utcnow,
)
from ipapp.services.plan_access import (
    PlanContext,
    current_coordinator_id,
    grant_sections,
    load_context,
    plan_facts,
    require,
)

log = logging.getLogger(__name__)
from ipapp.services.consent_core import (
    ERROR_CODES,
    NONE_GIVEN_PURPOSE,
    ConsentError,
    ConsentView,
    SignedView,
    VerifyResult,
    _refuse,
    _latest_consent,
    _view,
    _int_id,
    _target,
    _consent_of_plan,
)
from ipapp.services.consent_evidence import verify_all, verify_consent
from ipapp.services.consent_signing import sign, signing_options

# The door pages, the CLI and the tests use; the work is split by job into consent_core,
# consent_signing and consent_evidence.
__all__ = [
    "ERROR_CODES", "ConsentError", "ConsentView", "SignedView", "VerifyResult",
    "consents_needing_renewal", "current_consent_checked", "draft_consent", "renewal_needed",
    "sign", "signing_options", "verify_all", "verify_consent", "withdraw",
]

# --- drafting ----------------------------------------------------------------------------------


def _current_grants(session: Session, plan_id: int, now: datetime) -> list[AccessGrant]:
    grants = session.exec(
        select(AccessGrant)
        .where(
            AccessGrant.plan_id == plan_id,
            col(AccessGrant.revoked_at).is_(None),
            AccessGrant.valid_until > now,
        )
        .order_by(col(AccessGrant.id))
    ).all()
    # A grant without sections gives nothing, so there is nothing in it to consent to.
    return [g for g in grants if grant_sections(session, g.id)]


def _relation(session: Session, plan: Plan, person_id: int) -> str:
    member = session.exec(
        select(PlanMember).where(PlanMember.plan_id == plan.id, PlanMember.person_id == person_id)
    ).first()
    if member and member.relation.strip():
        return member.relation
    if person_id == current_coordinator_id(session, plan.id):
        return translate("role.coordinator", "nb").lower()
    return ""


def _purpose(grants: list[AccessGrant]) -> str:
    purposes: list[str] = []
    for grant in grants:
        text = " ".join(grant.purpose.split())
        if text and text[-1] not in ".!?":
            text += "."
        if text and text not in purposes:
            purposes.append(text)
    return " ".join(purposes) or NONE_GIVEN_PURPOSE


def _terms(
    session: Session, plan: Plan, grants: list[AccessGrant], version: int, created: date
) -> ConsentTerms:
    owner = session.get(Person, plan.owner_person_id)
    terms = []
    for grant in grants:
        grantee = session.get(Person, grant.grantee_person_id)
        terms.append(
            GrantTerms(
                grantee_name=grantee.full_name if grantee else "",
                grantee_relation=_relation(session, plan, grant.grantee_person_id),
                sections=tuple(grant_sections(session, grant.id)),
                valid_from=to_oslo(grant.valid_from).date(),
                # valid_until is exclusive: the last day is the Oslo date just before it.
                valid_until_last_day=to_oslo(grant.valid_until - timedelta(microseconds=1)).date(),
            )
        )
    return ConsentTerms(
        owner_name=owner.full_name if owner else "",
        purpose=_purpose(grants),
        grants=tuple(terms),
        version=version,
        created=created,
    )


def _covered_grant_ids(session: Session, consent_id: int) -> set[int]:
    return set(
        session.exec(select(ConsentGrant.grant_id).where(ConsentGrant.consent_id == consent_id)).all()
    )


def _in_every_language(terms: ConsentTerms) -> set[str]:
    return {canonical_document(terms, locale) for locale in SUPPORTED_LOCALES}


def draft_consent(actor_person_id: int | None, plan_id: object, locale: str = DOCUMENT_LOCALE) -> ConsentView:
    """A consent version covering the plan's current grants (not revoked, not yet ended), written
    in the language the signer reads (`locale`; the text says which).

    Asking again while that version is still unsigned and the grants are unchanged returns the
    same version (no churn of version numbers on a reload, nor on a change of language: the
    unsigned text is simply written again in the new one).
    """
    now = utcnow()
    try:
        with transaction() as session:
            ctx = load_context(session, actor_person_id, plan_id, now)
            require(session, ctx, policy.Action.MANAGE_SHARING, None, target="consent:new")
            grants = _current_grants(session, ctx.plan.id, now)
            if not grants:
                raise _refuse("nothing_to_consent", f"plan {ctx.plan.id} has no current grant")
            grant_ids = {g.id for g in grants}
            latest = _latest_consent(session, ctx.plan.id)
            if latest is not None and latest.withdrawn_at is None:
                if _covered_grant_ids(session, latest.id) == grant_ids:
                    # A signature by a guardian who no longer acts must be renewed: a new version.
                    if latest.signed_at is not None and not _guardian_lapsed(latest, ctx.facts, now):
                        raise _refuse("up_to_date", f"consent {latest.id} already covers these grants")
                    same = _terms(session, ctx.plan, grants, latest.version, to_oslo(latest.created_at).date())
                    if latest.signed_at is None and latest.document in _in_every_language(same):
                        text = canonical_document(same, locale)
                        if text != latest.document:  # only its language differs, and it is unsigned
                            latest.document, latest.document_sha256 = text, document_digest(text).hex()
                            session.add(latest)
                        return _view(session, latest)
            version = (latest.version if latest else 0) + 1
            document = canonical_document(_terms(session, ctx.plan, grants, version, to_oslo(now).date()), locale)
            consent = Consent(
                plan_id=ctx.plan.id,
                version=version,
                document=document,
                document_sha256=document_digest(document).hex(),
                created_by_person_id=actor_person_id,
                created_at=now,
            )
            session.add(consent)
            session.flush()
            session.add_all([ConsentGrant(consent_id=consent.id, grant_id=gid) for gid in sorted(grant_ids)])
            session.flush()
            return _view(session, consent)
    except IntegrityError:  # a concurrent draft took this version number
        raise _refuse("changed", "concurrent draft of the same version") from None



# --- withdrawing -------------------------------------------------------------------------------


def withdraw(actor_person_id: int | None, plan_id: object, consent_id: object) -> ConsentView:
    """Withdraw a signed consent at once; no signature needed.

    Earlier signed versions still standing are withdrawn with it: a grant stays effective while
    any signed, unwithdrawn consent covers it (plan_access.grant_fact), so leaving an older
    version would keep the sharing going that the person just stopped.
    """
    now = utcnow()
    with transaction() as session:
        ctx: PlanContext = load_context(session, actor_person_id, plan_id, now)
        require(session, ctx, policy.Action.WITHDRAW_CONSENT, None, target=_target(consent_id))
        consent = _consent_of_plan(session, ctx.plan.id, consent_id)
        if consent.signed_at is None:
            raise _refuse("not_signed", f"consent {consent.id}")
        if consent.withdrawn_at is not None:
            raise _refuse("already_withdrawn", f"consent {consent.id}")
        result = session.exec(
            update(Consent)
            .where(
                Consent.plan_id == ctx.plan.id,
                Consent.version <= consent.version,
                col(Consent.signed_at).is_not(None),
                col(Consent.withdrawn_at).is_(None),
            )
            .values(withdrawn_at=now, withdrawn_by_person_id=actor_person_id)
        )
        if result.rowcount < 1:
            raise _refuse("already_withdrawn", f"consent {consent.id} (concurrently)")
        live.after_commit(session, live.plan_topic(ctx.plan.id), CHANGED)
        session.refresh(consent)
        return _view(session, consent)



# --- renewal -----------------------------------------------------------------------------------


def _guardian_lapsed(consent: Consent, facts: policy.PlanFacts, now: datetime) -> bool:
    """Signed by a guardian who no longer acts for the owner (ended, or the owner turned 16)."""
    if consent.signed_as != SignedAs.GUARDIAN.value:
        return False
    mine = [g for g in facts.guardianships if g.guardian_person_id == consent.signer_person_id]
    return not any(policy.guardian_is_acting(g, facts, policy.oslo_date(now)) for g in mine)


def renewal_needed(actor_person_id: int | None, plan_id: object) -> bool:
    """For the owner's overview: must a consent signed by a former guardian be signed anew?"""
    with transaction() as session:
        ctx = load_context(session, actor_person_id, plan_id, utcnow())
        require(session, ctx, policy.Action.MANAGE_SHARING, None, target="renewal", reading=True)
    return bool(consents_needing_renewal(plan_id, utcnow()))


def consents_needing_renewal(plan_id: object, now: datetime) -> list[int]:
    """Ids of the plan's standing consents signed by a guardian who no longer acts for the owner
    (guardianship ended, or a parent's after the owner turned 16): the owner, or a guardian who
    does act, should sign anew. A consent already followed by a newer signed version is renewed.
    """
    if _int_id(plan_id) is None:
        return []
    with transaction() as session:
        plan = session.get(Plan, plan_id)
        if plan is None:
            return []
        return needing_renewal_in(session, plan.id, plan_facts(session, plan), now)


def renewal_needed_in(session: Session, ctx: PlanContext) -> bool:
    """renewal_needed inside the caller's transaction, with the plan already loaded."""
    require(session, ctx, policy.Action.MANAGE_SHARING, None, target="renewal", reading=True)
    return bool(needing_renewal_in(session, ctx.plan.id, ctx.facts, ctx.now))


def needing_renewal_in(session: Session, plan_id: int, facts: policy.PlanFacts, now: datetime) -> list[int]:
    consents = session.exec(
        select(Consent)
        .where(Consent.plan_id == plan_id, col(Consent.signed_at).is_not(None),
               col(Consent.withdrawn_at).is_(None))
        .order_by(col(Consent.version))
    ).all()
    newest_standing = max((c.version for c in consents), default=0)
    needing = []
    for consent in consents:
        if consent.version == newest_standing and _guardian_lapsed(consent, facts, now):
            needing.append(consent.id)
    return needing


def current_consent_checked(actor_person_id: int | None, plan_id: object) -> tuple[ConsentView | None, bool]:
    """The latest version, and whether its stored signature verifies right now from the evidence
    alone (never from the signed flag); False when it is not signed."""
    with transaction() as session:
        ctx = load_context(session, actor_person_id, plan_id, utcnow())
        require(session, ctx, policy.Action.MANAGE_SHARING, None, target="consent", reading=True)
        latest = _latest_consent(session, ctx.plan.id)
        if latest is None:
            return None, False
        verified = latest.signed_at is not None and verify_consent(latest).ok
        return _view(session, latest), verified
