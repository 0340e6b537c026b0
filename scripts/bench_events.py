"""Server CPU per event and the cost of idle open tabs: prints numbers, judges nothing.

Serves the production build with the demo data (as bench_first_load.py does) and speaks the
compiled frontend's socket.io protocol (tests/raw_socket.py's names). The server's CPU is read
from /proc for its whole process group, so workers count too.

  * CPU per event: one signed-in tab sends N events one after another, each waited for until
    its frames stop (50 ms quiet), for: opening the overview, opening a goal, a trivial event;
  * idle: K signed-in tabs open on the overview, doing nothing, for 10 s.

Usage: python scripts/bench_events.py [--events 100] [--tabs 100]     (part of make bench)
"""

from __future__ import annotations

import argparse
import asyncio
import os
import secrets
import sys
import tempfile
import time
from pathlib import Path

import httpx
import socketio

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
import devserver  # noqa: E402
from raw_socket import NAMESPACE, PLAN_STATE, SESSION_STATE, event, hydrate  # noqa: E402

WEB_DIR = devserver.ROOT / "test-artifacts" / "web"
TICKS = os.sysconf("SC_CLK_TCK")
QUIET = 0.05


def group_cpu_seconds(pgid: int) -> float:
    total = 0
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[2]) == pgid:  # field 5 of stat: the process group
            total += int(fields[11]) + int(fields[12])  # utime + stime
    return total / TICKS


class Tab:
    def __init__(self, url: str, cookie: str):
        self.url, self.cookie = url, cookie
        self.client = socketio.AsyncClient(reconnection=False)
        self.last_frame = time.monotonic()
        self.client.on("event", self._frame, namespace=NAMESPACE)

    async def _frame(self, _data):
        self.last_frame = time.monotonic()

    async def open(self, path: str) -> None:
        await self.client.connect(f"{self.url}?token={secrets.token_hex(16)}", transports=["websocket"],
                                  headers={"Origin": self.url, "Cookie": self.cookie}, namespaces=[NAMESPACE],
                                  socketio_path="_event", auth={"event": hydrate(path)}, wait_timeout=20)
        await self.settle()

    async def settle(self) -> None:
        while time.monotonic() - self.last_frame < QUIET:
            await asyncio.sleep(QUIET / 5)

    async def send(self, item: dict) -> None:
        self.last_frame = time.monotonic()
        await self.client.emit("event", item, namespace=NAMESPACE)
        await self.settle()


async def per_event(url: str, cookie: str, pgid: int, count: int) -> list[tuple[str, float, float]]:
    tab = Tab(url, cookie)
    await tab.open("/")
    kinds = [("open the overview", event(f"{PLAN_STATE}.load_overview", {}, "/")),
             ("open a goal", event(f"{PLAN_STATE}.load_goal", {}, "/mal/1")),
             ("trivial (set language)", event(f"{SESSION_STATE}.set_language", {"code": "nb"}, "/"))]
    rows = []
    for label, item in kinds:
        for _ in range(5):
            await tab.send(item)  # warm up
        cpu, wall = group_cpu_seconds(pgid), time.monotonic()
        for _ in range(count):
            await tab.send(item)
        cpu, wall = group_cpu_seconds(pgid) - cpu, time.monotonic() - wall
        rows.append((label, cpu / count * 1000, (wall / count - QUIET) * 1000))
    await tab.client.disconnect()
    return rows


async def idle(url: str, cookie: str, pgid: int, tabs: int) -> float:
    opened = []
    for _ in range(tabs):
        tab = Tab(url, cookie)
        await tab.open("/")
        opened.append(tab)
    await asyncio.sleep(3)
    cpu, wall = group_cpu_seconds(pgid), time.monotonic()
    await asyncio.sleep(10)
    cores = (group_cpu_seconds(pgid) - cpu) / (time.monotonic() - wall)
    for tab in opened:
        await tab.client.disconnect()
    return cores


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--events", type=int, default=100)
    parser.add_argument("--tabs", type=int, default=100)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="ipapp-bench-events-") as tmp:
        port = devserver.pick_port(WEB_DIR)
        env = {"DATABASE_URL": f"sqlite:///{Path(tmp) / 'ipapp.sqlite3'}", "IPAPP_ENV": "development",
               "IPAPP_DEMO": "1", "IPAPP_ORIGIN": f"http://localhost:{port}"}
        devserver.prepare_database(env)
        devserver.ensure_build(port, WEB_DIR, WEB_DIR.parent / "build.log", extra_env=env)
        server = devserver.Server(port, WEB_DIR, WEB_DIR.parent / "bench-events-server.log", env)
        url = server.start(timeout=120)
        try:
            pgid = os.getpgid(server.process.pid)
            signed_in = httpx.post(f"{url}/auth/demo/1", headers={"Origin": url})
            cookie = f"ipapp_session={signed_in.cookies['ipapp_session']}"
            rows = asyncio.run(per_event(url, cookie, pgid, args.events))
            idle_cores = asyncio.run(idle(url, cookie, pgid, args.tabs))
        finally:
            server.stop()
    print()
    print(f"ipapp events - one worker, SQLite, demo plan, the owner signed in; {args.events} events each:")
    print()
    print(f"  {'event':<26} {'server CPU/event':>17} {'round trip':>11}")
    for label, cpu_ms, wall_ms in rows:
        print(f"  {label:<26} {cpu_ms:>14.2f} ms {wall_ms:>8.1f} ms")
    print(f"\n  {args.tabs} signed-in idle tabs on the overview: {idle_cores:.4f} core")
    return 0


if __name__ == "__main__":
    sys.exit(main())
