"""Where the reminder sender runs: a thread in the app's process (IPAPP_REMINDERS_IN_APP, on by
default: `in_app_sender_lifespan`, registered in ipapp/ipapp.py, runs in each backend worker from
start-up to shut-down) or its own process (`python -m ipapp.cli reminders`, for production: stops
cleanly on SIGTERM). Neither runs on import, in `reflex export`, or in the tests' own process.

PostgreSQL: any number of senders may run (FOR UPDATE SKIP LOCKED keeps their batches apart).
SQLite ignores SKIP LOCKED, so on SQLite exactly one sender runs: a lock file beside the database
keeps a second one from starting. The CLI refuses with one line; another app worker (or the app
beside a CLI sender) says once that it stands by, then quietly tries the lock each poll interval
and takes over when the holder stops.

A sender is woken, not only polled: a commit with reminders due soon rings `reminders_bell`
(ipapp.live.changes) in its process and is published on the live bus for other processes (relayed
here when the bus is Redis). Idle, it sleeps until the earliest pending due time, lease or retry
wait, at most the poll interval (IPAPP_REMINDERS_POLL_SECONDS): one indexed query.
"""

import asyncio
import contextlib
import fcntl
import logging
import os
import threading
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.engine import make_url
from sqlmodel import col

from ipapp import live
from ipapp.config import ConfigError, Settings, push_problem, settings
from ipapp.db import transaction
from ipapp.domain.vocabulary import OutboxStatus
from ipapp.live.bus import MemoryBus
from ipapp.live.changes import REMINDERS_DUE, REMINDERS_TOPIC, reminders_bell
from ipapp.models import ReminderOutbox
from ipapp.push.sender import PushSender
from ipapp.services.reminders_sending import ReminderSender

log = logging.getLogger("ipapp.reminders")


class SenderBusy(Exception):
    """Another sender already runs on this SQLite database."""


def new_sender(config: Settings | None = None) -> ReminderSender:
    """A sender from the settings; ConfigError when push cannot be sent (no VAPID keys)."""
    config = config or settings()
    problem = push_problem(config)
    if problem:
        raise ConfigError(problem)
    return ReminderSender(PushSender(config.push), lease_seconds=config.push.lease_seconds)


def database_note(database_url: str) -> str:
    """The line the sender logs at start: how many senders this database allows."""
    if make_url(database_url).get_backend_name() == "sqlite":
        return ("SQLite: this is the only reminder sender (SQLite ignores FOR UPDATE SKIP LOCKED, so a second "
                "one is refused by a lock file); use PostgreSQL to run several")
    return "PostgreSQL: several reminder senders may run side by side (FOR UPDATE SKIP LOCKED)"


@dataclass
class SingleSenderLock:
    """On SQLite, an exclusive lock on <database>.reminders.lock while this sender runs."""

    handle: object | None = None

    @classmethod
    def take(cls, database_url: str) -> "SingleSenderLock":
        url = make_url(database_url)
        if url.get_backend_name() != "sqlite" or not url.database or url.database == ":memory:":
            return cls()
        path = Path(url.database).with_name(Path(url.database).name + ".reminders.lock")
        handle = open(path, "a+")  # noqa: SIM115 - held for the sender's lifetime
        try:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.close()
            raise SenderBusy(f"another reminder sender already runs on this SQLite database ({path})") from None
        handle.truncate(0)
        handle.write(f"{os.getpid()}\n")
        handle.flush()
        return cls(handle)

    def free(self) -> None:
        if self.handle is not None:
            self.handle.close()  # closing drops the lock
            self.handle = None


# --- the loop: deliver, then sleep until something is due or a commit rings -----------------------

def request_stop(stop: threading.Event) -> None:
    """Stop a sender now, not after its sleep: set its stop event and ring the bell it waits on."""
    stop.set()
    reminders_bell.set()


