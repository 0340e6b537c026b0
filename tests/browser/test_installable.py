"""The installable app (issue 12, item 1), at phone width on the production build: the manifest
and its icons, Chromium's own installability check, the service worker's rules (hashed files
cache-first, pages network-first, everything else untouched), the offline page, and a new build
taking over."""

from __future__ import annotations

import io
import json
import math
import re
from pathlib import Path

import pytest
from PIL import Image
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError
from playwright.sync_api import expect

from ipapp.api.edge import INLINE_SCRIPT
from ipapp.i18n import SUPPORTED_LOCALES, translate
from ipapp.i18n.catalog import MESSAGES

pytestmark = pytest.mark.browser

ASSETS = Path(__file__).resolve().parents[2] / "assets"
BRAND = (0x1F, 0x4E, 0x5F)
HASHED_ASSET = re.compile(r"^/assets/[^/]+-[A-Za-z0-9_-]{8}\.[a-z0-9]+$")
OFFLINE_FILES = {"/offline.html", "/offline.js"}  # the only files the worker caches besides hashed ones
CACHE_CONTENTS_JS = """async () => {
  const found = {};
  for (const name of await caches.keys()) {
    const cache = await caches.open(name);
    found[name] = (await cache.keys()).map((request) => new URL(request.url).pathname);
  }
  return found;
}"""
# The cache names once the worker has finished activating (it deletes old ones then); 10 s at most.
CACHE_NAMES_SETTLED_JS = """async (expected) => {
  for (let tries = 0; tries < 100; tries++) {
    const names = await caches.keys();
    if (names.join() === expected) return names;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return caches.keys();
}"""


def _sign_in_as(page, app_url: str, name: str) -> None:
    page.goto(f"{app_url}/demo")
    page.get_by_role("button", name=re.compile(f"^Logg inn som {name}")).click()
    page.wait_for_url(re.compile(re.escape(app_url) + r"/?$"))


def _worker_in_control(page) -> str:
    """Wait until the service worker is active and controls this page; its script URL.

    A page whose load was still under way while the worker activated is not claimed (the spec's
    clients.claim() skips a client that is not yet execution-ready) and stays uncontrolled until
    its next load: registering on the sign-in page, just before sign-in navigates, can do that.
    Such a page is loaded once more; every later page load is controlled (asserted after this)."""
    page.evaluate("navigator.serviceWorker.ready.then(() => true)")
    try:
        page.wait_for_function("navigator.serviceWorker.controller !== null", timeout=5000)
    except PlaywrightTimeoutError:
        page.reload()
        page.wait_for_function("navigator.serviceWorker.controller !== null")
    return page.evaluate("navigator.serviceWorker.controller.scriptURL")


def _png(page, url: str) -> Image.Image:
    response = page.request.get(url)
    assert response.status == 200, f"{url}: HTTP {response.status}"
    assert response.headers["content-type"] == "image/png", url
    return Image.open(io.BytesIO(response.body()))


def _opaque(image: Image.Image) -> bool:
    return "A" not in image.getbands() or image.getchannel("A").getextrema() == (255, 255)


def _mark_reach(image: Image.Image) -> float:
    """How far from the centre the white mark reaches, as a share of half the width."""
    rgb = image.convert("RGB")
    width, height = rgb.size
    reach = 0.0
    for y in range(height):
        for x in range(width):
            red, green, blue = rgb.getpixel((x, y))
            if min(red, green, blue) > 128:  # the white lines, not the brand colour
                reach = max(reach, math.hypot(x + 0.5 - width / 2, y + 0.5 - height / 2))
    return reach / (width / 2)


