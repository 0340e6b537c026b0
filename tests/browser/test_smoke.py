"""The production build is served the way a phone on a slow line needs it: one port, compressed
bundles, Norwegian page language, no framework badge."""

from __future__ import annotations

import re
import urllib.request

import pytest
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.browser


def test_server_answers_ping(app_url: str):
    with urllib.request.urlopen(f"{app_url}/ping", timeout=10) as response:
        assert response.status == 200


def test_page_is_norwegian_without_reflex_badge_and_bundles_are_compressed(page: Page, app_url: str):
    scripts: list[str] = []
    page.on(
        "response",
        lambda r: scripts.append(r.url) if re.search(r"/assets/.+\.js$", r.url) else None,
    )
    page.goto(f"{app_url}/demo")
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    expect(page.locator("html")).to_have_attribute("lang", "nb")
    expect(page.get_by_text(re.compile("Built with Reflex", re.I))).to_have_count(0)

    assert scripts, "the page loaded no /assets/*.js bundle"
    for encoding in ("br", "gzip"):
        request = urllib.request.Request(scripts[0], headers={"Accept-Encoding": encoding})
        with urllib.request.urlopen(request, timeout=10) as response:
            assert response.headers.get("Content-Encoding") == encoding, (
                f"{scripts[0]} was not served with Content-Encoding: {encoding} "
                f"(got {response.headers.get('Content-Encoding')!r})"
            )
