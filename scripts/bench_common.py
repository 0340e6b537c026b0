"""What every `make bench` part shares: where builds and logs go, serving the production build on
a throwaway database, signing in through the demo route, tabs that speak the compiled frontend's
socket.io protocol (tests/raw_socket.py's names), and the server's CPU and memory from /proc.

The artifacts directory (build, logs, Lighthouse) is `--artifacts DIR`, else $IPAPP_TEST_ARTIFACTS
(as the browser tests), else test-artifacts/: two people benchmarking never rebuild each other's.
"""

from __future__ import annotations

import asyncio
import json
import os
import resource
import secrets
import statistics
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import httpx
import socketio

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
import devserver  # noqa: E402
from raw_socket import NAMESPACE, PLAN_STATE, SESSION_STATE, event, hydrate  # noqa: E402

ROOT = devserver.ROOT
RESULTS_DIR = ROOT / "bench"
TICKS = os.sysconf("SC_CLK_TCK")
PAGE_SIZE = os.sysconf("SC_PAGE_SIZE")
QUIET = 0.05  # an answer is over when no frame came for this long

OVERVIEW = event(f"{PLAN_STATE}.load_overview", {}, "/")
# ipapp's cheapest handler (the not-found page's on-load: its language and title), on the same
# page so that no router delta comes with it: the framework, the guard and one event frame.
TRIVIAL = event(f"{SESSION_STATE}.load_not_found", {}, "/")


def goal_event(goal_id: int) -> dict:
    """Opening a goal as the compiled frontend sends it: the route's parameter rides in the
    router data's query (utils/state.js, withRouterData), which is where load_goal reads it."""
    return event(f"{PLAN_STATE}.load_goal", {}, f"/mal/{goal_id}", {"goal_id": str(goal_id)})


def artifacts_dir(option: str | None = None) -> Path:
    chosen = option or os.environ.get("IPAPP_TEST_ARTIFACTS") or str(ROOT / "test-artifacts")
    return Path(chosen).resolve()


def add_artifacts_option(parser) -> None:
    parser.add_argument("--artifacts", default=None,
                        help="build/log directory (default $IPAPP_TEST_ARTIFACTS or test-artifacts); "
                             "the build is its web/ subdirectory")


def header(title: str) -> list[str]:
    """Every results file says when, on what, and that the numbers are noisy."""
    return [f"{title} ({time.strftime('%Y-%m-%d %H:%M')}, {os.cpu_count()} cores shared with other work:"
            " numbers are noisy, read them as orders of magnitude; nothing here is a pass/fail limit)"]


def timed(label: str, work):
    """Run `work()`, logging its wall time: each part of `make bench` says how long it took."""
    started = time.monotonic()
    value = work()
    devserver.log(f"bench: {label} took {time.monotonic() - started:.0f} s")
    return value


def write_results(name: str, lines: list[str]) -> None:
    text = "\n".join(lines)
    print("\n" + text)
    RESULTS_DIR.mkdir(exist_ok=True)
    (RESULTS_DIR / name).write_text(text + "\n")


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] if ordered else float("nan")


# --- the server's cost, read from /proc for its whole process group (granian workers count too)

def _group_stats(pgid: int):
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[2]) == pgid:  # field 5 of stat: the process group
            yield fields


def group_cpu_seconds(pgid: int) -> float:
    return sum(int(f[11]) + int(f[12]) for f in _group_stats(pgid)) / TICKS  # utime + stime


def group_rss_bytes(pgid: int) -> int:
    return sum(int(f[21]) for f in _group_stats(pgid)) * PAGE_SIZE  # field 24 of stat: rss in pages


