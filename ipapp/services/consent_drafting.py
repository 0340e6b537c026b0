"""Drafting: the consent version to sign, written from the plan's current grants in the signer's
language. The door is ipapp.services.consents.

How versions are counted: a version is a text somebody signed, or the one text now waiting for a
signature. While nobody has signed the waiting one it stays the same version, however often the
sharing changes before she signs: its text is written again for what is shared now. Counting
every unsigned draft made the first consent a person ever signed "version 2" (the demo's seeded
draft, or one shown before she shared with one more person). A new number follows only a signed
(or withdrawn) version.
"""

from datetime import date, datetime, timedelta

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, delete, select, update

from ipapp import policy
from ipapp.db import transaction
from ipapp.domain.consent import (
    DOCUMENT_LOCALE,
    ConsentTerms,
    GrantTerms,
    canonical_document,
    document_digest,
)
from ipapp.i18n import SUPPORTED_LOCALES, translate
from ipapp.i18n.dates import to_oslo
from ipapp.models import AccessGrant, Consent, ConsentGrant, Person, Plan, PlanMember, utcnow
from ipapp.services.consent_core import NONE_GIVEN_PURPOSE, ConsentView, _latest_consent, _refuse, _view
from ipapp.services.consent_renewal import guardian_lapsed
from ipapp.services.plan_access import (
    PlanContext,
    current_coordinator_id,
    grant_sections,
    load_context,
    require,
)


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


def _rewrite(session: Session, draft: Consent, text: str, new_sharing: tuple[set[int], int, datetime] | None) -> None:
    """Write the unsigned version's text again; with `new_sharing` (grant ids, by whom, when) it
    also covers other grants now. One conditional UPDATE: a version signed (or written again) in
    the meantime is left as it is and the person is shown it afresh. The signing nonce is dropped,
    so options issued for the earlier text can sign nothing."""
    values: dict = {"document": text, "document_sha256": document_digest(text).hex(), "signature_nonce": None}
    if new_sharing is not None:
        _, by, when = new_sharing
        values.update(created_by_person_id=by, created_at=when)
    written = session.exec(
        update(Consent)
        .where(
            Consent.id == draft.id,
            col(Consent.signed_at).is_(None),
            col(Consent.withdrawn_at).is_(None),
            Consent.document_sha256 == draft.document_sha256,
        )
        .values(**values)
    )
    if written.rowcount != 1:
        raise _refuse("changed", f"consent {draft.id} was signed or drafted again meanwhile")
    if new_sharing is not None:
        grant_ids = new_sharing[0]
        session.exec(delete(ConsentGrant).where(ConsentGrant.consent_id == draft.id))
        session.add_all([ConsentGrant(consent_id=draft.id, grant_id=gid) for gid in sorted(grant_ids)])
        session.flush()
    session.refresh(draft)


def _redraft(session: Session, ctx: PlanContext, draft: Consent, grants: list[AccessGrant], locale: str,
             now: datetime) -> Consent:
    """The unsigned version, for what is shared now and in `locale`, under its own number."""
    grant_ids = {g.id for g in grants}
    if _covered_grant_ids(session, draft.id) == grant_ids:
        same = _terms(session, ctx.plan, grants, draft.version, to_oslo(draft.created_at).date())
        if draft.document in _in_every_language(same):  # unchanged: at most its language differs
            text = canonical_document(same, locale)
            if text != draft.document:
                _rewrite(session, draft, text, None)
            return draft
    # Other grants than it was written for, or a text not in canonical form (the demo's seed).
    text = canonical_document(_terms(session, ctx.plan, grants, draft.version, to_oslo(now).date()), locale)
    _rewrite(session, draft, text, (grant_ids, ctx.actor.person_id, now))
    return draft


def draft_consent(actor_person_id: int | None, plan_id: object, locale: str = DOCUMENT_LOCALE) -> ConsentView:
    """The consent version covering the plan's current grants (not revoked, not yet ended), written
    in the language the signer reads (`locale`; the text says which).

    Asking again while that version is unsigned returns the same version (no churn of version
    numbers on a reload, on a change of language, nor on a change of the sharing: its text is
    simply written again). A signed version that covers exactly these grants is up to date.
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
            if latest is not None and latest.signed_at is None and latest.withdrawn_at is None:
                return _view(session, _redraft(session, ctx, latest, grants, locale, now))
            if (latest is not None and latest.withdrawn_at is None
                    and _covered_grant_ids(session, latest.id) == grant_ids
                    # A signature by a guardian who no longer acts must be renewed: a new version.
                    and not guardian_lapsed(latest, ctx.facts, now)):
                raise _refuse("up_to_date", f"consent {latest.id} already covers these grants")
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
