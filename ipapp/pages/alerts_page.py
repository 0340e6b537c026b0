"""/meg/varsler: reminders on this phone, which reminders, what was sent, the next meeting
offline, and the private calendar feed (issue 12)."""

import reflex as rx

from ipapp.components.shell import page_shell
from ipapp.components.text import t
from ipapp.pages.calendar_feed_card import calendar_feed_card
from ipapp.pages.offline_card import offline_card

ALERTS_ROUTE = "/meg/varsler"


def alerts_page() -> rx.Component:
    return page_shell(
        t("alerts.title"),
        "/meg",
        offline_card(),
        calendar_feed_card(),
    )
