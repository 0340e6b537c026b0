"""python -m ipapp.cli [--verbose] check|migrate|prepare|verify-audit|verify-consents

check         is the database reachable, writable and at this code's migration? (writes nothing)
migrate       migrate the database to this code's migration
prepare       migrate, and in demo mode (IPAPP_DEMO=1) load the demo plan into an empty database
verify-audit  recompute every audit chain (one per plan) and check its anchors (writes nothing)
verify-consents  re-verify every signed consent from its stored evidence (writes nothing)

Success prints one short line. Any failure prints one line starting with "ipapp: " on stderr and
exits with status 2; details (a traceback) only with --verbose. verify-audit on a broken chain
prints one line naming the problem and the first bad event id on stderr and exits with status 1.
"""

import argparse
import logging
import sys

from sqlalchemy.exc import SQLAlchemyError
from sqlmodel import Session

from ipapp.config import ConfigError, load_settings
from ipapp.db import make_engine
from ipapp.services.audit import ChainReport, verify_chain
from ipapp.startup import StartupError, check_database, head_revision, prepare_database, upgrade_to_head

EXIT_FAILURE = 2
EXIT_AUDIT_BROKEN = 1
COMMANDS = ("check", "migrate", "prepare", "verify-audit", "verify-consents")
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


def _report_consents() -> int:
    results = verify_consents()
    bad = [r for r in results if not r.ok]
    for result in bad:
        print(f"ipapp: consent {result.consent_id} (plan {result.plan_id}, version {result.version}) "
              f"does not verify: {result.problem}", file=sys.stderr)
    if not bad:
        print(f"ipapp: {len(results)} signed consents verify.")
    return 0 if not bad else EXIT_AUDIT_BROKEN


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m ipapp.cli", description="ipapp database preflight and migrations.")
    parser.add_argument("--verbose", action="store_true", help="log details, and the traceback of a failure")
    parser.add_argument("command", choices=COMMANDS)
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO if args.verbose else logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    if not args.verbose:
        # Alembic logs each migration at INFO on its own logger; quiet unless asked.
        logging.getLogger("alembic").setLevel(logging.WARNING)
    try:
        if args.command == "verify-consents":
            return _report_consents()
        if args.command == "verify-audit":
            report = verify_audit()
            print(f"ipapp: {report.line()}", file=sys.stdout if report.ok else sys.stderr)
            return 0 if report.ok else EXIT_AUDIT_BROKEN
        print(f"ipapp: {run(args.command)}")
        return 0
    except (ConfigError, StartupError) as exc:
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


def _first_line(what: object) -> str:
    lines = [line.strip() for line in str(what).splitlines() if line.strip()]
    return lines[0] if lines else type(what).__name__


if __name__ == "__main__":
    sys.exit(main())
