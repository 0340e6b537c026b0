"""Steps that several test modules take, kept in one place."""

import reflex as rx
from sqlmodel import select

from ipapp import db
from ipapp.demo.seed import DemoCast
from ipapp.models import Consent, utcnow


def mark_demo_consent_signed(cast: DemoCast) -> None:
    """Make the demo grant effective the way a signed consent would, without a passkey (the
    signature itself is tested in test_consents.py)."""
    with db.transaction() as session:
        consent = session.exec(select(Consent).where(Consent.plan_id == cast.plan_id)).one()
        consent.signer_person_id = cast.owner_id
        consent.signed_as = "owner"
        consent.signed_at = utcnow()
        session.add(consent)


def ipapp_states() -> list[type[rx.State]]:
    """Every rx.State class that ipapp defines (Reflex's own are left out)."""
    pending, found = [rx.State], []
    while pending:
        cls = pending.pop()
        pending.extend(cls.get_substates())
        if cls.__module__.startswith("ipapp."):
            found.append(cls)
    return found
