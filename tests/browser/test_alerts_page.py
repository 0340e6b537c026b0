""""Varsler" on Meg, in a real browser, on a plan made through the services: the owner turns
reminders on, sees this device in the list, sends herself a test that the tests' push service
on loopback decrypts, chooses which reminders she wants (a bad choice is refused under its field,
nothing saved), sees what was sent to her, and turns the device off.

A real pushManager.subscribe cannot reach a push service from here, so only that call (and
getSubscription, which must then return the same subscription) is stubbed: it hands the page a
subscription of a fake browser of the loopback push service, keys and all. Everything after it
is real: the server stores it, the sender encrypts to its keys and signs with VAPID, and the
push service decrypts and verifies."""

import json
import re
import time

import pytest
from living_plan import make_plan
from playwright.sync_api import expect
from push_server import PushService
from soft_authenticator import SoftAuthenticator

from ipapp.config import reset_settings_cache
from ipapp.services import invitations, messaging, reminder_preferences, reminders_devices
from ipapp.services.reminders_worker import new_sender

pytestmark = pytest.mark.browser

# The page's subscription: the fake browser's, kept in sessionStorage so a reload still has it.
STUB_PUSH = r"""(() => {
  const fake = __FAKE__;
  const KEY = "ipapp-test-subscription";
  const current = () => (sessionStorage.getItem(KEY) ? {
    endpoint: fake.endpoint,
    toJSON: () => fake,
    unsubscribe: async () => { sessionStorage.removeItem(KEY); sessionStorage.setItem("ipapp-test-unsubscribed", "1"); return true; },
  } : null);
  PushManager.prototype.subscribe = async function (options) {
    sessionStorage.setItem("ipapp-test-key-length", String(options.applicationServerKey.byteLength));
    sessionStorage.setItem(KEY, "1");
    return current();
  };
  PushManager.prototype.getSubscription = async function () { return current(); };
})();"""


@pytest.fixture
def push_service():
    with PushService() as service:
        yield service


def _signed_in_owner(phone_context, app_url: str, push_service: PushService):
    plan = make_plan("Varsler")
    phone = SoftAuthenticator(origin=app_url)
    invitation = plan.invitations["owner"]
    invitations.redeem(invitation.code, phone.register(invitations.registration_options(invitation.code)), "Telefon")
    fake = push_service.browser()
    context = phone_context()
    context.grant_permissions(["notifications"], origin=app_url)
    context.add_init_script(STUB_PUSH.replace("__FAKE__", json.dumps(fake.subscription())))
    response = context.request.post(f"{app_url}/auth/demo/{plan.owner_id}", headers={"Origin": app_url},
                                    max_redirects=0)
    assert response.status == 303
    page = context.new_page()
    page.set_default_timeout(20_000)
    return plan, fake, page


def _press(page, name) -> None:
    """By keyboard: focus the button by its name and press Enter."""
    button = page.get_by_role("button", name=name)
    button.focus()
    page.keyboard.press("Enter")


def _for_device(action: str, label: str) -> re.Pattern:
    """A device's button: "Send et prøvevarsel: Chrome på Linux", its visible words first."""
    return re.compile(rf"^{re.escape(action)}: {re.escape(label)}$")


def _wait_for(condition, seconds: float = 15.0):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.1)
    return condition()


