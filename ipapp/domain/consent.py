"""The consent document in its canonical form, and what a passkey signs when it signs one.

Pure: no database, no clock, no randomness. The text is plain bokmål (klarspråk) and exactly
reproducible from its terms, because its SHA-256 is what the signer's passkey commits to:

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

DOCUMENT_LOCALE = "nb"  # the signed text is always bokmål: one canonical form, one digest
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


def _and_list(items: list[str]) -> str:
    """«A», «A» og «B», «A», «B» og «C» (no Oxford comma in Norwegian)."""
    if len(items) == 1:
        return items[0]
    return ", ".join(items[:-1]) + " og " + items[-1]


def _section_names(sections: tuple[str, ...]) -> str:
    # Guillemets, because section names themselves contain "og" ("Mål og tiltak").
    return _and_list([f"«{translate(f'section.{s}', DOCUMENT_LOCALE)}»" for s in sections])


def _grant_clause(grant: GrantTerms) -> str:
    """"Hanne Lindgren (mor) kan se «Møter» fra 1. mars 2027 til og med 31. mai 2027." """
    name = _one_line(grant.grantee_name)
    relation = _one_line(grant.grantee_relation)
    who = f"{name} ({relation})" if relation else name
    clause = (
        f"{who} kan se {_section_names(grant.sections)} "
        f"fra {format_date(grant.valid_from, DOCUMENT_LOCALE)} "
        f"til og med {format_date(grant.valid_until_last_day, DOCUMENT_LOCALE)}."
    )
    if Section.MESSAGES.value in grant.sections:
        # A grant of messages also lets the person write in them (ipapp.policy): say so.
        clause += f" {name} kan også sende meldinger."
    return clause


def _grant_key(grant: GrantTerms) -> tuple:
    return (
        _one_line(grant.grantee_name).casefold(),
        _one_line(grant.grantee_relation).casefold(),
        grant.valid_from,
        grant.valid_until_last_day,
        grant.sections,
    )


def canonical_document(terms: ConsentTerms) -> str:
    """The consent text: deterministic, NFC, "\\n" line ends, no trailing spaces, one final newline."""
    owner = _one_line(terms.owner_name)
    purpose = _one_line(terms.purpose) or "Ikke oppgitt."
    grants = sorted(terms.grants, key=_grant_key)
    lines = [
        f"Samtykke til deling av individuell plan, versjon {terms.version}",
        f"Dato: {format_date(terms.created, DOCUMENT_LOCALE)}",
        "",
    ]
    if len(grants) == 1:
        lines.append(f"Jeg, {owner}, samtykker til at {_grant_clause(grants[0])}")
    else:
        lines.append(f"Jeg, {owner}, samtykker til dette:")
        lines.extend(f"- {_grant_clause(g)}" for g in grants)
    lines += [
        "",
        f"Formål: {purpose}",
        "",
        "Jeg kan trekke samtykket tilbake når som helst, og det virker straks.",
        f"Hvis en verge signerer, gjør vergen det på vegne av {owner}.",
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
