"""The words of the demo plan: Sofie, 19, back at school after a brain injury.

Everyone here is made up. Phone numbers are in an obviously fictional series and e-mail addresses
are at example.com. The texts are plain bokmål, short sentences: the reader may be tired, on a
small phone, with memory and concentration problems. seed.py turns this into rows; days are
offsets from "today" so the demo never goes stale.
"""

from dataclasses import dataclass

MUNICIPALITY = "Fjordvik kommune"


@dataclass(frozen=True)
class PersonText:
    key: str
    given_name: str
    family_name: str
    email: str
    phone: str


# The people who sign in. Keys are used by seed.py to wire roles.
PEOPLE = (
    PersonText("owner", "Sofie", "Lindgren Aas", "sofie.aas@example.com", "+47 400 00 001"),
    PersonText("guardian", "Erik", "Aas", "erik.aas@example.com", "+47 400 00 002"),
    PersonText("next_of_kin", "Hanne", "Lindgren", "hanne.lindgren@example.com", "+47 400 00 003"),
    PersonText("provider", "Jonas", "Berg", "jonas.berg@example.com", "+47 400 00 004"),
    PersonText("coordinator", "Mari", "Nilsen", "mari.nilsen@example.com", "+47 400 00 005"),
    PersonText("unit_admin", "Kari", "Holm", "kari.holm@example.com", "+47 400 00 006"),
    # Sofie's first coordinator, who has moved on to other work; kept for the history.
    PersonText("earlier_coordinator", "Tone", "Vik", "tone.vik@example.com", "+47 400 00 007"),
)

GUARDIANSHIP_SCOPE = (
    "Vergemål for helse og økonomi. Oppnevnt av Statsforvalteren. "
    "Erik hjelper Sofie med saker om helse og penger. Sofie bestemmer selv så langt hun kan."
)

ABOUT_WHAT_MATTERS = (
    "Jeg heter Sofie og er 19 år. "
    "For litt over ett år siden falt jeg av sykkelen og skadet hodet. "
    "Det viktigste for meg nå er å bli ferdig med skolen. Jeg vil også jobbe litt. "
    "Jeg elsker fotball. Nå ser jeg mest på, men jeg vil spille igjen. "
    "Hunden min, Luna, får meg ut på tur hver dag."
)
ABOUT_RESOURCES = (
    "Jeg gir ikke opp så lett. Jeg er god med folk og liker å hjelpe andre. "
    "Mamma og pappa stiller opp for meg. Jeg har gode venner i klassen. "
    "Kalender og påminnelser på telefonen hjelper meg å huske."
)
ABOUT_NEEDS = (
    "Jeg blir fort sliten, og da får jeg vondt i hodet. Jeg trenger pauser i løpet av dagen. "
    "Jeg glemmer avtaler og beskjeder. Skriv ned det som er viktig, og send meg en påminnelse. "
    "Snakk rolig, og si én ting om gangen. "
    "Når det blir mye lyd, trenger jeg et stille sted."
)


@dataclass(frozen=True)
class ContactText:
    key: str
    role: str  # a ContactRole value
    name: str
    title: str
    organisation: str
    phone: str
    email: str
    person_key: str | None = None  # links the contact to a person who signs in


CONTACTS = (
    ContactText("coordinator", "coordinator", "Mari Nilsen", "koordinator", MUNICIPALITY,
                "+47 400 00 005", "mari.nilsen@example.com", "coordinator"),
    ContactText("gp", "gp", "Anders Myhre", "fastlege", "Fjordvik legesenter",
                "+47 400 00 011", "fjordvik.legesenter@example.com"),
    ContactText("physio", "provider", "Jonas Berg", "fysioterapeut", MUNICIPALITY,
                "+47 400 00 004", "jonas.berg@example.com", "provider"),
    ContactText("ot", "provider", "Silje Haugen", "ergoterapeut", MUNICIPALITY,
                "+47 400 00 012", "silje.haugen@example.com"),
    ContactText("school", "school_or_work", "Ole Strand", "rådgiver",
                "Fjordvik videregående skole", "+47 400 00 013", "ole.strand@example.com"),
    ContactText("ppt", "school_or_work", "Lene Dahl", "PP-rådgiver", "PPT Fjordvik",
                "+47 400 00 014", "lene.dahl@example.com"),
    ContactText("nav", "school_or_work", "Amir Haddad", "NAV-veileder", "NAV Fjordvik",
                "+47 400 00 015", "amir.haddad@example.com"),
    ContactText("support", "provider", "Thomas Lie", "støttekontakt", MUNICIPALITY,
                "+47 400 00 016", "thomas.lie@example.com"),
    ContactText("mother", "next_of_kin", "Hanne Lindgren", "mor", "",
                "+47 400 00 003", "hanne.lindgren@example.com", "next_of_kin"),
    ContactText("father", "next_of_kin", "Erik Aas", "far og verge", "",
                "+47 400 00 002", "erik.aas@example.com", "guardian"),
)


