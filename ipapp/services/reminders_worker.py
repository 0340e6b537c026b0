"""Where the reminder sender runs: its own process (`python -m ipapp.cli reminders`, for
production: stops cleanly on SIGTERM) or a thread in the app's process (IPAPP_REMINDERS_IN_APP,
on by default: start_in_app_sender, called once from the app's start-up).

PostgreSQL: any number of senders may run (FOR UPDATE SKIP LOCKED keeps their batches apart).
SQLite ignores SKIP LOCKED, so on SQLite exactly one sender runs: a lock file beside the
database keeps a second one (another worker process, or the CLI beside the app) from starting.
"""

import fcntl
import logging
import os
import threading
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.engine import make_url

from ipapp.config import ConfigError, Settings, push_problem, settings
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


def run_until_stopped(stop: threading.Event, config: Settings | None = None) -> None:
    """The sender loop until `stop` is set (the CLI sets it on SIGTERM/SIGINT)."""
    config = config or settings()
    sender = new_sender(config)
    lock = SingleSenderLock.take(config.database_url)
    log.warning("reminder sender started: %s", database_note(config.database_url))
    try:
        sender.run(stop, config.push.poll_seconds)
    finally:
        sender.push.close()
        lock.free()
        log.warning("reminder sender stopped")


@dataclass
class InAppSender:
    thread: threading.Thread
    stop_event: threading.Event

    def stop(self, timeout: float = 15.0) -> None:
        self.stop_event.set()
        self.thread.join(timeout)


_in_app: InAppSender | None = None
_in_app_lock = threading.Lock()


def start_in_app_sender(config: Settings | None = None) -> InAppSender | None:
    """Start the sender as a daemon thread of this process, once (later calls return the same
    one). None when IPAPP_REMINDERS_IN_APP is off, or when another sender already has this SQLite
    database (logged). ConfigError when push cannot be sent (production without VAPID keys)."""
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
            SingleSenderLock.take(config.database_url).free()  # only a probe: the thread takes its own
        except SenderBusy as busy:
            log.warning("reminder sender: not in this process: %s", busy)
            return None
        stop = threading.Event()
        thread = threading.Thread(target=_in_app_loop, args=(stop, config), name="ipapp-reminders", daemon=True)
        _in_app = InAppSender(thread, stop)
        thread.start()
        return _in_app


def _in_app_loop(stop: threading.Event, config: Settings) -> None:
    try:
        run_until_stopped(stop, config)
    except SenderBusy as busy:  # lost the race to another process since the probe
        log.warning("reminder sender: not in this process: %s", busy)
