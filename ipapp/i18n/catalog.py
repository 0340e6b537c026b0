"""The message catalog. Bokmål (nb) is complete and comes first; nynorsk (nn) and English (en) follow.

Plain language (klarspråk): short sentences, everyday words, the person addressed as "du".
{name}-style placeholders are filled by ipapp.i18n.translate.
"""

MESSAGES: dict[str, dict[str, str]] = {
    # The app
    "app.description": {
        "nb": "Din individuelle plan: mål, tiltak, møter og hvem som ser hva.",
        "nn": "Den individuelle planen din: mål, tiltak, møte og kven som ser kva.",
        "en": "Your individual care plan: goals, services, meetings and who sees what.",
    },
    "app.plan_kind": {"nb": "Individuell plan", "nn": "Individuell plan", "en": "Individual plan"},
    "skip.to_main": {"nb": "Hopp til innholdet", "nn": "Hopp til innhaldet", "en": "Skip to content"},
    "status.loading": {"nb": "Henter …", "nn": "Hentar …", "en": "Loading …"},
    # Navigation
    "nav.label": {"nb": "Hovedmeny", "nn": "Hovudmeny", "en": "Main menu"},
    "nav.plan": {"nb": "Plan", "nn": "Plan", "en": "Plan"},
    "nav.meetings": {"nb": "Møter", "nn": "Møte", "en": "Meetings"},
    "nav.messages": {"nb": "Meldinger", "nn": "Meldingar", "en": "Messages"},
    "nav.sharing": {"nb": "Deling", "nn": "Deling", "en": "Sharing"},
    "nav.me": {"nb": "Meg", "nn": "Meg", "en": "Me"},
    # Errors
    "error.not_available": {
        "nb": "Dette er ikke tilgjengelig for deg. Spør koordinatoren hvis du mener du skal ha tilgang.",
        "nn": "Dette er ikkje tilgjengeleg for deg. Spør koordinatoren viss du meiner du skal ha tilgang.",
        "en": "This is not available to you. Ask the coordinator if you think you should have access.",
    },
    "error.no_plan": {
        "nb": "Du er ikke knyttet til noen plan ennå.",
        "nn": "Du er ikkje knytt til nokon plan enno.",
        "en": "You are not connected to any plan yet.",
    },
    # Overview
    "overview.title_own": {"nb": "Min plan", "nn": "Planen min", "en": "My plan"},
    "overview.title_unknown": {"nb": "Individuell plan", "nn": "Individuell plan", "en": "Individual plan"},
    "overview.title_other": {
        "nb": "Planen til {name}",
        "nn": "Planen til {name}",
        "en": "{name}'s plan",
    },
    "overview.goals_heading": {"nb": "Mål og tiltak", "nn": "Mål og tiltak", "en": "Goals and services"},
    "overview.no_goals": {
        "nb": "Det er ikke skrevet noen mål ennå.",
        "nn": "Det er ikkje skrive nokon mål enno.",
        "en": "No goals have been written yet.",
    },
    "overview.next_meeting_heading": {"nb": "Neste møte", "nn": "Neste møte", "en": "Next meeting"},
    "overview.no_meetings": {
        "nb": "Ingen møter er satt opp.",
        "nn": "Ingen møte er sette opp.",
        "en": "No meetings are planned.",
    },
    "overview.all_meetings": {"nb": "Se alle møter", "nn": "Sjå alle møta", "en": "See all meetings"},
    "overview.messages_heading": {"nb": "Meldinger", "nn": "Meldingar", "en": "Messages"},
    "overview.awaiting_reply_count": {
        "nb": "Samtaler som venter på svar fra koordinator",
        "nn": "Samtalar som ventar på svar frå koordinator",
        "en": "Conversations waiting for the coordinator's reply",
    },
    "overview.no_awaiting_reply": {
        "nb": "Ingen meldinger venter på svar.",
        "nn": "Ingen meldingar ventar på svar.",
        "en": "No messages are waiting for a reply.",
    },
    "overview.open_messages": {"nb": "Åpne meldinger", "nn": "Opne meldingar", "en": "Open messages"},
    "overview.access_heading": {
        "nb": "Hvem kan se planen min",
        "nn": "Kven kan sjå planen min",
        "en": "Who can see my plan",
    },
    "overview.no_access": {
        "nb": "Ingen andre enn deg og koordinatoren kan se planen.",
        "nn": "Ingen andre enn deg og koordinatoren kan sjå planen.",
        "en": "Nobody but you and the coordinator can see the plan.",
    },
    "overview.open_sharing": {"nb": "Se deling", "nn": "Sjå deling", "en": "See sharing"},
    "overview.contacts_heading": {"nb": "Kontakter", "nn": "Kontaktar", "en": "Contacts"},
    "overview.open_contacts": {
        "nb": "Ring eller skriv til noen",
        "nn": "Ring eller skriv til nokon",
        "en": "Call or write to someone",
    },
    "overview.next_review": {
        "nb": "Planen skal gås gjennom igjen",
        "nn": "Planen skal gåast gjennom igjen",
        "en": "The plan is next reviewed on",
    },
    # Goals and measures
    "goal.title_fallback": {"nb": "Mål", "nn": "Mål", "en": "Goal"},
    "goal.measures": {"nb": "Tiltak", "nn": "Tiltak", "en": "Services"},
    "goal.no_measures": {
        "nb": "Ingen tiltak er lagt til ennå.",
        "nn": "Ingen tiltak er lagde til enno.",
        "en": "No services have been added yet.",
    },
    "goal.back": {"nb": "Tilbake til planen", "nn": "Tilbake til planen", "en": "Back to the plan"},
    "goal.status.active": {"nb": "Jobber med det", "nn": "Jobbar med det", "en": "Working on it"},
    "goal.status.achieved": {"nb": "Nådd", "nn": "Nådd", "en": "Achieved"},
    "goal.status.paused": {"nb": "På pause", "nn": "På pause", "en": "Paused"},
    "measure.responsible": {"nb": "Ansvarlig", "nn": "Ansvarleg", "en": "Responsible"},
    "measure.frequency": {"nb": "Hvor ofte", "nn": "Kor ofte", "en": "How often"},
    "measure.provider": {"nb": "Hvem gir tjenesten", "nn": "Kven gir tenesta", "en": "Provided by"},
    "measure.period": {"nb": "Når", "nn": "Når", "en": "When"},
    "measure.period_range": {
        "nb": "fra {start} til {end}",
        "nn": "frå {start} til {end}",
        "en": "from {start} to {end}",
    },
    "measure.period_open": {"nb": "fra {start}", "nn": "frå {start}", "en": "from {start}"},
    "measure.owner_contribution": {"nb": "Dette gjør jeg", "nn": "Dette gjer eg", "en": "What I do"},
    "measure.next_of_kin_contribution": {
        "nb": "Dette gjør pårørende",
        "nn": "Dette gjer pårørande",
        "en": "What my family does",
    },
    # Contacts
    "contacts.title": {"nb": "Kontakter", "nn": "Kontaktar", "en": "Contacts"},
    "contacts.none": {
        "nb": "Ingen kontakter er lagt inn.",
        "nn": "Ingen kontaktar er lagde inn.",
        "en": "No contacts have been added.",
    },
    "contact.call": {"nb": "Ring", "nn": "Ring", "en": "Call"},
    "contact.email": {"nb": "Send e-post til", "nn": "Send e-post til", "en": "E-mail"},
    "contact.role.coordinator": {"nb": "Koordinator", "nn": "Koordinator", "en": "Coordinator"},
    "contact.role.gp": {"nb": "Fastlege", "nn": "Fastlege", "en": "GP"},
    "contact.role.provider": {"nb": "Tjenesteyter", "nn": "Tenesteytar", "en": "Service provider"},
    "contact.role.school_or_work": {"nb": "Skole eller arbeid", "nn": "Skule eller arbeid", "en": "School or work"},
    "contact.role.responsibility_group": {
        "nb": "Ansvarsgruppe",
        "nn": "Ansvarsgruppe",
        "en": "Responsibility group",
    },
    "contact.role.next_of_kin": {"nb": "Pårørende", "nn": "Pårørande", "en": "Next of kin"},
    "contact.role.other": {"nb": "Annen kontakt", "nn": "Annan kontakt", "en": "Other contact"},
    # Meetings
    "meetings.title": {"nb": "Møter", "nn": "Møte", "en": "Meetings"},
    "meetings.upcoming": {"nb": "Kommende møter", "nn": "Kommande møte", "en": "Upcoming meetings"},
    "meetings.past": {"nb": "Tidligere møter", "nn": "Tidlegare møte", "en": "Past meetings"},
    "meetings.none_upcoming": {
        "nb": "Ingen møter er satt opp.",
        "nn": "Ingen møte er sette opp.",
        "en": "No meetings are planned.",
    },
    "meetings.none_past": {
        "nb": "Ingen tidligere møter.",
        "nn": "Ingen tidlegare møte.",
        "en": "No past meetings.",
    },
    "meeting.kind.responsibility_group": {
        "nb": "Ansvarsgruppemøte",
        "nn": "Ansvarsgruppemøte",
        "en": "Responsibility group meeting",
    },
    "meeting.kind.collaboration": {"nb": "Samarbeidsmøte", "nn": "Samarbeidsmøte", "en": "Collaboration meeting"},
    "meeting.agenda": {"nb": "Innkalling", "nn": "Innkalling", "en": "Notice and agenda"},
    "meeting.minutes": {"nb": "Referat", "nn": "Referat", "en": "Minutes"},
    "meeting.invitees": {"nb": "Hvem er invitert", "nn": "Kven er invitert", "en": "Who is invited"},
    "meeting.join_video": {"nb": "Bli med på video", "nn": "Bli med på video", "en": "Join by video"},
    "invitee.pending": {"nb": "har ikke svart", "nn": "har ikkje svart", "en": "has not replied"},
    "invitee.accepted": {"nb": "kommer", "nn": "kjem", "en": "is coming"},
    "invitee.declined": {"nb": "kommer ikke", "nn": "kjem ikkje", "en": "is not coming"},
    # Messages
    "messages.title": {"nb": "Meldinger", "nn": "Meldingar", "en": "Messages"},
    "messages.none": {
        "nb": "Ingen meldinger ennå.",
        "nn": "Ingen meldingar enno.",
        "en": "No messages yet.",
    },
    "messages.awaiting_reply": {"nb": "Venter på svar", "nn": "Ventar på svar", "en": "Waiting for a reply"},
    # Sharing
    "sharing.title": {"nb": "Deling", "nn": "Deling", "en": "Sharing"},
    "sharing.intro": {
        "nb": "Her ser du hvem som kan se deler av planen din, og hvor lenge.",
        "nn": "Her ser du kven som kan sjå delar av planen din, og kor lenge.",
        "en": "Here you see who can see parts of your plan, and for how long.",
    },
    "sharing.sections": {"nb": "Kan se", "nn": "Kan sjå", "en": "Can see"},
    "access.until": {"nb": "Til og med", "nn": "Til og med", "en": "Until"},
    "access.status.effective": {"nb": "Har tilgang nå", "nn": "Har tilgang no", "en": "Has access now"},
    "access.status.awaiting_signature": {
        "nb": "Venter på signatur",
        "nn": "Ventar på signatur",
        "en": "Waiting for signature",
    },
    "access.status.expired": {"nb": "Utløpt", "nn": "Gått ut", "en": "Expired"},
    "access.status.revoked": {"nb": "Trukket tilbake", "nn": "Trekt tilbake", "en": "Revoked"},
    "access.status.not_effective": {"nb": "Ikke gyldig", "nn": "Ikkje gyldig", "en": "Not in effect"},
    "section.about": {"nb": "Om meg", "nn": "Om meg", "en": "About me"},
    "section.goals": {"nb": "Mål og tiltak", "nn": "Mål og tiltak", "en": "Goals and services"},
    "section.contacts": {"nb": "Kontakter", "nn": "Kontaktar", "en": "Contacts"},
    "section.meetings": {"nb": "Møter", "nn": "Møte", "en": "Meetings"},
    "section.notes": {"nb": "Mine notater", "nn": "Notata mine", "en": "My notes"},
    "section.messages": {"nb": "Meldinger", "nn": "Meldingar", "en": "Messages"},
    # Roles
    "role.owner": {"nb": "Planeier", "nn": "Planeigar", "en": "Plan owner"},
    "role.guardian": {"nb": "Verge", "nn": "Verje", "en": "Guardian"},
    "role.next_of_kin": {"nb": "Pårørende", "nn": "Pårørande", "en": "Next of kin"},
    "role.delegate": {"nb": "Fullmektig", "nn": "Fullmektig", "en": "Delegate"},
    "role.participant": {"nb": "Tjenesteyter", "nn": "Tenesteytar", "en": "Service provider"},
    "role.coordinator": {"nb": "Koordinator", "nn": "Koordinator", "en": "Coordinator"},
    "role.unit_admin": {"nb": "Koordinerende enhet", "nn": "Koordinerande eining", "en": "Coordinating unit"},
    "role.none": {"nb": "Ingen rolle", "nn": "Inga rolle", "en": "No role"},
    # Me
    "me.title": {"nb": "Meg", "nn": "Meg", "en": "Me"},
    "me.language": {"nb": "Språk", "nn": "Språk", "en": "Language"},
    "me.sign_out": {"nb": "Logg ut", "nn": "Logg ut", "en": "Sign out"},
    "language.nb": {"nb": "Bokmål", "nn": "Bokmål", "en": "Bokmål"},
    "language.nn": {"nb": "Nynorsk", "nn": "Nynorsk", "en": "Nynorsk"},
    "language.en": {"nb": "English", "nn": "English", "en": "English"},
    # Demo and sign-in
    "demo.title": {"nb": "Prøv ipapp", "nn": "Prøv ipapp", "en": "Try ipapp"},
    "demo.intro": {
        "nb": "Dette er en demo med oppdiktede personer. Velg hvem du vil være.",
        "nn": "Dette er ein demo med oppdikta personar. Vel kven du vil vere.",
        "en": "This is a demo with made-up people. Choose who you want to be.",
    },
    "demo.sign_in_as": {"nb": "Logg inn som", "nn": "Logg inn som", "en": "Sign in as"},
    "demo.error": {
        "nb": "Det gikk ikke å logge inn. Prøv igjen.",
        "nn": "Det gjekk ikkje å logge inn. Prøv igjen.",
        "en": "Signing in did not work. Please try again.",
    },
    "signin.title": {"nb": "Logg inn", "nn": "Logg inn", "en": "Sign in"},
    "signin.national": {
        "nb": "Logg inn med ID-porten",
        "nn": "Logg inn med ID-porten",
        "en": "Sign in with ID-porten",
    },
    "signin.national_help": {
        "nb": "Du logger inn med BankID, MinID eller Buypass, slik du gjør hos NAV og Helsenorge.",
        "nn": "Du loggar inn med BankID, MinID eller Buypass, slik du gjer hos NAV og Helsenorge.",
        "en": "You sign in with BankID, MinID or Buypass, as you do at NAV and Helsenorge.",
    },
    "signin.error.innlogging": {
        "nb": "Innloggingen ble ikke fullført. Prøv igjen.",
        "nn": "Innlogginga vart ikkje fullført. Prøv igjen.",
        "en": "Signing in was not completed. Please try again.",
    },
    "signin.error.ukjent": {
        "nb": "Vi fant deg ikke i ipapp. Be koordinatoren din om en invitasjon.",
        "nn": "Vi fann deg ikkje i ipapp. Be koordinatoren din om ein invitasjon.",
        "en": "We could not find you in ipapp. Ask your coordinator for an invitation.",
    },
    "signin.not_yet": {
        "nb": "Innlogging er ikke slått på her ennå. Kontakt koordinatoren din.",
        "nn": "Innlogging er ikkje slått på her enno. Kontakt koordinatoren din.",
        "en": "Sign-in is not switched on here yet. Contact your coordinator.",
    },
    # Dates and times
    "day.today": {"nb": "i dag", "nn": "i dag", "en": "today"},
    "day.tomorrow": {"nb": "i morgen", "nn": "i morgon", "en": "tomorrow"},
    "day.yesterday": {"nb": "i går", "nn": "i går", "en": "yesterday"},
    "time.clock": {"nb": "kl. {time}", "nn": "kl. {time}", "en": "at {time}"},
}

_MONTHS = {
    "nb": "januar februar mars april mai juni juli august september oktober november desember",
    "nn": "januar februar mars april mai juni juli august september oktober november desember",
    "en": "January February March April May June July August September October November December",
}
_WEEKDAYS = {
    "nb": "mandag tirsdag onsdag torsdag fredag lørdag søndag",
    "nn": "måndag tysdag onsdag torsdag fredag laurdag søndag",
    "en": "Monday Tuesday Wednesday Thursday Friday Saturday Sunday",
}
for _number in range(12):
    MESSAGES[f"month.{_number + 1}"] = {loc: words.split()[_number] for loc, words in _MONTHS.items()}
for _number in range(7):
    MESSAGES[f"weekday.{_number + 1}"] = {loc: words.split()[_number] for loc, words in _WEEKDAYS.items()}