def test_the_static_files_say_what_the_catalog_says():
    """The manifest and the offline page cannot use the catalog at run time: they are copies."""
    manifest = json.loads((ASSETS / "manifest.webmanifest").read_text(encoding="utf-8"))
    assert manifest["name"] == translate("pwa.name")
    assert manifest["short_name"] == translate("pwa.short_name")
    assert len(manifest["short_name"]) <= 12  # what fits under a home-screen icon
    assert manifest["description"] == translate("app.description")
    offline = (ASSETS / "offline.html").read_text(encoding="utf-8")
    assert f"<title>{translate('pwa.offline.page_title')}</title>" in offline
    assert f"<h1>{translate('pwa.offline.heading')}</h1>" in offline
    assert f"<p>{translate('pwa.offline.body')}</p>" in offline
    assert f'href="">{translate("pwa.offline.retry")}</a>' in offline
    for locale in ("nn", "en"):
        line = f"{translate('pwa.offline.heading', locale)}. {translate('pwa.offline.body', locale)}"
        assert f'<p lang="{locale}">{line}</p>' in offline
    # The CSP allows no new inline script: the page's one script is the static offline.js.
    assert re.findall(r"<script[^>]*>", offline) == ['<script src="/offline.js" defer>']
    assert INLINE_SCRIPT.findall(offline.encode()) == []
    # offline.js shows the kept copy in her language: every pwa.offline.* text, as the catalog says.
    script = (ASSETS / "offline.js").read_text(encoding="utf-8")
    copied = json.loads(re.search(r"/\* catalog:begin \*/(.*?)/\* catalog:end \*/", script, re.S).group(1))
    assert copied == {locale: {key.removeprefix("pwa.offline."): translate(key, locale)
                               for key in MESSAGES if key.startswith("pwa.offline.")}
                      for locale in SUPPORTED_LOCALES}
    # The worker's own notification, for a push it cannot read.
    worker = (ASSETS / "sw.js").read_text(encoding="utf-8")
    generic = json.loads(re.search(r"^const GENERIC = (\{.*\});$", worker, re.M).group(1))
    assert generic == {locale: translate("pwa.push.generic", locale) for locale in SUPPORTED_LOCALES}


def test_the_manifest_is_linked_valid_and_its_icons_load(page, app_url):
    page.goto(f"{app_url}/logg-inn")
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    head = page.locator("head")
    href = head.locator('link[rel="manifest"]').get_attribute("href")
    assert href == "/manifest.webmanifest"
    response = page.request.get(f"{app_url}{href}")
    assert response.status == 200
    assert response.headers["content-type"].startswith("application/manifest+json")
    manifest = json.loads(response.text())
    theme = head.locator('meta[name="theme-color"]').get_attribute("content")
    ground = re.search(r"--ground:\s*(#[0-9a-f]{6})", (ASSETS / "ipapp.css").read_text()).group(1)
    assert {key: manifest.get(key) for key in
            ("lang", "start_url", "scope", "display", "theme_color", "background_color")} == {
        "lang": "nb", "start_url": "/", "scope": "/", "display": "standalone",
        "theme_color": theme, "background_color": ground}
    assert manifest["name"] == translate("pwa.name")
    assert manifest["short_name"] == translate("pwa.short_name")

    declared = {(icon["purpose"], icon["sizes"]): icon for icon in manifest["icons"]}
    assert set(declared) == {(p, s) for p in ("any", "maskable") for s in ("192x192", "512x512")}
    for (purpose, sizes), icon in declared.items():
        assert icon["type"] == "image/png"
        image = _png(page, f"{app_url}{icon['src']}")
        assert "x".join(map(str, image.size)) == sizes, icon["src"]
        if purpose == "maskable":
            # A launcher may cut any shape out of it: colour to the edges, the mark in the safe zone.
            assert _opaque(image), icon["src"]
            assert image.convert("RGB").getpixel((0, 0)) == BRAND
            assert _mark_reach(image) < 0.8, f"{icon['src']}: the mark leaves the inner 80 %"

    apple = head.locator('link[rel="apple-touch-icon"]')
    assert apple.get_attribute("sizes") == "180x180"
    touch_icon = _png(page, f"{app_url}{apple.get_attribute('href')}")
    assert touch_icon.size == (180, 180) and _opaque(touch_icon)  # iOS shows transparency as black
    for name, content in (("apple-mobile-web-app-capable", "yes"), ("mobile-web-app-capable", "yes"),
                          ("apple-mobile-web-app-title", translate("pwa.short_name"))):
        assert head.locator(f'meta[name="{name}"]').get_attribute("content") == content, name


