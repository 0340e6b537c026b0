"""A tab without a browser: speaks the compiled frontend's socket.io protocol to the served app,
with any tab token and any cookie (or none), sends any event, and keeps every frame it receives.

Runs its own event loop in a thread, so it works beside Playwright's sync API.
"""

from __future__ import annotations

import asyncio
import json
import threading
from dataclasses import dataclass, field

import socketio

ROOT_STATE = "reflex___state____state"
SESSION_STATE = f"{ROOT_STATE}.ipapp___state___session____session_state"
PLAN_STATE = f"{SESSION_STATE}.ipapp___state___plan____plan_state"
HYDRATE = f"{ROOT_STATE}.hydrate_and_load"
LOCALE_KEY = f"{SESSION_STATE}.locale_rx_state_"
NAMESPACE = "/_event"  # Reflex's socket.io namespace, served at the path /_event too


class _WireJson:
    """JSON as the browser's socket.io sends it: a lone surrogate travels as the escape \\ud800.
    (Importing Reflex's app sets python-socketio's packet JSON, process-wide, to non-ASCII.)"""

    loads = staticmethod(json.loads)

    @staticmethod
    def dumps(obj, **kwargs):
        kwargs["ensure_ascii"] = True
        return json.dumps(obj, **kwargs)


def event(name: str, payload: dict | None = None, path: str = "/", query: dict | None = None) -> dict:
    """An event as the compiled frontend sends it; a route's parameters ride in `query`."""
    return {"name": name, "payload": payload or {},
            "router_data": {"pathname": path, "asPath": path, "query": query or {}}}


def hydrate(path: str) -> dict:
    return event(HYDRATE, {"vars": {}, "hashes": []}, path)


@dataclass
class TabRun:
    frames: list[str] = field(default_factory=list)  # every "event" frame, as JSON text
    connected: bool = False
    disconnected_early: bool = False

    def text(self) -> str:
        return "\n".join(self.frames)

    def strings(self) -> set[str]:
        found: set[str] = set()

        def walk(value):
            if isinstance(value, str):
                found.add(value)
            elif isinstance(value, dict):
                for item in value.values():
                    walk(item)
            elif isinstance(value, list):
                for item in value:
                    walk(item)

        for frame in self.frames:
            walk(json.loads(frame))
        return found


async def _run(app_url: str, token: str, cookie: str | None, boot: dict, events: list[dict],
               listen: float, origin: str | None) -> TabRun:
    run = TabRun()
    client = socketio.AsyncClient(reconnection=False, json=_WireJson)

    @client.on("event", namespace=NAMESPACE)
    async def _on_event(data):
        run.frames.append(json.dumps(data, ensure_ascii=False))

    @client.on("disconnect", namespace=NAMESPACE)
    async def _on_disconnect(*_args):
        run.disconnected_early = True

    headers = {}
    if origin is not None:
        headers["Origin"] = origin
    if cookie is not None:
        headers["Cookie"] = cookie
    try:
        await client.connect(f"{app_url}?token={token}", headers=headers, transports=["websocket"],
                             socketio_path="_event", auth={"event": boot}, wait_timeout=20,
                             namespaces=[NAMESPACE])
    except socketio.exceptions.ConnectionError:
        await client.shutdown()  # close the HTTP session it opened, then say it was refused
        raise
    run.connected = True
    await asyncio.sleep(listen / 2)
    for item in events:
        await client.emit("event", item, namespace=NAMESPACE)
        await asyncio.sleep(0.02)
    await asyncio.sleep(listen / 2)
    still_up = client.connected
    await client.disconnect()
    run.disconnected_early = not still_up
    return run


def open_tab(app_url: str, token: str, cookie: str | None, boot: dict, events: list[dict] = (),
             listen: float = 2.0, origin: str | None = "self") -> TabRun:
    """Connect as a tab with `token`, boot on `boot`, send `events`, listen, and disconnect."""
    result: dict = {}
    origin = app_url if origin == "self" else origin

    def work():
        try:
            result["run"] = asyncio.run(_run(app_url, token, cookie, boot, list(events), listen, origin))
        except BaseException as exc:  # handed to the caller's thread
            result["error"] = exc

    thread = threading.Thread(target=work, daemon=True)
    thread.start()
    thread.join(timeout=listen + 60)
    if "error" in result:
        raise result["error"]
    return result["run"]
