"""Texts of the private calendar feed (issue 12, item 6). Merged into ipapp.i18n.catalog.

The calendar itself shows only a meeting's title and time; the card says so, and that anyone who
has the link can see those, so she keeps it to herself and can turn it off.
"""

from ipapp.i18n.entry import three as _t

MESSAGES: dict[str, dict[str, str]] = {
    "calfeed.heading": _t("Kalender", "Kalender", "Calendar"),
    "calfeed.explained": _t(
        "Du kan få møtene inn i kalenderen på telefonen. Lag en kalenderlenke og abonner på den i "
        "kalender-appen. Kalenderen viser bare tid og tittel. Sted, innkalling og hvem som kommer, ser du "
        "når du logger inn her.",
        "Du kan få møta inn i kalenderen på telefonen. Lag ei kalenderlenke og abonner på ho i "
        "kalender-appen. Kalenderen viser berre tid og tittel. Stad, innkalling og kven som kjem, ser du "
        "når du loggar inn her.",
        "You can get the meetings into the calendar on your phone. Make a calendar link and subscribe to it "
        "in your calendar app. The calendar shows only the time and title. You see the place, the notice "
        "and who is coming when you sign in here.",
    ),
    "calfeed.keep_secret": _t(
        "Alle som har lenken, kan se tid og tittel på møtene. Ikke del den med andre. Du kan slå den av "
        "her når du vil.",
        "Alle som har lenka, kan sjå tid og tittel på møta. Ikkje del ho med andre. Du kan slå ho av her "
        "når du vil.",
        "Anyone who has the link can see the time and title of the meetings. Do not share it. You can turn "
        "it off here whenever you like.",
    ),
    "calfeed.status_off": _t("Du har ingen kalenderlenke nå.", "Du har inga kalenderlenke no.",
                             "You have no calendar link now."),
    # {made}: "i dag kl. 10.05" (ipapp.i18n.dates.format_when)
    "calfeed.status_on": _t("Kalenderlenken er på. Den ble laget {made}.",
                            "Kalenderlenka er på. Ho vart laga {made}.",
                            "Your calendar link is on. It was made {made}."),
    "calfeed.last_used": _t("Kalenderen hentet møtene sist {when}.", "Kalenderen henta møta sist {when}.",
                            "Your calendar last fetched the meetings {when}."),
    "calfeed.never_used": _t("Ingen kalender har hentet møtene ennå.", "Ingen kalender har henta møta enno.",
                             "No calendar has fetched the meetings yet."),
    "calfeed.make": _t("Lag kalenderlenke", "Lag kalenderlenke", "Make a calendar link"),
    "calfeed.make_new": _t("Lag ny lenke (den gamle slutter å virke)", "Lag ny lenke (den gamle sluttar å verke)",
                           "Make a new link (the old one stops working)"),
    "calfeed.turn_off": _t("Slå av kalenderlenken", "Slå av kalenderlenka", "Turn off the calendar link"),
    "calfeed.link_label": _t("Kalenderlenken din", "Kalenderlenka di", "Your calendar link"),
    "calfeed.link_once": _t(
        "Lenken vises bare nå. Kopier den og lim den inn i kalender-appen, eller åpne den rett i kalenderen.",
        "Lenka blir berre vist no. Kopier ho og lim ho inn i kalender-appen, eller opna ho rett i kalenderen.",
        "The link is shown only now. Copy it and paste it into your calendar app, or open it straight in "
        "your calendar.",
    ),
    "calfeed.copy": _t("Kopier lenken", "Kopier lenka", "Copy the link"),
    "calfeed.open_in_calendar": _t("Åpne i kalenderen", "Opna i kalenderen", "Open in your calendar"),
    "calfeed.made": _t("Kalenderlenken er laget.", "Kalenderlenka er laga.", "Your calendar link is made."),
    "calfeed.made_new": _t("Ny kalenderlenke er laget. Den gamle virker ikke lenger.",
                           "Ny kalenderlenke er laga. Den gamle verkar ikkje lenger.",
                           "A new calendar link is made. The old one no longer works."),
    "calfeed.copied": _t("Lenken er kopiert.", "Lenka er kopiert.", "The link is copied."),
    "calfeed.copy_failed": _t(
        "Kunne ikke kopiere. Lenken er merket, så du kan kopiere den selv.",
        "Kunne ikkje kopiere. Lenka er merkt, så du kan kopiere ho sjølv.",
        "Could not copy. The link is selected, so you can copy it yourself.",
    ),
    "calfeed.turned_off": _t(
        "Kalenderlenken er slått av. Kalenderen får ikke flere møter fra den.",
        "Kalenderlenka er slått av. Kalenderen får ikkje fleire møte frå ho.",
        "The calendar link is turned off. Your calendar gets no more meetings from it.",
    ),
    # The calendar's name in her calendar app (X-WR-CALNAME), in her language (Person.locale).
    "calfeed.calendar_name": _t("Møter – individuell plan", "Møte – individuell plan", "Meetings – individual plan"),
    # The answer to a link that is unknown or turned off (the same for both).
    "calfeed.not_found": _t(
        "Denne kalenderlenken virker ikke. Lag en ny under Meg, Varsler og kalender.",
        "Denne kalenderlenka verkar ikkje. Lag ei ny under Meg, Varsel og kalender.",
        "This calendar link does not work. Make a new one under Me, Notifications and calendar.",
    ),
    # The owner's access log (ipapp.services.log_words, target "feed:<id>"): a read of the meetings
    # by someone's calendar app through their calendar link.
    "accesslog.event.read_feed": _t(
        "Hentet møtene til kalenderen sin med kalenderlenken",
        "Henta møta til kalenderen sin med kalenderlenka",
        "Fetched the meetings into their calendar with their calendar link",
    ),
}
