"""The private calendar feed card on /meg/varsler. Every handler acts only on the signed-in
person's own feed (the person comes from the session cookie, as everywhere); the browser sends no
ids. The new link is in this state only while the card shows it: it is cleared when the card
leaves the screen, on every load of the page, and with the rest of the state at sign-out."""

import reflex as rx

from ipapp.services import calendar_feed
from ipapp.state.endpoints import endpoint
from ipapp.state.session import SessionState

RESULT_ID = "calfeed-result"
LINK_ID = "calfeed-link"

# Copies the link shown in the read-only field (its value is read from the page, so the script
# is the same for everyone). On failure (no clipboard access) the text is selected instead, so she
# can copy it herself; an exception never reaches a callback, so it is caught and returned.
COPY_SCRIPT = (
    "(async () => { const field = document.getElementById('" + LINK_ID + "');"
    " if (!field) return {error: 'missing'};"
    " try { await navigator.clipboard.writeText(field.value); return {ok: true}; }"
    " catch (e) { field.focus(); field.select(); return {error: String((e && e.name) || 'failed')}; } })()"
)


class CalendarFeedState(SessionState):
    loaded: bool = False  # the status below is hers, read for this visit
    feed_on: bool = False
    status_text: str = ""  # "Kalenderlenken er på. Den ble laget i dag kl. 10.05."
    used_text: str = ""  # when a calendar last fetched it, or that none has
    link: str = ""  # the new link, shown once
    notice: str = ""
    problem: str = ""

    @rx.var
    def webcal_link(self) -> str:
        return calendar_feed.webcal_url(self.link) if self.link else ""

    def _refresh(self) -> None:
        status = calendar_feed.feed_status(self._person_id, self.lang)
        self.feed_on, self.loaded = status.on, True
        if not status.on:
            self.status_text, self.used_text = self._text("calfeed.status_off"), ""
            return
        self.status_text = self._text("calfeed.status_on", made=status.made)
        self.used_text = self._text("calfeed.last_used", when=status.last_used) if status.last_used \
            else self._text("calfeed.never_used")

    @rx.event
    @endpoint("signed_in")
    def load_feed(self):
        self.link, self.notice, self.problem = "", "", ""
        self._refresh()

    @rx.event
    @endpoint("signed_in")
    def make_link(self):
        replacing = self.feed_on
        self.notice, self.problem = "", ""
        self.link = calendar_feed.make_feed(self._person_id)
        self.notice = self._text("calfeed.made_new" if replacing else "calfeed.made")
        self._refresh()
        return rx.set_focus(RESULT_ID)

    @rx.event
    @endpoint("signed_in")
    def turn_off(self):
        self.link, self.problem = "", ""
        calendar_feed.revoke_feed(self._person_id)
        self.notice = self._text("calfeed.turned_off")
        self._refresh()
        return rx.set_focus(RESULT_ID)

    @rx.event
    @endpoint("signed_in", dict)
    def copy_result(self, result: dict):
        """The copy script's answer: said in words either way."""
        self.notice, self.problem = "", ""
        if result.get("ok") is True:
            self.notice = self._text("calfeed.copied")
        else:
            self.problem = self._text("calfeed.copy_failed")

    @rx.event
    @endpoint("anyone")  # only clears: also after a sign-out elsewhere, without a redirect
    def forget_link(self):
        """The card left the screen: the link goes with it."""
        self.link, self.notice, self.problem = "", "", ""
