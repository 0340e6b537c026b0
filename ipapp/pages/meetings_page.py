"""Møter: the responsibility group's meetings. The coordinator schedules, moves and cancels them,
publishes the minutes and records decisions; each invitee answers until the meeting starts.

A link to one meeting (/moter?plan=P&mote=M, from a reminder) marks that meeting and moves focus to
it (PlanState.load_meetings); one she cannot see is said to be missing, never why."""

import reflex as rx

from ipapp.components.cards import meeting_card, when_loaded
from ipapp.components.forms import (
    choice_field,
    edit_form,
    edit_result,
    field,
    hidden,
    history_link,
    may_write,
    version_field,
)
from ipapp.components.shell import icon, page_shell, plain_link
from ipapp.components.text import t
from ipapp.domain.vocabulary import MeetingKind
from ipapp.pages.offline_card import offline_refresher
from ipapp.state.editing import EditState
from ipapp.state.plan import PlanState

KINDS = [(k.value, f"meeting.kind.{k.value}") for k in MeetingKind]
ANSWERS = (("accepted", "meeting.answer.accepted"), ("declined", "meeting.answer.declined"),
           ("maybe", "meeting.answer.maybe"))


def _checkboxes(legend_key: str, choices, checked_keys=None, problem_key=None) -> rx.Component:
    def box(choice):
        return rx.el.label(
            rx.el.input(type="checkbox", name=choice[0], value="on",
                        default_checked=checked_keys.contains(choice[0]) if checked_keys is not None else False),
            rx.el.span(choice[1]), class_name="choice")
    return rx.el.fieldset(
        rx.el.legend(t(legend_key)), rx.foreach(choices, box),
        rx.cond(EditState.problems.get(problem_key, "") != "",
                rx.el.p(EditState.problems.get(problem_key, ""), class_name="field-problem"))
        if problem_key is not None else rx.fragment(),
    )


def _meeting_fields(key, meeting=None) -> list[rx.Component]:
    def value(name: str, default=""):
        return getattr(meeting, name) if meeting is not None else default

    return [
        choice_field(key, "kind", "field.meeting.kind", value("kind", "responsibility_group"), KINDS),
        field(key, "title", "field.meeting.title", value=value("title", ""), required=True, max_length=300),
        field(key, "day", "field.meeting.day", value=value("day"), kind="date", required=True),
        field(key, "start", "field.meeting.start", value=value("start"), kind="time", required=True),
        field(key, "end", "field.meeting.end", value=value("end"), kind="time", required=True),
        field(key, "location", "field.meeting.location", value=value("place")),
        field(key, "video_url", "field.meeting.video_url", value=value("video_url"), kind="url",
              hint_key="edit.video_hint"),
        field(key, "agenda", "field.meeting.agenda", value=value("agenda"), rows=4),
        _checkboxes("field.meeting.invitees", PlanState.invite_choices,
                    meeting.invitee_keys if meeting is not None else None, key + ".invitees"),
        _checkboxes("field.meeting.goals", PlanState.meeting_goal_choices,
                    meeting.goal_keys if meeting is not None else None, key + ".goals"),
    ]


def _answer_form(meeting) -> rx.Component:
    key = "answer:" + meeting.id.to_string()
    return rx.el.details(
        rx.el.summary(t("meeting.answer")),
        edit_form(
            key, EditState.answer_meeting, hidden("meeting_id", meeting.id.to_string()),
            rx.el.fieldset(
                rx.el.legend(t("meeting.will_you_come")),
                *[rx.el.label(rx.el.input(type="radio", name="response", value=v,
                                          default_checked=meeting.my_response == v), rx.el.span(t(k)),
                              class_name="choice") for v, k in ANSWERS],
            ),
            field(key, "comment", "field.invitee.comment", value=meeting.my_comment, rows=2),
        ),
        open=meeting.my_response == "pending",
    )


def _invitee(invitee) -> rx.Component:
    return rx.el.li(rx.el.strong(invitee.name), " – ", invitee.response_label,
                    rx.cond(invitee.comment != "", rx.el.span(": «", invitee.comment, "»")))


def _decision(decision) -> rx.Component:
    return rx.el.li(
        rx.el.p(rx.el.strong(decision.what)),
        rx.cond(decision.responsible_name != "", rx.el.p(t("decision.responsible"), ": ", decision.responsible_name,
                                                        class_name="detail")),
        rx.cond(decision.due != "", rx.el.p(t("decision.due"), ": ", decision.due, class_name="detail")),
        rx.cond(decision.goal_title != "", rx.el.p(t("decision.goal"), ": ", decision.goal_title, class_name="detail")),
        rx.el.p(decision.status_label, class_name="badge"),
        rx.cond(may_write("meetings"), rx.el.button(
            rx.cond(decision.status == "open", t("decision.mark_done"), t("decision.mark_open")), type="button",
            on_click=EditState.set_decision_status(decision.id, rx.cond(decision.status == "open", "done", "open")),
            class_name="button button-secondary")),
        class_name="access-row",
    )