def next_due_at(now: datetime) -> datetime | None:
    """When the next row becomes claimable: the earliest future due time of a pending row, or the
    earliest lease or retry wait running out on a row already due. Both use the (status, due_at)
    index; the second only reaches rows that are due and not claimable (in flight or backing off)."""
    status, due, lease = col(ReminderOutbox.status), col(ReminderOutbox.due_at), col(ReminderOutbox.locked_until)
    future = select(func.min(due)).where(status == OutboxStatus.PENDING.value, due > now).scalar_subquery()
    waiting = (select(func.min(lease))
               .where(status.in_((OutboxStatus.PENDING.value, OutboxStatus.SENDING.value)), due <= now, lease > now)
               .scalar_subquery())
    with transaction() as session:
        times = [t for t in session.execute(select(future, waiting)).one() if t is not None]
    return min(times) if times else None


def serve(sender: ReminderSender, stop: threading.Event, poll_seconds: float) -> None:
    """Until stop is set: deliver what is due, then wait for the next due time (at most
    poll_seconds) or the bell. A failing database is logged (one line) and tried again after
    poll_seconds; nothing crashes the loop."""
    while not stop.is_set():
        reminders_bell.clear()  # before looking: a commit from now on wakes the wait below
        wait = poll_seconds
        try:
            sender.run_until_idle(stop)
            due = next_due_at(sender.clock())
            if due is not None:
                wait = min(poll_seconds, max((due - sender.clock()).total_seconds(), 0.0) + 0.01)
        except Exception as exc:  # noqa: BLE001 - the loop must outlive a database restart
            log.warning("reminder sender: %s: %s (trying again in %g s)", type(exc).__name__,
                        str(exc).splitlines()[0] if str(exc) else "", poll_seconds)
            log.debug("details", exc_info=True)
        reminders_bell.wait(wait)


class BusRelay:
    """Commits in other processes ring this process's bell: a subscription to REMINDERS_TOPIC on the
    live bus, in a thread with its own event loop. Only for a bus across processes (Redis): in one
    process the commit rings the bell itself."""

    def __init__(self) -> None:
        self._loop: asyncio.AbstractEventLoop | None = None
        self._task: asyncio.Task | None = None
        self._listening = threading.Event()
        self.thread = threading.Thread(target=self._run, name="ipapp-reminders-wake", daemon=True)

    @classmethod
    def start_if_needed(cls) -> "BusRelay | None":
        if isinstance(live.bus(), MemoryBus):
            return None
        relay = cls()
        relay.thread.start()
        relay._listening.wait(5)
        return relay

    def _run(self) -> None:
        with contextlib.suppress(asyncio.CancelledError):
            asyncio.run(self._relay())

    async def _relay(self) -> None:
        self._loop, self._task = asyncio.get_running_loop(), asyncio.current_task()
        with live.subscribe({REMINDERS_TOPIC}) as news:
            self._listening.set()
            while True:
                if await news.next(None) is not None:
                    reminders_bell.set()

    def stop(self) -> None:
        if self._loop is not None and self._task is not None:
            with contextlib.suppress(RuntimeError):  # its loop already ended
                self._loop.call_soon_threadsafe(self._task.cancel)
        self.thread.join(5)


def run_until_stopped(stop: threading.Event, config: Settings | None = None,
                      lock: SingleSenderLock | None = None) -> None:
    """The sender loop until `stop` is set (by request_stop: the CLI's SIGTERM/SIGINT, the app's
    shut-down). Takes the SQLite lock unless given one (SenderBusy if another sender has it)."""
    config = config or settings()
    sender = new_sender(config)
    lock = lock or SingleSenderLock.take(config.database_url)
    relay = None
    try:
        relay = BusRelay.start_if_needed()  # before the line below: once said, it hears other processes
        log.warning("reminder sender started: %s", database_note(config.database_url))
        serve(sender, stop, config.push.poll_seconds)
    finally:
        if relay is not None:
            relay.stop()
            _tell_other_senders()  # what this one handed back is theirs at once, not at their next poll
        sender.push.close()
        lock.free()
        log.warning("reminder sender stopped")


