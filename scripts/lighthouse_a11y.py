"""Lighthouse's accessibility score of every page, for every role: prints a table, judges nothing.

Serves the production build with the demo data (as make bench does), starts Debian's chromium with
a debugging port, signs in there as each person through the demo chooser, and runs npm's
lighthouse (pinned 12.2.3, installed once into test-artifacts/lighthouse) against that browser,
keeping its cookies (--disable-storage-reset), mobile preset, accessibility only. The axe checks
in the browser tests are the gate; this is Lighthouse's view of the same pages.

Usage: python scripts/lighthouse_a11y.py [--only owner]      (make a11y)
Writes bench/lighthouse-a11y.txt (committed: the last run) and one JSON report per page in
test-artifacts/lighthouse/.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import devserver  # noqa: E402

ROOT = devserver.ROOT
ARTIFACTS = ROOT / "test-artifacts"
WEB_DIR = ARTIFACTS / "web"
TOOL_DIR = ARTIFACTS / "lighthouse"
LIGHTHOUSE_VERSION = "12.2.3"  # 12.3-13.4 refuse `npm ci` here; 13 wants Node 22
DEBUG_PORT = 9333

# Who walks which pages ("demo first name", paths). "" signs nobody in.
ROLES = {
    "owner": ("Sofie", ["/", "/kontakter", "/om-meg", "/notater", "/moter", "/meldinger", "/deling",
                        "/innsyn", "/samtykke", "/meg", "GOAL"]),
    "guardian": ("Erik", ["/", "/deling", "/samtykke"]),
    "next_of_kin": ("Hanne", ["/", "/meg", "/innsyn"]),
    "coordinator": ("Mari", ["/planer", "/innboks", "/", "/moter", "/inviter", "/vikar"]),
    "unit_admin": ("Kari", ["/enhet", "/enhet/planer", "/meg"]),
    "signed_out": ("", ["/demo", "/logg-inn", "/tilgjengelighet"]),  # a 404 status: Lighthouse will not audit it
}


def sign_in(playwright, url: str, name: str) -> str | None:
    """Sign the debugging browser in as `name` (or out); returns a goal's path for "GOAL"."""
    browser = playwright.chromium.connect_over_cdp(f"http://127.0.0.1:{DEBUG_PORT}")
    context = browser.contexts[0]
    context.clear_cookies()
    page = context.new_page()
    goal = None
    try:
        page.goto(f"{url}/demo")
        if name:
            page.get_by_role("button", name=re.compile(f"^Logg inn som {name}")).click()
            page.wait_for_load_state("networkidle")
            page.goto(f"{url}/")
            link = page.locator("a[href^='/mal/']").first
            if link.count():
                goal = link.get_attribute("href")
    finally:
        page.close()
    return goal


def score(binary: Path, url: str, report: Path) -> tuple[int | None, list[str]]:
    cmd = [str(binary), url, f"--port={DEBUG_PORT}", "--only-categories=accessibility",
           "--disable-storage-reset", "--output=json", f"--output-path={report}", "--quiet",
           "--form-factor=mobile", "--screenEmulation.mobile", "--screenEmulation.width=390",
           "--screenEmulation.height=844", "--screenEmulation.deviceScaleFactor=2"]
    done = subprocess.run(cmd, env=devserver.tool_env(), capture_output=True, text=True, timeout=240)
    if done.returncode != 0 or not report.exists():
        return None, [done.stderr.strip()[-300:]]
    result = json.loads(report.read_text())
    failing = [f"{a['id']}: {a['title']}" for a in result["audits"].values()
               if a.get("scoreDisplayMode") == "binary" and a.get("score") == 0]
    value = result["categories"]["accessibility"]["score"]
    return (round(value * 100) if value is not None else None), failing


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--only", choices=sorted(ROLES), help="one role only")
    args = parser.parse_args(argv)
    binary = devserver.lighthouse(TOOL_DIR, LIGHTHOUSE_VERSION)
    from playwright.sync_api import sync_playwright

    rows: list[tuple[str, str, int | None, list[str]]] = []
    with tempfile.TemporaryDirectory(prefix="ipapp-lighthouse-") as tmp:
        port = devserver.pick_port(WEB_DIR)
        env = {"DATABASE_URL": f"sqlite:///{Path(tmp) / 'ipapp.sqlite3'}", "IPAPP_ENV": "development",
               "IPAPP_DEMO": "1", "IPAPP_ORIGIN": f"http://localhost:{port}",
               "REFLEX_STATES_WORKDIR": str(Path(tmp) / "states")}
        devserver.prepare_database(env)
        devserver.ensure_build(port, WEB_DIR, ARTIFACTS / "build.log", extra_env=env)
        server = devserver.Server(port, WEB_DIR, ARTIFACTS / "lighthouse-server.log", env)
        url = server.start(timeout=120)
        chrome = subprocess.Popen([str(devserver.CHROMIUM), f"--remote-debugging-port={DEBUG_PORT}",
                                   f"--user-data-dir={Path(tmp) / 'chrome'}", *devserver.CHROMIUM_ARGS,
                                   "about:blank"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            time.sleep(2)
            with sync_playwright() as playwright:
                for role, (name, paths) in ROLES.items():
                    if args.only and role != args.only:
                        continue
                    goal = sign_in(playwright, url, name)
                    for path in paths:
                        path = goal if path == "GOAL" else path
                        if path is None:
                            continue
                        report = TOOL_DIR / f"{role}{path.replace('/', '-') or '-'}.json"
                        devserver.log(f"lighthouse {role} {path} ...")
                        value, failing = score(binary, f"{url}{path}", report)
                        rows.append((role, path, value, failing))
        finally:
            chrome.terminate()
            chrome.wait(timeout=20)
            server.stop()

    lines = [f"Lighthouse {LIGHTHOUSE_VERSION} accessibility (mobile, 390x844, Debian chromium, demo data,"
             f" {time.strftime('%Y-%m-%d')})", ""]
    lines += [f"  {role:<12} {path:<22} {'-' if v is None else v:>4}  {'; '.join(f)}" for role, path, v, f in rows]
    text = "\n".join(lines)
    print(text)
    (ROOT / "bench").mkdir(exist_ok=True)
    (ROOT / "bench" / "lighthouse-a11y.txt").write_text(text + "\n")
    return 0 if all(v is not None for _, _, v, _ in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
