"""Runs before every event, Reflex's own included (hydrate, set_is_hydrated, on_load_internal,
update_vars_internal, handle_frontend_exception, setvar): hydrate sends the tab's whole stored
state, and it runs before any of ipapp's handlers could look at the cookie.

1. An event no page of ours sends (an undeclared handler, `setvar`, a malformed built-in, a string
   that is not valid Unicode, a deep structure) is refused with one log line; the tab stays up.
2. The tab's server-side state is bound to the sign-in session of *this* connection's cookie.
   State built under another session (another person, one that ended, none) is wiped before the
   event runs, so nothing of it can reach this connection: a tab token is not a secret.
"""

from __future__ import annotations

import dataclasses
import logging
from typing import Any

import reflex as rx
from reflex.middleware import Middleware
from reflex.state import (
    FrontendEventExceptionState,
    OnLoadInternalState,
    StateUpdate,
    UpdateVarsInternalState,
)

from ipapp.auth import sessions
from ipapp.state import tabs, token_claim
from ipapp.state.endpoints import rule_of
from ipapp.state.session import SessionState, resolved_for, session_cookie

log = logging.getLogger(__name__)
token_claim.install()  # one socket per tab token across workers (Reflex #6877)

_HYDRATES = frozenset(f"{rx.State.get_full_name()}.{name}" for name in ("hydrate", "hydrate_and_load"))
MAX_DEPTH = 12  # our payloads nest two or three deep; Reflex's router data four
MAX_ITEMS = 2_000
MAX_BUILTIN_TEXT = 20_000

def _clean(value: Any, depth: int = 0, budget: list[int] | None = None) -> bool:
    """Plain JSON of a sane size whose strings are valid Unicode (a lone surrogate cannot be sent
    back as UTF-8 and would drop the connection when the delta is written)."""
    budget = budget if budget is not None else [MAX_ITEMS]
    budget[0] -= 1
    if budget[0] < 0 or depth > MAX_DEPTH:
        return False
    if isinstance(value, str):
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            return False
        return True
    if value is None or isinstance(value, (bool, int, float)):
        return True
    if isinstance(value, dict):
        return all(_clean(k, depth + 1, budget) and _clean(v, depth + 1, budget) for k, v in value.items())
    if isinstance(value, (list, tuple)):
        return all(_clean(v, depth + 1, budget) for v in value)
    return False


def _storage_values_fit(stored: dict) -> bool:
    return all(key in tabs.client_storage_keys() and isinstance(v, str) and len(v) <= 100
               for key, v in stored.items())


def _builtin_fits(state_cls: type, name: str, payload: dict) -> bool:
    """Reflex's handlers that the compiled frontend sends, each with the payload it sends."""
    if state_cls is rx.State:
        if name == "hydrate":
            return not payload
        if name == "hydrate_and_load":  # the (re)connect: client-storage values and state hashes
            stored, hashes = payload.get("vars") or {}, payload.get("hashes") or []
            return (isinstance(stored, dict) and _storage_values_fit(stored)
                    and isinstance(hashes, list) and len(hashes) <= 64
                    and all(isinstance(h, str) and len(h) <= 128 for h in hashes))
        if name == "set_is_hydrated":
            return isinstance(payload.get("value"), bool)
        return False  # setvar on the root: nothing of ours is set that way
    if state_cls is OnLoadInternalState:
        if name == "set_is_hydrated":
            return isinstance(payload.get("value"), bool)
        return name == "on_load_internal"
    if state_cls is UpdateVarsInternalState:
        # The browser's copies of client-storage vars (the language): only those, only text.
        return (name == "update_vars_internal" and isinstance(payload.get("vars"), dict)
                and _storage_values_fit(payload["vars"]))
    if state_cls is FrontendEventExceptionState:
        return name == "handle_frontend_exception" and all(
            isinstance(v, str) and len(v) <= MAX_BUILTIN_TEXT for v in payload.values()
        )
    return False


