"""Texts of the installed app (issue 12): its name, the offline page, the service worker's own
notification, "Vis neste møte når jeg er uten nett" on /meg/varsler, and the pages a link opens.
Merged into ipapp.i18n.catalog.

Static files cannot use the catalog at run time, so they hold copies: the web app manifest
(assets/manifest.webmanifest), the offline page (assets/offline.html, in bokmål with nynorsk and
English lines, and assets/offline.js, every pwa.offline.* key in all three languages) and the
service worker (assets/sw.js, pwa.push.generic). tests/browser/test_installable.py checks that
every copy matches.
"""

from ipapp.i18n.entry import three as _t

MESSAGES: dict[str, dict[str, str]] = {
    # The name under the icon on the home screen (short) and in the install dialog and app list (long).
    "pwa.name": _t("ipapp – individuell plan", "ipapp – individuell plan", "ipapp – individual plan"),
    "pwa.short_name": _t("ipapp", "ipapp", "ipapp"),
    # The page the service worker shows when a page cannot be fetched. Without her consent it holds
    # nothing of the plan; with it, the next meetings' time and place and the coordinator's phone.
    "pwa.offline.page_title": _t("Uten nett · ipapp", "Utan nett · ipapp", "Offline · ipapp"),
    "pwa.offline.heading": _t("Du er uten nett", "Du er utan nett", "You are offline"),
    "pwa.offline.body": _t(
        "ipapp trenger nett for å vise planen din. Prøv igjen når du har dekning.",
        "ipapp treng nett for å vise planen din. Prøv igjen når du har dekning.",
        "ipapp needs the internet to show your plan. Try again when you have a connection.",
    ),
    "pwa.offline.retry": _t("Prøv igjen", "Prøv igjen", "Try again"),
    "pwa.offline.next_meeting": _t("Neste møte", "Neste møte", "Next meeting"),
    "pwa.offline.later_meetings": _t("Møtene etter det", "Møta etter det", "The meetings after that"),
    "pwa.offline.place": _t("Sted", "Stad", "Place"),
    "pwa.offline.coordinator": _t("Koordinator", "Koordinator", "Coordinator"),
    "pwa.offline.phone": _t("tlf.", "tlf.", "phone"),
    "pwa.offline.no_meeting": _t(
        "Du hadde ingen kommende møter sist du var på nett.",
        "Du hadde ingen komande møte sist du var på nett.",
        "You had no upcoming meetings when you were last online.",
    ),
    # {when}: "2. desember 2025 kl. 08.15", said when the copy was stored.
    "pwa.offline.saved": _t(
        "Lagret på denne telefonen {when}.",
        "Lagra på denne telefonen {when}.",
        "Stored on this phone {when}.",
    ),
    # The service worker's own notification when a push cannot be read (a copy is in sw.js).
    "pwa.push.generic": _t(
        "Du har et nytt varsel fra ipapp",
        "Du har eit nytt varsel frå ipapp",
        "You have a new notification from ipapp",
    ),
    # /meg/varsler: the opt-in for the offline page (ipapp/pages/offline_card.py).
    "pwa.offline_card.title": _t("Neste møte uten nett", "Neste møte utan nett", "Your next meeting offline"),
    "pwa.offline_card.switch": _t(
        "Vis neste møte når jeg er uten nett",
        "Vis neste møte når eg er utan nett",
        "Show my next meeting when I am offline",
    ),
    "pwa.offline_card.explained": _t(
        "Da lagres tid og sted for de neste møtene dine og telefonnummeret til koordinatoren på denne "
        "telefonen. Det slettes når du logger ut.",
        "Då blir tid og stad for dei neste møta dine og telefonnummeret til koordinatoren lagra på denne "
        "telefonen. Det blir sletta når du loggar ut.",
        "The time and place of your next meetings and your coordinator's phone number are then stored "
        "on this phone. They are deleted when you sign out.",
    ),
    "pwa.offline_card.stored": _t(
        "Lagret på denne telefonen.", "Lagra på denne telefonen.", "Stored on this phone."),
    "pwa.offline_card.removed": _t(
        "Slettet fra denne telefonen.", "Sletta frå denne telefonen.", "Deleted from this phone."),
    "pwa.offline_card.failed": _t(
        "Denne nettleseren kunne ikke lagre det. Prøv igjen.",
        "Denne nettlesaren kunne ikkje lagre det. Prøv igjen.",
        "This browser could not store it. Try again.",
    ),
    # The owner's access log (ipapp.services.log_words), for what went to someone's phone for the
    # offline page: targets "offline:meetings" and "offline:contacts".
    "accesslog.event.read_offline_meetings": _t(
        "Lagret tid og sted for de neste møtene på telefonen sin, til bruk uten nett",
        "Lagra tid og stad for dei neste møta på telefonen sin, til bruk utan nett",
        "Stored the time and place of the next meetings on their phone, for use offline",
    ),
    "accesslog.event.read_offline_contacts": _t(
        "Lagret koordinatorens telefonnummer på telefonen sin, til bruk uten nett",
        "Lagra telefonnummeret til koordinatoren på telefonen sin, til bruk utan nett",
        "Stored the coordinator's phone number on their phone, for use offline",
    ),
    # A link (from a notification) to a meeting or conversation she cannot see, or that is gone:
    # both look the same, so the link tells nothing about what she may not see.
    "pwa.link.meeting_missing": _t(
        "Vi finner ikke møtet som lenken viser til. Her er møtene du kan se.",
        "Vi finn ikkje møtet som lenka viser til. Her er møta du kan sjå.",
        "We cannot find the meeting this link points to. Here are the meetings you can see.",
    ),
    "pwa.link.thread_missing": _t(
        "Vi finner ikke samtalen som lenken viser til. Her er samtalene du kan se.",
        "Vi finn ikkje samtalen som lenka viser til. Her er samtalane du kan sjå.",
        "We cannot find the conversation this link points to. Here are the conversations you can see.",
    ),
}
