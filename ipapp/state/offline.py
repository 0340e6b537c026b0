""""Vis neste møte når jeg er uten nett" (issue 12, item 2): the copy of her next meetings that
this device keeps for the offline page (assets/offline.js reads it).

The copy lives only in this browser's localStorage under one key, and its presence is the opt-in:
the server keeps no flag, so another device, or this one after a sign-out, has none. She turns it
on and off on /meg/varsler (ipapp/pages/offline_card.py); while it is on, the pages that show
`offline_refresher()` store a fresh copy. register-sw.js removes it at sign-out and whenever the
sign-in page is shown (a session that ended elsewhere lands there).

Every handler is an endpoint any browser can call: each only ever writes the caller's own summary
to the caller's own browser, made by ipapp.services.offline_summary through the policy.
"""

import json

import reflex as rx

from ipapp.services.offline_summary import offline_summary
from ipapp.state.endpoints import endpoint
from ipapp.state.session import SessionState

STORAGE_KEY = "ipapp-offline"  # the same key in assets/offline.js and assets/register-sw.js

# Whether this device keeps a copy; never throws (a browser without storage keeps none).
KEPT_JS = ("(() => { try { return {kept: localStorage.getItem(%s) !== null}; }"
           " catch (e) { return {kept: false}; } })()" % json.dumps(STORAGE_KEY))
_STORE_JS = ("(() => { try { localStorage.setItem(%s, %s); return {ok: true}; }"
             " catch (e) { return {ok: false}; } })()")
_REMOVE_JS = ("(() => { try { localStorage.removeItem(%s); } catch (e) {} return {ok: true}; })()"
              % json.dumps(STORAGE_KEY))


def store_script(summary: dict) -> str:
    """The JS that stores `summary`; json.dumps twice makes one safe JS string literal of it."""
    return _STORE_JS % (json.dumps(STORAGE_KEY), json.dumps(json.dumps(summary)))


class OfflineState(SessionState):
    kept: bool = False  # this device keeps a copy: what the switch shows
    known: bool = False  # the device has said whether it does (the switch is usable after)
    notice: str = ""
    problem: str = ""
    _announce: bool = False  # the next stored copy was her own choice: say so

    def _store(self):
        summary = offline_summary(self._person_id, self.lang)
        return rx.call_script(store_script(summary), callback=OfflineState.stored)

    @rx.event
    @endpoint("signed_in", dict)
    def device_said(self, answer: dict):
        """The card opened: what this device keeps; a copy kept is refreshed now."""
        self.kept, self.known = answer.get("kept") is True, True
        self.notice, self.problem, self._announce = "", "", False
        return self._store() if self.kept else None

    @rx.event
    @endpoint("signed_in", dict)
    def refresh_if_kept(self, answer: dict):
        """A page that shows the next meetings opened: a kept copy is refreshed, nothing else."""
        if answer.get("kept") is not True:
            return None
        self._announce = False
        return self._store()

    @rx.event
    @endpoint("signed_in", bool)
    def choose(self, keep: bool):
        """The switch: on stores the copy on this device, off removes it."""
        self.notice, self.problem = "", ""
        if keep:
            self._announce = True
            return self._store()
        self.kept = False
        self.notice = self._text("pwa.offline_card.removed")
        return [rx.call_script(_REMOVE_JS), rx.set_focus("offline-result")]

    @rx.event
    @endpoint("signed_in", dict)
    def stored(self, result: dict):
        """The browser's answer to storing: the switch shows what the device now holds."""
        ok = result.get("ok") is True
        announce, self._announce = self._announce, False
        if ok:
            self.kept = True
            if announce:
                self.notice = self._text("pwa.offline_card.stored")
                return rx.set_focus("offline-result")
            return None
        if announce:
            self.kept = False
            self.problem = self._text("pwa.offline_card.failed")
            return rx.set_focus("offline-result")
        return None
