""""Varsler" (/meg/varsler): reminders on her devices. Turn on (this browser subscribes and the
server stores it), see which devices have it, turn off per device, send a test, choose which
reminders, and see what was sent. Every handler acts on the signed-in person's own devices only;
the browser names a device by its place in the list this server made, never by its id."""

from dataclasses import dataclass

import reflex as rx

from ipapp.models import utcnow
from ipapp.services import reminder_preferences, reminders, reminders_devices
from ipapp.services.forms import FormProblem
from ipapp.services.reminders_devices import SubscriptionProblem
from ipapp.state.endpoints import endpoint
from ipapp.state.session import SessionState

SHOWN_SENT = 10  # the newest reminders sent to her; older ones are in no one's way

# The server's VAPID public key (__KEY__, base64url) as bytes, and whether a subscription was made
# with it: after a key rotation the old subscription is dropped and made again.
_KEY_JS = r"""
    const encoded = "__KEY__".replace(/-/g, "+").replace(/_/g, "/");
    const raw = atob(encoded + "===".slice((encoded.length + 3) % 4));
    const applicationServerKey = Uint8Array.from(raw, (c) => c.charCodeAt(0));
    const sameKey = (subscription) => {
      const used = subscription.options && subscription.options.applicationServerKey;
      if (!used) return true;  // the browser does not say: keep it
      const bytes = new Uint8Array(used);
      return bytes.length === applicationServerKey.length && bytes.every((b, i) => b === applicationServerKey[i]);
    };
"""

# Resolves to what this browser can do and which subscription it holds (made again with the
# current key when permission is given and the key has changed); never throws.
STATUS_JS = r"""(async () => {
  try {
    const ios = /iPhone|iPad|iPod/.test(navigator.userAgent)
      || (navigator.platform === "MacIntel" && navigator.maxTouchPoints > 1);
    const standalone = window.matchMedia("(display-mode: standalone)").matches || navigator.standalone === true;
    if (!("serviceWorker" in navigator) || !("PushManager" in window) || !("Notification" in window)) {
      return { support: ios && !standalone ? "ios_home_screen" : "unsupported", endpoint: "" };
    }
    const support = Notification.permission === "denied" ? "denied" : "";
    const registration = await navigator.serviceWorker.getRegistration("/");
    let subscription = registration ? await registration.pushManager.getSubscription() : null;
""" + _KEY_JS + r"""
    if (subscription && !sameKey(subscription) && Notification.permission === "granted") {
      await subscription.unsubscribe();
      subscription = await registration.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey });
      return { support, endpoint: subscription.endpoint, renewed: subscription.toJSON() };
    }
    return { support, endpoint: subscription ? subscription.endpoint : "" };
  } catch (error) {
    return { support: "unsupported", endpoint: "" };
  }
})()"""

# Asks for permission inside her tap, subscribes with the server's VAPID key, and resolves to
# {subscription: PushSubscription.toJSON()} or {error: why}; never throws.
SUBSCRIBE_JS = r"""(async () => {
  try {
    if (!("serviceWorker" in navigator) || !("PushManager" in window) || !("Notification" in window)) {
      return { error: "unsupported" };
    }
    const permission = await Notification.requestPermission();
    if (permission !== "granted") return { error: permission === "denied" ? "denied" : "dismissed" };
    const registration = await Promise.race([
      navigator.serviceWorker.ready,
      new Promise((resolve) => setTimeout(() => resolve(null), 10000)),
    ]);
    if (!registration) return { error: "no_worker" };
""" + _KEY_JS + r"""
    let subscription = await registration.pushManager.getSubscription();
    if (subscription && !sameKey(subscription)) {
      await subscription.unsubscribe();
      subscription = null;
    }
    if (!subscription) {
      subscription = await registration.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey });
    }
    return { subscription: subscription.toJSON() };
  } catch (error) {
    return { error: (error && error.name) || "error" };
  }
})()"""

