"""Is a Web Push endpoint one we may POST to? The browser hands us the URL, so it is attacker-
controlled input: without this check ipapp would send requests wherever a forged subscription
points (169.254.169.254, the database host, an internal admin page).

Accepted: https, port 443 (explicit or implied), no userinfo, no fragment, a plain ASCII host
name that is in the allow-list. A pattern "*.notify.windows.com" matches subdomains only, on a
label boundary ("a.notify.windows.com", never "notify.windows.com" or "evilnotify.windows.com").
Refused: IP literals in any spelling (127.0.0.1, [::1], 2130706433, 0x7f.1, 017700000001),
trailing dots, percent-escapes, punycode (xn--) and non-ASCII hosts (confusables), and anything
that merely ends with or contains an allowed name. Checked when a subscription is stored and
again before every send (the allow-list may have shrunk since).

The tests' loopback push service is reachable only through `test_loopback` (the setting
IPAPP_PUSH_TEST_LOOPBACK, which production refuses): then http(s)://127.0.0.1:<any port> is
allowed too, and nothing else.
"""

import ipaddress
import re
from dataclasses import dataclass
from urllib.parse import urlsplit

DEFAULT_PUSH_HOSTS = (
    "fcm.googleapis.com",  # Chrome, Edge on Android, most Chromium browsers
    "updates.push.services.mozilla.com",  # Firefox
    "web.push.apple.com",  # Safari on iOS (home screen app) and macOS
    "*.notify.windows.com",  # Edge on Windows (WNS)
)
# What a browser reports for a subscription it has dropped: delete ours, never POST to it.
REMOVED_HOST = "permanently-removed.invalid"
TEST_LOOPBACK_HOST = "127.0.0.1"
MAX_ENDPOINT_LENGTH = 1000  # the column's size

_LABEL = re.compile(r"[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?")
_PATTERN = re.compile(r"(\*\.)?[a-z0-9.-]+")


@dataclass(frozen=True)
class EndpointCheck:
    allowed: bool
    reason: str  # "ok", or a short code saying why not (logged, never shown)

    @property
    def removed(self) -> bool:
        """The browser has dropped this subscription: delete it."""
        return self.reason == "removed"


def check_endpoint(url: object, hosts: tuple[str, ...] | None = None, *, test_loopback: bool | None = None) -> EndpointCheck:
    """May ipapp POST a push message to `url`? `hosts` and `test_loopback` default to the settings."""
    if hosts is None or test_loopback is None:
        from ipapp.config import settings

        push = settings().push
        hosts = push.allowed_hosts if hosts is None else hosts
        test_loopback = push.test_loopback if test_loopback is None else test_loopback
    reason = _problem(url, hosts, test_loopback)
    return EndpointCheck(reason is None, reason or "ok")


def _problem(url: object, hosts: tuple[str, ...], test_loopback: bool) -> str | None:
    if not isinstance(url, str) or not url:
        return "not_text"
    if len(url) > MAX_ENDPOINT_LENGTH:
        return "too_long"
    if not url.isascii():
        return "not_ascii"  # IDN and confusables (a Cyrillic "о" in googleapis) never get this far
    if any(c.isspace() or ord(c) < 0x21 or ord(c) == 0x7F or c == "\\" for c in url):
        return "bad_characters"  # parsers disagree about these; refuse rather than guess
    parts = urlsplit(url)
    if parts.fragment or url.endswith("#"):
        return "fragment"
    netloc = parts.netloc
    if "@" in netloc:
        return "userinfo"
    if netloc.startswith("["):
        return "ip_literal"
    try:
        port = parts.port
    except ValueError:
        return "port"
    host = (parts.hostname or "").lower()
    if not host:
        return "bad_host"
    if test_loopback and host == TEST_LOOPBACK_HOST and parts.scheme in ("http", "https") and netloc.lower() in (
            host, f"{host}:{port}"):
        return None if parts.path.startswith("/") else "no_path"
    if parts.scheme != "https":
        return "not_https"
    if port not in (None, 443) or (":" in netloc and port is None):
        return "port"
    if netloc.lower() not in (host, f"{host}:443"):
        return "bad_host"  # something urlsplit tolerated around the host
    if _is_ip(host):
        return "ip_literal"
    if host == REMOVED_HOST:
        return "removed"
    if not _plain_host_name(host):
        return "punycode" if any(label.startswith("xn--") for label in host.split(".")) else "bad_host"
    if not parts.path.startswith("/") or parts.path == "/":
        return "no_path"
    if not host_allowed(host, hosts):
        return "not_allowed"
    return None


def _is_ip(host: str) -> bool:
    """Any spelling a resolver might take as an address: dotted, one decimal number, octal, hex."""
    try:
        ipaddress.ip_address(host)
        return True
    except ValueError:
        pass
    labels = host.split(".")
    # inet_aton() reads "2130706433", "0x7f.1", "017700000001" and "127.1" as 127.0.0.1.
    return all(re.fullmatch(r"0x[0-9a-f]*|[0-9]+", label) for label in labels if label) or (
        bool(labels) and labels[-1].isdigit())


def _plain_host_name(host: str) -> bool:
    """Lowercase ASCII letters, digits and inner hyphens, 2+ labels, no punycode, no trailing dot."""
    labels = host.split(".")
    return (len(host) <= 253 and len(labels) >= 2 and all(_LABEL.fullmatch(label) for label in labels)
            and not any(label.startswith("xn--") for label in labels) and not labels[-1].isdigit())


def host_allowed(host: str, hosts: tuple[str, ...]) -> bool:
    """Exactly one of the names, or a subdomain of a "*." pattern (on a label boundary)."""
    for pattern in hosts:
        if pattern.startswith("*."):
            suffix = pattern[1:]  # ".notify.windows.com"
            if host.endswith(suffix) and len(host) > len(suffix):
                return True
        elif host == pattern:
            return True
    return False


def pattern_problem(pattern: str) -> str | None:
    """Why an allow-list entry cannot be used (None if it can): a host name or "*." + one."""
    name = pattern.removeprefix("*.")
    if not _PATTERN.fullmatch(pattern) or "*" in name or not _plain_host_name(name) or _is_ip(name):
        return "must be a host name such as fcm.googleapis.com or a pattern such as *.notify.windows.com"
    if pattern.startswith("*.") and len(name.split(".")) < 2:
        return "a wildcard needs at least two labels after it (*.example.com)"
    return None
