"""Texts for Web Push reminders (issue 12). Merged into ipapp.i18n.catalog.

A notification shows on a lock screen where anyone may read it: it says that something is
coming and when, never what a meeting is about, who wrote or what a message says.
"""

from ipapp.i18n.entry import three as _t

MESSAGES: dict[str, dict[str, str]] = {
    # {when}: "i morgen kl. 10.00", "torsdag kl. 09.30" (ipapp.i18n.dates.format_when)
    "push.meeting.title": _t("Møte {when}", "Møte {when}", "Meeting {when}"),
    "push.meeting.body": _t(
        "Trykk for å se tid og sted.",
        "Trykk for å sjå tid og stad.",
        "Tap to see the time and place.",
    ),
    "push.message.title_from_coordinator": _t(
        "Nytt svar fra koordinatoren",
        "Nytt svar frå koordinatoren",
        "New reply from your coordinator",
    ),
    "push.message.title": _t(
        "Ny melding i planen din",
        "Ny melding i planen din",
        "New message in your plan",
    ),
    "push.message.body": _t("Trykk for å lese.", "Trykk for å lese.", "Tap to read."),
    "push.test.title": _t("Varsler er slått på", "Varsel er slått på", "Notifications are on"),
    "push.test.body": _t(
        "Slik ser et varsel fra planen din ut.",
        "Slik ser eit varsel frå planen din ut.",
        "This is how a notification from your plan looks.",
    ),
    # The devices list in Meg ("Varsler"): which browser on which system, and since when.
    "push.device.label": _t("{browser} på {system}", "{browser} på {system}", "{browser} on {system}"),
    "push.device.unknown_browser": _t("Nettleser", "Nettlesar", "Browser"),
    "push.device.unknown_system": _t("ukjent enhet", "ukjend eining", "unknown device"),
    "push.device.added": _t("Slått på {date}", "Slått på {date}", "Turned on {date}"),
}
