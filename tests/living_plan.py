"""A plan made the way a municipality makes one, through the services only (never the demo):
the first unit admin, a coordinator, a plan for its owner, a guardian, a next of kin."""

from dataclasses import dataclass
from datetime import date, timedelta

from ipapp.domain.vocabulary import GuardianshipBasis
from ipapp.i18n.dates import oslo_today
from ipapp.models import utcnow
from ipapp.services import invitations, plan_setup


@dataclass(frozen=True)
class LivingPlan:
    admin_id: int
    coordinator_id: int
    plan_id: int
    owner_id: int
    guardian_id: int
    next_of_kin_id: int
    invitations: dict  # who -> NewInvitation (to register a passkey in a browser)


def make_plan(tag: str = "", *, guardian_until: date | None = None) -> LivingPlan:
    today = oslo_today(utcnow())
    admin = plan_setup.first_unit_admin({"given_name": "Una", "family_name": f"Enhet{tag}",
                                          "email": f"una{tag}@kommune.example"}) if not tag else None
    admin_id = admin.person_id if admin else _admin_id()
    coordinator = plan_setup.add_coordinator(admin_id, {"given_name": "Ingrid", "family_name": f"Koordinator{tag}",
                                                        "email": f"ingrid{tag}@kommune.example"})
    plan = plan_setup.create_plan(admin_id, {"given_name": "Maja", "family_name": f"Eier{tag}",
                                             "email": f"maja{tag}@example.com"},
                                  birth_date=date(2001, 4, 2), coordinator_person_id=coordinator.person_id,
                                  period_start=today - timedelta(days=30),
                                  next_review_on=today + timedelta(days=180))
    guardian = plan_setup.add_guardian(admin_id, plan.plan_id, {"given_name": "Geir", "family_name": f"Verge{tag}",
                                                               "email": f"geir{tag}@example.com"},
                                       basis=GuardianshipBasis.COURT_APPOINTED.value,
                                       valid_from=today - timedelta(days=10), valid_until=guardian_until)
    kin = invitations.create_invitation(coordinator.person_id, plan.plan_id,
                                        {"given_name": "Mona", "family_name": f"Mor{tag}",
                                         "email": f"mona{tag}@example.com", "role": "next_of_kin"}, "nb")
    kin_id = _person_named(kin.person_name)
    return LivingPlan(admin_id, coordinator.person_id, plan.plan_id, plan.owner_person_id, guardian.person_id,
                      kin_id, {"coordinator": coordinator.invitation, "owner": plan.invitation,
                               "guardian": guardian.invitation, "next_of_kin": kin})


def _admin_id() -> int:
    from sqlmodel import select

    from ipapp import db
    from ipapp.models import Account

    with db.transaction() as session:
        return session.exec(select(Account.person_id).where(Account.is_unit_admin)).first()


def _person_named(full_name: str) -> int:
    from sqlmodel import select

    from ipapp import db
    from ipapp.models import Person

    given, family = full_name.split(" ", 1)
    with db.transaction() as session:
        return session.exec(select(Person.id).where(Person.given_name == given, Person.family_name == family)).one()
