"""A person's devices for push reminders ("Varsler" in Meg): turn on (store the browser's
subscription), list, turn off per device, send a test. Only the signed-in person's own devices:
a device id from the browser that is someone else's, or none at all, is refused alike.

The subscription is attacker-controlled input: the endpoint must pass the allow-list
(ipapp.push.endpoints), the keys must be a P-256 point and a 16-byte secret, and a bad one is
one log line and a SubscriptionProblem, never a crash.
"""

import base64
import binascii
import logging
import re
from dataclasses import dataclass

from cryptography.hazmat.primitives.asymmetric import ec
from sqlmodel import col, select

from ipapp.config import settings
from ipapp.db import transaction
from ipapp.i18n import normalize_locale, translate
from ipapp.i18n.dates import format_when
from ipapp.models import Person, PushSubscription, utcnow
from ipapp.push.endpoints import check_endpoint
from ipapp.push.notifications import TEST_TTL_SECONDS, sample_notification
from ipapp.push.sender import Outcome, PushSender

log = logging.getLogger("ipapp.push")
MAX_DEVICES = 20  # per person; a script registering thousands would make every reminder slow


class SubscriptionProblem(Exception):
    """Not stored; `code` says why (for the log and the screen's message)."""

    def __init__(self, code: str):
        super().__init__(code)
        self.code = code


@dataclass(frozen=True)
class Device:
    device_id: int  # the server's id; a page keeps it server-side and offers places in this list
    label: str  # "Chrome på Android"
    added: str  # "Slått på 3. mars 2027 kl. 10.00"


def public_key() -> str:
    """The applicationServerKey for pushManager.subscribe (base64url): the VAPID public key."""
    return settings().push.vapid_public_key


def _decoded(value: object, max_length: int) -> bytes | None:
    if not isinstance(value, str) or not value or len(value) > max_length or not re.fullmatch(r"[A-Za-z0-9_-]+=*", value):
        return None
    try:
        return base64.urlsafe_b64decode(value + "=" * (-len(value) % 4))
    except (binascii.Error, ValueError):
        return None


def _keys(subscription: object) -> tuple[str, str, str]:
    if not isinstance(subscription, dict) or not isinstance(subscription.get("keys"), dict):
        raise SubscriptionProblem("malformed")
    endpoint, keys = subscription.get("endpoint"), subscription["keys"]
    p256dh, auth = _decoded(keys.get("p256dh"), 200), _decoded(keys.get("auth"), 100)
    if p256dh is None or auth is None or len(auth) != 16 or len(p256dh) != 65:
        raise SubscriptionProblem("bad_keys")
    try:
        ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), p256dh)
    except ValueError:
        raise SubscriptionProblem("bad_keys") from None
    check = check_endpoint(endpoint)
    if not check.allowed:
        raise SubscriptionProblem(f"endpoint_{check.reason}")
    return endpoint, keys["p256dh"], keys["auth"]


def subscribe(person_id: int | None, subscription: object, user_agent: object = "", locale: object = None) -> int:
    """Store this browser's subscription for the person (PushSubscription.toJSON()); the device id.
    The same endpoint again updates it; one another person registered moves to her (the browser
    is hers now: the previous person's reminders must not show on it). `locale`, the language of
    the page she turned reminders on in, becomes the language her reminders are written in."""
    try:
        endpoint, p256dh, auth = _keys(subscription)
    except SubscriptionProblem as problem:
        log.warning("push subscription refused for person %s: %s", person_id, problem.code)
        raise
    agent = user_agent[:300] if isinstance(user_agent, str) else ""
    with transaction() as session:
        person = session.get(Person, person_id) if isinstance(person_id, int) else None
        if person is None:
            raise SubscriptionProblem("not_signed_in")
        if locale is not None:
            person.locale = normalize_locale(locale)
            session.add(person)
        row = session.exec(select(PushSubscription).where(PushSubscription.endpoint == endpoint)).first()
        active = session.exec(select(PushSubscription.id).where(
            PushSubscription.person_id == person_id, col(PushSubscription.revoked_at).is_(None))).all()
        if (row is None or row.person_id != person_id or row.revoked_at is not None) and len(active) >= MAX_DEVICES:
            log.warning("push subscription refused for person %s: too_many_devices", person_id)
            raise SubscriptionProblem("too_many_devices")
        if row is None:
            row = PushSubscription(person_id=person_id, endpoint=endpoint, created_at=utcnow())
        elif row.person_id != person_id:
            log.info("push subscription %s moves from person %s to person %s", row.id, row.person_id, person_id)
            row.person_id, row.created_at = person_id, utcnow()
        row.p256dh, row.auth, row.user_agent, row.revoked_at = p256dh, auth, agent, None
        session.add(row)
        session.flush()
        return row.id