@dataclass(frozen=True)
class MeasureText:
    name: str
    provider: str
    responsible: str  # a ContactText key
    frequency: str
    starts_in_days: int  # negative: started in the past
    lasts_days: int | None  # None: no end date yet
    owner_contribution: str
    next_of_kin_contribution: str


@dataclass(frozen=True)
class GoalText:
    title: str
    description: str
    target_in_months: int
    measures: tuple[MeasureText, ...]


GOALS = (
    GoalText(
        "Jeg vil fullføre Vg3 i mitt eget tempo",
        "Jeg går Vg3 helse- og oppvekstfag. I år tar jeg tre fag, og resten neste år. "
        "Jeg vil ha skoledager jeg orker, og ikke gå glipp av det viktigste.",
        16,
        (
            MeasureText(
                "Tilrettelagt skoledag", "Fjordvik videregående skole", "school",
                "fire korte skoledager i uka", -300, 450,
                "Jeg går til hvilerommet når jeg trenger pause. "
                "Jeg sier fra til kontaktlæreren.",
                "Mamma hjelper meg å planlegge uka på søndager.",
            ),
            MeasureText(
                "Råd fra PPT om tilrettelegging og eksamen", "PPT Fjordvik", "ppt",
                "ett møte hvert halvår, ellers når det trengs", -270, None,
                "Jeg forteller hva som fungerer, og hva som er vanskelig.",
                "Pappa er med på møtene hvis jeg vil det.",
            ),
        ),
    ),
    GoalText(
        "Jeg vil ha mer energi og mindre hodepine",
        "Nå er jeg ofte sliten etter lunsj, og da får jeg vondt i hodet. "
        "Jeg vil orke skolen og litt til. For eksempel tur med Luna eller å se en fotballkamp.",
        6,
        (
            MeasureText(
                "Fysioterapi: trening for utholdenhet og balanse",
                "Fysioterapitjenesten, Fjordvik kommune", "physio",
                "to ganger i uka, 45 minutter", -365, 455,
                "Jeg gjør øvelsene hjemme tre dager i uka. Jeg skriver i treningsdagboka.",
                "Mamma kjører meg til timen på tirsdager.",
            ),
            MeasureText(
                "Oppfølging av hodepine hos fastlegen", "Fjordvik legesenter", "gp",
                "hver sjette uke", -395, None,
                "Jeg skriver ned når jeg har vondt i hodet, og hvor vondt det er.",
                "Mamma eller pappa blir med til legen hvis jeg vil.",
            ),
        ),
    ),
    GoalText(
        "Jeg vil jobbe litt ved siden av skolen",
        "Jeg vil jobbe noen timer i uka, helst med barn eller eldre. "
        "Det er det jeg utdanner meg til. "
        "Jeg må starte rolig, så jeg orker skolen også.",
        12,
        (
            MeasureText(
                "Samtaler med NAV-veileder om jobb", "NAV Fjordvik", "nav",
                "én samtale i måneden", -90, None,
                "Jeg tenker gjennom hva slags jobb jeg vil prøve.",
                "Pappa er med når vi snakker om penger og skjemaer.",
            ),
            MeasureText(
                "Arbeidstrening i barnehage", "NAV Fjordvik", "nav",
                "tre timer i uka, én dag", 30, 183,
                "Jeg prøver meg tre timer i uka. Jeg sier fra hvis det blir for mye.",
                "Pappa hjelper meg med skjemaene til NAV.",
            ),
        ),
    ),
    GoalText(
        "Jeg vil klare mer selv hjemme",
        "Jeg vil huske avtalene mine selv og lage enkel mat. "
        "Jeg vil ikke at mamma skal måtte minne meg på alt.",
        9,
        (
            MeasureText(
                "Kognitiv rehabilitering med ergoterapeut",
                "Ergoterapitjenesten, Fjordvik kommune", "ot",
                "én gang i uka", -240, 360,
                "Jeg øver på å bruke kalenderen på telefonen. "
                "Jeg lager handleliste før jeg lager mat.",
                "Mamma lar meg prøve selv først. Hun hjelper når jeg ber om det.",
            ),
            MeasureText(
                "Støttekontakt: tur med Luna og fotballkamp", MUNICIPALITY, "support",
                "to ettermiddager i uka", -180, None,
                "Jeg foreslår hva vi skal gjøre. Jeg sier fra hvis jeg er for sliten.",
                "Mamma og pappa sier fra til støttekontakten hvis planen endrer seg.",
            ),
        ),
    ),
)

HELSEHUS = "Fjordvik helsehus, møterom 2"

