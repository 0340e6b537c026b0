"""Demo sign-in: pick a demo person. Exists only in demo mode, which production refuses to enable."""

from sqlmodel import select

from ipapp.config import settings
from ipapp.db import transaction
from ipapp.domain.vocabulary import AccountStatus
from ipapp.models import Account


class DemoSignInRefused(Exception):
    pass


def demo_mode_on() -> bool:
    current = settings()
    return current.demo_mode and not current.is_production


def account_for_demo_person(person_id: object) -> int:
    """The account to start a session for. Refused outside demo mode and for anything but an
    active account."""
    if not demo_mode_on():
        raise DemoSignInRefused("demo_mode_off")
    if not isinstance(person_id, int) or isinstance(person_id, bool):
        raise DemoSignInRefused("bad_person_id")
    with transaction() as session:
        account = session.exec(select(Account).where(Account.person_id == person_id)).first()
        if account is None or account.status != AccountStatus.ACTIVE.value:
            raise DemoSignInRefused("no_active_account")
        return account.id
