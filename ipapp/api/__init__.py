"""Plain HTTP routes: health now; OIDC callback, .ics and exports later."""
