"""`python -m ipapp.cli bootstrap`: the installation's first unit administrator, on SQLite and
PostgreSQL. The printed link really registers a passkey; a second administrator needs --force;
bad input and an unmigrated database are refused with one line and nothing written."""

import os
import subprocess
import sys

import pytest
from soft_authenticator import SoftAuthenticator
from sqlmodel import select

from ipapp import cli, db
from ipapp.backup import row_counts
from ipapp.config import PROJECT_ROOT, reset_settings_cache
from ipapp.models import Account, AuditEvent
from ipapp.services import invitations
from ipapp.services.invitations import InvitationProblem
from ipapp.startup import upgrade_to_head

ORIGIN = "http://localhost:3000"
UNA = ["bootstrap", "--given-name", "Una", "--family-name", "Enhet", "--email", "una@kommune.example"]


@pytest.fixture(params=["sqlite", "postgresql"])
def database(request, monkeypatch):
    url = request.getfixturevalue("sqlite_url" if request.param == "sqlite" else "fresh_postgres_url")
    monkeypatch.setenv("DATABASE_URL", url)
    monkeypatch.setenv("IPAPP_ENV", "development")
    monkeypatch.setenv("IPAPP_ORIGIN", ORIGIN)
    monkeypatch.delenv("IPAPP_DEMO", raising=False)
    reset_settings_cache()
    upgrade_to_head(url)
    yield url
    db.use_engine(None)
    reset_settings_cache()


@pytest.fixture
def services(database):
    """The services on the same database, to look at what the command made."""
    engine = db.make_engine(database)

    def on():
        db.use_engine(engine)  # the command points the process at its own engine, then away

    yield on
    db.use_engine(None)
    engine.dispose()


def bootstrap(capsys, *args: str) -> tuple[int, str, str]:
    code = cli.main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def code_from(out: str) -> str:
    """The link is the last line, alone, so a script can take it."""
    *_, link = out.splitlines()
    assert link.startswith(f"{ORIGIN}/invitasjon/"), out
    return link.removeprefix(f"{ORIGIN}/invitasjon/")


def unit_admins() -> list[int]:
    with db.transaction() as session:
        return list(session.exec(select(Account.person_id).where(Account.is_unit_admin).order_by(Account.id)))


def set_up_events() -> list[tuple[str, str]]:
    with db.transaction() as session:
        rows = session.exec(select(AuditEvent).where(AuditEvent.action == "set_up").order_by(AuditEvent.id))
        return [(e.reason, e.target) for e in rows]


def refusal(result: tuple[int, str, str]) -> str:
    code, out, err = result
    assert (code, out) == (2, ""), result
    assert err.startswith("ipapp: ") and err.count("\n") == 1 and "Traceback" not in err, err
    return err


def test_the_printed_link_registers_the_first_unit_admins_passkey(database, services, capsys):
    code, out, err = bootstrap(capsys, *UNA)
    assert (code, err) == (0, "")
    first, _link = out.splitlines()
    assert first.startswith("ipapp: Una Enhet is a unit administrator (person ") and "expires" in first
    invite = code_from(out)

    services()
    assert invitations.open_invitation(invite).person_name == "Una Enhet"
    phone = SoftAuthenticator(origin=ORIGIN)
    account_id, _passkey = invitations.redeem(invite, phone.register(invitations.registration_options(invite)),
                                              "Telefon")
    with db.transaction() as session:
        account = session.get(Account, account_id)
        assert (account.is_unit_admin, account.status) == (True, "active")
    assert set_up_events() == [("first_unit_admin", f"person:{account.person_id}")]
    with pytest.raises(InvitationProblem) as used:  # one-time
        invitations.open_invitation(invite)
    assert used.value.code == "used"


def test_a_second_admin_is_refused_without_force_and_made_with_it(database, services, capsys):
    assert bootstrap(capsys, *UNA)[0] == 0
    before = row_counts(database)
    err = refusal(bootstrap(capsys, "bootstrap", "--given-name", "Ola", "--family-name", "Nordmann",
                            "--phone", "+47 912 34 567"))
    assert "administrator already exists" in err and "--force" in err
    assert row_counts(database) == before

    code, out, err = bootstrap(capsys, "bootstrap", "--given-name", "Ola", "--family-name", "Nordmann",
                               "--phone", "+47 912 34 567", "--force")
    assert (code, err) == (0, "")
    services()
    assert invitations.open_invitation(code_from(out)).person_name == "Ola Nordmann"
    first, second = unit_admins()
    assert [reason for reason, _ in set_up_events()] == ["first_unit_admin", "forced_unit_admin"]
    assert set_up_events()[1][1] == f"person:{second}"
    assert cli.main(["verify-audit"]) == 0


@pytest.mark.parametrize("args, says", [
    (["--email", "una.kommune.example"], "--email does not look like an e-mail address"),
    (["--phone", "ring meg"], "--phone does not look like a phone number"),
    ([], "give --email or --phone"),
])
def test_bad_input_is_refused_in_one_line_and_nothing_is_written(database, capsys, args, says):
    before = row_counts(database)
    err = refusal(bootstrap(capsys, "bootstrap", "--given-name", "Una", "--family-name", "Enhet", *args))
    assert says in err
    assert row_counts(database) == before


def test_a_blank_name_is_refused(database, capsys):
    before = row_counts(database)
    err = refusal(bootstrap(capsys, "bootstrap", "--given-name", "  ", "--family-name", "Enhet",
                            "--email", "una@kommune.example"))
    assert "--given-name is missing" in err
    assert row_counts(database) == before


def test_an_unmigrated_database_is_refused_like_check_refuses_it(sqlite_url, tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("DATABASE_URL", sqlite_url)
    err = refusal(bootstrap(capsys, *UNA))
    assert "needs" in err and "migrate" in err
    assert list(tmp_path.iterdir()) == []  # the preflight writes nothing, not even the file


def test_bootstrap_as_a_process(sqlite_url):
    upgrade_to_head(sqlite_url)
    env = {**os.environ, "IPAPP_ENV": "development", "DATABASE_URL": sqlite_url, "IPAPP_ORIGIN": ORIGIN}
    result = subprocess.run([sys.executable, "-m", "ipapp.cli", *UNA], cwd=PROJECT_ROOT, env=env,
                            capture_output=True, text=True, timeout=60)
    assert (result.returncode, result.stderr) == (0, "")
    assert len(result.stdout.splitlines()) == 2
    engine = db.make_engine(sqlite_url)
    db.use_engine(engine)
    try:
        assert invitations.open_invitation(code_from(result.stdout)).person_name == "Una Enhet"
    finally:
        db.use_engine(None)
        engine.dispose()
