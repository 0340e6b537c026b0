"""Opening the overview in one transaction: the plan and the reader's standing are loaded once
for everything the page shows - the overview itself, the owner's reminders of access ending soon
and of consents to sign anew, and what the open page must watch for."""

from dataclasses import dataclass
from datetime import datetime

from ipapp import policy
from ipapp.db import transaction
from ipapp.models import utcnow
from ipapp.services.consents import renewal_needed_in
from ipapp.services.grant_endings import REMIND_BEFORE, EndingSoon, ending_soon_in
from ipapp.services import read_cache
from ipapp.services.plan_access import load_context
from ipapp.i18n.dates import oslo_today
from ipapp.services.plan_reading import overview_in, watch_in
from ipapp.domain.vocabulary import Section
from ipapp.services.plan_status import changes_since, consent_state, missing_for, participants, visit
from ipapp.services.views import ChangeView, MissingView, OverviewView

# Who is shown what the plan lacks: those who keep it (not a next of kin reading part of it).
KEEPERS = (policy.ActingAs.OWNER, policy.ActingAs.GUARDIAN, policy.ActingAs.COORDINATOR)


@dataclass(frozen=True)
class OverviewPage:
    overview: OverviewView
    ending_soon: list[EndingSoon]
    renewal_needed: bool
    fingerprint: tuple  # what the reader may open (plan_reading.access_watch)
    next_change_at: datetime | None
    changes: list[ChangeView]  # "Endret siden sist": by others, since the previous visit
    missing: list[MissingView]  # "Planen mangler", for those who keep the plan
    participants: list[str]  # who takes part (for readers of contacts)
    consent: str  # the consent to the plan, in words (for those who keep the plan)


def open_overview(person_id: int | None, plan_id: object, locale: str,
                  session_id: int | None = None) -> OverviewPage:
    """AccessDenied as read_overview raises it; the reminders only for whoever manages sharing,
    asked of the policy and audited as before. `session_id` (the sign-in session) marks visits."""
    with transaction() as session:
        ctx = load_context(session, person_id, plan_id, utcnow(), reading=True)
        sharing = ctx.decide(policy.Action.MANAGE_SHARING, None).allowed
        keeper = bool(policy.acting_relations(ctx.actor, ctx.facts, ctx.now) & set(KEEPERS))
        # A grant "ends soon" from REMIND_BEFORE before its end: a moment of this page's own.
        entering = tuple(g.valid_until - REMIND_BEFORE for g in ctx.facts.grants)
        since = visit(session, ctx, session_id)
        overview, missing, people, consent, ending, renewal = read_cache.page(
            session, ctx, "overview", (locale,), lambda: _content(session, ctx, locale, keeper, sharing), entering)
        # Kept apart: a new previous visit (each sign-in session has its own) reads only what changed.
        changes = read_cache.page(session, ctx, "changes", (locale, since),
                                  lambda: changes_since(session, ctx, since, locale))
        fingerprint, next_change_at = watch_in(ctx)
        return OverviewPage(
            overview=overview,
            ending_soon=ending,
            renewal_needed=renewal,
            fingerprint=fingerprint,
            next_change_at=next_change_at,
            changes=changes,
            missing=missing,
            participants=people,
            consent=consent,
        )


def _content(session, ctx, locale: str, keeper: bool, sharing: bool) -> tuple:
    """What the overview shows that is the same for this reader until the plan changes (or the
    clock passes one of its moments: read_cache.clock_limit; midnight is one of them, which also
    keeps "what changed", told by day as "i dag kl. 10.00", true)."""
    overview = overview_in(session, ctx, locale)
    missing = missing_for(session, [ctx.plan], {ctx.plan.id: ctx.facts.coordinator_person_id},
                          oslo_today(ctx.now), locale, ctx.now)[ctx.plan.id] if keeper else []
    people = participants(session, ctx, locale) if Section.CONTACTS in ctx.readable else []
    return (overview, missing, people, consent_state(session, ctx, locale) if keeper else "",
            ending_soon_in(session, ctx, locale) if sharing else [], sharing and renewal_needed_in(session, ctx))
