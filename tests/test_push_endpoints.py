"""The push endpoint is attacker-controlled: only https on port 443 to a host in the allow-list,
never an IP literal in any spelling, a look-alike, a suffix trick, userinfo or an IDN confusable.
The tests' loopback override is explicit, narrow, and refused in production."""

import pytest

from ipapp.config import ConfigError, load_settings
from ipapp.push.endpoints import DEFAULT_PUSH_HOSTS, check_endpoint

FCM = "https://fcm.googleapis.com/fcm/send/dQw4w9WgXcQ:APA91bH"

ALLOWED = [
    FCM,
    "https://fcm.googleapis.com:443/fcm/send/abc",  # the implied port, written out
    "HTTPS://FCM.GOOGLEAPIS.COM/fcm/send/abc",  # scheme and host are case-insensitive
    "https://updates.push.services.mozilla.com/wpush/v2/gAAAAABk",
    "https://web.push.apple.com/QGuQyavXutnMH2ZgIRHZnI",
    "https://wns2-par02p.notify.windows.com/w/?token=BQYAAAB",  # a subdomain of *.notify.windows.com
    "https://a.b.notify.windows.com/w/?token=x",  # deeper subdomains too
]

REFUSED = [
    ("http://fcm.googleapis.com/fcm/send/abc", "not_https"),
    ("ftp://fcm.googleapis.com/fcm/send/abc", "not_https"),
    ("//fcm.googleapis.com/fcm/send/abc", "not_https"),
    ("https://user:pass@fcm.googleapis.com/fcm/send/abc", "userinfo"),
    ("https://fcm.googleapis.com@evil.example/fcm/send/abc", "userinfo"),
    ("https://fcm.googleapis.com:8443/fcm/send/abc", "port"),
    ("https://fcm.googleapis.com:80/fcm/send/abc", "port"),
    ("https://fcm.googleapis.com:/fcm/send/abc", "port"),
    ("https://fcm.googleapis.com:0443/fcm/send/abc", "bad_host"),
    ("https://fcm.googleapis.com:99999/fcm/send/abc", "port"),
    ("https://169.254.169.254/latest/meta-data/", "ip_literal"),
    ("https://127.0.0.1/push/abc", "ip_literal"),
    ("https://[::1]/push/abc", "ip_literal"),
    ("https://[::ffff:127.0.0.1]/push/abc", "ip_literal"),
    ("https://2130706433/push/abc", "ip_literal"),  # 127.0.0.1 as one decimal number
    ("https://0x7f.1/push/abc", "ip_literal"),  # hex and a short form
    ("https://017700000001/push/abc", "ip_literal"),  # octal
    ("https://0x7f000001/push/abc", "ip_literal"),
    ("https://127.1/push/abc", "ip_literal"),
    ("https://fcm.googleapis.com.evil.example/fcm/send/abc", "not_allowed"),  # the name as a prefix
    ("https://evilfcm.googleapis.com/fcm/send/abc", "not_allowed"),  # the name as a suffix
    ("https://fcm-googleapis.com/fcm/send/abc", "not_allowed"),  # a look-alike
    ("https://googleapis.com/fcm/send/abc", "not_allowed"),  # the parent of an allowed name
    ("https://sub.fcm.googleapis.com/fcm/send/abc", "not_allowed"),  # exact names have no subdomains
    ("https://notify.windows.com/w/?token=x", "not_allowed"),  # a wildcard is for subdomains only
    ("https://evilnotify.windows.com/w/?token=x", "not_allowed"),  # label boundary
    ("https://fcm.googleapis.com./fcm/send/abc", "bad_host"),  # trailing dot
    ("https://fcm.googleapis.cοm/fcm/send/abc", "not_ascii"),  # Greek omicron in "com"
    ("https://fcm.gооgleapis.com/fcm/send/abc", "not_ascii"),  # Cyrillic о
    ("https://xn--fcm-googleapis-xyz.com/fcm/send/abc", "punycode"),
    ("https://fcm.xn--googleapis-6ub.com/fcm/send/abc", "punycode"),
    ("https://fcm%2egoogleapis.com/fcm/send/abc", "bad_host"),  # a percent-escaped dot
    ("https://fcm.googleapis.com\\@evil.example/x", "bad_characters"),
    ("https://fcm.googleapis.com/fcm/send/a b", "bad_characters"),
    ("https://fcm.googleapis.com/fcm/send/abc\r\nHost: evil", "bad_characters"),
    ("https://fcm.googleapis.com/fcm/send/abc#frag", "fragment"),
    ("https://fcm.googleapis.com/", "no_path"),
    ("https:///fcm/send/abc", "bad_host"),
    ("https://localhost/push/abc", "bad_host"),  # one label: never a public push service
    ("https://permanently-removed.invalid/fcm/send/abc", "removed"),
    ("", "not_text"),
    ("https://fcm.googleapis.com/" + "a" * 1000, "too_long"),
]


