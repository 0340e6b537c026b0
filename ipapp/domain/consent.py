"""The consent document in its canonical form, and what a passkey signs when it signs one.

Pure: no database, no clock, no randomness. The text is plain language (klarspråk) in the
signer's language (bokmål, nynorsk or English; its third line says which) and exactly
reproducible from its terms and that language, because its SHA-256 is what the signer's passkey
commits to (and the stored text, not the language, is what is verified later):

    challenge = SHA-256(document as UTF-8) || nonce      (nonce: 16 random bytes, single use)

so a stored WebAuthn assertion proves that this person's key signed exactly this text, once.
"""

import hashlib
import unicodedata
from dataclasses import dataclass
from datetime import date

from ipapp.domain.vocabulary import Section
from ipapp.i18n import translate
from ipapp.i18n.dates import format_date

DOCUMENT_LOCALE = "nb"  # the default language of the document
# The document's own words, per language. Changing one changes every new digest, never a stored one.
PHRASES = {
    "nb": dict(title="Samtykke til deling av individuell plan, versjon {version}", date="Dato: {date}",
               language="Språk: bokmål", one="Jeg, {owner}, samtykker til at {clause}",
               many="Jeg, {owner}, samtykker til dette:", purpose="Formål: {purpose}", no_purpose="Ikke oppgitt.",
               withdraw="Jeg kan trekke samtykket tilbake når som helst, og det virker straks.",
               guardian="Hvis en verge signerer, gjør vergen det på vegne av {owner}.",
               clause="{who} kan se {sections} fra {first} til og med {last}.",
               messages="{name} kan også sende meldinger.", also="og"),
    "nn": dict(title="Samtykke til deling av individuell plan, versjon {version}", date="Dato: {date}",
               language="Språk: nynorsk", one="Eg, {owner}, samtykkjer til at {clause}",
               many="Eg, {owner}, samtykkjer til dette:", purpose="Føremål: {purpose}", no_purpose="Ikkje oppgitt.",
               withdraw="Eg kan trekkje samtykket tilbake når som helst, og det verkar straks.",
               guardian="Viss ei verje signerer, gjer verja det på vegner av {owner}.",
               clause="{who} kan sjå {sections} frå {first} til og med {last}.",
               messages="{name} kan også sende meldingar.", also="og"),
    "en": dict(title="Consent to sharing an individual plan, version {version}", date="Date: {date}",
               language="Language: English", one="I, {owner}, consent that {clause}",
               many="I, {owner}, consent to this:", purpose="Purpose: {purpose}", no_purpose="Not given.",
               withdraw="I can withdraw this consent at any time, and it takes effect at once.",
               guardian="If a guardian signs, the guardian does so on behalf of {owner}.",
               clause="{who} may see {sections} from {first} up to and including {last}.",
               messages="{name} may also send messages.", also="and"),
}
DIGEST_BYTES = 32
NONCE_BYTES = 16
SECTION_ORDER: tuple[str, ...] = tuple(s.value for s in Section)  # the order the plan shows them
# Invisible characters that could make the displayed text differ from the signed one
# (bidirectional overrides and the like); joiners stay, names and emoji may need them.
_KEEP_FORMAT = {"\u200c", "\u200d"}


def _one_line(text: str) -> str:
    """NFC, no control or invisible formatting characters, whitespace collapsed to single spaces.

    Names and purposes come from people: a line break inside a name must not be able to forge
    an extra line of the document, nor a bidi override make it read differently from what is signed.
    """
    if not isinstance(text, str):
        raise TypeError(f"expected text, got {type(text).__name__}")
    cleaned = []
    for ch in unicodedata.normalize("NFC", text):
        category = unicodedata.category(ch)
        if category in ("Cc", "Zl", "Zp") or ch.isspace():
            cleaned.append(" ")
        elif category == "Cf" and ch not in _KEEP_FORMAT:
            continue
        else:
            cleaned.append(ch)
    return " ".join("".join(cleaned).split())


@dataclass(frozen=True)
class GrantTerms:
    """One grant as the consent states it: who, which sections, from which day to which last day."""

    grantee_name: str
    grantee_relation: str  # e.g. "mor"; "" when there is none to tell
    sections: tuple[str, ...]
    valid_from: date
    valid_until_last_day: date  # inclusive: "til og med"

    def __post_init__(self) -> None:
        unknown = [s for s in self.sections if s not in SECTION_ORDER]
        if unknown or not self.sections:
            raise ValueError(f"sections must be known and non-empty, got {self.sections!r}")
        if self.valid_until_last_day < self.valid_from:
            raise ValueError("the last day comes before the first")
        # Sorted into the plan's order, without duplicates, so equal terms give equal text.
        ordered = tuple(s for s in SECTION_ORDER if s in set(self.sections))
        object.__setattr__(self, "sections", ordered)


