"""Texts of the printable plan (the PDF and its print view). Merged into ipapp.i18n.catalog.

The plan speaks for its owner ("Om meg", "Dette gjør jeg"), as the app does, whoever prints it.
"""

MESSAGES: dict[str, dict[str, str]] = {
    # Top of the first page
    "print.title": {
        "nb": "Individuell plan for {name}",
        "nn": "Individuell plan for {name}",
        "en": "Individual plan for {name}",
    },
    "print.as_of_current": {"nb": "Planen per {date}", "nn": "Planen per {date}", "en": "The plan as of {date}"},
    "print.as_of_past": {
        "nb": "Planen slik den var {date}",
        "nn": "Planen slik han var {date}",
        "en": "The plan as it was on {date}",
    },
    "print.printed": {"nb": "Skrevet ut {date}", "nn": "Skriven ut {date}", "en": "Printed on {date}"},
    "print.not_set": {"nb": "Ikke satt", "nn": "Ikkje sett", "en": "Not set"},
    # About me
    "print.about.heading": {"nb": "Om meg", "nn": "Om meg", "en": "About me"},
    "print.about.what_matters": {
        "nb": "Dette er viktig for meg",
        "nn": "Dette er viktig for meg",
        "en": "What matters to me",
    },
    "print.about.resources": {
        "nb": "Dette er jeg god til",
        "nn": "Dette er eg god til",
        "en": "What I am good at",
    },
    "print.about.needs": {
        "nb": "Dette trenger jeg hjelp til",
        "nn": "Dette treng eg hjelp til",
        "en": "What I need help with",
    },
    "print.about.empty": {
        "nb": "Ingenting er skrevet her ennå.",
        "nn": "Ingenting er skrive her enno.",
        "en": "Nothing has been written here yet.",
    },
    # Goals and measures
    "print.goals.heading": {"nb": "Mål og tiltak", "nn": "Mål og tiltak", "en": "Goals and services"},
    "print.goals.none": {
        "nb": "Det er ikke skrevet noen mål ennå.",
        "nn": "Det er ikkje skrive nokon mål enno.",
        "en": "No goals have been written yet.",
    },
    "print.goal.status": {"nb": "Status: {status}", "nn": "Status: {status}", "en": "Status: {status}"},
    "print.goal.no_measures": {
        "nb": "Ingen tiltak er lagt til for dette målet.",
        "nn": "Ingen tiltak er lagde til for dette målet.",
        "en": "No services have been added for this goal.",
    },
    "print.measure.provider": {"nb": "Hvem gir tjenesten", "nn": "Kven gir tenesta", "en": "Provided by"},
    "print.measure.responsible": {"nb": "Ansvarlig", "nn": "Ansvarleg", "en": "Responsible"},
    "print.measure.frequency": {"nb": "Hvor ofte", "nn": "Kor ofte", "en": "How often"},
    "print.measure.period": {"nb": "Når", "nn": "Når", "en": "When"},
    "print.measure.how": {"nb": "Slik gjøres det", "nn": "Slik blir det gjort", "en": "How it is done"},
    "print.measure.owner_contribution": {"nb": "Dette gjør jeg", "nn": "Dette gjer eg", "en": "What I do"},
    "print.measure.next_of_kin_contribution": {
        "nb": "Dette gjør pårørende",
        "nn": "Dette gjer pårørande",
        "en": "What my family does",
    },
    # The people in the plan
    "print.people.heading": {"nb": "Hvem er med", "nn": "Kven er med", "en": "Who takes part"},
    "print.people.coordinator": {"nb": "Koordinator", "nn": "Koordinator", "en": "Coordinator"},
    "print.people.no_coordinator": {
        "nb": "Planen har ingen koordinator ennå.",
        "nn": "Planen har ingen koordinator enno.",
        "en": "The plan has no coordinator yet.",
    },
    "print.people.participants": {
        "nb": "Andre som er med i planen",
        "nn": "Andre som er med i planen",
        "en": "Others who take part in the plan",
    },
    "print.people.no_participants": {
        "nb": "Ingen andre er med i planen ennå.",
        "nn": "Ingen andre er med i planen enno.",
        "en": "Nobody else takes part in the plan yet.",
    },
    # Contacts
    "print.contacts.heading": {"nb": "Kontakter", "nn": "Kontaktar", "en": "Contacts"},
    "print.contacts.none": {
        "nb": "Ingen kontakter er lagt inn.",
        "nn": "Ingen kontaktar er lagde inn.",
        "en": "No contacts have been added.",
    },
    "print.contact.role": {"nb": "Rolle", "nn": "Rolle", "en": "Role"},
    "print.contact.name": {"nb": "Navn", "nn": "Namn", "en": "Name"},
    "print.contact.title": {"nb": "Stilling", "nn": "Stilling", "en": "Job title"},
    "print.contact.organisation": {"nb": "Arbeidssted", "nn": "Arbeidsstad", "en": "Workplace"},
    "print.contact.phone": {"nb": "Telefon", "nn": "Telefon", "en": "Phone"},
    "print.contact.email": {"nb": "E-post", "nn": "E-post", "en": "Email"},
    # Meetings
    "print.meetings.heading": {"nb": "Møter", "nn": "Møte", "en": "Meetings"},
    "print.meetings.none": {
        "nb": "Ingen møter er satt opp.",
        "nn": "Ingen møte er sette opp.",
        "en": "No meetings are planned.",
    },
    "print.meeting.kind": {"nb": "Type møte", "nn": "Type møte", "en": "Kind of meeting"},
    "print.meeting.when": {"nb": "Når", "nn": "Når", "en": "When"},
    "print.meeting.place": {"nb": "Hvor", "nn": "Kvar", "en": "Where"},
    "print.meeting.minutes": {"nb": "Referat", "nn": "Referat", "en": "Minutes"},
    # The owner's notes
    "print.notes.heading": {"nb": "Mine notater", "nn": "Notata mine", "en": "My notes"},
    "print.notes.none": {
        "nb": "Det er ikke skrevet noen notater.",
        "nn": "Det er ikkje skrive nokon notat.",
        "en": "No notes have been written.",
    },
    "print.note.written": {"nb": "Skrevet {date}", "nn": "Skrive {date}", "en": "Written on {date}"},
    # Plan period, review and consent
    "print.period.heading": {
        "nb": "Planperiode og evaluering",
        "nn": "Planperiode og evaluering",
        "en": "Plan period and review",
    },
    "print.period.period": {"nb": "Planen gjelder", "nn": "Planen gjeld", "en": "The plan covers"},
    "print.period.next_review": {
        "nb": "Planen skal gås gjennom igjen",
        "nn": "Planen skal gåast gjennom igjen",
        "en": "The plan is next reviewed on",
    },
    "print.consent.heading": {"nb": "Samtykke", "nn": "Samtykke", "en": "Consent"},
}