PAST_MEETING_TITLE = "Ansvarsgruppemøte"
PAST_MEETING_AGENDA = (
    "1. Runde: Hvordan går det nå?\n"
    "2. Skolen: Fungerer den tilrettelagte skoledagen?\n"
    "3. Fysioterapi og energi\n"
    "4. Hodepine: nytt fra fastlegen\n"
    "5. Jobb ved siden av skolen\n"
    "6. Neste møte"
)
PAST_MEETING_MINUTES = (
    "Til stede: Sofie Lindgren Aas, Erik Aas (far og verge), Hanne Lindgren (mor), "
    "Mari Nilsen (koordinator), Jonas Berg (fysioterapeut), Ole Strand (rådgiver), "
    "Amir Haddad (NAV). Fastlegen kunne ikke komme, men sendte en skriftlig beskjed.\n\n"
    "1. Hvordan går det: Sofie orker mer enn for tre måneder siden. "
    "Hun er fortsatt veldig sliten etter lunsj.\n"
    "2. Skolen: Fire korte skoledager i uka fungerer. Sofie bruker hvilerommet. "
    "Vi bestemte: Ordningen fortsetter ut skoleåret.\n"
    "3. Fysioterapi: Sofie har bedre balanse og holder ut lenger. "
    "Vi bestemte: To timer i uka i tre måneder til.\n"
    "4. Hodepine: Fastlegen ber Sofie fortsette med hodepinedagboka.\n"
    "5. Jobb: Sofie vil prøve å jobbe med barn. "
    "Vi bestemte: NAV ser etter arbeidstrening i en barnehage, tre timer i uka.\n\n"
    "Hvem gjør hva:\n"
    "- Ole søker om utsatt eksamen for Sofie innen to uker.\n"
    "- Amir finner et sted for arbeidstrening før neste møte.\n"
    "- Jonas lager et nytt treningsprogram Sofie kan bruke hjemme.\n"
    "- Sofie fører hodepinedagbok og tar den med til legen.\n"
    "- Mari sender innkalling til neste møte.\n\n"
    "Neste møte: om seks uker."
)

NEXT_MEETING_TITLE = "Ansvarsgruppemøte"
NEXT_MEETING_AGENDA = (
    "1. Runde: Hvordan går det?\n"
    "2. Arbeidstrening: Hva har NAV funnet?\n"
    "3. Skolen: utsatt eksamen og neste skoleår\n"
    "4. Fysioterapi: det nye treningsprogrammet\n"
    "5. Planen skal gjennomgås snart. Hva vil vi endre?\n"
    "6. Eventuelt\n\n"
    "Sofie vil ta opp jobb og eksamen først. Vi tar pause etter 45 minutter."
)

VIDEO_MEETING_TITLE = "Samarbeidsmøte om skole og arbeidstrening"
VIDEO_MEETING_LOCATION = "Møte på video. Lenken står under."
VIDEO_MEETING_URL = "https://video.example.com/fjordvik/sofie-skole-og-jobb"
VIDEO_MEETING_AGENDA = (
    "1. Hvordan passer arbeidstreningen med timeplanen på skolen?\n"
    "2. Hvilken dag i uka er best?\n"
    "3. Hvem sier fra hvis Sofie blir for sliten?"
)

# (days ago, Oslo hour, minute, text). Private: only Sofie sees these unless she shares `notes`.
OWNER_NOTES = (
    (20, 18, 30, "Bra dag! Gikk hele runden rundt vannet med Luna. "
                 "Litt vondt i hodet etterpå, men det gikk over."),
    (8, 21, 10, "Husk å spørre Jonas om nakkeøvelsene. De gjør vondt."),
    (2, 16, 45, "Kanskje jeg vil prøve sykehjem i stedet for barnehage? Spør Amir."),
)

THREAD_SUBJECT = "Før ansvarsgruppemøtet"
# (days ago, Oslo hour, minute, sender key, text). The last one is Sofie's and still unanswered.
MESSAGES = (
    (6, 9, 12, "coordinator",
     "Hei Sofie! Snart er det ansvarsgruppemøte. Er det noe du vil at vi skal snakke om? "
     "Skriv gjerne her."),
    (5, 19, 40, "owner",
     "Hei! Jeg vil snakke om jobb og om eksamen. Kan møtet være kortere enn sist? "
     "Jeg var helt ferdig etterpå."),
    (4, 8, 30, "coordinator",
     "Så bra at du sier fra. Jobb og eksamen kommer først. "
     "Vi tar pause etter 45 minutter, og vi er ferdige senest kl. 11.30."),
    (1, 21, 5, "owner",
     "Takk! En ting til: Kan jeg være med på video hvis jeg er for sliten den dagen?"),
)

GRANT_PURPOSE = (
    "Mamma kan følge med på målene mine og møtene, så hun kan hjelpe meg å huske avtaler."
)

SECTION_NAMES_NB = {
    "about": "Om meg",
    "goals": "Mål og tiltak",
    "contacts": "Kontakter",
    "meetings": "Møter",
    "notes": "Mine notater",
    "messages": "Meldinger",
}

MONTHS_NB = (
    "januar", "februar", "mars", "april", "mai", "juni",
    "juli", "august", "september", "oktober", "november", "desember",
)
