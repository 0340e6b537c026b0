"""Texts of the "Varsler" page on Meg (issue 12, item 3). Merged into ipapp.i18n.catalog."""

from ipapp.i18n.entry import three as _t

# The times before a meeting she may choose (reminder_preferences.MEETING_OFFSET_CHOICES, minutes).
_OFFSETS = {
    10080: ("1 uke før", "1 veke før", "1 week before"),
    2880: ("2 døgn før", "2 døgn før", "2 days before"),
    1440: ("24 timer før", "24 timar før", "24 hours before"),
    720: ("12 timer før", "12 timar før", "12 hours before"),
    240: ("4 timer før", "4 timar før", "4 hours before"),
    120: ("2 timer før", "2 timar før", "2 hours before"),
    60: ("1 time før", "1 time før", "1 hour before"),
    30: ("30 minutter før", "30 minutt før", "30 minutes before"),
}

MESSAGES: dict[str, dict[str, str]] = {
    "alerts.title": _t("Varsler og kalender", "Varsel og kalender", "Notifications and calendar"),
    "alerts.back_to_me": _t("Tilbake til Meg", "Tilbake til Meg", "Back to Me"),
    "alerts.devices_heading": _t("Varsler på telefonen", "Varsel på telefonen", "Notifications on your phone"),
    "alerts.explained": _t(
        "Få en påminnelse før møter og når koordinatoren svarer deg. Varselet sier bare at noe skjer og når, "
        "aldri hva det gjelder, så andre som ser skjermen din får ikke vite noe om planen.",
        "Få ei påminning før møte og når koordinatoren svarar deg. Varselet seier berre at noko skjer og når, "
        "aldri kva det gjeld, så andre som ser skjermen din får ikkje vite noko om planen.",
        "Get a reminder before meetings and when your coordinator answers you. The notification only says that "
        "something is happening and when, never what it is about, so others who see your screen learn nothing "
        "about the plan.",
    ),
    "alerts.ios_home_screen": _t(
        "På iPhone og iPad kan du få varsler bare når ipapp ligger på Hjem-skjermen. Trykk på Del-knappen i "
        "Safari, velg «Legg til på Hjem-skjerm», og åpne ipapp derfra.",
        "På iPhone og iPad kan du få varsel berre når ipapp ligg på Heim-skjermen. Trykk på Del-knappen i "
        "Safari, vel «Legg til på Heim-skjerm», og opne ipapp derifrå.",
        "On iPhone and iPad you can get notifications only when ipapp is on the Home Screen. Tap the Share button "
        "in Safari, choose “Add to Home Screen”, and open ipapp from there.",
    ),
    "alerts.unsupported": _t(
        "Denne nettleseren kan ikke vise varsler. Prøv en annen nettleser, eller legg ipapp til på Hjem-skjermen.",
        "Denne nettlesaren kan ikkje vise varsel. Prøv ein annan nettlesar, eller legg ipapp til på Heim-skjermen.",
        "This browser cannot show notifications. Try another browser, or add ipapp to your Home Screen.",
    ),
    "alerts.denied_in_browser": _t(
        "Du har sagt nei til varsler fra ipapp i nettleseren. Du kan slå dem på igjen i nettleserens "
        "innstillinger for dette nettstedet.",
        "Du har sagt nei til varsel frå ipapp i nettlesaren. Du kan slå dei på igjen i innstillingane til "
        "nettlesaren for denne nettstaden.",
        "You have said no to notifications from ipapp in your browser. You can turn them back on in the browser's "
        "settings for this site.",
    ),
    "alerts.no_devices": _t("Varsler er ikke slått på på noen enhet.", "Varsel er ikkje slått på på nokon eining.",
                            "Notifications are not turned on on any device."),
    "alerts.this_device": _t("denne enheten", "denne eininga", "this device"),
    "alerts.turn_on": _t("Slå på varsler på denne enheten", "Slå på varsel på denne eininga",
                         "Turn on notifications on this device"),
    "alerts.turning_on": _t("Slår på …", "Slår på …", "Turning on …"),
    "alerts.turn_off": _t("Slå av", "Slå av", "Turn off"),
    "alerts.send_test": _t("Send et prøvevarsel", "Send eit prøvevarsel", "Send a test notification"),
    "alerts.turned_on": _t("Varsler er slått på på denne enheten.", "Varsel er slått på på denne eininga.",
                           "Notifications are on for this device."),
    "alerts.turned_off": _t("Varsler er slått av på enheten.", "Varsel er slått av på eininga.",
                            "Notifications are off for that device."),
    "alerts.test_sent": _t("Prøvevarselet er sendt. Det kommer vanligvis fram i løpet av noen sekunder.",
                           "Prøvevarselet er sendt. Det kjem vanlegvis fram i løpet av nokre sekund.",
                           "The test notification was sent. It usually arrives within a few seconds."),
    "alerts.test.gone": _t(
        "Enheten tar ikke imot varsler lenger, så vi har slått dem av der. Slå dem på igjen fra enheten.",
        "Eininga tek ikkje imot varsel lenger, så vi har slått dei av der. Slå dei på igjen frå eininga.",
        "The device no longer accepts notifications, so we have turned them off there. Turn them on again from "
        "the device.",
    ),
    "alerts.test.retry": _t("Varseltjenesten er opptatt akkurat nå. Prøv igjen om litt.",
                            "Varseltenesta er oppteken akkurat no. Prøv igjen om litt.",
                            "The notification service is busy right now. Try again in a while."),
    "alerts.test.failed": _t("Prøvevarselet kom ikke fram. Prøv igjen om litt.",
                             "Prøvevarselet kom ikkje fram. Prøv igjen om litt.",
                             "The test notification did not get through. Try again in a while."),
    "alerts.test.refused": _t(
        "Varseltjenesten til denne enheten er ikke en vi sender til. Slå varsler av og på igjen.",
        "Varseltenesta til denne eininga er ikkje ei vi sender til. Slå varsel av og på igjen.",
        "This device's notification service is not one we send to. Turn notifications off and on again.",
    ),
    "alerts.error.unsupported": _t("Denne nettleseren kan ikke vise varsler.", "Denne nettlesaren kan ikkje vise varsel.",
                                   "This browser cannot show notifications."),
    "alerts.error.denied": _t(
        "Nettleseren sa nei til varsler. Du kan tillate dem i nettleserens innstillinger for dette nettstedet.",
        "Nettlesaren sa nei til varsel. Du kan tillate dei i innstillingane til nettlesaren for denne nettstaden.",
        "The browser said no to notifications. You can allow them in the browser's settings for this site.",
    ),
    "alerts.error.dismissed": _t("Du svarte ikke på spørsmålet om varsler. Prøv igjen når du er klar.",
                                 "Du svarte ikkje på spørsmålet om varsel. Prøv igjen når du er klar.",
                                 "You did not answer the question about notifications. Try again when you are ready."),
    "alerts.error.no_worker": _t("Appen er ikke ferdig lastet. Last inn siden på nytt og prøv igjen.",
                                 "Appen er ikkje ferdig lasta. Last inn sida på nytt og prøv igjen.",
                                 "The app has not finished loading. Reload the page and try again."),
    "alerts.error.subscribe": _t("Varsler kunne ikke slås på. Prøv igjen om litt.",
                                 "Varsel kunne ikkje slåast på. Prøv igjen om litt.",
                                 "Notifications could not be turned on. Try again in a while."),
    "alerts.error.turn_off": _t("Fant ikke den enheten. Listen er oppdatert.", "Fann ikkje den eininga. Lista er oppdatert.",
                                "That device was not found. The list is up to date."),
    "alerts.which_heading": _t("Hva du vil bli minnet på", "Kva du vil bli mint på", "What to be reminded of"),
    "alerts.meetings_legend": _t("Før møter", "Før møte", "Before meetings"),
    "alerts.meeting_first": _t("Første påminnelse", "Første påminning", "First reminder"),
    "alerts.meeting_second": _t("Andre påminnelse", "Andre påminning", "Second reminder"),
    "alerts.offset.off": _t("Av", "Av", "Off"),
    **{f"alerts.offset.{minutes}": _t(*words) for minutes, words in _OFFSETS.items()},
    "alerts.other_legend": _t("Andre varsler", "Andre varsel", "Other notifications"),
    "alerts.new_message": _t("Når du får en ny melding", "Når du får ei ny melding", "When you get a new message"),
    "alerts.review_due": _t("Når planen snart skal gjennomgås", "Når planen snart skal gjennomgåast",
                            "When the plan is due for review soon"),
    "alerts.access_ending": _t("Når en tilgang du har gitt snart slutter", "Når ein tilgang du har gitt snart sluttar",
                               "When access you have given ends soon"),
    "alerts.save": _t("Lagre valgene", "Lagre vala", "Save choices"),
    "alerts.preferences_saved": _t("Valgene er lagret.", "Vala er lagra.", "Your choices are saved."),
    "alerts.error.preferences": _t("Valgene ble ikke lagret. Se hva som må rettes.",
                                   "Vala vart ikkje lagra. Sjå kva som må rettast.",
                                   "Your choices were not saved. See what needs fixing."),
    "alerts.sent_heading": _t("Varsler sendt til deg", "Varsel sende til deg", "Notifications sent to you"),
    "alerts.none_sent": _t("Ingen varsler er sendt til deg ennå.", "Ingen varsel er sende til deg enno.",
                           "No notifications have been sent to you yet."),
    "alerts.sent_at": _t("Sendt", "Sendt", "Sent"),
}
