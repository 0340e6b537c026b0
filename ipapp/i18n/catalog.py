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
    "signin.passkey_help": {
        "nb": "Logg inn med passnøkkelen på telefonen din.",
        "nn": "Logg inn med passnøkkelen på telefonen din.",
        "en": "Sign in with the passkey on your phone.",
    },
    "signin.passkey": {"nb": "Logg inn med passnøkkel", "nn": "Logg inn med passnøkkel", "en": "Sign in with a passkey"},
    "signin.passkey_busy": {"nb": "Venter på passnøkkelen …", "nn": "Ventar på passnøkkelen …", "en": "Waiting for the passkey …"},
    "signin.what_is_passkey": {"nb": "Hva er en passnøkkel?", "nn": "Kva er ein passnøkkel?", "en": "What is a passkey?"},
    "signin.passkey_explained": {
        "nb": "En passnøkkel er lagret på telefonen din. Du låser den opp med ansiktet, fingeren eller PIN-koden din. Du trenger ikke huske noe passord.",
        "nn": "Ein passnøkkel er lagra på telefonen din. Du låser han opp med andletet, fingeren eller PIN-koden din. Du treng ikkje hugse noko passord.",
        "en": "A passkey is stored on your phone. You unlock it with your face, finger or PIN. There is no password to remember.",
    },
    "signin.no_account": {
        "nb": "Har du ikke tilgang ennå? Koordinatoren din kan sende deg en invitasjon.",
        "nn": "Har du ikkje tilgang enno? Koordinatoren din kan sende deg ein invitasjon.",
        "en": "No access yet? Your coordinator can send you an invitation.",
    },
    "signin.try_demo": {"nb": "Prøv demoen i stedet", "nn": "Prøv demoen i staden", "en": "Try the demo instead"},
    "signin.error.cancelled": {
        "nb": "Innloggingen ble avbrutt. Prøv igjen når du er klar.",
        "nn": "Innlogginga vart avbroten. Prøv igjen når du er klar.",
        "en": "Signing in was cancelled. Try again when you are ready.",
    },
    "signin.error.not_supported": {
        "nb": "Denne nettleseren kan ikke bruke passnøkler. Prøv en nyere nettleser, eller logg inn med ID-porten.",
        "nn": "Denne nettlesaren kan ikkje bruke passnøklar. Prøv ein nyare nettlesar, eller logg inn med ID-porten.",
        "en": "This browser cannot use passkeys. Try a newer browser, or sign in with ID-porten.",
    },
    "signin.error.too_many": {
        "nb": "For mange forsøk. Vent ti minutter og prøv igjen.",
        "nn": "For mange forsøk. Vent ti minutt og prøv igjen.",
        "en": "Too many attempts. Wait ten minutes and try again.",
    },
    "signin.error.passkey": {
        "nb": "Vi kjente ikke igjen passnøkkelen. Prøv igjen, eller be koordinatoren om en ny invitasjon.",
        "nn": "Vi kjende ikkje att passnøkkelen. Prøv igjen, eller be koordinatoren om ein ny invitasjon.",
        "en": "We did not recognise the passkey. Try again, or ask your coordinator for a new invitation.",
    },
    "invitation.title": {"nb": "Velkommen til ipapp", "nn": "Velkomen til ipapp", "en": "Welcome to ipapp"},
    "invitation.hello": {"nb": "Hei", "nn": "Hei", "en": "Hello"},
    "invitation.explain": {
        "nb": "Du er invitert til å bruke ipapp. Lag en passnøkkel, så kan du logge inn med ett trykk neste gang.",
        "nn": "Du er invitert til å bruke ipapp. Lag ein passnøkkel, så kan du logge inn med eitt trykk neste gong.",
        "en": "You are invited to use ipapp. Create a passkey, and next time you sign in with one tap.",
    },
    "invitation.create_passkey": {"nb": "Lag passnøkkel", "nn": "Lag passnøkkel", "en": "Create a passkey"},
    "invitation.busy": {"nb": "Lager passnøkkel …", "nn": "Lagar passnøkkel …", "en": "Creating the passkey …"},
    "invitation.error.register": {
        "nb": "Det gikk ikke å lage passnøkkelen. Prøv igjen.",
        "nn": "Det gjekk ikkje å lage passnøkkelen. Prøv igjen.",
        "en": "The passkey could not be created. Please try again.",
    },
    "invitation.error.cancelled": {
        "nb": "Passnøkkelen ble ikke laget. Telefonen må kunne låses med ansikt, finger eller PIN-kode. Prøv igjen når du er klar.",
        "nn": "Passnøkkelen vart ikkje laga. Telefonen må kunne låsast med andlet, finger eller PIN-kode. Prøv igjen når du er klar.",
        "en": "The passkey was not created. Your phone must lock with face, finger or PIN. Try again when you are ready.",
    },
    "invitation.problem.unknown": {
        "nb": "Vi finner ikke denne invitasjonen. Sjekk lenken, eller be koordinatoren om en ny.",
        "nn": "Vi finn ikkje denne invitasjonen. Sjekk lenkja, eller be koordinatoren om ein ny.",
        "en": "We cannot find this invitation. Check the link, or ask your coordinator for a new one.",
    },
    "invitation.problem.used": {
        "nb": "Denne invitasjonen er allerede brukt. Logg inn med passnøkkelen din, eller be koordinatoren om en ny invitasjon.",
        "nn": "Denne invitasjonen er alt brukt. Logg inn med passnøkkelen din, eller be koordinatoren om ein ny invitasjon.",
        "en": "This invitation has already been used. Sign in with your passkey, or ask your coordinator for a new invitation.",
    },
    "invitation.problem.expired": {
        "nb": "Denne invitasjonen har gått ut. Be koordinatoren om en ny.",
        "nn": "Denne invitasjonen har gått ut. Be koordinatoren om ein ny.",
        "en": "This invitation has expired. Ask your coordinator for a new one.",
    },
    "invitation.problem.revoked": {
        "nb": "Denne invitasjonen gjelder ikke lenger. Be koordinatoren om en ny.",
        "nn": "Denne invitasjonen gjeld ikkje lenger. Be koordinatoren om ein ny.",
        "en": "This invitation is no longer valid. Ask your coordinator for a new one.",
    },
    "me.passkeys": {"nb": "Passnøklene mine", "nn": "Passnøklane mine", "en": "My passkeys"},
    "me.no_passkeys": {"nb": "Du har ingen passnøkler.", "nn": "Du har ingen passnøklar.", "en": "You have no passkeys."},
    "me.passkey_add": {"nb": "Legg til en passnøkkel", "nn": "Legg til ein passnøkkel", "en": "Add a passkey"},
    "me.passkey_added_now": {"nb": "Passnøkkelen er lagt til.", "nn": "Passnøkkelen er lagd til.", "en": "The passkey is added."},
    "me.passkey_unnamed": {"nb": "Passnøkkel lagt til {date}", "nn": "Passnøkkel lagd til {date}", "en": "Passkey added {date}"},
    "me.passkey_added": {"nb": "Lagt til", "nn": "Lagd til", "en": "Added"},
    "me.passkey_last_used": {"nb": "Sist brukt", "nn": "Sist brukt", "en": "Last used"},
    "me.passkey_rename": {"nb": "Gi nytt navn", "nn": "Gi nytt namn", "en": "Rename"},
    "me.passkey_name": {"nb": "Navn på passnøkkelen", "nn": "Namn på passnøkkelen", "en": "Passkey name"},
    "me.passkey_save": {"nb": "Lagre navnet", "nn": "Lagre namnet", "en": "Save the name"},
    "me.passkey_renamed": {"nb": "Navnet er lagret.", "nn": "Namnet er lagra.", "en": "The name is saved."},
    "me.passkey_rename_failed": {
        "nb": "Navnet må ha 1 til 100 tegn. Ingenting ble endret.",
        "nn": "Namnet må ha 1 til 100 teikn. Ingenting vart endra.",
        "en": "The name must have 1 to 100 characters. Nothing was changed.",
    },
    "me.passkey_remove": {"nb": "Fjern", "nn": "Fjern", "en": "Remove"},
    "me.passkey_remove_warning": {
        "nb": "Telefonen med denne passnøkkelen blir logget ut. Har du ingen andre passnøkler, må du be koordinatoren om en ny invitasjon.",
        "nn": "Telefonen med denne passnøkkelen blir logga ut. Har du ingen andre passnøklar, må du be koordinatoren om ein ny invitasjon.",
        "en": "The phone with this passkey is signed out. If you have no other passkey, you need a new invitation from your coordinator.",
    },
    "me.passkey_remove_confirm": {"nb": "Ja, fjern passnøkkelen", "nn": "Ja, fjern passnøkkelen", "en": "Yes, remove the passkey"},
    "me.passkey_removed": {"nb": "Passnøkkelen er fjernet.", "nn": "Passnøkkelen er fjerna.", "en": "The passkey is removed."},
    "me.passkey_remove_failed": {
        "nb": "Passnøkkelen kunne ikke fjernes. Ingenting ble endret.",
        "nn": "Passnøkkelen kunne ikkje fjernast. Ingenting vart endra.",
        "en": "The passkey could not be removed. Nothing was changed.",
    },
    "me.sign_out_everywhere": {"nb": "Logg ut på alle enheter", "nn": "Logg ut på alle einingar", "en": "Sign out on all devices"},
    "invite.title": {"nb": "Inviter", "nn": "Inviter", "en": "Invite"},
    "invite.open": {"nb": "Inviter en person til planen", "nn": "Inviter ein person til planen", "en": "Invite someone to the plan"},
    "invite.intro": {
        "nb": "Lag en invitasjon og send lenken eller koden på SMS, e-post eller papir. Den kan brukes én gang, i sju dager.",
        "nn": "Lag ein invitasjon og send lenkja eller koden på SMS, e-post eller papir. Han kan brukast éin gong, i sju dagar.",
        "en": "Create an invitation and send the link or code by text, e-mail or on paper. It works once, for seven days.",
    },
    "invite.plan": {"nb": "Planen til", "nn": "Planen til", "en": "The plan of"},
    "invite.given_name": {"nb": "Fornavn", "nn": "Førenamn", "en": "First name"},
    "invite.family_name": {"nb": "Etternavn", "nn": "Etternamn", "en": "Last name"},
    "invite.email": {"nb": "E-post", "nn": "E-post", "en": "E-mail"},
    "invite.phone": {"nb": "Mobilnummer", "nn": "Mobilnummer", "en": "Mobile number"},
    "invite.role": {"nb": "Rolle i planen", "nn": "Rolle i planen", "en": "Role in the plan"},
    "invite.relation": {"nb": "Forhold til planeieren (for eksempel mor)", "nn": "Forhold til planeigaren (til dømes mor)", "en": "Relation to the plan owner (for example mother)"},
    "invite.create": {"nb": "Lag invitasjon", "nn": "Lag invitasjon", "en": "Create invitation"},
    "invite.result_heading": {"nb": "Invitasjonen er klar", "nn": "Invitasjonen er klar", "en": "The invitation is ready"},
    "invite.result_for": {"nb": "Til", "nn": "Til", "en": "For"},
    "invite.link": {"nb": "Lenke", "nn": "Lenkje", "en": "Link"},
    "invite.code": {"nb": "Kode", "nn": "Kode", "en": "Code"},
    "invite.expires": {"nb": "Gyldig til", "nn": "Gyldig til", "en": "Valid until"},
    "invite.send_hint": {
        "nb": "Personen åpner lenken på telefonen sin og lager en passnøkkel. Ingen andre kan se planen før eieren har delt den.",
        "nn": "Personen opnar lenkja på telefonen sin og lagar ein passnøkkel. Ingen andre kan sjå planen før eigaren har delt han.",
        "en": "The person opens the link on their phone and creates a passkey. Nobody sees the plan until the owner shares it.",
    },
    "invite.people_heading": {"nb": "Ny invitasjon til noen som er med", "nn": "Ny invitasjon til nokon som er med", "en": "A new invitation for someone already in"},
    "invite.people_intro": {
        "nb": "Bruk dette hvis noen har mistet eller byttet telefon. En kode til planens eier, en verge eller noen som allerede bruker ipapp, virker først når en annen i koordinerende enhet har godkjent den.",
        "nn": "Bruk dette viss nokon har mista eller bytt telefon. Ein kode til eigaren av planen, ein verje eller nokon som alt brukar ipapp, verkar først når ein annan i koordinerande eining har godkjent han.",
        "en": "Use this when someone lost or changed their phone. A code for the plan's owner, a guardian or anyone already using ipapp works only once someone else in the coordinating unit has approved it.",
    },
    "invite.reinvite": {"nb": "Lag ny invitasjon", "nn": "Lag ny invitasjon", "en": "Create a new invitation"},
    "invite.problem.given_name": {"nb": "Skriv fornavnet (høyst 200 tegn).", "nn": "Skriv førenamnet (høgst 200 teikn).", "en": "Write the first name (at most 200 characters)."},
    "invite.problem.family_name": {"nb": "Skriv etternavnet (høyst 200 tegn).", "nn": "Skriv etternamnet (høgst 200 teikn).", "en": "Write the last name (at most 200 characters)."},
    "invite.problem.email": {"nb": "Skriv en gyldig e-postadresse, eller et mobilnummer.", "nn": "Skriv ei gyldig e-postadresse, eller eit mobilnummer.", "en": "Write a valid e-mail address, or a mobile number."},
    "invite.problem.phone": {"nb": "Skriv mobilnummeret med 8 til 16 sifre.", "nn": "Skriv mobilnummeret med 8 til 16 siffer.", "en": "Write the mobile number with 8 to 16 digits."},
    "invite.problem.role": {"nb": "Velg en rolle.", "nn": "Vel ei rolle.", "en": "Choose a role."},
    "invite.problem.relation": {"nb": "Forholdet kan ha høyst 100 tegn.", "nn": "Forholdet kan ha høgst 100 teikn.", "en": "The relation can have at most 100 characters."},
    "invite.problem.form": {"nb": "Skjemaet kom ikke fram. Prøv igjen.", "nn": "Skjemaet kom ikkje fram. Prøv igjen.", "en": "The form did not arrive. Please try again."},
    "sharing.current": {"nb": "Hvem har tilgang", "nn": "Kven har tilgang", "en": "Who has access"},
    "sharing.ended": {"nb": "Tilganger som er avsluttet", "nn": "Tilgangar som er avslutta", "en": "Access that has ended"},
    "sharing.give": {"nb": "Gi noen tilgang", "nn": "Gi nokon tilgang", "en": "Give someone access"},
    "sharing.who": {"nb": "Hvem", "nn": "Kven", "en": "Who"},
    "sharing.which_sections": {"nb": "Hva kan de se", "nn": "Kva kan dei sjå", "en": "What they can see"},
    "sharing.until_when": {"nb": "Hvor lenge", "nn": "Kor lenge", "en": "For how long"},
    "sharing.duration.same": {"nb": "Samme siste dag som nå", "nn": "Same siste dag som no", "en": "The same last day as now"},
    "sharing.duration.1m": {"nb": "1 måned", "nn": "1 månad", "en": "1 month"},
    "sharing.duration.3m": {"nb": "3 måneder", "nn": "3 månader", "en": "3 months"},
    "sharing.duration.6m": {"nb": "6 måneder", "nn": "6 månader", "en": "6 months"},
    "sharing.duration.12m": {"nb": "1 år", "nn": "1 år", "en": "1 year"},
    "sharing.duration.date": {"nb": "Til en dato jeg velger", "nn": "Til ein dato eg vel", "en": "Until a date I choose"},
    "sharing.pick_date": {"nb": "Siste dag med tilgang", "nn": "Siste dag med tilgang", "en": "Last day of access"},
    "sharing.purpose": {"nb": "Hvorfor (valgfritt)", "nn": "Kvifor (valfritt)", "en": "Why (optional)"},
    "sharing.save": {"nb": "Lagre", "nn": "Lagre", "en": "Save"},
    "sharing.saved_needs_consent": {
        "nb": "Lagret. Tilgangen gjelder først når du har signert samtykket.",
        "nn": "Lagra. Tilgangen gjeld først når du har signert samtykket.",
        "en": "Saved. The access starts once you have signed the consent.",
    },
    "sharing.revoke": {"nb": "Trekk tilbake tilgangen", "nn": "Trekk tilbake tilgangen", "en": "Take back the access"},
    "sharing.revoke_explained": {
        "nb": "Personen mister tilgangen med en gang.",
        "nn": "Personen mistar tilgangen med ein gong.",
        "en": "The person loses access at once.",
    },
    "sharing.revoke_confirm": {"nb": "Ja, trekk tilbake", "nn": "Ja, trekk tilbake", "en": "Yes, take it back"},
    "sharing.revoked": {"nb": "Tilgangen er trukket tilbake.", "nn": "Tilgangen er trekt tilbake.", "en": "The access is taken back."},
    "sharing.will_be_invited": {"nb": "får en invitasjon", "nn": "får ein invitasjon", "en": "will get an invitation"},
    "sharing.someone_else": {"nb": "Noen som ikke står på listen", "nn": "Nokon som ikkje står på lista", "en": "Someone not on the list"},
    "sharing.someone_else_choice": {"nb": "En annen person (skriv hvem under)", "nn": "Ein annan person (skriv kven under)", "en": "Someone else (write who below)"},
    "sharing.someone_else_hint": {
        "nb": "Personen får en invitasjon som du sender selv. Skriv e-post eller mobilnummer, eller begge.",
        "nn": "Personen får ein invitasjon som du sender sjølv. Skriv e-post eller mobilnummer, eller begge.",
        "en": "The person gets an invitation that you send yourself. Write an e-mail address or a mobile number, or both.",
    },
    "sharing.invitation_heading": {"nb": "Send invitasjonen", "nn": "Send invitasjonen", "en": "Send the invitation"},
    "sharing.invitation_hint": {
        "nb": "Send lenken eller koden til {name} på SMS eller e-post. {name} ser bare det du har delt, og først når du har signert samtykket.",
        "nn": "Send lenkja eller koden til {name} på SMS eller e-post. {name} ser berre det du har delt, og først når du har signert samtykket.",
        "en": "Send the link or the code to {name} by text message or e-mail. {name} sees only what you shared, and only once you have signed the consent.",
    },
    "sharing.change": {"nb": "Endre tilgangen", "nn": "Endre tilgangen", "en": "Change the access"},
    "sharing.change_explained": {
        "nb": "Den gamle tilgangen stopper med en gang. Den nye gjelder når du har signert samtykket.",
        "nn": "Den gamle tilgangen stoppar med ein gong. Den nye gjeld når du har signert samtykket.",
        "en": "The old access stops at once. The new one starts when you have signed the consent.",
    },
    "sharing.change_save": {"nb": "Lagre og gå til signering", "nn": "Lagre og gå til signering", "en": "Save and go to signing"},
    "sharing.problem.unchanged": {"nb": "Du har ikke endret noe. Ingenting ble lagret.", "nn": "Du har ikkje endra noko. Ingenting vart lagra.", "en": "You changed nothing. Nothing was saved."},
    "sharing.problem.too_many_invitations": {
        "nb": "Du har mange invitasjoner ute, eller har laget mange den siste måneden. Spør koordinatoren om å invitere flere.",
        "nn": "Du har mange invitasjonar ute, eller har laga mange den siste månaden. Spør koordinatoren om å invitere fleire.",
        "en": "You have many invitations out, or made many this past month. Ask the coordinator to invite more people.",
    },
    "sharing.problem.ending_dealt_with": {
        "nb": "Du har allerede fornyet denne tilgangen eller latt den gå ut. Ingenting ble endret.",
        "nn": "Du har alt fornya denne tilgangen eller late han gå ut. Ingenting vart endra.",
        "en": "You already renewed this access or let it end. Nothing was changed.",
    },
    "sharing.problem.no_sections": {"nb": "Velg minst én del av planen.", "nn": "Vel minst éin del av planen.", "en": "Choose at least one part of the plan."},
    "sharing.problem.unknown_section": {"nb": "Velg bare blant delene på listen.", "nn": "Vel berre blant delane på lista.", "en": "Choose only from the parts listed."},
    "sharing.problem.no_end_date": {"nb": "Velg hvor lenge tilgangen skal vare.", "nn": "Vel kor lenge tilgangen skal vare.", "en": "Choose how long the access lasts."},
    "sharing.problem.bad_date": {"nb": "Datoen ble ikke forstått. Velg den på nytt.", "nn": "Datoen vart ikkje forstått. Vel han på nytt.", "en": "The date was not understood. Please pick it again."},
    "sharing.problem.end_in_past": {"nb": "Siste dag kan ikke være før i dag.", "nn": "Siste dag kan ikkje vere før i dag.", "en": "The last day cannot be before today."},
    "sharing.problem.too_long": {"nb": "Tilgang kan gis for høyst fem år om gangen.", "nn": "Tilgang kan givast for høgst fem år om gongen.", "en": "Access can be given for at most five years at a time."},
    "sharing.problem.duplicate": {"nb": "Denne personen har allerede akkurat denne tilgangen.", "nn": "Denne personen har alt akkurat denne tilgangen.", "en": "This person already has exactly this access."},
    "sharing.problem.unknown_person": {"nb": "Velg hvem som skal få tilgang.", "nn": "Vel kven som skal få tilgang.", "en": "Choose who gets access."},
    "sharing.problem.bad_purpose": {"nb": "Hvorfor kan ha høyst 500 tegn.", "nn": "Kvifor kan ha høgst 500 teikn.", "en": "Why can have at most 500 characters."},
    "sharing.problem.not_allowed": {"nb": "Du kan ikke dele denne delen av planen.", "nn": "Du kan ikkje dele denne delen av planen.", "en": "You cannot share this part of the plan."},
    "sharing.problem.unknown_grant": {"nb": "Denne tilgangen finnes ikke lenger. Ingenting ble endret.", "nn": "Denne tilgangen finst ikkje lenger. Ingenting vart endra.", "en": "This access no longer exists. Nothing was changed."},
    "consent.title": {"nb": "Samtykke", "nn": "Samtykke", "en": "Consent"},
    "consent.open": {"nb": "Les og signer samtykket", "nn": "Les og signer samtykket", "en": "Read and sign the consent"},
    "consent.back": {"nb": "Tilbake til deling", "nn": "Tilbake til deling", "en": "Back to sharing"},
    "consent.version": {"nb": "Versjon", "nn": "Versjon", "en": "Version"},
    "consent.text_heading": {"nb": "Dette samtykker du til", "nn": "Dette samtykkjer du til", "en": "What you consent to"},
    "consent.sign": {"nb": "Signer med passnøkkel", "nn": "Signer med passnøkkel", "en": "Sign with passkey"},
    "consent.sign_busy": {"nb": "Venter på passnøkkelen …", "nn": "Ventar på passnøkkelen …", "en": "Waiting for the passkey …"},
    "consent.withdraw": {"nb": "Trekk tilbake samtykket", "nn": "Trekk tilbake samtykket", "en": "Withdraw consent"},
    "consent.withdraw_explained": {
        "nb": "Alle i samtykket mister tilgangen med en gang. Du trenger ikke signere for å trekke det tilbake.",
        "nn": "Alle i samtykket mistar tilgangen med ein gong. Du treng ikkje signere for å trekkje det tilbake.",
        "en": "Everyone in the consent loses access at once. You do not need to sign to withdraw it.",
    },
    "consent.withdraw_confirm": {"nb": "Ja, trekk tilbake samtykket", "nn": "Ja, trekk tilbake samtykket", "en": "Yes, withdraw the consent"},
    "consent.status.awaiting_signature": {"nb": "Venter på signatur", "nn": "Ventar på signatur", "en": "Waiting for signature"},
    "consent.status.signed": {"nb": "Signert", "nn": "Signert", "en": "Signed"},
    "consent.status.withdrawn": {"nb": "Trukket tilbake", "nn": "Trekt tilbake", "en": "Withdrawn"},
    "consent.status.superseded": {"nb": "Erstattet av en nyere versjon", "nn": "Erstatta av ein nyare versjon", "en": "Replaced by a newer version"},
    "consent.signed_verified": {
        "nb": "Signert av {name} {when}. Signaturen er kontrollert.",
        "nn": "Signert av {name} {when}. Signaturen er kontrollert.",
        "en": "Signed by {name} {when}. The signature is verified.",
    },
    "consent.signed_not_verified": {
        "nb": "Signert av {name} {when}, men signaturen kunne ikke kontrolleres. Kontakt koordinatoren.",
        "nn": "Signert av {name} {when}, men signaturen kunne ikkje kontrollerast. Kontakt koordinatoren.",
        "en": "Signed by {name} {when}, but the signature could not be verified. Contact the coordinator.",
    },
    "consent.signed_now": {"nb": "Samtykket er signert. Delingen gjelder nå.", "nn": "Samtykket er signert. Delinga gjeld no.", "en": "The consent is signed. The sharing applies now."},
    "consent.withdrawn_now": {"nb": "Samtykket er trukket tilbake. Ingen har tilgang gjennom det lenger.", "nn": "Samtykket er trekt tilbake. Ingen har tilgang gjennom det lenger.", "en": "The consent is withdrawn. Nobody has access through it any more."},
    "consent.error.changed": {"nb": "Teksten er endret. Les den nye teksten før du signerer.", "nn": "Teksten er endra. Les den nye teksten før du signerer.", "en": "The text has changed. Read the new text before you sign."},
    "consent.error.already_signed": {"nb": "Samtykket er allerede signert.", "nn": "Samtykket er alt signert.", "en": "This consent is already signed."},
    "consent.error.retry": {"nb": "Signeringen gikk ikke. Prøv igjen med din egen passnøkkel.", "nn": "Signeringa gjekk ikkje. Prøv igjen med din eigen passnøkkel.", "en": "Signing did not work. Try again with your own passkey."},
    "consent.error.no_passkey": {"nb": "Du trenger en passnøkkel for å signere. Du kan legge den til selv under Meg.", "nn": "Du treng ein passnøkkel for å signere. Du kan leggje han til sjølv under Meg.", "en": "You need a passkey to sign. You can add one yourself under Me."},
    "consent.error.nothing_to_consent": {"nb": "Du deler ikke planen med noen nå.", "nn": "Du deler ikkje planen med nokon no.", "en": "You are not sharing your plan with anyone now."},
    "accesslog.title": {"nb": "Hvem har sett planen min", "nn": "Kven har sett planen min", "en": "Who has looked at my plan"},
    "accesslog.intro": {
        "nb": "Her ser du hvem som har åpnet planen din, og når. Det du gjør selv, står ikke her.",
        "nn": "Her ser du kven som har opna planen din, og når. Det du gjer sjølv, står ikkje her.",
        "en": "Here you see who opened your plan, and when. What you do yourself is not listed.",
    },
    "accesslog.filter": {"nb": "Vis bare", "nn": "Vis berre", "en": "Show only"},
    "accesslog.everyone": {"nb": "Alle", "nn": "Alle", "en": "Everyone"},
    "accesslog.none": {"nb": "Ingen andre har sett planen ennå.", "nn": "Ingen andre har sett planen enno.", "en": "Nobody else has looked at the plan yet."},
    "accesslog.the_plan": {"nb": "planen", "nn": "planen", "en": "the plan"},
    "accesslog.denied_mark": {"nb": "Stoppet:", "nn": "Stoppa:", "en": "Stopped:"},
    "accesslog.previous": {"nb": "Nyere", "nn": "Nyare", "en": "Newer"},
    "accesslog.next": {"nb": "Eldre", "nn": "Eldre", "en": "Older"},
    "accesslog.paging": {"nb": "Bla i loggen", "nn": "Bla i loggen", "en": "Page through the log"},
    "accesslog.open": {"nb": "Hvem har sett planen min", "nn": "Kven har sett planen min", "en": "Who has looked at my plan"},
    "ending.last_day": {"nb": "Tilgangen slutter etter", "nn": "Tilgangen sluttar etter", "en": "Access ends after"},
    "ending.renew": {"nb": "Forny i 3 måneder", "nn": "Forny i 3 månader", "en": "Renew for 3 months"},
    "ending.let_lapse": {
        "nb": "Gjør du ingenting, stopper tilgangen av seg selv.",
        "nn": "Gjer du ingenting, stoppar tilgangen av seg sjølv.",
        "en": "If you do nothing, the access stops by itself.",
    },
    "ending.let_lapse_button": {"nb": "La den gå ut", "nn": "La han gå ut", "en": "Let it end"},
    "ending.lapse_chosen": {
        "nb": "Greit. Tilgangen stopper på siste dag, og du får ikke flere påminnelser om den.",
        "nn": "Greitt. Tilgangen stoppar på siste dag, og du får ikkje fleire påminningar om han.",
        "en": "All right. The access stops on its last day, and you get no more reminders about it.",
    },
    "renewal.needed": {
        "nb": "Vergen som signerte samtykket, gjør ikke det for deg lenger. Les samtykket og signer det selv.",
        "nn": "Verja som signerte samtykket, gjer ikkje det for deg lenger. Les samtykket og signer det sjølv.",
        "en": "The guardian who signed the consent no longer acts for you. Read the consent and sign it yourself.",
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


def _merge(part: dict[str, dict[str, str]]) -> None:
    """Add one area's texts; a key defined twice is a mistake caught at import."""
    twice = sorted(set(part) & set(MESSAGES))
    if twice:
        raise ValueError(f"catalog keys defined twice: {twice}")
    MESSAGES.update(part)


# Areas with many texts of their own live in their own modules (imported here, merged once).
from ipapp.i18n import (  # noqa: E402
    catalog_a11y,
    catalog_alerts,
    catalog_editing,
    catalog_feed,
    catalog_log,
    catalog_menu,
    catalog_messages,
    catalog_print,
    catalog_push,
    catalog_pwa,
    catalog_setup,
)

_merge(catalog_editing.MESSAGES)
_merge(catalog_print.MESSAGES)
_merge(catalog_setup.MESSAGES)
_merge(catalog_log.MESSAGES)
_merge(catalog_menu.MESSAGES)
_merge(catalog_messages.MESSAGES)
_merge(catalog_a11y.MESSAGES)
_merge(catalog_push.MESSAGES)
_merge(catalog_pwa.MESSAGES)
_merge(catalog_alerts.MESSAGES)
_merge(catalog_feed.MESSAGES)
