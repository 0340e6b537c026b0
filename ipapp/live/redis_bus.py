"""Redis pub/sub for several workers: every worker publishes to Redis and one listener thread per
worker hands what arrives to that worker's local subscribers. Chosen when IPAPP_REDIS_URL (or
Reflex's REFLEX_REDIS_URL) is set. The listener blocks on its socket: idle costs nothing."""

from __future__ import annotations

import json
import logging
import os
import threading
import time

from ipapp.live.bus import RECONNECTED, MemoryBus, Subscription, notify_sync

log = logging.getLogger(__name__)
CHANNEL_PREFIX = "ipapp:live:"


class RedisBus:
    def __init__(self, url: str) -> None:
        import redis

        self._redis = redis.Redis.from_url(url)
        self._local = MemoryBus()
        self._listener: threading.Thread | None = None
        self._start_lock = threading.Lock()
        self._closed = threading.Event()
        self._pubsub = None

    def publish(self, topic: str, event: dict) -> None:
        self._redis.publish(CHANNEL_PREFIX + topic, json.dumps(event))

    def subscribe(self, topics: frozenset[str]) -> Subscription:
        self._ensure_listener()
        return self._local.subscribe(topics)

    def listen(self) -> None:
        self._ensure_listener()

    def _ensure_listener(self) -> None:
        with self._start_lock:
            if self._listener is None or not self._listener.is_alive():
                self._listener = threading.Thread(target=self._listen, name="ipapp-live-redis", daemon=True)
                self._listener.start()

    def close(self) -> None:
        """Stop listening (a worker shutting down, or a test that is done with its server)."""
        self._closed.set()
        if self._pubsub is not None:
            self._pubsub.close()

    def _listen(self) -> None:
        while not self._closed.is_set():
            try:
                pubsub = self._pubsub = self._redis.pubsub(ignore_subscribe_messages=True)
                pubsub.psubscribe(CHANNEL_PREFIX + "*")
                notify_sync(RECONNECTED, {})  # what was published while we were not listening is lost
                for message in pubsub.listen():
                    channel = message["channel"].decode()
                    data = message["data"]
                    wire = data.decode() if isinstance(data, bytes) else data
                    topic = channel.removeprefix(CHANNEL_PREFIX)
                    notify_sync(topic, json.loads(wire))
                    self._local.deliver_local(topic, wire)
            except Exception as problem:  # Redis restarted: listen again, say so once a try
                if self._closed.is_set():
                    return
                log.warning("live: Redis listener lost its connection (%s); retrying", type(problem).__name__)
                time.sleep(1)


def configured_redis_bus() -> RedisBus | None:
    url = os.environ.get("IPAPP_REDIS_URL") or os.environ.get("REFLEX_REDIS_URL")
    return RedisBus(url) if url else None
