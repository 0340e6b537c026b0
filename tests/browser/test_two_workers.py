"""Two backend workers (granian) on PostgreSQL and Redis, as production runs them.

The sign-in, sharing and live-revoke story with the owner and her mother on different workers:
each signs in with a passkey from her invitation, the owner shares her goals and signs the
consent, her mother sees them, loses her connection and gets it back (Reflex #6345: state on
reconnect), and the owner's revoke on one worker empties her mother's page on the other within a
second. Then two sockets claim one tab token at once on the two workers (Reflex #6877): the one
without the owner's cookie never gets her plan. The plan is made through the services.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import os
import pickle
import re
import secrets
import subprocess
import sys
import time
from pathlib import Path

import pytest
import redis as redis_client
from living_plan import make_plan
from playwright.sync_api import expect
from raw_socket import PLAN_STATE, _WireJson, event, hydrate
from redis_server import RedisServer, RedisUnavailable
from shared_steps import virtual_authenticator

import devserver
from ipapp import db
from ipapp.config import reset_settings_cache
from ipapp.db import make_engine
from ipapp.services import goal_editing

pytestmark = pytest.mark.browser
ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = Path(os.environ.get("IPAPP_TEST_ARTIFACTS") or ROOT / "test-artifacts").resolve()  # as conftest
TEST_WEB_DIR = ARTIFACTS / "web"  # the build every browser test shares
GOAL = "Bo i egen leilighet med hjelp til det jeg trenger"
WITHIN_MS = 1000


@pytest.fixture(scope="module")
def two_workers(app_server, postgres_server, tmp_path_factory):
    """The app with 2 workers on a fresh PostgreSQL database and a throwaway Redis, on the shared
    build's port; the plan made through the services in this process, on the same database."""
    try:
        redis = RedisServer()
    except RedisUnavailable as missing:
        pytest.fail(str(missing), pytrace=False)
    name = f"ipapp_workers_{secrets.token_hex(4)}"
    database_url = postgres_server.create_database(name)
    port = app_server.port
    env = {
        "DATABASE_URL": database_url,
        "IPAPP_ENV": "development",
        "IPAPP_ORIGIN": f"http://localhost:{port}",
        "REFLEX_REDIS_URL": redis.url,  # Reflex's state and token records
        "IPAPP_REDIS_URL": redis.url,  # ipapp's live bus
        "GRANIAN_WORKERS": "2",
        "REFLEX_STATES_WORKDIR": str(tmp_path_factory.mktemp("states")),
    }
    migrated = subprocess.run([sys.executable, "-m", "ipapp.cli", "migrate"], cwd=ROOT, env=devserver.tool_env(env),
                              capture_output=True, text=True, timeout=120)
    assert migrated.returncode == 0, migrated.stderr
    engine = make_engine(database_url)
    saved = {key: os.environ.get(key) for key in ("IPAPP_ORIGIN", "IPAPP_DEMO")}
    os.environ["IPAPP_ORIGIN"] = env["IPAPP_ORIGIN"]  # invitation links point at this server
    os.environ.pop("IPAPP_DEMO", None)
    reset_settings_cache()
    db.use_engine(engine)
    app_server.stop()
    server = devserver.Server(port, TEST_WEB_DIR, ARTIFACTS / "server-two-workers.log", env)
    try:
        living = make_plan()
        goal_editing.add_goal(living.owner_id, living.plan_id, {"title": GOAL, "description": ""})
        server.start(timeout=120)
        yield server.url, living, redis_client.Redis.from_url(redis.url)
    finally:
        server.stop()
        db.use_engine(None)
        engine.dispose()
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
        reset_settings_cache()
        postgres_server.drop_database(name)
        redis.stop()
        app_server.start(timeout=120)  # the other browser tests' demo server, as it was


def _worker_of(page, redis) -> str:
    """Which worker holds this tab's socket: Reflex's own record of it in Redis."""
    token = page.evaluate("window.sessionStorage.getItem('token')")
    deadline = time.monotonic() + 10
    while (raw := redis.get(f"token_manager_socket_record_{token}")) is None and time.monotonic() < deadline:
        time.sleep(0.1)
    assert raw is not None, "the tab's socket is not recorded in Redis"
    return pickle.loads(raw).instance_id


def _sign_up(page, link: str) -> None:
    virtual_authenticator(page)
    page.goto(link)
    page.get_by_role("button", name="Lag passnøkkel").click()
    page.wait_for_url(re.compile(r".*/$"))


def _on_another_worker(context, url: str, redis, other: str, show: str):
    """A tab of `context` on `url` whose socket is not on worker `other` (new tabs until one is)."""
    for _ in range(12):
        page = context.new_page()
        page.goto(url)
        expect(page.get_by_role("heading", name=show)).to_be_visible()
        if _worker_of(page, redis) != other:
            return page
        page.close()
    pytest.fail("twelve tabs in a row landed on the same worker: is GRANIAN_WORKERS=2 honoured?")


