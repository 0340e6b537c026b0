"""One rx.box, rx.text, rx.vstack, rx.button or rx.heading switches Radix Themes back on silently
(its 680 KiB stylesheet, render-blocking on a cheap phone): the production build must not have it."""

import json

import pytest

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
