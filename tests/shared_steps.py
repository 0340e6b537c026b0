"""Steps that several test modules take, kept in one place."""

import asyncio
from contextlib import contextmanager

import reflex as rx
from sqlalchemy import event
from sqlmodel import select

from ipapp import db, live
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


@contextmanager
def counted():
    """The SQL statements run on the services' engine inside the block (for query counts)."""
    statements: list[str] = []

    def count(_conn, _cursor, statement, *_args):
        statements.append(statement)

    engine = db.engine()
    event.listen(engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", count)


def listening(topics, action) -> list[dict]:
    """Run `action` while subscribed to the live bus in use; what arrived within a moment."""
    async def scenario():
        with live.subscribe(topics) as news:
            await asyncio.get_running_loop().run_in_executor(None, action)
            got = []
            while (item := await news.next(0.2)) is not None:
                got.append(item)
            return got
    return asyncio.run(scenario())


def virtual_authenticator(page) -> None:
    """Chromium's virtual authenticator on this page: a platform passkey with user verification."""
    cdp = page.context.new_cdp_session(page)
    cdp.send("WebAuthn.enable")
    cdp.send("WebAuthn.addVirtualAuthenticator", {"options": {
        "protocol": "ctap2", "transport": "internal", "hasResidentKey": True, "hasUserVerification": True,
        "isUserVerified": True, "automaticPresenceSimulation": True}})


def valid_national_id(ddmmyy: str, individual: int = 100) -> str:
    """A valid fødselsnummer (or D-number, day + 40) for DDMMYY, from this individual number on."""
    from ipapp.domain.national_id import check_digits_for

    for number in range(individual, 1000):
        digits = check_digits_for(f"{ddmmyy}{number:03d}")
        if digits:
            return f"{ddmmyy}{number:03d}{digits}"
    raise AssertionError(f"no valid number for {ddmmyy}")


@contextmanager
def services_on(url: str):
    """The services on a migrated database at `url` (settings already set by the caller), and
    back to none after."""
    from ipapp.config import reset_settings_cache
    from ipapp.startup import upgrade_to_head

    reset_settings_cache()
    upgrade_to_head(url)
    engine = db.make_engine(url)
    db.use_engine(engine)
    try:
        yield url
    finally:
        db.use_engine(None)
        engine.dispose()
        reset_settings_cache()
