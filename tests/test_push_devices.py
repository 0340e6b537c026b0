"""A person's devices for reminders (the service functions "Varsler" in Meg will call): turning on
with a browser's subscription, the list, turning off per device, a test notification; and the
bad input a browser can send: a malformed subscription, someone else's device."""

import base64
import logging

import pytest
from living_plan import make_plan
from push_server import loopback_push

from ipapp.config import settings
from ipapp.services import reminders_devices
from ipapp.services.reminders_devices import SubscriptionProblem

PIXEL = "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Mobile Safari/537.36"
IPHONE = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1"


@pytest.fixture
def push(service_engine, monkeypatch):
    with loopback_push(monkeypatch) as service:
        yield service


@pytest.fixture
def plan(push):
    return make_plan()


def test_turn_on_list_test_and_turn_off_per_device(push, plan):
    phone, tablet = push.browser(), push.browser()
    first = reminders_devices.subscribe(plan.owner_id, phone.subscription(), PIXEL)
    second = reminders_devices.subscribe(plan.owner_id, tablet.subscription(), IPHONE)
    devices = reminders_devices.list_devices(plan.owner_id, "nb")
    assert [(d.device_id, d.label) for d in devices] == [(first, "Chrome på Android"), (second, "Safari på iPhone")]
    assert devices[0].added.startswith("Slått på i dag kl. ")
    assert reminders_devices.send_test(plan.owner_id, second, "nn") == "delivered"
    [got] = push.delivered()
    assert got.token == tablet.token and got.message["title"] == "Varsel er slått på"
    assert int(got.headers["ttl"]) > 0
    assert reminders_devices.unsubscribe(plan.owner_id, first)
    assert [d.device_id for d in reminders_devices.list_devices(plan.owner_id, "nb")] == [second]
    assert reminders_devices.unsubscribe_endpoint(plan.owner_id, tablet.endpoint)
    assert reminders_devices.list_devices(plan.owner_id, "nb") == []


def test_the_same_browser_again_updates_its_device_and_another_person_takes_it_over(push, plan):
    browser = push.browser()
    device = reminders_devices.subscribe(plan.owner_id, browser.subscription(), PIXEL)
    assert reminders_devices.subscribe(plan.owner_id, browser.subscription(), PIXEL) == device
    assert reminders_devices.subscribe(plan.guardian_id, browser.subscription(), PIXEL) == device
    assert reminders_devices.list_devices(plan.owner_id, "nb") == []
    assert [d.device_id for d in reminders_devices.list_devices(plan.guardian_id, "nb")] == [device]


def test_someone_elses_device_is_refused_alike_and_logged(push, plan, caplog):
    device = reminders_devices.subscribe(plan.owner_id, push.browser().subscription(), PIXEL)
    with caplog.at_level(logging.WARNING, logger="ipapp.push"):
        assert reminders_devices.unsubscribe(plan.coordinator_id, device) is False
        assert reminders_devices.send_test(plan.coordinator_id, device, "nb") == "not_yours"
        assert reminders_devices.unsubscribe(plan.owner_id, "1") is False  # a forged id, not a number
        assert reminders_devices.unsubscribe(None, device) is False
    assert len(caplog.records) == 4 and all("is not one of hers" in r.getMessage() for r in caplog.records)
    assert push.received == [] and len(reminders_devices.list_devices(plan.owner_id, "nb")) == 1


def _off_the_curve(p256dh: str) -> str:
    """The same length and form, but y no longer matches x: not a point on P-256."""
    raw = bytearray(base64.urlsafe_b64decode(p256dh + "=="))
    raw[40] ^= 0x01
    return base64.urlsafe_b64encode(bytes(raw)).rstrip(b"=").decode()


def _with(subscription: dict, **changes) -> dict:
    keys = {**subscription["keys"], **changes.pop("keys", {})}
    return {**subscription, "keys": keys, **changes}


@pytest.mark.parametrize("forge, code", [
    (lambda s: "not a dict", "malformed"),
    (lambda s: {"endpoint": s["endpoint"]}, "malformed"),
    (lambda s: _with(s, keys={"p256dh": "AAAA"}), "bad_keys"),
    (lambda s: _with(s, keys={"p256dh": _off_the_curve(s["keys"]["p256dh"])}), "bad_keys"),
    (lambda s: _with(s, keys={"auth": "c2hvcnQ"}), "bad_keys"),  # 5 bytes, not 16
    (lambda s: _with(s, keys={"auth": "<script>"}), "bad_keys"),
    (lambda s: _with(s, keys={"p256dh": None}), "bad_keys"),
    (lambda s: _with(s, endpoint="https://169.254.169.254/latest/meta-data/"), "endpoint_ip_literal"),
    (lambda s: _with(s, endpoint="https://fcm.googleapis.com.evil.example/fcm/send/x"), "endpoint_not_allowed"),
    (lambda s: _with(s, endpoint="https://permanently-removed.invalid/fcm/send/x"), "endpoint_removed"),
    (lambda s: _with(s, endpoint=["https://fcm.googleapis.com/x"]), "endpoint_not_text"),
])
def test_a_malformed_subscription_is_one_log_line_and_stores_nothing(push, plan, caplog, forge, code):
    with caplog.at_level(logging.WARNING, logger="ipapp.push"), pytest.raises(SubscriptionProblem) as problem:
        reminders_devices.subscribe(plan.owner_id, forge(push.browser().subscription()), PIXEL)
    assert problem.value.code == code
    assert [r.getMessage() for r in caplog.records] == [f"push subscription refused for person {plan.owner_id}: {code}"]
    assert reminders_devices.list_devices(plan.owner_id, "nb") == []


def test_nobody_signed_in_cannot_subscribe(push):
    with pytest.raises(SubscriptionProblem) as problem:
        reminders_devices.subscribe(None, push.browser().subscription(), PIXEL)
    assert problem.value.code == "not_signed_in"


def test_a_test_to_a_device_the_push_service_has_dropped_turns_it_off(push, plan):
    browser = push.browser()
    device = reminders_devices.subscribe(plan.owner_id, browser.subscription(), PIXEL)
    push.script((410, {}))
    assert reminders_devices.send_test(plan.owner_id, device, "nb") == "gone"
    assert reminders_devices.list_devices(plan.owner_id, "nb") == []


def test_the_browser_gets_the_vapid_public_key_to_subscribe_with(push):
    assert reminders_devices.public_key() == settings().push.vapid_public_key and len(reminders_devices.public_key()) == 87


def test_a_device_label_never_guesses(push):
    assert reminders_devices.device_label("", "en") == "Browser on unknown device"
    assert reminders_devices.device_label("Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:127.0) Gecko/20100101 Firefox/127.0",
                                          "nn") == "Firefox på Windows"
