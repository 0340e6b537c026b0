"""Texts added for issue 13 (messages). Merged into ipapp.i18n.catalog."""

from ipapp.i18n.entry import three as _t

MESSAGES: dict[str, dict[str, str]] = {
    # Consent: with no passkey she adds one herself under "Meg" (consent.error.no_passkey says so).
    "consent.no_passkey_link": _t(
        "Legg til en passnøkkel under Meg",
        "Legg til ein passnøkkel under Meg",
        "Add a passkey under Me",
    ),
    # Sharing: the same grant again, while the first one still waits for her signature.
    "sharing.problem.duplicate_waiting": _t(
        "Akkurat denne tilgangen er allerede lagret og venter på at du signerer samtykket. "
        "Den gjelder først når du har signert.",
        "Akkurat denne tilgangen er alt lagra og ventar på at du signerer samtykket. "
        "Tilgangen gjeld først når du har signert.",
        "Exactly this access is already saved and is waiting for you to sign the consent. "
        "It applies only once you have signed.",
    ),
    # Sharing: "Hvem har tilgang" when every grant has ended or been taken back.
    "sharing.no_one": _t(
        "Ingen andre har tilgang nå. Planen er ikke delt med noen.",
        "Ingen andre har tilgang no. Planen er ikkje delt med nokon.",
        "No one else has access now. The plan is not shared with anyone.",
    ),
}
