"""Texts of the "Varsler" page on Meg (issue 12, item 3). Merged into ipapp.i18n.catalog."""

from ipapp.i18n.entry import three as _t

MESSAGES: dict[str, dict[str, str]] = {
    "alerts.title": _t("Varsler og kalender", "Varsel og kalender", "Notifications and calendar"),
}