# This browser stops its own subscription too, when she turns this device off.
UNSUBSCRIBE_JS = r"""(async () => {
  try {
    const registration = await navigator.serviceWorker.getRegistration("/");
    const subscription = registration ? await registration.pushManager.getSubscription() : null;
    if (subscription) await subscription.unsubscribe();
  } catch (error) { /* the server has turned it off already */ }
  return true;
})()"""


@dataclass
class DeviceRow:
    label: str  # "Chrome på Android"
    added: str  # "Slått på i går kl. 10.00"
    current: bool  # this browser


@dataclass
class SentRow:
    title: str  # what the notification said
    sent: str  # when, in words
    url: str  # what it opened


class AlertsState(SessionState):
    devices: list[DeviceRow] = []
    _device_ids: list[int] = []  # the ids behind `devices`, in the same order (server-side only)
    _this_endpoint: str = ""  # this browser's subscription, as it told us (server-side only)
    sent: list[SentRow] = []
    this_device_on: bool = False  # this browser is one of her devices with reminders on
    support: str = ""  # "", "unsupported", "ios_home_screen" or "denied": what this browser can do
    subscribe_script: str = ""
    busy: bool = False
    notice: str = ""
    problem: str = ""
    # Which reminders: the place of each meeting offset in the offered list as text, or "off".
    meeting_first: str = "off"
    meeting_second: str = "off"
    new_message: bool = True
    review_due: bool = True
    access_ending: bool = True
    # Offered only to whom they can reach (reminder_preferences.offered): a next of kin keeps no plan.
    review_due_offered: bool = False
    access_ending_offered: bool = False
    offsets: list[str] = []  # the offered times before a meeting, in words
    form_problems: dict[str, str] = {}
    preferences_notice: str = ""
    preferences_problem: str = ""

    def _load_devices(self) -> None:
        listed = reminders_devices.list_devices(self._person_id, self.lang)
        current = reminders_devices.device_of(self._person_id, self._this_endpoint)
        self._device_ids = [d.device_id for d in listed]
        self.devices = [DeviceRow(d.label, d.added, d.device_id == current) for d in listed]
        self.this_device_on = current is not None

    def _load_preferences(self) -> None:
        chosen = reminder_preferences.get(self._person_id)
        self.offsets = [self._text(f"alerts.offset.{minutes}") for minutes in reminder_preferences.MEETING_OFFSET_CHOICES]
        self.meeting_first = reminder_preferences.place_of(chosen.meeting_first_minutes)
        self.meeting_second = reminder_preferences.place_of(chosen.meeting_second_minutes)
        self.new_message, self.review_due, self.access_ending = chosen.new_message, chosen.review_due, chosen.access_ending
        offered = reminder_preferences.offered(self._person_id)
        self.review_due_offered, self.access_ending_offered = "review_due" in offered, "access_ending" in offered

    def _load_sent(self) -> None:
        shown = reminders.sent_to(self._person_id, self.lang, utcnow(), limit=SHOWN_SENT)
        self.sent = [SentRow(s.title, s.sent, s.url) for s in shown]

    @rx.event
    @endpoint("signed_in")
    def load_alerts(self):
        self.notice, self.problem, self.busy, self.form_problems = "", "", False, {}
        self.preferences_notice, self.preferences_problem = "", ""
        self._this_endpoint = ""
        key = reminders_devices.public_key()
        self.subscribe_script = SUBSCRIBE_JS.replace("__KEY__", key) if key else ""
        self._load_devices()
        self._load_preferences()
        self._load_sent()
        return rx.call_script(STATUS_JS.replace("__KEY__", key), callback=AlertsState.device_status)

    @rx.event
    @endpoint("signed_in", dict)
    def device_status(self, status: dict):
        """What this browser said about itself: only used to mark "denne enheten" and to explain."""
        support = status.get("support")
        self.support = support if support in ("unsupported", "ios_home_screen", "denied") else ""
        endpoint_seen = status.get("endpoint")
        self._this_endpoint = endpoint_seen if isinstance(endpoint_seen, str) and len(endpoint_seen) <= 1000 else ""
        renewed = status.get("renewed")
        if renewed is not None and reminders_devices.device_of(self._person_id, self._this_endpoint) is None:
            # Made again with a new VAPID key: store it like a first subscription (it is checked
            # the same way); the old endpoint is dropped by its push service's 404/410.
            try:
                reminders_devices.subscribe(self._person_id, renewed, self.router.headers.user_agent, self.lang)
            except SubscriptionProblem:
                self._this_endpoint = ""
        self._load_devices()

    @rx.event
    @endpoint("signed_in")
    def turn_on_started(self):
        self.busy, self.notice, self.problem = True, "", ""

    @rx.event
    @endpoint("signed_in", dict)
    def turn_on_result(self, result: dict):
        self.busy = False
        if "subscription" not in result:
            error = result.get("error")
            known = ("unsupported", "denied", "dismissed", "no_worker")
            self.problem = self._text(f"alerts.error.{error if error in known else 'subscribe'}")
            if error == "denied":
                self.support = "denied"
            return rx.set_focus("alerts-result")
        try:
            reminders_devices.subscribe(self._person_id, result["subscription"], self.router.headers.user_agent,
                                        self.lang)
        except SubscriptionProblem:
            self.problem = self._text("alerts.error.subscribe")
            return rx.set_focus("alerts-result")
        endpoint_given = result["subscription"].get("endpoint") if isinstance(result["subscription"], dict) else ""
        self._this_endpoint = endpoint_given if isinstance(endpoint_given, str) else ""
        self.notice = self._text("alerts.turned_on")
        self._load_devices()
        return rx.set_focus("alerts-result")

    def _chosen(self, place: int) -> int | None:
        return self._device_ids[place] if 0 <= place < len(self._device_ids) else None

    @rx.event
    @endpoint("signed_in", int)
    def turn_off(self, choice: int):
        self.notice, self.problem = "", ""
        device_id = self._chosen(choice)
        this_one = device_id is not None and device_id == reminders_devices.device_of(self._person_id, self._this_endpoint)
        if device_id is None or not reminders_devices.unsubscribe(self._person_id, device_id):
            self.problem = self._text("alerts.error.turn_off")
            self._load_devices()
            return rx.set_focus("alerts-result")
        self.notice = self._text("alerts.turned_off")
        self._load_devices()
        events = [rx.set_focus("alerts-result")]
        if this_one:
            self._this_endpoint = ""
            events.insert(0, rx.call_script(UNSUBSCRIBE_JS))
        return events

    @rx.event
    @endpoint("signed_in", int)
    def send_test(self, choice: int):
        self.notice, self.problem = "", ""
        device_id = self._chosen(choice)
        outcome = reminders_devices.send_test(self._person_id, device_id, self.lang) if device_id is not None \
            else "not_yours"
        if outcome == "delivered":
            self.notice = self._text("alerts.test_sent")
        else:
            known = ("gone", "retry", "failed", "refused")
            self.problem = self._text(f"alerts.test.{outcome if outcome in known else 'failed'}")
        self._load_devices()
        return rx.set_focus("alerts-result")

    @rx.event
    @endpoint("signed_in", dict)
    def save_preferences(self, form: dict):
        self.preferences_notice, self.preferences_problem, self.form_problems = "", "", {}
        try:
            reminder_preferences.save(self._person_id, form)
        except FormProblem as problem:
            self.form_problems = {field: self._text(f"form.problem.{code}") for field, code in problem.problems.items()}
            self.preferences_problem = self._text("alerts.error.preferences")
            return rx.set_focus("preferences-result")
        self._load_preferences()
        self.preferences_notice = self._text("alerts.preferences_saved")
        return rx.set_focus("preferences-result")
