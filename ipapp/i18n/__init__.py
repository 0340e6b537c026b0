"""Every text a person sees comes from the catalog: bokmål first, then nynorsk and English."""

from ipapp.i18n.catalog import MESSAGES

DEFAULT_LOCALE = "nb"
SUPPORTED_LOCALES = ("nb", "nn", "en")


def normalize_locale(value: object) -> str:
    """A locale we have texts for; anything else (including forged client values) becomes bokmål."""
    return value if isinstance(value, str) and value in SUPPORTED_LOCALES else DEFAULT_LOCALE


def translate(key: str, locale: str = DEFAULT_LOCALE, **params: object) -> str:
    """The text for key in locale, falling back to bokmål; {name} placeholders filled from params."""
    texts = MESSAGES[key]
    text = texts.get(normalize_locale(locale)) or texts[DEFAULT_LOCALE]
    return text.format(**params) if params else text
