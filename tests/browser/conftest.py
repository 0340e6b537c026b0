"""Browser tests: a real Chromium against the real production build of ipapp.

One production build and one server serve the whole session (a build takes 30-60 s):
  * `database_url` - a fresh SQLite database in a temp dir, migrated, with the demo data.
  * `app_url` - the production frontend built for a free port P (reused from the last run when
    nothing changed and P is free), served by `python -m ipapp.serve`: http://localhost:P.
  * `browser` - Debian's Chromium through Playwright. Missing Chromium FAILS the tests, unless
    IPAPP_SKIP_BROWSER_TESTS=1 is set on purpose (then they are skipped and the run says so).
  * `page` - a fresh phone-sized context per test (390x844, Norwegian, Europe/Oslo).
  * `assert_accessible(page, name)` - axe-core; no serious or critical violations allowed.
  * `save_screenshot(page, name)` - full page to test-artifacts/screenshots/NAME.png.

The build lives in test-artifacts/web (its own Reflex web dir), so tests never overwrite the build
that `make run` serves from .web. Logs: test-artifacts/build.log, test-artifacts/server.log.
"""

from __future__ import annotations

import json
import os
import re
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "scripts"))
import devserver  # noqa: E402  (scripts/devserver.py: build and serve, shared with make run/bench)

# IPAPP_TEST_ARTIFACTS: another directory for builds, logs and screenshots (two people testing at once).
ARTIFACTS = Path(os.environ.get("IPAPP_TEST_ARTIFACTS") or ROOT / "test-artifacts").resolve()
SCREENSHOTS = ARTIFACTS / "screenshots"
AXE_RESULTS = ARTIFACTS / "axe"
TEST_WEB_DIR = ARTIFACTS / "web"
CHROMIUM, CHROMIUM_ARGS = devserver.CHROMIUM, devserver.CHROMIUM_ARGS
PHONE = {"width": 390, "height": 844}
BLOCKING_IMPACTS = ("serious", "critical")
EXPECT_TIMEOUT_MS = 15_000
BROWSER_DIR = Path(__file__).resolve().parent


def skip_requested() -> bool:
    return os.environ.get("IPAPP_SKIP_BROWSER_TESTS", "").strip() == "1"


def require_chromium() -> None:
    """Fail (never silently skip) when there is no browser, unless skipping was asked for."""
    if CHROMIUM.is_file() and os.access(CHROMIUM, os.X_OK):
        return
    message = (
        f"Chromium was not found at {CHROMIUM}, so the browser tests cannot run. "
        "Install it (Debian: apt-get install chromium; `make test` does this when it runs as root "
        "or `sudo -n` works), or point IPAPP_CHROMIUM at a Chromium binary. To skip the browser "
        "tests on purpose, set IPAPP_SKIP_BROWSER_TESTS=1."
    )
    if skip_requested():
        pytest.skip(f"IPAPP_SKIP_BROWSER_TESTS=1 and {message}")
    pytest.fail(message, pytrace=False)


# --- markers, skipping on request, failure screenshots ---------------------------------------


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Mark the browser tests and run them last: Playwright's sync API keeps an event loop running
    in the main thread while the session's browser is open, and asyncio.run() in any test after it
    would fail."""
    browser_items = []
    for item in items:
        if BROWSER_DIR in Path(str(item.path)).resolve().parents:
            item.add_marker(pytest.mark.browser)
            if skip_requested():
                item.add_marker(
                    pytest.mark.skip(reason="browser test skipped: IPAPP_SKIP_BROWSER_TESTS=1")
                )
            browser_items.append(item)
    if browser_items:
        in_browser = set(map(id, browser_items))
        items[:] = [item for item in items if id(item) not in in_browser] + browser_items


def pytest_terminal_summary(terminalreporter, exitstatus, config) -> None:
    if skip_requested():
        terminalreporter.write_line(
            "ipapp: IPAPP_SKIP_BROWSER_TESTS=1 - the browser tests were SKIPPED on request.",
            yellow=True,
            bold=True,
        )


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item: pytest.Item, call):
    report = yield
    setattr(item, f"rep_{report.when}", report)
    return report


# --- database, build, server -------------------------------------------------------------------


@pytest.fixture(scope="session")
def app_port() -> int:
    """The last test build's port when it is free (so that build is reused), else a free one."""
    return devserver.pick_port(TEST_WEB_DIR)


