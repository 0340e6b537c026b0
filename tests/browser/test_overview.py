"""The plan owner signs in to the demo, sees their goals and measures on the overview, opens a goal.

Expectations come from the test database (the demo data), never from copies of its texts, and the
page is found the way assistive technology sees it: roles, accessible names, landmarks.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import create_engine, text

pytestmark = pytest.mark.browser

MAIN_MENU_LINKS = ("Plan", "Møter", "Meldinger", "Deling", "Meg")


@dataclass
class MeasureFacts:
    name: str
    responsible: str | None  # the responsible contact's name


@dataclass
class GoalFacts:
    id: int
    title: str
    measures: list[MeasureFacts] = field(default_factory=list)


@dataclass
class PlanFacts:
    plan_id: int
    owner_name: str
    goals: list[GoalFacts]
    demo_people: list[str]  # full names of everyone with an active account


@pytest.fixture(scope="module")
def plan_facts(database_url: str) -> PlanFacts:
    engine = create_engine(database_url)
    try:
        with engine.connect() as db:
            plan = db.execute(
                text(
                    "SELECT plan.id, person.given_name, person.family_name FROM plan "
                    "JOIN person ON person.id = plan.owner_person_id "
                    "WHERE plan.status = 'active' ORDER BY plan.id LIMIT 1"
                )
            ).first()
            assert plan is not None, "the demo data has no active plan"
            goals = [
                GoalFacts(id=row.id, title=row.title)
                for row in db.execute(
                    text("SELECT id, title FROM goal WHERE plan_id = :plan ORDER BY position, id"),
                    {"plan": plan.id},
                )
            ]
            by_id = {goal.id: goal for goal in goals}
            for row in db.execute(
                text(
                    "SELECT measure.goal_id, measure.name, contact.name AS responsible "
                    "FROM measure JOIN goal ON goal.id = measure.goal_id "
                    "LEFT JOIN contact ON contact.id = measure.responsible_contact_id "
                    "WHERE goal.plan_id = :plan ORDER BY measure.position, measure.id"
                ),
                {"plan": plan.id},
            ):
                by_id[row.goal_id].measures.append(MeasureFacts(row.name, row.responsible))
            demo_people = [
                f"{row.given_name} {row.family_name}"
                for row in db.execute(
                    text(
                        "SELECT person.given_name, person.family_name FROM person "
                        "JOIN account ON account.person_id = person.id "
                        "WHERE account.status = 'active' ORDER BY person.id"
                    )
                )
            ]
    finally:
        engine.dispose()
    assert goals, "the demo plan has no goals: the overview test would prove nothing"
    assert any(goal.measures for goal in goals), "the demo plan has no measures"
    return PlanFacts(plan.id, f"{plan.given_name} {plan.family_name}", goals, demo_people)


def sign_in_button(page: Page, full_name: str):
    return page.get_by_role("button", name=re.compile(r"^Logg inn som " + re.escape(full_name) + r"\b"))


def goal_card(page: Page, goal: GoalFacts, all_goals: list[GoalFacts]):
    """The part of the page that belongs to one goal: the largest element around the goal's link
    that holds no other goal's link. Found from the page itself, so any card markup works."""
    goal_link = page.get_by_role("link", name=goal.title)
    expect(goal_link).to_have_count(1)
    others = [other.title for other in all_goals if other.id != goal.id]
    marker = f"goal-{goal.id}"
    goal_link.evaluate(
        """(link, [others, marker]) => {
            const holdsOtherGoal = (el) => Array.from(el.querySelectorAll('a')).some(
                (a) => a !== link && others.some((title) => a.textContent.includes(title)));
            let card = link;
            while (card.parentElement && card.parentElement !== document.body
                   && !holdsOtherGoal(card.parentElement)) {
                card = card.parentElement;
            }
            card.setAttribute('data-test-goal-card', marker);
        }""",
        [others, marker],
    )
    return page.locator(f'[data-test-goal-card="{marker}"]')


def test_owner_signs_in_and_sees_goals_measures_and_a_goal(
    page: Page, app_url: str, plan_facts: PlanFacts, assert_accessible, save_screenshot
):
    owner = plan_facts.owner_name

    # The demo chooser: one button per demo person.
    page.goto(f"{app_url}/demo")
    expect(page.get_by_role("heading", level=1)).to_have_count(1)
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    for person in plan_facts.demo_people:
        expect(sign_in_button(page, person), f"sign-in button for {person}").to_have_count(1)
    assert_accessible(page, "demo-chooser")
    save_screenshot(page, "demo-chooser")

    # Sign in as the owner: the overview.
    sign_in_button(page, owner).click()
    expect(page).to_have_url(f"{app_url}/")
    expect(page.get_by_role("banner")).to_contain_text(owner)
    expect(page.get_by_role("heading", level=1)).to_have_count(1)
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    expect(page.get_by_role("heading", name="Mål og tiltak", exact=True)).to_be_visible()

    for goal in plan_facts.goals:
        expect(page.get_by_role("link", name=goal.title), f"link to goal {goal.title!r}").to_be_visible()
    for goal in plan_facts.goals:
        card = goal_card(page, goal, plan_facts.goals)
        for measure in goal.measures:
            expect(
                card.get_by_text(measure.name, exact=False).first,
                f"measure {measure.name!r} under goal {goal.title!r}",
            ).to_be_visible()
            if measure.responsible:
                # Together: the innermost element holding both the measure and its responsible
                # contact is visible and is about this measure only.
                line = card.locator("*", has_text=measure.name).filter(has_text=measure.responsible).last
                expect(
                    line, f"responsible {measure.responsible!r} with {measure.name!r} under {goal.title!r}"
                ).to_be_visible()
                for other in goal.measures:
                    if other.name != measure.name and other.name not in measure.name:
                        expect(line).not_to_contain_text(other.name)

    menu = page.get_by_role("navigation", name="Hovedmeny")
    expect(menu).to_be_visible()
    for label in MAIN_MENU_LINKS:
        expect(menu.get_by_role("link", name=label, exact=True), f"menu link {label!r}").to_be_visible()

    assert_accessible(page, "overview")
    save_screenshot(page, "overview")

    # Open the first goal: its own page, titled with the goal.
    goal = plan_facts.goals[0]
    page.get_by_role("link", name=goal.title).click()
    expect(page).to_have_url(f"{app_url}/mal/{goal.id}")
    expect(page.get_by_role("heading", level=1)).to_have_text(goal.title)
    assert_accessible(page, "goal")
    save_screenshot(page, "goal")


def test_overview_without_signing_in_shows_no_plan(page: Page, app_url: str, plan_facts: PlanFacts):
    page.goto(f"{app_url}/")
    # The demo chooser (demo mode) or a sign-in page: something to sign in with, and an h1.
    sign_in = page.get_by_role("button", name=re.compile(r"^Logg inn")).or_(
        page.get_by_role("link", name=re.compile(r"^Logg inn"))
    )
    expect(sign_in.first).to_be_visible()
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    page.wait_for_timeout(1000)  # let any late state update arrive before looking for plan content
    for goal in plan_facts.goals:
        expect(page.get_by_text(goal.title), f"goal {goal.title!r} shown without sign-in").to_have_count(0)
