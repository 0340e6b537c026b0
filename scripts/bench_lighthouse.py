"""Lighthouse for `make bench`: npm's lighthouse 13 (pinned, installed once into the artifacts
directory's lighthouse-13/, beside the 12.2.3 that `make a11y` keeps), its default mobile preset
(simulated throttling), against Debian's chromium started with a debugging port.

The browser is signed in by a cookie set in its profile (a session made through the demo route):
Lighthouse's storage reset clears the cache, the service worker and Cache Storage before each run
but keeps cookies, so every run is a cold first load of a signed-in page.

Each page is run RUNS times and the median of each number is kept: the simulated metrics
(Lanterne's model from one unthrottled load) and, with `devtools=True`, the same pages again with
DevTools throttling (real slowed network and CPU: the websocket is slowed too, which the
simulation does not do).
"""

from __future__ import annotations

import json
import shutil
import statistics
import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import devserver

LIGHTHOUSE_VERSION = "13.5.0"
RUNS = 3
METRICS = ("performance", "accessibility", "lcp_ms", "fcp_ms", "tbt_ms", "bytes", "observed_lcp_ms")


@dataclass
class Measured:
    """Medians of RUNS Lighthouse runs of one page; `runs` keeps each run's numbers."""

    label: str
    runs: list[dict] = field(default_factory=list)

    def median(self, key: str) -> float:
        values = [run[key] for run in self.runs if run.get(key) is not None]
        return statistics.median(values) if values else float("nan")


def ensure_lighthouse(artifacts: Path) -> Path:
    return devserver.lighthouse(artifacts / "lighthouse-13", LIGHTHOUSE_VERSION)


