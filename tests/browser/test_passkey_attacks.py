"""A real assertion from Chromium's virtual authenticator, captured on its way to the server, then
replayed and tampered with: each is refused, and none starts a session."""

import base64
import json
import re

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _with_client_data(credential: dict, **changes) -> dict:
    client_data = json.loads(_unb64(credential["response"]["clientDataJSON"]))
    client_data.update(changes)
    forged = json.loads(json.dumps(credential))
    forged["response"]["clientDataJSON"] = _b64(json.dumps(client_data).encode())
    return forged


def test_replayed_and_tampered_assertions_are_refused(page, app_url):
    cdp = page.context.new_cdp_session(page)
    cdp.send("WebAuthn.enable")
    cdp.send("WebAuthn.addVirtualAuthenticator", {"options": {
        "protocol": "ctap2", "transport": "internal", "hasResidentKey": True,
        "hasUserVerification": True, "isUserVerified": True, "automaticPresenceSimulation": True}})
    page.goto(f"{app_url}/demo")
    page.get_by_role("button", name=re.compile("^Logg inn som Jonas")).click()
    page.wait_for_url(f"{app_url}/")
    page.goto(f"{app_url}/meg")
    page.get_by_role("button", name="Legg til en passnøkkel").click()
    expect(page.get_by_role("status")).to_contain_text("Passnøkkelen er lagt til")
    page.get_by_role("button", name="Logg ut", exact=True).click()
    page.wait_for_url(re.compile(r".*/(demo|logg-inn)/?$"))

    captured: list[dict] = []
    page.route("**/auth/passkey/sign-in",
               lambda route: (captured.append(json.loads(route.request.post_data)), route.continue_()))
    page.goto(f"{app_url}/logg-inn")
    button = page.get_by_role("button", name="Logg inn med passnøkkel")
    expect(button).to_be_enabled()
    button.click()
    page.wait_for_url(f"{app_url}/")
    [credential] = captured

    def post(body: dict):
        return page.context.request.post(f"{app_url}/auth/passkey/sign-in", data=json.dumps(body),
                                         headers={"content-type": "application/json", "origin": app_url})

    attempts = {
        "replayed": credential,
        "foreign challenge": _with_client_data(credential, challenge=_b64(b"x" * 32)),
        "tampered origin": _with_client_data(credential, origin="https://evil.example"),
    }
    for name, body in attempts.items():
        response = post(body)
        assert response.status == 400, f"{name}: {response.status}"
        assert "set-cookie" not in response.headers, f"{name} started a session"
