"""First-load numbers for ipapp on a slow phone: prints them, judges nothing.

Serves the production build with the demo data and a big plan (bench_big_plan.py) on a temp
SQLite database, the build in the artifacts directory's web/ (`--artifacts DIR`, else
$IPAPP_TEST_ARTIFACTS, else test-artifacts/, shared with the browser tests), then:

1. in Chromium at 390x844 with CDP network throttling (1.6 Mbps down, 750 kbps up, 150 ms round
   trip) and 4x CPU slowdown, each run in a fresh context (cold cache), measures:
  * bytes transferred for the first load of the demo chooser (/demo), by resource type;
  * time from navigation start until the first h1 is visible;
  * time from the click on the owner's "Logg inn som ..." button until the overview's h1 is visible.
2. Lighthouse 13 (bench_lighthouse.py), median of 3, on the overview, a goal, Deling and the big
   plan's overview, signed in as their owners, beside the blank Reflex app and a static page of the
   same overview (bench_pages.py), with ratios.

Usage: python scripts/bench_first_load.py [--runs 3] [--artifacts DIR] [--no-lighthouse] [--no-devtools]
       [--lighthouse-runs 3]
Prints the tables and writes them to bench/first-load.txt (committed: the numbers of the last run).
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import bench_big_plan  # noqa: E402
import bench_lighthouse  # noqa: E402
import devserver  # noqa: E402
from bench_common import add_artifacts_option, artifacts_dir, demo_env, header, sign_in, timed, write_results  # noqa: E402

ROOT = devserver.ROOT
CHROMIUM, CHROMIUM_ARGS = devserver.CHROMIUM, devserver.CHROMIUM_ARGS
NETWORK = {
    "offline": False,
    "latency": 150,  # ms, round trip
    "downloadThroughput": 1_600_000 / 8,  # bytes/s
    "uploadThroughput": 750_000 / 8,
}
CPU_SLOWDOWN = 4
VIEWPORT = {"width": 390, "height": 844}

# Records when a visible, non-empty h1 first appears on each path, and when the person last
# clicked, as epoch milliseconds (performance.timeOrigin + performance.now()): the click and the h1
# may be in different documents (a form POST navigates), so the click time waits in sessionStorage.
# Installed in every document before any page script runs.
WATCH_H1 = """
(() => {
  const now = () => performance.timeOrigin + performance.now();
  const saved = Number(sessionStorage.getItem('__ipappBenchClick'));
  const bench = window.__ipappBench = {
    h1: {}, texts: {}, click: saved || null, origin: performance.timeOrigin};
  let clickH1 = null, clickH1Text = null;
  const check = () => {
    if (!bench.button) {
      for (const b of document.querySelectorAll('button')) {
        const box = b.getBoundingClientRect();
        if (box.width > 0 && b.textContent.trim().startsWith('Logg inn som')) {
          bench.button = {at: now()};
          break;
        }
      }
    }
    for (const h1 of document.querySelectorAll('h1')) {
      // The page the click came from is not the page it leads to.
      if (h1 === clickH1 && h1.textContent === clickH1Text) continue;
      const box = h1.getBoundingClientRect();
      const style = getComputedStyle(h1);
      if (box.width > 0 && box.height > 0 && style.visibility !== 'hidden'
          && style.display !== 'none' && h1.textContent.trim() !== '') {
        const path = location.pathname.replace(/(.)\\/+$/, '$1');  // "/demo/" is "/demo"
        const seen = bench.h1[path];
        const text = h1.textContent.trim();
        if (!seen || (bench.click !== null && seen.at < bench.click)) {
          bench.h1[path] = {at: now(), text};
        }
        // Every text the h1 shows on this path (a placeholder first, the plan's own title later).
        const texts = bench.texts[path] = bench.texts[path] || [];
        if (!texts.length || texts[texts.length - 1].text !== text) texts.push({at: now(), text});
        return;
      }
    }
  };
  new MutationObserver(check).observe(document, {subtree: true, childList: true, characterData: true});
  document.addEventListener('click', () => {
    bench.click = now();
    sessionStorage.setItem('__ipappBenchClick', String(bench.click));
    clickH1 = document.querySelector('h1');
    clickH1Text = clickH1 && clickH1.textContent;
  }, true);
})();
"""


def owner_name(database_url: str) -> str:
    from sqlalchemy import create_engine, text

    engine = create_engine(database_url)
    try:
        with engine.connect() as db:
            row = db.execute(
                text(
                    "SELECT person.given_name, person.family_name FROM plan "
                    "JOIN person ON person.id = plan.owner_person_id "
                    "WHERE plan.status = 'active' ORDER BY plan.id LIMIT 1"
                )
            ).first()
    finally:
        engine.dispose()
    if row is None:
        raise SystemExit("ipapp: the demo data has no active plan.")
    return f"{row.given_name} {row.family_name}"


def one_run(browser, url: str, owner: str) -> dict[str, object]:
    context = browser.new_context(
        viewport=VIEWPORT,
        device_scale_factor=2,
        is_mobile=True,
        has_touch=True,
        locale="nb-NO",
        timezone_id="Europe/Oslo",
    )
    try:
        page = context.new_page()
        page.set_default_timeout(120_000)
        page.add_init_script(WATCH_H1)
        cdp = context.new_cdp_session(page)
        cdp.send("Network.enable")
        cdp.send("Network.setCacheDisabled", {"cacheDisabled": True})
        cdp.send("Network.emulateNetworkConditions", NETWORK)
        cdp.send("Emulation.setCPUThrottlingRate", {"rate": CPU_SLOWDOWN})

        kinds: dict[str, str] = {}
        sizes: dict[str, float] = {}
        ws_bytes = [0]
        cdp.on("Network.responseReceived", lambda e: kinds.__setitem__(e["requestId"], e.get("type", "Other")))
        cdp.on("Network.loadingFinished", lambda e: sizes.__setitem__(e["requestId"], e["encodedDataLength"]))
        cdp.on(
            "Network.webSocketFrameReceived",
            lambda e: ws_bytes.__setitem__(0, ws_bytes[0] + len(e["response"].get("payloadData", ""))),
        )

        started = time.monotonic()
        page.goto(f"{url}/demo", wait_until="commit")
        page.locator("h1").first.wait_for(state="visible")
        wall_h1 = (time.monotonic() - started) * 1000
        page.wait_for_load_state("networkidle")
        by_kind: dict[str, float] = defaultdict(float)
        for request_id, size in sizes.items():
            by_kind[kinds.get(request_id, "Other")] += size
        total = sum(by_kind.values())
        ws_first = ws_bytes[0]
        marks = page.evaluate("window.__ipappBench")
        chooser = marks["h1"].get("/demo")
        chooser_h1 = chooser["at"] - marks["origin"] if chooser else None
        button = page.get_by_role("button", name=re.compile(r"^Logg inn som " + re.escape(owner)))
        button.wait_for(state="visible")
        marks = page.evaluate("window.__ipappBench")
        first_button = marks["button"]["at"] - marks["origin"]

        click_started = time.monotonic()
        button.click()
        page.wait_for_url(f"{url}/")
        page.wait_for_function(
            "() => { const b = window.__ipappBench; const m = b.h1['/'];"
            " return m && b.click !== null && m.at >= b.click; }",
            polling=50,
        )
        wall_click = (time.monotonic() - click_started) * 1000
        # Let the overview finish loading; the h1's last text is its real one.
        page.get_by_role("heading", name="Mål og tiltak").wait_for(state="visible")
        page.wait_for_load_state("networkidle")
        marks = page.evaluate("window.__ipappBench")
        overview = marks["h1"]["/"]
        texts = [t for t in marks["texts"]["/"] if t["at"] >= marks["click"]]
        final = texts[-1]
        final_at = next(t["at"] for t in texts if t["text"] == final["text"])
        return {
            "bytes": total,
            "by_kind": dict(by_kind),
            "ws_bytes_first_load": ws_first,
            "h1_ms": chooser_h1 if chooser_h1 is not None else wall_h1,
            "h1_wall_ms": wall_h1,
            "button_ms": first_button,
            "click_to_overview_h1_ms": overview["at"] - marks["click"],
            "click_to_final_h1_ms": final_at - marks["click"],
            "click_wall_ms": wall_click,
            "overview_h1_text": overview["text"],
            "overview_h1_final_text": final["text"],
        }
    finally:
        context.close()


def kib(n: float) -> str:
    return f"{n / 1024:.1f} KiB"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=3, help="cold-cache runs (default 3)")
    parser.add_argument("--no-lighthouse", action="store_true", help="only the throttled Chromium timings")
    parser.add_argument("--no-devtools", action="store_true", help="no DevTools-throttled Lighthouse runs")
    parser.add_argument("--lighthouse-runs", type=int, default=bench_lighthouse.RUNS, help="runs per page (median)")
    add_artifacts_option(parser)
    args = parser.parse_args(argv)
    artifacts = artifacts_dir(args.artifacts)
    web_dir = artifacts / "web"

    if not (CHROMIUM.is_file() and os.access(CHROMIUM, os.X_OK)):
        devserver.log(
            f"Chromium was not found at {CHROMIUM}: install it (apt-get install chromium) "
            "or set IPAPP_CHROMIUM=/path/to/chromium."
        )
        return 1
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory(prefix="ipapp-bench-") as tmp:
        env = demo_env(f"sqlite:///{Path(tmp) / 'ipapp.sqlite3'}", devserver.pick_port(web_dir))
        try:
            devserver.log("preparing a demo database ...")
            devserver.prepare_database(env)
            big_plan = bench_big_plan.make_big_plan(env) if not args.no_lighthouse else None
            devserver.ensure_build(int(env["IPAPP_ORIGIN"].rsplit(":", 1)[1]), web_dir, artifacts / "build.log",
                                   extra_env=env)
            server = devserver.Server(int(env["IPAPP_ORIGIN"].rsplit(":", 1)[1]), web_dir,
                                      artifacts / "bench-server.log", env)
            url = server.start(timeout=120)
        except devserver.DevServerError as exc:
            devserver.log(str(exc))
            return 1
        owner = owner_name(env["DATABASE_URL"])
        results = []
        lighthouse_lines: list[str] = []
        try:
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(
                    executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
                )
                try:
                    for number in range(1, args.runs + 1):
                        devserver.log(f"run {number}/{args.runs} ...")
                        results.append(timed(f"throttled Chromium run {number}", lambda: one_run(browser, url, owner)))
                finally:
                    browser.close()
            if big_plan is not None:
                lighthouse_lines = timed("Lighthouse", lambda: bench_lighthouse.first_load(
                    artifacts, url, sign_in(url, 1), sign_in(url, big_plan.owner_id), "/mal/1", web_dir,
                    devtools=not args.no_devtools, runs=args.lighthouse_runs))
        finally:
            server.stop()

    lines = header("ipapp first load - production build, demo data")
    lines += ["", "  Chromium 390x844, CDP throttling 1.6 Mbps down / 750 kbps up, 150 ms RTT, 4x CPU slowdown,",
              f"  cold cache; {len(results)} run(s), median first:", ""]

    def line(label: str, values: list[float], fmt) -> None:
        median = statistics.median(values)
        each = ", ".join(fmt(v) for v in values)
        lines.append(f"  {label:<44} {fmt(median):>12}   ({each})")

    line("transferred, first load of /demo (HTTP)", [r["bytes"] for r in results], kib)
    kinds = sorted({k for r in results for k in r["by_kind"]})
    for kind in kinds:
        line(f"  {kind}", [r["by_kind"].get(kind, 0.0) for r in results], kib)
    line("websocket payload received during it", [r["ws_bytes_first_load"] for r in results], kib)
    line("navigation start -> first h1 visible", [r["h1_ms"] for r in results], lambda v: f"{v:.0f} ms")
    ms = lambda v: f"{v:.0f} ms"  # noqa: E731
    line("navigation start -> first sign-in button", [r["button_ms"] for r in results], ms)
    line("click owner's sign-in -> overview h1 visible", [r["click_to_overview_h1_ms"] for r in results], ms)
    line("  ... -> h1 shows its final text", [r["click_to_final_h1_ms"] for r in results], ms)
    first, last = results[0]["overview_h1_text"], results[0]["overview_h1_final_text"]
    lines.append("")
    lines.append(f"  overview h1: first {first!r}" + (f", then {last!r}" if last != first else ""))
    lines.append(f"  (wall clock incl. Playwright: first h1 {statistics.median([r['h1_wall_ms'] for r in results]):.0f} ms,"
                 f" click -> overview h1 {statistics.median([r['click_wall_ms'] for r in results]):.0f} ms)")
    if lighthouse_lines:
        lines += ["", *lighthouse_lines]
    write_results("first-load.txt", lines)
    return 0


if __name__ == "__main__":
    sys.exit(main())
