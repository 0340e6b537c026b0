"""The plan on paper: what a reader may see of a plan, as it stood at one moment, ready to print.

Built by ipapp.services.plan_document (which asks the policy); rendered to HTML and an
accessible PDF by ipapp.services.plan_pdf. A section the reader may not see is None here and
never reaches the renderer. Every text is already in the reader's language.
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class MeasurePrint:
    name: str
    provider: str = ""
    responsible_name: str = ""
    frequency: str = ""
    period: str = ""  # "fra 1. mars 2026 til 1. mars 2027"
    how: str = ""  # how it is carried out
    owner_contribution: str = ""
    next_of_kin_contribution: str = ""


@dataclass(frozen=True)
class GoalPrint:
    title: str
    status_label: str
    description: str = ""
    status_note: str = ""
    measures: tuple[MeasurePrint, ...] = ()


@dataclass(frozen=True)
class AboutPrint:
    what_matters: str = ""
    resources: str = ""
    needs: str = ""


@dataclass(frozen=True)
class ContactPrint:
    name: str
    role_label: str
    title: str = ""
    organisation: str = ""
    phone: str = ""
    email: str = ""


@dataclass(frozen=True)
class MeetingPrint:
    title: str
    kind_label: str
    when: str
    place: str = ""
    minutes: str = ""


@dataclass(frozen=True)
class NotePrint:
    written: str  # "3. mars 2026"
    body: str


@dataclass(frozen=True)
class PrintablePlan:
    locale: str  # "nb" | "nn" | "en": the PDF's language
    owner_name: str
    as_of: str  # the version's date in words: "3. mars 2026"
    is_current: bool  # the plan as it is now (else: as it stood on `as_of`)
    printed: str  # when this copy was made, in words
    coordinator_name: str  # "" when the plan has none
    period: str  # the plan period in words
    next_review: str
    consent: str  # the consent's state in words, e.g. "Signert 1. mars 2026"
    participants: tuple[str, ...] = ()  # the responsibility group and others, "Name (role)"
    # A section is None when the reader may not see it (then it is left out, heading and all).
    about: AboutPrint | None = None
    goals: tuple[GoalPrint, ...] | None = None
    contacts: tuple[ContactPrint, ...] | None = None
    meetings: tuple[MeetingPrint, ...] | None = None
    notes: tuple[NotePrint, ...] | None = None
