"""What a notification says, in the person's language. A lock screen shows it to anyone nearby,
so it carries no health information: no meeting title, agenda or place, no sender's name, no
message text, no name of whom a grant is to or what it covers; only that something is coming and
when, and a link that opens it after sign-in."""

import hashlib
from datetime import date, datetime

from ipapp.domain.vocabulary import ReminderKind
from ipapp.i18n import translate
from ipapp.i18n.dates import format_date, format_when

# How long a push service keeps a message for a phone that is offline (pywebpush's default, 0,
# drops it at once). A meeting reminder never outlives the meeting (capped per row in ttl_for).
TTL_SECONDS = {
    ReminderKind.MEETING.value: 24 * 3600,
    ReminderKind.MESSAGE.value: 2 * 24 * 3600,
    ReminderKind.REVIEW.value: 2 * 24 * 3600,
    ReminderKind.GRANT_EXPIRY.value: 24 * 3600,
}
TEST_TTL_SECONDS = 300  # "send a test": useless once she has stopped looking


def ttl_for(kind: str, payload: dict, now: datetime) -> int:
    ttl = TTL_SECONDS.get(kind, 3600)
    starts = payload.get("starts_at")
    if kind == ReminderKind.MEETING.value and starts:
        ttl = min(ttl, int((datetime.fromisoformat(starts) - now).total_seconds()))
    return max(ttl, 60)


def tag_for(subject: str) -> str:
    """The notification tag: a newer reminder about the same meeting or thread replaces the older
    one on the device. A hash, so the tag says nothing either."""
    return "ip-" + hashlib.sha256(subject.encode()).hexdigest()[:16]


def notification(kind: str, payload: dict, plan_id: int | None, subject: str, locale: str, now: datetime) -> dict:
    """The JSON the service worker shows: title, body, the page to open, and a tag."""
    if kind == ReminderKind.MEETING.value:
        when = format_when(datetime.fromisoformat(payload["starts_at"]), now, locale)
        title, body = translate("push.meeting.title", locale, when=when), translate("push.meeting.body", locale)
        url = f"/moter?plan={plan_id}&mote={payload['meeting_id']}"
    elif kind == ReminderKind.MESSAGE.value:
        key = "push.message.title_from_coordinator" if payload.get("from_coordinator") else "push.message.title"
        title, body = translate(key, locale), translate("push.message.body", locale)
        url = f"/meldinger?plan={plan_id}&samtale={payload['thread_id']}"
    elif kind == ReminderKind.REVIEW.value:
        title = _review_title(payload.get("as") == "coordinator", payload.get("days_before") == 0, locale)
        body = translate("push.review.body", locale, day=format_date(date.fromisoformat(payload["review_on"]), locale))
        url = f"/?plan={plan_id}"
    elif kind == ReminderKind.GRANT_EXPIRY.value:
        title = translate("push.grant.title", locale)
        body = translate("push.grant.body", locale, day=format_date(date.fromisoformat(payload["last_day"]), locale))
        url = f"/deling?plan={plan_id}"
    else:
        raise ValueError(f"no notification for kind {kind!r}")
    return {"title": title, "body": body, "url": url, "tag": tag_for(subject)}


def _review_title(coordinating: bool, today: bool, locale: str) -> str:
    """"Your plan" to its owner and guardians; "a plan you coordinate" (never whose) to the coordinator."""
    if coordinating:
        return translate("push.review.coordinator_title_today" if today else "push.review.coordinator_title_soon", locale)
    return translate("push.review.title_today" if today else "push.review.title_soon", locale)


def sample_notification(locale: str) -> dict:
    return {"title": translate("push.test.title", locale), "body": translate("push.test.body", locale),
            "url": "/meg", "tag": "ip-test"}
