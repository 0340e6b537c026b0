"""A signed-in person's own account: their passkeys and their sessions."""

import re
from dataclasses import dataclass
from datetime import datetime

from sqlmodel import col, select

from ipapp.auth import passkeys, sessions
from ipapp.db import transaction
from ipapp.models import Account, Person, WebSession

RECENT_SIGN_INS = 10


@dataclass(frozen=True)
class SignIn:
    at: datetime
    device: str  # "Android · Chrome", from the browser's own description; "" when unknown
    method: str  # "passkey" | "national" | "demo"
    current: bool  # this very session


_SYSTEMS = (("iPhone", "iPhone"), ("iPad", "iPad"), ("Android", "Android"), ("Windows", "Windows"),
            ("Macintosh", "Mac"), ("CrOS", "ChromeOS"), ("Linux", "Linux"))
_BROWSERS = (("Edg/", "Edge"), ("Firefox/", "Firefox"), ("Chrome/", "Chrome"), ("Safari/", "Safari"))


def device_name(user_agent: str) -> str:
    """A short, readable name for a device from its user agent: "Android · Chrome"."""
    system = next((name for marker, name in _SYSTEMS if marker in user_agent), "")
    browser = next((name for marker, name in _BROWSERS if re.search(re.escape(marker), user_agent)), "")
    return " · ".join(part for part in (system, browser) if part)


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


def rename_my_passkey(person_id: int, passkey_id: int, label: str) -> None:
    account_id = account_id_for(person_id)
    if account_id is None:
        raise passkeys.PasskeyError("unknown_credential", "no account")
    passkeys.rename_passkey(account_id, passkey_id, label)


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
