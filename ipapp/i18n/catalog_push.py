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
    # The plan's review date, 14 days ahead and on the day. {day}: "3. mars 2027"
    "push.review.title_soon": _t(
        "Planen din skal gjennomgås snart",
        "Planen din skal gjennomgåast snart",
        "Your plan is due for review soon",
    ),
    "push.review.title_today": _t(
        "Planen din skal gjennomgås i dag",
        "Planen din skal gjennomgåast i dag",
        "Your plan is due for review today",
    ),
    "push.review.coordinator_title_soon": _t(
        "En plan du koordinerer skal gjennomgås snart",
        "Ein plan du koordinerer skal gjennomgåast snart",
        "A plan you coordinate is due for review soon",
    ),
    "push.review.coordinator_title_today": _t(
        "En plan du koordinerer skal gjennomgås i dag",
        "Ein plan du koordinerer skal gjennomgåast i dag",
        "A plan you coordinate is due for review today",
    ),
    "push.review.body": _t(
        "Neste gjennomgang er {day}. Trykk for å se planen.",
        "Neste gjennomgang er {day}. Trykk for å sjå planen.",
        "The next review is on {day}. Tap to see the plan.",
    ),
    # A grant that ends within a week: never whose it is or what it covers. {day}: its last day
    "push.grant.title": _t(
        "En tilgang til planen din slutter snart",
        "Ein tilgang til planen din sluttar snart",
        "Someone's access to your plan ends soon",
    ),
    "push.grant.body": _t(
        "Den varer til og med {day}. Trykk for å forlenge den eller la den slutte.",
        "Han varer til og med {day}. Trykk for å forlengje han eller la han slutte.",
        "It lasts up to and including {day}. Tap to renew it or let it end.",
    ),
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
    # "Varsler" in Meg: both meeting reminders at the same time
    "form.problem.same_reminder_time": _t(
        "Velg en annen tid enn for den første påminnelsen.",
        "Vel ei anna tid enn for den første påminninga.",
        "Choose another time than for the first reminder.",
    ),
}
