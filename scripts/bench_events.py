"""Server CPU per event and the cost of idle open tabs: prints numbers, judges nothing.

Serves the production build with the demo data (as bench_first_load.py does) and speaks the
compiled frontend's socket.io protocol (tests/raw_socket.py's names). The server's CPU is read
from /proc for its whole process group, so workers count too.

  * CPU per event: one signed-in tab sends N events one after another, each waited for until
    its frames stop (50 ms quiet), for: opening the overview, opening a goal, a trivial event;
  * idle: K signed-in tabs open on the overview, doing nothing, for 10 s;
  * closed loop: 1, 20 and 100 tabs each opening the overview (and a goal) again as soon as the
    last answer has come, for a few seconds: events/s and p50/p95 of the time to the last frame;
  * workers: the same closed loop with 20 tabs on PostgreSQL + Redis (throwaway servers, as the
    tests start them), one worker and then two (granian).

Usage: python scripts/bench_events.py [--events 100] [--tabs 100] [--no-workers]  (make bench)
Prints one table and writes it to bench/events.txt (committed: the numbers of the last run).
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
RESULTS = devserver.ROOT / "bench" / "events.txt"
LOOP_SECONDS = 8
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

    async def send(self, item: dict) -> float:
        """Send one event and wait until its frames stop; returns the seconds to its last frame."""
        sent = self.last_frame = time.monotonic()
        await self.client.emit("event", item, namespace=NAMESPACE)
        deadline = sent + 60
        while self.last_frame == sent and time.monotonic() < deadline:  # its first answer
            await asyncio.sleep(QUIET / 10)
        await self.settle()
        return self.last_frame - sent


OVERVIEW = event(f"{PLAN_STATE}.load_overview", {}, "/")
GOAL = event(f"{PLAN_STATE}.load_goal", {}, "/mal/1")


async def closed_loop(url: str, cookie: str, clients: int, item: dict, seconds: float = LOOP_SECONDS):
    """`clients` tabs each sending `item` again as soon as the last answer came. Returns
    (events per second, p50 ms, p95 ms) of the time from sending to the last frame."""
    tabs = [Tab(url, cookie) for _ in range(clients)]
    await asyncio.gather(*(tab.open("/") for tab in tabs))
    latencies: list[float] = []
    stop = time.monotonic() + seconds

    async def loop(tab: Tab) -> None:
        while time.monotonic() < stop:
            latencies.append(await tab.send(item))

    started = time.monotonic()
    await asyncio.gather(*(loop(tab) for tab in tabs))
    wall = time.monotonic() - started
    await asyncio.gather(*(tab.client.disconnect() for tab in tabs))
    ordered = sorted(latencies)
    pick = lambda q: ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000  # noqa: E731
    return len(ordered) / wall, pick(0.50), pick(0.95)


async def per_event(url: str, cookie: str, pgid: int, count: int) -> list[tuple[str, float, float]]:
    tab = Tab(url, cookie)
    await tab.open("/")
    kinds = [("open the overview", OVERVIEW),
             ("open a goal", GOAL),
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


def _serve(env: dict, log_name: str) -> tuple[devserver.Server, str, str]:
    """Prepare the database, serve it, sign the demo owner in; returns (server, url, cookie)."""
    devserver.prepare_database(env)
    port = int(env["IPAPP_ORIGIN"].rsplit(":", 1)[1])
    devserver.ensure_build(port, WEB_DIR, WEB_DIR.parent / "build.log", extra_env=env)
    server = devserver.Server(port, WEB_DIR, WEB_DIR.parent / log_name, env)
    url = server.start(timeout=120)
    signed_in = httpx.post(f"{url}/auth/demo/1", headers={"Origin": url})
    return server, url, f"ipapp_session={signed_in.cookies['ipapp_session']}"


def _workers(tmp: str) -> list[tuple[int, float, float, float]]:
    """20 closed-loop tabs on the overview, on PostgreSQL + Redis, with 1 and then 2 workers."""
    from postgres_server import PostgresServer
    from redis_server import RedisServer

    postgres, redis = PostgresServer(), RedisServer()
    postgres.start()
    rows = []
    try:
        database = postgres.create_database("ipapp_bench")
        for workers in (1, 2):
            port = devserver.pick_port(WEB_DIR)
            env = {"DATABASE_URL": database, "IPAPP_ENV": "development", "IPAPP_DEMO": "1",
                   "IPAPP_ORIGIN": f"http://localhost:{port}", "REFLEX_REDIS_URL": redis.url,
                   "IPAPP_REDIS_URL": redis.url, "GRANIAN_WORKERS": str(workers)}
            server, url, cookie = _serve(env, f"bench-workers-{workers}.log")
            try:
                rows.append((workers, *asyncio.run(closed_loop(url, cookie, 20, OVERVIEW))))
            finally:
                server.stop()
    finally:
        redis.stop()
        postgres.stop()
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--events", type=int, default=100)
    parser.add_argument("--tabs", type=int, default=100)
    parser.add_argument("--no-workers", action="store_true", help="skip PostgreSQL + Redis, 1 vs 2 workers")
    args = parser.parse_args(argv)
    loops = []
    with tempfile.TemporaryDirectory(prefix="ipapp-bench-events-") as tmp:
        port = devserver.pick_port(WEB_DIR)
        env = {"DATABASE_URL": f"sqlite:///{Path(tmp) / 'ipapp.sqlite3'}", "IPAPP_ENV": "development",
               "IPAPP_DEMO": "1", "IPAPP_ORIGIN": f"http://localhost:{port}"}
        server, url, cookie = _serve(env, "bench-events-server.log")
        try:
            pgid = os.getpgid(server.process.pid)
            rows = asyncio.run(per_event(url, cookie, pgid, args.events))
            idle_cores = asyncio.run(idle(url, cookie, pgid, args.tabs))
            for label, item in (("open the overview", OVERVIEW), ("open a goal", GOAL)):
                for clients in (1, 20, 100):
                    loops.append((label, clients, *asyncio.run(closed_loop(url, cookie, clients, item))))
        finally:
            server.stop()
        workers = [] if args.no_workers else _workers(tmp)
    lines = [f"ipapp events - SQLite, one worker, demo plan, the owner signed in; {args.events} events each"
             f" ({time.strftime('%Y-%m-%d')}, {os.cpu_count()} cores):", "",
             f"  {'event':<26} {'server CPU/event':>17} {'round trip':>11}"]
    lines += [f"  {label:<26} {cpu_ms:>14.2f} ms {wall_ms:>8.1f} ms" for label, cpu_ms, wall_ms in rows]
    lines += ["", f"  {args.tabs} signed-in idle tabs on the overview: {idle_cores:.4f} core", "",
              f"  closed loop ({LOOP_SECONDS} s)        {'clients':>7} {'events/s':>9} {'p50':>9} {'p95':>9}"]
    lines += [f"  {label:<26} {clients:>7} {rate:>9.1f} {p50:>6.0f} ms {p95:>6.0f} ms"
              for label, clients, rate, p50, p95 in loops]
    if workers:
        lines += ["", f"  PostgreSQL + Redis, 20 tabs on the overview ({LOOP_SECONDS} s)",
                  f"  {'workers':>7} {'events/s':>9} {'p50':>9} {'p95':>9}"]
        lines += [f"  {n:>7} {rate:>9.1f} {p50:>6.0f} ms {p95:>6.0f} ms" for n, rate, p50, p95 in workers]
    text = "\n".join(lines)
    print("\n" + text)
    RESULTS.parent.mkdir(exist_ok=True)
    RESULTS.write_text(text + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
