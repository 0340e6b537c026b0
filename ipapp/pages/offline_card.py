""""Vis neste møte når jeg er uten nett" on /meg/varsler (issue 12, item 2): a switch that keeps
the time and place of her next meetings and her coordinator's phone on this device for the
offline page, and `offline_refresher()` for the pages after which a kept copy is renewed."""

import reflex as rx

from ipapp.components.text import t
from ipapp.state.offline import KEPT_JS, OfflineState


def offline_refresher() -> rx.Component:
    """Nothing to see: when the page opens, a copy this device keeps is stored again, fresh. The
    device alone knows whether it keeps one, so a device without sends only that it has none."""
    return rx.el.div(hidden=True, on_mount=rx.call_script(KEPT_JS, callback=OfflineState.refresh_if_kept))


def offline_card() -> rx.Component:
    return rx.el.section(
        rx.el.h2(t("pwa.offline_card.title"), id="offline-heading"),
        rx.el.label(
            rx.el.input(type="checkbox", role="switch", checked=OfflineState.kept,
                        disabled=~OfflineState.known, aria_describedby="offline-explained",
                        on_change=OfflineState.choose(~OfflineState.kept)),
            rx.el.span(t("pwa.offline_card.switch")),
            class_name="choice",
        ),
        rx.el.p(t("pwa.offline_card.explained"), id="offline-explained", class_name="detail"),
        rx.el.div(
            rx.cond(OfflineState.notice != "", rx.el.p(OfflineState.notice, role="status", class_name="notice")),
            rx.cond(OfflineState.problem != "",
                    rx.el.p(OfflineState.problem, role="alert", class_name="notice notice-error")),
            id="offline-result", tab_index=-1,
        ),
        # The page's content mounts once her session and the page have loaded (page_shell).
        on_mount=rx.call_script(KEPT_JS, callback=OfflineState.device_said),
        aria_labelledby="offline-heading",
        class_name="card",
    )
