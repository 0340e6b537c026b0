"""One tab token, one socket, across workers (Reflex 0.10.1, reflex-dev/reflex#6877).

Reflex's RedisTokenManager claims a tab's token with EXISTS and then SET: two workers can both
find it free and both take it. The later SET wins in Redis, the other worker adopts that record,
and from then on the deltas of one socket's events are routed, by token, to the other socket -
the owner's plan to a socket that never had her cookie (tests/browser/test_two_workers.py showed
it). Here the claim is one SET NX: the loser gets a fresh token, as a duplicated tab does, and
Reflex tells its client (`new_token`). Remove once Reflex claims atomically (its PR #6771).
"""

from __future__ import annotations

import logging
import pickle

from reflex.utils.token_manager import LocalTokenManager, RedisTokenManager, SocketRecord, _get_new_token

log = logging.getLogger(__name__)
ATTEMPTS = 3  # a fresh UUID4 is taken at once; the bound only keeps a broken Redis from looping


async def _claim_atomically(self: RedisTokenManager, token: str, sid: str) -> str | None:
    """As RedisTokenManager.link_token_to_sid, but the claim cannot be shared. Returns the new
    token when `token` was someone else's, else None."""
    if (record := self.token_to_socket.get(token)) is not None and record.sid == sid:
        return None  # the same socket again (a reconnect Reflex already knows)
    self._ensure_socket_record_task()
    record = SocketRecord(instance_id=self.instance_id, sid=sid)
    asked = token
    for _ in range(ATTEMPTS):
        try:
            claimed = await self.redis.set(self._get_redis_key(token), pickle.dumps(record),
                                           ex=self.token_expiration, nx=True)
        except Exception:
            log.exception("Redis could not claim a tab token; this worker alone knows the tab")
            return await LocalTokenManager.link_token_to_sid(self, token, sid)
        if claimed:
            self.token_to_socket[token] = record
            self.sid_to_token[sid] = token
            return token if token != asked else None
        token = _get_new_token()
    raise ConnectionRefusedError("no tab token could be claimed")


def install() -> None:
    RedisTokenManager.link_token_to_sid = _claim_atomically
