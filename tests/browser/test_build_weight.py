"""The production build stays light. One rx.box, rx.text, rx.vstack, rx.button or rx.heading
switches Radix Themes back on silently (its 680 KiB stylesheet, render-blocking on a cheap phone),
and a toaster brings sonner back: the production build must have neither."""

import json
import re

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser
MAX_GLOBAL_CSS = 50 * 1024


def test_the_build_has_no_radix_themes_and_little_css(app_url):
    from conftest import TEST_WEB_DIR

    dependencies = json.loads((TEST_WEB_DIR / "package.json").read_text())
    names = {*dependencies.get("dependencies", {}), *dependencies.get("devDependencies", {})}
    assert "@radix-ui/themes" not in names
    stylesheets = list((TEST_WEB_DIR / "build" / "client" / "assets").glob("*.css"))
    assert stylesheets, "the build has no stylesheet at all: is this the production build?"
    total = sum(path.stat().st_size for path in stylesheets)
    assert total < MAX_GLOBAL_CSS, f"{total} bytes of CSS in {[p.name for p in stylesheets]}"


def test_no_page_loads_a_toast_library(app_url):
    """The app has no toaster (ipapp.components.failure_notice tells a failed handler instead):
    sonner, some 9 KiB of every first load, is in none of the built scripts."""
    from conftest import TEST_WEB_DIR

    scripts = list((TEST_WEB_DIR / "build" / "client" / "assets").glob("*.js"))
    assert scripts, "the build has no scripts: is this the production build?"
    assert not [p.name for p in scripts if b"data-sonner-toaster" in p.read_bytes()]


def test_no_page_gives_an_element_a_style_prop_that_emotion_would_serialize_on_every_render(app_url):
    """A prop Reflex does not know on a component (focusable="false" on rx.icon did) goes into its
    `css`, and Emotion then serializes and hashes that style on every render of it, with two
    wrapper components more per element: 21 icons of the overview were 44 of the 223 components
    its content render re-rendered. Our styles live in ipapp.css; no compiled page has a css prop."""
    from conftest import TEST_WEB_DIR

    pages = [*(TEST_WEB_DIR / "app" / "routes").glob("*.jsx"), *(TEST_WEB_DIR / "app_components").rglob("*.jsx")]
    assert pages, "no compiled pages: is this the production build?"
    assert not [p.name for p in pages if "css:({" in p.read_text()]


def test_icons_come_from_the_hashed_sprite_not_from_icon_components(app_url, page):
    """Each lucide-react icon was two React components and a path element per stroke, rendered
    and hydrated on every page (the overview's content render: 179 components, 135 without them).
    No compiled page imports lucide-react; the overview's icons draw from the sprite, which is
    served as a hashed, year-cached file."""
    from conftest import TEST_WEB_DIR

    from ipapp.components import icon_sprite

    pages = [*(TEST_WEB_DIR / "app" / "routes").glob("*.jsx"), *(TEST_WEB_DIR / "app_components").rglob("*.jsx")]
    assert pages and not [p.name for p in pages if "lucide-react" in p.read_text()]
    sprite = page.request.get(app_url + icon_sprite.URL)
    assert sprite.status == 200 and sprite.headers["content-type"] == "image/svg+xml"
    assert sprite.headers["cache-control"] == "public, max-age=31536000, immutable"
    from test_pages import _sign_in_as

    _sign_in_as(page, app_url, "Sofie")  # how it looks, not what she can do: the demo is enough
    page.locator("main svg.icon").first.wait_for()
    drawn = page.evaluate("""() => [...document.querySelectorAll('svg.icon use')].map(use => {
        const box = use.getBBox(); return [use.getAttribute('href'), box.width > 0 && box.height > 0]; })""")
    assert drawn and all(href.startswith(icon_sprite.URL + "#") for href, _ in drawn)
    assert all(ok for _, ok in drawn), [href for href, ok in drawn if not ok]



def test_the_skip_link_is_the_browsers_own_and_takes_focus_to_the_page(app_url, page):
    """Keyboard only: Tab shows "Hopp til innholdet" first, Enter puts focus on <main>, and the
    next Tab goes on inside the page's content, not through the header. The skip link, tel:,
    mailto: and the documents are plain anchors the browser follows (shell.plain_link), not
    React Router <Link> components that render and hydrate for nothing."""
    from conftest import TEST_WEB_DIR

    overview = (TEST_WEB_DIR / "app" / "routes" / "_index.jsx").read_text()
    assert 'jsx("a",{className:"skip-link",href:"#main"}' in overview
    from test_pages import _sign_in_as

    _sign_in_as(page, app_url, "Sofie")  # how the page behaves, not what she can do: the demo is enough
    expect(page.locator("main h1")).to_have_text("Min plan")
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Hopp til innholdet")
    expect(skip).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.locator("main#main")).to_be_focused()
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.closest('main') !== null"), \
        "Tab after the skip link did not go on inside the page's main content"
