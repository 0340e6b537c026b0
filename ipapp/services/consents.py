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

This is the door pages, the CLI and the tests use; the work is split by job into consent_core
(codes, views, checks), consent_drafting, consent_signing, consent_evidence and consent_renewal.
"""

from sqlmodel import col, update

from ipapp import live, policy
from ipapp.db import transaction
from ipapp.live.changes import CHANGED
from ipapp.models import Consent, utcnow
from ipapp.services import reminders
from ipapp.services.consent_core import (
    ERROR_CODES,
    ConsentError,
    ConsentView,
    SignedView,
    VerifyResult,
    _consent_of_plan,
    _latest_consent,
    _refuse,
    _target,
    _view,
)
from ipapp.services.consent_drafting import draft_consent
from ipapp.services.consent_evidence import verify_all, verify_consent
from ipapp.services.consent_renewal import (
    consents_needing_renewal,
    needing_renewal_in,
    renewal_needed,
    renewal_needed_in,
)
from ipapp.services.consent_signing import sign, signing_options
from ipapp.services.plan_access import PlanContext, load_context, require

__all__ = [
    "ERROR_CODES", "ConsentError", "ConsentView", "SignedView", "VerifyResult",
    "consents_needing_renewal", "current_consent_checked", "draft_consent", "needing_renewal_in",
    "put_right_at", "renewal_needed", "renewal_needed_in", "sign", "signing_options", "verify_all",
    "verify_consent", "withdraw", "_view",
]

# Where a signer can put right herself what stops her signing: the page, by refusal code. With no
# passkey she adds one under "Meg" (also after a national login); nobody need invite her again.
PUT_RIGHT_AT = {"no_passkey": "/meg"}


def put_right_at(code: object) -> str:
    """The route where the person can put this refusal right herself, or "" when there is none."""
    return PUT_RIGHT_AT.get(code, "") if isinstance(code, str) else ""


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
        reminders.grants_changed(session, ctx.plan, now)  # no grant in force: no access-ending reminders
        live.after_commit(session, live.plan_topic(ctx.plan.id), CHANGED)
        session.refresh(consent)
        return _view(session, consent)


# --- reading -----------------------------------------------------------------------------------


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
