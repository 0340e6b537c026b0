"""A signed-in person's own account: their passkeys and their sessions."""

import logging
import re
from dataclasses import dataclass
from datetime import datetime

from sqlmodel import col, select

from ipapp.auth import passkeys, sessions
from ipapp.db import transaction
from ipapp.i18n import translate
from ipapp.models import Account, Person, WebSession

log = logging.getLogger(__name__)

RECENT_SIGN_INS = 10


@dataclass(frozen=True)
class SignIn:
    at: datetime
    device: str  # "Android · Chrome", from the browser's own description; "" when unknown
    method: str  # "passkey" | "national" | "demo"
    current: bool  # this very session


_SYSTEMS = (("iPhone", "iPhone"), ("iPad", "iPad"), ("Android", "Android"), ("Windows", "Windows"),
            ("Macintosh", "Mac"), ("CrOS", "ChromeOS"), ("Linux", "Linux"))
# First match wins: Edge, Samsung's browser and the iPhone's Chrome, Firefox and Edge also say "Safari/"
# or "Chrome/" in their user agent.
_BROWSERS = (("Edg/", "Edge"), ("EdgiOS/", "Edge"), ("SamsungBrowser/", "Samsung Internet"),
             ("CriOS/", "Chrome"), ("FxiOS/", "Firefox"), ("Firefox/", "Firefox"), ("Chrome/", "Chrome"),
             ("Safari/", "Safari"))


def _device_parts(user_agent: object) -> tuple[str, str]:
    """(system, browser) from a user agent, each "" when not recognised."""
    agent = user_agent if isinstance(user_agent, str) else ""
    system = next((name for marker, name in _SYSTEMS if marker in agent), "")
    browser = next((name for marker, name in _BROWSERS if re.search(re.escape(marker), agent)), "")
    return system, browser


def device_name(user_agent: str) -> str:
    """A short, readable name for a device from its user agent: "Android · Chrome"."""
    return " · ".join(part for part in _device_parts(user_agent) if part)


def passkey_name(user_agent: object, locale: str) -> str:
    """What a new passkey is called after the device it was made on, in her language: "Chrome på
    Android" ("" when the user agent says nothing we know; the list then names it by its date)."""
    system, browser = _device_parts(user_agent)
    if system and browser:
        return translate("me.passkey_device_name", locale, browser=browser, system=system)
    return system or browser


def recent_sign_ins(person_id: int, current_session_id: int | None) -> list[SignIn]:
    """Her last sign-ins, newest first: when, on what, how (one query)."""
    with transaction() as session:
        rows = session.exec(select(WebSession).join(Account, col(Account.id) == col(WebSession.account_id))
                            .where(Account.person_id == person_id)
                            .order_by(col(WebSession.created_at).desc(), col(WebSession.id).desc())
                            .limit(RECENT_SIGN_INS)).all()
        return [SignIn(r.created_at, device_name(r.device_label), r.method, r.id == current_session_id) for r in rows]


def names_of(person_ids: set[int]) -> dict[int, str]:
    with transaction() as session:
        return {p.id: p.full_name for p in session.exec(select(Person).where(col(Person.id).in_(person_ids)))}


def account_id_for(person_id: int) -> int | None:
    with transaction() as session:
        return session.exec(select(Account.id).where(Account.person_id == person_id)).first()


def my_passkeys(person_id: int) -> list[passkeys.PasskeyInfo]:
    account_id = account_id_for(person_id)
    return passkeys.list_passkeys(account_id) if account_id else []


def first_devices(person_id: int, passkey_ids: list[int]) -> dict[int, str]:
    """For keys made before they were named: the user agent of the first sign-in each of her keys
    opened (passkey id -> user agent), where that sign-in is still on record."""
    if not passkey_ids:
        return {}
    with transaction() as session:
        rows = session.exec(select(WebSession.passkey_credential_id, WebSession.device_label)
                            .join(Account, col(Account.id) == col(WebSession.account_id))
                            .where(Account.person_id == person_id,
                                   col(WebSession.passkey_credential_id).in_(passkey_ids))
                            .order_by(col(WebSession.created_at), col(WebSession.id))).all()
    found: dict[int, str] = {}
    for passkey_id, agent in rows:
        found.setdefault(passkey_id, agent)
    return found


def rename_my_passkey(person_id: int, passkey_id: int, label: object) -> None:
    """A new name (1-100 characters, one line: checked in passkeys.rename_passkey) for one of her own
    keys. Logged like removing one; a name grants nothing, so it is not in the plans' access log."""
    account_id = account_id_for(person_id)
    if account_id is None:
        raise passkeys.PasskeyError("unknown_credential", "no account")
    passkeys.rename_passkey(account_id, passkey_id, label)
    log.info("passkey %s of account %s renamed by its person", passkey_id, account_id)


def remove_my_passkey(person_id: int, passkey_id: int) -> None:
    """Removing a passkey also ends the sessions it opened (done in passkeys.remove_passkey)."""
    account_id = account_id_for(person_id)
    if account_id is None:
        raise passkeys.PasskeyError("unknown_credential", "no account")
    passkeys.remove_passkey(account_id, passkey_id)


def sign_out_everywhere(person_id: int) -> None:
    account_id = account_id_for(person_id)
    if account_id is not None:
        sessions.end_all_sessions(account_id)


def new_passkey_options(person_id: int) -> str:
    """Registration options for another passkey on the signed-in person's own account."""
    account_id = account_id_for(person_id)
    if account_id is None:
        raise passkeys.PasskeyError("disabled", "no account")
    return passkeys.registration_options(account_id)


def add_my_passkey(person_id: int, credential: object, label: str) -> int:
    account_id = account_id_for(person_id)
    if account_id is None:
        raise passkeys.PasskeyError("disabled", "no account")
    passkey_id = passkeys.finish_registration(account_id, credential, label)
    from ipapp.db import transaction
    from ipapp.services import audit
    from ipapp.services.people_registry import plans_of

    with transaction() as session:  # her log names every new key, even one she added herself
        audit.record_many(session, [dict(actor_person_id=person_id, actor_role="none", plan_id=plan_id,
                                         action="passkey", section=None, allowed=True, reason="self",
                                         target=f"person:{person_id}")
                                    for plan_id in sorted(plans_of(session, person_id))])
    return passkey_id