def test_chromium_finds_the_app_installable_once_the_worker_is_active(browser, app_url, tmp_path):
    # Chromium never offers to install from an incognito profile ("in-incognito"), and every
    # browser.new_context() is one: this check runs in a real profile of its own.
    from conftest import CHROMIUM, CHROMIUM_ARGS, PHONE

    context = browser.browser_type.launch_persistent_context(
        str(tmp_path / "profile"), executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS,
        viewport=dict(PHONE), device_scale_factor=2, is_mobile=True, has_touch=True,
        locale="nb-NO", timezone_id="Europe/Oslo")
    try:
        page = context.pages[0] if context.pages else context.new_page()
        page.goto(f"{app_url}/logg-inn")
        expect(page.get_by_role("heading", level=1)).to_be_visible()
        script_url = _worker_in_control(page)
        assert re.fullmatch(re.escape(app_url) + r"/sw\.js\?build=[A-Za-z0-9_.-]+", script_url), script_url
        assert "unversioned" not in script_url  # the build's hashes were found in the page
        assert page.evaluate("navigator.serviceWorker.ready.then(r => r.scope)") == f"{app_url}/"
        worker = page.request.get(f"{app_url}/sw.js")
        assert worker.headers["content-type"].startswith("text/javascript")
        cdp = context.new_cdp_session(page)
        manifest = cdp.send("Page.getAppManifest")
        assert manifest["url"] == f"{app_url}/manifest.webmanifest"
        assert manifest.get("errors") == [], manifest.get("errors")
        errors = cdp.send("Page.getInstallabilityErrors")["installabilityErrors"]
        assert errors == [], errors
    finally:
        context.close()


def test_the_worker_leaves_the_websocket_and_the_routes_alone(page, app_url):
    _sign_in_as(page, app_url, "Sofie")
    expect(page.get_by_role("heading", level=1, name="Min plan")).to_be_visible()
    _worker_in_control(page)
    answered: dict[str, bool] = {}
    page.on("response", lambda r: answered.__setitem__(r.url, r.from_service_worker))

    # With the worker in control, the page still gets the plan over the websocket, after a
    # reload and after moving within the app.
    page.reload()
    expect(page.get_by_role("heading", level=1, name="Min plan")).to_be_visible()
    expect(page.get_by_role("heading", name="Mål og tiltak")).to_be_visible()
    page.get_by_role("navigation", name="Hovedmeny").get_by_role("link", name="Møter").click()
    expect(page.get_by_role("heading", level=1, name="Møter")).to_be_visible()
    expect(page.get_by_role("status")).to_have_count(0)  # loaded, not "Henter …"

    assert answered[f"{app_url}/"] is True, "the page load went past the worker (network-first)"
    scripts = [url for url in answered if "/assets/" in url and url.endswith(".js")]
    assert scripts and all(answered[url] for url in scripts), "hashed bundles not cache-first"
    # Only the build's hashed files and the offline page with its script are ever stored: no
    # page, no answer.
    cached = page.evaluate(CACHE_CONTENTS_JS)
    assert len(cached) == 1, cached
    paths = next(iter(cached.values()))
    assert OFFLINE_FILES <= set(paths)
    assert any(HASHED_ASSET.match(path) and path.endswith(".js") for path in paths)
    stray = [path for path in paths if path not in OFFLINE_FILES and not HASHED_ASSET.match(path)]
    assert stray == [], stray

    printed = page.goto(f"{app_url}/utskrift")
    assert printed is not None and printed.from_service_worker is False  # a data route: untouched


