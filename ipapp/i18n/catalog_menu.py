"""Texts added for issue 13 (the menu that fits each person, the access log). Merged into ipapp.i18n.catalog."""

from ipapp.i18n.entry import three as _t

MESSAGES: dict[str, dict[str, str]] = {
    "nav.unit": _t("Enheten", "Eininga", "Unit"),
}