def own_cpu_seconds() -> float:
    """This process's CPU (the load generator's own cost)."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


# --- serving

@dataclass
class Served:
    server: devserver.Server
    url: str
    env: dict

    @property
    def pgid(self) -> int:
        return os.getpgid(self.server.process.pid)


def demo_env(database_url: str, port: int, **extra: str) -> dict:
    return {"DATABASE_URL": database_url, "IPAPP_ENV": "development", "IPAPP_DEMO": "1",
            "IPAPP_ORIGIN": f"http://localhost:{port}", **extra}


def serve(web_dir: Path, env: dict, log_path: Path, prepared: bool = False) -> Served:
    """Prepare the database (unless done), build if the build does not match, serve."""
    if not prepared:
        devserver.prepare_database(env)
    port = int(env["IPAPP_ORIGIN"].rsplit(":", 1)[1])
    devserver.ensure_build(port, web_dir, web_dir.parent / "build.log", extra_env=env)
    server = devserver.Server(port, web_dir, log_path, env)
    return Served(server, server.start(timeout=120), env)


def sign_in(url: str, person_id: int = 1) -> str:
    """A new session through the demo route (person 1: the demo plan's owner); the Cookie header."""
    signed_in = httpx.post(f"{url}/auth/demo/{person_id}", headers={"Origin": url})
    return f"ipapp_session={signed_in.cookies['ipapp_session']}"


async def sign_in_many(url: str, count: int, person_id: int = 1) -> list[str]:
    """`count` sessions of one person, each its own sign-in (as on `count` phones)."""
    async with httpx.AsyncClient(headers={"Origin": url}, timeout=60) as client:
        cookies = []
        for _ in range(count):
            answer = await client.post(f"{url}/auth/demo/{person_id}")
            cookies.append(f"ipapp_session={answer.cookies['ipapp_session']}")
            client.cookies.clear()
        return cookies


# --- a tab without a browser

class Tab:
    """One browser tab: its own token, a cookie, every frame's time; `answer_end_times`: when the
    frames carrying frontend events came (a page load's answer ends with one, its language and
    title script, after its delta when anything changed). An answer is over when its known number
    of frames came (`send` with `frames`, learnt once by `answer_frames`), or else when no frame
    came for QUIET."""

    def __init__(self, url: str, cookie: str):
        self.url, self.cookie = url, cookie
        self.client = socketio.AsyncClient(reconnection=False)
        self.last_frame = time.monotonic()
        self.count = 0  # every frame received
        self.answer_end_times: list[float] = []
        self.frames: list[tuple[float, int, bool]] = []  # (time, UTF-8 bytes, has a delta)
        self.keep_frames = False
        self._waiting: tuple[int, asyncio.Future] | None = None
        self.client.on("event", self._frame, namespace=NAMESPACE)

    async def _frame(self, data):
        self.last_frame = now = time.monotonic()
        self.count += 1
        if "events" in data:
            self.answer_end_times.append(now)
        if self.keep_frames:
            size = len(json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode())
            self.frames.append((now, size, "delta" in data))
        if self._waiting is not None and self.count >= self._waiting[0] and not self._waiting[1].done():
            self._waiting[1].set_result(now)

    async def open(self, path: str = "/") -> None:
        """Connect (the handshake carries the hydrate event) and wait until its answer has settled."""
        opened = self.last_frame = time.monotonic()
        await self.client.connect(f"{self.url}?token={secrets.token_hex(16)}", transports=["websocket"],
                                  headers={"Origin": self.url, "Cookie": self.cookie}, namespaces=[NAMESPACE],
                                  socketio_path="_event", auth={"event": hydrate(path)}, wait_timeout=60)
        await self._first_answer(opened)

    async def _first_answer(self, since: float, timeout: float = 60) -> None:
        while self.last_frame == since and time.monotonic() < since + timeout:
            await asyncio.sleep(QUIET / 10)
        await self.settle()

    async def settle(self) -> None:
        while time.monotonic() - self.last_frame < QUIET:
            await asyncio.sleep(QUIET / 5)

    async def emit(self, item: dict) -> None:
        await self.client.emit("event", item, namespace=NAMESPACE)

    async def send(self, item: dict, frames: int | None = None, timeout: float = 120) -> float:
        """Send one event and wait for its answer; returns the seconds to its last frame. With
        `frames`, the answer is that many frames (exact); without, until QUIET passed."""
        if frames is None:
            sent = self.last_frame = time.monotonic()
            await self.emit(item)
            await self._first_answer(sent)
            return self.last_frame - sent
        done = asyncio.get_running_loop().create_future()
        self._waiting = (self.count + frames, done)
        sent = time.monotonic()
        await self.emit(item)
        try:
            return await asyncio.wait_for(done, timeout) - sent
        finally:
            self._waiting = None

    async def answer_frames(self, item: dict, tries: int = 5) -> int:
        """How many frames answer `item` here once repeated: the most common count of a few
        quiet-waited sends (the first may bring a router delta more, a live update may slip in)."""
        counts = []
        for _ in range(tries):
            before = self.count
            await self.send(item)
            counts.append(self.count - before)
        steady = max(set(counts[1:]), key=counts[1:].count)
        if steady == 0:
            raise SystemExit(f"ipapp bench: no answer to {item['name']}: {counts} frames")
        return steady

    async def close(self) -> None:
        await self.client.disconnect()


async def cost_per_event(tab: Tab, pgid: int, item: dict, count: int, warm: int = 3) -> tuple[float, float]:
    """`count` of `item`, one after another on `tab`, each sent when the last was answered:
    (server CPU ms per event, median ms to its answer's last frame)."""
    frames = await tab.answer_frames(item)
    for _ in range(warm):
        await tab.send(item, frames)
    cpu, times = group_cpu_seconds(pgid), []
    for _ in range(count):
        times.append(await tab.send(item, frames))
    return (group_cpu_seconds(pgid) - cpu) / count * 1000, statistics.median(times) * 1000


async def open_tabs(url: str, cookies: list[str], path: str = "/", at_once: int = 10) -> list[Tab]:
    """One tab per cookie, `at_once` connecting at a time, each settled on its first page."""
    tabs = [Tab(url, cookie) for cookie in cookies]
    for start in range(0, len(tabs), at_once):
        await asyncio.gather(*(tab.open(path) for tab in tabs[start:start + at_once]))
    return tabs


async def close_tabs(tabs: list[Tab]) -> None:
    await asyncio.gather(*(tab.close() for tab in tabs), return_exceptions=True)
