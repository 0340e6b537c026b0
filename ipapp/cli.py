"""python -m ipapp.cli [--verbose] COMMAND

check         is the database reachable, writable and at this code's migration? (writes nothing)
migrate       migrate the database to this code's migration
prepare       migrate, and in demo mode (IPAPP_DEMO=1) load the demo plan into an empty database
verify-audit  recompute every audit chain (one per plan) and check its anchors (writes nothing)
verify-consents  re-verify every signed consent from its stored evidence (writes nothing)
bootstrap --given-name G --family-name F [--email E] [--phone P] [--force]
              make the installation's first unit administrator and print their one-time
              invitation link; refused once one exists, unless --force (another one)
backup PATH   a consistent copy of the database, taken while the app may run (ipapp.backup)
restore PATH  bring a backup back into an empty database
reminders     run the reminder sender (Web Push) until SIGTERM or Ctrl-C; the log says how many
              senders the database allows (SQLite: this one only)
vapid-keys    print a new VAPID key pair for Web Push, as two lines for the configuration
              (generate once; see the README on rotating them)

Success prints one short line (bootstrap: two, the second the link alone, for a script to take).
Any failure prints one line starting with "ipapp: " on stderr and exits with status 2; details
(a traceback) only with --verbose. verify-audit on a broken chain prints one line naming the
problem and the first bad event id on stderr and exits with status 1.
"""

import argparse
import logging
import sys

from sqlalchemy.exc import SQLAlchemyError
from sqlmodel import Session

from ipapp import backup, db
from ipapp.config import ConfigError, load_settings, reset_settings_cache
from ipapp.db import make_engine
from ipapp.services.audit import ChainReport, verify_chain
from ipapp.startup import StartupError, check_database, head_revision, prepare_database, upgrade_to_head

EXIT_FAILURE = 2
EXIT_AUDIT_BROKEN = 1
COMMANDS = ("check", "migrate", "prepare", "verify-audit", "verify-consents")
# The operator's words for what first_unit_admin's form calls each field.
OPTIONS = {"given_name": "--given-name", "family_name": "--family-name", "email": "--email", "phone": "--phone"}
log = logging.getLogger("ipapp.cli")


def run(command: str) -> str:
    """Do the command; returns the line to print."""
    settings = load_settings()
    if command == "check":
        check_database(settings)
        return f"the database is ready (migration {head_revision()})."
    if command == "migrate":
        return f"the database is at migration {upgrade_to_head(settings.database_url)}."
    loaded = prepare_database(settings)
    demo = "; demo data loaded" if loaded else ("; demo data already there" if settings.demo_mode else "")
    return f"the database is at migration {head_revision()}{demo}."


def _read_checked(reader):
    """reader(session) on the configured database, after the same preflight as `check` (so an
    old schema says so); nothing is written."""
    settings = load_settings()
    check_database(settings)
    engine = make_engine(settings.database_url)
    try:
        with Session(engine) as session:
            return reader(session)
    finally:
        engine.dispose()


def verify_audit() -> ChainReport:
    """The audit chain's report."""
    return _read_checked(verify_chain)


def verify_consents() -> list:
    """Every stored consent signature re-verified from its evidence (never the signed flag)."""
    from ipapp.services.consents import verify_all

    return _read_checked(verify_all)


class Refused(Exception):
    """The command may not do this; the message is one line saying why and what to do."""


def bootstrap(args: argparse.Namespace) -> None:
    """The first unit admin, after the same preflight as `check`; prints the invitation."""
    from ipapp.services.invitations import InvitationProblem
    from ipapp.services.plan_access import AccessDenied
    from ipapp.services.plan_setup import first_unit_admin

    settings = load_settings()
    check_database(settings)
    form = {"given_name": args.given_name, "family_name": args.family_name,
            "email": args.email or "", "phone": args.phone or ""}
    # The services read config.settings() and db.engine(): point both at what was just checked.
    reset_settings_cache()
    engine = make_engine(settings.database_url)
    db.use_engine(engine)
    try:
        result = first_unit_admin(form, "nb", force=args.force)
    except AccessDenied as exc:
        if exc.reason != "unit_admin_exists":
            raise
        raise Refused("a unit administrator already exists: sign in as them, or add --force to make "
                      "another one (e.g. when the only one has left).") from None
    except InvitationProblem as problem:
        raise Refused(_form_problem(problem)) from None
    finally:
        db.use_engine(None)
        engine.dispose()
    invitation = result.invitation
    print(f"ipapp: {invitation.person_name} is a unit administrator (person {result.person_id}); send them "
          f"this one-time link over a channel you trust, it expires {invitation.expires}:")
    print(invitation.link)


def _form_problem(problem) -> str:
    if (problem.field, problem.code) == ("email", "missing"):
        return "give --email or --phone (or both), so the invitation can reach them; nothing was written."
    what = {("email", "invalid"): "does not look like an e-mail address",
            ("phone", "invalid"): "does not look like a phone number (digits, spaces, an optional leading +)"}
    says = what.get((problem.field, problem.code)) or {"missing": "is missing", "too_long": "is too long"}.get(
        problem.code, "is not valid")
    return f"{OPTIONS.get(problem.field, problem.field)} {says}; nothing was written."


def backup_database(path: str) -> str:
    done = backup.backup(load_settings().database_url, path)
    return f"backed up the {done.engine} database (migration {done.revision}) to {done.path} (mode 0600)."


