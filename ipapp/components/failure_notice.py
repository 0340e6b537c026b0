"""What she sees when one of the backend's handlers fails, instead of Reflex's English toast
("An error occurred. Contact the website administrator."): one notice in her language, with a
button that closes it. The notice is in every page's overlay, hidden; the failed event's answer
is a script that shows it. No toast library on any page (the app has no toaster: sonner's some
9 KiB off every first load)."""

import logging
import traceback

import reflex as rx
from reflex_base.event import EventSpec

from ipapp.components.text import t

log = logging.getLogger("ipapp.handlers")

NOTICE_ID = "ipapp-failed"
_HIDDEN_JS = "(() => { const notice = document.getElementById(%r); if (notice) notice.hidden = %s; })()"
SHOW_JS, HIDE_JS = (_HIDDEN_JS % (NOTICE_ID, hidden) for hidden in ("false", "true"))


def failure_notice() -> rx.Component:
    """The notice, hidden until a handler fails: an alert once shown (a screen reader announces an
    alert as it appears; while hidden it is in no one's way, nor among the page's alerts)."""
    return rx.el.div(
        rx.el.div(
            rx.el.p(t("a11y.handler_failed")),
            rx.el.button(t("a11y.close_notice"), type="button", on_click=rx.call_script(HIDE_JS),
                         class_name="button button-secondary"),
            id=NOTICE_ID, hidden=True, role="alert", class_name="notice notice-error",
        ),
        class_name="failure-notice",  # stays in view at the top while she scrolls
    )


def handler_failed(exception: Exception) -> EventSpec:
    """App.backend_exception_handler: the traceback to the log (never to the browser), the
    notice to her."""
    log.error("an event handler failed:\n%s",
              "".join(traceback.format_exception(type(exception), exception, exception.__traceback__)))
    return rx.call_script(SHOW_JS)
