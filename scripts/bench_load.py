"""Many signed-in sessions on one server: memory per session, idle tabs, and an open loop.

Every session is its own sign-in of the demo plan's owner through the demo route (one person on
many phones: the demo has one owner; the state each tab keeps is the same size either way), and
each holds one tab (a socket.io client with its own token) on the overview.

  * RSS per session: the server's process group RSS (from /proc) before any tab and after 50, 200
    and 500 tabs are open (cumulative: tabs stay open), minus the baseline, divided by N;
  * idle: with 200 tabs open doing nothing, the server's CPU over 10 s;
  * open loop: 500 tabs each send "open the overview" every 5 s (a random phase each), whatever
    the answers do, for OPEN_LOOP_SECONDS; latency of an event is from the moment it was due to
    its answer's end (the tab's k-th events frame, the load's title script, ends the answer to
    its k-th event: Reflex runs one tab's events in order; a repeated open sends no delta). The generator is one Python process: its own CPU is reported beside the server's,
    because 500 clients in one process on 2 cores may be what limits the numbers.
"""

from __future__ import annotations

import asyncio
import random
import time
from dataclasses import dataclass

from bench_common import OVERVIEW, Tab, close_tabs, group_cpu_seconds, group_rss_bytes, open_tabs, \
    own_cpu_seconds, percentile, sign_in_many

STEPS = (50, 200, 500)
IDLE_AT = 200
IDLE_SECONDS = 10
PERIOD = 5.0
OPEN_LOOP_SECONDS = 30.0
DRAIN_SECONDS = 60.0  # how long answers are waited for after the last event was sent
QUIET_AFTER = 0.5  # then a little longer: the last answers' trailing frames


@dataclass
class OpenLoop:
    sessions: int
    offered_per_s: float
    sent: int
    answered: int
    served_per_s: float
    p50_ms: float
    p95_ms: float
    max_ms: float
    server_cores: float
    generator_cores: float
    extra_frames: int  # answers no event of ours asked for (live updates): should be 0
    seconds: float


@dataclass
class Sessions:
    rss_per_session: list[tuple[int, float]]  # (N, MiB per session)
    baseline_mib: float
    idle_tabs: int
    idle_cores: float
    open_loop: OpenLoop | None


async def _idle(pgid: int) -> float:
    await asyncio.sleep(3)  # let the last connects' work finish
    cpu, wall = group_cpu_seconds(pgid), time.monotonic()
    await asyncio.sleep(IDLE_SECONDS)
    return (group_cpu_seconds(pgid) - cpu) / (time.monotonic() - wall)


async def _rss_after_settling(pgid: int) -> int:
    await asyncio.sleep(2)
    return group_rss_bytes(pgid)


async def open_loop(tabs: list[Tab], pgid: int, seconds: float = OPEN_LOOP_SECONDS) -> OpenLoop:
    rng = random.Random(11)
    start = time.monotonic() + 1.0
    due: dict[int, list[float]] = {id(tab): [] for tab in tabs}
    before = {id(tab): len(tab.answer_end_times) for tab in tabs}

    async def session(tab: Tab) -> None:
        at = start + rng.uniform(0, PERIOD)
        while at < start + seconds:
            await asyncio.sleep(max(0.0, at - time.monotonic()))
            due[id(tab)].append(at)
            await tab.emit(OVERVIEW)
            at += PERIOD

    cpu, own = group_cpu_seconds(pgid), own_cpu_seconds()
    await asyncio.gather(*(session(tab) for tab in tabs))
    sent = sum(len(times) for times in due.values())

    def answered() -> int:
        return sum(min(len(tab.answer_end_times) - before[id(tab)], len(due[id(tab)])) for tab in tabs)

    deadline = time.monotonic() + DRAIN_SECONDS
    while answered() < sent and time.monotonic() < deadline:
        await asyncio.sleep(0.2)
    await asyncio.sleep(QUIET_AFTER)
    window = time.monotonic() - start
    server_cores = (group_cpu_seconds(pgid) - cpu) / window
    generator_cores = (own_cpu_seconds() - own) / window
    latencies, last_answer, extra = [], start, 0
    for tab in tabs:
        answers = tab.answer_end_times[before[id(tab)]:]
        extra += max(0, len(answers) - len(due[id(tab)]))
        for at, answer in zip(due[id(tab)], answers):
            latencies.append(answer - at)
            last_answer = max(last_answer, answer)
    served_over = max(last_answer - start, seconds)
    ms = [value * 1000 for value in latencies]
    return OpenLoop(len(tabs), len(tabs) / PERIOD, sent, len(latencies), len(latencies) / served_over,
                    percentile(ms, 0.50), percentile(ms, 0.95), max(ms, default=float("nan")),
                    server_cores, generator_cores, extra, seconds)




async def run_sessions(url: str, pgid: int, steps: tuple[int, ...] = STEPS, idle_at: int = IDLE_AT,
                       open_loop_seconds: float = OPEN_LOOP_SECONDS) -> Sessions:
    """Sign in and open tabs step by step (50, 200, 500), measuring RSS at each step and idle CPU
    at `idle_at` tabs; then the open loop with all of them (0 seconds: none)."""
    await asyncio.sleep(2)
    baseline = group_rss_bytes(pgid)
    tabs: list[Tab] = []
    rows = []
    idle_cores = float("nan")
    try:
        for step in sorted({*steps, idle_at}):
            cookies = await sign_in_many(url, step - len(tabs))
            tabs += await open_tabs(url, cookies)
            if step in steps:
                rows.append((step, (await _rss_after_settling(pgid) - baseline) / step / 2**20))
            if step == idle_at:
                idle_cores = await _idle(pgid)
        loop = await open_loop(tabs, pgid, open_loop_seconds) if open_loop_seconds > 0 else None
    finally:
        await close_tabs(tabs)
    return Sessions(rows, baseline / 2**20, idle_at, idle_cores, loop)


def lines(result: Sessions) -> list[str]:
    out = [f"  signed-in sessions, one tab each on the overview (server RSS before any: {result.baseline_mib:.0f} MiB)",
           f"  {'sessions':>8} {'RSS per session':>16}   budget <= 0.5 MiB"]
    out += [f"  {n:>8} {mib:>12.3f} MiB" for n, mib in result.rss_per_session]
    out += ["", f"  {result.idle_tabs} signed-in idle tabs on the overview: {result.idle_cores:.4f} core"
                f" over {IDLE_SECONDS} s (/proc counts CPU in 10 ms ticks: 0 means < 0.001)   budget <= 0.02 core"]
    loop = result.open_loop
    if loop is not None:
        out += ["", f"  open loop: {loop.sessions} sessions, each opens the overview every {PERIOD:.0f} s for"
                    f" {loop.seconds:.0f} s (offered {loop.offered_per_s:.0f} events/s)",
                f"    answered {loop.answered}/{loop.sent}, served {loop.served_per_s:.1f} events/s,"
                f" p50 {loop.p50_ms:.0f} ms, p95 {loop.p95_ms:.0f} ms, max {loop.max_ms:.0f} ms"
                f"   budget p95 <= 50 ms",
                f"    server CPU {loop.server_cores:.2f} core; load generator (one Python process)"
                f" {loop.generator_cores:.2f} core" + (f"; {loop.extra_frames} unasked answers" if loop.extra_frames else "")]
    return out