def restore_database(path: str) -> str:
    done = backup.restore(load_settings().database_url, path)
    for table, rows in done.tables.items():
        log.info("restored %s: %d rows", table, rows)
    then = "verify-audit and verify-consents" if done.revision == head_revision() else (
        f"migrate (this code needs {head_revision()}), then verify-audit and verify-consents")
    return (f"restored {len(done.tables)} tables, {sum(done.tables.values())} rows (migration {done.revision}) "
            f"from {done.path} into the {done.engine} database; next: python -m ipapp.cli {then}.")


def _report_consents() -> int:
    results = verify_consents()
    bad = [r for r in results if not r.ok]
    for result in bad:
        print(f"ipapp: consent {result.consent_id} (plan {result.plan_id}, version {result.version}) "
              f"does not verify: {result.problem}", file=sys.stderr)
    if not bad:
        print(f"ipapp: {len(results)} signed consents verify.")
    return 0 if not bad else EXIT_AUDIT_BROKEN


def vapid_keys() -> None:
    from ipapp.push.vapid import generate_pair

    private, public = generate_pair()
    print("ipapp: a new VAPID key pair; keep both lines in the configuration, the private key secret:")
    print(f"IPAPP_VAPID_PRIVATE_KEY={private}")
    print(f"IPAPP_VAPID_PUBLIC_KEY={public}")


def send_reminders() -> str:
    """The sender loop in this process until SIGTERM/SIGINT, after the same preflight as `check`."""
    import signal
    import threading

    from ipapp.services.reminders_worker import SenderBusy, request_stop, run_until_stopped

    settings = load_settings()
    check_database(settings)
    reset_settings_cache()  # the services read config.settings() and db.engine(): the ones checked
    engine = make_engine(settings.database_url)
    db.use_engine(engine)
    stop = threading.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda *_: request_stop(stop))  # finish the reminder in hand, hand back the rest
    logging.getLogger("ipapp.reminders").setLevel(logging.INFO)
    logging.getLogger("ipapp.push").setLevel(logging.INFO)
    try:
        run_until_stopped(stop, settings)
    except SenderBusy as busy:
        raise Refused(f"{busy}; stop it first, or use PostgreSQL to run several.") from None
    finally:
        db.use_engine(None)
        engine.dispose()
    return "the reminder sender has stopped."


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    logging.basicConfig(level=logging.INFO if args.verbose else logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    if not args.verbose:
        # Alembic logs each migration at INFO on its own logger; quiet unless asked.
        logging.getLogger("alembic").setLevel(logging.WARNING)
    try:
        if args.command == "bootstrap":
            bootstrap(args)
            return 0
        if args.command in ("backup", "restore"):
            print(f"ipapp: {(backup_database if args.command == 'backup' else restore_database)(args.path)}")
            return 0
        if args.command == "vapid-keys":
            vapid_keys()
            return 0
        if args.command == "reminders":
            print(f"ipapp: {send_reminders()}")
            return 0
        if args.command == "verify-consents":
            return _report_consents()
        if args.command == "verify-audit":
            report = verify_audit()
            print(f"ipapp: {report.line()}", file=sys.stdout if report.ok else sys.stderr)
            return 0 if report.ok else EXIT_AUDIT_BROKEN
        print(f"ipapp: {run(args.command)}")
        return 0
    except (ConfigError, StartupError, backup.BackupError, Refused) as exc:
        log.info("details", exc_info=True)
        message = str(exc)
    except SQLAlchemyError as exc:
        # The driver's own message: SQLAlchemy's wrapper adds SQL and a link, not for a person.
        log.info("database error", exc_info=True)
        message = f"database error: {_first_line(getattr(exc, 'orig', None) or exc)} (--verbose for details)"
    except KeyboardInterrupt:
        message = "interrupted."
    except Exception as exc:  # noqa: BLE001 - the edge: no traceback reaches a person
        log.info("unexpected error", exc_info=True)
        message = f"unexpected {type(exc).__name__}: {_first_line(exc)} (--verbose for details)"
    print(f"ipapp: {_first_line(message)}", file=sys.stderr)
    return EXIT_FAILURE


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m ipapp.cli", description="ipapp's database commands.")
    parser.add_argument("--verbose", action="store_true", help="log details, and the traceback of a failure")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for name, what in zip(COMMANDS, ("check the database (writes nothing)", "migrate to this code's schema",
                                     "migrate, and load the demo in demo mode", "verify every audit chain",
                                     "verify every consent signature")):
        commands.add_parser(name, help=what)
    setup = commands.add_parser("bootstrap", help="make the first unit administrator, print their invitation link")
    setup.add_argument("--given-name", required=True)
    setup.add_argument("--family-name", required=True)
    setup.add_argument("--email", help="where the invitation can reach them (this or --phone)")
    setup.add_argument("--phone")
    setup.add_argument("--force", action="store_true", help="make another one although one exists")
    for name, what in (("backup", "copy the database to PATH (a new file, mode 0600)"),
                       ("restore", "bring the backup at PATH into an empty database")):
        commands.add_parser(name, help=what).add_argument("path", metavar="PATH")
    commands.add_parser("reminders", help="send due reminders (Web Push) until SIGTERM")
    commands.add_parser("vapid-keys", help="print a new VAPID key pair for the configuration")
    return parser


def _first_line(what: object) -> str:
    lines = [line.strip() for line in str(what).splitlines() if line.strip()]
    return lines[0] if lines else type(what).__name__


if __name__ == "__main__":
    sys.exit(main())
