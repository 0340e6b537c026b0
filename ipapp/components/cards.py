"""Reusable pieces of plan content: a goal card, a measure, a meeting, a contact, an invitation;
and `when_loaded`, which holds a page's lists back until their data has arrived."""

import reflex as rx

from ipapp.components.shell import icon, link, plain_link, status_line
from ipapp.components.text import t


def page_ready(route: str) -> rx.Var:
    """True once every on_load handler of `route` has run for this visit. On a client-side page change
    the browser flips is_hydrated off at once, and the route only changes when the server has started
    the new page's loads; until both say so, what is on screen is the previous page's data (or none)."""
    return rx.State.is_hydrated & (rx.State.router.route_id == route)


def when_loaded(route: str, *content: rx.Component) -> rx.Component:
    """The content once its data is there; until then the announced "Henter …", never a flash of
    "nothing here" texts. `route` is the page's pattern as registered ("/enhet/planer", "/mal/[goal_id]")."""
    return rx.cond(page_ready(route), rx.fragment(*content), status_line(t("status.loading")))


def _differs(a, b) -> rx.Var:
    """Two texts that are not the same word (a badge that repeats the heading is read twice)."""
    return a.lower().strip() != b.lower().strip()


def labelled(label_key: str, value) -> rx.Component:
    """"Label: value" on one line, hidden when there is no value."""
    return rx.cond(
        value != "",
        rx.el.p(rx.el.span(t(label_key), ": ", class_name="label"), value, class_name="detail"),
    )


def measure_line(measure) -> rx.Component:
    return rx.el.li(
        rx.el.p(measure.name, class_name="measure-name"),
        labelled("measure.responsible", measure.responsible_name),
        labelled("measure.frequency", measure.frequency),
        class_name="measure",
    )


def goal_card(goal) -> rx.Component:
    return rx.el.article(
        rx.el.h3(link(goal.title, href="/mal/" + goal.id.to_string(), class_name="card-link")),
        rx.el.p(goal.status_label, class_name="badge"),
        rx.el.h4(t("goal.measures"), class_name="subheading"),
        rx.cond(
            goal.measures.length() > 0,
            rx.el.ul(rx.foreach(goal.measures, measure_line), class_name="measure-list"),
            rx.el.p(t("goal.no_measures"), class_name="muted"),
        ),
        class_name="card",
    )


def measure_detail(measure) -> rx.Component:
    return rx.el.article(
        rx.el.h3(measure.name),
        labelled("measure.provider", measure.provider),
        rx.cond(
            measure.responsible_name != "",
            rx.el.p(
                rx.el.span(t("measure.responsible"), ": ", class_name="label"),
                measure.responsible_name,
                rx.cond(
                    measure.responsible_phone != "",
                    plain_link(
                        icon("phone"),
                        rx.el.span(t("contact.call"), " ", measure.responsible_name),
                        href=measure.responsible_phone_href,
                        class_name="action-link",
                    ),
                ),
                class_name="detail",
            ),
        ),
        labelled("measure.frequency", measure.frequency),
        labelled("measure.period", measure.period),
        labelled("measure.owner_contribution", measure.owner_contribution),
        labelled("measure.next_of_kin_contribution", measure.next_of_kin_contribution),
        class_name="card",
    )


def meeting_card(meeting, heading_level: str = "h3", show_minutes: bool = True,
                 show_invitees: bool = True) -> rx.Component:
    heading = rx.el.h3 if heading_level == "h3" else rx.el.h2
    return rx.el.article(
        heading(meeting.title),
        rx.cond(_differs(meeting.kind_label, meeting.title), rx.el.p(meeting.kind_label, class_name="badge")),
        rx.el.p(icon("clock"), rx.el.span(meeting.when), class_name="detail with-icon"),
        rx.cond(
            meeting.place != "",
            rx.el.p(icon("map-pin"), rx.el.span(meeting.place), class_name="detail with-icon"),
        ),
        rx.cond(
            meeting.video_url != "",
            plain_link(
                icon("video"),
                rx.el.span(t("meeting.join_video")),
                href=meeting.video_url,
                class_name="action-link",
            ),
        ),
        rx.cond(
            meeting.agenda != "",
            rx.el.details(
                rx.el.summary(t("meeting.agenda")),
                rx.el.p(meeting.agenda, class_name="prewrap"),
            ),
        ),
        rx.cond(
            meeting.invitees.length() > 0 if show_invitees else False,
            rx.el.details(
                rx.el.summary(t("meeting.invitees")),
                rx.el.ul(
                    rx.foreach(
                        meeting.invitees,
                        lambda inv: rx.el.li(inv.name, " – ", inv.response_label),
                    ),
                    class_name="plain-list",
                ),
            ),
        ),
        *(
            [
                rx.cond(
                    meeting.minutes != "",
                    rx.el.details(
                        rx.el.summary(t("meeting.minutes")),
                        rx.el.p(meeting.minutes, class_name="prewrap"),
                    ),
                )
            ]
            if show_minutes
            else []
        ),
        class_name="card",
    )


def contact_card(contact) -> rx.Component:
    return rx.el.article(
        rx.el.h2(contact.name),
        rx.el.p(contact.role_label, class_name="badge"),
        rx.cond((contact.title != "") & _differs(contact.title, contact.role_label),
                rx.el.p(contact.title, class_name="detail")),
        rx.cond(contact.organisation != "", rx.el.p(contact.organisation, class_name="detail")),
        rx.el.div(
            rx.cond(
                contact.phone != "",
                plain_link(
                    icon("phone"),
                    rx.el.span(t("contact.call"), " ", contact.name, " (", contact.phone, ")"),
                    href=contact.phone_href,
                    class_name="action-link",
                ),
            ),
            rx.cond(
                contact.email != "",
                plain_link(
                    icon("mail"),
                    rx.el.span(t("contact.email"), " ", contact.name),
                    href=contact.email_href,
                    class_name="action-link",
                ),
            ),
            class_name="actions",
        ),
        class_name="card",
    )


def invitation_code(invitation, link_id: str) -> rx.Component:
    """A new invitation's link (selectable, to paste into a message), code and expiry."""
    return rx.fragment(
        rx.el.label(t("invite.link"), html_for=link_id),
        rx.el.input(id=link_id, value=invitation.link, read_only=True, class_name="input"),
        rx.el.p(t("invite.code"), ": ", rx.el.strong(invitation.code)),
        rx.el.p(t("invite.expires"), " ", invitation.expires, class_name="detail"),
    )