@pytest.fixture(scope="session")
def ipapp_env(tmp_path_factory: pytest.TempPathFactory, app_port: int) -> dict[str, str]:
    """The environment of the app under test: a temp SQLite database with the demo data."""
    tmp = tmp_path_factory.mktemp("ipapp")
    return {
        "DATABASE_URL": f"sqlite:///{tmp / 'ipapp.sqlite3'}",
        "IPAPP_ENV": "development",
        "IPAPP_DEMO": "1",
        "IPAPP_ORIGIN": f"http://localhost:{app_port}",
        "REFLEX_STATES_WORKDIR": str(tmp / "states"),
        # Push to the tests' own push service on 127.0.0.1 (tests/push_server.py) is allowed.
        "IPAPP_PUSH_TEST_LOOPBACK": "1",
    }


@pytest.fixture(scope="session")
def database_url(ipapp_env: dict[str, str]) -> str:
    """The test database's URL, migrated and loaded with the demo data (tests read expectations)."""
    try:
        devserver.prepare_database(ipapp_env, log_path=ARTIFACTS / "prepare.log")
    except devserver.DevServerError as exc:
        pytest.fail(f"Preparing the test database failed: {exc}", pytrace=False)
    return ipapp_env["DATABASE_URL"]


@pytest.fixture(scope="session")
def app_url(app_server: devserver.Server) -> str:
    """http://localhost:P serving the production build and the backend on one port."""
    return app_server.url


@pytest.fixture(scope="session")
def app_server(
    ipapp_env: dict[str, str], app_port: int, request: pytest.FixtureRequest
) -> Iterator[devserver.Server]:
    """The server behind app_url (a test that needs another configuration on the same build stops
    it, and starts it again after)."""
    require_chromium()  # before the database and the slow build: no browser, no point
    request.getfixturevalue("database_url")
    port = app_port
    try:
        devserver.ensure_build(port, TEST_WEB_DIR, ARTIFACTS / "build.log", extra_env=ipapp_env)
    except devserver.DevServerError as exc:
        pytest.fail(f"Building the frontend failed: {exc}", pytrace=False)
    server = devserver.Server(port, TEST_WEB_DIR, ARTIFACTS / "server.log", ipapp_env)
    try:
        server.start(timeout=120)
    except devserver.DevServerError as exc:
        pytest.fail(f"Starting the server failed: {exc}", pytrace=False)
    try:
        yield server
    finally:
        server.stop()


# --- browser ----------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def browser():
    require_chromium()
    from playwright.sync_api import expect, sync_playwright

    expect.set_options(timeout=EXPECT_TIMEOUT_MS)
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        try:
            yield chromium
        finally:
            chromium.close()


def new_phone_context(browser, **overrides):
    options = {
        "viewport": dict(PHONE),
        "device_scale_factor": 2,
        "is_mobile": True,
        "has_touch": True,
        "locale": "nb-NO",
        "timezone_id": "Europe/Oslo",
    }
    options.update(overrides)
    return browser.new_context(**options)


@pytest.fixture
def page(browser, request: pytest.FixtureRequest):
    """A new phone-sized context and page per test. On failure: a screenshot and the console."""
    context = new_phone_context(browser)
    # Every Content-Security-Policy violation fails the test (the policy must fit the build).
    context.add_init_script(
        "window.__cspViolations = [];"
        "document.addEventListener('securitypolicyviolation', e => window.__cspViolations.push("
        "e.violatedDirective + ' ' + (e.blockedURI || 'inline') + ' ' + (e.sample || '')));"
    )
    page = context.new_page()
    page.set_default_timeout(20_000)
    problems: list[str] = []
    csp_problems: list[str] = []
    page.on(
        "console",
        lambda msg: csp_problems.append(msg.text) if "Content Security Policy" in msg.text else None,
    )
    page.on(
        "console",
        lambda msg: problems.append(f"console.{msg.type}: {msg.text}")
        if msg.type in ("error", "warning")
        else None,
    )
    page.on("pageerror", lambda error: problems.append(f"page error: {error}"))
    page.on(
        "response",
        lambda r: problems.append(f"HTTP {r.status}: {r.url}") if r.status >= 400 else None,
    )
    server_log = ARTIFACTS / "server.log"
    log_offset = server_log.stat().st_size if server_log.is_file() else 0
    yield page
    failed = getattr(request.node, "rep_call", None)
    if failed is not None and failed.failed:
        name = "FAILED-" + re.sub(r"[^A-Za-z0-9_.-]+", "_", request.node.name)
        try:
            path = save_screenshot(page, name)
            print(f"\nscreenshot of the failure: {devserver._rel(path)} (url {page.url})")
        except Exception as exc:  # the page may be gone; the failure itself matters more
            print(f"\n(no failure screenshot: {exc})")
        if problems:
            print("browser console and failed requests:\n  " + "\n  ".join(problems[-30:]))
        if server_log.is_file():
            with server_log.open(errors="replace") as log:
                log.seek(log_offset)
                during = log.read().strip().splitlines()
            if during:
                print("server log during this test (last 60 lines):\n" + "\n".join(during[-60:]))
    try:
        # wait_for_function, not evaluate: it gives up after 5 s on a page that no longer answers.
        csp_problems += page.wait_for_function("() => window.__cspViolations || []", timeout=5_000).json_value()
    except Exception:  # the page is gone or navigating: the console messages still count
        pass
    context.close()
    assert not csp_problems, "Content-Security-Policy violations:\n  " + "\n  ".join(csp_problems)


