"""Server CPU per event, closed and open loops, idle tabs and memory per session: prints numbers,
judges nothing.

Serves the production build with the demo data and a big plan made through the services
(bench_big_plan.py), and speaks the compiled frontend's socket.io protocol (bench_common.Tab). The
server's CPU and RSS are read from /proc for its whole process group, so workers count too.

  * CPU per event: one signed-in tab sends N events one after another, each sent once the last
    one's answer (its number of frames, learnt first) has come, for: opening the overview,
    opening a goal, a trivial event (ipapp's cheapest handler);
  * the big plan (50 goals, 200 services, 100 meetings) beside the demo plan: CPU per event,
    round trip and the websocket bytes of its first load;
  * closed loop: 1, 20 and 100 tabs each sending the same event again as soon as the last answer
    has come, for a few seconds: events/s and p50/p95 of the time to its answer's last frame;
  * sessions (bench_load.py, on a fresh server): RSS per session at 50/200/500 signed-in tabs,
    idle CPU of 200 tabs, and 500 sessions each opening the overview every 5 s (open loop);
  * workers: the same closed loop with 20 tabs on PostgreSQL + Redis (throwaway servers, as the
    tests start them), one worker and then two (granian).

Usage: python scripts/bench_events.py [--events 100] [--loop-seconds 8] [--clients 1,20,100]
       [--sessions 50,200,500] [--idle-tabs 200] [--open-loop-seconds 30] [--artifacts DIR]
       [--no-big-plan] [--no-loops] [--no-sessions] [--no-workers]
  (a quick check: --events 10 --loop-seconds 2 --clients 1,5 --sessions 5,10 --idle-tabs 10
   --open-loop-seconds 6)
Prints one table and writes it to bench/events.txt (committed: the numbers of the last run).
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import bench_big_plan  # noqa: E402
import bench_load  # noqa: E402
import devserver  # noqa: E402
from bench_common import OVERVIEW, TRIVIAL, Tab, add_artifacts_option, artifacts_dir, close_tabs, demo_env, \
    cost_per_event, goal_event, header, open_tabs, percentile, serve, sign_in, timed, write_results  # noqa: E402

LOOP_SECONDS = 8
CLIENTS = (1, 20, 100)
GOAL = goal_event(1)
DEMO_OWNER = 1  # the demo plan's owner (person 1 of the demo loader)
KINDS = (("open the overview", OVERVIEW), ("open a goal", GOAL), ("trivial (not-found on-load)", TRIVIAL))


async def closed_loop(url: str, cookie: str, clients: int, item: dict, seconds: float = LOOP_SECONDS):
    """`clients` tabs each sending `item` again as soon as the last answer came (its known number
    of frames). Returns (events per second, p50 ms, p95 ms) of the time from sending to the last
    frame of its answer."""
    tabs = await open_tabs(url, [cookie] * clients, at_once=min(clients, 20))
    try:
        frames = await tabs[0].answer_frames(item)
        # Every other tab's first `item` brings more (a goal's route: a router delta), so each
        # sends it once and waits until quiet: a tab left a frame behind would count its next
        # answer from the last one's leftover and keep two events in flight for good.
        await asyncio.gather(*(tab.send(item) for tab in tabs[1:]))
        latencies: list[float] = []
        lost = [0]
        stop = time.monotonic() + seconds

        async def loop(tab: Tab) -> None:
            while time.monotonic() < stop:
                try:
                    latencies.append(await tab.send(item, frames, timeout=30))
                except asyncio.TimeoutError:
                    lost[0] += 1

        started = time.monotonic()
        await asyncio.gather(*(loop(tab) for tab in tabs))
        wall = time.monotonic() - started
    finally:
        await close_tabs(tabs)
    if lost[0]:
        devserver.log(f"closed loop: {lost[0]} answers did not come within 30 s (not counted)")
    ms = [value * 1000 for value in latencies]
    return len(ms) / wall, percentile(ms, 0.50), percentile(ms, 0.95)


async def per_event(url: str, cookie: str, pgid: int, count: int) -> list[tuple[str, float, float]]:
    tab = Tab(url, cookie)
    await tab.open("/")
    rows = [(label, *await cost_per_event(tab, pgid, item, count, warm=5)) for label, item in KINDS]
    await tab.close()
    return rows


def _workers(web_dir: Path, seconds: float) -> list[tuple[int, float, float, float]]:
    """20 closed-loop tabs on the overview, on PostgreSQL + Redis, with 1 and then 2 workers."""
    from postgres_server import PostgresServer
    from redis_server import RedisServer

    postgres, redis = PostgresServer(), RedisServer()
    postgres.start()
    rows = []
    try:
        database = postgres.create_database("ipapp_bench")
        for workers in (1, 2):
            env = demo_env(database, devserver.pick_port(web_dir), REFLEX_REDIS_URL=redis.url,
                           IPAPP_REDIS_URL=redis.url, GRANIAN_WORKERS=str(workers))
            served = serve(web_dir, env, web_dir.parent / f"bench-workers-{workers}.log", prepared=workers > 1)
            try:
                cookie = sign_in(served.url, DEMO_OWNER)
                rows.append((workers, *asyncio.run(closed_loop(served.url, cookie, 20, OVERVIEW, seconds))))
            finally:
                served.server.stop()
    finally:
        redis.stop()
        postgres.stop()
    return rows


def _table(args, rows, big, demo, loops, sessions, workers, skipped) -> list[str]:
    lines = header(f"ipapp events - production build, SQLite, one worker, the owner signed in; {args.events}"
                   " events each")
    lines += ["", f"  {'event (demo plan)':<28} {'server CPU/event':>17} {'round trip p50':>15}"
                  "   budget <= 3 ms CPU (overview, goal)"]
    lines += [f"  {label:<28} {cpu_ms:>14.2f} ms {wall_ms:>12.1f} ms" for label, cpu_ms, wall_ms in rows]
    if big is not None:
        lines += ["", *bench_big_plan.lines(big, demo)]
    lines += ["", f"  closed loop ({args.loop_seconds:g} s each)    {'clients':>7} {'events/s':>9} {'p50':>9} {'p95':>9}"
                  "   budget p95 <= 20 ms at 20 clients"]
    lines += [f"  {label:<28} {clients:>7} {rate:>9.1f} {p50:>6.1f} ms {p95:>6.1f} ms"
              for label, clients, rate, p50, p95 in loops]
    if sessions is not None:
        lines += ["", *bench_load.lines(sessions)]
    if workers:
        lines += ["", f"  PostgreSQL + Redis, 20 closed-loop tabs on the overview ({args.loop_seconds:g} s)"
                      "   budget 2 workers >= 1.7x the events/s of 1",
                  f"  {'workers':>7} {'events/s':>9} {'p50':>9} {'p95':>9}"]
        lines += [f"  {n:>7} {rate:>9.1f} {p50:>6.1f} ms {p95:>6.1f} ms" for n, rate, p50, p95 in workers]
        if len(workers) == 2 and workers[0][1]:
            lines.append(f"  2 workers / 1 worker: {workers[1][1] / workers[0][1]:.2f}x")
    lines += [""] + [f"  not measured: {why}" for why in skipped] if skipped else []
    return lines


def _ints(text: str) -> tuple[int, ...]:
    return tuple(int(part) for part in text.split(",") if part.strip())


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--events", type=int, default=100, help="events per CPU/event row (default 100)")
    parser.add_argument("--loop-seconds", type=float, default=LOOP_SECONDS, help="each closed loop (default 8)")
    parser.add_argument("--clients", type=_ints, default=CLIENTS, help="closed-loop clients (default 1,20,100)")
    parser.add_argument("--sessions", type=_ints, default=bench_load.STEPS,
                        help="RSS steps, the last also the open loop (default 50,200,500)")
    parser.add_argument("--idle-tabs", type=int, default=bench_load.IDLE_AT, help="idle CPU at (default 200)")
    parser.add_argument("--open-loop-seconds", type=float, default=bench_load.OPEN_LOOP_SECONDS)
    parser.add_argument("--no-big-plan", action="store_true", help="skip the 50-goal plan")
    parser.add_argument("--no-loops", action="store_true", help="skip the closed loops")
    parser.add_argument("--no-workers", action="store_true", help="skip PostgreSQL + Redis, 1 vs 2 workers")
    parser.add_argument("--no-sessions", action="store_true", help="skip RSS per session, idle tabs, open loop")
    add_artifacts_option(parser)
    args = parser.parse_args(argv)
    web_dir = artifacts_dir(args.artifacts) / "web"
    loops, sessions, big, demo, skipped = [], None, None, None, []
    with tempfile.TemporaryDirectory(prefix="ipapp-bench-events-") as tmp:
        env = demo_env(f"sqlite:///{Path(tmp) / 'ipapp.sqlite3'}", devserver.pick_port(web_dir))
        devserver.prepare_database(env)
        big_plan = None if args.no_big_plan else bench_big_plan.make_big_plan(env)
        served = serve(web_dir, env, web_dir.parent / "bench-events-server.log", prepared=True)
        try:
            url, pgid = served.url, served.pgid
            cookie = sign_in(url, DEMO_OWNER)
            rows = timed("CPU per event", lambda: asyncio.run(per_event(url, cookie, pgid, args.events)))
            if big_plan is not None:
                count = max(10, args.events // 2)
                demo = bench_big_plan.measure(url, pgid, DEMO_OWNER, 1, count)
                big = timed("big plan", lambda: bench_big_plan.measure(url, pgid, big_plan.owner_id,
                                                                       big_plan.goal_id, count))
            for label, item in () if args.no_loops else KINDS:
                for clients in args.clients:
                    loops.append((label, clients, *timed(f"closed loop, {label}, {clients} clients", lambda: asyncio.run(
                        closed_loop(url, cookie, clients, item, args.loop_seconds)))))
        finally:
            served.server.stop()
        if not args.no_sessions:  # a fresh server: its memory holds no earlier tab's state
            served = serve(web_dir, env, web_dir.parent / "bench-sessions-server.log", prepared=True)
            try:
                sessions = timed("sessions", lambda: asyncio.run(bench_load.run_sessions(
                    served.url, served.pgid, args.sessions, args.idle_tabs, args.open_loop_seconds)))
            finally:
                served.server.stop()
    workers = []
    if not args.no_workers:
        from postgres_server import PostgresUnavailable
        from redis_server import RedisUnavailable

        try:
            workers = timed("1 vs 2 workers", lambda: _workers(web_dir, args.loop_seconds))
        except (PostgresUnavailable, RedisUnavailable) as exc:
            skipped.append(f"1 vs 2 workers on PostgreSQL + Redis: {exc}")
            devserver.log(skipped[-1])
    write_results("events.txt", _table(args, rows, big, demo, loops, sessions, workers, skipped))
    return 0


if __name__ == "__main__":
    sys.exit(main())