def test_turn_on_test_choose_and_turn_off(app_database, app_url, phone_context, push_service,
                                          assert_accessible, save_screenshot):
    plan, fake, page = _signed_in_owner(phone_context, app_url, push_service)

    page.goto(f"{app_url}/meg")
    page.get_by_role("link", name="Varsler og kalender").click()
    expect(page.get_by_role("heading", level=1, name="Varsler og kalender")).to_be_visible()
    expect(page.get_by_text("Varsler er ikke slått på på noen enhet.")).to_be_visible()
    assert_accessible(page, "alerts-before")

    # Turn on: the permission is asked inside the tap, the browser subscribes with the VAPID key.
    _press(page, "Slå på varsler på denne enheten")
    expect(page.locator("#alerts-result")).to_contain_text("Varsler er slått på på denne enheten.")
    expect(page.locator("#alerts-result")).to_be_focused()
    assert page.evaluate("sessionStorage.getItem('ipapp-test-key-length')") == "65"  # a P-256 point
    devices = reminders_devices.list_devices(plan.owner_id, "nb")
    assert len(devices) == 1 and "Chrome" in devices[0].label
    expect(page.get_by_text("(denne enheten)")).to_be_visible()
    expect(page.get_by_role("button", name="Slå på varsler på denne enheten")).to_have_count(0)

    # After a reload the page still knows this browser is the device in the list.
    page.reload()
    expect(page.get_by_text("(denne enheten)")).to_be_visible()
    save_screenshot(page, "alerts-on")
    assert_accessible(page, "alerts-on")

    # A test notification goes through the real sender to the push service, which decrypts it.
    _press(page, _for_device("Send et prøvevarsel", devices[0].label))
    expect(page.locator("#alerts-result")).to_contain_text("Prøvevarselet er sendt.")
    got = _wait_for(push_service.delivered)
    assert len(got) == 1 and got[0].token == fake.token, [r.problem for r in push_service.received]
    assert got[0].message["title"] == "Varsler er slått på" and got[0].message["url"] == "/meg"
    assert got[0].claims["aud"] == push_service.origin and got[0].claims["exp"] > time.time()

    # Which reminders: a bad choice (both at the same time) is refused under its field, nothing saved.
    page.select_option("#preferences-meeting-first", label="2 timer før")
    page.select_option("#preferences-meeting-second", label="2 timer før")
    _press(page, "Lagre valgene")
    expect(page.locator("#preferences-result")).to_contain_text("Valgene ble ikke lagret.")
    assert reminder_preferences.get(plan.owner_id) == reminder_preferences.Preferences(1440, 120, True, True, True)
    # The form keeps what she chose: she corrects one field and saves.
    expect(page.locator("#preferences-meeting-second")).to_have_value(
        str(reminder_preferences.MEETING_OFFSET_CHOICES.index(120)))
    page.select_option("#preferences-meeting-first", label="1 time før")
    page.select_option("#preferences-meeting-second", label="Av")
    page.get_by_label("Når du får en ny melding").uncheck()
    _press(page, "Lagre valgene")
    expect(page.locator("#preferences-result")).to_contain_text("Valgene er lagret.")
    assert reminder_preferences.get(plan.owner_id) == reminder_preferences.Preferences(60, None, False, True, True)
    page.reload()
    expect(page.locator("#preferences-meeting-first")).to_have_value(
        str(reminder_preferences.MEETING_OFFSET_CHOICES.index(60)))
    expect(page.locator("#preferences-meeting-second")).to_have_value("off")
    expect(page.get_by_label("Når du får en ny melding")).not_to_be_checked()

    # She wants messages again; the coordinator writes; the sender delivers; the page lists it.
    page.get_by_label("Når du får en ny melding").check()
    _press(page, "Lagre valgene")
    expect(page.locator("#preferences-result")).to_contain_text("Valgene er lagret.")
    messaging.start_thread(plan.coordinator_id, plan.plan_id, {"subject": "Time hos fastlegen", "body": "Hei!"})
    reset_settings_cache()
    sender = new_sender()
    try:
        sender.run_until_idle()
    finally:
        sender.push.close()
    delivered = _wait_for(lambda: len(push_service.delivered()) >= 2 and push_service.delivered())
    assert delivered[1].message["title"] == "Nytt svar fra koordinatoren", delivered[1].message
    page.reload()
    sent = page.get_by_role("region", name="Varsler sendt til deg")
    expect(sent.get_by_role("link", name="Nytt svar fra koordinatoren")).to_be_visible()
    save_screenshot(page, "alerts-sent")

    # Turn this device off: gone from the list, and the browser's own subscription is ended too.
    _press(page, _for_device("Slå av", devices[0].label))
    expect(page.locator("#alerts-result")).to_contain_text("Varsler er slått av på enheten.")
    expect(page.get_by_text("Varsler er ikke slått på på noen enhet.")).to_be_visible()
    assert reminders_devices.list_devices(plan.owner_id, "nb") == []
    assert _wait_for(lambda: page.evaluate("sessionStorage.getItem('ipapp-test-unsubscribed')") == "1", 5)
    expect(page.get_by_role("button", name="Slå på varsler på denne enheten")).to_be_visible()
    assert_accessible(page, "alerts-off")