def _own(session, person_id: int | None, device_id: object) -> PushSubscription | None:
    if not isinstance(person_id, int) or not isinstance(device_id, int) or isinstance(device_id, bool):
        return None
    row = session.get(PushSubscription, device_id)
    if row is None or row.person_id != person_id or row.revoked_at is not None:
        return None
    return row


def unsubscribe(person_id: int | None, device_id: object) -> bool:
    """Turn reminders off on one of her devices; False (and a log line) if it is not hers."""
    with transaction() as session:
        row = _own(session, person_id, device_id)
        if row is None:
            log.warning("push unsubscribe refused for person %s: device %r is not one of hers", person_id, device_id)
            return False
        row.revoked_at = utcnow()
        session.add(row)
        return True


def unsubscribe_endpoint(person_id: int | None, endpoint: object) -> bool:
    """Turn reminders off on this browser (it knows its endpoint, e.g. at sign-out)."""
    with transaction() as session:
        row = session.exec(select(PushSubscription).where(PushSubscription.endpoint == endpoint)).first() \
            if isinstance(endpoint, str) else None
        if row is None or row.person_id != person_id or row.revoked_at is not None:
            return False
        row.revoked_at = utcnow()
        session.add(row)
        return True


def device_of(person_id: int | None, endpoint: object) -> int | None:
    """Which of her devices this browser is (it knows its own endpoint), or None."""
    if not isinstance(person_id, int) or not isinstance(endpoint, str) or not endpoint:
        return None
    with transaction() as session:
        return session.exec(select(PushSubscription.id).where(
            PushSubscription.endpoint == endpoint, PushSubscription.person_id == person_id,
            col(PushSubscription.revoked_at).is_(None))).first()


def list_devices(person_id: int | None, locale: str) -> list[Device]:
    """Her devices with reminders on, oldest first."""
    if not isinstance(person_id, int):
        return []
    now = utcnow()
    with transaction() as session:
        rows = session.exec(select(PushSubscription).where(
            PushSubscription.person_id == person_id, col(PushSubscription.revoked_at).is_(None))
            .order_by(col(PushSubscription.created_at), col(PushSubscription.id))).all()
    return [Device(r.id, device_label(r.user_agent, locale),
                   translate("push.device.added", locale, date=format_when(r.created_at, now, locale))) for r in rows]


_BROWSERS = (("Edg/", "Edge"), ("SamsungBrowser", "Samsung Internet"), ("Firefox/", "Firefox"), ("FxiOS", "Firefox"),
             ("CriOS", "Chrome"), ("Chrome/", "Chrome"), ("Safari/", "Safari"))
_SYSTEMS = (("Android", "Android"), ("iPhone", "iPhone"), ("iPad", "iPad"), ("Windows", "Windows"),
            ("Mac OS X", "Mac"), ("CrOS", "ChromeOS"), ("Linux", "Linux"))


def device_label(user_agent: str, locale: str) -> str:
    """"Chrome på Android": enough to tell her devices apart, from the browser's own words."""
    browser = next((name for mark, name in _BROWSERS if mark in user_agent), None)
    system = next((name for mark, name in _SYSTEMS if mark in user_agent), None)
    return translate("push.device.label", locale, browser=browser or translate("push.device.unknown_browser", locale),
                     system=system or translate("push.device.unknown_system", locale))


def send_test(person_id: int | None, device_id: object, locale: str) -> str:
    """Send "Varsler er slått på" to one of her devices now; the outcome ("delivered", "gone":
    the device has dropped it and it is turned off here too, "retry", "failed", "refused", or
    "not_yours")."""
    with transaction() as session:
        row = _own(session, person_id, device_id)
        if row is None:
            log.warning("push test refused for person %s: device %r is not one of hers", person_id, device_id)
            return "not_yours"
        endpoint, p256dh, auth = row.endpoint, row.p256dh, row.auth
    sender = PushSender(settings().push)
    try:
        delivery = sender.send(endpoint, p256dh, auth, sample_notification(locale), ttl=TEST_TTL_SECONDS)
    finally:
        sender.close()
    if delivery.outcome == Outcome.GONE:
        with transaction() as session:
            gone = session.get(PushSubscription, device_id)
            gone.revoked_at = utcnow()
            session.add(gone)
    if delivery.outcome != Outcome.DELIVERED:
        log.info("push test to device %s: %s %s %s", device_id, delivery.outcome, delivery.status or "", delivery.detail)
    return delivery.outcome.value
