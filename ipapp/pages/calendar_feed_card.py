"""The private calendar feed on /meg/varsler (issue 12, item 6)."""

import reflex as rx


def calendar_feed_card() -> rx.Component:
    return rx.fragment()