def _refusal(event_name: str, payload: object, router_data: object) -> str | None:
    """Why this event is refused, or None."""
    if not isinstance(payload, dict) or not _clean(payload) or not _clean(router_data):
        return "malformed payload"
    path, _, handler = event_name.rpartition(".")
    try:
        state_cls = rx.State.get_class_substate(path) if path != rx.State.get_full_name() else rx.State
    except (ValueError, KeyError, AttributeError):
        return "unknown state"
    if issubclass(state_cls, SessionState):
        fn = state_cls.event_handlers.get(handler)
        return None if fn is not None and rule_of(fn.fn) is not None else "undeclared handler"
    return None if _builtin_fits(state_cls, handler, payload) else "built-in not sent by our pages"


def _not_the_tokens_socket(app, event) -> str | None:
    """The deltas of an event go to whichever socket holds its tab token, not to the socket that
    sent it: an event from a connected socket that does not hold the token (two sockets on one
    token) is refused, so its answer cannot reach the other. An event whose socket is gone (work
    a background task queued before a reconnect) belongs to the tab's new socket: not refused."""
    router_data = event.router_data or {}
    sid, token, namespace = router_data.get("sid"), router_data.get("token"), app.event_namespace
    if sid is None or namespace is None:
        return None
    manager = namespace._token_manager
    if manager.sid_to_token.get(sid) is None:
        return None
    record = manager.token_to_socket.get(token)
    if record is None or record.sid != sid or record.instance_id != manager.instance_id:
        return "the tab token belongs to another socket"
    return None


@dataclasses.dataclass(init=True)
class SessionGuard(Middleware):
    """Added first of the app's middlewares (ipapp.ipapp). Reflex 0.10.1 registers none of its own:
    `hydrate_and_load` runs as an ordinary handler, after this."""

    async def preprocess(self, app, state, event) -> StateUpdate | None:
        reason = _refusal(event.name, event.payload, event.router_data) or _not_the_tokens_socket(app, event)
        if reason is not None:
            log.warning("refused event %.120s: %s", event.name.encode("ascii", "replace").decode(), reason)
            return StateUpdate()  # nothing runs, nothing is sent; the connection stays up
        headers = state.router_data.get("headers") or {}
        active = sessions.resolve(session_cookie(headers.get("cookie", "")))
        await bind(state, active)
        if event.name in _HYDRATES:
            # A (re)connect: the page's own on_load fills it again, through the services, so the
            # snapshot carries no page's data - neither a previous page's nor a stale copy.
            await wipe(state, pages_only=True)
        resolved_for.set(state.router_data.get("token"))
        return None


async def bind(root: rx.State, active: sessions.ActiveSession | None) -> SessionState:
    """Make the tab's state belong to `active` (None: signed out), wiping it when it was built
    under any other session. Works on a root state and on a background task's proxy alike."""
    session_state = await root.get_state(SessionState)
    bound = session_state._session_id
    current = active.session_id if active else None
    if bound != current or (current is None and session_state._person_id is not None):
        await wipe(root)
        session_state._adopt(active)
    if active is not None:
        session_state._session_ends_at = active.ends_at
        tabs.remember(active.session_id, root.router.session.client_token)
    return session_state


async def wipe(root: rx.State, pages_only: bool = False) -> None:
    """Every var of every one of ipapp's states back to its default, also those not loaded yet
    (a Redis manager loads substates lazily). The language is the device's, not the person's.
    `pages_only`: keep who is signed in (SessionState), clear what the pages hold."""
    session_state = await root.get_state(SessionState)
    locale = session_state.locale
    for state_cls in tabs.session_state_classes()[1 if pages_only else 0:]:
        substate = await root.get_state(state_cls)
        for name, field in state_cls.__fields__.items():
            if field._owner is state_cls:
                setattr(substate, name, field.default_value())
    session_state.locale = locale
