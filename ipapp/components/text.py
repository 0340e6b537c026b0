"""t(key): a catalog text in the tab's language, switched in the browser without a round trip."""

import reflex as rx

from ipapp.i18n import DEFAULT_LOCALE, SUPPORTED_LOCALES
from ipapp.i18n.catalog import MESSAGES
from ipapp.state.session import SessionState


def t(key: str) -> rx.Var:
    texts = MESSAGES[key]  # a missing key fails at build time, not in front of a person
    by_locale = {loc: texts.get(loc) or texts[DEFAULT_LOCALE] for loc in SUPPORTED_LOCALES}
    return rx.Var.create(by_locale)[SessionState.lang].to(str)