def test_every_kind_of_page_registers_the_same_worker(page, app_url):
    """The worker's build comes from the page as the server sent it. The not-found page and a goal's
    page (both from the SPA fallback) lose the manifest's link once React renders them; a build
    read then was another build, whose worker replaced the first, emptied its cache and stalled
    the next page load (test_languages hung on it)."""
    cdp = page.context.new_cdp_session(page)
    registered: set[str] = set()
    cdp.on("ServiceWorker.workerVersionUpdated",
           lambda event: registered.update(version["scriptURL"] for version in event["versions"]))
    cdp.send("ServiceWorker.enable")
    _sign_in_as(page, app_url, "Sofie")
    first = _worker_in_control(page)
    goal = page.locator("main a[href^='/mal/']").first.get_attribute("href")
    for path in (goal, "/finnes-ikke", "/meg", "/finnes/heller/ikke", "/"):
        page.goto(f"{app_url}{path}")
        expect(page.get_by_role("heading", level=1)).to_be_visible()
        # register-sw.js registers in an idle callback after the load; this one runs after it.
        page.evaluate("new Promise((done) => requestIdleCallback(() => setTimeout(done, 200), { timeout: 5000 }))")
    page.wait_for_timeout(500)  # the absence of a new worker: give its events time to arrive
    assert registered == {first}


def test_offline_a_page_load_shows_the_offline_page(page, app_url, assert_accessible, save_screenshot):
    _sign_in_as(page, app_url, "Sofie")
    expect(page.get_by_role("heading", level=1, name="Min plan")).to_be_visible()
    _worker_in_control(page)
    page.context.set_offline(True)
    for path in ("/", "/moter"):
        page.goto(f"{app_url}{path}")
        expect(page.get_by_role("heading", level=1, name="Du er uten nett")).to_be_visible()
        expect(page).to_have_title("Uten nett · ipapp")
        expect(page.locator("body")).not_to_contain_text("Sofie")  # nothing of her plan
    expect(page.get_by_text("ipapp trenger nett for å vise planen din.")).to_be_visible()
    expect(page.locator('p[lang="nn"]')).to_contain_text("Du er utan nett.")
    expect(page.locator('p[lang="en"]')).to_contain_text("You are offline.")
    assert_accessible(page, "offline")
    save_screenshot(page, "offline")

    # Back online, "Prøv igjen" fetches the page she tried to open.
    page.context.set_offline(False)
    page.get_by_role("link", name="Prøv igjen").click()
    expect(page.get_by_role("heading", level=1, name="Møter")).to_be_visible()
    assert re.fullmatch(re.escape(app_url) + r"/moter/?", page.url), page.url


def test_a_new_build_takes_over_at_once_and_removes_the_old_cache(page, app_url):
    page.goto(f"{app_url}/logg-inn")
    first = _worker_in_control(page)
    build = first.split("build=", 1)[1]
    assert list(page.evaluate(CACHE_CONTENTS_JS)) == [f"ipapp-{build}"]
    # What register-sw.js does after a deploy: the same worker under the new build's hashes.
    page.evaluate("""() => new Promise((resolve) => {
        navigator.serviceWorker.addEventListener("controllerchange", resolve, { once: true });
        navigator.serviceWorker.register("/sw.js?build=next", { scope: "/", updateViaCache: "none" });
    })""")
    assert page.evaluate("navigator.serviceWorker.controller.scriptURL") == f"{app_url}/sw.js?build=next"
    assert page.evaluate(CACHE_NAMES_SETTLED_JS, "ipapp-next") == ["ipapp-next"]  # the old build's is gone
    # The page itself registers this build's worker again on the next load.
    page.reload()
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    page.wait_for_function(
        "navigator.serviceWorker.controller && navigator.serviceWorker.controller.scriptURL === "
        f"{json.dumps(first)}", polling=200)
    assert page.evaluate(CACHE_NAMES_SETTLED_JS, f"ipapp-{build}") == [f"ipapp-{build}"]
