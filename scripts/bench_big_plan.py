"""A big plan for the benchmarks: 50 goals, 200 services (measures, 4 per goal) and 100 meetings,
made through the services (tests/living_plan.py's make_plan, goal_editing, meeting_editing) in the
bench's own database before it is served, never from the demo loader. Its owner gets a passkey
(tests/soft_authenticator.py) so that her account is active and the demo route can sign her in.

  python scripts/bench_big_plan.py make    (with DATABASE_URL, IPAPP_ORIGIN, ... of the bench)
prints {"plan_id", "owner_id", "goal_id"} as JSON. bench_events.py and bench_first_load.py call
`make_big_plan(env)`, which runs that in a child process (ipapp reads its settings once).
"""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
import time
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

GOALS, MEASURES_PER_GOAL, MEETINGS = 50, 4, 100


@dataclass(frozen=True)
class BigPlan:
    plan_id: int
    owner_id: int
    goal_id: int  # one of its goals, with its four services


def _make() -> dict:
    from living_plan import make_plan
    from soft_authenticator import SoftAuthenticator

    from ipapp.i18n.dates import oslo_today
    from ipapp.models import utcnow
    from ipapp.services import goal_editing, invitations, meeting_editing

    plan = make_plan("Stor")
    owner = plan.invitations["owner"]
    phone = SoftAuthenticator(origin=os.environ["IPAPP_ORIGIN"])
    invitations.redeem(owner.code, phone.register(invitations.registration_options(owner.code)), "Telefon")
    today = oslo_today(utcnow())
    goal_ids = []
    for n in range(1, GOALS + 1):
        goal_ids.append(goal_editing.add_goal(plan.owner_id, plan.plan_id, {
            "title": f"Mål {n}: klare meg selv i hverdagen, steg {n}",
            "description": "Med hjelp fra tjenestene og familien, i mitt eget tempo."}))
        for m in range(1, MEASURES_PER_GOAL + 1):
            goal_editing.add_measure(plan.coordinator_id, plan.plan_id, goal_ids[-1], {
                "name": f"Tiltak {n}.{m}: oppfølging", "provider": "Hjemmetjenesten",
                "frequency": "Hver uke", "starts_on": (today - timedelta(days=m)).isoformat(),
                "how": "Faste avtaler, og beskjed i appen ved endringer."})
    for n in range(1, MEETINGS + 1):
        meeting_editing.schedule(plan.coordinator_id, plan.plan_id, {
            "kind": "responsibility_group", "title": f"Ansvarsgruppemøte {n}",
            "day": (today + timedelta(days=n)).isoformat(), "start": "10:00", "end": "11:00",
            "location": "Rådhuset", "agenda": "Gjennomgang av målene",
            f"person_{plan.owner_id}": "on", f"person_{plan.next_of_kin_id}": "on",
            f"goal_{goal_ids[n % GOALS]}": "on"})
    return {"plan_id": plan.plan_id, "owner_id": plan.owner_id, "goal_id": goal_ids[0]}


def make_big_plan(env: dict) -> BigPlan:
    """Make the big plan in env's database (already prepared) in a child process."""
    import devserver

    started = time.monotonic()
    done = subprocess.run([sys.executable, str(Path(__file__).resolve()), "make"], cwd=devserver.ROOT,
                          env=devserver.tool_env(env), capture_output=True, text=True, timeout=900)
    if done.returncode != 0:
        raise SystemExit(f"ipapp: making the big plan failed:\n{done.stderr[-3000:]}")
    made = json.loads(done.stdout.strip().splitlines()[-1])
    devserver.log(f"big plan made through the services in {time.monotonic() - started:.0f} s.")
    return BigPlan(made["plan_id"], made["owner_id"], made["goal_id"])


# --- its events, measured like the demo plan's (bench_events.py)

@dataclass
class BigPlanEvents:
    cpu_ms: float  # server CPU per "open the overview"
    round_trip_ms: float
    first_load_ws_bytes: int  # every frame from connect until the tab settled (hydrate + on-load)
    overview_delta_bytes: int  # the delta that answers one "open the overview"
    goal_cpu_ms: float
    goal_round_trip_ms: float


async def measure_events(url: str, cookie: str, pgid: int, goal_id: int, count: int) -> BigPlanEvents:
    from bench_common import OVERVIEW, Tab, cost_per_event, goal_event

    tab = Tab(url, cookie)
    tab.keep_frames = True
    await tab.open("/")
    first_load = sum(size for _, size, _ in tab.frames)
    tab.frames.clear()
    await tab.send(OVERVIEW)
    overview_delta = max((size for _, size, has_delta in tab.frames if has_delta), default=0)
    tab.keep_frames = False
    rows = [await cost_per_event(tab, pgid, item, count) for item in (OVERVIEW, goal_event(goal_id))]
    await tab.close()
    return BigPlanEvents(rows[0][0], rows[0][1], first_load, overview_delta, rows[1][0], rows[1][1])


def measure(url: str, pgid: int, owner_id: int, goal_id: int, count: int) -> BigPlanEvents:
    """Measured for the plan whose owner is `owner_id` (the demo plan's too, to compare)."""
    from bench_common import sign_in

    return asyncio.run(measure_events(url, sign_in(url, owner_id), pgid, goal_id, count))


def lines(big: BigPlanEvents, demo: BigPlanEvents) -> list[str]:
    kib = lambda n: f"{n / 1024:.1f} KiB"  # noqa: E731
    rows = [("open the overview: server CPU/event", f"{demo.cpu_ms:.2f} ms", f"{big.cpu_ms:.2f} ms"),
            ("  round trip p50", f"{demo.round_trip_ms:.1f} ms", f"{big.round_trip_ms:.1f} ms"),
            ("open a goal: server CPU/event", f"{demo.goal_cpu_ms:.2f} ms", f"{big.goal_cpu_ms:.2f} ms"),
            ("  round trip p50", f"{demo.goal_round_trip_ms:.1f} ms", f"{big.goal_round_trip_ms:.1f} ms"),
            ("websocket, connect until settled", kib(demo.first_load_ws_bytes), kib(big.first_load_ws_bytes)),
            ("  delta answering a repeated open", kib(demo.overview_delta_bytes), kib(big.overview_delta_bytes))]
    out = [f"  big plan ({GOALS} goals, {GOALS * MEASURES_PER_GOAL} services, {MEETINGS} meetings) beside the demo"
           " plan, each owner signed in (websocket: uncompressed JSON payload)",
           f"  {'':<38} {'demo plan':>10} {'big plan':>10}"]
    return out + [f"  {label:<38} {demo_value:>10} {big_value:>10}" for label, demo_value, big_value in rows]


if __name__ == "__main__":
    if sys.argv[1:] != ["make"]:
        raise SystemExit(__doc__)
    print(json.dumps(_make()))
