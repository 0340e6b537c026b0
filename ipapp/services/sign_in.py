"""Preparing a passkey ceremony for the browser: the options (with a fresh server-side challenge)
inside a script that never throws, posts the result to an HTTP route that sets the session cookie,
and reloads into the app."""

import json

from ipapp.auth import passkeys
from ipapp.services import invitations


# The browser side: the ceremony (passkeys.SIGN_IN_JS / REGISTER_JS, which never throw), then a
# post to the route above; on success the page reloads so the websocket carries the new cookie.
def _post_then_enter(ceremony_js: str, url: str, body_js: str) -> str:
    return (
        "(async () => {\n"
        f"  const cred = await {ceremony_js};\n"
        "  if (cred.error) return cred;\n"
        f"  const res = await fetch({json.dumps(url)}, {{method: 'POST', credentials: 'same-origin',\n"
        f"    headers: {{'content-type': 'application/json'}}, body: JSON.stringify({body_js})}});\n"
        "  let answer = {};\n"
        "  try { answer = await res.json(); } catch (e) { answer = {error: 'failed'}; }\n"
        # Only our two landing pages, whatever the answer says.
        "  if (res.ok) { window.location.assign(['/planer', '/enhet'].includes(answer.to) ? answer.to : '/'); return {ok: true}; }\n"
        "  return {error: answer.error || 'failed'};\n"
        "})()"
    )


def sign_in_script(client: str | None = None) -> str:
    ceremony = passkeys.browser_script(passkeys.SIGN_IN_JS, passkeys.authentication_options(client))
    return _post_then_enter(ceremony, "/auth/passkey/sign-in", "cred")


def invitation_script(code: str, label_js: str = "navigator.platform || ''") -> str:
    ceremony = passkeys.browser_script(passkeys.REGISTER_JS, invitations.registration_options(code))
    return _post_then_enter(
        ceremony, "/auth/invitation/register", f"{{code: {json.dumps(code)}, credential: cred, label: {label_js}}}"
    )