class Chromium:
    """Debian's chromium with a debugging port, for Lighthouse and for setting its cookies."""

    def __init__(self):
        self.port = devserver.free_port()
        self._profile = tempfile.mkdtemp(prefix="ipapp-bench-chrome-")
        self.process = subprocess.Popen(
            [str(devserver.CHROMIUM), f"--remote-debugging-port={self.port}", f"--user-data-dir={self._profile}",
             *devserver.CHROMIUM_ARGS, "about:blank"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(2)

    def set_session_cookie(self, playwright, url: str, cookie_header: str | None) -> None:
        """The browser's only cookie: this session for `url` (or none)."""
        browser = playwright.chromium.connect_over_cdp(f"http://127.0.0.1:{self.port}")
        context = browser.contexts[0]
        context.clear_cookies()
        if cookie_header:
            name, value = cookie_header.split("=", 1)
            context.add_cookies([{"name": name, "value": value, "url": url, "httpOnly": True, "sameSite": "Lax"}])

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=5)
        shutil.rmtree(self._profile, ignore_errors=True)


def _numbers(report: dict) -> dict:
    audits = report["audits"]
    value = lambda name: audits.get(name, {}).get("numericValue")  # noqa: E731
    score = lambda name: report["categories"].get(name, {}).get("score")  # noqa: E731
    observed = (audits.get("metrics", {}).get("details", {}).get("items") or [{}])[0]
    return {
        "performance": None if score("performance") is None else round(score("performance") * 100),
        "accessibility": None if score("accessibility") is None else round(score("accessibility") * 100),
        "lcp_ms": value("largest-contentful-paint"), "fcp_ms": value("first-contentful-paint"),
        "tbt_ms": value("total-blocking-time"), "bytes": value("total-byte-weight"),
        "observed_lcp_ms": observed.get("observedLargestContentfulPaint"),
        "lcp_element": _lcp_element(audits),
    }


def _lcp_element(audits: dict) -> str:
    """What Lighthouse took as the largest contentful paint (its selector), to see what it waits for."""
    details = audits.get("lcp-breakdown-insight", {}).get("details") or {}
    for item in details.get("items", []):
        if item.get("type") == "node":
            return (item.get("selector") or item.get("snippet") or "")[:70]
    return ""


def run(binary: Path, chrome: Chromium, url: str, report_path: Path, devtools: bool = False) -> dict | None:
    cmd = [str(binary), url, f"--port={chrome.port}", "--only-categories=performance,accessibility",
           "--output=json", f"--output-path={report_path}", "--quiet", "--max-wait-for-load=60000"]
    if devtools:
        cmd.append("--throttling-method=devtools")
    report_path.unlink(missing_ok=True)
    done = subprocess.run(cmd, env=devserver.tool_env(), capture_output=True, text=True, timeout=300)
    if done.returncode != 0 or not report_path.exists():
        devserver.log(f"lighthouse failed on {url}: {done.stderr.strip()[-400:]}")
        return None
    report = json.loads(report_path.read_text())
    if report.get("runtimeError"):
        devserver.log(f"lighthouse on {url}: {report['runtimeError'].get('message', '')[:300]}")
        return None
    return _numbers(report)


def measure(binary: Path, chrome: Chromium, label: str, url: str, reports: Path, devtools: bool = False,
            runs: int = RUNS) -> Measured:
    measured = Measured(label)
    reports.mkdir(parents=True, exist_ok=True)
    for number in range(1, runs + 1):
        devserver.log(f"lighthouse{' (devtools throttling)' if devtools else ''} {label}, run {number}/{runs} ...")
        slug = "".join(c if c.isalnum() else "-" for c in label)
        numbers = run(binary, chrome, url, reports / f"{slug}{'-devtools' if devtools else ''}-{number}.json",
                      devtools)
        if numbers is not None:
            measured.runs.append(numbers)
    return measured


# --- the first-load table: ipapp's pages beside the blank app and the static page

def first_load(artifacts: Path, url: str, demo_cookie: str, big_cookie: str, goal_path: str,
               web_dir: Path, devtools: bool = True, runs: int = RUNS) -> list[str]:
    """Lighthouse on the overview, a goal and Deling (the demo owner), the big plan's overview
    (its owner), the blank Reflex app and the static overview; returns the table's lines."""
    from playwright.sync_api import sync_playwright

    from bench_pages import BlankApp, StaticPage, save_overview

    binary = ensure_lighthouse(artifacts)
    reports = artifacts / "lighthouse-13" / "reports"
    chrome, blank, static = Chromium(), BlankApp(artifacts), None
    sim: dict[str, Measured] = {}
    real: dict[str, Measured] = {}
    try:
        blank_url = blank.start()
        with sync_playwright() as playwright:
            chrome.set_session_cookie(playwright, url, demo_cookie)
            static_bytes = save_overview(playwright, chrome.port, url, artifacts / "static-overview")
            static = StaticPage(artifacts / "static-overview", web_dir)
            targets = [("overview", f"{url}/", demo_cookie), ("goal", f"{url}{goal_path}", demo_cookie),
                       ("Deling", f"{url}/deling", demo_cookie), ("big plan overview", f"{url}/", big_cookie),
                       ("blank Reflex", f"{blank_url}/", None), ("static overview", f"{static.url}/", None)]
            for label, target, cookie in targets:
                chrome.set_session_cookie(playwright, url, cookie)
                sim[label] = measure(binary, chrome, label, target, reports, runs=runs)
                if devtools and label in ("overview", "big plan overview", "blank Reflex", "static overview"):
                    real[label] = measure(binary, chrome, label, target, reports, devtools=True, runs=runs)
    finally:
        if static is not None:
            static.stop()
        blank.stop()
        chrome.stop()
    return _table(sim, real, static_bytes, runs)


def _table(sim: dict[str, Measured], real: dict[str, Measured], static_html_bytes: int, runs: int) -> list[str]:
    sec = lambda ms: f"{ms / 1000:.2f} s"  # noqa: E731
    out = [f"  Lighthouse {LIGHTHOUSE_VERSION}, default mobile preset (simulated throttling), Debian chromium,"
           f" cold cache, median of {runs} runs; the owner signed in (cookie kept, cache and service worker cleared)",
           f"  {'page':<19} {'bytes':>10} {'perf':>5} {'a11y':>5} {'LCP':>8} {'FCP':>8} {'TBT':>7}"
           f" {'LCP unthrottled':>16} {'LCP DevTools-throttled':>23}"]
    for label, measured in sim.items():
        devtools = real.get(label)
        out.append(f"  {label:<19} {measured.median('bytes') / 1024:>6.1f} KiB {measured.median('performance'):>5.0f}"
                   f" {measured.median('accessibility'):>5.0f} {sec(measured.median('lcp_ms')):>8}"
                   f" {sec(measured.median('fcp_ms')):>8} {measured.median('tbt_ms'):>4.0f} ms"
                   f" {sec(measured.median('observed_lcp_ms')):>16}"
                   f" {sec(devtools.median('observed_lcp_ms')) if devtools else '-':>23}")
    out.append(f"  (the static page is the overview's rendered HTML, {static_html_bytes / 1024:.1f} KiB uncompressed,"
               " with ipapp's stylesheet and icons, no scripts)")
    out += ["", "  LCP element (first run): " + "; ".join(
        f"{label}: {m.runs[0]['lcp_element']!r}" for label, m in sim.items() if m.runs)]

    def ratio(key: str, over: str, under: str, table: dict[str, Measured]) -> str:
        if over not in table or under not in table:
            return "-"
        top, bottom = table[over].median(key), table[under].median(key)
        return f"{top / bottom:.2f}x" if bottom else f"{top:.0f}/0"

    out += ["", f"  {'ratio':<40} {'simulated':>10} {'DevTools':>9}   budget (issue 11)"]
    rows = [("LCP overview / blank Reflex", "lcp_ms", "overview", "blank Reflex", "<= 0.6x"),
            ("LCP overview / static overview", "lcp_ms", "overview", "static overview", ""),
            ("LCP big plan / demo plan overview", "lcp_ms", "big plan overview", "overview", "<= 1.2x"),
            ("bytes overview / blank Reflex", "bytes", "overview", "blank Reflex", "overview <= 160 KiB"),
            ("bytes overview / static overview", "bytes", "overview", "static overview", ""),
            ("perf score overview / blank Reflex", "performance", "overview", "blank Reflex", "overview >= 95"),
            ("a11y score overview / blank Reflex", "accessibility", "overview", "blank Reflex", "overview 100"),
            ("TBT overview / blank Reflex", "tbt_ms", "overview", "blank Reflex", "")]
    for label, key, over, under, budget in rows:
        devtools_key = "observed_lcp_ms" if key == "lcp_ms" else key
        out.append(f"  {label:<40} {ratio(key, over, under, sim):>10}"
                   f" {ratio(devtools_key, over, under, real) if key == 'lcp_ms' else '':>9}   {budget}")
    return out
