"""A signed-in person's own account: their passkeys and their sessions."""

from sqlmodel import select

from ipapp.auth import passkeys, sessions
from ipapp.db import transaction
from ipapp.models import Account


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
    return passkeys.finish_registration(account_id, credential, label)