def test_sharing_and_a_live_revoke_across_two_workers(two_workers, phone_context, assert_accessible):
    url, living, redis = two_workers
    owner = phone_context().new_page()
    _sign_up(owner, living.invitations["owner"].link)
    expect(owner.get_by_role("heading", name=GOAL)).to_be_visible()

    mother_context = phone_context()
    signing_up = mother_context.new_page()
    _sign_up(signing_up, living.invitations["next_of_kin"].link)
    expect(signing_up.get_by_role("alert")).to_contain_text("ikke tilgjengelig")  # nothing shared yet
    signing_up.close()

    owner.goto(f"{url}/deling")
    owner.get_by_role("radio", name=re.compile("^Mona Mor")).check()
    owner.get_by_role("checkbox", name="Mål og tiltak").check()
    owner.get_by_role("radio", name="1 måned").check()
    owner.get_by_role("button", name="Lagre").click()
    owner.get_by_role("link", name="Les og signer samtykket").click()
    expect(owner.locator(".consent-text")).to_contain_text("Mona Mor")
    owner.get_by_role("button", name="Signer med passnøkkel").click()
    expect(owner.get_by_role("status")).to_contain_text("Samtykket er signert")

    owner.goto(f"{url}/deling")
    owner_worker = _worker_of(owner, redis)
    mother = _on_another_worker(mother_context, f"{url}/", redis, owner_worker, GOAL)
    assert_accessible(mother, "two-workers-mother")

    # Reflex #6345: her connection drops and comes back; the page is whole again, not empty.
    mother.context.set_offline(True)
    mother.wait_for_timeout(1500)
    mother.context.set_offline(False)
    expect(mother.get_by_role("heading", name=GOAL)).to_be_visible(timeout=15_000)
    mother.wait_for_timeout(700)

    card = owner.locator("article.card").filter(has=owner.get_by_role("heading", name=re.compile("^Mona Mor")))
    card = card.filter(has_text="Har tilgang nå")
    card.get_by_text("Trekk tilbake tilgangen").click()
    card.get_by_role("button", name="Ja, trekk tilbake").click()
    expect(owner.get_by_role("status")).to_contain_text("Tilgangen er trukket tilbake")
    revoked = time.monotonic()
    expect(mother.get_by_role("heading", name=GOAL)).to_have_count(0, timeout=WITHIN_MS)
    print(f"her page on the other worker emptied {time.monotonic() - revoked:.2f} s after the revoke")
    expect(mother.get_by_role("alert")).to_contain_text("ikke tilgjengelig")


def _in_a_thread(coroutine):
    """Run a coroutine beside Playwright's sync API (whose loop runs in this thread)."""
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, coroutine).result(timeout=60)


async def _claim_together(url: str, cookie: str, token: str) -> tuple[list[str], list[str]]:
    """The owner's socket and a socket with no cookie connect with the same token at once; the
    owner then opens her overview. Returns each socket's frames."""
    import socketio

    frames: dict[str, list[str]] = {"owner": [], "stranger": []}
    clients = {}
    for who in frames:
        client = socketio.AsyncClient(reconnection=False, json=_WireJson)
        client.on("event", lambda data, who=who: frames[who].append(repr(data)), namespace="/_event")
        clients[who] = client
    headers = {"owner": {"Origin": url, "Cookie": cookie}, "stranger": {"Origin": url}}
    await asyncio.gather(*(c.connect(f"{url}?token={token}", headers=headers[w], transports=["websocket"],
                                     socketio_path="_event", auth={"event": hydrate("/")}, wait_timeout=20,
                                     namespaces=["/_event"]) for w, c in clients.items()))
    await clients["owner"].emit("event", event(f"{PLAN_STATE}.load_overview", {}, "/"), namespace="/_event")
    await asyncio.sleep(1.5)
    await asyncio.gather(*(c.disconnect() for c in clients.values()))
    return frames["owner"], frames["stranger"]


def test_two_sockets_claiming_one_token_on_two_workers_never_share_the_owners_plan(two_workers, phone_context):
    """Reflex #6877: the token's claim in Redis is check-then-set, so two workers can both take it.
    Whatever Reflex does with the loser, the socket without her cookie gets nothing of hers."""
    url, living, _ = two_workers
    context = phone_context()
    page = context.new_page()
    _sign_up(page, living.invitations["guardian"].link)  # the guardian sees the whole plan
    expect(page.get_by_role("heading", name=GOAL)).to_be_visible()
    cookie = next(f"{c['name']}={c['value']}" for c in context.cookies() if c["name"] == "ipapp_session")
    context.close()
    owner_saw = 0
    for _ in range(10):
        owner, stranger = _in_a_thread(_claim_together(url, cookie, secrets.token_hex(16)))
        owner_saw += any(GOAL in f for f in owner)
        assert not any(GOAL in f for f in stranger), "a socket without her cookie got her plan"
    assert owner_saw > 0, "the signed-in socket never got her own plan: the test proves nothing"
