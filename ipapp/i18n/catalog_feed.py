"""Texts of the private calendar feed (issue 12, item 6). Merged into ipapp.i18n.catalog."""

from ipapp.i18n.entry import three as _t  # noqa: F401

MESSAGES: dict[str, dict[str, str]] = {
}
