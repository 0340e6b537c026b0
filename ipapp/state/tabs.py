"""The tabs this worker serves, per sign-in session, and the reaper that wipes them the moment
their session ends (sign-out, sign-out everywhere, a removed passkey), on whichever worker.

A tab whose session ended without news (idle timeout) is wiped by its own watcher at the
session's end time, and in any case before its next event (ipapp.state.guard).
"""

from __future__ import annotations

import asyncio
import functools
import logging
from collections import OrderedDict

log = logging.getLogger(__name__)

MAX_REMEMBERED_SESSIONS = 50_000  # an idle-expired session is never announced: forget the oldest
_tabs: OrderedDict[int, set[str]] = OrderedDict()
_reaper: asyncio.Task | None = None


@functools.cache
def session_state_classes() -> tuple[type, ...]:
    """SessionState and every state below it."""
    from ipapp.state.session import SessionState

    found, todo = [], [SessionState]
    while todo:
        cls = todo.pop()
        found.append(cls)
        todo.extend(sorted(cls.get_substates(), key=lambda c: c.get_full_name()))
    return tuple(found)


@functools.cache
def client_storage_keys() -> frozenset[str]:
    """Names under which the browser sends client-storage vars back (update_vars_internal)."""
    from ipapp.state.session import SessionState

    name = f"{SessionState.get_full_name()}.locale"
    return frozenset({name, name + "_rx_state_"})


def remember(session_id: int, token: str) -> None:
    tokens = _tabs.get(session_id)
    if tokens is None:
        tokens = _tabs[session_id] = set()
        while len(_tabs) > MAX_REMEMBERED_SESSIONS:
            _tabs.popitem(last=False)
    if token not in tokens:
        tokens.add(token)
        _start_reaper()


def _start_reaper() -> None:
    global _reaper
    if _reaper is not None and not _reaper.done():
        return
    try:
        _reaper = asyncio.get_running_loop().create_task(_reap_forever(), name="ipapp-tab-reaper")
    except RuntimeError:  # no loop (a unit test calling a handler directly): nothing to reap
        _reaper = None


async def _reap_forever() -> None:
    from ipapp import live

    with live.subscribe({live.SESSIONS_ENDED}) as ended:
        while True:
            event = await ended.next(None)
            for session_id in (event or {}).get("sessions", ()):
                if isinstance(session_id, int):
                    for token in _tabs.pop(session_id, ()):
                        try:
                            await wipe_tab(token, session_id)
                        except Exception:
                            log.exception("could not wipe a tab of an ended session")


async def wipe_tab(token: str, session_id: int) -> None:
    """Wipe one tab's server-side state if it still belongs to that session, and send it to the
    sign-in page (the delta that leaves carries only defaults)."""
    from reflex.istate.manager.token import BaseStateToken
    from reflex.state import StateUpdate
    from reflex_base.event import Event

    from ipapp.ipapp import app
    from ipapp.state.guard import wipe
    from ipapp.state.session import SessionState

    async with app.modify_state(BaseStateToken(ident=token, cls=SessionState)) as root:
        session_state = await root.get_state(SessionState)
        if session_state._session_id != session_id:
            return
        await wipe(root)
        session_state._adopt(None)
        redirect = session_state._sign_in_redirect()
    if app.event_namespace is not None and token in app.event_namespace.token_to_sid:
        await app.event_namespace.emit_update(StateUpdate(events=Event.from_event_type(redirect)), token)


# --- at most one live watcher per tab ----------------------------------------------------------

_watchers: dict[str, asyncio.Task] = {}


def claim_watch(token: str) -> bool:
    """True for the first caller while no watcher of this tab runs in this worker: a forged
    `watch_access` (any browser can send it) starts nothing more."""
    running = _watchers.get(token)
    if running is not None and not running.done():
        return False
    task = asyncio.current_task()
    if task is None:
        return False
    _watchers[token] = task
    return True


def release_watch(token: str) -> None:
    if _watchers.get(token) is asyncio.current_task():
        del _watchers[token]


def watching(token: str) -> bool:
    running = _watchers.get(token)
    return running is not None and not running.done()


def watcher_count() -> int:
    return sum(1 for task in _watchers.values() if not task.done())
