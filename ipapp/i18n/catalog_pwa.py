"""Texts of the installed app (issue 12, item 1). Merged into ipapp.i18n.catalog.

The web app manifest (assets/manifest.webmanifest) and the offline page (assets/offline.html) are
static files: they hold copies of these texts, in bokmål with nynorsk and English lines on the
offline page. tests/browser/test_installable.py checks that the copies match.
"""

from ipapp.i18n.entry import three as _t

MESSAGES: dict[str, dict[str, str]] = {
    # The name under the icon on the home screen (short) and in the install dialog and app list (long).
    "pwa.name": _t("ipapp – individuell plan", "ipapp – individuell plan", "ipapp – individual plan"),
    "pwa.short_name": _t("ipapp", "ipapp", "ipapp"),
    # The page the service worker shows when a page cannot be fetched. It holds nothing of the plan.
    "pwa.offline.page_title": _t("Uten nett · ipapp", "Utan nett · ipapp", "Offline · ipapp"),
    "pwa.offline.heading": _t("Du er uten nett", "Du er utan nett", "You are offline"),
    "pwa.offline.body": _t(
        "ipapp trenger nett for å vise planen din. Prøv igjen når du har dekning.",
        "ipapp treng nett for å vise planen din. Prøv igjen når du har dekning.",
        "ipapp needs the internet to show your plan. Try again when you have a connection.",
    ),
    "pwa.offline.retry": _t("Prøv igjen", "Prøv igjen", "Try again"),
}
