"""The coordinating unit's screens: "Personer" (/enhet) and "Planer" (/enhet/planer). The unit sees
who is on a plan, never what is in it."""

import reflex as rx

from ipapp.components.cards import invitation_code, when_loaded
from ipapp.components.forms import choice_field, confirm, dom_id, field, hidden
from ipapp.components.shell import app_header, bottom_nav, link, plain_link
from ipapp.components.text import t
from ipapp.state.unit import UnitState

P = UnitState.problems


def _shell(title_key: str, route: str, *content: rx.Component) -> rx.Component:
    return rx.fragment(
        plain_link(t("skip.to_main"), href="#main", class_name="skip-link"),
        app_header(),
        rx.el.main(
            rx.el.h1(t(title_key), class_name="page-title"),
            rx.el.nav(link(t("unit.people_title"), href="/enhet", class_name="action-link"),
                      link(t("unit.plans_title"), href="/enhet/planer", class_name="action-link"),
                      link(t("substitute.title"), href="/vikar", class_name="action-link"),
                      aria_label=t("unit.nav"), class_name="actions"),
            _result(),
            when_loaded(route, rx.cond(UnitState.allowed, rx.fragment(*content),
                                       rx.el.p(t("error.not_available"), class_name="muted"))),
            id="main", tab_index=-1, class_name="main",
        ),
        bottom_nav("/enhet"),
    )


def _result() -> rx.Component:
    return rx.el.div(
        rx.cond(UnitState.notice != "", rx.el.p(UnitState.notice, role="status", class_name="notice")),
        rx.cond(UnitState.refused != "", rx.el.p(UnitState.refused, role="alert", class_name="notice notice-error")),
        rx.cond(UnitState.invitation,
                rx.el.div(rx.el.p(t("invite.result_for"), " ", UnitState.invitation.person_name),
                          invitation_code(UnitState.invitation, "unit-invitation-link"),
                          rx.el.p(t("invite.send_hint"), class_name="detail"), class_name="card")),
        id="unit-result", tab_index=-1, class_name="stack",
    )


def _form(form_key, on_submit, submit_key: str, *children) -> rx.Component:
    return rx.el.form(*children, rx.el.button(t(submit_key), type="submit", class_name="button"),
                      on_submit=on_submit, reset_on_submit=False, id=dom_id(form_key), class_name="stack",
                      no_validate=True)


def _person_fields(form_key, person=None) -> list[rx.Component]:
    value = (lambda name: getattr(person, name)) if person is not None else (lambda name: "")
    return [
        field(form_key, "given_name", "unit.given_name", value=value("given_name"), required=True, problems=P,
              autocomplete="off"),
        field(form_key, "family_name", "unit.family_name", value=value("family_name"), required=True, problems=P,
              autocomplete="off"),
        field(form_key, "birth_date", "unit.birth_date", kind="date",
              value=value("birth_date_iso"), problems=P),
        field(form_key, "email", "unit.email", kind="email", value=value("email"), problems=P, autocomplete="off"),
        field(form_key, "phone", "unit.phone", kind="tel", value=value("phone"), problems=P, autocomplete="off"),
    ]


def _national_id_field(form_key) -> rx.Component:
    return field(form_key, "national_id", "unit.national_id", hint_key="unit.national_id_hint", problems=P,
                 autocomplete="off")


def _pending(row, index) -> rx.Component:
    return rx.el.li(
        rx.el.p(rx.el.strong(row.person_name)),
        rx.el.p(t("unit.pending_made_by"), " ", row.made_by, ", ", row.made, class_name="detail"),
        rx.cond(row.own, rx.el.p(t("unit.pending_own"), class_name="detail"),
                rx.el.div(
                    rx.el.button(t("unit.approve"), type="button", class_name="button",
                                 on_click=UnitState.approve_recovery(index.to_string())),
                    rx.el.button(t("unit.refuse"), type="button", class_name="button button-secondary",
                                 on_click=UnitState.refuse_recovery(index.to_string())),
                    class_name="button-row")),
        class_name="access-row",
    )