@dataclass(frozen=True)
class ConsentTerms:
    owner_name: str
    purpose: str
    grants: tuple[GrantTerms, ...]
    version: int
    created: date

    def __post_init__(self) -> None:
        if not self.grants:
            raise ValueError("a consent covers at least one grant")
        if not isinstance(self.version, int) or isinstance(self.version, bool) or self.version < 1:
            raise ValueError("version must be a positive integer")
        object.__setattr__(self, "grants", tuple(self.grants))


def _and_list(items: list[str], also: str = "og") -> str:
    """«A», «A» og «B», «A», «B» og «C» (no Oxford comma in Norwegian, nor here in English)."""
    if len(items) == 1:
        return items[0]
    return ", ".join(items[:-1]) + f" {also} " + items[-1]


def _section_names(sections: tuple[str, ...], locale: str) -> str:
    # Guillemets, because section names themselves contain "og" ("Mål og tiltak").
    return _and_list([f"«{translate(f'section.{s}', locale)}»" for s in sections], PHRASES[locale]["also"])


def _grant_clause(grant: GrantTerms, locale: str = DOCUMENT_LOCALE) -> str:
    """"Hanne Lindgren (mor) kan se «Møter» fra 1. mars 2027 til og med 31. mai 2027." """
    words = PHRASES[locale]
    name = _one_line(grant.grantee_name)
    relation = _one_line(grant.grantee_relation)
    who = f"{name} ({relation})" if relation else name
    clause = words["clause"].format(who=who, sections=_section_names(grant.sections, locale),
                                    first=format_date(grant.valid_from, locale),
                                    last=format_date(grant.valid_until_last_day, locale))
    if Section.MESSAGES.value in grant.sections:
        # A grant of messages also lets the person write in them (ipapp.policy): say so.
        clause += " " + words["messages"].format(name=name)
    return clause


def _grant_key(grant: GrantTerms) -> tuple:
    return (
        _one_line(grant.grantee_name).casefold(),
        _one_line(grant.grantee_relation).casefold(),
        grant.valid_from,
        grant.valid_until_last_day,
        grant.sections,
    )


def canonical_document(terms: ConsentTerms, locale: str = DOCUMENT_LOCALE) -> str:
    """The consent text in `locale` (nb, nn or en): deterministic, NFC, "\\n" line ends, no
    trailing spaces, one final newline."""
    words = PHRASES[locale if locale in PHRASES else DOCUMENT_LOCALE]
    locale = locale if locale in PHRASES else DOCUMENT_LOCALE
    owner = _one_line(terms.owner_name)
    purpose = _one_line(terms.purpose) or words["no_purpose"]
    grants = sorted(terms.grants, key=_grant_key)
    lines = [
        words["title"].format(version=terms.version),
        words["date"].format(date=format_date(terms.created, locale)),
        words["language"],
        "",
    ]
    if len(grants) == 1:
        lines.append(words["one"].format(owner=owner, clause=_grant_clause(grants[0], locale)))
    else:
        lines.append(words["many"].format(owner=owner))
        lines.extend(f"- {_grant_clause(g, locale)}" for g in grants)
    lines += [
        "",
        words["purpose"].format(purpose=purpose),
        "",
        words["withdraw"],
        words["guardian"].format(owner=owner),
    ]
    text = "\n".join(line.rstrip() for line in lines) + "\n"
    return unicodedata.normalize("NFC", text)


def document_digest(document: str) -> bytes:
    """SHA-256 of the document's UTF-8 bytes, exactly as stored (no re-normalising here)."""
    if not isinstance(document, str):
        raise TypeError("the document must be text")
    return hashlib.sha256(document.encode("utf-8")).digest()


def signing_challenge(document: str, nonce: bytes) -> bytes:
    """The WebAuthn challenge for signing this document: its digest, then a fresh nonce."""
    if not isinstance(nonce, bytes) or len(nonce) != NONCE_BYTES:
        raise ValueError(f"the nonce must be {NONCE_BYTES} bytes")
    return document_digest(document) + nonce