def _tell_other_senders() -> None:
    try:
        live.publish(REMINDERS_TOPIC, REMINDERS_DUE)
    except Exception:  # noqa: BLE001 - a dead bus only delays them to their poll
        log.debug("could not tell other senders", exc_info=True)


# --- in the app's process -------------------------------------------------------------------------

@dataclass
class InAppSender:
    stop_event: threading.Event
    sending: threading.Event = field(default_factory=threading.Event)  # set once it holds the lock
    thread: threading.Thread = field(default_factory=threading.Thread)

    def stop(self, timeout: float = 15.0) -> None:
        """Stop and join. The reminder in hand is finished; the rest of its batch is handed back."""
        request_stop(self.stop_event)
        self.thread.join(timeout)
        if self.thread.is_alive():
            log.warning("reminder sender did not stop within %g s; rows it claimed are sent by the next "
                        "sender when their lease runs out", timeout)


_in_app: InAppSender | None = None
_in_app_lock = threading.Lock()


def start_in_app_sender(config: Settings | None = None) -> InAppSender | None:
    """Start the sender as a daemon thread of this process, once (later calls return the same
    one). None when IPAPP_REMINDERS_IN_APP is off. ConfigError when push cannot be sent
    (production without VAPID keys). On SQLite, when another sender has the lock, the thread
    stands by (said once) and takes over when that one stops."""
    global _in_app
    config = config or settings()
    with _in_app_lock:
        if _in_app is not None and _in_app.thread.is_alive():
            return _in_app
        if not config.push.in_app:
            log.info("reminder sender: not in this process (IPAPP_REMINDERS_IN_APP is off)")
            return None
        new_sender(config)  # refuse now, in the caller, rather than in the thread
        try:
            lock = SingleSenderLock.take(config.database_url)
        except SenderBusy as busy:
            log.warning("reminder sender: standing by in this process: %s; it takes over when that one stops", busy)
            lock = None
        in_app = InAppSender(stop_event=threading.Event())
        if lock is not None:
            in_app.sending.set()
        in_app.thread = threading.Thread(target=_in_app_loop, args=(in_app, config, lock), name="ipapp-reminders",
                                         daemon=True)  # daemon: a stuck push request never keeps the process alive
        in_app.thread.start()
        _in_app = in_app
        return in_app


def _in_app_loop(in_app: InAppSender, config: Settings, lock: SingleSenderLock | None) -> None:
    while lock is None:  # standing by: quietly, once a poll interval
        if in_app.stop_event.wait(config.push.poll_seconds):
            return
        with contextlib.suppress(SenderBusy):
            lock = SingleSenderLock.take(config.database_url)
    in_app.sending.set()
    try:
        run_until_stopped(in_app.stop_event, config, lock)
    except Exception:  # noqa: BLE001 - said once; the app keeps serving
        lock.free()
        log.exception("reminder sender: stopped by an error")


@contextlib.asynccontextmanager
async def in_app_sender_lifespan():
    """For `app.register_lifespan_task`: the in-app sender from a backend worker's start-up to its
    shut-down (granian and uvicorn run it in each worker; `reflex export` and imports do not).
    A sender that may not start (no VAPID keys) is one log line, never a failed start-up."""
    sender = None
    try:
        sender = start_in_app_sender()
    except ConfigError as problem:
        log.warning("reminder sender: not started in this process: %s", problem)
    except Exception as problem:  # noqa: BLE001 - the app serves without reminders rather than not at all
        log.warning("reminder sender: not started in this process: %s: %s", type(problem).__name__, problem)
    try:
        yield
    finally:
        if sender is not None:
            timeout = settings().push.timeout_seconds + 5  # the push request in hand, then the hand-back
            await asyncio.to_thread(sender.stop, timeout)