def _person(person, index) -> rx.Component:
    place = index.to_string()
    return rx.el.li(
        rx.el.p(rx.el.strong(person.name)),
        rx.el.p(rx.cond(person.birth_date != "", person.birth_date, t("unit.no_birth_date")), " · ",
                rx.cond(person.national_id_linked, t("unit.id_linked"), t("unit.id_not_linked")), " · ",
                rx.match(person.status, ("invited", t("unit.status.invited")), ("active", t("unit.status.active")),
                         t("unit.status.disabled")), class_name="detail"),
        rx.cond(person.status != "disabled", rx.el.details(
            rx.el.summary(t("unit.edit_person"), rx.el.span(": ", person.name, class_name="visually-hidden")),
            _form("correct:" + place, UnitState.correct, "edit.save", hidden("person", place),
                  *_person_fields("correct:" + place, person)),
            _form("identity:" + place, UnitState.link_identity, "unit.link_identity", hidden("person", place),
                  _national_id_field("identity:" + place)),
            rx.cond(person.national_id_linked,
                    confirm("unit.unlink_identity", "unit.unlink_explained", "unit.unlink_identity",
                            UnitState.unlink_identity(place))),
            rx.cond(person.status == "invited",
                    rx.el.button(t("unit.new_code"), type="button", class_name="button button-secondary",
                                 on_click=UnitState.new_code(place))),
            confirm("unit.deactivate", "unit.deactivate_explained", "unit.deactivate", UnitState.deactivate(place)),
            class_name="stack",
        )),
        class_name="access-row",
    )


def people_page() -> rx.Component:
    return _shell(
        "unit.people_title",
        "/enhet",
        rx.el.p(t("unit.people_intro"), class_name="lead"),
        rx.cond(UnitState.pending.length() > 0, rx.el.section(
            rx.el.h2(t("unit.pending_heading")),
            rx.el.p(t("unit.pending_intro"), class_name="detail"),
            rx.el.ul(rx.foreach(UnitState.pending, _pending), class_name="plain-list card"),
        )),
        rx.el.section(
            rx.el.h2(t("unit.register_heading")),
            _form("register", UnitState.register, "unit.register", *_person_fields("register")[:2],
                  _national_id_field("register"), *_person_fields("register")[2:]),
            class_name="card",
        ),
        rx.el.h2(t("unit.people_heading")),
        rx.el.ul(rx.foreach(UnitState.people, _person), class_name="plain-list card"),
    )


def _people_choice(form_key, name: str, label_key: str) -> rx.Component:
    return choice_field(form_key, name, label_key, "", [("", "unit.choose_person")], UnitState.person_options,
                        problems=P)


def _plan_person(row) -> rx.Component:
    return rx.el.li(rx.el.strong(row.name), " – ", row.detail)


def _guardian(plan_place, row, index) -> rx.Component:
    return rx.el.li(
        rx.el.p(rx.el.strong(row.name), " – ", row.detail),
        confirm("unit.end_guardian", "unit.end_guardian_explained", "unit.end_guardian",
                UnitState.end_guardian(plan_place + ":" + index.to_string())),
    )


def _radio_group(form_key, name: str, legend_key: str, values: list[tuple[str, str]]) -> rx.Component:
    problem = P.get(form_key + "." + name, "")
    return rx.el.fieldset(
        rx.el.legend(t(legend_key)),
        *[rx.el.label(rx.el.input(type="radio", name=name, value=v, default_checked=i == 0), rx.el.span(t(key)),
                      class_name="choice") for i, (v, key) in enumerate(values)],
        rx.cond(problem != "", rx.el.p(problem, class_name="field-problem")),
    )


