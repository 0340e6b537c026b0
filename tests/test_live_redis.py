"""Live updates across workers: two Redis buses stand for two workers on one real redis-server.
A revoke committed through the services on "worker A" reaches a subscriber on "worker B"; a
rolled-back write reaches nobody; topics nobody asked for are not delivered."""

import asyncio

import pytest
from sqlmodel import select

from ipapp import db, live
from ipapp.live.redis_bus import RedisBus
from ipapp.models import AccessGrant, Plan
from ipapp.services import grants


def test_a_revoke_on_one_worker_reaches_a_tab_on_another(demo_cast, redis_url):
    worker_a, worker_b = RedisBus(redis_url), RedisBus(redis_url)
    with db.transaction() as session:
        plan_id = session.exec(select(Plan)).first().id
        grant_id = session.exec(select(AccessGrant.id).where(AccessGrant.revoked_at.is_(None))).first()

    async def scenario():
        with worker_b.subscribe(frozenset({live.plan_topic(plan_id)})) as news, \
                worker_b.subscribe(frozenset({live.plan_topic(plan_id + 1000)})) as other_plan:
            await asyncio.sleep(0.3)  # the listener thread has subscribed
            live.use_bus(worker_a)
            try:
                await asyncio.get_running_loop().run_in_executor(
                    None, grants.revoke_grant, demo_cast.owner_id, plan_id, grant_id)
            finally:
                live.use_bus(None)
            heard = await news.next(2.0)
            assert await other_plan.next(0.3) is None
            return heard

    try:
        assert asyncio.run(scenario()) == {"kind": "access", "topic": f"plan:{plan_id}"}
    finally:
        worker_a.close(), worker_b.close()


def test_published_events_are_json_and_a_burst_arrives_whole(redis_url):
    sender, receiver = RedisBus(redis_url), RedisBus(redis_url)

    async def scenario():
        with receiver.subscribe(frozenset({"session-test"})) as news:
            await asyncio.sleep(0.3)
            for n in range(50):
                sender.publish("session-test", {"kind": "ended", "sessions": [n]})
            got = []
            while (item := await news.next(1.0)) is not None:
                got.append(item["sessions"][0])
            return got

    try:
        assert asyncio.run(scenario()) == list(range(50))
    finally:
        sender.close(), receiver.close()