# --- helpers (as fixtures, so test modules need no imports from here) ---------------------------


def save_screenshot(page, name: str) -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    # A full-page capture leaves position:fixed parts (the bottom menu) where the viewport ended,
    # in the middle of the picture. Make the viewport as tall as the page for the shot instead.
    size = page.viewport_size
    # wait_for_function, not evaluate: it gives up on a page that no longer answers (evaluate waits forever).
    height = page.wait_for_function("() => Math.ceil(document.documentElement.scrollHeight)",
                                    timeout=10_000).json_value()
    if size and height > size["height"]:
        page.set_viewport_size({"width": size["width"], "height": height})
    try:
        page.screenshot(path=str(path), full_page=True)
    finally:
        if size and height > size["height"]:
            page.set_viewport_size(size)
    return path


def assert_accessible(page, name: str) -> None:
    """axe-core at phone width: no violation of serious or critical impact."""
    from axe_playwright_python.sync_playwright import Axe

    size = page.viewport_size or {}
    if size.get("width") != PHONE["width"]:
        page.set_viewport_size(dict(PHONE))
    results = Axe().run(page)
    violations = results.response.get("violations", [])
    AXE_RESULTS.mkdir(parents=True, exist_ok=True)
    (AXE_RESULTS / f"{name}.json").write_text(json.dumps(violations, indent=2, ensure_ascii=False))
    blocking = [v for v in violations if v.get("impact") in BLOCKING_IMPACTS]
    if not blocking:
        return
    lines = [
        f"axe-core found {len(blocking)} serious/critical accessibility violation(s) on "
        f"'{name}' ({page.url}):"
    ]
    for violation in blocking:
        lines.append(
            f"- {violation['id']} [{violation['impact']}]: {violation['help']} "
            f"({violation.get('helpUrl', '')})"
        )
        for node in violation.get("nodes", [])[:10]:
            target = " ".join(str(t) for t in node.get("target", []))
            html = re.sub(r"\s+", " ", node.get("html", ""))[:200]
            lines.append(f"    target: {target}")
            lines.append(f"      html: {html}")
            summary = re.sub(r"\s+", " ", node.get("failureSummary", ""))[:300]
            if summary:
                lines.append(f"      why:  {summary}")
        if len(violation.get("nodes", [])) > 10:
            lines.append(f"    ... and {len(violation['nodes']) - 10} more")
    raise AssertionError("\n".join(lines))


@pytest.fixture(name="assert_accessible")
def assert_accessible_fixture() -> Callable[..., None]:
    return assert_accessible


@pytest.fixture(name="save_screenshot")
def save_screenshot_fixture() -> Callable[..., Path]:
    return save_screenshot


@pytest.fixture
def phone_context(browser):
    """For tests that need a second, separate browser context (another person, no cookies)."""
    contexts = []

    def make(**overrides):
        context = new_phone_context(browser, **overrides)
        contexts.append(context)
        return context

    yield make
    for context in contexts:
        context.close()


@pytest.fixture
def app_database(database_url, ipapp_env, monkeypatch):
    """This process talks to the app's own database, e.g. to create invitations as the coordinator
    or to change a grant while a page is open."""
    from ipapp import db
    from ipapp.config import reset_settings_cache

    for key, value in ipapp_env.items():
        monkeypatch.setenv(key, value)
    reset_settings_cache()
    engine = db.make_engine(database_url)
    db.use_engine(engine)
    yield
    db.use_engine(None)
    reset_settings_cache()
    engine.dispose()