@pytest.mark.parametrize("url", ALLOWED)
def test_real_push_service_endpoints_are_allowed(url):
    assert check_endpoint(url, DEFAULT_PUSH_HOSTS, test_loopback=False).allowed


@pytest.mark.parametrize("url, reason", REFUSED)
def test_everything_else_is_refused_with_its_reason(url, reason):
    check = check_endpoint(url, DEFAULT_PUSH_HOSTS, test_loopback=False)
    assert (check.allowed, check.reason) == (False, reason)


def test_at_least_thirty_urls_are_classified():
    assert len(ALLOWED) + len(REFUSED) >= 30


@pytest.mark.parametrize("value", [None, 42, b"https://fcm.googleapis.com/x", ["https://fcm.googleapis.com/x"]])
def test_a_forged_value_that_is_not_text_is_refused(value):
    assert check_endpoint(value, DEFAULT_PUSH_HOSTS, test_loopback=False).reason == "not_text"


def test_a_removed_endpoint_is_marked_for_deletion():
    check = check_endpoint("https://permanently-removed.invalid/fcm/send/x", DEFAULT_PUSH_HOSTS, test_loopback=False)
    assert check.removed and not check.allowed


def test_the_loopback_override_allows_127_0_0_1_only_and_only_when_asked():
    loopback = "http://127.0.0.1:8123/push/abc"
    assert check_endpoint(loopback, DEFAULT_PUSH_HOSTS, test_loopback=False).reason == "not_https"
    assert check_endpoint("https://127.0.0.1:8443/push/abc", DEFAULT_PUSH_HOSTS, test_loopback=False).reason == "port"
    assert check_endpoint(loopback, DEFAULT_PUSH_HOSTS, test_loopback=True).allowed
    assert check_endpoint("https://127.0.0.1:8443/push/abc", DEFAULT_PUSH_HOSTS, test_loopback=True).allowed
    for other in ["http://localhost:8123/push/abc", "http://127.0.0.2:8123/push/abc", "http://[::1]:8123/push/abc",
                  "http://2130706433:8123/push/abc", "http://169.254.169.254/latest", "http://x@127.0.0.1:8123/p",
                  "http://fcm.googleapis.com/fcm/send/abc"]:
        assert not check_endpoint(other, DEFAULT_PUSH_HOSTS, test_loopback=True).allowed, other


def test_the_allow_list_and_the_override_are_settings_and_default_to_the_four_services():
    development = load_settings({"IPAPP_ENV": "development"}).push
    assert development.allowed_hosts == DEFAULT_PUSH_HOSTS and not development.test_loopback
    configured = load_settings({"IPAPP_ENV": "development", "IPAPP_PUSH_HOSTS": "push.example.no, *.Push.Example.com",
                                "IPAPP_PUSH_TEST_LOOPBACK": "1"}).push
    assert configured.allowed_hosts == ("push.example.no", "*.push.example.com") and configured.test_loopback
    assert check_endpoint("https://a.push.example.com/x", configured.allowed_hosts, test_loopback=False).allowed
    assert not check_endpoint(FCM, configured.allowed_hosts, test_loopback=False).allowed


@pytest.mark.parametrize("entry", ["*", "*.com", "127.0.0.1", "2130706433", "fcm.*.com", "xn--e1afmkfd.example",
                                   "https://fcm.googleapis.com", "fcm.googleapis.com:443", "localhost"])
def test_an_unusable_allow_list_entry_is_refused_at_start(entry):
    with pytest.raises(ConfigError, match="IPAPP_PUSH_HOSTS"):
        load_settings({"IPAPP_ENV": "development", "IPAPP_PUSH_HOSTS": entry})
