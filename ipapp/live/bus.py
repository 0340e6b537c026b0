"""The bus: in-process for one worker, Redis pub/sub for several (chosen by configuration).

`after_commit(session, topic, event)` queues an event on a database session; it is published only
when that transaction commits (a rolled-back write tells nobody anything). Events are JSON
round-tripped in memory too, so what works here works over Redis.
"""

from __future__ import annotations

import asyncio
import json
import logging
import threading
from collections import defaultdict
from collections.abc import Callable
from typing import Protocol

from sqlalchemy import event as sa_event
from sqlalchemy.orm import Session

log = logging.getLogger(__name__)
QUEUE_LIMIT = 256  # a tab that does not keep up loses old events, never the newest


class Subscription:
    """Events for some topics, delivered to the event loop that subscribed."""

    def __init__(self, topics: frozenset[str], on_close) -> None:
        self.topics = topics
        self._loop = asyncio.get_running_loop()
        self._queue: asyncio.Queue[dict] = asyncio.Queue(maxsize=QUEUE_LIMIT)
        self._on_close = on_close

    def deliver(self, payload: dict) -> None:
        """From any thread."""
        try:
            self._loop.call_soon_threadsafe(self._put, payload)
        except RuntimeError:  # the loop is closed: nobody is listening any more
            pass

    def _put(self, payload: dict) -> None:
        if self._queue.full():
            self._queue.get_nowait()
        self._queue.put_nowait(payload)

    async def next(self, timeout: float | None) -> dict | None:
        """The next event, or None when `timeout` seconds pass first."""
        try:
            return await asyncio.wait_for(self._queue.get(), timeout)
        except asyncio.TimeoutError:
            return None

    def close(self) -> None:
        self._on_close(self)

    def __enter__(self) -> Subscription:
        return self

    def __exit__(self, *_exc) -> None:
        self.close()


# Caches in this process that must forget at once (ipapp.auth.session_cache): called in the
# publishing thread for events published here, and in the Redis listener's thread for events from
# other workers. RECONNECTED: the Redis listener (re)subscribed, so events may have been missed.
RECONNECTED = "bus-reconnected"
_sync_listeners: dict[str, list[Callable[[dict], None]]] = defaultdict(list)


def on_event(topic: str, listener: Callable[[dict], None]) -> None:
    """Call `listener(event)` synchronously for every event on `topic` this process hears of."""
    if listener not in _sync_listeners[topic]:
        _sync_listeners[topic].append(listener)


def notify_sync(topic: str, event: dict) -> None:
    for listener in list(_sync_listeners.get(topic, ())):
        try:
            listener(event)
        except Exception:  # a cache's mistake must not stop the news
            log.exception("live: a listener of %s failed", topic)


class Bus(Protocol):
    def publish(self, topic: str, event: dict) -> None: ...
    def subscribe(self, topics: frozenset[str]) -> Subscription: ...


class MemoryBus:
    """One process: publish hands the event to every local subscriber of the topic."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._by_topic: dict[str, set[Subscription]] = defaultdict(set)

    def subscribe(self, topics: frozenset[str]) -> Subscription:
        subscription = Subscription(frozenset(topics), self._remove)
        with self._lock:
            for topic in subscription.topics:
                self._by_topic[topic].add(subscription)
        return subscription

    def _remove(self, subscription: Subscription) -> None:
        with self._lock:
            for topic in subscription.topics:
                subscribers = self._by_topic.get(topic)
                if subscribers is not None:
                    subscribers.discard(subscription)
                    if not subscribers:
                        del self._by_topic[topic]

    def deliver_local(self, topic: str, wire: str) -> None:
        with self._lock:
            subscribers = list(self._by_topic.get(topic, ()))
        for subscription in subscribers:
            payload = json.loads(wire)
            payload["topic"] = topic
            subscription.deliver(payload)

    def publish(self, topic: str, event: dict) -> None:
        self.deliver_local(topic, json.dumps(event))

    def listen(self) -> None:
        """Nothing to start: every event of this process passes through publish."""


_bus: Bus | None = None


def bus() -> Bus:
    global _bus
    if _bus is None:
        from ipapp.live.redis_bus import configured_redis_bus

        _bus = configured_redis_bus() or MemoryBus()
    return _bus


def use_bus(new_bus: Bus | None) -> None:
    """Tests: another bus (None: choose again from the configuration)."""
    global _bus
    _bus = new_bus


def publish(topic: str, event: dict) -> None:
    notify_sync(topic, json.loads(json.dumps(event)))  # this process first, before any answer goes out
    bus().publish(topic, event)


def listen() -> None:
    """Make sure other workers' events reach this process's listeners (Redis: its listener thread)."""
    bus().listen()


def subscribe(topics) -> Subscription:
    return bus().subscribe(frozenset(topics))


# --- published after commit -------------------------------------------------------------------

_PENDING = "ipapp_live_pending"


def after_commit(session: Session, topic: str, event: dict) -> None:
    """Publish `event` on `topic` when this session's transaction commits; never on rollback."""
    pending: list[tuple[str, dict]] = session.info.setdefault(_PENDING, [])
    if (topic, event) not in pending:  # the same news twice in one transaction is said once
        pending.append((topic, event))


def pending_topics(session: Session) -> list[str]:
    """The topics this session's transaction will publish when it commits."""
    return [topic for topic, _ in session.info.get(_PENDING, ())]


@sa_event.listens_for(Session, "after_commit")
def _publish_pending(session: Session) -> None:
    pending = session.info.pop(_PENDING, None)
    for topic, event in pending or ():
        try:
            publish(topic, event)
        except Exception:  # a dead bus must not turn a committed write into an error
            log.exception("live: could not publish %s", topic)


@sa_event.listens_for(Session, "after_rollback")
def _drop_pending(session: Session) -> None:
    session.info.pop(_PENDING, None)