def _plan(plan, index) -> rx.Component:
    place = index.to_string()
    return rx.el.li(
        rx.el.h3(plan.owner_name),
        rx.el.p(t("unit.plan_period"), " ", plan.period, " · ", t("unit.next_review"), " ", plan.next_review,
                class_name="detail"),
        rx.cond(plan.status == "closed", rx.el.p(t("unit.closed"), " ", plan.closed_reason, class_name="notice")),
        rx.el.p(t("unit.coordinator"), " ", rx.el.strong(plan.coordinator)),
        rx.cond(plan.former_coordinators.length() > 0,
                rx.el.p(t("unit.former_coordinators"), " ", plan.former_coordinators.join(", "), class_name="detail")),
        rx.cond(plan.guardians.length() > 0, rx.fragment(
            rx.el.h4(t("unit.guardians")),
            rx.el.ul(rx.foreach(plan.guardians, lambda g, i: _guardian(place, g, i)), class_name="plain-list"))),
        rx.cond(plan.members.length() > 0, rx.fragment(
            rx.el.h4(t("unit.members")),
            rx.el.ul(rx.foreach(plan.members, _plan_person), class_name="plain-list"))),
        rx.cond(plan.status == "active", rx.el.details(
            rx.el.summary(t("unit.change_plan"), rx.el.span(": ", plan.owner_name, class_name="visually-hidden")),
            rx.el.h4(t("unit.change_coordinator")),
            _form("coordinator:" + place, UnitState.change_coordinator, "unit.change_coordinator", hidden("plan", place),
                  _people_choice("coordinator:" + place, "coordinator", "unit.new_coordinator")),
            rx.el.h4(t("unit.add_guardian")),
            _form("guardian:" + place, UnitState.add_guardian, "unit.add_guardian", hidden("plan", place),
                  _people_choice("guardian:" + place, "guardian", "unit.guardian"),
                  _radio_group("guardian:" + place, "basis", "unit.basis",
                               [("parent_of_minor", "setup.basis.parent_of_minor"),
                                ("court_appointed", "setup.basis.court_appointed")]),
                  field("guardian:" + place, "scope", "unit.scope", rows=3, problems=P, hint_key="unit.scope_hint"),
                  field("guardian:" + place, "valid_from", "unit.valid_from", kind="date", problems=P),
                  field("guardian:" + place, "valid_until", "unit.valid_until", kind="date", problems=P,
                        hint_key="unit.valid_until_hint")),
            rx.el.h4(t("unit.add_member")),
            _form("member:" + place, UnitState.add_member, "unit.add_member", hidden("plan", place),
                  _people_choice("member:" + place, "member", "unit.member"),
                  _radio_group("member:" + place, "role", "unit.role",
                               [("participant", "role.participant"), ("next_of_kin", "role.next_of_kin"),
                                ("delegate", "role.delegate")]),
                  field("member:" + place, "relation", "unit.relation", problems=P)),
            rx.el.h4(t("unit.close_plan")),
            rx.el.form(hidden("plan", place),
                       field("close:" + place, "reason", "unit.close_reason", rows=2, problems=P),
                       confirm("unit.close_plan", "unit.close_explained", "unit.close_plan"),
                       on_submit=UnitState.close_plan, reset_on_submit=False, id=dom_id("close:" + place),
                       class_name="stack", no_validate=True),
            class_name="stack",
        )),
        class_name="access-row",
    )


def plans_page() -> rx.Component:
    return _shell(
        "unit.plans_title",
        "/enhet/planer",
        rx.el.p(t("unit.plans_intro"), class_name="lead"),
        rx.el.section(
            rx.el.h2(t("unit.create_heading")),
            _form("create", UnitState.create_plan, "unit.create_plan",
                  _people_choice("create", "owner", "unit.owner"),
                  _people_choice("create", "coordinator", "unit.coordinator_choice"),
                  field("create", "period_start", "unit.period_start", kind="date", problems=P),
                  field("create", "next_review_on", "unit.first_review", kind="date", problems=P)),
            class_name="card",
        ),
        rx.el.h2(t("unit.plans_heading")),
        rx.cond(UnitState.plans.length() > 0,
                rx.el.ul(rx.foreach(UnitState.plans, _plan), class_name="plain-list card"),
                rx.el.p(t("unit.no_plans"), class_name="muted")),
    )
