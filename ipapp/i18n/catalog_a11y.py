"""Texts added for issue 13 (a11y). Merged into ipapp.i18n.catalog."""

from ipapp.i18n.entry import three as _t

MESSAGES: dict[str, dict[str, str]] = {
    # A handler of the backend failed (ipapp/components/failure_notice.py, instead of Reflex's toast).
    "a11y.handler_failed": _t(
        "Noe gikk galt, og det du nettopp gjorde ble kanskje ikke utført. Prøv igjen, eller last inn siden på nytt.",
        "Noko gjekk gale, og det du nettopp gjorde vart kanskje ikkje utført. Prøv igjen, eller last inn sida på nytt.",
        "Something went wrong, and what you just did may not have been done. Try again, or reload the page."),
    "a11y.close_notice": _t("Lukk", "Lukk", "Close"),
    # The connection notice that replaces Reflex's English one.
    "a11y.connection_lost": _t(
        "Forbindelsen med tjeneren er brutt. Vi prøver igjen …",
        "Sambandet med tenaren er brote. Vi prøver igjen …",
        "The connection to the server is lost. Trying again …"),
    # Reflex's own banner after a deploy (its state.js writes it in English; assets/register-sw.js
    # puts these in, read from hidden elements of the overlay in the tab's language).
    "a11y.new_version": _t("Det finnes en ny versjon av ipapp.", "Det finst ein ny versjon av ipapp.",
                           "A new version of ipapp is available."),
    "a11y.reload": _t("Last inn på nytt", "Last inn på nytt", "Reload"),
    # A passkey is named after the device it was made on; older keys without a name by the date.
    "me.passkey_device_name": _t("{browser} på {system}", "{browser} på {system}", "{browser} on {system}"),
    "me.passkey_unnamed_device": _t("{device}, lagt til {date}", "{device}, lagd til {date}",
                                    "{device}, added {date}"),
    # The accessibility statement (/tilgjengelighet).
    "statement.title": _t("Tilgjengelighetserklæring", "Tilgjengelegheitserklæring", "Accessibility statement"),
    "statement.intro": _t(
        "ipapp skal kunne brukes av alle, også med skjermleser, forstørring eller bare tastatur. Her står det "
        "hva vi gjør for det, hva vi vet ikke er godt nok ennå, og hvordan du sier fra om noe du ikke får til.",
        "ipapp skal kunne brukast av alle, også med skjermlesar, forstørring eller berre tastatur. Her står det "
        "kva vi gjer for det, kva vi veit ikkje er godt nok enno, og korleis du seier frå om noko du ikkje får til.",
        "Everyone should be able to use ipapp, also with a screen reader, magnification or only a keyboard. "
        "Here is what we do for that, what we know is not good enough yet, and how to tell us about a problem."),
    "statement.rules_heading": _t("Hvilke regler gjelder", "Kva reglar gjeld", "Which rules apply"),
    "statement.rules": _t(
        "Offentlige nettløsninger i Norge skal følge kravene i WCAG 2.1 på nivå AA, etter likestillings- og "
        "diskrimineringsloven og forskriften om universell utforming av IKT. Kommunen som bruker ipapp, skal "
        "også publisere en tilgjengelighetserklæring på uustatus.no. Denne siden forteller hva vi vet om ipapp selv.",
        "Offentlege nettløysingar i Noreg skal følgje krava i WCAG 2.1 på nivå AA, etter likestillings- og "
        "diskrimineringslova og forskrifta om universell utforming av IKT. Kommunen som brukar ipapp, skal "
        "også publisere ei tilgjengelegheitserklæring på uustatus.no. Denne sida fortel kva vi veit om ipapp sjølv.",
        "Public web services in Norway must meet WCAG 2.1 level AA, under the Equality and Anti-Discrimination "
        "Act and the regulation on universal design of ICT. The municipality that uses ipapp must also publish "
        "an accessibility statement at uustatus.no. This page tells what we know about ipapp itself."),
    "statement.done_heading": _t("Dette gjør vi", "Dette gjer vi", "What we do"),
    "statement.done.keyboard": _t(
        "Alle sidene er laget for mobil først og kan brukes med bare tastatur. En lenke øverst hopper rett til innholdet.",
        "Alle sidene er laga for mobil først og kan brukast med berre tastatur. Ei lenkje øvst hoppar rett til innhaldet.",
        "Every page is made for phones first and works with a keyboard alone. A link at the top skips to the content."),
    "statement.done.structure": _t(
        "Overskrifter, lister, skjemaer og knapper er merket slik at skjermlesere kan lese dem. Beskjeder om at "
        "noe er lagret eller gikk galt, blir lest opp.",
        "Overskrifter, lister, skjema og knappar er merkte slik at skjermlesarar kan lese dei. Meldingar om at "
        "noko er lagra eller gjekk gale, blir lesne opp.",
        "Headings, lists, forms and buttons are marked up so that screen readers can read them. Messages that "
        "something was saved or went wrong are read out."),
    "statement.done.contrast": _t(
        "Teksten har god kontrast og kan forstørres i nettleseren.",
        "Teksten har god kontrast og kan forstørrast i nettlesaren.",
        "The text has good contrast and can be enlarged in the browser."),
    "statement.done.languages": _t(
        "Alt kan leses på bokmål, nynorsk og engelsk. Språket på siden er merket, så skjermleseren uttaler riktig.",
        "Alt kan lesast på bokmål, nynorsk og engelsk. Språket på sida er merkt, så skjermlesaren uttalar rett.",
        "Everything can be read in Norwegian Bokmål, Nynorsk and English. The page's language is marked, so the "
        "screen reader pronounces it right."),
    "statement.done.pdf": _t(
        "Planen kan skrives ut eller lastes ned som PDF med overskrifter, lister, tabeller og språk merket.",
        "Planen kan skrivast ut eller lastast ned som PDF med overskrifter, lister, tabellar og språk merkte.",
        "The plan can be printed or downloaded as a PDF with its headings, lists, tables and language marked."),
    "statement.done.checked": _t(
        "Hver side blir sjekket automatisk med verktøyet axe-core i mobilbredde hver gang vi endrer noe.",
        "Kvar side blir sjekka automatisk med verktøyet axe-core i mobilbreidd kvar gong vi endrar noko.",
        "Every page is checked automatically with the axe-core tool at phone width every time we change something."),
    "statement.known_heading": _t("Dette vet vi at ikke er godt nok", "Dette veit vi at ikkje er godt nok",
                                  "What we know is not good enough"),
    "statement.known.screen_readers": _t(
        "Vi har ikke testet ipapp med ekte skjermlesere (VoiceOver, TalkBack, NVDA eller JAWS) eller sammen med "
        "folk som bruker dem. Automatiske tester finner bare en del av problemene.",
        "Vi har ikkje testa ipapp med ekte skjermlesarar (VoiceOver, TalkBack, NVDA eller JAWS) eller saman med "
        "folk som brukar dei. Automatiske testar finn berre ein del av problema.",
        "We have not tested ipapp with real screen readers (VoiceOver, TalkBack, NVDA or JAWS) or together with "
        "people who use them. Automatic tests find only some of the problems."),
    "statement.known.pdf": _t(
        "PDF-en er merket for skjermlesere, men vi har ikke kontrollert den med et verktøy for PDF/UA, som PAC "
        "eller veraPDF.",
        "PDF-en er merkt for skjermlesarar, men vi har ikkje kontrollert han med eit verktøy for PDF/UA, som PAC "
        "eller veraPDF.",
        "The PDF is tagged for screen readers, but we have not checked it with a PDF/UA tool such as PAC or veraPDF."),
    "statement.known.zoom": _t(
        "Vi har ikke prøvd alle sidene med 400 prosent forstørring, med stor tekst i telefonens innstillinger "
        "eller med høykontrast i Windows.",
        "Vi har ikkje prøvd alle sidene med 400 prosent forstørring, med stor tekst i innstillingane på telefonen "
        "eller med høgkontrast i Windows.",
        "We have not tried every page at 400 percent zoom, with large text in the phone's settings or with "
        "Windows high contrast."),
    "statement.known.outside": _t(
        "Når du lager eller bruker en passnøkkel, er det telefonen eller nettleseren som viser dialogen. Den kan "
        "vi ikke styre. Det samme gjelder innlogging med ID-porten.",
        "Når du lagar eller brukar ein passnøkkel, er det telefonen eller nettlesaren som viser dialogen. Den kan "
        "vi ikkje styre. Det same gjeld innlogging med ID-porten.",
        "When you make or use a passkey, the dialog is shown by your phone or browser. We cannot control it. "
        "The same goes for signing in with ID-porten."),
    "statement.known.connection": _t(
        "ipapp trenger JavaScript og forbindelse med tjeneren. Blir forbindelsen brutt, får du beskjed om det, men "
        "ingenting kan lagres før den er tilbake.",
        "ipapp treng JavaScript og samband med tenaren. Blir sambandet brote, får du melding om det, men ingenting "
        "kan lagrast før det er tilbake.",
        "ipapp needs JavaScript and a connection to the server. If the connection is lost, you are told so, but "
        "nothing can be saved until it is back."),
    "statement.report_heading": _t("Si fra om noe ikke virker", "Sei frå om noko ikkje verkar",
                                   "Tell us when something does not work"),
    "statement.report": _t(
        "Får du ikke til noe i ipapp, eller er noe vanskelig å lese eller bruke? Si fra til koordinatoren din eller "
        "til koordinerende enhet i kommunen. Fortell hvilken side det gjelder og hva du prøvde å gjøre.",
        "Får du ikkje til noko i ipapp, eller er noko vanskeleg å lese eller bruke? Sei frå til koordinatoren din "
        "eller til koordinerande eining i kommunen. Fortel kva side det gjeld og kva du prøvde å gjere.",
        "Is there something you cannot do in ipapp, or something hard to read or use? Tell your coordinator or "
        "the coordinating unit in the municipality. Say which page it is about and what you tried to do."),
    "statement.complaint": _t(
        "Får du ikke svar, eller er du ikke fornøyd med svaret, kan du klage til Tilsynet for universell "
        "utforming av IKT (uutilsynet.no).",
        "Får du ikkje svar, eller er du ikkje nøgd med svaret, kan du klage til Tilsynet for universell "
        "utforming av IKT (uutilsynet.no).",
        "If you get no answer, or are not satisfied with it, you can complain to the Authority for Universal "
        "Design of ICT (uutilsynet.no)."),
    "statement.date": _t("Erklæringen ble skrevet 2. desember 2026.", "Erklæringa vart skriven 2. desember 2026.",
                         "This statement was written on 2 December 2026."),
}
