"""Texts added for issue 13 (the menu that fits each person, the access log). Merged into ipapp.i18n.catalog."""


def _t(nb: str, nn: str, en: str) -> dict[str, str]:
    return {"nb": nb, "nn": nn, "en": en}


MESSAGES: dict[str, dict[str, str]] = {
    "nav.unit": _t("Enheten", "Eininga", "Unit"),
}