def _keeper_tools(meeting) -> rx.Component:
    key = "meeting:" + meeting.id.to_string()
    minutes_key = "minutes:" + meeting.id.to_string()
    decision_key = "decision:new:" + meeting.id.to_string()
    return rx.fragment(
        rx.cond(~meeting.cancelled & ~meeting.is_past, rx.fragment(
            rx.el.details(rx.el.summary(t("edit.meeting_edit")),
                          edit_form(key, EditState.save_meeting, hidden("meeting_id", meeting.id.to_string()),
                                    version_field(key), *_meeting_fields(key, meeting))),
            rx.el.details(
                rx.el.summary(t("edit.meeting_cancel")),
                edit_form("cancel:" + meeting.id.to_string(), EditState.cancel_meeting,
                          hidden("meeting_id", meeting.id.to_string()), version_field(key),
                          rx.el.p(t("edit.meeting_cancel_explained")),
                          field("cancel:" + meeting.id.to_string(), "reason", "field.meeting.cancel_reason", rows=2,
                                required=True),
                          submit_key="edit.meeting_cancel_confirm"),
            ),
        )),
        rx.cond(meeting.is_past & ~meeting.cancelled, rx.fragment(
            rx.el.details(
                rx.el.summary(rx.cond(meeting.has_minutes, t("edit.minutes_correct"), t("edit.minutes_write"))),
                edit_form(minutes_key, EditState.write_minutes, hidden("meeting_id", meeting.id.to_string()),
                          version_field(key), rx.el.p(t("edit.minutes_explained"), class_name="detail"),
                          field(minutes_key, "minutes", "field.meeting.minutes", value=meeting.minutes, rows=8,
                                required=True),
                          submit_key="edit.minutes_publish"),
            ),
            rx.el.details(
                rx.el.summary(t("edit.decision_add")),
                edit_form(decision_key, EditState.add_decision, hidden("meeting_id", meeting.id.to_string()),
                          field(decision_key, "what", "field.decision.what", rows=2, required=True),
                          choice_field(decision_key, "responsible_contact_id", "field.decision.responsible", "",
                                  [("", "edit.nobody")], PlanState.contact_choices),
                          field(decision_key, "due_on", "field.decision.due_on", kind="date"),
                          choice_field(decision_key, "goal_id", "field.decision.goal", "", [("", "edit.no_goal")],
                                  PlanState.goal_choices),
                          submit_key="edit.decision_add"),
            ),
        )),
    )


def linked_class(item_id, classes: str) -> rx.Var:
    """`classes`, plus "linked" on the item a link opened: a bar in the brand colour at its left
    (ipapp.css; a card draws it inside its padding, nothing moves). A class, not a style prop:
    Emotion would serialize a style for every item on every render of the list."""
    return rx.cond(PlanState.linked_id == item_id, classes + " linked", classes)


def link_missing_notice(key: str) -> rx.Component:
    return rx.cond(PlanState.link_missing, rx.el.p(t(key), role="status", class_name="notice"))


def _meeting(meeting) -> rx.Component:
    return rx.el.div(
        meeting_card(meeting, show_invitees=False),  # the answers are listed below, with comments
        rx.cond(meeting.cancelled, rx.el.p(rx.el.strong(t("meeting.cancelled")), " ", meeting.cancel_reason,
                                           class_name="notice", role="status")),
        rx.cond(meeting.goal_titles.length() > 0, rx.el.p(
            rx.el.span(t("meeting.concerns"), ": ", class_name="label"), meeting.goal_titles.join(", "),
            class_name="detail")),
        rx.cond(meeting.invitees.length() > 0, rx.el.div(
            rx.el.h3(t("meeting.answers"), class_name="subheading"),
            rx.el.ul(rx.foreach(meeting.invitees, _invitee), class_name="plain-list"))),
        rx.cond(meeting.decisions.length() > 0, rx.el.div(
            rx.el.h3(t("meeting.decisions"), class_name="subheading"),
            rx.el.ul(rx.foreach(meeting.decisions, _decision), class_name="plain-list card"))),
        rx.cond(meeting.invited & ~meeting.is_past & ~meeting.cancelled & may_write("meeting_reply"),
                _answer_form(meeting)),
        rx.cond(~meeting.cancelled, plain_link(
            icon("calendar-plus"), rx.el.span(t("meeting.add_to_calendar")), rx.el.span(": ", meeting.title,
                                                                                       class_name="visually-hidden"),
            href="/kalender/" + meeting.id.to_string() + ".ics?plan=" + PlanState.header.plan_id.to_string(),
            class_name="action-link")),
        history_link("/historikk/mote/" + meeting.id.to_string(), meeting.title),
        rx.cond(may_write("meetings"), _keeper_tools(meeting)),
        id="mote-" + meeting.id.to_string(),
        class_name=linked_class(meeting.id, "stack"),
    )


def _list(meetings, empty_key: str) -> rx.Component:
    return rx.cond(meetings.length() > 0, rx.el.div(rx.foreach(meetings, _meeting), class_name="stack"),
                   rx.el.p(t(empty_key), class_name="muted"))


def meetings_page() -> rx.Component:
    return page_shell(
        t("meetings.title"),
        "/moter",
        offline_refresher(),
        link_missing_notice("pwa.link.meeting_missing"),
        edit_result(),
        rx.cond(may_write("meetings"), rx.el.details(
            rx.el.summary(t("edit.meeting_schedule")),
            edit_form("meeting:new", EditState.schedule_meeting, *_meeting_fields("meeting:new"),
                      submit_key="edit.meeting_schedule"),
            class_name="card",
        )),
        when_loaded(
            "/moter",
            rx.el.h2(t("meetings.upcoming")),
            _list(PlanState.upcoming_meetings, "meetings.none_upcoming"),
            rx.el.h2(t("meetings.past")),
            _list(PlanState.past_meetings, "meetings.none_past"),
            rx.cond(PlanState.cancelled_meetings.length() > 0, rx.fragment(
                rx.el.h2(t("meetings.cancelled")),
                rx.el.div(rx.foreach(PlanState.cancelled_meetings, _meeting), class_name="stack"),
            )),
        ),
    )
