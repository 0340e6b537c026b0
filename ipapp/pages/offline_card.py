""""Vis neste møte når jeg er uten nett" on /meg/varsler (issue 12, item 2)."""

import reflex as rx


def offline_card() -> rx.Component:
    return rx.fragment()
