"""The sessions this worker resolved in the last few seconds, so that an event does not look its
cookie up in the database every time (it was ~1.5 ms of the server's CPU per event).

Never longer than it stays true: an entry is forgotten at once when a session ends (every ending
publishes live.SESSIONS_ENDED with the session ids: in this process before the ending returns,
from other workers as fast as Redis delivers it), all entries when the Redis listener had to
reconnect (news may have been lost), and at the latest MAX_AGE after the database said yes, or at
the session's own end. Only positive answers are kept, keyed by the cookie's hash: a connection
is still answered only for its own cookie. Disabling an account ends its sessions, so it is covered.
"""

import threading
from datetime import datetime, timedelta

from ipapp import live
from ipapp.live.bus import RECONNECTED, on_event

MAX_AGE = timedelta(seconds=10)  # the bound if a message about an ended session were lost
MAX_ENTRIES = 20_000  # far above one worker's open tabs; beyond it, start afresh

_lock = threading.Lock()
_entries: dict[str, tuple[object, datetime]] = {}  # cookie hash -> (ActiveSession, database said so at)
_listening = False


def cached(session_hash: str, now: datetime):
    """The ActiveSession the database gave for this hash within MAX_AGE and before it ends, or None."""
    with _lock:
        entry = _entries.get(session_hash)
    if entry is None:
        return None
    active, checked_at = entry
    if now - checked_at >= MAX_AGE or now >= active.ends_at:
        forget_hash(session_hash)
        return None
    return active


def remember(session_hash: str, active, now: datetime) -> None:
    _start_listening()
    with _lock:
        if len(_entries) >= MAX_ENTRIES:
            _entries.clear()
        _entries[session_hash] = (active, now)


def forget_hash(session_hash: str) -> None:
    with _lock:
        _entries.pop(session_hash, None)


def forget_sessions(session_ids) -> None:
    ended = {i for i in session_ids if isinstance(i, int)}
    if not ended:
        return
    with _lock:
        for key in [k for k, (active, _at) in _entries.items() if active.session_id in ended]:
            del _entries[key]


def forget_all(_event: dict | None = None) -> None:
    with _lock:
        _entries.clear()


def _on_ended(event: dict) -> None:
    forget_sessions(event.get("sessions") or ())


def _start_listening() -> None:
    global _listening
    if not _listening:
        _listening = True
        on_event(live.SESSIONS_ENDED, _on_ended)
        on_event(RECONNECTED, forget_all)
        live.listen()


def _reset_for_tests() -> None:
    """Tests that swap the bus: listen again on the new one."""
    global _listening
    forget_all()
    _listening = False
